-- Schema version 8: the service's acknowledgement that a nurse has seen a
-- reading or answers (a FHIR Task whose focus names them), by the item's
-- identifier as sent; the nurse's name only when the service gave one.
CREATE TABLE acknowledgement (
    identifier      TEXT PRIMARY KEY,
    seen_utc        INTEGER NOT NULL,
    seen_by         TEXT
);
