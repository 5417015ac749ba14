-- One row the store rewrites to find out whether writes commit again after a
-- storage failure (disk full, read-only): a probe that changes a real page.
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    probed_at INTEGER NOT NULL
);
