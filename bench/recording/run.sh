#!/usr/bin/env bash
# Recording throughput over HTTP: activities with 30 participants recorded
# per second through `POST /api/v1/activities`, on SQLite and PostgreSQL,
# with the load from wrk in a second process on loopback.
#
# For each backend: build the demo county (`changxiao demo --no-serve`),
# serve it on a free port of 127.0.0.1, prepare a token and the hosts
# (setup.py: also evaluates this year, as the first page view does), warm up,
# then run wrk at each concurrency level, and once more with an
# Idempotency-Key on every request. Prints requests/s, latency percentiles,
# non-201 answers, and the CPU time of the server, PostgreSQL and wrk.
#
# Usage (from anywhere; the repository is the one this script lies in):
#   bench/recording/run.sh
# Environment:
#   CX_BENCH_BACKENDS     "sqlite postgres" (default both)
#   CX_BENCH_CONNECTIONS  "4 16 64"  concurrency levels (wrk connections)
#   CX_BENCH_SECONDS      30         seconds per level
#   CX_BENCH_WARMUP       10         seconds of warm-up at 16 connections
#   CX_BENCH_IDEMPOTENT   16         level also run with Idempotency-Key ("" = skip)
#   CX_BENCH_DATABASE_URL postgres://postgres@127.0.0.1:5432 (database
#                         cx_demo_bench_recording is created and dropped)
#   CX_BENCH_TODAY        the server's today (default today in Asia/Shanghai)
#   CHANGXIAO_BIN         a built binary to use instead of building one
#   CX_BENCH_KEEP=1       keep the working directory and the database
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
backends="${CX_BENCH_BACKENDS:-sqlite postgres}"
levels="${CX_BENCH_CONNECTIONS:-4 16 64}"
seconds="${CX_BENCH_SECONDS:-30}"
warmup="${CX_BENCH_WARMUP:-10}"
idempotent_level="${CX_BENCH_IDEMPOTENT-16}"
pg_server="${CX_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432}"
pg_server="${pg_server%/}"
pg_url="$pg_server/cx_demo_bench_recording"
today="${CX_BENCH_TODAY:-$(TZ=Asia/Shanghai date +%F)}"

if ! command -v wrk >/dev/null || ! command -v sqlite3 >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends wrk sqlite3
fi

if [ -n "${CHANGXIAO_BIN:-}" ]; then
    bin="$CHANGXIAO_BIN"
else
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/changxiao-target}"
    (cd "$repo" && cargo build --release -p changxiao)
    bin="$CARGO_TARGET_DIR/release/changxiao"
fi

work="$(mktemp -d /tmp/cx-recording-XXXXXX)"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "${CX_BENCH_KEEP:-0}" != 1 ]; then
        rm -rf "$work"
        case " $backends " in *" postgres "*)
            psql -q "$pg_server/postgres" -c 'DROP DATABASE IF EXISTS cx_demo_bench_recording WITH (FORCE)' >/dev/null 2>&1 || true ;;
        esac
    fi
}
trap cleanup EXIT

# CPU ticks (user + system) of one process, or of every process of a command name.
ticks_of_pid() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
ticks_of_command() {
    local total=0 pid
    for pid in $(pgrep -x "$1" || true); do total=$((total + $(ticks_of_pid "$pid"))); done
    echo "$total"
}
hz="$(getconf CLK_TCK)"
# Busy CPU ticks of the whole machine (everything but idle and iowait).
ticks_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }

echo "== machine"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo); Linux $(uname -r)"
echo "load tool: $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), 1 thread, on the same 2 cores as the server (and PostgreSQL)"
echo "binary: $bin; today: $today; $seconds s per level; levels: $levels; warm-up ${warmup} s"
echo "repository: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$repo" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"

summary="$work/summary.txt"
: >"$summary"

for backend in $backends; do
    echo
    echo "== $backend"
    dir="$work/$backend"
    url_args=()
    if [ "$backend" = postgres ]; then
        url_args=(--database-url "$pg_url")
    fi
    started=$(date +%s.%N)
    "$bin" --today "$today" --data-dir "$dir" "${url_args[@]}" demo --no-serve >"$work/$backend-demo.log" 2>&1
    echo "demo built in $(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"

    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    CHANGXIAO_LOG="${CHANGXIAO_LOG:-info,sqlx=error}" "$bin" --today "$today" --data-dir "$dir" "${url_args[@]}" serve --addr "127.0.0.1:$port" \
        >"$work/$backend-serve.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 120); do
        curl -fs -o /dev/null "http://127.0.0.1:$port/login" && break
        kill -0 "$server_pid" || { cat "$work/$backend-serve.log"; exit 1; }
        sleep 0.5
    done
    # The hourly jobs run once at start (the weekly digest); let them finish first.
    for _ in $(seq 1 240); do
        grep -q "scheduled jobs" "$work/$backend-serve.log" && break
        sleep 0.5
    done
    grep "scheduled jobs" "$work/$backend-serve.log" | tail -1 | sed 's/^/server: /' || echo "server: the start-up jobs did not finish within 120 s"

    python3 "$here/setup.py" --base "http://127.0.0.1:$port" --today "$today" --out "$work/$backend-data.lua" | tee "$work/$backend-setup.txt"
    export CX_BENCH_DATA="$work/$backend-data.lua"

    echo "settings:"
    if [ "$backend" = sqlite ]; then
        echo "  journal_mode=$(sqlite3 "$dir/changxiao.db" 'PRAGMA journal_mode') (the file); per connection, as crates/store/src/lib.rs sets them:"
        echo "  $(grep -o 'PRAGMA [a-z_]* = [^"]*' "$repo/crates/store/src/lib.rs" | sed 's/PRAGMA //' | paste -sd, | sed 's/,/, /g')"
        echo "  pool: 8 connections (crates/store/src/lib.rs); every write transaction is BEGIN IMMEDIATE"
    else
        psql -At "$pg_url" -c "SELECT '  ' || version()" \
            -c "SELECT '  ' || string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('shared_buffers', 'synchronous_commit', 'fsync', 'wal_sync_method', 'commit_delay', 'full_page_writes', 'max_connections', 'autovacuum', 'work_mem', 'wal_buffers', 'checkpoint_timeout', 'max_wal_size')"
        echo "  pool: 16 connections (crates/store/src/lib.rs)"
    fi

    count_activities() {
        if [ "$backend" = sqlite ]; then
            sqlite3 "$dir/changxiao.db" 'SELECT count(*) FROM activities'
        else
            psql -At "$pg_url" -c 'SELECT count(*) FROM activities'
        fi
    }
    before_count=$(count_activities)
    answered_201=0

    run_level() { # label connections seconds idempotency offset
        local label=$1 conns=$2 secs=$3 idem=$4 offset=$5 s0 p0 m0 s1 p1 m1 out
        s0=$(ticks_of_pid "$server_pid"); p0=$(ticks_of_command postgres); m0=$(ticks_busy)
        out="$work/$backend-$label.txt"
        local t0=$(date +%s.%N)
        CX_BENCH_OFFSET=$offset CX_BENCH_IDEMPOTENCY=$idem CX_BENCH_RUN="$backend-$label" \
            /usr/bin/time -f "WRK_CPU %U %S" wrk -t1 -c"$conns" -d"${secs}s" --timeout 10s -s "$here/record.lua" \
            "http://127.0.0.1:$port" >"$out" 2>&1
        local wall; wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
        s1=$(ticks_of_pid "$server_pid"); p1=$(ticks_of_command postgres); m1=$(ticks_busy)
        local result wrk_cpu server_cpu pg_cpu other_cpu
        result=$(grep '^RESULT' "$out" | sed 's/^RESULT //')
        wrk_cpu=$(awk -v w="$wall" '/^WRK_CPU/ { printf "%.2f", ($2 + $3) / w }' "$out")
        server_cpu=$(awk -v d=$((s1 - s0)) -v hz="$hz" -v w="$wall" 'BEGIN { printf "%.2f", d / hz / w }')
        pg_cpu=$(awk -v d=$((p1 - p0)) -v hz="$hz" -v w="$wall" 'BEGIN { printf "%.2f", d / hz / w }')
        # Everything else the machine did meanwhile (other people's builds share these cores).
        other_cpu=$(awk -v d=$((m1 - m0)) -v hz="$hz" -v w="$wall" -v a="$server_cpu" -v b="$pg_cpu" -v c="$wrk_cpu" \
            'BEGIN { o = d / hz / w - a - b - c; printf "%.2f", o < 0 ? 0 : o }')
        local line="$backend $label connections=$conns idempotency_key=$idem $result cores_server=$server_cpu cores_postgres=$pg_cpu cores_wrk=$wrk_cpu cores_other=$other_cpu"
        echo "$line"
        grep '^FIRST_ERROR' "$out" || true
        local n bad
        n=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$result")
        bad=$(sed -n 's/.*non201=\([0-9]*\).*/\1/p' <<<"$result")
        answered_201=$((answered_201 + ${n:-0} - ${bad:-0}))
        [ "$label" = warmup ] || echo "$line" >>"$summary"
    }

    run_level warmup 16 "$warmup" 0 0
    offset=100000
    for c in $levels; do
        run_level "c$c" "$c" "$seconds" 0 "$offset"
        offset=$((offset + 100000))
    done
    if [ -n "$idempotent_level" ]; then
        run_level "c$idempotent_level-key" "$idempotent_level" "$seconds" 1 "$offset"
    fi

    after_count=$(count_activities)
    # wrk stops with requests in flight, which the server may still store.
    echo "activities stored during the runs: $((after_count - before_count)); 201 answers counted by wrk: $answered_201"
    echo "server memory: $(awk '/VmHWM/ { printf "peak %.0f MiB", $2 / 1024 }' "/proc/$server_pid/status")"
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    "$bin" --data-dir "$dir" "${url_args[@]}" audit verify | sed 's/^/after the runs: /'
done

echo
echo "== summary (latencies in ms)"
cat "$summary"
if [ "${CX_BENCH_KEEP:-0}" = 1 ]; then
    echo "kept: $work"
fi
