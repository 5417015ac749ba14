-- One row the store rewrites to find out whether writes commit again after a
-- storage failure (disk full, read-only). The probe writes `padding` (64 KiB)
-- so that a disk with only a sliver of space left does not pass as healthy.
CREATE TABLE health_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    probed_at INTEGER NOT NULL,
    padding BLOB
);
