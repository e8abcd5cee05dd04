-- Schema version 13: a colour's medicine may bring a check the plan asks
-- for ("start kuren, mål igjen i morgen"): which activity, and when.
-- A scheduled dose taken (the plan's dose schedule,
-- `dosageInstruction.timing`: a task of the day) is kept beside a colour's
-- medicine. A scheduled dose names the planned time it is for (`due_utc`,
-- once per medicine and planned time) and no result or colour; a colour's
-- medicine names its result and colour and no planned time. A dose said
-- taken in training is kept apart from the real one for the same time.
-- The table is rebuilt to change its checks; its rows and ids (the
-- outbox's `local_id`) stay.
CREATE TABLE medicine_taken_13 (
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
INSERT INTO medicine_taken_13 (id, identifier, what, for_result, colour, due_utc, check_activity, check_due_utc,
                               medicine, name, dosage, taken_utc, entered_by, relative, plan_version)
    SELECT id, identifier, what, for_result, colour, NULL, NULL, NULL, medicine, name, dosage, taken_utc, entered_by,
           relative, plan_version
    FROM medicine_taken;
DROP TABLE medicine_taken;
ALTER TABLE medicine_taken_13 RENAME TO medicine_taken;
CREATE UNIQUE INDEX medicine_taken_once_per_dose
    ON medicine_taken (medicine, due_utc, entered_by = 'nurse-training') WHERE due_utc IS NOT NULL;
