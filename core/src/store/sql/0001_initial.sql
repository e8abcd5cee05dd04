-- Heima store, schema version 1.
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
