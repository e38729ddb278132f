"""Split scans: each query run with `deepprov query --workers 1` (one statement) and `--workers 2`
(two statements over halves of the trace ids, merged), interleaved in one run, checking that both
print the same rows (reals within 1e-12 relative, as the README states). Used by scripts/bench-query.

usage: scan_workers.py DEEPPROV STORE [--runs N]
Each query runs once per worker count to warm up (page cache), then N times (default 3)
alternating 1 and 2 workers; the median of deepprov's own --timer run time is reported, with
the traces the store holds per second and the ratio of the 1-worker to the 2-worker time, and
the median CPU seconds (user + system) of the whole process: on a machine whose cores are busy
with other work, the wall ratio says little, and the CPU seconds show what splitting costs.
"""
import argparse
import math
import re
import resource
import statistics
import subprocess
import sys

QUERIES = [
    ("filtered per-node scan, layer 1 (350 nodes)",
     "from traces where not correct or confidence < 0.9 | nodes of layer 1 | summarize count, mean, stddev, freq by node"),
    ("per-node scan by predicted class, layer 2",
     "from traces where confidence < 0.99 | nodes of layer 2 | summarize count, mean, freq, min, max by predicted, node"),
    ("layer summary of layer 1, by tag",
     "from traces where not correct | nodes of layer 1 | summarize mean, stddev, freq by tag, layer"),
    ("paired with parents, layer 1",
     "from traces where tag = 'fgsm-test' | nodes of layer 1 | summarize mean, effect, distance by node | versus parent"),
    ("edge summary into layer 2 (17,500 edges)",
     "from traces where not correct | edges into layer 2 | summarize mean, freq by edge"),
    ("listing sorted by trace id",
     "from traces where confidence < 0.5 | select trace, input, label, predicted, confidence | sort trace"),
]


def run(deepprov, store, text, workers):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.run([deepprov, "query", "--db", store, "--format", "csv", "--timer", "--workers", str(workers), text],
                             capture_output=True, text=True)
    if process.returncode != 0:
        sys.exit(f"deepprov query --workers {workers} failed: {process.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    seconds = float(re.search(r"run ([0-9.]+) s", process.stderr).group(1))
    return seconds, cpu, process.stdout


def same_rows(a, b):
    rows_a, rows_b = a.splitlines(), b.splitlines()
    if len(rows_a) != len(rows_b):
        return False
    for row_a, row_b in zip(rows_a, rows_b):
        cells_a, cells_b = row_a.split(","), row_b.split(",")
        if len(cells_a) != len(cells_b):
            return False
        for x, y in zip(cells_a, cells_b):
            if x == y:
                continue
            try:
                fx, fy = float(x), float(y)
            except ValueError:
                return False
            if not math.isclose(fx, fy, rel_tol=1e-12, abs_tol=1e-12):
                return False
    return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("deepprov")
    parser.add_argument("store")
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    traces = int(subprocess.run([arguments.deepprov, "sql", "--db", arguments.store, "SELECT count(*) FROM traces"],
                                capture_output=True, text=True, check=True).stdout.split()[-1])
    print(f"{'query (' + str(traces) + ' traces)':52} {'1 worker s':>11} {'2 workers s':>12} {'ratio':>7} {'traces/s (2)':>13}"
          f" {'cpu s (1)':>10} {'cpu s (2)':>10}  rows")
    for name, text in QUERIES:
        times, cpus = {1: [], 2: []}, {1: [], 2: []}
        outputs = {}
        for workers in (1, 2):
            _, _, outputs[workers] = run(arguments.deepprov, arguments.store, text, workers)
        for _ in range(arguments.runs):
            for workers in (1, 2):
                seconds, cpu, _ = run(arguments.deepprov, arguments.store, text, workers)
                times[workers].append(seconds)
                cpus[workers].append(cpu)
        one, two = statistics.median(times[1]), statistics.median(times[2])
        agree = "same" if same_rows(outputs[1], outputs[2]) else "DIFFER"
        print(f"{name:52} {one:11.3f} {two:12.3f} {one / two:6.2f}× {traces / two:13.0f}"
              f" {statistics.median(cpus[1]):10.2f} {statistics.median(cpus[2]):10.2f}  {agree} ({len(outputs[1].splitlines()) - 1})",
              flush=True)
        print(f"  runs: 1 worker {times[1]}, 2 workers {times[2]}", file=sys.stderr)


if __name__ == "__main__":
    main()
