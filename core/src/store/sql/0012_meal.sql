-- Schema version 12: a blood sugar's meal context (before-meal,
-- after-meal, fasting, casual, bedtime), from the meter's Glucose
-- Measurement Context or as the patient said when typing it; NULL: not said.
ALTER TABLE measurement ADD COLUMN meal TEXT;
