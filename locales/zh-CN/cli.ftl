# Command-line output.

## 失败
cli-failed = { $what }失败：{ $cause }
cli-error = 错误：{ $cause }
cli-starting-runtime = 启动运行环境
cli-applying-schema = 更新数据库结构
cli-creating-data-dir = 创建数据目录 { $dir }
cli-reading-dir = 读取目录 { $dir }
cli-opening-database = 打开数据库 { $url }
cli-listening = 监听 { $addr }
cli-loading-catalogue = 加载制度要求目录
cli-loading-calendars = 加载工作日日历
cli-evaluating = 评估
cli-serving-failed = 提供服务
cli-reading-file = 读取 { $file }
cli-writing-file = 写入 { $file }
cli-dropping-demo-database = 删除原演示数据库
cli-removing-demo = 删除 { $dir } 中原有的演示数据
cli-demo-inconsistent = 演示数据不一致（{ $detail }），请报告此问题

## 选项和输入
cli-not-a-day = “{ $value }”不是 YYYY-MM-DD 格式的日期
cli-unknown-lang = “{ $value }”不是可用的语言（zh-CN 或 en）
cli-not-an-org-id = --org：“{ $value }”不是组织编号（32 位十六进制数字）
cli-no-such-org = 找不到组织 { $id }
cli-org-not-in-year = --org：{ $year }年没有组织 { $id }
cli-year-out-of-range = --year：{ $year } 不在 2000 至 2100 之间
cli-keep-months-too-few = --keep-months 至少为 6：审计记录至少保存六个月
cli-keep-months-too-many = --keep-months 过大
cli-not-a-file = { $file } 不是普通文件
cli-output-extension = { $file }：文件名须以 .xlsx 或 .csv 结尾
cli-demo-database-name = 演示会重建其数据库，数据库名中须含有“demo”（现为“{ $name }”）
cli-not-a-demo-dir = { $dir } 不是演示目录（没有 { $marker } 文件），演示只会重建自己的目录。请换一个 --data-dir。

## 结果
cli-demo-built = 演示数据已建好：{ $dir }
cli-schema-up-to-date = 数据库已是最新
cli-migrations-applied = 已应用迁移：{ $migrations }
cli-jobs-busy = 另一进程正在运行定时任务
cli-serving = 长效：{ $url }
cli-demo-logins = 演示账号（登录名 / 密码）：
cli-account-created = 已创建账号：{ $login }
cli-one-time-password = 一次性密码（首次登录后须修改）：{ $password }
cli-audit-intact = 审计链完好：{ $chains } 条链，{ $entries } 条记录
cli-audit-broken = 审计链被破坏：{ $where }
cli-audit-purged = 已删除 { $removed } 条早于 { $cut } 的审计记录
cli-audit-chain = { $chain }
cli-audit-heads-current = 审计链包含 { $at } 签名时的全部记录
cli-audit-heads-restored = 数据库经声明从备份恢复，{ $at } 签名的链头记录了这次恢复
cli-audit-heads-none = 尚未签名链头（每次定时任务和清理时签名）
cli-audit-heads-forged = 链头签名文件第 { $line } 行验签失败：文件被改动
cli-audit-heads-truncated = 审计链“{ $chain }”止于第 { $seq } 条，但已签名到第 { $signed } 条：最新的记录被删除
cli-audit-heads-rolled-back = 审计链“{ $chain }”停在 { $copy } 签名时的第 { $seq } 条，但其后已签名到第 { $signed } 条：未经 `changxiao audit restored` 声明放回了旧的数据库副本
cli-audit-restore-recorded = 已记录本次恢复，并于 { $at } 签名链头
cli-file-not-imported = 文件未导入，未作任何修改：
cli-imported = 已导入 { $rows } 行：新增 { $created }，更新 { $updated }，未变 { $unchanged }
cli-warning = 提示：{ $warning }
cli-template-written = 已写出模板：{ $file }
cli-roster-exported = 已导出 { $members } 名党员：{ $file }
cli-evaluate-head = 要求	对象	期间	状态	原因
cli-evaluate-total = 共{ $cells }项（组织{ $orgs }项，个人{ $people }项）

## 演示账号
demo-login-admin = 县委系统管理员
demo-login-zuzhibu = 县委组织部
demo-login-shuji = 支部书记
demo-login-shenji = 安全审计员
jobs-digest-summary = 每周待办提醒 { $week }：收件人 { $recipients } 名，新排队 { $queued } 封，此前已排队 { $already_queued } 封，无待办 { $nothing_open } 名；已发送 { $sent } 封，发送失败 { $failed } 封，未发送 { $held } 封
cli-bad-scale = “{ $value }”不是 province、city、county 或 0.0001 至 4 之间的数
cli-generating = 生成数据
cli-generated = 已生成（{ $seconds } 秒）：{ $summary }
cli-out-not-empty = --out：{ $dir } 不是空目录，请换一个新目录
cli-generated-written = 已写入 { $dir }
cli-gen-evaluated = 已评估 { $year } 年的 { $cells } 个单元格，用时 { $seconds } 秒

## 初始化
cli-init-bad-flag = { $flag }：{ $problem }
cli-init-missing-flag = 缺少 { $flag }（不在终端上运行时，须以参数给出每一项）
cli-init-asking = 读取回答
cli-init-no-answer = 输入已结束，尚未回答全部问题，未作任何修改
cli-init-ask-name = 本级党组织名称：
cli-init-ask-level = 层级（central 中央 / provincial 省级 / city 市级 / county 县级 / township 乡镇 / grassroots 基层）：
cli-init-ask-kind = 组织类别（committee 党委 / party_group 党组 / department 工作部门 / general_branch 党总支 / branch 党支部 / group 党小组）：
cli-init-ask-unit-type = 所在单位类型（可不填，直接回车）：
cli-init-ask-founded-on = 成立日期（YYYY-MM-DD）：
cli-init-ask-province = 所在省份行政区划代码（如 51 或 510000）：
cli-init-ask-admin-login = 系统管理员登录名：
cli-init-ask-admin-name = 系统管理员姓名：
cli-init-ask-auditor-login = 安全审计员登录名：
cli-init-ask-auditor-name = 安全审计员姓名：
cli-init-done = 已建立 { $root }（编号 { $id }）
cli-init-account = { $role }：登录名 { $login }，一次性密码 { $password }（首次登录后须修改）
cli-init-next = 下一步：运行 changxiao serve，以系统管理员登录，按“开通向导”导入组织和党员名册。
