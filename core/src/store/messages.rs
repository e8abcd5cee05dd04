//! Messages between the patient and the follow-up service (FHIR
//! `Communication`): who wrote them (with the reference of a relative the
//! service knows); the patient's own go through the outbox (training's
//! never) and show whether they were delivered; replies come down with sync
//! and stay unread until shown (the unread count).

use jiff::Timestamp;
use rusqlite::params;
use serde::Serialize;

use super::{outbox, ts, Store, StoreError};
use crate::{
    error::ErrorCode,
    vocabulary::{EnteredBy, Recorder},
};

/// Longest message the app sends, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2000;

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    ToService,
    FromService,
}

/// One message as the messages screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub id: i64,
    pub identifier: String,
    pub direction: Direction,
    pub sent: Timestamp,
    pub body: String,
    /// For replies: has the patient seen it.
    pub read: bool,
    /// For the patient's own: has the service got it (`None` for replies
    /// and for training, which is never sent).
    pub delivered: Option<bool>,
    /// Who wrote the patient's own (`None` for replies and messages from
    /// before this was kept: the patient).
    pub entered_by: Option<EnteredBy>,
    /// A relative the service knows who wrote it (reference).
    pub relative: Option<String>,
}

/// A message the service sent, as sync found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingMessage {
    pub identifier: String,
    pub sent: Timestamp,
    pub body: String,
}

impl Store {
    /// Stores the patient's message, written by `by`, and queues it
    /// for the service in one transaction — unless it is the nurse's
    /// training, which is never sent. An empty or over-long message is
    /// refused.
    pub fn send_message(
        &mut self,
        body: &str,
        identifier: &str,
        now: Timestamp,
        by: &Recorder,
    ) -> Result<i64, StoreError> {
        let entered_by = by.by;
        let body = body.trim();
        if body.is_empty() || body.chars().count() > MAX_MESSAGE_CHARS {
            return Err(StoreError::Invalid(ErrorCode::MessageLength));
        }
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO message (identifier, direction, sent_utc, body, read_utc, entered_by, relative)
             VALUES (?1, 'to-service', ?2, ?3, ?2, ?4, ?5)",
            params![identifier, now.as_millisecond(), body, entered_by.as_str(), by.relative],
        )?;
        let id = tx.last_insert_rowid();
        if entered_by != EnteredBy::NurseTraining {
            outbox::enqueue(&tx, "Communication", id, identifier, now)?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// Saves replies from the service; ones already known are skipped.
    /// Returns how many were new.
    pub fn receive_messages(&mut self, messages: &[IncomingMessage]) -> Result<usize, StoreError> {
        let tx = self.conn_mut().transaction()?;
        let mut new = 0;
        for m in messages {
            new += tx.execute(
                "INSERT INTO message (identifier, direction, sent_utc, body) VALUES (?1, 'from-service', ?2, ?3)
                 ON CONFLICT (identifier) DO NOTHING",
                params![m.identifier, m.sent.as_millisecond(), m.body],
            )?;
        }
        tx.commit()?;
        Ok(new)
    }

    /// Every message, oldest first.
    pub fn messages(&self) -> Result<Vec<Message>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT m.id, m.identifier, m.direction, m.sent_utc, m.body, m.read_utc, o.id IS NOT NULL, o.sent_utc IS NOT NULL,
                    m.entered_by, m.relative
             FROM message m LEFT JOIN outbox o ON o.resource_type = 'Communication' AND o.local_id = m.id
             ORDER BY m.sent_utc, m.id",
        )?;
        let rows = stmt.query_map([], |r| {
            let direction =
                if r.get::<_, String>(2)? == "to-service" { Direction::ToService } else { Direction::FromService };
            let queued: bool = r.get(6)?;
            Ok(Message {
                id: r.get(0)?,
                identifier: r.get(1)?,
                direction,
                sent: ts(r.get(3)?)?,
                body: r.get(4)?,
                read: r.get::<_, Option<i64>>(5)?.is_some(),
                delivered: (direction == Direction::ToService && queued).then_some(r.get(7)?),
                entered_by: r.get::<_, Option<String>>(8)?.as_deref().and_then(EnteredBy::parse),
                relative: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many replies the patient has not seen (the badge).
    pub fn unread_messages(&self) -> Result<i64, StoreError> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM message WHERE direction = 'from-service' AND read_utc IS NULL",
            [],
            |r| r.get(0),
        )?)
    }

    /// Marks every reply as seen.
    pub fn mark_messages_read(&self, now: Timestamp) -> Result<usize, StoreError> {
        Ok(self.conn().execute("UPDATE message SET read_utc = ?1 WHERE read_utc IS NULL", [now.as_millisecond()])?)
    }

    /// One message by row id (for sending it).
    pub fn message_by_id(&self, id: i64) -> Result<Option<Message>, StoreError> {
        Ok(self.messages()?.into_iter().find(|m| m.id == id))
    }
}
