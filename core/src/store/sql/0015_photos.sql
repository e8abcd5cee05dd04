-- Schema version 15: photos the patient (or a relative) took for the
-- plan's photo activities ("Bilde av leggene"), kept as the JPEG that is
-- sent: scaled down, written again without any metadata (no EXIF, no
-- place). Training photos stay on the tablet and are never sent.
CREATE TABLE photo (
    id           INTEGER PRIMARY KEY,
    -- `photo/<random hex>`, made on the tablet.
    identifier   TEXT NOT NULL UNIQUE,
    -- The plan's activity it was taken for, and its title then.
    activity     TEXT NOT NULL,
    title        TEXT NOT NULL,
    taken_utc    INTEGER NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('camera', 'file')),
    jpeg         BLOB NOT NULL,
    width        INTEGER NOT NULL CHECK (width > 0),
    height       INTEGER NOT NULL CHECK (height > 0),
    entered_by   TEXT NOT NULL CHECK (entered_by IN ('patient', 'relative', 'nurse-training')),
    relative     TEXT,
    plan_version INTEGER
);
CREATE INDEX photo_by_time ON photo (taken_utc);
