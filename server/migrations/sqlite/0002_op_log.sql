-- Live collaboration: every committed op in order, plus each board's current
-- state so loading a board does not replay the whole log.
ALTER TABLE workshop_sessions ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;

CREATE TABLE op_log (
    session_id TEXT NOT NULL REFERENCES workshop_sessions(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    op_id      TEXT NOT NULL,
    board_id   TEXT NOT NULL,
    group_id   TEXT NOT NULL,             -- for catching up one group's boards
    author_id  TEXT NOT NULL,
    op_json    TEXT NOT NULL,             -- protocol::SequencedOp
    created_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, seq),
    UNIQUE (session_id, op_id)
);

CREATE TABLE boards (
    session_id TEXT NOT NULL REFERENCES workshop_sessions(id) ON DELETE CASCADE,
    board_id   TEXT NOT NULL,
    state_json TEXT NOT NULL,             -- domain::board::BoardState
    last_seq   INTEGER NOT NULL,
    PRIMARY KEY (session_id, board_id)
);

CREATE INDEX op_log_group ON op_log(session_id, group_id, seq);
