# Mail: digests and reminders.
# 参数：$name 为收件人姓名；日期由 date-long 写成中文。

date-long = { $year }年{ $month }月{ $day }日

## 每周待办提醒
mail-digest-subject = { $overdue ->
    [0] 长效：本周待办{ $total }项 · { $week }
   *[other] 长效：本周待办{ $total }项（逾期{ $overdue }项）· { $week }
}
mail-greeting = { $name }同志：
mail-digest-summary = { $overdue ->
    [0] 截至{ $as_of }（{ $week }），需要关注的事项共{ $total }项。
   *[other] 截至{ $as_of }（{ $week }），需要关注的事项共{ $total }项，其中逾期{ $overdue }项。
}
mail-digest-own = 本人
mail-digest-org = { $org }（您任书记）
mail-digest-item-overdue = - [逾期] { $title }（{ $period }）：补录截止{ $due_on }。{ $why }
mail-digest-item-due = - [待办] { $title }（{ $period }）：截止{ $due_on }。{ $why }
mail-digest-late-entry = 逾期事项在补录截止日前补录仍然有效；已开展但尚未登记的，登记一次即可。
mail-digest-footer = 本邮件由长效平台每周自动生成，无需回复。

## 计划逾期提醒
mail-plan-subject = 长效：计划的{ $kind }尚未办结 · { $planned_for }
mail-plan-what-titled = “{ $kind }”（{ $title }）
mail-plan-what = “{ $kind }”
mail-plan-body = { $host }计划于{ $day }开展的{ $what }，已过去{ $days }天，还没有标记为已举办，也没有取消。
mail-plan-action = 请打开 { $link } ：已经开展的，标记为已举办（填写实际日期和参加情况）；不再开展的，取消计划。
mail-plan-footer = 本邮件由长效平台自动生成，无需回复。
