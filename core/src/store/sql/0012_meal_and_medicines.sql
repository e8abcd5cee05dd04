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
