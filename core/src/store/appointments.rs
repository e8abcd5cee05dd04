//! Appointments the service booked with the patient, as last read
//! (`appointment` table): saved or forgotten as sync reads them, per
//! service, and read back by time for the today screen, the list and the
//! reminders.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

use super::{ts, Store, StoreError};
use crate::vocabulary::{Appointment, AppointmentKind, AppointmentStatus};

const COLUMNS: &str = "id, kind, status, start_utc, end_utc, description, instruction, with_whom";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Appointment> {
    let bad = |i| rusqlite::Error::InvalidColumnType(i, "appointment".into(), rusqlite::types::Type::Text);
    let kind: String = r.get(1)?;
    let status: String = r.get(2)?;
    let with: String = r.get(7)?;
    Ok(Appointment {
        id: r.get(0)?,
        kind: AppointmentKind::parse(&kind).ok_or_else(|| bad(1))?,
        status: AppointmentStatus::parse(&status).ok_or_else(|| bad(2))?,
        start: ts(r.get(3)?)?,
        end: ts(r.get(4)?)?,
        description: r.get(5)?,
        instruction: r.get(6)?,
        with: serde_json::from_str(&with).map_err(|_| bad(7))?,
    })
}

impl Store {
    /// The key the appointments of the service followed now are kept
    /// under: its name, or `''` in demo mode (no service).
    pub fn appointment_service(&self) -> Result<String, StoreError> {
        Ok(self.service_followed()?.unwrap_or_default())
    }

    /// Saves the appointments as `service` sent them now and forgets those
    /// named in `forget`, in one transaction. Returns how many changed
    /// what the patient sees (new, changed or forgotten).
    pub fn save_appointments(
        &mut self,
        service: &str,
        keep: &[Appointment],
        forget: &[String],
        now: Timestamp,
    ) -> Result<usize, StoreError> {
        let tx = self.conn_mut().transaction()?;
        let mut changed = 0;
        for a in keep {
            let with = serde_json::to_string(&a.with).expect("names are JSON");
            changed += tx.execute(
                "INSERT INTO appointment (service, id, kind, status, start_utc, end_utc, description, instruction,
                                          with_whom, updated_utc)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (service, id) DO UPDATE SET kind = excluded.kind, status = excluded.status,
                     start_utc = excluded.start_utc, end_utc = excluded.end_utc,
                     description = excluded.description, instruction = excluded.instruction,
                     with_whom = excluded.with_whom, updated_utc = excluded.updated_utc
                 WHERE (kind, status, start_utc, end_utc, description, instruction, with_whom)
                     IS NOT (excluded.kind, excluded.status, excluded.start_utc, excluded.end_utc,
                             excluded.description, excluded.instruction, excluded.with_whom)",
                params![
                    service,
                    a.id,
                    a.kind.as_str(),
                    a.status.as_str(),
                    a.start.as_millisecond(),
                    a.end.as_millisecond(),
                    a.description,
                    a.instruction,
                    with,
                    now.as_millisecond()
                ],
            )?;
        }
        for id in forget {
            changed += tx.execute("DELETE FROM appointment WHERE service = ?1 AND id = ?2", params![service, id])?;
        }
        tx.commit()?;
        Ok(changed)
    }

    /// What `service` lists now for the window that ends after `since`:
    /// `keep` is saved, and every other kept appointment of that window
    /// is forgotten (deleted at the service, no longer the patient's, or
    /// no longer readable), in one transaction. Returns how many changed.
    pub fn replace_appointments(
        &mut self,
        service: &str,
        since: Timestamp,
        keep: &[Appointment],
        now: Timestamp,
    ) -> Result<usize, StoreError> {
        let listed: std::collections::BTreeSet<&str> = keep.iter().map(|a| a.id.as_str()).collect();
        let gone: Vec<String> = self
            .appointments(service, since, Timestamp::MAX)?
            .into_iter()
            .map(|a| a.id)
            .filter(|id| !listed.contains(id.as_str()))
            .collect();
        self.save_appointments(service, keep, &gone, now)
    }

    /// The appointments of `service` that end after `from` and start
    /// before `to`, by start.
    pub fn appointments(&self, service: &str, from: Timestamp, to: Timestamp) -> Result<Vec<Appointment>, StoreError> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLUMNS} FROM appointment WHERE service = ?1 AND end_utc > ?2 AND start_utc < ?3
             ORDER BY start_utc, id"
        ))?;
        let rows = stmt.query_map(params![service, from.as_millisecond(), to.as_millisecond()], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One appointment of `service`, by the service's id.
    pub fn appointment(&self, service: &str, id: &str) -> Result<Option<Appointment>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM appointment WHERE service = ?1 AND id = ?2"),
                params![service, id],
                row,
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreKey;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn visit(id: &str, start: &str, end: &str) -> Appointment {
        Appointment {
            id: id.into(),
            kind: AppointmentKind::HomeVisit,
            status: AppointmentStatus::Booked,
            start: at(start),
            end: at(end),
            description: Some("Besøk".into()),
            instruction: None,
            with: vec!["Ola".into()],
        }
    }

    #[test]
    fn appointments_are_kept_per_service_changed_and_forgotten() {
        let mut store = Store::open_in_memory(&StoreKey::from_bytes([1; 32])).unwrap();
        let now = at("2026-12-04T08:00:00Z");
        let a = visit("a", "2026-12-04T09:00:00Z", "2026-12-04T10:00:00Z");
        let b = visit("b", "2026-12-05T09:00:00Z", "2026-12-05T10:00:00Z");
        assert_eq!(store.save_appointments("s1", &[a.clone(), b.clone()], &[], now).unwrap(), 2);
        assert_eq!(
            store.save_appointments("s1", std::slice::from_ref(&a), &[], now).unwrap(),
            0,
            "the same again changes nothing"
        );
        let all = |store: &Store, s: &str| store.appointments(s, Timestamp::MIN, Timestamp::MAX).unwrap();
        assert_eq!(all(&store, "s1"), [a.clone(), b.clone()]);
        assert!(all(&store, "s2").is_empty(), "another service's are not shown");
        let moved = Appointment { status: AppointmentStatus::Cancelled, ..a.clone() };
        assert_eq!(store.save_appointments("s1", std::slice::from_ref(&moved), &[], now).unwrap(), 1);
        assert_eq!(store.appointment("s1", "a").unwrap(), Some(moved));
        assert_eq!(
            store.appointments("s1", at("2026-12-04T10:00:00Z"), Timestamp::MAX).unwrap(),
            std::slice::from_ref(&b)
        );
        assert_eq!(store.save_appointments("s1", &[], &["b".into(), "zz".into()], now).unwrap(), 1);
        assert_eq!(all(&store, "s1").len(), 1);

        // The service lists the window again: what it no longer lists
        // there goes; what ended before the window stays as history.
        let old = visit("old", "2026-11-01T09:00:00Z", "2026-11-01T10:00:00Z");
        store.save_appointments("s1", &[old.clone(), b.clone()], &[], now).unwrap();
        let since = at("2026-11-20T00:00:00Z");
        assert_eq!(store.replace_appointments("s1", since, std::slice::from_ref(&b), now).unwrap(), 1, "a1 goes");
        let ids: Vec<String> = all(&store, "s1").into_iter().map(|a| a.id).collect();
        assert_eq!(ids, ["old", "b"]);
    }
}
