# Why a cell has its status. Arguments: $found and $needed are counts,
# $hours_found and $hours_needed class hours, $missing the parts still
# missing, $feature the feature not built yet.

why-held = { $found } held, { $needed } required
why-not-enough = { $found } of { $needed } held
why-held-without-quorum = { $found } meeting(s) held without more than half present do not count
why-first-item-not-study = { $found } meeting(s) did not open with the theory study and do not count
why-agenda-item-missing = { $found } meeting(s) lacked a required agenda item and do not count
why-not-at-grassroots = { $found } class(es) were not given at a grassroots unit or branch and do not count
why-all-parts = every part was covered
why-parts-missing = still missing: { $missing }
why-every-meeting-opened-with-study = all { $needed } meeting(s) this month opened with the theory study
why-meetings-without-study = { $found } of { $needed } meeting(s) this month did not open with the theory study
why-hours-reached = { $hours_found } of { $hours_needed } class hours
why-hours-short = { $hours_found } of { $hours_needed } class hours
why-not-existing = the organization did not exist for this period
why-not-bound = not bound for this period (not a member or not holding the position)
why-joined-this-year = joined this year; the first political birthday is next year
why-exempted = exempted by a supervisor
why-feature-not-built = not evaluated yet: { $feature } is not built
why-pending-local-rule = no document sets how often; not evaluated until the province, city or county sets it
why-method-not-duty = a method the organization may use, not a duty of each member; nothing is missed without it
why-positive-case = a positive case
why-negative-case = a negative case
