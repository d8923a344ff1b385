-- The fencing-token floor (issue 12 item 7, issue 11 restore): a durable high-water mark below which no resource's
-- next fence may fall. Housekeeping raises it to the fences of the idle rows it forgets; restoring a backup raises it
-- above every fence the lost tail of history can have issued. The next grant on any resource takes
-- max(its own last fence, floor) + 1.
CREATE TABLE fence_floor (
    id    INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    floor BIGINT  NOT NULL
);
INSERT INTO fence_floor (id, floor) VALUES (1, 0);
