-- Schema version 9: a relative the service knows (its reference, e.g.
-- `RelatedPerson/12`) who took a reading or wrote a message for the
-- patient; empty for the patient and for a relative the service does not
-- know.
ALTER TABLE measurement ADD COLUMN relative TEXT;
ALTER TABLE message ADD COLUMN relative TEXT;
