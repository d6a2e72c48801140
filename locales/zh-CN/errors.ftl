# 错误消息（简体中文）。消息 id 是代码中的稳定代码；en/errors.ftl 中有同名消息。
# 参数：$field 显示为字段名称，$value 为用户填写的值，$problem 为问题本身。

## 字段错误的组合
field-error = { $field }：{ $problem }
field-error-value = { $field }：“{ $value }”{ $problem }
row-error = 第{ $row }行 { $message }

## 值的问题
problem-required = 不能为空
problem-not-a-date = 不是日期
problem-not-a-number = 不是数字
problem-too-long = 超过 { $max } 个字符
problem-control-character = 含有控制字符或方向控制字符
problem-unknown-value = 不是可用的取值（可用：{ $allowed }）
problem-bad-check-digit = 校验码错误（GB 11643）
problem-bad-id-number = 不是 18 位公民身份号码
problem-in-future = 晚于今天
problem-joined-before-eighteen = 入党时未满 18 周岁
problem-before-join-date = 早于入党日期
problem-duplicate = 与第{ $row }行重复
problem-already-recorded = 已有党员使用该值
problem-not-found = 找不到
problem-ambiguous = 对应多个组织，请写完整路径

## 字段（表单、模板和消息中的名称）
field-name = 姓名
field-sex = 性别
field-ethnicity = 民族
field-id-number = 公民身份号码
field-birth-date = 出生日期
field-category = 人员类别
field-join-date = 入党日期
field-full-member-date = 转正日期
field-organization = 所在党组织
field-position = 党内职务
field-phone = 联系电话
field-status = 状态
field-cadre-rank = 职务层次
field-parent = 上级组织
field-level = 组织层级
field-kind = 组织类别
field-unit-type = 单位类型
field-founded-on = 成立日期
field-closed-on = 撤销日期
field-valid-from = 生效日期
field-version = 版本
field-cursor = 游标
field-limit = 条数
field-file = 文件
field-login = 登录名
field-password = 密码
field-role = 角色
field-activity-kind = 活动类型
field-host = 主办组织
field-title = 标题
field-held-on = 举办日期
field-starts-at = 开始时间
field-duration = 时长（分钟）
field-presenter = 主讲人
field-agenda = 议程
field-participant = 参加人员
field-absentee = 缺席人员
field-reason = 理由
field-visit-kind = 走访类型
field-polarity = 案例性质
field-research-project = 调研课题
field-requirement = 制度要求
field-period = 周期
field-count = 次数
field-definition = 自定义要求
field-subject-kind = 对象类型
field-subject = 对象
field-from-date = 起始日期
field-to-date = 截止日期
field-activity-status = 活动状态
field-minutes = 会议记录
field-minutes-state = 记录状态
field-attachment = 附件
field-topic = 课题
field-lead = 牵头人
field-team = 课题组成员
field-findings = 调研发现
field-outcome = 成果
field-description = 内容
field-person = 人员
field-correction-reason = 更正理由
field-started-on = 开始日期

## 账号
login-bad-form = 应为 3–64 个小写字母、数字或 . _ -
password-too-short = 至少 { $min } 个字符
password-too-long = 不能超过 { $max } 个字符
password-is-login = 不能与登录名相同

## 党员名册
phone-bad-form = 不是电话号码
id-number-mismatch = 与公民身份号码不符
id-number-stored-as-number = 以数字格式保存，末几位已丢失；请把该列设为文本格式后重新填写

## 组织树
placement-parent-below = 上级组织的层级低于本组织
placement-under-group = 党小组下不能再设组织
placement-group-outside-branch = 党小组只能设在党支部下
placement-cycle = 不能移到自己的下级组织下
parent-is-itself = 不能是本组织自己
parent-cycle = 上级组织形成循环

## 导入的表格
column-without-header = 第 { $column } 列有数据但没有列名
column-twice = 此列出现了两次
column-unknown = 不是模板中的列（可用：{ $allowed }）
column-missing = 缺少此列
file-no-data-rows = 没有数据行（只有表头或为空）
cell-formula-error = 是公式错误值
path-empty-part = 路径中有空的层级
date-ambiguous-month = 月份不明确（1 月还是 10 月？），请写成 { $year }-01 或 { $year }-10

## 导入的活动
row-is-example = 是模板中的示例行，请删除
activity-kind-unknown = 不是活动类型（可用：{ $allowed }）
visit-kind-unknown = 不是走访类型（可用：{ $allowed }）
agenda-kind-unknown = 不是议程类型；每项写成“类型：标题”，如“第一议题：……”“其他：……”（类型可用：{ $allowed }）
polarity-unknown = 不是可用的取值（可用：正面、反面）
date-needs-day = 须写明哪一天
time-bad-form = 不是时刻（如 09:30）
duration-out-of-range = 须为 1 至 1440 分钟
duration-not-whole = 须为整数分钟
absence-bad-form = 缺席须写明原因，写成“姓名（原因）”
absence-needs-reason = 缺席须写明原因
listed-twice = 重复列出

## 电子表格文件
sheet-too-large = 文件过大（{ $bytes } 字节，上限 { $limit_mib } MiB）
sheet-empty = 文件为空
sheet-not-a-spreadsheet = “{ $file }”不是电子表格（请上传 XLSX、XLS 或 CSV）
sheet-corrupt = “{ $file }”已损坏，无法读取（{ $reason }）
sheet-encoding = “{ $file }”的文字编码无法识别，请另存为 UTF-8 或 GB18030 编码的 CSV
sheet-no-worksheet = “{ $file }”中没有工作表
sheet-too-wide = 表格超过 { $max } 列
sheet-too-many-cells = 表格超过 { $max } 个单元格
sheet-unreadable = 无法读取文件（{ $reason }）
sheet-write-failed = 无法生成文件（{ $reason }）

## 活动记录
plan-too-far-ahead = 计划最多提前两年
agenda-empty = 至少要有一项议程
absence-on-plan = 计划中的活动尚未举办，举办后再标记缺席
participant-not-eligible = 当日不是主办组织（含下级组织）的党员，也未在主办组织任职
absentee-not-participant = 不在参加人员之中
new-record-cancelled = 新记录只能是计划或已举办
cancelled-plan-frozen = 已取消的计划不能再修改
cancel-by-update = 取消计划请用“取消”
held-back-to-plan = 已举办的活动不能改回计划
final-minutes-to-draft = 定稿的会议记录不能改回草稿
correction-needs-reason = 会议记录已定稿，更正须写明理由
host-other-province = 不能改为其他省份的组织
cancel-not-planned = 只有计划中的活动可以取消
final-minutes-empty = 定稿的会议记录不能为空
minutes-final-before-held = 活动举办后会议记录才能定稿
visit-kind-not-visit = 只用于下基层走访
polarity-not-case = 只用于典型案例剖析
host-not-founded = 主办组织于 { $founded_on } 成立，该日尚未成立
host-closed = 主办组织已于 { $closed_on } 撤销
same-activity-planned = 该日已有同一活动的计划，请在其页面上标记为已举办
presenter-outside-import = 当日不是主办组织或导入范围内的党员；范围外的人员请写其人员编号
name-ambiguous = 有多名同名人员，请改写其人员编号
row-same-activity = 与第{ $row }行的活动类型、主办组织、举办日期和开始时间都相同

## 附件
attachment-empty = 是空文件
attachment-too-large = 超过 { $max_mb } MB，不能上传
attachment-refused-content = 内容是{ $content }，不能作为附件
attachment-unrecognised = 内容无法识别
attachment-extension-mismatch = 内容是{ $content }，扩展名 .{ $extension } 与之不符；请以 .{ $wanted } 结尾命名
attachment-no-extension = 内容是{ $content }，文件名没有扩展名；请以 .{ $wanted } 结尾命名
attachment-on-cancelled-plan = 所属活动是已取消的计划，不能再添加附件
attachment-too-many = 每项活动最多 { $max } 个附件，已有 { $present } 个

## 附件的内容（file_content 词表）
file-content-pdf = PDF 文档
file-content-png = PNG 图片
file-content-jpeg = JPEG 图片
file-content-gif = GIF 图片
file-content-webp = WebP 图片
file-content-docx = Word 文档（.docx）
file-content-xlsx = Excel 表格（.xlsx）
file-content-pptx = PowerPoint 演示文稿（.pptx）
file-content-doc = Word 文档（.doc）
file-content-xls = Excel 表格（.xls）
file-content-ppt = PowerPoint 演示文稿（.ppt）
file-content-text = 纯文本
file-content-windows-program = Windows 可执行程序（EXE/DLL）
file-content-linux-program = Linux 可执行程序（ELF）
file-content-macos-program = macOS 或 Java 可执行程序
file-content-archive = 压缩包
file-content-ole-other = OLE 复合文件，但不是 Word、Excel 或 PowerPoint 文档（可能是安装程序）
file-content-zip-damaged = 损坏或无法读取的 ZIP 压缩包
file-content-office-macros = 带宏的 Office 文档
file-content-zip-other = ZIP 压缩包，不是 Word、Excel 或 PowerPoint 文档
file-content-unknown = 不接受的文件类型
file-content-script = 脚本
file-content-markup = 网页或 SVG 图片（可能带有脚本）

## 政治生日
birthday-none-chosen = 请至少选择一名过政治生日的党员
birthday-not-member = 当日不是本支部（含党小组）的党员
birthday-presenter-outside = 当日既不是本支部的党员，也不是支部委员
birthday-other-month = { $name }的政治生日不在{ $year }年{ $month }月（入党时间 { $joined }）

## 评估
year-unusable = { $year } 不是可用的年份
evaluation-too-many-records = 数据过多，无法评估
evaluation-too-many-local-requirements = 自定义要求过多

## 导入名册和组织
org-holds-no-members = 不能接收党员
member-without-membership = 对应的党员记录没有组织关系
org-differs-from-namesake = 与已有同名组织的层级或类别不同
import-warning-large-branch = { $org }：{ $total } 名党员，超过 50 名
import-warning-needs-committee = { $org }：正式党员 { $full } 名，应设支部委员会

## 组织的变动
parent-not-open-at-founding = 上级组织在成立日期时未在运行
org-not-open-on-day = 该组织在该日期未在运行
new-parent-not-open = 新的上级组织在该日期未在运行
move-to-other-province = 不能把组织移到另一个省级组织之下：请撤销后在新位置重建
move-before-later-change = 该组织或其下级组织在此日期之后另有变动，不能补记更早的调整
org-already-closed = 该组织已撤销
close-before-founding = 早于成立日期
close-with-open-children = 该组织下仍有未撤销的组织
close-with-members = 该组织仍有党员，请先转移组织关系

## 账号的电子邮箱
email-bad-form = 电子邮箱地址格式不正确

## 党员
org-cannot-take-member = 该组织不能接收党员
id-number-already-recorded = 已有该公民身份号码的党员记录
org-cannot-take-member-on-day = 该组织在该日期不能接收党员
move-member-other-province = 跨省级组织转接请在原组织办理转出、在新组织新建记录
move-member-same-org = 已在该组织
move-member-not-after-start = 不晚于当前组织关系的开始日期

## 问题
problems-only-life-meetings = 只有民主生活会和组织生活会可以记录查摆出的问题
problems-after-held = 会议举办后才能记录查摆出的问题
problems-too-many = 一次最多记录 { $max } 个问题
problem-person-not-participant = 不是这次会议的参加人员

## 调研课题
research-person-outside = 课题开始之日和今天均不是本组织（含下级组织）的党员，也未在其中任职
research-problem-only = 只有“问题”类成果才转为问题记录
research-org-not-open = 该组织已撤销或尚未成立
research-before-founding = 早于该组织成立之日 { $founded_on }
exemption-wrong-subject = 该要求约束的对象是{ $binds ->
    [person] 个人
   *[org] 组织
}

## 本地规定和豁免
setting-fixed-by-documents = 其频次由文件规定，不能由本地规定
setting-bad-count = 须为 1 至 366 的整数
setting-same-day = 该组织对此要求已有从该日起的设置，请先终止
setting-org-closed = 该组织届时已撤销
setting-already-ended = 该设置已终止
setting-end-before-start = 早于该设置的生效日期
exemption-to-before-from = 早于起始日期
exemption-already-revoked = 该豁免已撤销
local-requirement-bad = 自定义要求有误：{ $detail }
local-requirement-id-taken = 编号“{ $id }”已被本省另一自定义要求使用
login-taken = 已被使用
grant-already-ended = 该授权已结束

## 接口的回答
api-not-found = 找不到
api-unauthenticated = 请先登录，或提供有效的 API 令牌
api-csrf = 缺少或不符的 X-CSRF-Token
api-insufficient-scope = 该令牌只能读取
api-internal = 服务器内部错误
api-unavailable = 服务暂时不可用，请稍后再试
api-version-conflict = 记录已被他人修改（当前版本 { $current }）
api-simultaneous-change = 与同时进行的另一修改冲突，请重试
api-method-not-allowed = 该地址不支持此方法
api-bad-query = 查询参数无法解析
api-not-json = 请求体须为 JSON（Content-Type: application/json）
api-body-too-large = 请求体超过 { $max } 字节
api-bad-body = 无法读取请求体
api-malformed-json = JSON 语法错误（第 { $line } 行第 { $column } 列）
api-not-an-object = 请求体须为 JSON 对象
api-unknown-field = 未知字段“{ $field }”
api-wrong-type = { $field }：类型错误
api-wrong-type-expected = { $field }：类型错误（应为 { $expected }）
api-body-mismatch = 请求体与接口不符
api-bad-idempotency-key = Idempotency-Key 须为 1 至 { $max } 个可见 ASCII 字符
api-idempotency-key-reused = 该 Idempotency-Key 已用于另一个请求
problem-no-such-record = 找不到该记录
problem-not-iso-date = 不是 YYYY-MM-DD 格式的日期
problem-not-iso-partial-date = 不是 YYYY-MM-DD 或 YYYY-MM 格式的日期
problem-not-iso-month = 不是 YYYY-MM 格式的月份
problem-limit-out-of-range = 须为 1 至 { $max } 的整数
problem-not-a-cursor = 不是本接口给出的游标
problem-not-a-whole-number = 不是整数
problem-not-a-time = 不是 HH:MM 格式的时间
problem-must-be-one-of = 只能是 { $allowed }
problem-not-a-catalogue-kind = 不是目录中的活动类型
problem-only-for-corrections = 只用于更正已有记录
problem-file-required = 请选择一个文件
problem-one-file = 每次只能上传一个文件
problem-search-not-paged = 搜索结果不分页
problem-definition-or-frequency = 自定义要求与 requirement_id/period/count 只能给出其一
problem-only-problem-results = 只有 problem 类成果才转为问题记录
api-attachments-unavailable = 本服务器未设置附件目录，暂不能上传附件
api-attachment-too-large = 附件：文件超过 { $max_mb } MB
api-bad-multipart = 请求体须为 multipart/form-data，文件放在 file 字段
attachment-no-storage = 本服务器未配置附件存储

## 审计链
audit-chain-break = 审计链“{ $chain }”第 { $seq } 条记录{ $reason }
chain-break-before-start = 排在该链起点之前
chain-break-missing = 缺失（被删除或编号错乱）
chain-break-not-following = 与前一条记录接不上（被插入或调换）
chain-break-changed = 写入后被改动
sheet-unclosed-quote = “{ $file }”已损坏，无法读取（第 { $row } 行开始的引号没有结束）
audit-chain-system = 系统链

## 数据文件（要求目录、日历、本地自定义要求）
file-error = { $file }：{ $problem }
file-line-error = { $file } 第 { $line } 行：{ $problem }
toml-error = TOML 格式有误：{ $detail }
catalogue-in-requirement = 要求“{ $id }”：{ $problem }
catalogue-class-hour-minutes = class_hour_minutes：须在 1 至 240 之间
catalogue-late-window = late_entry_window：“{ $value }”不是天数（如“10d”或“7wd”）
catalogue-no-activity-kind = 没有定义任何 activity_kind
catalogue-no-document = 要求文件须有 [document] 表，写明出处
catalogue-duplicate-id = id：要求编号“{ $id }”重复
catalogue-local-only-requirement = 自定义要求只能含一个 [[requirement]] 表，不能有其他内容
catalogue-local-one-requirement = 自定义要求须恰好含一个 [[requirement]] 表
catalogue-local-id-taken = id：“{ $id }”已是目录中的要求
catalogue-empty = { $field }：不能为空
catalogue-not-one-of = { $field }：“{ $value }”不是 { $allowed } 之一
catalogue-out-of-range = { $field }：{ $value } 不在 { $min } 至 { $max } 之间
catalogue-unknown-code = { $field }：未知的{ $vocabulary }“{ $value }”
catalogue-subject-flags-for-people = presenter_is_subject/attended_by_subject：只用于针对个人的要求
catalogue-each-of-both = each_visit_kind/each_polarity：只能给出其一
catalogue-hours-for-people = hours：学时只对个人计算
catalogue-raised-below-minimum = hours.raised.minimum：不能低于 hours.minimum
catalogue-bad-id = id：“{ $id }”只能含小写字母、数字和“-”
catalogue-who-for-people = who：只有针对个人的要求才写明约束谁
catalogue-positions-empty = positions：按职务约束时至少写明一个职务
catalogue-min-rank-required = min_cadre_rank：约束干部时必须填写
catalogue-who-required = who：针对个人的要求须写明约束谁
catalogue-org-kinds-for-orgs = org_kinds：只有针对组织的要求才约束组织类别
catalogue-bad-host = host：“{ $value }”不是 subject、subject_subtree、any 之一（组织用 subject 和 subject_subtree，个人用 any）
catalogue-person-how = presenter_is_subject/attended_by_subject：针对个人的要求须写明活动如何算作本人的
catalogue-no-kinds = kinds：至少写明一种满足该要求的活动类型
catalogue-join-month-members = period：join_month 只用于约束全体党员的要求
catalogue-per-meeting-orgs = period：per_meeting 只用于针对组织的要求
catalogue-hours-per-year = period：学时按年计算
catalogue-pending-needs-local = pending_local_rule：只有频次可由本地规定（locally_set = true）的要求才能“待本地规定”
catalogue-pending-hours = pending_local_rule：学时有全国统一的最低标准，不能“待本地规定”
catalogue-quorum-item-required = quorum：表决的法定人数须写明 quorum_item，即表示表决的议程类型
catalogue-quorum-item-for-votes = quorum_item：只有 quorum = "voters_more_than_half" 才针对某一议程
catalogue-source-kind-required = source_kind：须写明该要求的依据类别：national（全国性文件）、common_practice（通行做法）或 method（工作方法）
catalogue-local-source-kind = source_kind：本地要求的依据就是本地规定，请删去“{ $value }”
catalogue-bad-code = { $table }.code：“{ $code }”只能含小写字母、数字和“_”
catalogue-term-words = { $table }“{ $code }”：zh 和 en 都不能为空
catalogue-duplicate-code = { $table }.code：“{ $code }”重复
catalogue-too-many = { $table }：条目过多
vocabulary-name-activity-kind = 活动类型
vocabulary-name-agenda-kind = 议程类型
vocabulary-name-visit-kind = 走访类型
vocabulary-name-position = 职务
vocabulary-name-org-kind = 组织类别
vocabulary-name-org-level = 组织层级
vocabulary-name-cadre-rank = 干部职务层次
calendar-field = { $field }：{ $problem }
calendar-year-range = year：{ $year } 不在 1949 至 2200 之间
calendar-year-twice = year：{ $year } 已由另一个文件给出
calendar-not-a-day = “{ $value }”不是 YYYY-MM-DD 格式的日期
calendar-other-year = { $day } 不在 { $year } 年
calendar-not-weekend = { $day } 不是周末
calendar-listed-twice = { $day } 列出了两次
calendar-to-before-from = { $to } 早于 from = { $from }
calendar-holiday-too-long = 从 { $from } 到 { $to } 的假期超过一个月
calendar-overlap = “{ $name }”与“{ $other }”在 { $day } 重叠
calendar-makeup-in-holiday = { $day } 在假期之内
catalogue-missing-kind = 没有程序需要的 { $table }“{ $code }”
catalogue-term-minutes = { $table }“{ $code }”：minutes 须在 1 至 1440 之间
province-code-bad = 不是省级行政区划代码（如 51 或 510000）
field-province = 所在省份

## 部署初始化
store-already-set-up = 数据库已经初始化（已有组织或账号），未作任何修改
province-required = 县级以下的根组织须写明所在省份的行政区划代码
province-for-central = 中央一级的组织不属于任何省份
