-- Schema version 14: appointments the service booked with the patient (FHIR
-- `Appointment`: a video call, a home visit or another meeting), as last
-- read. Kept per service (`service`: the service followed when it came,
-- '' in demo mode), so after a hand-over the earlier service's bookings
-- are not shown.
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
CREATE INDEX appointment_by_start ON appointment (service, start_utc);
