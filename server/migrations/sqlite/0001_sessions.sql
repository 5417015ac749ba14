-- Workshop sessions, their groups and participants.
CREATE TABLE workshop_sessions (
    id                   TEXT PRIMARY KEY,          -- UUID v7
    join_code            TEXT NOT NULL UNIQUE,
    moderator_token_hash BLOB NOT NULL UNIQUE,      -- SHA-256 of the secret
    title                TEXT NOT NULL,
    date                 TEXT NOT NULL,             -- YYYY-MM-DD
    place                TEXT NOT NULL,
    state                TEXT NOT NULL DEFAULT 'open',
    created_at           INTEGER NOT NULL           -- unix seconds
);

CREATE TABLE groups (
    id         TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES workshop_sessions(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    colour     TEXT NOT NULL,
    position   INTEGER NOT NULL,
    UNIQUE (session_id, name)
);

CREATE TABLE participants (
    id           TEXT PRIMARY KEY,
    session_id   TEXT NOT NULL REFERENCES workshop_sessions(id) ON DELETE CASCADE,
    group_id     TEXT NOT NULL REFERENCES groups(id),
    token_hash   BLOB NOT NULL UNIQUE,              -- SHA-256 of the participant token
    display_name TEXT NOT NULL,
    kommune      TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);

CREATE INDEX participants_session ON participants(session_id);
CREATE INDEX groups_session ON groups(session_id);
