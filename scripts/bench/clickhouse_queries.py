"""Saved-query latency on ClickHouse beside SQLite over the same traces. Used by scripts/bench-clickhouse.

usage: clickhouse_queries.py DEEPPROV SQLITE_STORE CLICKHOUSE_URL [--runs N] [--clean-tag TAG]
Every saved query (Queries/*.dpq, parameters chosen for the benchmark mix) runs once to warm up,
then N times (default 3) on each store (--clean-tag: the tag standing for `clean`, for a mix without it); the median wall time of the whole `deepprov query --saved`
process is printed, with DeepProv's own run time (--timer) and whether both stores gave the same
rows (numbers to a relative 1e-6; trace ids may differ between backends and are not compared).
A query the ClickHouse lowering refuses is reported as "refused: E063". Progress goes to stderr.
"""
import argparse
import math
import os
import statistics
import subprocess
import sys
import time

# Parameters naming the mix's tags (clean, clean-test, fgsm-test, fgsm-train, clean-copyN).
PARAMETERS = {
    "class-confusion": {"tag": "fgsm-test"},
    "class-diff": {"tag": "clean", "a": 3, "b": 8, "layer": 2, "k": 10},
    "class-envelope": {"tag": "clean", "label": 0, "layer": 1},
    "diff-nodes": {"a": "clean", "b": "fgsm-test", "layer": 1, "k": 10},
    "diverging-edges": {"a": "fgsm-test", "b": "clean-test", "layer": 1, "k": 10},
    "feature-lineage": {"tag": "clean", "input": 0, "feature": 0, "depth": 2, "k": 3},
    "layer-activity": {"tag": "clean"},
    "misclassified": {"tag": "fgsm-test"},
    "node-stats": {"tag": "clean", "layer": 1},
    "paired-nodes": {"adv": "fgsm-test", "layer": 1, "k": 10},
    "repair-candidates": {"adv": "fgsm-test", "clean": "clean", "layer": 1, "k": 10},
    "top-edges": {"tag": "clean", "input": 0, "layer": 1, "k": 10},
    "trace-lineage": {"tag": "clean", "input": 0, "depth": 2, "k": 3},
}
TRACE_ID_COLUMNS = {"trace", "trace_id", "id"}


def cell(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9) or (math.isnan(a) and math.isnan(b))
    return a == b


def run(deepprov: str, store: str, name: str, params: dict):
    """(seconds, run seconds by --timer, header, rows) or (None, diagnostic code, stderr line, None)."""
    command = [deepprov, "query", "--db", store, "--saved", name, "--format", "csv", "--timer"]
    for key, value in params.items():
        command += ["--param", f"{key}={value}"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()[0] if done.stderr.strip() else f"exit status {done.returncode}"
        code = next((word.strip("[]:") for word in message.replace("error[", " ").split() if word.startswith("E0")), "error")
        return None, code, message, None
    timer = done.stderr.strip().splitlines()[-1]  # timer: compile X ms, run Y s, N rows
    run_s = float(timer.split("run ")[1].split(" s")[0])
    lines = done.stdout.strip().splitlines()
    header = lines[0].split(",") if lines else []
    return elapsed, run_s, header, [[cell(c) for c in line.split(",")] for line in lines[1:]]


def comparable(header, rows):
    kept = [i for i, name in enumerate(header) if name not in TRACE_ID_COLUMNS]
    return [[row[i] for i in kept] for row in rows]


def main() -> None:
    arguments = argparse.ArgumentParser()
    arguments.add_argument("deepprov")
    arguments.add_argument("sqlite")
    arguments.add_argument("clickhouse")
    arguments.add_argument("--runs", type=int, default=3)
    arguments.add_argument("--queries", default="Queries")
    arguments.add_argument("--clean-tag", default="clean")
    options = arguments.parse_args()
    names = sorted(f[:-4] for f in os.listdir(options.queries) if f.endswith(".dpq"))
    print(f"{'saved query':<18} {'sqlite (s)':>10} {'of it, run':>10} {'clickhouse (s)':>14} {'of it, run':>10} {'rows':>6}  same rows")
    lowered = 0
    for name in names:
        params = {key: options.clean_tag if value == "clean" else value for key, value in PARAMETERS.get(name, {}).items()}
        print(f"  {time.strftime('%H:%M:%S')} {name}: {options.runs + 1} runs on each store", file=sys.stderr, flush=True)
        results = {}
        for store in (options.sqlite, options.clickhouse):
            first = run(options.deepprov, store, name, params)  # warm-up, or the refusal
            results[store] = [first] if first[0] is None else [run(options.deepprov, store, name, params) for _ in range(options.runs)]
        sqlite, clickhouse = results[options.sqlite], results[options.clickhouse]
        if sqlite[0][0] is None:
            print(f"{name:<18} failed on SQLite: {sqlite[0][2]}")
            continue
        sqlite_s = statistics.median(r[0] for r in sqlite)
        sqlite_run = statistics.median(r[1] for r in sqlite)
        rows = len(sqlite[-1][3])
        if clickhouse[0][0] is None:
            verdict = f"refused: {clickhouse[0][1]}" if clickhouse[0][1] == "E063" else f"failed: {clickhouse[0][2]}"
            print(f"{name:<18} {sqlite_s:>10.3f} {sqlite_run:>10.3f} {verdict:>25} {rows:>6}")
            continue
        lowered += 1
        ours, theirs = comparable(sqlite[-1][2], sqlite[-1][3]), comparable(clickhouse[-1][2], clickhouse[-1][3])
        agree = len(ours) == len(theirs) and all(len(a) == len(b) and all(map(same, a, b)) for a, b in zip(ours, theirs))
        print(f"{name:<18} {sqlite_s:>10.3f} {sqlite_run:>10.3f} {statistics.median(r[0] for r in clickhouse):>14.3f} "
              f"{statistics.median(r[1] for r in clickhouse):>10.3f} {rows:>6}  {'yes' if agree else 'NO'}")
        sys.stdout.flush()
    print(f"({lowered} of {len(names)} saved queries lower to ClickHouse; seconds: whole `deepprov query` process, median of {options.runs})")


if __name__ == "__main__":
    main()
