//! Photos taken for the plan's photo activities (`photo` table): stored
//! with the queue entry that sends them as a FHIR `Media` in one
//! transaction (training's never), read back for the history screen (the
//! list without the pictures, then one picture at a time) and for sync.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{outbox, ts, Store, StoreError};
use crate::vocabulary::{EnteredBy, Recorder};

/// Where a photo came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhotoSource {
    /// A still from the camera's live view in the app.
    Camera,
    /// A picture file the patient chose.
    File,
}

impl PhotoSource {
    pub fn as_str(self) -> &'static str {
        match self {
            PhotoSource::Camera => "camera",
            PhotoSource::File => "file",
        }
    }
}

/// A photo to keep.
#[derive(Debug)]
pub struct NewPhoto<'a> {
    pub identifier: &'a str,
    pub activity: &'a str,
    pub title: &'a str,
    pub taken: Timestamp,
    pub source: PhotoSource,
    /// The JPEG as it is sent (no metadata).
    pub jpeg: &'a [u8],
    pub width: u32,
    pub height: u32,
    pub by: &'a Recorder,
    pub plan_version: Option<i64>,
}

/// A kept photo, without its picture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredPhoto {
    pub id: i64,
    pub identifier: String,
    pub activity: String,
    pub title: String,
    pub taken: Timestamp,
    pub width: u32,
    pub height: u32,
    /// The JPEG's size in bytes.
    pub bytes: usize,
    pub entered_by: EnteredBy,
    pub relative: Option<String>,
    pub plan_version: Option<i64>,
    /// Whether the service has it (`None`: training, never sent).
    pub sent: Option<bool>,
}

impl Store {
    /// Keeps the photo and queues it for the service, in one transaction
    /// (a training photo is kept, never queued). Returns its row id.
    pub fn record_photo(&mut self, p: &NewPhoto<'_>) -> Result<i64, StoreError> {
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO photo (identifier, activity, title, taken_utc, source, jpeg, width, height, entered_by,
                                relative, plan_version)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                p.identifier,
                p.activity,
                p.title,
                p.taken.as_millisecond(),
                p.source.as_str(),
                p.jpeg,
                p.width,
                p.height,
                p.by.by.as_str(),
                p.by.relative,
                p.plan_version
            ],
        )?;
        let id = tx.last_insert_rowid();
        if p.by.by != EnteredBy::NurseTraining {
            outbox::enqueue(&tx, "Media", id, p.identifier, p.taken)?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// The photos taken in `[from, to]`, oldest first, without pictures.
    pub fn photos(&self, from: Timestamp, to: Timestamp) -> Result<Vec<StoredPhoto>, StoreError> {
        self.photos_where(
            "p.taken_utc >= ?1 AND p.taken_utc <= ?2",
            params![from.as_millisecond(), to.as_millisecond()],
        )
    }

    /// One photo, without its picture.
    pub fn photo_by_id(&self, id: i64) -> Result<Option<StoredPhoto>, StoreError> {
        Ok(self.photos_where("p.id = ?1", params![id])?.into_iter().next())
    }

    /// One photo's JPEG.
    pub fn photo_jpeg(&self, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.conn().query_row("SELECT jpeg FROM photo WHERE id = ?1", [id], |r| r.get(0)).optional()?)
    }

    fn photos_where(&self, condition: &str, args: impl rusqlite::Params) -> Result<Vec<StoredPhoto>, StoreError> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT p.id, p.identifier, p.activity, p.title, p.taken_utc, p.width, p.height, length(p.jpeg),
                    p.entered_by, p.relative, p.plan_version, o.id IS NOT NULL, o.sent_utc IS NOT NULL
             FROM photo p
             LEFT JOIN outbox o ON o.resource_type = 'Media' AND o.local_id = p.id
             WHERE {condition} ORDER BY p.taken_utc, p.id"
        ))?;
        let rows = stmt.query_map(args, |r| {
            let entered_by: String = r.get(8)?;
            let queued: bool = r.get(11)?;
            Ok((
                StoredPhoto {
                    id: r.get(0)?,
                    identifier: r.get(1)?,
                    activity: r.get(2)?,
                    title: r.get(3)?,
                    taken: ts(r.get(4)?)?,
                    width: r.get(5)?,
                    height: r.get(6)?,
                    bytes: r.get::<_, i64>(7)?.try_into().unwrap_or(usize::MAX),
                    entered_by: EnteredBy::Patient,
                    relative: r.get(9)?,
                    plan_version: r.get(10)?,
                    sent: queued.then_some(r.get(12)?),
                },
                entered_by,
            ))
        })?;
        let mut out = vec![];
        for row in rows {
            let (mut photo, entered_by) = row?;
            photo.entered_by = EnteredBy::parse(&entered_by)
                .ok_or_else(|| StoreError::Corrupt(format!("photo {}: {entered_by}", photo.id)))?;
            out.push(photo);
        }
        Ok(out)
    }
}
