-- Schema version 7: who wrote a message to the service (the patient, a
-- relative for them, or the nurse practising in training mode, which is
-- never sent). Empty for replies and for messages from before.
ALTER TABLE message ADD COLUMN entered_by TEXT CHECK (entered_by IN ('patient', 'relative', 'nurse-training'));
