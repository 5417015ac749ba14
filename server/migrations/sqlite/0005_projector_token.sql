-- The projector's own read-only token (SHA-256), separate from the moderator
-- secret so the room PC never holds the secret. NULL: none issued yet.
ALTER TABLE workshop_sessions ADD COLUMN projector_token_hash BLOB;
CREATE UNIQUE INDEX workshop_sessions_projector ON workshop_sessions(projector_token_hash);
