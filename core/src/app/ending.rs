//! Ending the follow-up on this tablet ("Avslutt oppfølgingen", on the
//! nurse's page): what has not reached the service is sent first — or, on
//! the nurse's explicit word, given up with a notice to the service (when it
//! can still be sent) — the tokens are revoked at the service (RFC 7009),
//! and every secret and file of the app is removed, the store key first. The
//! patient sees a goodbye ([`super::Mode::Ended`]); the next start is a new
//! tablet's. Reached from the recovery screen too
//! ([`super::Mode::Recovery`]: the database's key lost, the file untouched):
//! then nothing can be sent, and ending gives it up — refused while a key
//! an earlier version of the app kept might still open it
//! (`end-old-key-waits`).
//!
//! The patient's own copy of the record, saved as a file on the tablet
//! ([`App::save_copy`]), is noted in the store: the end's checklist names
//! each one (so the nurse can tell the patient to move it off the tablet
//! first) and the end removes them with the rest, so the next borrower of a
//! lent tablet finds nothing.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use serde::{Deserialize, Serialize};

use super::{App, Mode, Platform, StoreFile};
use crate::{
    call::media::CallMedia,
    error::{CoreError, ErrorCode},
    settings::Settings,
    store::outbox::Unsent,
    sync::enrol,
};

pub(crate) const REVOKE_TIMEOUT: Duration = Duration::from_secs(15);
/// Store setting: the copies of the record saved on this tablet (a JSON
/// list of paths).
const SAVED_COPIES_SETTING: &str = "export.saved";
/// The same list in the data folder (paths only, owner-only), so an end
/// from the recovery screen, which cannot read the store, still finds and
/// removes the copies.
const SAVED_COPIES_FILE: &str = "saved-copies.json";

/// What the nurse is told before she ends the follow-up: what has not
/// reached the service (`None`: the database cannot be read), and the
/// copies of the record saved on the tablet, which the end removes.
#[derive(Debug, Clone, Serialize)]
pub struct EndChecklist {
    pub unsent: Option<Unsent>,
    /// Each copy's file name and folder.
    pub copies: Vec<SavedCopy>,
}

/// A copy of the record saved on this tablet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedCopy {
    pub file_name: String,
    pub folder: String,
}

/// The longest wait for a sync round under way before files are removed.
const ROUND_WAIT: Duration = Duration::from_secs(60);

/// What the nurse chose for items not sent yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndWith {
    /// Send everything first; refuse to end (`end-unsent`) if something
    /// could not be sent.
    SendingFirst,
    /// The nurse confirmed: give up what cannot be sent.
    GivingUpUnsent,
}

/// How the follow-up ended, for the goodbye screen and the nurse.
#[derive(Debug, Clone, Serialize)]
pub struct Ended {
    /// What was given up unsent (zero when everything was sent).
    pub given_up: Unsent,
    /// The service revoked the tablet's tokens (false: it offers no
    /// revocation, or could not be reached — the tokens are gone from the
    /// tablet either way).
    pub tokens_revoked: bool,
}

impl<P: Platform, M: CallMedia> App<P, M> {
    /// Saves the patient's own record ([`App::export_record`]) in `folder`
    /// (the shell's documents folder), readable by the owner only, and
    /// notes it so the end removes it. Returns where it is.
    pub fn save_copy(&self, folder: &Path) -> Result<PathBuf, CoreError> {
        let export = self.export_record()?;
        let path = folder.join(&export.file_name);
        let failed = |e: &dyn std::fmt::Display| CoreError::new(ErrorCode::ExportFailed, e.to_string());
        // Noted first, in the store and in the data folder: a copy written
        // is always one the end knows of.
        self.with_store(|store| {
            let mut saved = saved_copies(store);
            if !saved.contains(&path) {
                saved.push(path.clone());
            }
            let text = serde_json::to_string(&saved).map_err(|e| failed(&e))?;
            crate::atomic_file::write(
                &self.config.data_dir.join(SAVED_COPIES_FILE),
                text.as_bytes(),
                crate::atomic_file::Access::OwnerOnly,
            )
            .map_err(|e| failed(&e))?;
            Ok(store.set_setting(SAVED_COPIES_SETTING, &text)?)
        })?;
        crate::atomic_file::write(&path, export.text.as_bytes(), crate::atomic_file::Access::OwnerOnly)
            .map_err(|e| failed(&e))?;
        Ok(path)
    }

    /// What the nurse is told before she ends the follow-up (nurse only).
    pub fn end_checklist(&self) -> Result<EndChecklist, CoreError> {
        let unsent = self.unsent()?;
        let in_store = self.with_store(|store| Ok(saved_copies(store))).unwrap_or_default();
        let copies = known_copies(in_store, &self.config.data_dir)
            .into_iter()
            .filter(|p| is_copy_on_disk(p))
            .map(|p| SavedCopy {
                file_name: p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                folder: p.parent().map(|d| d.display().to_string()).unwrap_or_default(),
            })
            .collect();
        Ok(EndChecklist { unsent, copies })
    }

    /// What has not reached the service yet (nurse only). Without an open
    /// database (recovery) nothing can be counted: `None`.
    pub fn unsent(&self) -> Result<Option<Unsent>, CoreError> {
        self.require_nurse()?;
        Ok(match self.mode() {
            Mode::Demo | Mode::Ended => Some(Unsent::default()),
            Mode::Recovery => None,
            Mode::Enrolled | Mode::Revoked => Some(self.with_store(|s| Ok(s.unsent()?))?),
        })
    }

    /// Ends the follow-up on this tablet (nurse only); see the module.
    pub async fn end_follow_up(&self, with: EndWith) -> Result<Ended, CoreError> {
        self.require_nurse()?;
        let mode = self.mode();
        let mut given_up = Unsent::default();
        // What waits after the last round (the given-up notice, if the
        // service no longer listens): anything beyond it at the close was
        // stored while the end was under way.
        let mut settled = Unsent::default();
        match mode {
            Mode::Ended => return Ok(Ended { given_up, tokens_revoked: false }),
            Mode::Demo => {}
            Mode::Recovery if with == EndWith::SendingFirst => {
                return Err(CoreError::new(ErrorCode::EndUnsent, "the database cannot be read"));
            }
            Mode::Recovery => {
                // A key an earlier version kept may still open the data:
                // nothing is removed while it might (or the keyring cannot
                // tell). One whose key check names another key cannot.
                let real = StoreFile::Real.path(&self.config.data_dir);
                let might_open = match self.platform.old_store_key() {
                    Ok(None) => false,
                    Ok(Some(old)) => crate::store::Store::key_may_open(&real, &old),
                    Err(_) => true,
                };
                if might_open {
                    return Err(CoreError::new(ErrorCode::EndOldKeyWaits, "a key under the old identifier"));
                }
            }
            Mode::Enrolled | Mode::Revoked => {
                self.sync_round().await;
                let unsent = self.with_store(|s| Ok(s.unsent()?))?;
                if unsent.total() > 0 {
                    if with == EndWith::SendingFirst {
                        return Err(CoreError::new(ErrorCode::EndUnsent, format!("{} items", unsent.total())));
                    }
                    given_up = self.with_store_mut(|s| Ok(s.give_up_unsent(self.clock.now())?))?;
                    // The notice of what was given up, when the service still listens.
                    self.sync_round().await;
                }
                settled = self.with_store(|s| Ok(s.unsent()?))?;
            }
        }
        // The end proper begins: no round starts any more, one under way
        // finishes first (at most a minute), and no token is written back
        // from here on; the newest tokens, as a last refresh left them, are
        // the ones revoked.
        let ending = self.follow_up();
        let round = match &ending {
            Some(follow_up) => {
                follow_up.close();
                Some(tokio::time::timeout(ROUND_WAIT, follow_up.round.lock()).await)
            }
            None => None,
        };
        self.push_forget().await;
        let tokens_revoked = match self.enrolment() {
            Ok(Some(enrolment)) => match enrol::revoke(&enrolment, REVOKE_TIMEOUT).await {
                Ok(revoked) => revoked,
                Err(error) => {
                    log::warn!("tokens not revoked at the service: {}", error.code());
                    false
                }
            },
            Ok(None) => false,
            Err(error) => {
                log::warn!("enrolment unreadable at the end: {error}");
                false
            }
        };
        drop(round);
        let late = self.remove_everything().await?;
        // Stored while the end was under way (after its last round): gone
        // with the rest, and said so.
        if matches!(mode, Mode::Enrolled | Mode::Revoked) {
            let more = |at_close: i64, before: i64| (at_close - before).max(0);
            given_up.readings += more(late.readings, settled.readings);
            given_up.answers += more(late.answers, settled.answers);
            given_up.messages += more(late.messages, settled.messages);
            given_up.other += more(late.other, settled.other);
            if more(late.total(), settled.total()) > 0 {
                log::warn!("items stored while the follow-up ended were not sent");
            }
        }
        log::info!("follow-up ended on this tablet");
        Ok(Ended { given_up, tokens_revoked })
    }

    /// Removes every secret and file of the app: the follow-up taken away
    /// and dropped, the store key first, then the databases with their WAL
    /// and key checks (the enrolment in it), any old copy of the enrolment
    /// in the keyring, then everything else in the data
    /// folder (settings, quarantine, logs, the nurse guesses). The app
    /// then shows the goodbye. Returns what its store still held unsent
    /// when it was closed.
    async fn remove_everything(&self) -> Result<Unsent, CoreError> {
        // Taken first, so no new round or screen opens the store; a round
        // already under way (the sync loop's, its token refresh included)
        // finishes before files go, or is given up after a minute (closed,
        // it can no longer write the enrolment back).
        let follow_up = self.follow_up.lock().unwrap().take();
        let mut late = Unsent::default();
        let mut copies = vec![];
        if let Some(follow_up) = follow_up {
            follow_up.close();
            let _round = tokio::time::timeout(ROUND_WAIT, follow_up.round.lock()).await;
            if let Some(store) = follow_up.close_store() {
                late = store.unsent().unwrap_or_default();
                copies = saved_copies(&store);
            }
        }
        *self.pending_enrolment.lock().unwrap() = None;
        let copies = known_copies(copies, &self.config.data_dir);
        let mut failures = Vec::new();
        if let Err(error) = self.platform.forget_store_key() {
            failures.push(format!("store key: {error}"));
        }
        let dir = &self.config.data_dir;
        for file in [StoreFile::Real, StoreFile::Demo] {
            failures.extend(remove_database(&file.path(dir)));
        }
        // The enrolment went with the database; a copy an earlier
        // version left in the keyring goes too.
        if let Err(error) = self.platform.forget_old_enrolment() {
            failures.push(format!("enrolment: {error}"));
        }
        // While the real database is still there (it could not be
        // removed), its nurse code stays too: the end can be tried again
        // from the recovery screen.
        // The patient's copies saved on the tablet, before the list of
        // them in the data folder goes. Their paths stay out of the log
        // (a home folder may carry the patient's name).
        let mut keep = vec![];
        for copy in copies.iter().filter(|p| is_copy_on_disk(p)) {
            if remove(copy).is_some() {
                failures.push("a saved copy of the record could not be removed".to_string());
                // The list stays, so the end tried again still finds it.
                keep.push(SAVED_COPIES_FILE);
            }
        }
        if crate::store::Store::exists_at(&StoreFile::Real.path(dir)) {
            keep.push(super::nurse::NURSE_CODE_FILE);
        }
        failures.extend(remove_folder_contents(dir, &keep));
        let locale = self.settings.lock().unwrap().locale;
        *self.settings.lock().unwrap() = Settings { locale, ..Settings::default() };
        {
            let mut people = self.people.lock().unwrap();
            (people.nurse_unlocked, people.training, people.nurse_active_at) = (false, false, None);
            people.guesses = super::nurse::Guesses::default();
        }
        if failures.is_empty() {
            Ok(late)
        } else {
            log::error!("the end of the follow-up left something behind: {}", failures.join("; "));
            Err(CoreError::new(ErrorCode::EndIncomplete, failures.join("; ")))
        }
    }
}

/// Whether `path` is a copy as this app writes it, still there: a regular
/// file named `heima-<date>.json`. Only such a file is named at the end and
/// removed as a copy.
fn is_copy_on_disk(path: &Path) -> bool {
    let named =
        path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("heima-") && n.ends_with(".json"));
    named && std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// The copies noted in the store (`in_store`; none when it cannot be read)
/// and in the data folder's list, each once.
fn known_copies(in_store: Vec<PathBuf>, data_dir: &Path) -> Vec<PathBuf> {
    let listed: Vec<PathBuf> = crate::atomic_file::read(&data_dir.join(SAVED_COPIES_FILE))
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let mut all = in_store;
    for path in listed {
        if !all.contains(&path) {
            all.push(path);
        }
    }
    all
}

/// The copies of the record noted in `store`.
fn saved_copies(store: &crate::store::Store) -> Vec<PathBuf> {
    let text = store.setting(SAVED_COPIES_SETTING).ok().flatten().unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_default()
}

/// Removes a database file and its companions (WAL, shared memory, key
/// check); a file that is not there is fine.
fn remove_database(path: &Path) -> Vec<String> {
    ["", "-wal", "-shm", "-journal", ".keycheck"]
        .iter()
        .filter_map(|suffix| {
            let mut name = path.as_os_str().to_os_string();
            name.push(suffix);
            remove(Path::new(&name))
        })
        .collect()
}

/// Removes everything inside the data folder; the folder stays, private.
fn remove_folder_contents(dir: &Path, keep: &[&str]) -> Vec<String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => return vec![format!("{}: {e}", dir.display())],
    };
    entries
        .flatten()
        .filter(|entry| !keep.iter().any(|name| entry.file_name() == *name))
        .filter_map(|entry| remove(&entry.path()))
        .collect()
}

fn remove(path: &Path) -> Option<String> {
    let result = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => Err(e),
    };
    result.err().map(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use heima_test_support::{auth::AuthServer, hfs::Hfs};
    use serde_json::json;

    use super::EndWith;
    use crate::{
        app::{testing::TestApp, Mode, Platform},
        store::readings::{EnteredBy, NewReading},
        sync::client::FhirClient,
        trust::{LoopbackHttp, Trust},
        vocabulary::MeasurementKind,
    };

    const T: Duration = Duration::from_secs(10);

    /// A patient on the gateway's hfs with this fødselsnummer, and an
    /// activation code (QR text) for them.
    async fn patient(hfs: &Hfs, server: &AuthServer, fnr: &str, seed: u8) -> (String, String) {
        let direct = FhirClient::new(&hfs.base, T, None).unwrap();
        let identifier = json!([{ "system": crate::enrolment::FNR_SYSTEM, "value": fnr }]);
        let created =
            direct.post("Patient", &json!({ "resourceType": "Patient", "identifier": identifier })).await.unwrap();
        let id = created["id"].as_str().unwrap().to_string();
        let code = crate::enrolment::new_code(&[seed; 11]);
        server.state.lock().unwrap().activation_codes.insert(code.clone(), id.clone());
        let endpoint: String = url::form_urlencoded::byte_serialize(server.activation_endpoint().as_bytes()).collect();
        (format!("Patient/{id}"), format!("heima-enrol:?endpoint={endpoint}&code={code}"))
    }

    /// hfs behind the test gateway (issuing the tablet's nurse code
    /// `583920`), and a demo tablet that trusts it.
    async fn service_and_tablet() -> (Hfs, AuthServer, TestApp) {
        let hfs = Hfs::start().await;
        let server = AuthServer::start(&hfs.base).await;
        server.state.lock().unwrap().nurse_code = Some("583920".into());
        let trust = format!("{}=Testkommunen", server.base);
        let t = TestApp::demo_with(|c| c.trust = Trust::parse(&trust, LoopbackHttp::Allowed).unwrap());
        (hfs, server, t)
    }

    /// A weight typed in, queued (no plan is needed to keep it).
    fn weigh(app: &TestApp, grams: i32) {
        // One a minute back per 100 g, so no two are the same reading.
        let now = app.app.clock().now() - jiff::SignedDuration::from_mins(i64::from(grams % 1000 / 100));
        let typed = std::collections::BTreeMap::from([(
            "29463-7".to_string(),
            format!("{}.{}", grams / 1000, grams % 1000 / 100),
        )]);
        let m = crate::manual::measurement(MeasurementKind::BodyWeight, &typed, now).unwrap();
        app.app.with_store_mut(|s| Ok(s.insert_reading(&NewReading::unjudged(&m, EnteredBy::Patient, now))?)).unwrap();
    }

    /// Enrols (the nurse types the code she is given, confirms), and
    /// unlocks with the tablet's own code from the service.
    async fn enrol(t: &TestApp, qr: &str, nurse_code: &str) {
        t.app.nurse_unlock(crate::app::DEMO_NURSE_CODE).unwrap();
        let shown = t.app.enrol_with_code(qr).await.unwrap();
        t.app.confirm_enrolment(&shown.ticket).unwrap();
        t.app.nurse_lock();
        t.app.nurse_unlock(nurse_code).unwrap();
    }

    /// A lent tablet: patient A's follow-up ends with readings still
    /// queued (sent first), A's tokens are revoked at the service, the
    /// tablet is empty; patient B enrolled next sees nothing of A's, and
    /// nothing of A's carries B's name on the server.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_lent_tablet_ends_one_follow_up_and_starts_the_next_empty() {
        let (hfs, server, t) = service_and_tablet().await;
        let (patient_a, qr_a) = patient(&hfs, &server, "01017012345", 1).await;
        let (patient_b, qr_b) = patient(&hfs, &server, "02028054321", 2).await;

        enrol(&t, &qr_a, "583920").await;
        let a = t.kept_enrolment().unwrap();
        assert_eq!(a.national_id.as_deref(), Some("urn:oid:2.16.578.1.12.4.1.4.1|01017012345"));
        for grams in [80_100, 80_200, 80_300] {
            weigh(&t, grams);
        }
        t.app.send_message("Hei fra A").unwrap();
        // B's code while A is enrolled: refused before anything is kept.
        assert_eq!(t.app.enrol_with_code(&qr_b).await.unwrap_err().code, "enrol-other-person");
        assert_eq!(t.kept_enrolment().unwrap().patient, patient_a, "A's enrolment stays");
        // That code is used up (single use); the service gives a new one.
        let fresh = crate::enrolment::new_code(&[9; 11]);
        let b_id = patient_b.trim_start_matches("Patient/").to_string();
        server.state.lock().unwrap().activation_codes.insert(fresh.clone(), b_id);
        let qr_b = qr_b.replace(qr_b.rsplit("code=").next().unwrap(), &fresh);
        assert_eq!(t.app.unsent().unwrap().map(|u| (u.readings, u.messages)), Some((3, 1)), "queued, not sent");

        let ended = t.app.end_follow_up(EndWith::SendingFirst).await.unwrap();
        assert_eq!(ended.given_up.total(), 0);
        assert!(ended.tokens_revoked);
        assert_eq!(t.app.mode(), Mode::Ended);
        let direct = FhirClient::new(&hfs.base, T, None).unwrap();
        // Counted on the server, by the subject each Observation carries.
        let subjects = || async {
            let all = direct.search_all("Observation").await.unwrap();
            let of = |p: &str| all.iter().filter(|o| o["subject"]["reference"] == p).count();
            (of(&patient_a), of(&patient_b), all.len())
        };
        assert_eq!(subjects().await, (3, 0, 3), "sent first");
        // A's tokens are refused by the service now.
        let with_a = FhirClient::new(&a.fhir_base, T, Some(a.access_token.clone())).unwrap();
        assert_eq!(with_a.count("Observation").await.unwrap_err().code(), "sync-unauthorised");
        let refused = crate::sync::enrol::refresh(&a, T, jiff::Timestamp::now()).await.unwrap_err();
        assert_eq!(refused.code(), "sync-revoked");
        // Nothing is left on the tablet.
        assert!(t.kept_enrolment().is_none());
        assert!(t.platform().load_store_key().unwrap().is_none(), "the store key is gone");
        assert_eq!(std::fs::read_dir(t.data_dir()).unwrap().count(), 0, "the data folder is empty");

        // The next patient, on the same tablet.
        let t = t.restart();
        assert_eq!(t.app.mode(), Mode::Demo, "it starts as new");
        enrol(&t, &qr_b, "583920").await;
        assert_eq!(t.app.mode(), Mode::Enrolled);
        assert!(t.app.history(MeasurementKind::BodyWeight, 90).unwrap().points.is_empty(), "none of A's readings");
        assert!(t.app.messages().unwrap().is_empty(), "none of A's messages");
        assert_eq!(t.app.unsent().unwrap().map(|u| u.total()), Some(0));
        weigh(&t, 70_000);
        t.app.sync_round().await;
        assert_eq!(subjects().await, (3, 1, 4), "B's subject is on B's reading only");
    }

    /// A service out of reach: ending with sending first is refused and
    /// says what waits; the nurse's explicit give-up ends it anyway.
    #[tokio::test(flavor = "multi_thread")]
    async fn unsent_items_are_given_up_only_on_the_nurses_word() {
        // The first start's app is dropped with its connection (Windows
        // removes no open file).
        let t = TestApp::enrolled_at("http://127.0.0.1:9/fhir").restart_with(|c| c.nurse_code = Some("9753".into()));
        t.app.nurse_unlock("9753").unwrap();
        weigh(&t, 64_000);
        let refused = t.app.end_follow_up(EndWith::SendingFirst).await.unwrap_err();
        assert_eq!(refused.code, "end-unsent");
        assert_eq!(t.app.mode(), Mode::Enrolled, "nothing was removed");
        assert!(t.data_dir().join("heima.db").exists());
        let ended = t.app.end_follow_up(EndWith::GivingUpUnsent).await.unwrap();
        assert_eq!(ended.given_up.readings, 1);
        assert!(!ended.tokens_revoked, "this service offers no revocation");
        assert_eq!(t.app.mode(), Mode::Ended);
        assert_eq!(std::fs::read_dir(t.data_dir()).unwrap().count(), 0);
    }

    /// A reading stored while the end is under way (after its last round,
    /// before the store closes: here while the service takes its time to
    /// answer the revocation) cannot be sent any more: it goes with the
    /// rest, and the nurse is told it was given up.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_reading_stored_while_the_end_runs_is_counted_as_given_up() {
        let (hfs, server, t) = service_and_tablet().await;
        let (_, qr) = patient(&hfs, &server, "01017012345", 3).await;
        enrol(&t, &qr, "583920").await;
        weigh(&t, 80_100);
        server.state.lock().unwrap().revoke_delay_ms = 1_500;
        let late = async {
            while !server.state.lock().unwrap().requests.iter().any(|r| r == "POST /revoke") {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            weigh(&t, 80_200);
        };
        let (ended, ()) = tokio::join!(t.app.end_follow_up(EndWith::SendingFirst), late);
        let ended = ended.unwrap();
        assert_eq!((ended.given_up.readings, ended.given_up.total()), (1, 1), "the late one, told");
        let direct = FhirClient::new(&hfs.base, T, None).unwrap();
        assert_eq!(direct.count("Observation").await.unwrap(), 1, "the one before the end was sent");
        assert_eq!(std::fs::read_dir(t.data_dir()).unwrap().count(), 0, "nothing left");
    }

    /// The keyring is lost (the store key and the enrolment with the nurse
    /// code's hash), in a release build (no configured code): the tablet's
    /// own nurse code still opens the nurse's page from the recovery
    /// screen, from the hash kept in the data folder, and the nurse ends.
    #[tokio::test]
    async fn a_lost_keyring_still_lets_the_nurse_end_with_the_tablets_code() {
        let t = TestApp::demo();
        let mut enrolment = TestApp::enrolment("https://fhir.invalid/r4");
        enrolment.nurse_code_hash = Some(crate::app::nurse::hash_nurse_code("583920", &[5; 16]).unwrap());
        t.app.finish_enrolment(&enrolment).unwrap();
        drop(t.app.take_store_for_tests());
        t.platform().forget_store_key();
        t.platform().forget_enrolment();
        let t = t.restart_with(|c| c.nurse_code = None);
        assert_eq!(t.app.mode(), Mode::Recovery);
        assert_eq!(t.app.nurse_unlock("000000").unwrap_err().code, "nurse-wrong-code");
        assert!(t.app.nurse_unlock("583920").unwrap());
        t.app.end_follow_up(EndWith::GivingUpUnsent).await.unwrap();
        assert_eq!(t.app.mode(), Mode::Ended);
        assert_eq!(std::fs::read_dir(t.data_dir()).unwrap().count(), 0, "the hash went with the rest");
    }

    /// The database's key is lost: the recovery mode; the nurse can end
    /// the follow-up from there (giving up what the file holds), but not
    /// while a key an earlier version kept might still open it; the copy
    /// of the record saved before is named and removed all the same.
    #[tokio::test]
    async fn the_recovery_screen_leads_to_the_end() {
        let t = TestApp::enrolled();
        t.app.with_store(|s| Ok(s.set_setting("probe", "kept")?)).unwrap();
        let documents = tempfile::tempdir().unwrap();
        let copy = t.app.save_copy(documents.path()).unwrap();
        drop(t.app.take_store_for_tests());
        t.platform().forget_store_key();
        let t = t.restart_with(|c| c.nurse_code = Some("9753".into()));
        assert_eq!(t.app.mode(), Mode::Recovery);
        assert_eq!(t.app.end_follow_up(EndWith::GivingUpUnsent).await.unwrap_err().code, "nurse-locked");
        t.app.nurse_unlock("9753").unwrap();
        assert_eq!(t.app.unsent().unwrap(), None, "the file cannot be read");
        assert_eq!(t.app.end_follow_up(EndWith::SendingFirst).await.unwrap_err().code, "end-unsent");
        // A key an earlier version kept (not moved: the keyring was locked),
        // or a keyring that cannot tell: nothing is given up.
        for old_key in [Some(Ok([7; 32])), Some(Err(()))] {
            t.platform().set_old_store_key(old_key);
            let refused = t.app.end_follow_up(EndWith::GivingUpUnsent).await.unwrap_err();
            assert_eq!(refused.code, "end-old-key-waits");
            assert_eq!(t.app.mode(), Mode::Recovery);
            assert!(t.data_dir().join("heima.db").exists());
        }
        // An old key the database's key check does not name cannot open it.
        t.platform().set_old_store_key(Some(Ok([9; 32])));
        // The store cannot be read, yet the copy of the record is named.
        let named: Vec<String> = t.app.end_checklist().unwrap().copies.into_iter().map(|c| c.file_name).collect();
        assert_eq!(named, [copy.file_name().unwrap().to_string_lossy().into_owned()]);
        t.app.end_follow_up(EndWith::GivingUpUnsent).await.unwrap();
        assert!(!copy.exists(), "the copy went with the end");
        assert_eq!(t.app.mode(), Mode::Ended);
        assert!(!t.data_dir().join("heima.db").exists());
    }
}
