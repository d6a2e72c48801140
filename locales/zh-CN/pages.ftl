# 页面上的词语（简体中文）。每个消息在 en/pages.ftl 中都有同名的英文消息（单元测试检查）。
# 领域代码的标签为 <词表>-<代码>。

## app
app-name = 长效
app-subtitle = 主题教育长效机制工作平台

## nav
nav-home = 首页
nav-search = 搜索
nav-search-label = 按名称搜索组织或党员
nav-language = 语言
nav-skip = 跳到正文
nav-account = 账号
nav-logged-in-as = 当前用户：
nav-my-account = 我的账号
nav-admin-accounts = 账号管理
nav-audit = 审计
nav-logout = 退出登录

## lang
lang-zh = 中文
lang-en = English

## list
list-separator = 、

## common
common-not-recorded = 未填写
common-none = 无

## home
home-title = 组织
home-roots = 本级党组织
home-empty-title = 还没有组织
home-empty-text = 这里还没有任何组织。请管理员在服务器上运行下面的命令之一：
home-empty-import = changxiao import：导入组织和党员名册（CSV 或 Excel 表格）
home-empty-demo = changxiao demo：建立一个演示县，先看看平台怎么用
home-no-access-title = 暂无可查看的组织
home-no-access-text = 您的账号还没有任何组织的权限。请联系本级系统管理员为您授权。

## org
org-path = 组织路径
org-details = 基本信息
org-level = 层级
org-kind = 类别
org-unit-type = 单位类型
org-founded-on = 成立日期
org-total-members = 党员人数（含下级）
org-children = 下级组织
org-no-children = 没有下级组织。
org-child-name = 组织名称
org-child-members = 党员人数
org-members = 党员名单
org-no-members = 暂无党员。
org-members-truncated = 只显示了前 1000 名党员，请用搜索查找其他人。
org-history = 修改记录

## member
member-name = 姓名
member-org = 所在组织
member-sex = 性别
member-age = 年龄
member-category = 类别
member-status = 状态
member-positions = 职务
member-join-date = 入党日期
member-phone = 电话

## person
person-details = 个人信息
person-org = 所在组织
person-ethnicity = 民族
person-birth-date = 出生日期
person-full-member-date = 转正日期
person-political-birthday = 政治生日
person-cadre-rank = 职务层次
person-id-number = 身份证号
person-history = 修改记录
person-no-history = 暂无修改记录。

## history
history-when = 时间
history-who = 操作人
history-what = 操作

## audit_action
audit-action-create = 新建
audit-action-update = 修改
audit-action-move = 调动
audit-action-close = 撤销
audit-action-import = 导入
audit-action-view-id-number = 查看身份证号（脱敏）
audit-action-login = 登录
audit-action-login-failed = 登录失败
audit-action-grant = 授权
audit-action-revoke = 撤销
audit-action-password-change = 修改密码
audit-action-password-reset-issued = 生成重设密码链接
audit-action-queue = 生成通知
audit-action-sent = 通知已发送
audit-action-send-failed = 通知未发送

## search
search-title = 搜索
search-button = 搜索
search-hint = 输入组织名称或党员姓名中的几个字，例如“石桥”或“王”。
search-results-for = 搜索结果：
search-orgs = 组织
search-people = 党员
search-no-orgs = 没有找到组织。
search-no-people = 没有找到党员。
search-limit-note = 最多显示 50 条，请输入更完整的名称。

## error
error-not-found-title = 找不到这个页面
error-not-found-text = 地址可能有误，或者这条记录不存在。
error-internal-title = 出错了
error-internal-text = 服务器出了问题，请稍后再试。问题已经记录下来。
error-back-home = 回到首页
error-csrf-title = 请求已失效
error-csrf-text = 这个表单已过期或不是从本站提交的，没有做任何改动。请回到上一页，刷新后重新提交。
error-bad-request-title = 无法读取请求
error-bad-request-text = 提交的内容无法读取，没有做任何改动。请回到上一页重试。

## org_level
org-level-central = 中央
org-level-provincial = 省级
org-level-city = 市级
org-level-county = 县级
org-level-township = 乡镇（街道）
org-level-grassroots = 基层

## org_kind
org-kind-committee = 党委
org-kind-party-group = 党组
org-kind-department = 工作机关
org-kind-general-branch = 党总支
org-kind-branch = 党支部
org-kind-group = 党小组

## unit_type
unit-type-village = 村
unit-type-community = 社区
unit-type-enterprise = 企业
unit-type-institution = 事业单位
unit-type-agency = 机关
unit-type-school = 学校
unit-type-social-organization = 社会组织
unit-type-other = 其他

## sex
sex-male = 男
sex-female = 女

## member_category
member-category-full = 正式党员
member-category-probationary = 预备党员

## member_status
member-status-active = 在册
member-status-transferred-out = 已转出
member-status-abroad = 出国（境）
member-status-mobile = 流动党员
member-status-deceased = 已去世

## position
position-secretary = 书记
position-deputy-secretary = 副书记
position-committee-member = 委员
position-leadership-member = 班子成员
position-group-leader = 党小组组长
position-organization-member = 组织委员
position-publicity-member = 宣传委员
position-discipline-member = 纪检委员

## cadre_rank
cadre-rank-none = 无
cadre-rank-section-deputy = 副科级
cadre-rank-section = 正科级
cadre-rank-county-deputy = 副处级
cadre-rank-county = 正处级
cadre-rank-bureau-deputy = 副厅级
cadre-rank-bureau = 正厅级
cadre-rank-province-deputy = 副部级
cadre-rank-province = 正部级

## month
month-1 = 1月
month-2 = 2月
month-3 = 3月
month-4 = 4月
month-5 = 5月
month-6 = 6月
month-7 = 7月
month-8 = 8月
month-9 = 9月
month-10 = 10月
month-11 = 11月
month-12 = 12月

## login
login-title = 登录
login-login = 登录名
login-password = 密码
login-submit = 登录
login-forgot = 忘记密码？请联系本级系统管理员，由其生成一次性的重设密码链接。
login-refused = 登录名或密码不正确。
login-throttled = 登录失败次数过多，请稍后再试。可再次尝试的时间：
login-seconds = 秒后
login-reset-done = 密码已重设，请用新密码登录。

## reset
reset-title = 重设密码
reset-for = 账号：
reset-submit = 设定新密码

## password
password-title = 修改密码
password-must-change = 首次登录或密码被重设后，须先设定自己的新密码。
password-current = 当前密码
password-new = 新密码
password-repeat = 再次输入新密码
password-rules = 至少 10 个字符，不能与登录名相同。
password-submit = 修改密码
password-mismatch = 两次输入的新密码不一致。
password-wrong-current = 当前密码不正确。
password-changed = 密码已修改，其他设备上的登录已全部退出。

## account
account-title = 我的账号
account-display-name = 姓名
account-login = 登录名
account-roles = 角色
account-no-roles = 尚未授予任何角色。

## token
token-title = API 令牌
token-explain = 供其他系统通过接口读取或写入数据。令牌只在所选组织及其下级范围内有效，且不超出您本人的权限。
token-created = 令牌已生成：
token-shown-once = 请立即复制保存。离开本页后将无法再次查看；如果遗失，请撤销后重新生成。
token-none = 还没有令牌。
token-name = 名称
token-org = 适用组织
token-scope = 权限
token-created-at = 生成时间
token-state = 状态
token-revoked-at = 已撤销于
token-revoke = 撤销
token-new = 生成新令牌
token-create = 生成令牌
token-org-required = 请选择您有权限的组织。
token-revoked-notice = 令牌已撤销。

## token_scope
token-scope-read = 只读
token-scope-write = 读写

## role
role-title = 角色
role-org = 组织
role-from = 开始日期
role-to = 结束日期
role-ongoing = 有效
role-secretary = 支部书记
role-org-department = 组织部门
role-administrator = 系统管理员
role-security-auditor = 安全审计员

## admin
admin-title = 账号管理
admin-created = 账号已建立：
admin-first-password = 初始密码：
admin-shown-once = 初始密码只显示这一次，请当面或通过安全渠道告知本人；首次登录时须修改。
admin-accounts = 本级及下级的账号
admin-no-accounts = 还没有账号。
admin-new-account = 新建账号
admin-login-rules = 3–64 个小写字母、数字或 . _ -
admin-first-password-label = 初始密码（可不填）
admin-first-password-note = 不填则自动生成。首次登录时须修改。
admin-create = 建立账号
admin-org-required = 请选择您管理范围内的组织。
admin-reset-created = 一次性重设密码链接：
admin-reset-note = 链接 24 小时内有效，只能使用一次，只显示这一次。本系统不发送邮件，请通过安全渠道交给本人。
admin-self-note = 这是您自己的账号：不能给自己授权或撤销授权，修改密码请到“我的账号”。
admin-outside-note = 该账号还持有您管理范围以外的角色，只能由上级系统管理员修改。
admin-end-grant = 撤销角色
admin-add-grant = 授予角色
admin-grant = 授予
admin-reset-title = 重设密码
admin-reset-explain = 生成一个一次性链接，本人打开后可设定新密码。
admin-reset-button = 生成重设链接
admin-email = 接收通知的电子邮箱
admin-email-explain = 与本账号关联的党员的每周提醒发送到此地址。留空则不发送邮件。
admin-email-save = 保存邮箱

## audit
audit-title = 审计日志
audit-verification = 完整性校验
audit-broken = 审计链已被破坏：
audit-intact = 所有审计链完整，未发现修改、删除或插入。
audit-chains = 审计链数
audit-entries = 已校验条数
audit-trail = 日志
audit-chain = 审计链
audit-no-entries = 没有记录。
audit-seq = 序号
audit-address = 地址
audit-entity = 对象
audit-before = 修改前
audit-after = 修改后
audit-older = 更早的记录
audit-system-chain = 系统（登录、账号）
audit-sealed = 〔个人信息已加密〕
audit-changed = 变更字段
audit-open = 查看内容
audit-open-hint = 查看将显示本条记录中的个人信息，查看行为本身记入系统链。
audit-opened-title = 审计记录内容
audit-opened-note = 本次查看已记入系统链。
audit-action-open = 查看审计记录

## calendar
calendar-title = 日历订阅
calendar-explain = 供日历应用订阅的专用地址：列出本年度待办和逾期事项，按截止日显示。持有该地址的任何人都能读取；撤销即停用，重新生成即替换。
calendar-none = 尚无订阅地址。
calendar-live = 已有订阅地址，生成于
calendar-create = 生成订阅地址
calendar-replace = 重新生成（替换旧地址）
calendar-revoke = 撤销
calendar-link-title = 日历订阅地址
calendar-created = 订阅地址已生成：
calendar-subscribe = 在日历应用中打开
calendar-shown-once = 该地址只显示这一次，请立即复制到日历应用中；此前的地址已停用。
calendar-back = 返回
calendar-feed-name = { $name } · 长效
calendar-event-due = 待办，截止{ $due_on }
calendar-event-overdue = 逾期，补录截止{ $due_on }

## outbox
outbox-title = 通知 / Outbox
outbox-none = 暂无通知。
outbox-subject = 主题
outbox-week = 周次
outbox-created = 生成时间
outbox-state = 发送情况
outbox-sent = 已发送
outbox-not-sent = 未发送：
outbox-waiting = 等待下次运行
outbox-no-mail-server = 未配置邮件服务器
outbox-no-address = 此人没有电子邮箱地址
outbox-refused = 邮件服务器答复：

## status
status-met = 已落实
status-due = 待落实
status-overdue = 逾期待补录
status-missed = 未落实
status-exempt = 经批准不作要求
status-not-applicable = 不适用

## period
period-year = { $year }年
period-half-1 = { $year }年上半年
period-half-2 = { $year }年下半年
period-quarter-1 = { $year }年第一季度
period-quarter-2 = { $year }年第二季度
period-quarter-3 = { $year }年第三季度
period-quarter-4 = { $year }年第四季度
period-month = { $year }年{ $month }

## month_short
month-short-1 = 1月
month-short-2 = 2月
month-short-3 = 3月
month-short-4 = 4月
month-short-5 = 5月
month-short-6 = 6月
month-short-7 = 7月
month-short-8 = 8月
month-short-9 = 9月
month-short-10 = 10月
month-short-11 = 11月
month-short-12 = 12月

## compliance
compliance-this-month = 本月事项
compliance-nothing-this-month = 当前期间没有需要落实的事项。
compliance-evidence = 依据记录：
compliance-record = 记录
compliance-grid-link = 全年落实情况
compliance-rollup-link = 汇总统计（含下级）
compliance-settings-link = 本地规定频次与豁免
compliance-settings-link-edit = 本地规定频次与豁免（可修改）
compliance-year-switch = 选择年份
compliance-legend = 状态说明
compliance-as-of = 评估截至
compliance-colon = ：

## grid
grid-title = 全年落实情况
grid-requirement = 制度要求
grid-explain = 每行是一项适用于本组织的制度要求；季度、半年和全年的要求跨多列显示。日期链接指向作为依据的活动记录，尚未开始的期间留空。
grid-none = 本年度没有适用于本组织的制度要求。

## rollup
rollup-title = 汇总统计
rollup-explain = 统计本组织、全部下级组织及其党员各项要求的落实情况，按期间计数，不对人或组织排名。点击数字可查看其中每一项。
rollup-rate = 落实率
rollup-rate-rule = 落实率 = 已落实 ÷（已落实 + 逾期待补录 + 未落实）；分母不足
rollup-rate-rule-end = 项时只显示个数。
rollup-counts-only = 样本少，只看个数
rollup-none = 本年度没有可统计的要求。

## drill
drill-clause = 依据条款
source-kind-national = 全国性文件规定
source-kind-common-practice = 通行做法，可由本地规定
source-kind-method = 工作方法，不作硬性要求
source-kind-local = 本地规定
drill-scope = 范围
drill-status = 状态
drill-all-statuses = 全部状态
drill-total = 项数
drill-order = 按组织树顺序和名称排列，不按完成情况排名。
drill-none = 没有符合条件的项。
drill-subject = 对象
drill-period = 期间
drill-reason = 原因
drill-evidence = 依据记录
drill-pages = 分页
drill-page = 页码
drill-prev = 上一页
drill-next = 下一页

## activity
activity-details = 活动信息
activity-kind = 活动类型
activity-host = 主办组织
activity-held-on = 日期
activity-entered-on = 录入于
activity-starts-at = 开始时间
activity-duration = 时长
activity-minutes = 分钟
activity-presenter = 主讲（主持）人
activity-visit-kind = 走访类型
activity-polarity = 案例性质
activity-polarity-positive = 正面典型
activity-polarity-negative = 反面典型
activity-agenda = 议程
activity-participants = 参加人员
activity-present = 出席
activity-absent = 请假（缺席）
activity-satisfied = 满足的要求
activity-satisfied-none = 这条记录没有作为任何制度要求的依据。
activity-unknown-person = （未知人员）

## obligations
obligations-title = 我的事项
obligations-note = 以下根据已记录的活动自动得出，仅供了解，本人无需另行填报。
obligations-none = 本年度没有适用的事项。
obligations-met = 已有记录
obligations-due = 本期尚无记录
obligations-overdue = 尚无记录，可补录
obligations-missed = 没有记录
obligations-exempt = 经批准不作要求
obligations-not-applicable = 不适用
obligations-method-not-recorded = 没有记录（不作硬性要求）
obligations-hours = 本年已累计 { $found } 学时，全年标准 { $needed } 学时
obligations-hours-records = 计入学时的活动
obligations-hours-met = 已达到
obligations-hours-due = 累计中
obligations-hours-short = 未达到

## settings
settings-title = 本地规定频次与豁免
settings-saved = 已保存。
settings-not-saved = 没有保存，请按提示修改后重新提交。
settings-list = 适用的本地规定频次
settings-list-explain = 文件规定由各地确定频次的要求，以及本组织或上级增加的要求。下级的设置优先于上级。
settings-none = 没有本地规定频次，按文件的默认要求执行。
settings-set-by = 设置单位
settings-inherited = 上级设置
settings-what = 内容
settings-frequency-text = { $period } { $count } 次
settings-period-month = 每月
settings-period-quarter = 每季度
settings-period-half = 每半年
settings-period-year = 每年
settings-local-requirement = 本组织增加的要求
settings-definition = 要求定义（TOML）
settings-valid-from = 生效日期
settings-reason = 理由
settings-ended-on = 终止
settings-end-on = 终止日期
settings-end = 终止设置
settings-exemptions = 豁免
settings-exemptions-explain = 经批准免于某项要求的组织或党员。豁免覆盖某期间一半以上天数时，该期间显示为“经批准不作要求”，不会显示为“已落实”。
settings-no-exemptions = 没有豁免。
settings-subject = 对象
settings-subject-org = 本组织
settings-from = 起始日期
settings-to = 截止日期（含当日）
settings-approved-by = 批准人
settings-revoke = 撤销豁免
settings-frequency-form = 设置频次
settings-frequency-explain = 只适用于文件明确由各地确定频次的要求；对本组织及下级自生效日期起开始的期间有效。
settings-period = 周期
settings-count = 每期次数
settings-save-frequency = 保存频次
settings-local-form = 增加本组织的要求
settings-local-explain = 按要求目录的格式填写一个 [[requirement]]，只约束本组织及下级。
settings-add-local = 增加要求
settings-exempt-form = 批准豁免
settings-exempt-explain = 您将被记录为批准人。
settings-exempt = 批准豁免
settings-subjects-truncated = 只列出了前 1000 名党员，其他党员请到其所在组织的页面办理。
settings-conflict = 这条记录刚被他人修改，请刷新页面后重试。

## record
record-heading-new = 记录
record-heading-hold = 标记为已举办
record-heading-edit = 修改记录
record-heading-correct = 更正记录
record-explain = 各项已按应办事项和上一次同类活动的记录填好。只改不同之处，勾选缺席人员，然后保存。
record-another-kind = 其他类型的活动
record-switch = 打开表单
record-status = 已举办还是计划
record-status-held = 已举办（现在记录）
record-status-planned = 计划（先记下计划，举办后再标记）
record-held-on = 日期
record-starts-at = 开始时间（可不填）
record-duration = 时长（分钟）
record-host = 主办组织
record-title = 标题（可不填）
record-presenter = 主讲人或主持人
record-no-presenter = 不指定
record-presenters-here = 本组织
record-presenters-above = 上级组织领导
record-visit-kind = 走访类型
record-polarity = 案例性质
record-choose = 请选择…
record-agenda = 议程（按顺序）
record-first-issue-note = 第一项为学习习近平总书记最新重要讲话重要指示批示精神（“第一议题”）。
record-agenda-kind = 议题
record-agenda-title = 内容（可不填）
record-agenda-none = （无）
record-attendance = 参加人员
record-attendance-note = 名单中的人员默认均已参加，只需勾选缺席的，并写明缺席原因。
record-nobody-expected = 没有应参加人员；将按当日主办组织党员列出。
record-absent = 请假（缺席）
record-reason = 缺席原因
record-minutes = 会议记录（可输入或粘贴）
record-minutes-final = 会议记录已定稿（之后更正须写明理由）
record-files = 附件（可不传）
record-files-note = 如愿意保存，可上传记录扫描件、课件或照片：PDF、图片、Word、Excel、PowerPoint 或文本，每个不超过 20 MB。
record-correction-reason = 更正定稿记录的理由
record-save = 保存
record-not-saved = 未保存。请修改以下内容：
record-conflict = 刚才有人修改了这条记录；表单保留了您填写的内容，已对应新版本。请核对后再保存。
record-choose-kind = 记录活动
record-kinds-asked = 本组织应开展的
record-kinds-other = 其他类型
record-record = 记录
record-record-activity = 记录活动
record-plans = 计划中的活动
record-no-plans = 暂无计划。
record-mark-held = 标记为已举办
record-cancel-plan = 取消计划
record-edit = 修改
record-correct = 更正
record-saved = 已保存。
record-saved-again = 该表单已提交过，只记录了一次。
record-not-changed = 记录已被他人修改或现在不能修改，未做任何改动。
record-status-label = 状态
record-planned-for = 计划日期
record-cancelled = 计划已取消。
record-minutes-draft = 草稿
record-minutes-final-word = 定稿
record-corrections = 更正记录
record-entered = 录入时间
record-entered-late = 举办后 { $days } 天录入
record-relisted = 已按所选主办组织重新列出应参加人员（默认均已参加），请勾选缺席人员后再保存。
record-expected = 应到/实到
record-project = 所属调研课题（可不选）
record-no-project = 不属于任何课题

## birthdays
birthdays-title = 政治生日
birthdays-link = 本月政治生日
birthdays-explain = 党员的政治生日在其入党的月份。今年入党的党员，从明年起过政治生日。
birthdays-prev = 上个月
birthdays-next = 下个月
birthdays-list = 本月过政治生日的党员
birthdays-none = 本组织本月没有党员过政治生日。
birthdays-years = 入党周年
birthdays-years-unit = 年
birthdays-celebrated = 政治生日活动
birthdays-celebrated-on = 已于
birthdays-not-yet = 尚未开展
birthdays-form-title = 一次登记政治生日
birthdays-form-explain = 为勾选的党员登记一次活动：重温入党誓词、过政治生日，时长 60 分钟。勾选的党员和支部委员记为出席。
birthdays-held-on = 举办日期
birthdays-presenter = 主持人
birthdays-no-presenter = 不填写
birthdays-members = 过政治生日的党员
birthdays-submit = 登记政治生日
birthdays-not-saved = 没有登记，原因见下方。

## visits
visits-title = 前后两周到该单位的其他走访
visits-explain = { $day } 前后 { $days } 天内，计划或已到{ $unit }的其他走访。
visits-none = 前后两周内没有其他领导计划或已到该单位走访。
visits-spread = 这段时间已有其他领导到该单位走访。为避免扎堆、重复走访，可考虑改去其他单位或调整日期。
visits-date = 日期
visits-leader = 带队领导
visits-kind = 走访类型
visits-status = 状态
visits-same-day = 同一天
visits-days-after = 晚 { $days } 天
visits-days-before = 早 { $days } 天
visits-planned = 计划中
visits-held = 已开展

## attachments
attachments-title = 附件
attachments-optional = 附件可有可无：会议记录扫描件、课件或照片，有用时再添加，这里不作要求。
attachments-none = 没有附件。
attachments-name = 文件
attachments-kind = 类型
attachments-size = 大小
attachments-added-on = 添加时间
attachments-remove = 删除
attachments-choose = 添加文件（可不添加）
attachments-allowed = 可以是 PDF、图片（JPG、PNG、GIF、WebP）、Word、Excel、PowerPoint 或文本文件；每个不超过 { $mb } MB，每条记录最多 { $count } 个。
attachments-upload = 添加文件
attachments-kind-pdf = PDF 文件
attachments-kind-image = 图片
attachments-kind-word = Word 文档
attachments-kind-excel = Excel 表格
attachments-kind-powerpoint = PowerPoint 演示文稿
attachments-kind-text = 文本
attachments-kind-other = 文件
attachments-refused-title = 文件未添加
attachments-nothing-stored = 没有保存任何内容。可以换一个文件，或返回活动记录。
attachments-back = 返回活动记录
attachments-activity = 活动记录
attachments-choose-first = 请先选择一个文件。
attachments-unavailable = 本服务器未设置附件存放位置，暂不能添加文件。
attachments-too-large = 文件超过 { $mb } MB，请换一个小一些的文件（例如降低扫描分辨率）。

## research
research-org-link = 调研课题
research-title = 调研课题
research-saved = 已保存。
research-not-saved = 未保存：请按下面的提示修改。
research-list-explain = 本组织及下级组织的调研课题。尚无成果的课题会标出，避免调研只调不用。
research-projects = 课题
research-none = 还没有调研课题。
research-nothing-yet-count = 尚无成果的课题：
research-topic = 课题
research-lead = 牵头人
research-started-on = 开始日期
research-visits-and-cases = 走访与案例剖析
research-results = 成果
research-produced-nothing = 尚无成果
research-start-form = 新建调研课题
research-choose = — 请选择 —
research-team = 课题组成员
research-team-explain = 勾选课题组成员；牵头人不必再勾选。
research-candidates-truncated = 这里只列出前 1000 人；其他人员可通过接口添加。
research-start = 建立课题
research-back-to-org = 返回组织页面
research-details = 课题情况
research-org = 所属组织
research-findings = 调研发现
research-no-findings = 尚未填写调研发现。
research-findings-edit = 填写调研发现
research-save-findings = 保存调研发现
research-activities-explain = 记录下基层走访或典型案例剖析时选择本课题，即列在这里。
research-no-activities = 本课题还没有记录走访或案例剖析。
research-no-results = 尚无成果。
research-to-ledger = 已转入问题清单，待整改
research-result-kind = 成果转化为
research-result-explain = “问题”类成果同时列入本组织的问题清单，供整改使用。
research-result-description = 成果内容
research-add-result = 添加成果
research-back-to-list = 全部调研课题
research-kind-measure = 工作举措
research-kind-document = 制度文件
research-kind-problem = 问题
research-status-planned = （计划中）
research-status-cancelled = （已取消）
research-conflict = 刚才有人修改了这个课题，请刷新页面后再试。

## problems
problems-title = 查摆出的问题
problems-missing-items = 本次记录缺少必备议程：
problems-explain = 会上查摆出的问题列入问题清单，供整改使用，不必再次录入。
problems-none = 本次会议还没有记录问题。
problems-whose = 涉及：
problems-once-held = 会议举办后才能记录查摆出的问题。
problems-add = 添加查摆出的问题
problems-descriptions = 问题
problems-one-per-line = 每行写一个问题。
problems-person = 涉及人员（可不选）
problems-person-org = 组织的问题
problems-submit = 记录问题
problems-refused-title = 问题未记录
problems-nothing-stored = 没有记录任何内容：请按下面的提示修改。
problems-back = 返回会议记录
record-presenter-at = { $name }（{ $org }）
record-project-of = { $topic }（{ $org }）
settings-subject-org-named = { $org }（本组织）
