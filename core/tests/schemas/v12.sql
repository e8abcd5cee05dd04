-- FROZEN: the schema as shipped at version 12. Never edit; add a new vN.sql instead.
-- Times are UTC milliseconds since 1970 (`*_utc`); a device's own clock
-- reading is kept as sent (`device_time`, ISO civil time, no zone).

CREATE TABLE measurement (
    id              INTEGER PRIMARY KEY,
    -- PHD-style key (device + type + device time); re-sent records collide here.
    identifier      TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    code            TEXT NOT NULL,
    effective_utc   INTEGER NOT NULL,
    device_time     TEXT,
    received_utc    INTEGER NOT NULL,
    -- JSON array of {code, value | absent, unit}.
    components      TEXT NOT NULL,
    source          TEXT NOT NULL CHECK (source IN ('device', 'manual')),
    device_id       TEXT,
    entered_by      TEXT NOT NULL CHECK (entered_by IN ('patient', 'relative', 'nurse-training')),
    -- The plan version that judged it and the colour it got, once judged.
    plan_version    INTEGER,
    colour          TEXT CHECK (colour IN ('green', 'yellow', 'red', 'not-judged'))
);
CREATE INDEX measurement_by_kind_and_time ON measurement (kind, effective_utc);

CREATE TABLE questionnaire_response (
    id              INTEGER PRIMARY KEY,
    identifier      TEXT NOT NULL UNIQUE,
    questionnaire   TEXT NOT NULL,
    authored_utc    INTEGER NOT NULL,
    -- The FHIR QuestionnaireResponse as JSON.
    resource        TEXT NOT NULL,
    score           TEXT,
    entered_by      TEXT NOT NULL CHECK (entered_by IN ('patient', 'relative', 'nurse-training')),
    plan_version    INTEGER,
    colour          TEXT CHECK (colour IN ('green', 'yellow', 'red', 'not-judged'))
);
CREATE INDEX questionnaire_response_by_time ON questionnaire_response (questionnaire, authored_utc);

CREATE TABLE care_plan (
    -- The app's own plan version: increases with every plan received, from
    -- any service; readings name the one that judged them.
    version         INTEGER PRIMARY KEY,
    plan_id         TEXT NOT NULL,
    -- meta.versionId as the service sent it.
    source_version  TEXT NOT NULL,
    valid_from_utc  INTEGER NOT NULL,
    received_utc    INTEGER NOT NULL,
    -- The FHIR CarePlan as received.
    resource        TEXT NOT NULL,
    UNIQUE (plan_id, source_version)
);

CREATE TABLE message (
    id              INTEGER PRIMARY KEY,
    identifier      TEXT NOT NULL UNIQUE,
    direction       TEXT NOT NULL CHECK (direction IN ('to-service', 'from-service')),
    sent_utc        INTEGER NOT NULL,
    body            TEXT NOT NULL,
    read_utc        INTEGER
);

CREATE TABLE setting (
    key             TEXT PRIMARY KEY,
    value           TEXT NOT NULL
);

-- What must reach the follow-up service. A row is added in the same
-- transaction as the thing it sends, so nothing stored is forgotten.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    resource_type   TEXT NOT NULL,
    -- Row id in the table the resource lives in (measurement, message, ...).
    local_id        INTEGER,
    identifier      TEXT NOT NULL UNIQUE,
    created_utc     INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_try_utc    INTEGER NOT NULL,
    sent_utc        INTEGER
);
CREATE INDEX outbox_due ON outbox (sent_utc, next_try_utc);
CREATE INDEX outbox_by_local_row ON outbox (resource_type, local_id);

CREATE TABLE sync_audit (
    id              INTEGER PRIMARY KEY,
    at_utc          INTEGER NOT NULL,
    direction       TEXT NOT NULL CHECK (direction IN ('up', 'down', 'local')),
    event           TEXT NOT NULL,
    identifier      TEXT,
    detail          TEXT
);

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

-- Schema version 3: questionnaires as the service sent them, by id and
-- version; the newest version of an id is the one to show.
CREATE TABLE questionnaire (
    id              TEXT NOT NULL,
    version         TEXT NOT NULL,
    url             TEXT NOT NULL,
    received_utc    INTEGER NOT NULL,
    resource        TEXT NOT NULL,
    PRIMARY KEY (id, version)
);

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

-- Schema version 6: what a device says of itself (Device Information
-- Service), sent to the service in its FHIR Device.
ALTER TABLE device ADD COLUMN manufacturer TEXT;
ALTER TABLE device ADD COLUMN model TEXT;
ALTER TABLE device ADD COLUMN serial TEXT;

-- Schema version 7: who wrote a message to the service (the patient, a
-- relative for them, or the nurse practising in training mode, which is
-- never sent). Empty for replies and for messages from before.
ALTER TABLE message ADD COLUMN entered_by TEXT CHECK (entered_by IN ('patient', 'relative', 'nurse-training'));

-- Schema version 8: the service's acknowledgement that a nurse has seen a
-- reading or answers (a FHIR Task whose focus names them), by the item's
-- identifier as sent; the nurse's name only when the service gave one.
CREATE TABLE acknowledgement (
    identifier      TEXT PRIMARY KEY,
    seen_utc        INTEGER NOT NULL,
    seen_by         TEXT
);

-- Schema version 9: a relative the service knows (its reference, e.g.
-- `RelatedPerson/12`) who took a reading or wrote a message for the
-- patient; empty for the patient and for a relative the service does not
-- know.
ALTER TABLE measurement ADD COLUMN relative TEXT;
ALTER TABLE message ADD COLUMN relative TEXT;

-- Schema version 10: the whole judgement of a reading or answers, as it
-- was made when they were recorded (JSON: the colour, and the value, the
-- plan activity, the direction and the rule that set it, or why it was
-- not judged). Every screen and the service show this one judgement.
ALTER TABLE measurement ADD COLUMN judgement TEXT;
ALTER TABLE questionnaire_response ADD COLUMN judgement TEXT;

-- Schema version 11: the patient has read the advice of a yellow reading
-- or answers (by the item's identifier), so it leaves the today screen.
-- A red stays there until the service's acknowledgement.
CREATE TABLE result_read (
    identifier      TEXT PRIMARY KEY,
    read_utc        INTEGER NOT NULL
);

-- Schema version 12: a blood sugar's meal context (before-meal,
-- after-meal, fasting, casual, bedtime), from the meter's Glucose
-- Measurement Context or as the patient said when typing it; NULL: not said.
ALTER TABLE measurement ADD COLUMN meal TEXT;

-- Medicines the patient (or a relative, or the nurse in training) says
-- were taken: the plan's medicine for a result's colour ("ved gul sone:
-- start kuren", a reliever when yellow).
-- The medicine as the plan in force named it then, so the record stays
-- readable after the plan changes. Sent as MedicationAdministration.
CREATE TABLE medicine_taken (
    id              INTEGER PRIMARY KEY,
    -- `taken/<random hex>`, made on the tablet.
    identifier      TEXT NOT NULL UNIQUE,
    what            TEXT NOT NULL CHECK (what IN ('for-colour')),
    -- The result (a reading's or answers' identifier) whose colour's
    -- medicine it is, and that colour: once per result and medicine.
    for_result      TEXT NOT NULL,
    colour          TEXT NOT NULL CHECK (colour IN ('green', 'yellow', 'red')),
    medicine        TEXT NOT NULL,
    name            TEXT NOT NULL,
    -- JSON array of the plan's dosage lines.
    dosage          TEXT NOT NULL,
    taken_utc       INTEGER NOT NULL,
    entered_by      TEXT NOT NULL CHECK (entered_by IN ('patient', 'relative', 'nurse-training')),
    relative        TEXT,
    plan_version    INTEGER,
    UNIQUE (for_result, medicine)
);

-- Sample rows as version 12 stored them: the reading judged green by plan
-- version 1, with its whole judgement, and its advice read; a course
-- started for it.
INSERT INTO measurement (identifier, kind, code, effective_utc, device_time, received_utc, components, source, device_id, entered_by, plan_version, colour, judgement)
VALUES ('aa:bb/29463-7/2025-01-01T07:30:00', 'body-weight', '29463-7', 1735713000000, '2025-01-01T07:30:00', 1735713005000,
        '[{"code":"29463-7","value":"80.500","unit":"kg"}]', 'device', 'aa:bb', 'patient', 1, 'green',
        '{"result":"judged","colour":"green","causes":[]}');
INSERT INTO outbox (resource_type, local_id, identifier, created_utc, next_try_utc, person)
VALUES ('Observation', 1, 'aa:bb/29463-7/2025-01-01T07:30:00', 1735713005000, 1735713005000, 'service:https://dho.example.no/fhir|Patient/123');
INSERT INTO setting (key, value) VALUES ('locale', 'nn');

INSERT INTO device (id, service, name, paired_utc, last_sequence) VALUES ('aa:bb', '181d', 'Scale', 1735713000000, NULL);
INSERT INTO setting (key, value) VALUES ('sync.service', 'https://dho.example.no/fhir Patient/123');
INSERT INTO setting (key, value) VALUES ('person', 'service:https://dho.example.no/fhir|Patient/123');
INSERT INTO person_key (key, person, added_utc) VALUES ('service:https://dho.example.no/fhir|Patient/123', 'service:https://dho.example.no/fhir|Patient/123', 1735713000000);
INSERT INTO setting (key, value) VALUES ('outbox.named-before', '1');
INSERT INTO result_read (identifier, read_utc) VALUES ('aa:bb/29463-7/2025-01-01T07:30:00', 1735713010000);
INSERT INTO medicine_taken (identifier, what, for_result, colour, medicine, name, dosage, taken_utc, entered_by, relative, plan_version)
    VALUES ('taken/00aa', 'for-colour', 'aa:bb/29463-7/2025-01-01T07:30:00', 'yellow', 'course', 'Prednisolon', '["40 mg i 5 dager"]', 1735713020000, 'patient', NULL, 1);
PRAGMA user_version = 12;
