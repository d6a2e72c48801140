#!/usr/bin/env python3
"""Runs builds of the evaluation bench interleaved and summarizes them.

    python3 bench/interleave.py --rounds 6 --runs 3 --out /tmp/ab \\
        old=/tmp/eval-old new=/tmp/eval-new

Each NAME=BINARY is a built `evaluation` bench: `cargo bench -p province-gen
--bench evaluation --no-run` prints its path (`-p rules` for commits before
the bench moved to the generator's crate); copy it somewhere stable first.
A round runs every binary once, in the order given, so that a machine whose
speed drifts (or that other work shares) affects all of them alike. The
CHANGXIAO_BENCH_* variables pass through (scale, seed); --runs sets
CHANGXIAO_BENCH_RUNS, the full evaluations per process.

Each run's output goes to OUT/run-ROUND-NAME.log, and the machine's load
average before and after each run to OUT/order.log. --summary-only reads
existing logs. The summary gives, for each binary, the median and range of
the wall and CPU time of every full evaluation, of each run's median (the
bench's own figure), and of the first evaluation of each run (on fresh
memory), with peak memory, cells, and the latencies of updates and roll-ups.
"""

import argparse
import glob
import os
import re
import statistics
import subprocess
import time

EVAL = re.compile(r"full evaluation run \d+: ([\d.]+) s \(([\d.]+) s of CPU\)")


def load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def run(out: str, rounds: int, runs: int, binaries: list[tuple[str, str]]) -> None:
    os.makedirs(out, exist_ok=True)
    env = dict(os.environ, CHANGXIAO_BENCH_RUNS=str(runs))
    with open(os.path.join(out, "order.log"), "a") as order:
        for i in range(1, rounds + 1):
            for name, binary in binaries:
                order.write(f"round {i} {name} start {time.strftime('%T')} load {load()}\n")
                order.flush()
                with open(os.path.join(out, f"run-{i}-{name}.log"), "w") as log:
                    subprocess.run([binary], stdout=log, stderr=subprocess.STDOUT, env=env, check=True)
                order.write(f"round {i} {name} end {time.strftime('%T')} load {load()}\n")
                order.flush()


def spread(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f} ({min(xs):.2f}-{max(xs):.2f})"


def summarize(out: str, names: list[str]) -> None:
    runs: dict[str, list[tuple[list[tuple[float, float]], dict[str, str]]]] = {}
    for path in sorted(glob.glob(os.path.join(out, "run-*.log"))):
        m = re.search(r"run-(\d+)-(.+)\.log$", path)
        text = open(path).read()
        result = re.search(r"RESULT (.*)", text)
        if not m or not result:
            continue
        evals = [(float(w), float(c)) for w, c in EVAL.findall(text)]
        fields = dict(kv.split("=", 1) for kv in result.group(1).split())
        runs.setdefault(m.group(2), []).append((evals, fields))
    print("| build | runs (evaluations) | wall, every evaluation | wall, run medians | CPU, every evaluation "
          "| first evaluation: wall, CPU | peak GiB | cells | update new / edited, p50 µs | roll-up city / county, p50 µs |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in names or sorted(runs):
        if name not in runs:
            continue
        rs = runs[name]
        walls = [w for evals, _ in rs for w, _ in evals]
        cpus = [c for evals, _ in rs for _, c in evals]
        col = lambda key: [float(f[key]) for _, f in rs]  # noqa: E731
        print(
            f"| {name} | {len(rs)} ({len(walls)}) | {spread(walls)} s | {spread(col('full_s'))} s | {spread(cpus)} s "
            f"| {spread([e[0][0] for e, _ in rs])} s, {spread([e[0][1] for e, _ in rs])} s | {spread(col('peak_gib'))} "
            f"| {int(statistics.median(col('cells')))} | {statistics.median(col('insert_p50_us')):.1f} / "
            f"{statistics.median(col('edit_p50_us')):.1f} | {statistics.median(col('city_p50_us')):.1f} / "
            f"{statistics.median(col('county_p50_us')):.1f} |"
        )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--out", required=True)
    p.add_argument("--summary-only", action="store_true")
    p.add_argument("binaries", nargs="*", metavar="NAME=BINARY")
    args = p.parse_args()
    binaries = [tuple(b.split("=", 1)) for b in args.binaries]
    if not args.summary_only:
        run(args.out, args.rounds, args.runs, binaries)
    summarize(args.out, [n for n, *_ in binaries])


if __name__ == "__main__":
    main()
