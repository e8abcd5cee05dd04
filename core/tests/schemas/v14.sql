-- FROZEN: the schema as shipped at version 14. Never edit; add a new vN.sql instead.
-- Times are UTC milliseconds since 1970 (`*_utc`); a device's own clock
-- reading is kept as sent (`device_time`, ISO civil time, no zone).
-- (Dumped from version 13's frozen schema and rows with migration 14 run,
-- and one appointment.)

CREATE TABLE acknowledgement (
    identifier      TEXT PRIMARY KEY,
    seen_utc        INTEGER NOT NULL,
    seen_by         TEXT
);
CREATE TABLE appointment (
    service      TEXT NOT NULL,
    -- The service's id of the Appointment.
    id           TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('video', 'home-visit', 'other')),
    status       TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'over')),
    start_utc    INTEGER NOT NULL,
    end_utc      INTEGER NOT NULL,
    description  TEXT,
    instruction  TEXT,
    -- JSON array of the names of whom the patient meets.
    with_whom    TEXT NOT NULL,
    updated_utc  INTEGER NOT NULL,
    CHECK (end_utc >= start_utc),
    PRIMARY KEY (service, id)
);
INSERT INTO "appointment" VALUES('https://dho.example.no/fhir Patient/123','a1','video','booked',1735716600000,1735718400000,'Samtale',NULL,'["Ola"]',1735713000000);
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
, manufacturer TEXT, model TEXT, serial TEXT);
INSERT INTO "device" VALUES('aa:bb','181d','Scale',1735713000000,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
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
, relative TEXT, judgement TEXT, meal TEXT);
INSERT INTO "measurement" VALUES(1,'aa:bb/29463-7/2025-01-01T07:30:00','body-weight','29463-7',1735713000000,'2025-01-01T07:30:00',1735713005000,'[{"code":"29463-7","value":"80.500","unit":"kg"}]','device','aa:bb','patient',1,'green',NULL,'{"result":"judged","colour":"green","causes":[]}',NULL);
CREATE TABLE "medicine_taken" (
    id              INTEGER PRIMARY KEY,
    -- `taken/<random hex>`, made on the tablet.
    identifier      TEXT NOT NULL UNIQUE,
    what            TEXT NOT NULL CHECK (what IN ('for-colour', 'scheduled')),
    -- For a colour's medicine: the result (a reading's or answers'
    -- identifier) and its colour; once per result and medicine.
    for_result      TEXT,
    colour          TEXT CHECK (colour IN ('green', 'yellow', 'red')),
    -- For a scheduled dose: its planned time.
    due_utc         INTEGER,
    -- For a colour's medicine the plan asks a check after: the plan's
    -- activity id, and when it is due.
    check_activity  TEXT,
    check_due_utc   INTEGER,
    medicine        TEXT NOT NULL,
    name            TEXT NOT NULL,
    -- JSON array of the plan's dosage lines.
    dosage          TEXT NOT NULL,
    taken_utc       INTEGER NOT NULL,
    entered_by      TEXT NOT NULL CHECK (entered_by IN ('patient', 'relative', 'nurse-training')),
    relative        TEXT,
    plan_version    INTEGER,
    CHECK ((what = 'for-colour' AND for_result IS NOT NULL AND colour IS NOT NULL AND due_utc IS NULL)
        OR (what = 'scheduled' AND for_result IS NULL AND colour IS NULL AND due_utc IS NOT NULL
            AND check_activity IS NULL)),
    CHECK ((check_activity IS NULL) = (check_due_utc IS NULL)),
    UNIQUE (for_result, medicine)
);
INSERT INTO "medicine_taken" VALUES(1,'taken/00aa','for-colour','aa:bb/29463-7/2025-01-01T07:30:00','yellow',NULL,NULL,NULL,'course','Prednisolon','["40 mg i 5 dager"]',1735713020000,'patient',NULL,1);
CREATE TABLE message (
    id              INTEGER PRIMARY KEY,
    identifier      TEXT NOT NULL UNIQUE,
    direction       TEXT NOT NULL CHECK (direction IN ('to-service', 'from-service')),
    sent_utc        INTEGER NOT NULL,
    body            TEXT NOT NULL,
    read_utc        INTEGER
, entered_by TEXT CHECK (entered_by IN ('patient', 'relative', 'nurse-training')), relative TEXT);
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
, person TEXT);
INSERT INTO "outbox" VALUES(1,'Observation',1,'aa:bb/29463-7/2025-01-01T07:30:00',1735713005000,0,NULL,1735713005000,NULL,'service:https://dho.example.no/fhir|Patient/123');
CREATE TABLE person_key (
    key             TEXT PRIMARY KEY,
    -- The person's local name: the first key they were known by.
    person          TEXT NOT NULL,
    added_utc       INTEGER NOT NULL
);
INSERT INTO "person_key" VALUES('service:https://dho.example.no/fhir|Patient/123','service:https://dho.example.no/fhir|Patient/123',1735713000000);
CREATE TABLE questionnaire (
    id              TEXT NOT NULL,
    version         TEXT NOT NULL,
    url             TEXT NOT NULL,
    received_utc    INTEGER NOT NULL,
    resource        TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
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
, judgement TEXT);
CREATE TABLE result_read (
    identifier      TEXT PRIMARY KEY,
    read_utc        INTEGER NOT NULL
);
INSERT INTO "result_read" VALUES('aa:bb/29463-7/2025-01-01T07:30:00',1735713010000);
CREATE TABLE setting (
    key             TEXT PRIMARY KEY,
    value           TEXT NOT NULL
);
INSERT INTO "setting" VALUES('locale','nn');
INSERT INTO "setting" VALUES('sync.service','https://dho.example.no/fhir Patient/123');
INSERT INTO "setting" VALUES('person','service:https://dho.example.no/fhir|Patient/123');
INSERT INTO "setting" VALUES('outbox.named-before','1');
CREATE TABLE sync_audit (
    id              INTEGER PRIMARY KEY,
    at_utc          INTEGER NOT NULL,
    direction       TEXT NOT NULL CHECK (direction IN ('up', 'down', 'local')),
    event           TEXT NOT NULL,
    identifier      TEXT,
    detail          TEXT
);
CREATE INDEX measurement_by_kind_and_time ON measurement (kind, effective_utc);
CREATE INDEX questionnaire_response_by_time ON questionnaire_response (questionnaire, authored_utc);
CREATE INDEX outbox_due ON outbox (sent_utc, next_try_utc);
CREATE INDEX outbox_by_local_row ON outbox (resource_type, local_id);
CREATE UNIQUE INDEX medicine_taken_once_per_dose
    ON medicine_taken (medicine, due_utc, entered_by = 'nurse-training') WHERE due_utc IS NOT NULL;
CREATE INDEX appointment_by_start ON appointment (service, start_utc);
PRAGMA user_version = 14;
