"""Prepares a running demo server for the recording-throughput benchmark
(bench/recording/run.sh), through its pages and API only, so that the same
steps serve SQLite and PostgreSQL:

1. logs in as the demo's county administrator, creates a recorder account
   with the secretary role on the county (only that role records), logs in
   as it, sets its password and creates a write API token for the county on
   the My account page (as a real API client would);
2. loads the county's compliance page for this year, which evaluates the
   year, so that every recorded activity also updates the server's
   in-memory evaluation (as on a server in use), and reports how long it took;
3. lists the county's members on the first and the last day of the range of
   days used (GET /api/v1/people?under=...&on=...) and keeps the grassroots
   organizations (branches, general branches, grassroots committees; not
   groups) with at least 30 members in their subtree who belong to the same
   organization on both days; each host gets 30 of them, its own members
   first (the demo's branches have 9 to 35 members, so most hosts are
   general branches and grassroots committees, whose assemblies take in
   the members of the branches under them);
4. writes the Lua data file that bench/recording/record.lua reads.

Only the Python standard library is used.

Usage: python3 setup.py --base http://127.0.0.1:PORT --today YYYY-MM-DD --out data.lua
"""
import argparse
import datetime as dt
import http.client
import json
import re
import sys
import time
import urllib.parse

ap = argparse.ArgumentParser()
ap.add_argument("--base", required=True, help="http://127.0.0.1:PORT of the server")
ap.add_argument("--today", required=True, help="the server's today, YYYY-MM-DD")
ap.add_argument("--out", required=True, help="the Lua data file to write")
ap.add_argument("--login", default="admin")
ap.add_argument("--password", default="demo-admin-2025")
ap.add_argument("--members", type=int, default=30, help="participants per activity")
ap.add_argument("--max-branches", type=int, default=200)
ap.add_argument("--days", type=int, default=180, help="how many days before today the meetings may lie")
args = ap.parse_args()

base = urllib.parse.urlsplit(args.base)


def call(method, path, body=None, headers=None):
    """One request on a fresh connection; returns (status, headers, text)."""
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=600)
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    text = r.read().decode("utf-8", "replace")
    conn.close()
    return r.status, r.getheaders(), text


def cookies_of(headers):
    found = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            k, _, v = pair.partition("=")
            found[k.strip()] = v.strip()
    return found


def fail(message):
    print(f"setup: {message}", file=sys.stderr)
    sys.exit(1)


def login(name, password):
    """Logs in through the form; returns (status, session cookie, redirect)."""
    status, headers, page = call("GET", "/login")
    form = cookies_of(headers).get("cx_form")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    if status != 200 or not form or not csrf:
        fail(f"GET /login answered {status} without a form token")
    fields = urllib.parse.urlencode({"login": name, "password": password, "csrf": csrf.group(1), "next": "/"})
    status, headers, _ = call(
        "POST", "/login", fields, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"cx_form={form}"}
    )
    session = cookies_of(headers).get("cx_session")
    if status not in (302, 303) or not session:
        fail(f"POST /login as {name} answered {status}")
    return {"Cookie": f"cx_session={session}"}, dict((k.lower(), v) for k, v in headers).get("location", "")


def form_post(path, cookie, page_path, fields):
    """Posts a form with the CSRF token of the page it lies on."""
    status, _, page = call("GET", page_path, headers=cookie)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    if status != 200 or not csrf:
        fail(f"GET {page_path} answered {status} without a form")
    body = urllib.parse.urlencode({"csrf": csrf.group(1), **fields})
    return call("POST", path, body, {**cookie, "Content-Type": "application/x-www-form-urlencoded"})


# 1. Only a branch secretary's role records activities (the administrator
#    manages the tree and accounts), so the county's administrator creates a
#    recorder account holding the secretary role on the whole county; it
#    logs in, sets its own password and creates a write token on My account.
admin, _ = login(args.login, args.password)
status, _, page = call("GET", "/account", headers=admin)
org = re.search(r'<select id="token-org" name="org_id">\s*<option value="([0-9a-f]{32})"', page)
if status != 200 or not org:
    fail(f"GET /account answered {status} without the organizations of the administrator")
county = org.group(1)
recorder, first_password, password = "bench-recorder", "bench-first-password-1", "bench-recorder-password-2"
status, _, page = form_post(
    "/admin/accounts",
    admin,
    "/admin/accounts",
    {"login": recorder, "display_name": "录入基准", "password": first_password, "role": "secretary", "org_id": county},
)
if status != 200:
    fail(f"POST /admin/accounts answered {status}")
session, to = login(recorder, first_password)
if to.startswith("/account/password"):
    status, headers, _ = form_post(
        "/account/password",
        session,
        "/account/password",
        {"current": first_password, "password": password, "password2": password},
    )
    renewed = cookies_of(headers).get("cx_session")
    if status not in (302, 303) or not renewed:
        fail(f"POST /account/password answered {status}")
    session = {"Cookie": f"cx_session={renewed}"}
status, _, page = form_post(
    "/account/tokens", session, "/account", {"name": "recording benchmark", "org_id": county, "scope": "write"}
)
secret = re.search(r"cx_[0-9a-f]{64}", page)
if status != 200 or not secret:
    fail(f"POST /account/tokens answered {status} without a secret")
token = secret.group(0)
bearer = {"Authorization": f"Bearer {token}"}
cookie = session

# 2. Evaluate this year (what the first page view of the day does).
today = dt.date.fromisoformat(args.today)
started = time.monotonic()
status, _, _ = call("GET", f"/orgs/{county}/compliance?year={today.year}", headers=cookie)
evaluation_seconds = time.monotonic() - started
if status != 200:
    fail(f"the compliance page answered {status}")

# 3. Members who belong to the same organization on the first and last day.
first_day = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=args.days))
last_day = today - dt.timedelta(days=1)


def members_on(day):
    by_person, cursor = {}, None
    while True:
        query = {"under": county, "on": day.isoformat(), "limit": "500"}
        if cursor:
            query["cursor"] = cursor
        status, _, text = call("GET", "/api/v1/people?" + urllib.parse.urlencode(query), headers=bearer)
        if status != 200:
            fail(f"GET /api/v1/people answered {status}: {text[:200]}")
        page = json.loads(text)
        for p in page["items"]:
            by_person[p["id"]] = p["org_id"]
        cursor = page.get("next_cursor")
        if not cursor:
            return by_person


orgs = {}
cursor = None
while True:
    query = {"under": county, "limit": "500"}
    if cursor:
        query["cursor"] = cursor
    status, _, text = call("GET", "/api/v1/orgs?" + urllib.parse.urlencode(query), headers=bearer)
    if status != 200:
        fail(f"GET /api/v1/orgs answered {status}: {text[:200]}")
    page = json.loads(text)
    for o in page["items"]:
        orgs[o["id"]] = o
    cursor = page.get("next_cursor")
    if not cursor:
        break

early, late = members_on(first_day), members_on(last_day)
stable = {}
for person, org_id in early.items():
    if late.get(person) == org_id:
        stable.setdefault(org_id, []).append(person)


def ancestors(org_id):
    """The organization and those above it, nearest first."""
    seen = []
    while org_id in orgs and org_id not in seen:
        seen.append(org_id)
        org_id = orgs[org_id].get("parent_id")
    return seen


# Members of each organization's subtree: its own first, then those of the
# organizations under it (a participant may belong to either).
own = {o: sorted(members) for o, members in stable.items()}
below = {}
for org_id, members in own.items():
    for above in ancestors(org_id)[1:]:
        below.setdefault(above, []).extend(members)
branches = []
for org_id in sorted(orgs):
    o = orgs[org_id]
    if o["level"] != "grassroots" or o["kind"] == "group" or o.get("closed_on") or o["founded_on"] > first_day.isoformat():
        continue
    candidates = own.get(org_id, []) + sorted(below.get(org_id, []))
    if len(candidates) >= args.members:
        branches.append({"id": org_id, "kind": o["kind"], "members": candidates[: args.members]})
branches = branches[: args.max_branches]
if len(branches) < 4:
    fail(f"only {len(branches)} grassroots organizations have {args.members} members throughout {first_day}..{last_day}")
days = [(first_day + dt.timedelta(days=i)).isoformat() for i in range((last_day - first_day).days + 1)]

# 4. The Lua data file.
with open(args.out, "w", encoding="utf-8") as f:
    f.write("-- written by bench/recording/setup.py\nreturn {\n")
    f.write(f'  token = "{token}",\n  county = "{county}",\n  days = {{\n')
    for d in days:
        f.write(f'    "{d}",\n')
    f.write("  },\n  branches = {\n")
    for b in branches:
        members = ", ".join(f'"{m}"' for m in b["members"])
        f.write(f'    {{ id = "{b["id"]}", members = {{ {members} }} }},\n')
    f.write("  },\n}\n")

kinds = {}
for b in branches:
    kinds[b["kind"]] = kinds.get(b["kind"], 0) + 1
print(
    f"SETUP county={county} organizations={len(orgs)} members={len(late)} "
    f"hosts={len(branches)} host_kinds={','.join(f'{k}:{n}' for k, n in sorted(kinds.items()))} "
    f"days={len(days)} ({days[0]}..{days[-1]}) evaluation_s={evaluation_seconds:.2f}"
)
