-- Schema version 6: what a device says of itself (Device Information
-- Service), sent to the service in its FHIR Device.
ALTER TABLE device ADD COLUMN manufacturer TEXT;
ALTER TABLE device ADD COLUMN model TEXT;
ALTER TABLE device ADD COLUMN serial TEXT;
