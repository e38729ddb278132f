"""The naive alternative the store benchmark compares against: one SQLite row per IPG node and
per IPG edge. Loads the IPGs of the first N inputs of a trace stream (exported with
`deepprov export --format node-link`, so exactly the IPG's active nodes and edges) and times
the inserts and a per-node aggregate.

usage: naive_store.py DEEPPROV STREAM --count N --db FILE
prints one JSON line: {"traces", "insert_seconds", "bytes", "aggregate_seconds", "nodes", "edges"}
"""
import argparse
import json
import os
import sqlite3
import subprocess
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("deepprov")
    parser.add_argument("stream")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--db", required=True)
    args = parser.parse_args()
    graphs = []
    for index in range(args.count):
        text = subprocess.run([args.deepprov, "export", "--stream", args.stream, "--input", str(index), "--format", "node-link"],
                              check=True, capture_output=True, text=True).stdout
        graphs.append(json.loads(text))
    if os.path.exists(args.db):
        os.remove(args.db)
    connection = sqlite3.connect(args.db)
    connection.executescript("""
        PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
        CREATE TABLE traces (id INTEGER PRIMARY KEY, tag TEXT, input_index INTEGER, predicted_label INTEGER, true_label INTEGER);
        CREATE TABLE nodes (trace_id INTEGER, layer INTEGER, node INTEGER, value REAL, PRIMARY KEY (trace_id, layer, node)) WITHOUT ROWID;
        CREATE TABLE edges (trace_id INTEGER, source_layer INTEGER, source INTEGER, target_layer INTEGER, target INTEGER, weight REAL,
                            PRIMARY KEY (trace_id, source_layer, source, target_layer, target)) WITHOUT ROWID;
    """)
    node_count = edge_count = 0
    started = time.perf_counter()
    with connection:
        for trace_id, graph in enumerate(graphs):
            meta = graph["graph"]
            connection.execute("INSERT INTO traces VALUES (?, ?, ?, ?, ?)",
                               (trace_id, meta["tag"], meta["input_index"], meta["predicted_label"], meta.get("true_label")))
            nodes = [(trace_id, n["layer"], n["index"], n["value"] if not isinstance(n["value"], list) else sum(n["value"]) / len(n["value"]))
                     for n in graph["nodes"]]
            edges = []
            for link in graph["links"]:
                (sl, s), (tl, t) = (map(int, link["source"].split(":")), map(int, link["target"].split(":")))
                edges.append((trace_id, sl, s, tl, t, link["weight"]))
            connection.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?)", nodes)
            connection.executemany("INSERT INTO edges VALUES (?, ?, ?, ?, ?, ?)", edges)
            node_count += len(nodes)
            edge_count += len(edges)
    insert_seconds = time.perf_counter() - started
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    started = time.perf_counter()
    connection.execute("SELECT layer, node, AVG(value), COUNT(*) FROM nodes GROUP BY layer, node").fetchall()
    aggregate_seconds = time.perf_counter() - started
    connection.close()
    print(json.dumps({"traces": len(graphs), "insert_seconds": insert_seconds, "bytes": os.path.getsize(args.db),
                      "aggregate_seconds": aggregate_seconds, "nodes": node_count, "edges": edge_count}))


if __name__ == "__main__":
    main()
