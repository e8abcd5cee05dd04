-- Schema version 4: whose data this is. A store holds one person's
-- follow-up; the person is known by keys: the national identity number
-- (`national:<system>|<value>`) when a service gave it, and each
-- service's own patient reference (`service:<FHIR base>|Patient/<id>`).
CREATE TABLE person_key (
    key             TEXT PRIMARY KEY,
    -- The person's local name: the first key they were known by.
    person          TEXT NOT NULL,
    added_utc       INTEGER NOT NULL
);

-- Every queued item names the person it was recorded for, set when it is
-- queued; the upload sends only the current person's items.
ALTER TABLE outbox ADD COLUMN person TEXT;

-- A store from before this version belongs to the service it was
-- enrolled with; its queued items are that patient's.
INSERT INTO person_key (key, person, added_utc)
    SELECT 'service:' || replace(value, ' ', '|'), 'service:' || replace(value, ' ', '|'), 0 FROM setting WHERE key = 'sync.service';
INSERT INTO setting (key, value)
    SELECT 'person', 'service:' || replace(value, ' ', '|') FROM setting WHERE key = 'sync.service';
UPDATE outbox SET person = (SELECT value FROM setting WHERE key = 'person');
