-- The PostgreSQL schema: the same tables as the SQLite migrations 0001–0005
-- end with (see migrations/sqlite), in PostgreSQL's types. Later changes
-- get migrations of their own here and in migrations/sqlite.

-- Workshop sessions, their groups and participants.
CREATE TABLE workshop_sessions (
    id                   TEXT PRIMARY KEY,          -- UUID v7
    join_code            TEXT NOT NULL UNIQUE,
    moderator_token_hash BYTEA NOT NULL UNIQUE,     -- SHA-256 of the secret
    title                TEXT NOT NULL,
    date                 TEXT NOT NULL,             -- YYYY-MM-DD
    place                TEXT NOT NULL,
    state                TEXT NOT NULL DEFAULT 'open',
    created_at           BIGINT NOT NULL,           -- unix seconds
    -- The sequence number of the session's last committed op; an op commits
    -- only as last_seq + 1 (checked under this row's lock).
    last_seq             BIGINT NOT NULL DEFAULT 0,
    -- Moderator settings (methods, weights, blind rating) as JSON.
    settings_json        TEXT NOT NULL DEFAULT '{}',
    -- The projector's read-only token (SHA-256); NULL: none issued yet.
    projector_token_hash BYTEA UNIQUE
);

CREATE TABLE groups (
    id         TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES workshop_sessions(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    colour     TEXT NOT NULL,
    position   BIGINT NOT NULL,
    UNIQUE (session_id, name)
);

CREATE TABLE participants (
    id           TEXT PRIMARY KEY,
    session_id   TEXT NOT NULL REFERENCES workshop_sessions(id) ON DELETE CASCADE,
    group_id     TEXT NOT NULL REFERENCES groups(id),
    token_hash   BYTEA NOT NULL UNIQUE,             -- SHA-256 of the participant token
    display_name TEXT NOT NULL,
    kommune      TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);

CREATE INDEX participants_session ON participants(session_id);
CREATE INDEX participants_group ON participants(group_id);
CREATE INDEX groups_session ON groups(session_id);

-- Live collaboration: every committed op in order, plus each board's
-- snapshot so loading a board does not replay the whole log.
CREATE TABLE op_log (
    session_id TEXT NOT NULL REFERENCES workshop_sessions(id) ON DELETE CASCADE,
    seq        BIGINT NOT NULL,
    op_id      TEXT NOT NULL,
    board_id   TEXT NOT NULL,
    group_id   TEXT NOT NULL,             -- for catching up one group's boards
    author_id  TEXT NOT NULL,
    op_json    TEXT NOT NULL,             -- protocol::SequencedOp
    created_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, seq),
    UNIQUE (session_id, op_id)
);

CREATE INDEX op_log_group ON op_log(session_id, group_id, seq);
CREATE INDEX op_log_author ON op_log(session_id, author_id);

CREATE TABLE boards (
    session_id TEXT NOT NULL REFERENCES workshop_sessions(id) ON DELETE CASCADE,
    board_id   TEXT NOT NULL,
    state_json TEXT NOT NULL,             -- domain::board::BoardState
    last_seq   BIGINT NOT NULL,
    PRIMARY KEY (session_id, board_id)
);

-- One row the store rewrites to find out whether writes commit again after
-- a storage failure (the database unreachable, the connection lost).
CREATE TABLE health_probe (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    probed_at BIGINT NOT NULL
);
