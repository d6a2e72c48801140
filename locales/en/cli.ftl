# Command-line output.

## failures
cli-failed = { $what } failed: { $cause }
cli-error = error: { $cause }
cli-starting-runtime = Starting the runtime
cli-applying-schema = Applying the schema
cli-creating-data-dir = Creating the data directory { $dir }
cli-reading-dir = Reading the directory { $dir }
cli-opening-database = Opening the database { $url }
cli-listening = Listening on { $addr }
cli-loading-catalogue = Loading the requirement catalogue
cli-loading-calendars = Loading the working-day calendars
cli-evaluating = Evaluating
cli-serving-failed = Serving
cli-reading-file = Reading { $file }
cli-writing-file = Writing { $file }
cli-dropping-demo-database = Dropping the previous demo database
cli-removing-demo = Removing the previous demo in { $dir }
cli-demo-inconsistent = Building the demo ({ $detail }); please report this

## options and input
cli-not-a-day = '{ $value }' is not a date YYYY-MM-DD
cli-unknown-lang = '{ $value }' is not a language on offer (zh-CN or en)
cli-not-an-org-id = --org: '{ $value }' is not an organization id (32 hex digits)
cli-no-such-org = organization { $id } not found
cli-org-not-in-year = --org: there is no organization { $id } in { $year }
cli-year-out-of-range = --year: { $year } is outside 2000-2100
cli-keep-months-too-few = --keep-months must be at least 6: the audit trail is kept for six months or more
cli-keep-months-too-many = --keep-months is too large
cli-not-a-file = { $file } is not a regular file
cli-output-extension = { $file }: the file name must end in .xlsx or .csv
cli-demo-database-name = the demo rebuilds its database from scratch, so its name must contain 'demo' (got '{ $name }')
cli-not-a-demo-dir = { $dir } is not a demo directory (no { $marker } file); the demo only rebuilds its own directory. Choose another --data-dir.

## results
cli-demo-built = demo data built in { $dir }
cli-schema-up-to-date = the schema is up to date
cli-migrations-applied = applied migrations: { $migrations }
cli-jobs-busy = another process is running the jobs
cli-serving = Changxiao: { $url }
cli-demo-logins = demo logins (login / password):
cli-account-created = account created: { $login }
cli-one-time-password = one-time password (to be changed at first login): { $password }
cli-audit-intact = audit trail intact: { $chains } chains, { $entries } entries
cli-audit-broken = audit trail broken: { $where }
cli-audit-purged = removed { $removed } audit entries older than { $cut }
cli-audit-chain = { $chain }
cli-audit-heads-current = the chains hold every entry signed at { $at }
cli-audit-heads-restored = the database was restored on purpose; the heads signed at { $at } say so
cli-audit-heads-none = no chain heads signed yet (they are signed at every scheduled run and purge)
cli-audit-heads-forged = the signed heads file does not verify at line { $line }: it was edited
cli-audit-heads-truncated = audit chain { $chain } ends at entry { $seq }, but entry { $signed } was signed: its newest entries were deleted
cli-audit-heads-rolled-back = audit chain { $chain } stands at entry { $seq } as signed at { $copy }, but entry { $signed } was signed later: an older copy of the database was put back without `changxiao audit restored`
cli-audit-restore-recorded = the restore is recorded and the chains' heads signed at { $at }
cli-file-not-imported = the file was not imported; nothing was changed:
cli-imported = imported { $rows } rows: { $created } created, { $updated } updated, { $unchanged } unchanged
cli-warning = warning: { $warning }
cli-template-written = template written: { $file }
cli-roster-exported = exported { $members } members to { $file }
cli-evaluate-head = requirement	subject	period	status	why
cli-evaluate-total = { $cells } cells ({ $orgs } of organizations, { $people } of people)

## demo logins
demo-login-admin = administrator of the county
demo-login-zuzhibu = organization department of the county
demo-login-shuji = secretary of one branch
demo-login-shenji = security auditor
jobs-digest-summary = weekly digest { $week }: { $recipients } recipients, { $queued } queued, { $already_queued } already queued, { $nothing_open } with nothing open; { $sent } sent, { $failed } failed, { $held } held
cli-bad-scale = '{ $value }' is not province, city, county or a number from 0.0001 to 4
cli-generating = Generating
cli-generated = generated in { $seconds } s: { $summary }
cli-out-not-empty = --out: { $dir } is not empty; choose a new directory
cli-generated-written = written to { $dir }
cli-gen-evaluated = evaluated { $cells } cells of { $year } in { $seconds } s

## Setting up
cli-init-bad-flag = { $flag }: { $problem }
cli-init-missing-flag = { $flag } is missing (when not run at a terminal, every value must be given as an option)
cli-init-asking = Reading the answer
cli-init-no-answer = The input ended before every question was answered; nothing was changed
cli-init-ask-name = Name of the root party organization:
cli-init-ask-level = Level (central / provincial / city / county / township / grassroots):
cli-init-ask-kind = Kind (committee / party_group / department / general_branch / branch / group):
cli-init-ask-unit-type = Type of the unit it is set up in (optional, press Enter to skip):
cli-init-ask-founded-on = Founded on (YYYY-MM-DD):
cli-init-ask-province = Code of the province (GB/T 2260, e.g. 51 or 510000):
cli-init-ask-admin-login = Administrator's login:
cli-init-ask-admin-name = Administrator's name:
cli-init-ask-auditor-login = Security auditor's login:
cli-init-ask-auditor-name = Security auditor's name:
cli-init-done = Set up { $root } (id { $id })
cli-init-account = { $role }: login { $login }, one-time password { $password } (to be changed at first sign-in)
cli-init-next = Next: run changxiao serve, sign in as the administrator and follow the first-hour guide to import the organizations and the roster.
