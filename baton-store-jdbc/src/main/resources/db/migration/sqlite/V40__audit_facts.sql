-- Analytics (issue 15): the countable facts of the audit trail (core AuditFacts), one row per (entry, kind), written in
-- the transaction that appends the entry, so statistics are grouped over narrow indexed rows instead of parsing
-- entries (and rolled up per quarter hour in audit_fact_slots). slot is at_millis / 900000 (quarter hours: days and hours are counted in the asker's time zone in Java);
-- ward is the record's ward when the entry was written. audit_facts_backfill.upto_seq: entries up to this sequence
-- number were written before this table existed and still need their facts (the store adds them, newest first).
CREATE TABLE audit_facts (
    seq             INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    at_millis       INTEGER NOT NULL,
    slot            INTEGER NOT NULL,
    cause           TEXT,
    resource_type   TEXT,
    record_key      TEXT,
    section         TEXT,
    ward            TEXT,
    user_id         TEXT,
    role            TEXT,
    duration_millis INTEGER,
    duration_bucket INTEGER,
    reason          TEXT,
    PRIMARY KEY (seq, kind)
);
CREATE INDEX audit_facts_kind_time ON audit_facts (kind, at_millis, slot, cause, duration_bucket, duration_millis, role);
CREATE INDEX audit_facts_record ON audit_facts (kind, at_millis, record_key, duration_millis);
CREATE INDEX audit_facts_ward ON audit_facts (ward, kind, at_millis);
CREATE INDEX audit_facts_role ON audit_facts (role, kind, at_millis);
CREATE INDEX audit_facts_user ON audit_facts (user_id, kind, at_millis);
CREATE INDEX audit_facts_type ON audit_facts (resource_type, kind, at_millis);
-- The roll-up the unfiltered dashboard reads, kept by the same transaction as the facts: every fact is counted twice
-- per quarter hour and kind, once by cause (projection 'C'; per role too for EDIT_STARTED, the heatmap) and once by
-- duration bucket (projection 'B'), so each chart scans only the rows of its own projection. '' and -1 mean "none".
CREATE TABLE audit_fact_slots (
    slot            INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    projection      TEXT    NOT NULL,
    cause           TEXT    NOT NULL,
    duration_bucket INTEGER NOT NULL,
    role            TEXT    NOT NULL,
    n               INTEGER NOT NULL,
    total_millis    INTEGER NOT NULL,
    longest_millis  INTEGER NOT NULL,
    PRIMARY KEY (kind, projection, slot, cause, duration_bucket, role)
);
CREATE TABLE audit_facts_backfill (
    id       INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    upto_seq INTEGER NOT NULL
);
INSERT INTO audit_facts_backfill (id, upto_seq) SELECT 1, last_seq FROM audit_head WHERE id = 1;
