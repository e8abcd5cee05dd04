//! Results that still ask for attention (schema v11): real (not training)
//! readings and answers judged yellow or red that the service has not
//! acknowledged, and, for yellow, that the patient has not marked as read
//! ("I have read the advice"). The today screen keeps them in view
//! (`results::open_results`); a red can only be cleared by the service's
//! acknowledgement.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError};
use crate::vocabulary::{Colour, ResultItem};

/// One result still open ([`Store::open_results`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRow {
    pub item: ResultItem,
    pub identifier: String,
    /// When it was taken or answered.
    pub at: Timestamp,
    pub colour: Colour,
}

impl Store {
    /// The open results: every red not acknowledged, and the yellow ones
    /// taken or answered at `since` or later; red before yellow, each
    /// newest first.
    pub fn open_results(&self, since: Timestamp) -> Result<Vec<OpenRow>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT 'reading', m.id, m.identifier, m.effective_utc, m.colour FROM measurement m
               LEFT JOIN acknowledgement a ON a.identifier = m.identifier
               LEFT JOIN result_read r ON r.identifier = m.identifier
              WHERE m.colour IN ('yellow', 'red') AND m.entered_by != 'nurse-training'
                AND (m.colour = 'red' OR m.effective_utc >= ?1) AND a.identifier IS NULL
                AND (m.colour = 'red' OR r.identifier IS NULL)
             UNION ALL
             SELECT 'answers', q.id, q.identifier, q.authored_utc, q.colour FROM questionnaire_response q
               LEFT JOIN acknowledgement a ON a.identifier = q.identifier
               LEFT JOIN result_read r ON r.identifier = q.identifier
              WHERE q.colour IN ('yellow', 'red') AND q.entered_by != 'nurse-training'
                AND (q.colour = 'red' OR q.authored_utc >= ?1) AND a.identifier IS NULL
                AND (q.colour = 'red' OR r.identifier IS NULL)
",
        )?;
        let rows = stmt.query_map(params![since.as_millisecond()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, i64>(3)?, r.get(4)?))
        })?;
        let mut out = vec![];
        for row in rows {
            let (table, id, identifier, at, colour): (String, i64, String, i64, String) = row?;
            let item = match table.as_str() {
                "reading" => ResultItem::Reading { id },
                _ => ResultItem::Answers { id },
            };
            out.push(OpenRow {
                item,
                identifier,
                at: Timestamp::from_millisecond(at).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                colour: Colour::parse(&colour).ok_or_else(|| StoreError::Corrupt(format!("colour {colour:?}")))?,
            });
        }
        out.sort_by_key(|r| (std::cmp::Reverse(r.colour), std::cmp::Reverse(r.at)));
        Ok(out)
    }

    /// The patient has read the advice of `item`; `false` when there is no
    /// such item. Reading it again changes nothing.
    pub fn mark_result_read(&self, item: ResultItem, at: Timestamp) -> Result<bool, StoreError> {
        let Some(identifier) = self.result_identifier(item)? else { return Ok(false) };
        self.conn().execute(
            "INSERT INTO result_read (identifier, read_utc) VALUES (?1, ?2) ON CONFLICT (identifier) DO NOTHING",
            params![identifier, at.as_millisecond()],
        )?;
        Ok(true)
    }

    /// The identifier (as sent, and as the service acknowledges it) of a
    /// reading or answered questionnaire, if there is one by that row id.
    pub fn result_identifier(&self, item: ResultItem) -> Result<Option<String>, StoreError> {
        let (table, id) = match item {
            ResultItem::Reading { id } => ("measurement", id),
            ResultItem::Answers { id } => ("questionnaire_response", id),
        };
        Ok(self
            .conn()
            .query_row(&format!("SELECT identifier FROM {table} WHERE id = ?1"), [id], |r| r.get(0))
            .optional()?)
    }
}
