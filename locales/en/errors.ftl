# Error messages in English. A message id is a stable code of the program;
# zh-CN/errors.ftl has a message of the same id. Arguments: $field shows as
# the field's label, $value as what the user typed, $problem as the problem.

## how a field error is put together
field-error = { $field }: { $problem }
field-error-value = { $field }: '{ $value }' { $problem }
row-error = Row { $row }: { $message }

## what is wrong with a value
problem-required = is required
problem-not-a-date = is not a date
problem-not-a-number = is not a number
problem-too-long = is longer than { $max } characters
problem-control-character = contains a control or direction-override character
problem-unknown-value = is not one of the allowed values ({ $allowed })
problem-bad-check-digit = has a wrong check digit (GB 11643)
problem-bad-id-number = is not an 18-character citizen ID number
problem-in-future = is in the future
problem-joined-before-eighteen = is before the member's 18th birthday
problem-before-join-date = is before the join date
problem-duplicate = duplicates row { $row }
problem-already-recorded = is already recorded for another member
problem-not-found = was not found
problem-ambiguous = matches several organizations; give the full path

## fields (as forms, templates and messages name them)
field-name = Name
field-sex = Sex
field-ethnicity = Ethnicity
field-id-number = ID number
field-birth-date = Birth date
field-category = Category
field-join-date = Join date
field-full-member-date = Full-member date
field-organization = Organization
field-position = Positions
field-phone = Phone
field-status = Status
field-cadre-rank = Cadre rank
field-parent = Parent organization
field-level = Level
field-kind = Kind of organization
field-unit-type = Unit type
field-founded-on = Founding date
field-closed-on = Closing date
field-valid-from = Valid from
field-version = Version
field-cursor = Cursor
field-limit = Limit
field-file = File
field-login = Login
field-password = Password
field-role = Role
field-activity-kind = Activity kind
field-host = Host organization
field-title = Title
field-held-on = Date held
field-starts-at = Start time
field-duration = Duration (minutes)
field-presenter = Presenter
field-agenda = Agenda
field-participant = Participants
field-absentee = Absentees
field-reason = Reason
field-visit-kind = Kind of visit
field-polarity = Kind of case
field-research-project = Research project
field-requirement = Requirement
field-period = Period
field-count = Count
field-definition = Local requirement
field-subject-kind = Subject kind
field-subject = Subject
field-from-date = From
field-to-date = To
field-activity-status = Activity status
field-minutes = Minutes
field-minutes-state = Minutes state
field-attachment = Attachment
field-topic = Topic
field-lead = Lead
field-team = Team members
field-findings = Findings
field-outcome = Result
field-description = Description
field-person = Person
field-correction-reason = Reason for the correction
field-started-on = Start date

## accounts
login-bad-form = must be 3 to 64 lowercase letters, digits, '.', '_' or '-'
password-too-short = must have at least { $min } characters
password-too-long = must have at most { $max } characters
password-is-login = must differ from the login

## the roster
phone-bad-form = is not a phone number
id-number-mismatch = does not match the ID number
id-number-stored-as-number = was stored as a number, which loses its last digits; format the column as text and enter it again

## the organization tree
placement-parent-below = the parent stands at a lower level than the organization
placement-under-group = a group of members cannot have organizations under it
placement-group-outside-branch = a group of members belongs under a branch
placement-cycle = an organization cannot move under its own descendant
parent-is-itself = names the organization itself
parent-cycle = the parent links form a cycle

## imported spreadsheets
column-without-header = column { $column } has data but no header
column-twice = the column appears twice
column-unknown = is not a template column (allowed: { $allowed_api })
column-missing = the column is missing
file-no-data-rows = has no data rows (header only or empty)
cell-formula-error = is a formula error value
path-empty-part = has an empty part in its path
date-ambiguous-month = has an ambiguous month (January or October?); write it as { $year }-01 or { $year }-10

## imported activities
row-is-example = is the template's example row; delete it
activity-kind-unknown = is not an activity kind (allowed: { $allowed_api })
visit-kind-unknown = is not a visit kind (allowed: { $allowed_api })
agenda-kind-unknown = is not an agenda-item kind; write each item as 'kind: title', such as 'other: …' (kinds: { $allowed_api })
polarity-unknown = is not one of the allowed values (positive, negative)
date-needs-day = must name the day
time-bad-form = is not a time of day (such as 09:30)
duration-out-of-range = must be between 1 and 1440 minutes
duration-not-whole = must be whole minutes
absence-bad-form = each absence needs a reason, written as 'name (reason)'
absence-needs-reason = needs a reason for the absence
listed-twice = is listed twice

## spreadsheet files
sheet-too-large = the file is too large ({ $bytes } bytes; the limit is { $limit_mib } MiB)
sheet-empty = the file is empty
sheet-not-a-spreadsheet = '{ $file }' is not a spreadsheet (upload XLSX, XLS or CSV)
sheet-corrupt = '{ $file }' is damaged and cannot be read ({ $reason })
sheet-encoding = '{ $file }' is not text in UTF-8 or GB18030; save it as a UTF-8 CSV
sheet-no-worksheet = '{ $file }' has no worksheet
sheet-too-wide = the sheet has more than { $max } columns
sheet-too-many-cells = the sheet has more than { $max } cells
sheet-unreadable = the file cannot be read ({ $reason })
sheet-write-failed = the file could not be written ({ $reason })

## activity records
plan-too-far-ahead = a plan may lie at most two years ahead
agenda-empty = needs at least one item
absence-on-plan = are marked once the activity is held, not while it is planned
participant-not-eligible = was not a member of the host organization or one under it, nor held a position in it, on that day
absentee-not-participant = is not among the participants
new-record-cancelled = a new record is planned or held
cancelled-plan-frozen = a cancelled plan cannot be changed
cancel-by-update = a plan is cancelled with cancel, not by an update
held-back-to-plan = a held activity cannot become planned again
final-minutes-to-draft = final minutes cannot go back to draft
correction-needs-reason = is required to correct a record whose minutes are final
host-other-province = cannot move to an organization of another province
cancel-not-planned = only a planned activity can be cancelled
final-minutes-empty = cannot be final while empty
minutes-final-before-held = can be final only once the activity is held
visit-kind-not-visit = is only for grassroots visits
polarity-not-case = is only for case analyses
host-not-founded = the host organization was founded on { $founded_on }, after that day
host-closed = the host organization was closed on { $closed_on }
same-activity-planned = the same activity is already planned for that day; mark it held on its page
presenter-outside-import = was not a member of the host or of the imported organization on that day; write the id of someone from elsewhere
name-ambiguous = names several people; write the person's id instead
row-same-activity = has the same kind, host, day and start time as row { $row }

## attachments
attachment-empty = is an empty file
attachment-too-large = is larger than { $max_mb } MB
attachment-refused-content = its content is { $content }, which is not accepted
attachment-unrecognised = its content could not be recognised
attachment-extension-mismatch = its content is { $content }, but the name ends in .{ $extension }; name it with .{ $wanted }
attachment-no-extension = its content is { $content }, but the name has no extension; name it with .{ $wanted }
attachment-on-cancelled-plan = the activity is a cancelled plan; nothing can be attached to it
attachment-too-many = an activity has at most { $max } attachments, and this one has { $present }

## what a file's content is (the file_content vocabulary)
file-content-pdf = a PDF document
file-content-png = a PNG image
file-content-jpeg = a JPEG image
file-content-gif = a GIF image
file-content-webp = a WebP image
file-content-docx = a Word document (.docx)
file-content-xlsx = an Excel workbook (.xlsx)
file-content-pptx = a PowerPoint presentation (.pptx)
file-content-doc = a Word document (.doc)
file-content-xls = an Excel workbook (.xls)
file-content-ppt = a PowerPoint presentation (.ppt)
file-content-text = plain text
file-content-windows-program = a Windows program (EXE/DLL)
file-content-linux-program = a Linux program (ELF)
file-content-macos-program = a macOS or Java program
file-content-archive = a compressed archive
file-content-ole-other = an OLE compound file that is not a Word, Excel or PowerPoint document (an installer, perhaps)
file-content-zip-damaged = a damaged or unreadable ZIP archive
file-content-office-macros = an Office document with macros
file-content-zip-other = a ZIP archive, not a Word, Excel or PowerPoint document
file-content-unknown = of a kind not accepted
file-content-script = a script
file-content-markup = a web page or SVG image (which can carry scripts)

## political birthdays
birthday-none-chosen = choose at least one member whose political birthday it is
birthday-not-member = was not a member of this organization or of a group under it on that day
birthday-presenter-outside = was neither a member of this organization nor on its committee on that day
birthday-other-month = { $name }'s political birthday does not fall in { $year }-{ $month } (joined the party { $joined })

## evaluation
year-unusable = { $year } is not a usable year
evaluation-too-many-records = too many records to evaluate
evaluation-too-many-local-requirements = too many local requirements

## importing rosters and organizations
org-holds-no-members = cannot hold members
member-without-membership = belongs to a member recorded without an organization
org-differs-from-namesake = differs in level or kind from the organization of that name already recorded
import-warning-large-branch = { $org }: { $total } members, more than 50
import-warning-needs-committee = { $org }: { $full } full members but no branch committee

## changes to organizations
parent-not-open-at-founding = the parent organization was not open on the founding date
org-not-open-on-day = the organization is not open on that date
new-parent-not-open = the new parent is not open on that date
move-to-other-province = an organization cannot move to another province: close it and found it anew there
move-before-later-change = the organization or one under it changed after that date; an earlier move cannot be inserted before it
org-already-closed = the organization is already closed
close-before-founding = is before the founding date
close-with-open-children = organizations under it are still open
close-with-members = it still has members: move them first

## account e-mail
email-bad-form = the e-mail address is not valid

## members
org-cannot-take-member = cannot hold members
id-number-already-recorded = belongs to a member already recorded
org-cannot-take-member-on-day = cannot hold members on that date
move-member-other-province = a move to another province is a transfer out here and a new record there
move-member-same-org = already a member there
move-member-not-after-start = is not after the start of the current membership

## problems
problems-only-life-meetings = problems are raised only at a democratic or an organizational life meeting
problems-after-held = problems are recorded once the meeting is held
problems-too-many = at most { $max } problems at a time
problem-person-not-participant = is not a participant of this meeting

## research projects
research-person-outside = was neither a member of the organization (or of one under it) nor held a position there, on the day the project started or today
research-problem-only = only a result of kind problem becomes a problem record
research-org-not-open = is closed, or not yet founded
research-before-founding = is before the organization was founded on { $founded_on }
exemption-wrong-subject = the requirement binds { $binds ->
    [person] people
   *[org] organizations
}

## local settings and exemptions
setting-fixed-by-documents = has a frequency fixed by the documents; it cannot be set locally
setting-bad-count = must be a whole number from 1 to 366
setting-same-day = a setting of this requirement for the organization already starts on that day; end it first
setting-org-closed = the organization is closed by then
setting-already-ended = the setting has already ended
setting-end-before-start = is before the setting takes effect
exemption-to-before-from = is before the first day (from)
exemption-already-revoked = the exemption has already been revoked
local-requirement-bad = the local requirement is not valid: { $detail }
local-requirement-id-taken = the id '{ $id }' is already used by another local requirement of the province
login-taken = is already taken
grant-already-ended = the grant has already ended

## answers of the API
api-not-found = not found
api-unauthenticated = log in, or send a valid API token (Authorization: Bearer cx_…)
api-csrf = the X-CSRF-Token header is missing or does not match the session
api-insufficient-scope = this token may only read
api-internal = internal error
api-unavailable = the service is unavailable for a moment; try again shortly
api-version-conflict = the record was changed by someone else (current version { $current })
api-simultaneous-change = conflicts with a simultaneous change; try again
api-method-not-allowed = this method is not allowed here
api-bad-query = the query string could not be read
api-not-json = the body must be JSON (Content-Type: application/json)
api-body-too-large = the body is larger than { $max } bytes
api-bad-body = the body could not be read
api-malformed-json = malformed JSON at line { $line }, column { $column }
api-not-an-object = the body must be a JSON object
api-unknown-field = unknown field '{ $field }'
api-wrong-type = { $field }: wrong type
api-wrong-type-expected = { $field }: wrong type (expected { $expected })
api-body-mismatch = the body does not match what the endpoint takes
api-bad-idempotency-key = Idempotency-Key must be 1 to { $max } visible ASCII characters
api-idempotency-key-reused = this Idempotency-Key was already used for a different request
problem-no-such-record = no such record
problem-not-iso-date = is not a date of the form YYYY-MM-DD
problem-not-iso-partial-date = is not a date of the form YYYY-MM-DD or YYYY-MM
problem-not-iso-month = is not a month of the form YYYY-MM
problem-limit-out-of-range = must be a whole number from 1 to { $max }
problem-not-a-cursor = is not a cursor this API gave out
problem-not-a-whole-number = is not a whole number
problem-not-a-time = is not a time of the form HH:MM
problem-must-be-one-of = must be one of { $allowed }
problem-not-a-catalogue-kind = is not an activity kind of the catalogue
problem-only-for-corrections = is only for correcting an existing record
problem-file-required = is required
problem-one-file = send one file per request
problem-search-not-paged = search results are not paged
problem-definition-or-frequency = give either a definition or requirement_id with period and count
problem-only-problem-results = only a result of kind problem becomes a problem record
api-attachments-unavailable = this server keeps no attachment directory, so files cannot be added
api-attachment-too-large = attachment: the file is larger than { $max_mb } MB
api-bad-multipart = the body must be multipart/form-data with the file in the field 'file'
attachment-no-storage = cannot be stored: this server keeps no attachments

## the audit trail
audit-chain-break = audit chain '{ $chain }': entry { $seq } { $reason }
chain-break-before-start = comes before the start of the chain
chain-break-missing = is missing (deleted, or numbered out of order)
chain-break-not-following = does not follow the entry before it (inserted or reordered)
chain-break-changed = was changed after it was written
sheet-unclosed-quote = '{ $file }' is damaged and cannot be read (the quoted field opened on row { $row } is never closed)
audit-chain-system = system

## data files (the catalogue, the calendars, local requirements)
file-error = { $file }: { $problem }
file-line-error = { $file } line { $line }: { $problem }
toml-error = the TOML does not parse: { $detail }
catalogue-in-requirement = requirement '{ $id }': { $problem }
catalogue-class-hour-minutes = class_hour_minutes: must be between 1 and 240
catalogue-late-window = late_entry_window: '{ $value }' is not a number of days such as "10d" or "7wd"
catalogue-no-activity-kind = no activity_kind is defined
catalogue-no-document = a file of requirements needs a [document] table naming its source
catalogue-duplicate-id = id: duplicate requirement id '{ $id }'
catalogue-local-only-requirement = a local requirement holds one [[requirement]] table and nothing else
catalogue-local-one-requirement = a local requirement holds exactly one [[requirement]] table
catalogue-local-id-taken = id: '{ $id }' is already a requirement of the catalogue
catalogue-empty = { $field }: must not be empty
catalogue-not-one-of = { $field }: '{ $value }' is not one of { $allowed }
catalogue-out-of-range = { $field }: { $value } must be between { $min } and { $max }
catalogue-unknown-code = { $field }: unknown { $vocabulary } '{ $value }'
catalogue-subject-flags-for-people = presenter_is_subject/attended_by_subject: only for person requirements
catalogue-each-of-both = each_visit_kind/each_polarity: give one of them, not both
catalogue-hours-for-people = hours: class hours are counted for people only
catalogue-raised-below-minimum = hours.raised.minimum: must not be below hours.minimum
catalogue-bad-id = id: '{ $id }' must be lowercase letters, digits and '-'
catalogue-who-for-people = who: only person requirements name whom they bind
catalogue-positions-empty = positions: position holders need at least one position
catalogue-min-rank-required = min_cadre_rank: required for cadres
catalogue-who-required = who: a person requirement names whom it binds
catalogue-org-kinds-for-orgs = org_kinds: only organization requirements bind organization kinds
catalogue-bad-host = host: '{ $value }' is not one of subject, subject_subtree, any (subject and subject_subtree for organizations, any for people)
catalogue-person-how = presenter_is_subject/attended_by_subject: a person requirement says how its activities are the person's
catalogue-no-kinds = kinds: name at least one activity kind that satisfies the requirement
catalogue-join-month-members = period: join_month is for requirements binding every member
catalogue-per-meeting-orgs = period: per_meeting is for organization requirements
catalogue-hours-per-year = period: class hours are counted per year
catalogue-pending-needs-local = pending_local_rule: only a requirement whose frequency is set locally (locally_set = true) can wait for the local rule
catalogue-pending-hours = pending_local_rule: class hours have a national minimum and cannot wait for a local rule
catalogue-quorum-item-required = quorum: a vote's quorum needs quorum_item, the agenda item that marks a vote
catalogue-quorum-item-for-votes = quorum_item: only quorum = "voters_more_than_half" applies to one agenda item
catalogue-source-kind-required = source_kind: say what sets the requirement: national, common_practice or method
catalogue-local-source-kind = source_kind: a local requirement is always set by the local rule; remove '{ $value }'
catalogue-bad-code = { $table }.code: '{ $code }' must be lowercase letters, digits and '_'
catalogue-term-words = { $table } '{ $code }': zh and en must not be empty
catalogue-duplicate-code = { $table }.code: duplicate '{ $code }'
catalogue-too-many = { $table }: too many entries
vocabulary-name-activity-kind = activity kind
vocabulary-name-agenda-kind = agenda item kind
vocabulary-name-visit-kind = visit kind
vocabulary-name-position = position
vocabulary-name-org-kind = organization kind
vocabulary-name-org-level = level
vocabulary-name-cadre-rank = rank
calendar-field = { $field }: { $problem }
calendar-year-range = year: { $year } is not between 1949 and 2200
calendar-year-twice = year: { $year } is already given by another file
calendar-not-a-day = '{ $value }' is not a date written YYYY-MM-DD
calendar-other-year = { $day } is not in { $year }
calendar-not-weekend = { $day } is not a weekend day
calendar-listed-twice = { $day } is listed twice
calendar-to-before-from = { $to } is before from = { $from }
calendar-holiday-too-long = a holiday from { $from } to { $to } is longer than a month
calendar-overlap = '{ $name }' overlaps '{ $other }' on { $day }
calendar-makeup-in-holiday = { $day } lies inside a holiday
catalogue-missing-kind = has no { $table } '{ $code }', which the program needs
catalogue-term-minutes = { $table } '{ $code }': minutes must be between 1 and 1440
province-code-bad = is not the code of a province (such as 51 or 510000)
field-province = Province

## setting up a deployment
store-already-set-up = the store is already set up (it holds organizations or accounts); nothing was changed
province-required = a root below county level must name its province by code
province-for-central = a central organization belongs to no province
