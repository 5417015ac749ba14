-- Moderator settings of a session (methods, weights, blind rating) as JSON;
-- missing keys take their defaults, so old rows read as the default settings.
ALTER TABLE workshop_sessions ADD COLUMN settings_json TEXT NOT NULL DEFAULT '{}';
