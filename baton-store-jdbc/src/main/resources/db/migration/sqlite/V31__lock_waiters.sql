-- Who waits where (in a resource's queue, or offered its lock), derived from lock_state by the store on every write,
-- so that the per-user queue limit is counted without decoding states. Rows of states written before this table
-- existed are added the next time those states change.
CREATE TABLE lock_waiter (
    resource_id TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    PRIMARY KEY (resource_id, user_id)
);
CREATE INDEX lock_waiter_user ON lock_waiter (user_id);
