-- Presence across instances (several instances on one PostgreSQL): who is
-- connected to which instance. Rows of an instance whose heartbeat stopped
-- (it died without cleaning up) are ignored by readers and deleted by the
-- next instance that sweeps, so nobody stays online as a ghost.

-- Every running instance; heartbeat_at is rewritten every few seconds.
CREATE TABLE live_instances (
    id           TEXT PRIMARY KEY,                  -- UUID v7 of the process
    heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A participant with at least one live socket on an instance. Name and
-- Kommune are read from participants (not stored twice); the group is the
-- one the socket was opened for.
CREATE TABLE live_presence (
    session_id     TEXT NOT NULL REFERENCES workshop_sessions(id) ON DELETE CASCADE,
    instance_id    TEXT NOT NULL REFERENCES live_instances(id) ON DELETE CASCADE,
    participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    group_id       TEXT NOT NULL,
    PRIMARY KEY (session_id, instance_id, participant_id)
);

CREATE INDEX live_presence_instance ON live_presence(instance_id);
CREATE INDEX live_presence_participant ON live_presence(participant_id);
