-- The append-only audit trail, chained by hash in Java (AuditChain); audit_head is locked (FOR UPDATE) by every
-- append, last in each transaction, which serialises the chain across instances.
CREATE TABLE audit_entries (
    seq            BIGINT NOT NULL PRIMARY KEY,
    at             TEXT   NOT NULL,
    at_millis      BIGINT NOT NULL,
    actor_user_id  TEXT,
    actor_name     TEXT,
    actor_role     TEXT,
    action         TEXT   NOT NULL,
    resource_id    TEXT,
    severity       TEXT   NOT NULL,
    reason         TEXT,
    details        TEXT   NOT NULL,
    prev_hash      TEXT   NOT NULL,
    hash           TEXT   NOT NULL
);
CREATE INDEX audit_entries_resource ON audit_entries (resource_id);
CREATE INDEX audit_entries_actor ON audit_entries (actor_user_id);
CREATE INDEX audit_entries_action ON audit_entries (action);
CREATE INDEX audit_entries_at ON audit_entries (at_millis);
CREATE TABLE audit_head (
    id        INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    last_seq  BIGINT  NOT NULL,
    last_hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
