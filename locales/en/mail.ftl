# Mail: digests and reminders.
# Arguments: $name is the recipient's name; days are written by date-long.

date-long = { $iso }

## the weekly digest
mail-digest-subject = { $overdue ->
    [0] Changxiao: { $total } open this week · { $week }
   *[other] Changxiao: { $total } open this week ({ $overdue } overdue) · { $week }
}
mail-greeting = Dear { $name },
mail-digest-summary = { $overdue ->
    [0] As of { $as_of } ({ $week }), { $total } obligation(s) are open.
   *[other] As of { $as_of } ({ $week }), { $total } obligation(s) are open, { $overdue } of them overdue.
}
mail-digest-own = Your own
mail-digest-org = { $org } (you are its secretary)
mail-digest-item-overdue = - [overdue] { $title } ({ $period }): late entry until { $due_on }. { $why }
mail-digest-item-due = - [due] { $title } ({ $period }): due { $due_on }. { $why }
mail-digest-late-entry = Overdue items still count if recorded by the late-entry deadline; an activity held but not yet recorded needs recording once.
mail-digest-footer = This message is composed weekly by Changxiao; no reply is needed.

## reminders of plans left open
mail-plan-subject = Changxiao: a planned { $kind } is still open · { $planned_for }
mail-plan-what-titled = { $kind } ({ $title })
mail-plan-what = { $kind }
mail-plan-body = The { $what } that { $host } planned for { $day } is { $days } days past and has been neither marked held nor cancelled.
mail-plan-action = Open { $link } to mark it held (with the actual date and attendance) or cancel the plan.
mail-plan-footer = This message is composed by Changxiao; no reply is needed.
