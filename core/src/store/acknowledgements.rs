//! The service's acknowledgements (schema v8): a nurse has seen a reading or
//! answers (read from a FHIR `Task` by `fhir::acknowledgement`), kept by the
//! item's identifier as sent; readings carry it as `seen`. The first word
//! counts; a repeat changes nothing.

use jiff::Timestamp;
use rusqlite::params;

use super::{readings::Seen, Store, StoreError};

impl Store {
    /// Saves acknowledgements `(identifier, seen)`; the number that were new.
    pub fn save_acknowledgements(&self, seen: &[(String, Seen)]) -> Result<usize, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "INSERT INTO acknowledgement (identifier, seen_utc, seen_by) VALUES (?1, ?2, ?3)
             ON CONFLICT (identifier) DO NOTHING",
        )?;
        let mut new = 0;
        for (identifier, s) in seen {
            new += stmt.execute(params![identifier, s.at.as_millisecond(), s.by])?;
        }
        Ok(new)
    }

    /// The acknowledgement of the item with this identifier, if any.
    pub fn acknowledgement(&self, identifier: &str) -> Result<Option<Seen>, StoreError> {
        use rusqlite::OptionalExtension;
        let row: Option<(i64, Option<String>)> = self
            .conn()
            .query_row("SELECT seen_utc, seen_by FROM acknowledgement WHERE identifier = ?1", [identifier], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        row.map(|(ms, by)| {
            Ok(Seen { at: Timestamp::from_millisecond(ms).map_err(|e| StoreError::Corrupt(e.to_string()))?, by })
        })
        .transpose()
    }
}
