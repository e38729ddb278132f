"""Saved-query latency: DeepProv on its SQLite store against DuckDB on the same traces in Parquet,
in one run, checking that both give the same rows. Used by scripts/bench-query.

usage: query_latency.py DEEPPROV STORE PARQUET_DIR [--runs N]
Each question runs once to warm up, then N times (default 3); the median is reported. DeepProv
is timed as the whole `deepprov query --saved …` process (opening the store included) and by its
own --timer (compile and run); DuckDB as the query in an open connection over the Parquet files.
"""
import argparse
import math
import statistics
import subprocess
import sys
import time

import duckdb

# (saved query, parameters, DuckDB SQL answering the same question). {th<L>} is layer L's
# activity threshold; an inactive node counts as its value, and an effect size with no
# variance is NULL (sorted last), as in DeepProv.
NODE_VALUES = "SELECT trace_id, tag, unnest(l{layer}) AS value, unnest(range(len(l{layer}))) AS node FROM traces WHERE tag IN ({tags})"
CASES = [
    ("node-stats", {"tag": "clean", "layer": 1}, f"""
        WITH v AS ({NODE_VALUES.format(layer=1, tags="'clean'")})
        SELECT 1 AS layer, node, count(*) AS count, avg(value) AS mean, stddev_pop(value) AS stddev,
               avg((abs(value) > {{th1}})::DOUBLE) AS freq
        FROM v GROUP BY node ORDER BY node"""),
    ("diff-nodes", {"a": "clean", "b": "fgsm-test", "layer": 1, "k": 10}, f"""
        WITH v AS ({NODE_VALUES.format(layer=1, tags="'clean', 'fgsm-test'")}),
        m AS (SELECT node, avg(value) FILTER (WHERE tag = 'clean') AS mean_a, avg(value) FILTER (WHERE tag = 'fgsm-test') AS mean_b
              FROM v GROUP BY node)
        SELECT node, mean_a, mean_b, mean_a - mean_b AS diff FROM m ORDER BY abs(diff) DESC, node LIMIT 10"""),
    ("misclassified", {"tag": "fgsm-test"}, """
        SELECT input, label, predicted, confidence FROM traces WHERE tag = 'fgsm-test' AND predicted <> label ORDER BY input"""),
    ("top-edges", {"tag": "clean", "input": 0, "layer": 1, "k": 10}, """
        WITH t AS (SELECT trace_id, l0, l1 FROM traces WHERE tag = 'clean' AND input = 0),
        s AS (SELECT trace_id, unnest(l0) AS a, unnest(range(len(l0))) AS node FROM t),
        d AS (SELECT trace_id, unnest(l1) AS a, unnest(range(len(l1))) AS node FROM t)
        SELECT w.source, w.target, w.weight * s.a AS weight
        FROM weights w JOIN s ON s.node = w.source JOIN d ON d.node = w.target AND d.trace_id = s.trace_id
        WHERE w.layer = 1 AND abs(s.a) > {th0} AND abs(d.a) > {th1}
        ORDER BY weight DESC, target, source LIMIT 10"""),
    ("repair-candidates", {"adv": "fgsm-test", "clean": "clean", "layer": 1, "k": 10}, f"""
        WITH v AS ({NODE_VALUES.format(layer=1, tags="'clean', 'fgsm-test'")}),
        s AS (SELECT node,
                avg((abs(value) > {{th1}})::DOUBLE) FILTER (WHERE tag = 'fgsm-test') AS freq_a,
                avg((abs(value) > {{th1}})::DOUBLE) FILTER (WHERE tag = 'clean') AS freq_b,
                avg(value) FILTER (WHERE tag = 'fgsm-test') AS mean_a, avg(value) FILTER (WHERE tag = 'clean') AS mean_b,
                stddev_pop(value) FILTER (WHERE tag = 'fgsm-test') AS stddev_a, stddev_pop(value) FILTER (WHERE tag = 'clean') AS stddev_b,
                count(*) FILTER (WHERE tag = 'fgsm-test') AS n_a, count(*) FILTER (WHERE tag = 'clean') AS n_b
              FROM v GROUP BY node)
        SELECT node, freq_a, freq_b, freq_a - freq_b AS freq_diff, mean_a, mean_b, mean_a - mean_b AS mean_diff,
               stddev_a, stddev_b, stddev_a - stddev_b AS stddev_diff,
               (mean_a - mean_b) / NULLIF(sqrt((n_a * stddev_a * stddev_a + n_b * stddev_b * stddev_b) / (n_a + n_b - 2)), 0) AS effect
        FROM s ORDER BY abs(freq_diff) DESC, abs(effect) DESC NULLS LAST, node LIMIT 10"""),
    ("trace-lineage", {"tag": "clean", "input": 0, "depth": 2, "k": 3}, """
        WITH t AS (SELECT trace_id, input, predicted, l1, l2 FROM traces WHERE tag = 'clean' AND input = 0),
        a2 AS (SELECT trace_id, unnest(l2) AS a, unnest(range(len(l2))) AS node FROM t),
        a1 AS (SELECT trace_id, unnest(l1) AS a, unnest(range(len(l1))) AS node FROM t),
        step1 AS (SELECT t.trace_id, t.input, t.predicted AS target, w.source, w.weight * a2.a AS contribution,
                         rank() OVER (PARTITION BY t.trace_id ORDER BY w.weight * a2.a DESC) AS r
                  FROM t JOIN weights w ON w.layer = 3 AND w.target = t.predicted
                  JOIN a2 ON a2.trace_id = t.trace_id AND a2.node = w.source WHERE abs(a2.a) > {th2}),
        kept AS (SELECT * FROM step1 WHERE r <= 3),
        inflow AS (SELECT a1.trace_id, w.target AS node, sum(w.weight * a1.a) AS total
                   FROM a1 JOIN weights w ON w.layer = 2 AND w.source = a1.node WHERE abs(a1.a) > {th1} GROUP BY ALL),
        step2 AS (SELECT k.input, k.target AS output, k.source AS target, w.source, w.weight * a1.a AS contribution,
                         k.contribution * w.weight * a1.a / i.total AS flow,
                         rank() OVER (PARTITION BY k.trace_id, k.source ORDER BY w.weight * a1.a DESC) AS r
                  FROM kept k JOIN weights w ON w.layer = 2 AND w.target = k.source
                  JOIN a1 ON a1.trace_id = k.trace_id AND a1.node = w.source
                  JOIN inflow i ON i.trace_id = k.trace_id AND i.node = k.source WHERE abs(a1.a) > {th1})
        SELECT input, 1 AS step, '3:' || target AS target, '2:' || source AS source, contribution,
               '3:' || target || ' <- 2:' || source AS path, contribution AS flow FROM kept
        UNION ALL SELECT input, 2, '2:' || target, '1:' || source, contribution,
               '3:' || output || ' <- 2:' || target || ' <- 1:' || source, flow FROM step2 WHERE r <= 3
        ORDER BY step, flow DESC, input, contribution DESC, target, source"""),
    ("class-diff", {"tag": "clean", "a": 3, "b": 8, "layer": 2, "k": 10}, """
        WITH v AS (SELECT label, unnest(l2) AS value, unnest(range(len(l2))) AS node FROM traces
                   WHERE tag = 'clean' AND predicted = label AND label IN (3, 8)),
        s AS (SELECT node,
                avg(value) FILTER (WHERE label = 3) AS mean_a, avg(value) FILTER (WHERE label = 8) AS mean_b,
                avg((abs(value) > {th2})::DOUBLE) FILTER (WHERE label = 3) AS freq_a,
                avg((abs(value) > {th2})::DOUBLE) FILTER (WHERE label = 8) AS freq_b,
                var_pop(value) FILTER (WHERE label = 3) AS var_a, var_pop(value) FILTER (WHERE label = 8) AS var_b,
                count(*) FILTER (WHERE label = 3) AS n_a, count(*) FILTER (WHERE label = 8) AS n_b
              FROM v GROUP BY node)
        SELECT node, mean_a, mean_b, mean_a - mean_b AS mean_diff, freq_a, freq_b, freq_a - freq_b AS freq_diff,
               (mean_a - mean_b) / NULLIF(sqrt((n_a * var_a + n_b * var_b) / (n_a + n_b - 2)), 0) AS effect
        FROM s ORDER BY abs(effect) DESC NULLS LAST, node LIMIT 10"""),
    ("layer-activity", {"tag": "clean"}, """
        WITH v AS (SELECT 0 AS layer, trace_id, unnest(l0) AS value FROM traces WHERE tag = 'clean'
                   UNION ALL SELECT 1, trace_id, unnest(l1) FROM traces WHERE tag = 'clean'
                   UNION ALL SELECT 2, trace_id, unnest(l2) FROM traces WHERE tag = 'clean'
                   UNION ALL SELECT 3, trace_id, unnest(l3) FROM traces WHERE tag = 'clean')
        SELECT v.layer, count(DISTINCT trace_id) AS count, avg(value) AS mean, stddev_pop(value) AS stddev,
               avg((abs(value) > l.threshold)::DOUBLE) AS freq, min(value) AS min, max(value) AS max
        FROM v JOIN layers l ON l.layer = v.layer GROUP BY v.layer ORDER BY v.layer"""),
]


def parse_cell(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, (int, float)):
        return math.isclose(a, float(b), rel_tol=1e-6, abs_tol=1e-9)
    return str(a) == str(b) or (isinstance(b, float) and parse_cell(str(a)) == b)


def run_deepprov(deepprov: str, store: str, name: str, params: dict):
    command = [deepprov, "query", "--db", store, "--saved", name, "--format", "csv", "--timer"]
    for key, value in params.items():
        command += ["--param", f"{key}={value}"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - started
    timer = done.stderr.strip().splitlines()[-1]  # timer: compile X ms, run Y s, N rows
    compile_ms = float(timer.split("compile ")[1].split(" ms")[0])
    run_s = float(timer.split("run ")[1].split(" s")[0])
    rows = [[parse_cell(cell) for cell in line.split(",")] for line in done.stdout.strip().splitlines()[1:]]
    return elapsed, compile_ms, run_s, rows


def main() -> None:
    arguments = argparse.ArgumentParser()
    arguments.add_argument("deepprov")
    arguments.add_argument("store")
    arguments.add_argument("parquet")
    arguments.add_argument("--runs", type=int, default=3)
    options = arguments.parse_args()
    connection = duckdb.connect()
    for table in ("traces", "weights", "layers"):
        connection.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{options.parquet}/{table}.parquet')")
    thresholds = {f"th{layer}": threshold for layer, threshold in connection.execute("SELECT layer, threshold FROM layers").fetchall()}

    header = f"{'saved query':<18} {'deepprov (s)':>12} {'of it, run':>10} {'duckdb (s)':>10} {'ratio':>6} {'compile (ms)':>12} {'rows':>6}  agree"
    print(header)
    disagreements = 0
    for name, params, sql in CASES:
        sql = sql.format(**thresholds)
        run_deepprov(options.deepprov, options.store, name, params)  # warm-up
        measured = [run_deepprov(options.deepprov, options.store, name, params) for _ in range(options.runs)]
        ours = measured[-1][3]
        connection.execute(sql).fetchall()  # warm-up
        durations = []
        for _ in range(options.runs):
            started = time.perf_counter()
            theirs = connection.execute(sql).fetchall()
            durations.append(time.perf_counter() - started)
        agree = len(ours) == len(theirs) and all(len(a) == len(b) and all(same(x, y) for x, y in zip(a, b)) for a, b in zip(ours, theirs))
        if not agree:
            disagreements += 1
            for a, b in zip(ours, theirs):
                if not (len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))):
                    print(f"  {name}: first differing row: deepprov {a} vs duckdb {list(b)}", file=sys.stderr)
                    break
            else:
                print(f"  {name}: deepprov {len(ours)} rows, duckdb {len(theirs)} rows", file=sys.stderr)
        ours_s = statistics.median(m[0] for m in measured)
        theirs_s = statistics.median(durations)
        print(f"{name:<18} {ours_s:>12.3f} {statistics.median(m[2] for m in measured):>10.3f} {theirs_s:>10.3f} "
              f"{ours_s / theirs_s:>6.2f} {min(m[1] for m in measured):>12.3f} {len(ours):>6}  {'yes' if agree else 'NO'}")
    print("\nratio = deepprov process time / duckdb query time (below 1: DeepProv faster). Goal: compile < 1 ms per query.")
    sys.exit(1 if disagreements else 0)


if __name__ == "__main__":
    main()
