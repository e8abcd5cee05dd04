-- Schema version 5: no new tables. The app's identifier systems got
-- canonical https names; items queued before (ids up to this setting)
-- may have been sent under the earlier names, so their conditional
-- creates match both. A new database has none.
INSERT INTO setting (key, value)
    SELECT 'outbox.named-before', COALESCE(MAX(id), 0) FROM outbox
    WHERE true
    ON CONFLICT (key) DO NOTHING;
