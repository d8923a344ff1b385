-- Issue 14: an entry's facts (audit_facts, audit_fact_slots) are no longer written in the transaction that appends the
-- entry, which kept seven more indexes on every lock decision's commit. A follower (FactsFollower) adds them after the
-- entries, in batches, and every statistics question first catches it up, so an answer still counts every entry
-- committed before it. audit_facts_follow.done_seq: every entry up to this sequence number has its facts. Entries up to
-- the head at this migration had theirs written with them (or are the backfill's, below audit_facts_backfill.upto_seq).
CREATE TABLE audit_facts_follow (
    id       INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    done_seq BIGINT  NOT NULL
);
INSERT INTO audit_facts_follow (id, done_seq) VALUES (1, (SELECT coalesce(max(last_seq), 0) FROM audit_head));
