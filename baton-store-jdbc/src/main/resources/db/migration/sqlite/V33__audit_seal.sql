-- The audit chain's keyed seal (issue 12 item 2): HMAC-SHA256 of each entry's hash and of the head, with a key kept
-- outside the database. Entries written before this migration stay unsealed; every later one is sealed.
ALTER TABLE audit_entries ADD COLUMN mac TEXT;
ALTER TABLE audit_head ADD COLUMN mac TEXT;
