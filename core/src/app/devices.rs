//! Readings from devices: whether the device watch should scan now
//! ([`App::scan_wanted`], by [`crate::devices::scan_plan`];
//! [`App::measuring`] when the measure screen opens), finding devices to
//! pair (the demo's simulated ones in demo mode, else a scanner the shell
//! gives), a device session into the store of the follow-up it began in
//! (the background device watch; the store is locked only per record), and the Mål screen's
//! "measure with the device", which in demo mode runs a simulated device
//! through the real decoders and session and otherwise waits for the device
//! watch's next reading.

use std::{future::Future, sync::Arc, time::Duration};

use serde::Serialize;

use super::{follow_up::FollowUp, App, Change, Mode, Notification, Platform};
use crate::{
    call::media::CallMedia,
    demo,
    devices::{
        scan_plan::{scan_now, ScanContext, ScanReason},
        session::{self, ReadingSink, SessionConfig, SessionReport},
        simulator::{SimulatedDevice, SimulatedLink},
        transport::{Scanner, Transport, TransportError, HEALTH_SERVICES},
        BluetoothStatus,
    },
    error::{CoreError, ErrorCode},
    measurement::Measurement,
    plan::{CarePlan, MeasurementKind},
    results::ReadingResult,
    vocabulary::HealthService,
    vocabulary::{Colour, ResultItem},
};

/// How long the Mål screen waits for a real device's reading.
const MEASURE_WAIT: Duration = Duration::from_secs(180);
/// How often that wait looks whether Bluetooth has gone meanwhile.
const MEASURE_LOOK_EVERY: Duration = Duration::from_secs(1);
/// The demo's cuff pumps, its scale settles: a moment before the value comes.
const DEMO_SETTLE: Duration = Duration::from_millis(1200);
/// A paired device in range may take this long between packets before
/// it is called quiet (stored records come in bursts).
const WATCH_QUIET_AFTER: Duration = Duration::from_secs(20);
/// The demo's simulated device answers at once.
const DEMO_QUIET_AFTER: Duration = Duration::from_millis(50);
/// How long a nurse's search for devices listens.
const SCAN_FOR: Duration = Duration::from_secs(8);
/// The demo's device that sends by itself does so this long after asked.
const DEMO_BACKGROUND_AFTER: Duration = Duration::from_secs(4);
/// The demo's search takes a moment too, as a real one would.
const DEMO_SCAN: Duration = Duration::from_millis(800);

/// Which device a session talks to.
#[derive(Debug, Clone, Copy)]
pub enum SessionWith {
    /// A paired device in range: its clock is set, and records after
    /// `last_sequence` are fetched.
    Paired { last_sequence: Option<u16> },
    /// The demo's simulated device.
    Demo,
}

/// A device found nearby that can be paired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FoundDevice {
    pub id: String,
    pub service: HealthService,
    pub name: String,
    pub paired: bool,
}

fn bluetooth_unavailable(e: TransportError) -> CoreError {
    CoreError::new(ErrorCode::BluetoothUnavailable, e.to_string())
}

/// Stores into the store of the follow-up the session began in, locking
/// it only per record, for whoever records now (training overrides),
/// tells the screens and wakes sync. An enrolment or the end meanwhile
/// stops it: a reading judged by one follow-up's plan never goes into
/// another's record.
struct AppSink<'a, P: Platform, M: CallMedia> {
    app: &'a App<P, M>,
    follow_up: Option<Arc<FollowUp>>,
    device_id: &'a str,
    /// The plan in force; `None` when an enrolled tablet has none yet.
    plan: Option<&'a CarePlan>,
    /// The newest red reading stored in this session, if any.
    newest_red: Option<i64>,
    origin: SessionOrigin,
}

impl<P: Platform, M: CallMedia> ReadingSink for AppSink<'_, P, M> {
    fn store(&mut self, measurements: &[Measurement], sequence: Option<u16>) -> Result<(), CoreError> {
        // Readings a device sends by itself are no use of the nurse screens.
        let recorder = match self.origin {
            SessionOrigin::MeasureScreen => self.app.recording_by(),
            SessionOrigin::Background => self.app.recorder(),
        };
        let follow_up =
            self.follow_up.as_ref().filter(|f| self.app.is_current(f)).ok_or_else(|| {
                CoreError::new(ErrorCode::StoreFailed, "the follow-up changed during the device session")
            })?;
        let stored = follow_up.with_store_mut(|store| {
            crate::recording::StoreSink {
                store,
                device_id: self.device_id,
                recorder: &recorder,
                clock: self.app.clock(),
                plan: self.plan,
            }
            .store_new(measurements, sequence)
        })?;
        for (id, colour) in stored {
            if colour == Some(Colour::Red) {
                self.newest_red = self.newest_red.max(Some(id));
            }
            self.app.recorded(ResultItem::Reading { id }, colour);
        }
        self.app.device_readings.send_modify(|n| *n += 1);
        self.app.sync_soon();
        Ok(())
    }
}

/// Who started a device session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionOrigin {
    /// The patient, on the measure screen, which shows the result itself.
    MeasureScreen,
    /// The device watch, with nobody looking: a red it stores is shown at
    /// once (with a notification when the window is hidden).
    Background,
}

/// When the app started, the measure screen was last opened and the device
/// watch last scanned (`devices::scan_plan`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scans {
    started: jiff::Timestamp,
    measure_opened: Option<jiff::Timestamp>,
    last_scan: Option<jiff::Timestamp>,
}

impl Scans {
    pub(crate) fn new(started: jiff::Timestamp) -> Scans {
        Scans { started, measure_opened: None, last_scan: None }
    }
}

impl<P: Platform, M: CallMedia> App<P, M> {
    /// The measure screen was opened: the device watch looks for devices
    /// for a while.
    pub fn measuring(&self) {
        self.scans.lock().unwrap().measure_opened = Some(self.clock.now());
    }

    /// Whether the device watch should scan now, and why (remembered as
    /// its last scan); `None`: wait (`devices::scan_plan`).
    pub fn scan_wanted(&self) -> Option<ScanReason> {
        let now = self.clock.now();
        let tasks = self.tasks_now().ok().flatten().map(|(_, tasks)| tasks).unwrap_or_default();
        let mut scans = self.scans.lock().unwrap();
        let reason = scan_now(&ScanContext {
            now,
            started: scans.started,
            measure_opened: scans.measure_opened,
            last_scan: scans.last_scan,
            tasks: &tasks,
        });
        if reason.is_some() {
            scans.last_scan = Some(now);
        }
        reason
    }

    /// The plan in force now, if any.
    pub(crate) fn plan_in_force(&self) -> Option<CarePlan> {
        self.with_plan(|_, plan| Ok(plan)).ok().flatten()
    }

    /// Looks for health devices nearby (nurse only): the demo's simulated
    /// ones in demo mode, otherwise with the scanner `open_scanner` gives.
    pub async fn find_devices<S: Scanner, F: Future<Output = Result<S, TransportError>>>(
        &self,
        open_scanner: impl FnOnce() -> F,
    ) -> Result<Vec<FoundDevice>, CoreError> {
        self.require_nurse()?;
        let paired: Vec<String> = self.paired_devices()?.into_iter().map(|d| d.id).collect();
        let found: Vec<(String, HealthService, String)> = match self.mode() {
            Mode::Demo => {
                tokio::time::sleep(DEMO_SCAN).await;
                MeasurementKind::ALL
                    .iter()
                    .filter_map(|k| demo::devices::identity(*k))
                    .filter_map(|(id, service, _, name)| {
                        Some((id.to_string(), HealthService::from_uuid16(service)?, name.to_string()))
                    })
                    .collect()
            }
            Mode::Enrolled | Mode::Revoked | Mode::Recovery | Mode::Ended => {
                let mut scanner = open_scanner().await.map_err(bluetooth_unavailable)?;
                scanner
                    .scan(&HEALTH_SERVICES, SCAN_FOR)
                    .await
                    .map_err(bluetooth_unavailable)?
                    .into_iter()
                    .filter_map(|a| {
                        let name = a.name.clone().unwrap_or_else(|| a.id.clone());
                        // The first health service it offers (it may list others first).
                        let service = a.services.iter().find_map(|s| HealthService::from_uuid16(*s))?;
                        Some((a.id.clone(), service, name))
                    })
                    .collect()
            }
        };
        Ok(found
            .into_iter()
            .map(|(id, service, name)| FoundDevice { paired: paired.contains(&id), id, service, name })
            .collect())
    }

    /// Runs a device session over `link` into the store (clock, stored
    /// records, live readings) and remembers what it learnt about the device.
    pub async fn take_readings<T: Transport>(
        &self,
        link: &mut T,
        device_id: &str,
        with: SessionWith,
        origin: SessionOrigin,
    ) -> SessionReport {
        self.session_in(self.follow_up(), link, device_id, with, origin).await
    }

    /// A device session into `follow_up` (see [`AppSink`]).
    async fn session_in<T: Transport>(
        &self,
        follow_up: Option<Arc<FollowUp>>,
        link: &mut T,
        device_id: &str,
        with: SessionWith,
        origin: SessionOrigin,
    ) -> SessionReport {
        let plan = follow_up.as_ref().and_then(|f| f.with_plan(self.clock(), |_, plan| Ok(plan)).ok().flatten());
        let tz = self.clock.time_zone();
        let (last_sequence, set_clock, wait) = match with {
            SessionWith::Paired { last_sequence } => (last_sequence, true, WATCH_QUIET_AFTER),
            SessionWith::Demo => (None, false, DEMO_QUIET_AFTER),
        };
        let config = SessionConfig { device_id, time_zone: &tz, clock: self.clock(), last_sequence, set_clock, wait };
        let mut sink = AppSink {
            app: self,
            follow_up: follow_up.clone(),
            device_id,
            plan: plan.as_ref(),
            newest_red: None,
            origin,
        };
        let report = session::run(link, &config, &mut sink).await;
        if let (Some(id), SessionOrigin::Background) = (sink.newest_red, origin) {
            let locale = self.settings().locale;
            let notification = Notification {
                title: crate::locale::format(locale, "notify-reading-title", &[]),
                body: crate::locale::format(locale, "notify-reading-body", &[]),
            };
            self.tell(Change::ShowReading { id, notification });
        }
        let now = self.clock.now();
        let remembered = follow_up
            .filter(|f| self.is_current(f))
            .map(|f| f.with_store(|store| Ok(crate::recording::remember_device(store, device_id, &report, now)?)));
        if let Some(Err(e)) = remembered {
            log::warn!("registry update failed: {e}");
        }
        report
    }

    /// Demo only: in a few seconds the demo's oximeter sends a reading by
    /// itself, red, as a device used with the app closed does — through
    /// the same session, judging and telling as a real background reading.
    pub async fn demo_background_reading(&self) -> Result<(), CoreError> {
        let demo = self.demo_follow_up()?;
        tokio::time::sleep(DEMO_BACKGROUND_AFTER).await;
        self.run_demo_device(&demo, demo::devices::background_device(), SessionOrigin::Background).await
    }

    /// The follow-up now, if it is the demo's (a demo device runs into it
    /// only, even if the tablet is enrolled meanwhile).
    fn demo_follow_up(&self) -> Result<Arc<FollowUp>, CoreError> {
        self.follow_up()
            .filter(|f| f.demo().is_some())
            .ok_or_else(|| CoreError::new(ErrorCode::MeasureNoDevice, "only in demo mode"))
    }

    /// Runs one of the demo's simulated devices through the real session
    /// (paired on first use); its first bad packet or failed store is the
    /// error.
    async fn run_demo_device(
        &self,
        demo: &Arc<FollowUp>,
        device: SimulatedDevice,
        origin: SessionOrigin,
    ) -> Result<(), CoreError> {
        // Enrolled meanwhile: the demo's reading never goes into a real record.
        if !self.is_current(demo) {
            return Err(CoreError::new(ErrorCode::MeasureNoDevice, "no longer in demo mode"));
        }
        let (id, name) = (device.id.clone(), device.name.clone());
        let service = device.services.iter().find_map(|s| HealthService::from_uuid16(*s));
        let service = service.ok_or_else(|| CoreError::new(ErrorCode::MeasureNoDevice, "no health service"))?;
        demo.with_store(|s| Ok(s.pair_device(&id, service, &name, self.clock.now())?))?;
        let mut link = SimulatedLink::new(device);
        let report = self.session_in(Some(demo.clone()), &mut link, &id, SessionWith::Demo, origin).await;
        if let Some((_, error)) = report.bad_packets.first() {
            return Err(CoreError::new(error.code(), error.to_string()));
        }
        match report.store_failures.into_iter().next() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// Takes a reading of `kind` with a device, for the Mål screen.
    pub async fn measure_with_device(&self, kind: MeasurementKind) -> Result<ReadingResult, CoreError> {
        // At the store's precision (it keeps milliseconds): a reading
        // stored within the same millisecond counts as after the start.
        let now = self.clock.now();
        let started = jiff::Timestamp::from_millisecond(now.as_millisecond()).unwrap_or(now);
        let mut stored = self.device_readings.subscribe();
        if let Ok(demo) = self.demo_follow_up() {
            let wobble = u16::from_le_bytes(self.random_bytes::<2>()?);
            let device = demo::devices::device(kind, wobble)
                .ok_or_else(|| CoreError::new(ErrorCode::MeasureNoDevice, format!("{kind:?}")))?;
            tokio::time::sleep(DEMO_SETTLE).await;
            self.run_demo_device(&demo, device, SessionOrigin::MeasureScreen).await?;
        }
        let deadline = tokio::time::Instant::now() + MEASURE_WAIT;
        loop {
            // Stored records can carry an older device time; a month back is plenty.
            let since = started - jiff::SignedDuration::from_hours(24 * 31);
            let newest = self.with_store(|store| {
                Ok(store
                    .readings(kind, since, jiff::Timestamp::MAX)?
                    .into_iter()
                    .filter(|r| r.received >= started)
                    .map(|r| r.id)
                    .max())
            })?;
            if let Some(id) = newest {
                return self.reading(id);
            }
            if self.mode() == Mode::Demo {
                return Err(CoreError::new(ErrorCode::MeasureTimeout, "the demo device sent nothing"));
            }
            // Nothing can come while Bluetooth is gone: said at once, not
            // after the wait (the device watch finds out and tells).
            if matches!(self.bluetooth(), BluetoothStatus::Unavailable { .. }) {
                return Err(CoreError::new(ErrorCode::BluetoothUnavailable, "bluetooth is not there"));
            }
            // The device watch stores the paired device's next reading.
            let tick = (tokio::time::Instant::now() + MEASURE_LOOK_EVERY).min(deadline);
            if tokio::time::timeout_at(tick, stored.changed()).await.is_err() && tick == deadline {
                return Err(CoreError::new(ErrorCode::MeasureTimeout, "no reading from the device in time"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{
        app::{testing::TestApp, Mode},
        plan::MeasurementKind,
        store::readings::EnteredBy,
    };

    #[tokio::test(start_paused = true)]
    async fn the_demo_measures_through_the_real_session_for_whoever_records() {
        let t = TestApp::demo();
        assert_eq!(t.app.mode(), Mode::Demo);
        t.app.set_taken_by(EnteredBy::Relative, None).unwrap();
        let result = t.app.measure_with_device(MeasurementKind::BloodPressure).await.unwrap();
        assert_eq!(result.kind, MeasurementKind::BloodPressure);
        assert!(result.values.iter().any(|v| v.code == "8480-6"), "systolic is there: {:?}", result.values);
        let paired = t.app.paired_devices().unwrap();
        assert_eq!(paired.len(), 1, "the demo cuff is paired on first use");
    }

    /// A device session that began in the demo and is still running when
    /// the tablet is enrolled stores nothing more, into neither store: a
    /// reading judged by the demo's plan never enters the real record.
    #[tokio::test]
    async fn a_session_stores_only_into_the_follow_up_it_began_in() {
        use crate::devices::session::ReadingSink;
        let t = TestApp::demo();
        let now = t.app.clock().now();
        let typed = std::collections::BTreeMap::from([("29463-7".to_string(), "79,6".to_string())]);
        let weight = crate::manual::measurement(MeasurementKind::BodyWeight, &typed, now).unwrap();
        let plan = t.app.plan_in_force();
        let count = |t: &TestApp| {
            let (from, to) = (jiff::Timestamp::MIN, jiff::Timestamp::MAX);
            t.app.with_store(|s| Ok(s.readings(MeasurementKind::BodyWeight, from, to)?.len())).unwrap()
        };
        let mut sink = super::AppSink {
            app: &t.app,
            follow_up: t.app.follow_up(),
            device_id: "demo-scale",
            plan: plan.as_ref(),
            newest_red: None,
            origin: super::SessionOrigin::Background,
        };
        let before = count(&t);
        sink.store(std::slice::from_ref(&weight), None).unwrap();
        assert_eq!(count(&t), before + 1, "stored while the demo is the follow-up");
        t.app.finish_enrolment(&TestApp::enrolment("https://127.0.0.1:9/r4")).unwrap();
        assert_eq!(sink.store(std::slice::from_ref(&weight), None).unwrap_err().code, "store-failed");
        assert_eq!(count(&t), 0, "nothing in the real store");
    }

    #[tokio::test(start_paused = true)]
    async fn an_enrolled_tablet_waits_for_the_device_and_then_gives_up() {
        let t = TestApp::enrolled();
        let error = t.app.measure_with_device(MeasurementKind::BodyWeight).await.unwrap_err();
        assert_eq!(error.code, "measure-timeout");
    }

    #[tokio::test]
    async fn finding_devices_needs_the_nurse() {
        let t = TestApp::demo();
        let refused = t.app.find_devices(crate::app::testing::no_scanner).await.unwrap_err();
        assert_eq!(refused.code, "nurse-locked");
        t.app.nurse_unlock("2468").unwrap();
        let found = t.app.find_devices(crate::app::testing::no_scanner).await.unwrap();
        let demo_devices =
            MeasurementKind::ALL.iter().filter(|k| crate::demo::devices::identity(**k).is_some()).count();
        assert_eq!(found.len(), demo_devices, "the demo's simulated devices, no scanner needed");
        let cuff = &found[0];
        let paired = t.app.pair_device(&cuff.id, cuff.service, &cuff.name).unwrap();
        assert_eq!(paired.len(), 1);
        let again = t.app.find_devices(crate::app::testing::no_scanner).await.unwrap();
        assert!(again.iter().any(|d| d.id == cuff.id && d.paired));
    }

    #[tokio::test]
    async fn an_enrolled_tablet_scans_with_the_scanner_it_is_given() {
        let t = TestApp::enrolled_at("https://fhir.invalid/r4");
        let t = t.restart_with(|c| c.nurse_code = Some("9753".into()));
        t.app.nurse_unlock("9753").unwrap();
        let error = t.app.find_devices(crate::app::testing::no_scanner).await.unwrap_err();
        assert_eq!(error.code, "bluetooth-unavailable");
    }
}
