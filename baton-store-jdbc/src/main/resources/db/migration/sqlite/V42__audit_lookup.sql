-- Issue 14: the four lookup indexes of audit_entries (by resource, actor, action and time) were written in every lock
-- decision's commit: 4 of the 11 pages one acquire made durable. They move to audit_lookup, one row per entry, which the
-- follower that writes the entries' facts (FactsFollower) adds in batches after the entries, under the same mark
-- (audit_facts_follow.done_seq); every audit search catches it up first, so a search still finds every entry committed
-- before it. The entries up to the mark get their rows here; the follower writes those after it.
CREATE TABLE audit_lookup (
    seq           INTEGER NOT NULL PRIMARY KEY,
    at_millis     INTEGER NOT NULL,
    actor_user_id TEXT,
    action        TEXT    NOT NULL,
    resource_id   TEXT
);
INSERT INTO audit_lookup (seq, at_millis, actor_user_id, action, resource_id)
    SELECT seq, at_millis, actor_user_id, action, resource_id FROM audit_entries
    WHERE seq <= (SELECT done_seq FROM audit_facts_follow WHERE id = 1);
CREATE INDEX audit_lookup_resource ON audit_lookup (resource_id);
CREATE INDEX audit_lookup_actor ON audit_lookup (actor_user_id);
CREATE INDEX audit_lookup_action ON audit_lookup (action);
CREATE INDEX audit_lookup_at ON audit_lookup (at_millis);
DROP INDEX audit_entries_resource;
DROP INDEX audit_entries_actor;
DROP INDEX audit_entries_action;
DROP INDEX audit_entries_at;
