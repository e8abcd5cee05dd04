-- Schema version 10: the whole judgement of a reading or answers, as it
-- was made when they were recorded (JSON: the colour, and the value, the
-- plan activity, the direction and the rule that set it, or why it was
-- not judged). Every screen and the service show this one judgement.
ALTER TABLE measurement ADD COLUMN judgement TEXT;
ALTER TABLE questionnaire_response ADD COLUMN judgement TEXT;
