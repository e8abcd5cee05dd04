-- Schema version 2: the registry of paired Bluetooth health devices.
CREATE TABLE device (
    id              TEXT PRIMARY KEY,
    -- Bluetooth SIG service the device was paired for, e.g. '1810'.
    service         TEXT NOT NULL,
    name            TEXT NOT NULL,
    paired_utc      INTEGER NOT NULL,
    -- Highest record sequence number fetched (RACP), so none arrive twice.
    last_sequence   INTEGER,
    last_seen_utc   INTEGER,
    battery_percent INTEGER CHECK (battery_percent BETWEEN 0 AND 100),
    -- Set when the nurse forgets or replaces the device; history keeps it.
    forgotten_utc   INTEGER,
    replaced_by     TEXT REFERENCES device (id)
);
