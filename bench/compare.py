"""The whole requirement catalogue as SQL, in DuckDB and PostgreSQL, on the
world the Rust benchmark generates; compared with the rules engine.

The data is the province written by

    CHANGXIAO_BENCH_EXPORT=DIR cargo bench -p province-gen --bench evaluation

(orgs, people, memberships, positions, activities, attendance as CSV, plus the
engine's own results summarized per requirement and status). The SQL is
generated from the catalogue files (catalogue/*.toml), one SELECT per
requirement, all in one CREATE TABLE cells AS ... UNION ALL ...; it produces
one row per cell: requirement, subject, home organization (for roll-ups),
period index, status (met, due, overdue, missed, not_applicable) and the
evidence activity ids. What it covers and leaves out is listed in
docs/BENCHMARKS.md ("Rules engine against SQL").

Timed: the full evaluation (DuckDB: median of --runs; PostgreSQL: one run) and
a city roll-up (median of 5). Loading and indexing are reported but not part
of the evaluation. After each evaluation the cells are tallied per
requirement and status (count, sums of subject and period indices, evidence
ids and their sum) and compared with the engine's tally.

Usage: python bench/compare.py --data DIR [--skip-pg] [--skip-duckdb]
       [--pg postgresql://postgres@127.0.0.1:5432/postgres]
       [--pg-attendance-fraction 0.2] [--engine-result FILE]
"""
import argparse
import csv
import datetime as dt
import glob
import os
import re
import statistics
import sys
import time
import tomllib

ap = argparse.ArgumentParser()
ap.add_argument("--data", required=True, help="directory written by the Rust benchmark's export")
ap.add_argument("--catalogue", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "catalogue"))
ap.add_argument("--year", type=int, default=2025)
ap.add_argument("--as-of", default="2026-01-31")
ap.add_argument("--runs", type=int, default=3, help="DuckDB full evaluations (median)")
ap.add_argument("--pg-runs", type=int, default=1)
ap.add_argument("--skip-pg", action="store_true")
ap.add_argument("--skip-duckdb", action="store_true")
ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
ap.add_argument("--pg-db", default="cx_compare")
ap.add_argument("--pg-work-mem", default="256MB")
ap.add_argument("--pg-jit", default="off", help="jit for the session (the server default is on; its compile time dominates at small scales)")
ap.add_argument("--pg-attendance-fraction", type=float, default=1.0,
                help="load only the attendance of activities whose id is a multiple of round(1/F) into PostgreSQL")
ap.add_argument("--engine-result", help="output of the Rust benchmark (its RESULT line gives the engine's figures)")
ap.add_argument("--show-sql", action="store_true")
ap.add_argument("--verbose", action="store_true", help="time each statement of the evaluation")
args = ap.parse_args()

YEAR = args.year
AS_OF = dt.date.fromisoformat(args.as_of)
YS = dt.date(YEAR, 1, 1)
YE = dt.date(YEAR, 12, 31)
CAP = min(YE, AS_OF)  # the last day evaluated

# ----------------------------------------------------------------- catalogue

def load_catalogue(folder):
    files = sorted(glob.glob(os.path.join(folder, "*.toml")))
    vocab, reqs = None, []
    for f in files:
        with open(f, "rb") as fh:
            data = tomllib.load(fh)
        if "activity_kind" in data:
            vocab = data
        reqs.extend(data.get("requirement", []))
    if vocab is None:
        sys.exit("no vocabulary (activity_kind) in " + folder)
    return vocab, reqs

VOCAB, REQS = load_catalogue(args.catalogue)
AGENDA_BIT = {t["code"]: i for i, t in enumerate(VOCAB.get("agenda_kind", []))}
CLASS_HOUR = VOCAB.get("class_hour_minutes", 45)
late = VOCAB.get("late_entry_window", "10d")
m = re.fullmatch(r"(\d+)(wd|d)", late.strip())
LATE_DAYS = int(m.group(1)) if m else 10
LATE_WORKING = bool(m and m.group(2) == "wd")  # approximated by calendar days
RANKS = ["none", "section_deputy", "section", "county_deputy", "county", "bureau_deputy", "bureau", "province_deputy", "province"]

# ----------------------------------------------------------------- SQL

def d(x):
    return f"DATE '{x.isoformat()}'"

def qlist(xs):
    return "(" + ", ".join(f"'{x}'" for x in xs) + ")"

class Dialect:
    def __init__(self, duck):
        self.duck = duck

    def idiv(self, a, b):
        return f"(({a}) // {b})" if self.duck else f"(({a}) / {b})"

    def month(self, col):
        return f"CAST(extract(month FROM {col}) AS INTEGER)"

    def part(self, period, col):
        """The 0-based index of the period of `period` kind containing `col`."""
        mo = self.month(col)
        return {"month": f"({mo} - 1)", "per_meeting": f"({mo} - 1)", "join_month": f"({mo} - 1)",
                "quarter": self.idiv(f"{mo} - 1", 3), "half": self.idiv(f"{mo} - 1", 6), "year": "0"}[period]

    def null_list(self):
        return "CAST(NULL AS INTEGER[])"


def periods_values():
    """(kind, 0-based index, first day, last day, midpoint) of every period of the year begun by the as-of date."""
    def last_of(month):
        return dt.date(YEAR + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    rows = [("month", m - 1, dt.date(YEAR, m, 1), last_of(m), m) for m in range(1, 13)]
    rows += [("quarter", q, dt.date(YEAR, q * 3 + 1, 1), last_of(q * 3 + 3), q * 3 + 2) for q in range(4)]
    rows += [("half", h, dt.date(YEAR, h * 6 + 1, 1), last_of(h * 6 + 6), h * 6 + 3) for h in range(2)]
    rows += [("year", 0, YS, YE, 6)]
    return ",\n  ".join(f"('{k}', {i}, {d(f)}, {d(l)}, {d(dt.date(YEAR, mid, 15))})" for k, i, f, l, mid in rows if f <= AS_OF)


def group(*cols):
    """A GROUP BY list without constant columns (a literal would be read as a position)."""
    return ", ".join(c for c in cols if c != "0")


def unmet(last):
    return (f"CASE WHEN {d(AS_OF)} <= {last} THEN 'due' "
            f"WHEN {d(AS_OF)} <= {last} + {LATE_DAYS} THEN 'overdue' ELSE 'missed' END")


def activity_filter(r, alias="a"):
    kinds = r.get("kinds", [])
    cond = [f"{alias}.kind IN {qlist(kinds)}", f"{alias}.held_on BETWEEN {d(YS)} AND {d(CAP)}"]
    return cond


def conditions(r, alias="a", per_meeting=False):
    """Joins and conditions a satisfying activity must meet (engine: failed_condition)."""
    joins, cond = [], []
    if r.get("host_grassroots"):
        joins.append(f"JOIN orgs h ON h.id = {alias}.host")
        cond.append("(h.level = 'grassroots' OR h.kind IN ('branch', 'general_branch', 'group'))")
    if r.get("first_agenda_item") and not per_meeting:
        cond.append(f"{alias}.first_agenda = '{r['first_agenda_item']}'")
    bits = sum(1 << AGENDA_BIT[k] for k in r.get("agenda_includes", []))
    if bits:
        cond.append(f"({alias}.agenda_mask & {bits}) = {bits}")
    if r.get("quorum") == "more_than_half":
        cond.append(f"{alias}.present * 2 > {alias}.present + {alias}.absent")
    return joins, cond


def org_filter(r):
    cond = [f"founded_on <= {d(CAP)}", f"(closed_on IS NULL OR closed_on > {d(YS)})"]
    if r.get("org_kinds"):
        cond.append(f"kind IN {qlist(r['org_kinds'])}")
    if r.get("org_levels"):
        cond.append(f"level IN {qlist(r['org_levels'])}")
    return " AND ".join(cond)


def org_requirement(sql, r):
    """One requirement binding organizations: every bound organization x period
    (or, per meeting, every month with meetings), with its satisfying activities."""
    rid, period, count = r["id"], r["period"], r.get("count", 1)
    if r.get("host") not in (None, "subject"):
        raise NotImplementedError(f"{rid}: host {r['host']}")
    bound = f"SELECT id, founded_on, closed_on FROM orgs WHERE {org_filter(r)}"
    ptype = "month" if period == "per_meeting" else period
    covered = "(b.founded_on <= p.mid AND (b.closed_on IS NULL OR b.closed_on > p.last_day))"
    if r.get("feature_not_built"):
        return (f"SELECT '{rid}', b.id, b.id, p.idx, 'not_applicable', {sql.null_list()} "
                f"FROM ({bound}) b JOIN periods p ON p.ptype = '{ptype}'")
    part = sql.part(period, "a.held_on")
    if period == "per_meeting":
        where = " AND ".join(activity_filter(r))
        first = r.get("first_agenda_item")
        broken = f"count(*) FILTER (WHERE a.first_agenda IS NULL OR a.first_agenda <> '{first}')" if first else "0"
        sat = (f"SELECT a.host, {part} AS idx, {broken} AS broken, array_agg(a.id ORDER BY a.id) AS ev "
               f"FROM activities a WHERE {where} GROUP BY {group('a.host', part)}")
        return (f"SELECT * FROM (WITH b AS MATERIALIZED ({bound}), s AS MATERIALIZED ({sat}) "
                f"SELECT '{rid}', b.id, b.id, s.idx, "
                f"CASE WHEN NOT {covered} THEN 'not_applicable' WHEN s.broken = 0 THEN 'met' ELSE 'missed' END, "
                f"CASE WHEN {covered} THEN s.ev END "
                f"FROM s JOIN b ON b.id = s.host JOIN periods p ON p.ptype = 'month' AND p.idx = s.idx) x")
    joins, cond = conditions(r)
    where = " AND ".join(activity_filter(r) + cond)
    if r.get("each_polarity"):
        parts = r["each_polarity"]
        sat = (f"SELECT a.host, {part} AS idx, count(DISTINCT a.polarity) AS n, array_agg(a.id ORDER BY a.id) AS ev "
               f"FROM activities a {' '.join(joins)} WHERE {where} AND a.polarity IN {qlist(parts)} GROUP BY {group('a.host', part)}")
        met = f"coalesce(s.n, 0) = {len(parts)}"
    elif r.get("each_visit_kind"):
        raise NotImplementedError(f"{rid}: visit kinds for organizations")
    else:
        sat = (f"SELECT a.host, {part} AS idx, count(*) AS n, array_agg(a.id ORDER BY a.id) AS ev "
               f"FROM activities a {' '.join(joins)} WHERE {where} GROUP BY {group('a.host', part)}")
        met = f"coalesce(s.n, 0) >= {count}"
    return (f"SELECT * FROM (WITH b AS MATERIALIZED ({bound}), s AS MATERIALIZED ({sat}) "
            f"SELECT '{rid}', b.id, b.id, p.idx, "
            f"CASE WHEN NOT {covered} THEN 'not_applicable' WHEN {met} THEN 'met' ELSE {unmet('p.last_day')} END, "
            f"CASE WHEN {covered} THEN s.ev END "
            f"FROM b JOIN periods p ON p.ptype = '{ptype}' LEFT JOIN s ON s.host = b.id AND s.idx = p.idx) x")


def position_rule(positions, kinds, levels, alias="p", org="o"):
    cond = [f"{alias}.kind IN {qlist(positions)}"] if positions else []
    if kinds:
        cond.append(f"{org}.kind IN {qlist(kinds)}")
    if levels:
        cond.append(f"{org}.level IN {qlist(levels)}")
    return " AND ".join(cond) or "TRUE"


def binding(r):
    """(name, SQL of raw spans (person, f, t)) of whom a person requirement binds."""
    who = r["who"]
    if who == "members":
        return "spans_members", "SELECT person, from_day AS f, to_day AS t FROM memberships"
    if who == "cadres":
        rank = RANKS.index(r["min_cadre_rank"])
        return (f"spans_cadres_{rank}",
                f"SELECT m.person, m.from_day AS f, m.to_day AS t FROM memberships m JOIN people pe ON pe.id = m.person "
                f"WHERE pe.cadre_rank_ord >= {rank}")
    if who == "position_holders":
        rule = position_rule(r.get("positions", []), r.get("position_org_kinds", []), r.get("position_org_levels", []))
        name = "spans_" + re.sub(r"[^a-z0-9]+", "_", r["id"])
        return name, f"SELECT p.person, p.from_day AS f, p.to_day AS t FROM positions p JOIN orgs o ON o.id = p.org WHERE {rule}"
    raise NotImplementedError(who)


def merged_spans(name, raw):
    """Spans merged where they touch or overlap (engine: merge_spans); open ends as 9999-12-31."""
    return (f"CREATE TEMP TABLE {name} AS "
            f"WITH o AS (SELECT person, f, coalesce(t, DATE '9999-12-31') AS t FROM ({raw}) x), "
            f"w AS (SELECT person, f, t, max(t) OVER (PARTITION BY person ORDER BY f, t ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS pm FROM o), "
            f"g AS (SELECT person, f, t, sum(CASE WHEN pm IS NULL OR f > pm THEN 1 ELSE 0 END) "
            f"OVER (PARTITION BY person ORDER BY f, t ROWS UNBOUNDED PRECEDING) AS grp FROM w) "
            f"SELECT person, min(f) AS f, max(t) AS t FROM g GROUP BY person, grp")


def binding_rows(name, spans):
    """The people with a row (bound at some time in the year up to the as-of
    date), their home organization, the first day of their binding that
    reaches into the year and whether they are bound on the last evaluated day."""
    return (f"CREATE TEMP TABLE {name} AS SELECT s.person, h.home, min(s.f) FILTER (WHERE s.t > {d(YS)}) AS start, "
            f"bool_or(s.f <= {d(YE)} AND s.t > {d(CAP)}) AS bound_at_end "
            f"FROM {spans} s JOIN home h ON h.person = s.person GROUP BY s.person, h.home "
            f"HAVING bool_or(s.f <= {d(CAP)} AND s.t > {d(YS)})")


def person_requirement(sql, r, spans, rows):
    """One requirement binding people: every bound person x period, with the
    activities they presented or attended, or their attended minutes."""
    rid, period, count = r["id"], r["period"], r.get("count", 1)
    if r.get("hours"):
        hrs = r["hours"]
        raised = hrs.get("raised")
        mins = (f"SELECT t.person, sum(a.minutes) AS m FROM attendance t JOIN activities a ON a.id = t.activity "
                f"WHERE a.kind IN {qlist(hrs['kinds'])} AND a.held_on BETWEEN {d(YS)} AND {d(CAP)} GROUP BY t.person")
        months = f"(CASE WHEN r.start > {d(YS)} THEN 13 - {sql.month('r.start')} ELSE 12 END)"
        if raised:
            rule = position_rule(raised.get("positions", []), raised.get("position_org_kinds", []), raised.get("position_org_levels", []))
            ra = (f"SELECT DISTINCT p.person FROM positions p JOIN orgs o ON o.id = p.org WHERE {rule} "
                  f"AND p.from_day <= {d(CAP)} AND (p.to_day IS NULL OR p.to_day > {d(YS)})")
            minimum = f"(CASE WHEN ra.person IS NOT NULL THEN {raised['minimum']} ELSE {hrs['minimum']} END)"
            ra_join = "LEFT JOIN ra ON ra.person = r.person"
            ra_cte = f", ra AS MATERIALIZED ({ra})"
        else:
            minimum, ra_join, ra_cte = str(hrs["minimum"]), "", ""
        needed = sql.idiv(f"{minimum} * {CLASS_HOUR} * {months} + 11", 12)
        return (f"SELECT * FROM (WITH mi AS MATERIALIZED ({mins}){ra_cte} "
                f"SELECT '{rid}', r.person, r.home, 0, "
                f"CASE WHEN NOT r.bound_at_end THEN 'not_applicable' WHEN coalesce(mi.m, 0) >= {needed} THEN 'met' "
                f"ELSE {unmet(d(YE))} END, {sql.null_list()} "
                f"FROM {rows} r LEFT JOIN mi ON mi.person = r.person {ra_join}) x")
    # The periods of each row, and whether the binding covers the period (from its
    # midpoint to its end; merged spans are disjoint, so at most one matches).
    if period == "join_month":
        rp = (f"SELECT r.person, r.home, p.idx, p.last_day, p.mid, pe.joined_on FROM {rows} r JOIN people pe ON pe.id = r.person "
              f"JOIN periods p ON p.ptype = 'month' AND p.idx = {sql.month('pe.joined_on')} - 1")
    else:
        rp = f"SELECT r.person, r.home, p.idx, p.last_day, p.mid, r.start AS joined_on FROM {rows} r JOIN periods p ON p.ptype = '{period}'"
    na = ["c.person IS NULL"]
    if period == "join_month":
        na.append(f"extract(year FROM rp.joined_on) >= {YEAR}")
    if r.get("feature_not_built"):
        na = ["TRUE"]
    joins, cond = conditions(r)
    where = " AND ".join(activity_filter(r) + cond)
    part = sql.part(period, "a.held_on")
    if r.get("presenter_is_subject"):
        src, who = f"activities a {' '.join(joins)}", "a.presenter"
        where += " AND a.presenter IS NOT NULL"
    elif r.get("attended_by_subject"):
        src, who = f"attendance t JOIN activities a ON a.id = t.activity {' '.join(joins)}", "t.person"
    else:
        raise NotImplementedError(f"{rid}: person requirement without presenter or attendance")
    if r.get("each_visit_kind"):
        parts = r["each_visit_kind"]
        sat = (f"SELECT {who} AS person, {part} AS idx, count(DISTINCT a.visit_kind) AS n, array_agg(a.id ORDER BY a.id) AS ev "
               f"FROM {src} WHERE {where} AND a.visit_kind IN {qlist(parts)} GROUP BY {group(who, part)}")
        met = f"coalesce(s.n, 0) = {len(parts)}"
    else:
        sat = (f"SELECT {who} AS person, {part} AS idx, count(*) AS n, array_agg(a.id ORDER BY a.id) AS ev "
               f"FROM {src} WHERE {where} GROUP BY {group(who, part)}")
        met = f"coalesce(s.n, 0) >= {count}"
    na_expr = " OR ".join(na)
    return (f"SELECT * FROM (WITH s AS MATERIALIZED ({sat}) "
            f"SELECT '{rid}', rp.person, rp.home, rp.idx, "
            f"CASE WHEN {na_expr} THEN 'not_applicable' WHEN {met} THEN 'met' ELSE {unmet('rp.last_day')} END, "
            f"CASE WHEN NOT ({na_expr}) THEN s.ev END "
            f"FROM ({rp}) rp LEFT JOIN {spans} c ON c.person = rp.person AND c.f <= rp.mid AND c.t > rp.last_day "
            f"LEFT JOIN s ON s.person = rp.person AND s.idx = rp.idx) x")


def evaluation_statements(sql, per_requirement=None):
    """The statements of one full evaluation, in order. With `per_requirement`
    (a dict), also fills it with each requirement's SELECT."""
    stmts = ["DROP TABLE IF EXISTS cells"]
    spans = sorted({binding(r)[0] for r in REQS if r["subject"] == "person"})
    for t in ["periods", "home"] + spans + ["rows" + x[len("spans"):] for x in spans]:
        stmts.append(f"DROP TABLE IF EXISTS {t}")
    stmts.append(f"CREATE TEMP TABLE periods AS SELECT * FROM (VALUES\n  {periods_values()}) AS v(ptype, idx, first_day, last_day, mid)")
    # The organization a person counts under: their membership on the last evaluated day, else the latest.
    stmts.append(
        f"CREATE TEMP TABLE home AS SELECT DISTINCT ON (person) person, org AS home FROM memberships "
        f"ORDER BY person, (from_day <= {d(CAP)} AND (to_day IS NULL OR to_day > {d(CAP)})) DESC, from_day DESC")
    if not sql.duck:
        # Temporary tables get no statistics by themselves (autovacuum never sees them).
        stmts.append("ANALYZE periods")
        stmts.append("ANALYZE home")
    made = set()
    selects = []
    for r in REQS:
        if r["subject"] == "organization":
            selects.append(org_requirement(sql, r))
        else:
            name, raw = binding(r)
            rows = "rows" + name[len("spans"):]
            if name not in made:
                stmts.append(merged_spans(name, raw))
                stmts.append(binding_rows(rows, name))
                if not sql.duck:
                    stmts.append(f"ANALYZE {name}")
                    stmts.append(f"ANALYZE {rows}")
                made.add(name)
            selects.append(person_requirement(sql, r, name, rows))
    if per_requirement is not None:
        per_requirement.update(zip((r["id"] for r in REQS), selects))
    stmts.append("CREATE TABLE cells AS SELECT * FROM (\n" + "\nUNION ALL\n".join(selects)
                 + "\n) AS c(req, subject, home, period, status, evidence)")
    return stmts

# ----------------------------------------------------------------- checking

def engine_tally():
    out = {}
    path = os.path.join(args.data, "engine_summary.csv")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        for row in csv.DictReader(f):
            out[(row["requirement"], row["status"])] = tuple(int(row[k]) for k in
                                                             ("cells", "subject_sum", "period_sum", "evidence", "evidence_sum"))
    return out

def compare(name, got, want):
    if want is None:
        print(f"{name}: no engine_summary.csv to compare with")
        return False
    keys = sorted(set(got) | set(want))
    bad = [(k, got.get(k), want.get(k)) for k in keys if got.get(k) != want.get(k)]
    cells = sum(v[0] for v in got.values())
    if not bad:
        print(f"{name}: all {cells:,} cells agree with the engine (counts, subjects, periods and evidence per requirement and status)")
        return True
    print(f"{name}: {len(bad)} of {len(keys)} (requirement, status) tallies differ from the engine "
          "(cells, subject sum, period sum, evidence, evidence sum):")
    for k, g, w in bad[:40]:
        print(f"  {k}: sql {g} engine {w}")
    return False

TALLY_DUCK = ("SELECT req, status, count(*), sum(subject), sum(period + 1), coalesce(sum(len(evidence)), 0), "
              "coalesce(sum(list_sum(evidence)), 0) FROM cells GROUP BY req, status")
TALLY_PG = ("SELECT req, status, count(*), sum(subject), sum(period + 1), coalesce(sum(cardinality(evidence)), 0), "
            "coalesce(sum((SELECT sum(x) FROM unnest(evidence) x)), 0) FROM cells GROUP BY req, status")

def tally(rows):
    return {(r[0], r[1]): tuple(int(x) for x in r[2:]) for r in rows}

def rollup_sql(city):
    return (f"SELECT c.req, c.status, count(*) FROM cells c JOIN orgs o ON o.id = c.home "
            f"WHERE o.path LIKE '{city}' GROUP BY c.req, c.status ORDER BY 1, 2")

def engine_rollup(org):
    path = os.path.join(args.data, "engine_rollups.csv")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return {(r["requirement"], r["status"]): int(r["cells"]) for r in csv.DictReader(f) if int(r["org"]) == org}

def time_requirements(execute, selects):
    """With --verbose: each requirement's SELECT alone (after a full evaluation made the shared tables)."""
    if not args.verbose:
        return
    for rid, sel in selects.items():
        execute("DROP TABLE IF EXISTS probe")
        t = time.perf_counter()
        execute(f"CREATE TEMP TABLE probe AS SELECT * FROM ({sel}) AS c(req, subject, home, period, status, evidence)")
        print(f"  {time.perf_counter() - t:8.2f} s  {rid}")
    execute("DROP TABLE IF EXISTS probe")


def run_all(execute, stmts):
    for s in stmts:
        t = time.perf_counter()
        execute(s)
        if args.verbose:
            print(f"  {time.perf_counter() - t:8.2f} s  {s[:100]!r}")


def median_time(fn, n):
    times, out = [], None
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times, out

# ----------------------------------------------------------------- run

TABLES = {
    "orgs": "id INTEGER, parent INTEGER, subtree_end INTEGER, path VARCHAR, level VARCHAR, kind VARCHAR, founded_on DATE, closed_on DATE",
    "people": "id INTEGER, joined_on DATE, cadre_rank VARCHAR, cadre_rank_ord SMALLINT",
    "memberships": "person INTEGER, org INTEGER, from_day DATE, to_day DATE",
    "positions": "person INTEGER, org INTEGER, kind VARCHAR, from_day DATE, to_day DATE",
    "activities": ("id INTEGER, kind VARCHAR, host INTEGER, held_on DATE, minutes INTEGER, presenter INTEGER, first_agenda VARCHAR, "
                   "agenda_mask INTEGER, visit_kind VARCHAR, polarity VARCHAR, present INTEGER, absent INTEGER"),
    "attendance": "activity INTEGER, person INTEGER",
}

def city_of_first():
    with open(os.path.join(args.data, "orgs.csv")) as f:
        r = csv.DictReader(f)
        for row in r:
            if row["level"] == "city" and row["kind"] == "committee":
                return int(row["id"]), row["path"] + "%"
    sys.exit("no city in orgs.csv")

want = engine_tally()
city_id, city_path = city_of_first()
want_rollup = engine_rollup(city_id)
results = {}
counts = {}
with open(os.path.join(args.data, "activities.csv")) as f:
    counts["activities"] = sum(1 for _ in f) - 1
size = lambda name: os.path.getsize(os.path.join(args.data, name + ".csv"))
print(f"data: {args.data} ({sum(size(t) for t in TABLES) / 2**30:.2f} GiB of CSV), catalogue: {len(REQS)} requirements, "
      f"year {YEAR} as of {AS_OF}" + (" (late window in working days approximated by calendar days)" if LATE_WORKING else ""))

if args.show_sql:
    for s in evaluation_statements(Dialect(True)):
        print(s + ";\n")

if not args.skip_duckdb:
    import duckdb
    con = duckdb.connect()
    t = time.perf_counter()
    for name, cols in TABLES.items():
        spec = ", ".join(f"'{c.split()[0]}': '{c.split()[1]}'" for c in cols.split(", "))
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_csv('{os.path.join(args.data, name + '.csv')}', "
                    f"header = true, columns = {{{spec}}})")
    results["duckdb_load_s"] = time.perf_counter() - t
    n_att = con.execute("SELECT count(*) FROM attendance").fetchone()[0]
    print(f"duckdb {duckdb.__version__}: loaded in {results['duckdb_load_s']:.1f} s ({n_att:,} attendance facts), "
          f"threads {con.execute('SELECT current_setting(' + chr(39) + 'threads' + chr(39) + ')').fetchone()[0]}")
    selects = {}
    stmts = evaluation_statements(Dialect(True), selects)
    def duck_eval():
        run_all(con.execute, stmts)
    el, times, _ = median_time(duck_eval, args.runs)
    results["duckdb_eval_s"] = el
    print(f"duckdb full evaluation {el:.2f} s median ({', '.join(f'{x:.2f}' for x in times)})")
    compare("duckdb", tally(con.execute(TALLY_DUCK).fetchall()), want)
    time_requirements(con.execute, selects)
    el, times, out = median_time(lambda: con.execute(rollup_sql(city_path)).fetchall(), 5)
    results["duckdb_rollup_ms"] = el * 1e3
    print(f"duckdb city roll-up {el * 1e3:.1f} ms median ({', '.join(f'{x * 1e3:.1f}' for x in times)})")
    got = {(r[0], r[1]): r[2] for r in out}
    if want_rollup is not None:
        print("duckdb city roll-up " + ("agrees with the engine" if got == want_rollup else f"DIFFERS from the engine: {sorted(set(got.items()) ^ set(want_rollup.items()))[:10]}"))
    con.close()

if not args.skip_pg:
    import psycopg
    every = max(1, round(1 / args.pg_attendance_fraction))
    with psycopg.connect(args.pg, autocommit=True) as pg:
        pg.execute(f"DROP DATABASE IF EXISTS {args.pg_db}")
        pg.execute(f"CREATE DATABASE {args.pg_db}")
    dsn = args.pg.rsplit("/", 1)[0] + "/" + args.pg_db
    with psycopg.connect(dsn, autocommit=True) as pg:
        version = pg.execute("SHOW server_version").fetchone()[0]
        t = time.perf_counter()
        for name, cols in TABLES.items():
            pg.execute(f"CREATE UNLOGGED TABLE {name} ({cols.replace('VARCHAR', 'text')})")
            path = os.path.join(args.data, name + ".csv")
            with pg.cursor().copy(f"COPY {name} FROM STDIN (FORMAT csv, HEADER true)") as cp:
                with open(path, "rb") as f:
                    if name == "attendance" and every > 1:
                        f.readline()
                        buf = []
                        for line in f:
                            if int(line.split(b",", 1)[0]) % every == 0:
                                buf.append(line)
                                if len(buf) >= 100_000:
                                    cp.write(b"".join(buf)); buf = []
                        cp.write(b"".join(buf))
                    else:
                        while chunk := f.read(1 << 20):
                            cp.write(chunk)
        load = time.perf_counter() - t
        t = time.perf_counter()
        for stmt in ["ALTER TABLE orgs ADD PRIMARY KEY (id)", "ALTER TABLE people ADD PRIMARY KEY (id)",
                     "ALTER TABLE activities ADD PRIMARY KEY (id)", "CREATE INDEX ON orgs (path text_pattern_ops)",
                     "CREATE INDEX ON activities (host)", "CREATE INDEX ON activities (presenter)",
                     "CREATE INDEX ON attendance (activity)", "CREATE INDEX ON memberships (person)",
                     "CREATE INDEX ON positions (person)", "VACUUM ANALYZE"]:
            pg.execute(stmt)
        index = time.perf_counter() - t
        n_att = pg.execute("SELECT count(*) FROM attendance").fetchone()[0]
        results["pg_load_s"], results["pg_index_s"] = load, index
        print(f"postgres {version}: loaded in {load:.1f} s, indexed and analyzed in {index:.1f} s "
              f"({n_att:,} attendance facts{'' if every == 1 else f', 1 in {every} activities'})")
        pg.execute(f"SET work_mem = '{args.pg_work_mem}'")
        pg.execute(f"SET jit = {args.pg_jit}")
        settings = {k: pg.execute(f"SHOW {k}").fetchone()[0] for k in
                    ("shared_buffers", "work_mem", "max_parallel_workers_per_gather", "jit")}
        print("postgres settings: " + ", ".join(f"{k} = {v}" for k, v in settings.items()))
        selects = {}
        stmts = evaluation_statements(Dialect(False), selects)
        def pg_eval():
            run_all(pg.execute, stmts)
        el, times, _ = median_time(pg_eval, args.pg_runs)
        results["pg_eval_s"] = el
        print(f"postgres full evaluation {el:.2f} s ({', '.join(f'{x:.2f}' for x in times)})")
        if every == 1:
            compare("postgres", tally(pg.execute(TALLY_PG).fetchall()), want)
        time_requirements(pg.execute, selects)
        pg.execute("CREATE INDEX ON cells (home)")
        pg.execute("ANALYZE cells")
        el, times, out = median_time(lambda: pg.execute(rollup_sql(city_path)).fetchall(), 5)
        results["pg_rollup_ms"] = el * 1e3
        print(f"postgres city roll-up {el * 1e3:.1f} ms median ({', '.join(f'{x * 1e3:.1f}' for x in times)})")
        got = {(r[0], r[1]): r[2] for r in out}
        if want_rollup is not None and every == 1:
            print("postgres city roll-up " + ("agrees with the engine" if got == want_rollup else "DIFFERS from the engine"))

if args.engine_result:
    with open(args.engine_result) as f:
        line = next((l for l in f if l.startswith("RESULT ")), None)
    if line:
        eng = dict(kv.split("=") for kv in line.split()[1:])
        full, city_us = float(eng["full_s"]), float(eng["city_p50_us"])
        for db in ("duckdb", "pg"):
            if f"{db}_eval_s" in results:
                print(f"{db}: full evaluation {results[f'{db}_eval_s'] / full:.1f}x the engine's time, "
                      f"city roll-up {results[f'{db}_rollup_ms'] * 1e3 / city_us:,.0f}x")
print("RESULTS", {k: round(v, 3) for k, v in results.items()})
