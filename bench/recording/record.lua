-- wrk script for the recording-throughput benchmark (bench/recording/run.sh):
-- each request records one held activity with 30 participants through
-- `POST /api/v1/activities`, authenticated by a bearer API token.
--
-- Data (written by bench/recording/setup.py) is read from the Lua file named
-- by CX_BENCH_DATA: the token, the branches (each with 30 member ids that
-- belong to it on every day used) and the days. Request n records a meeting
-- of branch n mod B on a day that moves on after every round of branches,
-- so consecutive requests hit different branches and days. CX_BENCH_OFFSET
-- starts the sequence elsewhere, so that each run records other meetings.
-- With CX_BENCH_IDEMPOTENCY=1 every request carries its own Idempotency-Key.
--
-- Every response that is not 201 counts as an error; done() prints one line
--   RESULT requests=N rps=R p50_ms=A p90_ms=B p99_ms=C max_ms=D non201=E socket_errors=F
-- plus the first non-201 answer seen, so that a failing run says why.

local data = dofile(os.getenv("CX_BENCH_DATA"))
local offset = tonumber(os.getenv("CX_BENCH_OFFSET") or "0")
local idempotent = os.getenv("CX_BENCH_IDEMPOTENCY") == "1"
local run_tag = os.getenv("CX_BENCH_RUN") or "run"

local kinds = { "members_assembly", "theme_party_day", "party_lesson" }
local titles = { "党员大会", "主题党日", "党课" }
local reasons = { "因病请假", "外出务工，已书面请假", "因公出差" }

local threads = {}
local counter = 0
-- Globals, so that done() can read them from each thread (thread:get).
thread_id = 0
non201 = 0
first_error = nil

function setup(thread)
    thread_id = thread_id + 1
    thread:set("thread_id", thread_id)
    table.insert(threads, thread)
end

local function body_for(n)
    local branches, days = data.branches, data.days
    local b = branches[(n % #branches) + 1]
    local day = days[(math.floor(n / #branches) % #days) + 1]
    local k = ((n + math.floor(n / #branches)) % #kinds) + 1
    local quoted = {}
    for i, id in ipairs(b.members) do
        quoted[i] = '"' .. id .. '"'
    end
    local first = b.members[(n % #b.members) + 1]
    local absentees = '{"person_id":"' .. first .. '","reason":"' .. reasons[(n % #reasons) + 1] .. '"}'
    if n % 2 == 0 then
        local second = b.members[((n + 7) % #b.members) + 1]
        absentees = absentees .. ',{"person_id":"' .. second .. '","reason":"' .. reasons[((n + 1) % #reasons) + 1] .. '"}'
    end
    return '{"kind":"' .. kinds[k] .. '",'
        .. '"host_org_id":"' .. b.id .. '",'
        .. '"title":"' .. titles[k] .. '（' .. day .. '）",'
        .. '"held_on":"' .. day .. '",'
        .. '"starts_at":"14:30",'
        .. '"duration_minutes":' .. (60 + 30 * (n % 3)) .. ','
        .. '"agenda":[{"kind":"theory_study","title":"学习党的二十届四中全会精神"},{"kind":"business"}],'
        .. '"participants":[' .. table.concat(quoted, ",") .. '],'
        .. '"absentees":[' .. absentees .. ']}'
end

function request()
    local n = offset + (thread_id - 1) * 1000000 + counter
    counter = counter + 1
    local headers = {
        ["Authorization"] = "Bearer " .. data.token,
        ["Content-Type"] = "application/json",
    }
    if idempotent then
        headers["Idempotency-Key"] = run_tag .. "-" .. thread_id .. "-" .. counter
    end
    return wrk.format("POST", "/api/v1/activities", headers, body_for(n))
end

function response(status, headers, body)
    if status ~= 201 then
        non201 = non201 + 1
        if first_error == nil then
            first_error = status .. " " .. string.sub(body or "", 1, 300)
        end
    end
end

function done(summary, latency, requests)
    local bad, first = 0, nil
    for _, t in ipairs(threads) do
        bad = bad + (t:get("non201") or 0)
        first = first or t:get("first_error")
    end
    local e = summary.errors
    local socket = e.connect + e.read + e.write + e.timeout
    local seconds = summary.duration / 1e6
    io.write(string.format(
        "RESULT requests=%d rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f non201=%d socket_errors=%d timeouts=%d\n",
        summary.requests, summary.requests / seconds,
        latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
        bad, socket, e.timeout))
    if first then
        io.write("FIRST_ERROR " .. first .. "\n")
    end
end
