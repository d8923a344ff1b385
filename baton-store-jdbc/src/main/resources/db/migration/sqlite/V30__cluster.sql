-- Scale-out (issue 11): deadlines stored with the state so any instance can sweep them; client sessions and the
-- resources they joined, so a session resumes after a restart or on another instance; the instance registry;
-- secrets every instance shares (demo token secret, draft-key master).
ALTER TABLE lock_state ADD COLUMN next_deadline INTEGER;
-- Rows written before this column existed are swept once, which computes their deadline.
UPDATE lock_state SET next_deadline = 0 WHERE idle = 0;
CREATE INDEX lock_state_due ON lock_state (next_deadline);

CREATE TABLE client_sessions (
    session_id      TEXT    NOT NULL PRIMARY KEY,
    user_id         TEXT    NOT NULL,
    instance_id     TEXT,
    disconnected_at INTEGER,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX client_sessions_instance ON client_sessions (instance_id);
CREATE INDEX client_sessions_disconnected ON client_sessions (disconnected_at);

CREATE TABLE client_session_resources (
    session_id  TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    PRIMARY KEY (session_id, resource_id)
);

CREATE TABLE instances (
    instance_id  TEXT    NOT NULL PRIMARY KEY,
    name         TEXT    NOT NULL,
    started_at   INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL,
    dead_at      INTEGER
);

CREATE TABLE shared_secrets (
    name  TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
