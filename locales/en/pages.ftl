# Words of the pages in English. Every message has one of the same id in
# zh-CN/pages.ftl (a unit test checks this). Labels of domain codes are
# <vocabulary>-<code>.

## app
app-name = Changxiao
app-subtitle = Working platform for the long-term mechanisms of the thematic education

## nav
nav-home = Home
nav-search = Search
nav-search-label = Search organizations or members by name
nav-language = Language
nav-skip = Skip to content
nav-account = Account
nav-logged-in-as = Logged in as
nav-my-account = My account
nav-admin-accounts = Accounts
nav-audit = Audit
nav-logout = Log out

## lang
lang-zh = 中文
lang-en = English

## list
list-separator = {", "}

## common
common-not-recorded = Not recorded
common-none = None

## home
home-title = Organizations
home-roots = Top-level organizations
home-empty-title = No organizations yet
home-empty-text = There are no organizations here yet. An administrator can run one of these commands on the server:
home-empty-import = changxiao import: import the organizations and the member roster (CSV or Excel)
home-empty-demo = changxiao demo: build a demo county to see how the platform works
home-no-access-title = No organizations to show
home-no-access-text = Your account holds no role on any organization yet. Ask your administrator to grant you one.

## org
org-path = Where it stands
org-details = Details
org-level = Level
org-kind = Kind
org-unit-type = Unit type
org-founded-on = Founded
org-total-members = Members (including those below)
org-children = Organizations under it
org-no-children = No organizations under it.
org-child-name = Organization
org-child-members = Members
org-members = Members
org-no-members = No members yet.
org-members-truncated = Only the first 1,000 members are shown; use search to find others.
org-history = Change history

## member
member-name = Name
member-org = Organization
member-sex = Sex
member-age = Age
member-category = Category
member-status = Status
member-positions = Positions
member-join-date = Joined the Party
member-phone = Phone

## person
person-details = Personal details
person-org = Organization
person-ethnicity = Ethnicity
person-birth-date = Date of birth
person-full-member-date = Full member since
person-political-birthday = Political birthday
person-cadre-rank = Cadre rank
person-id-number = ID number
person-history = History
person-no-history = No changes recorded yet.

## history
history-when = When
history-who = Who
history-what = What

## audit_action
audit-action-create = Created
audit-action-update = Changed
audit-action-move = Moved
audit-action-close = Closed
audit-action-import = Imported
audit-action-view-id-number = Viewed masked ID number
audit-action-login = Logged in
audit-action-login-failed = Failed login
audit-action-grant = Role granted
audit-action-revoke = Revoked
audit-action-password-change = Password changed
audit-action-password-reset-issued = Reset link issued
audit-action-queue = Message queued
audit-action-sent = Message sent
audit-action-send-failed = Message not sent

## search
search-title = Search
search-button = Search
search-hint = Type a few characters of an organization's or a member's name, for example “石桥” or “王”.
search-results-for = Results for:
search-orgs = Organizations
search-people = Members
search-no-orgs = No organizations found.
search-no-people = No members found.
search-limit-note = At most 50 are shown; type more of the name.

## error
error-not-found-title = Page not found
error-not-found-text = The address may be wrong, or the record does not exist.
error-internal-title = Something went wrong
error-internal-text = The server ran into a problem. Please try again later; the problem has been logged.
error-back-home = Back to the start
error-csrf-title = Request expired
error-csrf-text = This form has expired or was not sent from this site; nothing was changed. Go back, reload the page and send it again.
error-bad-request-title = Request not readable
error-bad-request-text = What was sent could not be read; nothing was changed. Go back and try again.

## org_level
org-level-central = Central
org-level-provincial = Provincial
org-level-city = City
org-level-county = County
org-level-township = Township / street
org-level-grassroots = Grassroots

## org_kind
org-kind-committee = Party committee
org-kind-party-group = Party group
org-kind-department = Working department
org-kind-general-branch = General branch
org-kind-branch = Branch
org-kind-group = Party group of members

## unit_type
unit-type-village = Village
unit-type-community = Community
unit-type-enterprise = Enterprise
unit-type-institution = Public institution
unit-type-agency = Government agency
unit-type-school = School
unit-type-social-organization = Social organization
unit-type-other = Other

## sex
sex-male = Male
sex-female = Female

## member_category
member-category-full = Full member
member-category-probationary = Probationary member

## member_status
member-status-active = On the roll
member-status-transferred-out = Transferred out
member-status-abroad = Abroad
member-status-mobile = Mobile member
member-status-deceased = Deceased

## position
position-secretary = Secretary
position-deputy-secretary = Deputy secretary
position-committee-member = Committee member
position-leadership-member = Leadership team member
position-group-leader = Group leader
position-organization-member = Committee member for organization
position-publicity-member = Committee member for publicity
position-discipline-member = Committee member for discipline inspection

## cadre_rank
cadre-rank-none = None
cadre-rank-section-deputy = Deputy section level
cadre-rank-section = Section level
cadre-rank-county-deputy = Deputy county (division) level
cadre-rank-county = County (division) level
cadre-rank-bureau-deputy = Deputy bureau level
cadre-rank-bureau = Bureau level
cadre-rank-province-deputy = Deputy provincial (ministerial) level
cadre-rank-province = Provincial (ministerial) level

## month
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## login
login-title = Log in
login-login = Login
login-password = Password
login-submit = Log in
login-forgot = Forgot your password? Ask your administrator for a one-time reset link.
login-refused = The login or the password is wrong.
login-throttled = Too many failed attempts. Try again after
login-seconds = seconds
login-reset-done = Your password was reset. Log in with the new one.

## reset
reset-title = Set a new password
reset-for = Account:
reset-submit = Set the new password

## password
password-title = Change password
password-must-change = Before going on, set a password of your own (first login, or the password was reset).
password-current = Current password
password-new = New password
password-repeat = New password again
password-rules = At least 10 characters, not the same as the login.
password-submit = Change password
password-mismatch = The two new passwords differ.
password-wrong-current = The current password is wrong.
password-changed = Your password was changed; you were logged out everywhere else.

## account
account-title = My account
account-display-name = Name
account-login = Login
account-roles = Roles
account-no-roles = No role granted yet.

## token
token-title = API tokens
token-explain = For other systems that read or write data through the API. A token works only in the organization chosen and below it, and never beyond your own rights.
token-created = Your new token:
token-shown-once = Copy it now: it will not be shown again. If it is lost, revoke it and create another.
token-none = No tokens yet.
token-name = Name
token-org = Organization
token-scope = Scope
token-created-at = Created
token-state = State
token-revoked-at = Revoked
token-revoke = Revoke
token-new = New token
token-create = Create token
token-org-required = Choose an organization you have rights in.
token-revoked-notice = The token was revoked.

## token_scope
token-scope-read = Read only
token-scope-write = Read and write

## role
role-title = Role
role-org = Organization
role-from = From
role-to = Ends
role-ongoing = Current
role-secretary = Branch secretary
role-org-department = Organization department
role-administrator = Administrator
role-security-auditor = Security auditor

## admin
admin-title = Accounts
admin-created = Account created:
admin-first-password = First password:
admin-shown-once = The first password is shown only this once. Give it to the person in a safe way; they must change it at the first login.
admin-accounts = Accounts here and below
admin-no-accounts = No accounts yet.
admin-new-account = New account
admin-login-rules = 3 to 64 lowercase letters, digits, '.', '_' or '-'
admin-first-password-label = First password (optional)
admin-first-password-note = Leave empty to generate one. It must be changed at the first login.
admin-create = Create account
admin-org-required = Choose an organization where you manage accounts.
admin-reset-created = One-time password reset link:
admin-reset-note = It works once, for 24 hours, and is shown only this once. No mail is sent: pass it on in a safe way.
admin-self-note = This is your own account: you cannot grant or end your own roles; change your password under My account.
admin-outside-note = This account also holds roles outside the area you manage; only an administrator above can change it.
admin-end-grant = End role
admin-add-grant = Grant a role
admin-grant = Grant
admin-reset-title = Password reset
admin-reset-explain = Creates a one-time link with which the person sets a new password.
admin-reset-button = Create reset link
admin-email = E-mail for notifications
admin-email-explain = The weekly digest of the member linked to this account goes to this address. Leave empty for no mail.
admin-email-save = Save e-mail

## audit
audit-title = Audit trail
audit-verification = Integrity check
audit-broken = An audit chain is broken:
audit-intact = Every audit chain is intact: nothing was changed, deleted or inserted.
audit-chains = Chains
audit-entries = Entries checked
audit-trail = Entries
audit-chain = Chain
audit-no-entries = No entries.
audit-seq = No.
audit-address = Address
audit-entity = Record
audit-before = Before
audit-after = After
audit-older = Older entries
audit-system-chain = System (logins, accounts)
audit-sealed = [sealed personal content]
audit-changed = Fields changed
audit-open = Open
audit-open-hint = Opening shows the personal content of this one entry; the opening is recorded in the system chain.
audit-opened-title = Audit entry opened
audit-opened-note = This opening has been recorded in the system chain.
audit-action-open = Entry opened

## calendar
calendar-title = Calendar subscription
calendar-explain = A private address that calendar apps can subscribe to: it lists what is due and overdue this year, each on the day it falls due. Anyone who has the address can read it; revoke it to stop it, or create a new one to replace it.
calendar-none = There is no subscription address.
calendar-live = A subscription address exists, created
calendar-create = Create subscription address
calendar-replace = Replace with a new address
calendar-revoke = Revoke
calendar-link-title = Calendar subscription address
calendar-created = The subscription address was created:
calendar-subscribe = Open in a calendar app
calendar-shown-once = It is shown only this once. Copy it into your calendar app now; any earlier address no longer works.
calendar-back = Back
calendar-feed-name = { $name } · Changxiao
calendar-event-due = due { $due_on }
calendar-event-overdue = overdue; late entry until { $due_on }

## outbox
outbox-title = Notifications (outbox)
outbox-none = No messages.
outbox-subject = Subject
outbox-week = Week
outbox-created = Composed
outbox-state = Sent
outbox-sent = Sent
outbox-not-sent = Not sent:{" "}
outbox-waiting = waiting for the next run
outbox-no-mail-server = no mail server configured
outbox-no-address = no e-mail address for this person
outbox-refused = the mail server answered:{" "}

## status
status-met = Met
status-due = Due
status-overdue = Overdue, may still be entered
status-missed = Missed
status-exempt = Exempt
status-not-applicable = Not applicable

## period
period-year = { $year }
period-half-1 = H1 { $year }
period-half-2 = H2 { $year }
period-quarter-1 = Q1 { $year }
period-quarter-2 = Q2 { $year }
period-quarter-3 = Q3 { $year }
period-quarter-4 = Q4 { $year }
period-month = { $month } { $year }

## month_short
month-short-1 = Jan
month-short-2 = Feb
month-short-3 = Mar
month-short-4 = Apr
month-short-5 = May
month-short-6 = Jun
month-short-7 = Jul
month-short-8 = Aug
month-short-9 = Sep
month-short-10 = Oct
month-short-11 = Nov
month-short-12 = Dec

## compliance
compliance-this-month = This month
compliance-nothing-this-month = Nothing is asked of this organization in the current periods.
compliance-evidence = Records:{" "}
compliance-record = record
compliance-grid-link = The year, month by month
compliance-rollup-link = Counts for everything under it
compliance-settings-link = Local settings and exemptions
compliance-settings-link-edit = Local settings and exemptions (you may change them)
compliance-year-switch = Choose a year
compliance-legend = What the statuses mean
compliance-as-of = Evaluated as of
compliance-colon = :{" "}

## grid
grid-title = Requirements by month
grid-requirement = Requirement
grid-explain = Each row is a requirement binding this organization; quarterly, half-yearly and yearly periods span several months. Date links open the records that count; periods not yet begun are empty.
grid-none = No requirement binds this organization this year.

## rollup
rollup-title = Roll-up
rollup-explain = Periods counted by status for this organization, everything under it and their members; nobody is ranked. Each number opens the periods it counts.
rollup-rate = Rate
rollup-rate-rule = Rate = met ÷ (met + overdue + missed); shown only when the denominator is at least
rollup-rate-rule-end = , otherwise counts only.
rollup-counts-only = too few: counts only
rollup-none = Nothing to count this year.

## drill
drill-clause = Clause
source-kind-national = national text
source-kind-common-practice = common practice, locally adjustable
source-kind-method = a method, not a duty
source-kind-local = local rule
drill-scope = Scope
drill-status = Status
drill-all-statuses = Every status
drill-total = Periods
drill-order = Listed in the order of the organization tree and by name, never by performance.
drill-none = Nothing matches.
drill-subject = Subject
drill-period = Period
drill-reason = Why
drill-evidence = Records
drill-pages = Pages
drill-page = Page
drill-prev = Previous page
drill-next = Next page

## activity
activity-details = Details
activity-kind = Kind
activity-host = Held by
activity-held-on = Date
activity-entered-on = entered on
activity-starts-at = Starts at
activity-duration = Duration
activity-minutes = minutes
activity-presenter = Presenter
activity-visit-kind = Kind of visit
activity-polarity = Case
activity-polarity-positive = a positive case
activity-polarity-negative = a negative case
activity-agenda = Agenda
activity-participants = Participants
activity-present = Present
activity-absent = Absent
activity-satisfied = Requirements this record satisfied
activity-satisfied-none = This record is not the evidence of any requirement.
activity-unknown-person = (unknown person)

## obligations
obligations-title = Obligations
obligations-note = Worked out from the recorded activities, for information only; nothing needs to be filled in.
obligations-none = Nothing applies this year.
obligations-met = recorded
obligations-due = nothing recorded yet
obligations-overdue = nothing recorded; may still be entered
obligations-missed = nothing recorded
obligations-exempt = exempted
obligations-not-applicable = not applicable
obligations-method-not-recorded = No record (not required)
obligations-hours = { $found } of { $needed } class hours so far this year
obligations-hours-records = Activities counted in class hours
obligations-hours-met = reached
obligations-hours-due = in progress
obligations-hours-short = not reached

## settings
settings-title = Local settings and exemptions
settings-saved = Saved.
settings-not-saved = Nothing was saved; correct the fields marked below and send again.
settings-list = Local settings that apply
settings-list-explain = Frequencies the documents leave to local decision, and requirements added here or above. A setting lower in the tree takes precedence.
settings-none = No local settings: the documents' defaults apply.
settings-set-by = Set by
settings-inherited = set above
settings-what = Setting
settings-frequency-text = { $count } { $period }
settings-period-month = per month
settings-period-quarter = per quarter
settings-period-half = per half-year
settings-period-year = per year
settings-local-requirement = A requirement of its own
settings-definition = Definition (TOML)
settings-valid-from = Valid from
settings-reason = Reason
settings-ended-on = Ended
settings-end-on = End from
settings-end = End the setting
settings-exemptions = Exemptions
settings-exemptions-explain = Organizations and members excused from a requirement. A period at least half covered shows as exempt, never as met.
settings-no-exemptions = No exemptions.
settings-subject = Subject
settings-subject-org = this organization
settings-from = From
settings-to = To (inclusive)
settings-approved-by = Approved by
settings-revoke = Revoke
settings-frequency-form = Set a frequency
settings-frequency-explain = Only for requirements whose frequency the documents leave to local decision; it applies to this organization and everything under it, for periods beginning on or after the day it takes effect.
settings-period = Period
settings-count = Count per period
settings-save-frequency = Save the frequency
settings-local-form = Add a requirement of this organization's own
settings-local-explain = One [[requirement]] table in the catalogue's format; it binds only this organization and those under it.
settings-add-local = Add the requirement
settings-exempt-form = Grant an exemption
settings-exempt-explain = You will be recorded as the approver.
settings-exempt = Exempt
settings-subjects-truncated = Only the first 1000 members are listed; exempt others from their own organization's page.
settings-conflict = Someone else changed this record just now; reload the page and try again.

## record
record-heading-new = Record
record-heading-hold = Mark as held
record-heading-edit = Change the record
record-heading-correct = Correct the record
record-explain = Everything is filled in from what is due and from the last record of this kind. Change only what differs, tick who was absent, then save.
record-another-kind = Another kind of activity
record-switch = Show its form
record-status = Held or planned
record-status-held = Held (record it now)
record-status-planned = Planned (record the plan; mark it held later)
record-held-on = Date
record-starts-at = Start time (optional)
record-duration = Length in minutes
record-host = Held by
record-title = Title (optional)
record-presenter = Presenter or speaker
record-no-presenter = Nobody in particular
record-presenters-here = This organization
record-presenters-above = Leaders of the organizations above
record-visit-kind = Kind of visit
record-polarity = Kind of case
record-choose = Choose…
record-agenda = Agenda, in order
record-first-issue-note = The first item is the study of the latest important speeches (the "first issue").
record-agenda-kind = Item
record-agenda-title = Subject (optional)
record-agenda-none = (no item)
record-attendance = Who took part
record-attendance-note = Everyone listed took part unless ticked absent. Give a reason for each absence.
record-nobody-expected = Nobody is expected; the host's members on that day will be listed.
record-absent = was absent
record-reason = Reason for the absence
record-minutes = Minutes (type or paste)
record-minutes-final = The minutes are final (later corrections need a reason)
record-files = Files (optional)
record-files-note = Scans of the minutes, slides or photos, only if you wish to keep them here: PDF, images, Word, Excel, PowerPoint or text, up to 20 MB each.
record-correction-reason = Why is the final record corrected?
record-save = Save
record-not-saved = Nothing was saved. Please correct:
record-conflict = Someone else changed this record just now; the form shows what you typed against the new version. Check and save again.
record-choose-kind = Record an activity
record-kinds-asked = Asked of this organization
record-kinds-other = Other kinds
record-record = Record
record-record-activity = Record an activity
record-plans = Planned activities
record-no-plans = Nothing is planned.
record-mark-held = Mark as held
record-cancel-plan = Cancel the plan
record-edit = Change
record-correct = Correct
record-saved = Saved.
record-saved-again = This form had been sent already; it was recorded once.
record-not-changed = The record was changed by someone else or cannot be changed now; nothing was done.
record-status-label = Status
record-planned-for = Planned for
record-cancelled = The plan was cancelled.
record-minutes-draft = draft
record-minutes-final-word = final
record-corrections = Corrections
record-entered = Entered
record-entered-late = entered { $days } days after it was held
record-relisted = The people expected at the chosen host are listed now, all present: tick who was absent and save again.
record-expected = Expected / present
record-project = Research project (optional)
record-no-project = None

## birthdays
birthdays-title = Political birthdays
birthdays-link = Political birthdays this month
birthdays-explain = A member's political birthday falls in the month they joined the party. Members who joined this year have theirs from next year on.
birthdays-prev = Previous month
birthdays-next = Next month
birthdays-list = Members whose political birthday it is
birthdays-none = No member of this organization has a political birthday this month.
birthdays-years = Anniversary of joining
birthdays-years-unit = years
birthdays-celebrated = Political birthday
birthdays-celebrated-on = Held on
birthdays-not-yet = Not yet
birthdays-form-title = Record the political birthday in one step
birthdays-form-explain = One record for all those ticked: renewing the admission oath, then the political birthday, 60 minutes. Those ticked and the branch committee are recorded as present.
birthdays-held-on = Date held
birthdays-presenter = Led by
birthdays-no-presenter = Not recorded
birthdays-members = Whose political birthday it is
birthdays-submit = Record the political birthday
birthdays-not-saved = Nothing was recorded. See the reason below.

## visits
visits-title = Other visits to this unit close to this date
visits-explain = Other grassroots visits to { $unit }, planned or held, within { $days } days before or after { $day }.
visits-none = No other visit to this unit is planned or held within two weeks of this date.
visits-spread = Other leaders are visiting this unit close to this date. To spread visits and not gather at the same places, consider another unit or another date.
visits-date = Date
visits-leader = Leader
visits-kind = Kind of visit
visits-status = Status
visits-same-day = the same day
visits-days-after = { $days } days later
visits-days-before = { $days } days earlier
visits-planned = Planned
visits-held = Held

## attachments
attachments-title = Attachments
attachments-optional = Files are optional: add a scan of the minutes, the slides or a photo only if it helps. Nothing here asks for them.
attachments-none = No files.
attachments-name = File
attachments-kind = Type
attachments-size = Size
attachments-added-on = Added
attachments-remove = Remove
attachments-choose = Add a file (optional)
attachments-allowed = A PDF, a picture (JPG, PNG, GIF, WebP), a Word, Excel or PowerPoint file, or a text file; up to { $mb } MB each, at most { $count } files per record.
attachments-upload = Add the file
attachments-kind-pdf = PDF
attachments-kind-image = Picture
attachments-kind-word = Word document
attachments-kind-excel = Excel workbook
attachments-kind-powerpoint = PowerPoint slides
attachments-kind-text = Text
attachments-kind-other = File
attachments-refused-title = The file was not added
attachments-nothing-stored = Nothing was saved. You can choose another file, or go back to the record.
attachments-back = Back to the record
attachments-activity = The record
attachments-choose-first = Choose a file first.
attachments-unavailable = This server is not set up to keep files, so none can be added.
attachments-too-large = The file is larger than { $mb } MB. Please choose a smaller one (for example, a scan at a lower resolution).

## research
research-org-link = Research projects
research-title = Research projects
research-saved = Saved.
research-not-saved = Nothing was saved: please correct the field marked below.
research-list-explain = Research projects of this organization and of those under it. A project that has no result yet is marked, so that no research is left without an outcome.
research-projects = Projects
research-none = No research project yet.
research-nothing-yet-count = Projects with no result yet:
research-topic = Topic
research-lead = Lead
research-started-on = Started on
research-visits-and-cases = Visits and case analyses
research-results = Results
research-produced-nothing = No result yet
research-start-form = Start a research project
research-choose = — choose —
research-team = Team
research-team-explain = Tick the members of the team; the lead need not be ticked.
research-candidates-truncated = Only the first 1000 people are listed; others can be added through the API.
research-start = Start the project
research-back-to-org = Back to the organization
research-details = About the project
research-org = Organization
research-findings = Findings
research-no-findings = No findings written yet.
research-findings-edit = Write the findings
research-save-findings = Save the findings
research-activities-explain = Grassroots visits and case analyses join the project when they are recorded with it.
research-no-activities = No visit or case analysis recorded for this project yet.
research-no-results = No result yet.
research-to-ledger = passed to the problem list for rectification
research-result-kind = What it turned into
research-result-explain = A result of the kind "problem" also goes onto the organization's problem list, ready for rectification.
research-result-description = Describe the result
research-add-result = Add the result
research-back-to-list = All research projects
research-kind-measure = Measure
research-kind-document = Document
research-kind-problem = Problem
research-status-planned = (planned)
research-status-cancelled = (cancelled)
research-conflict = Someone else changed this project just now; reload the page and try again.

## problems
problems-title = Problems raised
problems-missing-items = This record lacks a required agenda item:{" "}
problems-explain = Problems raised at this meeting go onto the problem list for rectification; nobody needs to type them again.
problems-none = No problem recorded for this meeting yet.
problems-whose = Whose:{" "}
problems-once-held = Problems are recorded once the meeting has been held.
problems-add = Add problems raised
problems-descriptions = Problems
problems-one-per-line = One problem per line.
problems-person = Whose problem (optional)
problems-person-org = The organization's
problems-submit = Record the problems
problems-refused-title = Problems not recorded
problems-nothing-stored = Nothing was recorded: please correct the field marked below.
problems-back = Back to the meeting
record-presenter-at = { $name } ({ $org })
record-project-of = { $topic } ({ $org })
settings-subject-org-named = { $org } (this organization)
