-- Schema version 3: questionnaires as the service sent them, by id and
-- version; the newest version of an id is the one to show.
CREATE TABLE questionnaire (
    id              TEXT NOT NULL,
    version         TEXT NOT NULL,
    url             TEXT NOT NULL,
    received_utc    INTEGER NOT NULL,
    resource        TEXT NOT NULL,
    PRIMARY KEY (id, version)
);
