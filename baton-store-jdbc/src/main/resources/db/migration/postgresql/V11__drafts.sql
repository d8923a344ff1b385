-- Autosaved drafts (SPEC 10): one per (user, resource), replaced by each autosave, kept through a takeover.
CREATE TABLE drafts (
    user_id      TEXT   NOT NULL,
    resource_id  TEXT   NOT NULL,
    data         TEXT   NOT NULL,
    base_version BIGINT,
    saved_at     TEXT   NOT NULL,
    saved_millis BIGINT NOT NULL,
    session_id   TEXT,
    PRIMARY KEY (user_id, resource_id)
);
CREATE INDEX drafts_age ON drafts (saved_millis);
