-- Schema version 11: the patient has read the advice of a yellow reading
-- or answers (by the item's identifier), so it leaves the today screen.
-- A red stays there until the service's acknowledgement.
CREATE TABLE result_read (
    identifier      TEXT PRIMARY KEY,
    read_utc        INTEGER NOT NULL
);
