-- "Stand sichern" (antrag.md §5): a saved stand is a label, a day and a
-- sequence number of the op log (the boards at it are the log replayed up
-- to it), not a copy of the boards.
CREATE TABLE stands (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES workshop_sessions(id) ON DELETE CASCADE,
    label      TEXT NOT NULL,
    day        TEXT NOT NULL,             -- YYYY-MM-DD
    seq        INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX stands_session ON stands(session_id, id);

-- An imported board's state as imported: the base the op log replays onto
-- (NULL: the board started empty). Kept with its board's row, so deleting
-- the group or session deletes it and anonymising a participant rewrites it.
ALTER TABLE boards ADD COLUMN origin_json TEXT;
