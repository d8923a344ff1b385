-- Versioned records (SPEC 11): the current version of each record, and every saved version in history.
CREATE TABLE records (
    type           TEXT   NOT NULL,
    id             TEXT   NOT NULL,
    version        BIGINT NOT NULL,
    fields         TEXT   NOT NULL,
    updated_at     TEXT   NOT NULL,
    updated_by     TEXT   NOT NULL,
    fencing_token  BIGINT,
    lock_resource  TEXT,
    updated_millis BIGINT NOT NULL,
    PRIMARY KEY (type, id)
);
CREATE INDEX records_recent ON records (type, updated_millis);

CREATE TABLE record_history (
    type          TEXT   NOT NULL,
    id            TEXT   NOT NULL,
    version       BIGINT NOT NULL,
    fields        TEXT   NOT NULL,
    saved_at      TEXT   NOT NULL,
    saved_by      TEXT   NOT NULL,
    fencing_token BIGINT,
    lock_resource TEXT,
    PRIMARY KEY (type, id, version)
);
