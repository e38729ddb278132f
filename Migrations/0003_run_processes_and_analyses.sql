-- Runs name the process that writes them (process_id, host), so that a run whose process
-- ended without finishing it (killed) reads as interrupted, and the next writer records it
-- so ('interrupted'). SQLite cannot change a CHECK constraint in place: the table is rebuilt
-- (the migrator applies migrations with foreign keys off and checks them before committing).
CREATE TABLE runs_next (
    id INTEGER PRIMARY KEY,
    sources TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'interrupted')),
    traces_read INTEGER NOT NULL DEFAULT 0,
    traces_added INTEGER NOT NULL DEFAULT 0,
    traces_skipped INTEGER NOT NULL DEFAULT 0,
    message TEXT,
    process_id INTEGER,                        -- the writer's process, on `host`
    host TEXT
);
-- Runs still 'running' here were written by builds that recorded no process (and refuse a
-- store of this version): they read as interrupted.
INSERT INTO runs_next (id, sources, started_at, finished_at, status, traces_read, traces_added, traces_skipped, message)
    SELECT id, sources, started_at, finished_at, CASE status WHEN 'running' THEN 'interrupted' ELSE status END,
           traces_read, traces_added, traces_skipped, message
    FROM runs;
DROP TABLE runs;
ALTER TABLE runs_next RENAME TO runs;

-- Named results of analyses (characterizations, repairs, forensic reports): what was asked
-- (parameters, JSON) and what came out (result, in the analysis kind's own encoding).
CREATE TABLE analyses (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    model_id INTEGER REFERENCES models(id),
    created_at TEXT NOT NULL,
    parameters TEXT NOT NULL,
    result BLOB NOT NULL,
    UNIQUE (kind, name)
);
