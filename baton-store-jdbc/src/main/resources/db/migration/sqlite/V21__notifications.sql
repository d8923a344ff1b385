-- Each user's inbox of lock notifications, for users who were offline when they happened.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    resource_id TEXT,
    message     TEXT    NOT NULL,
    at          TEXT    NOT NULL,
    at_millis   INTEGER NOT NULL,
    read_at     TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_at ON notifications (at_millis);
