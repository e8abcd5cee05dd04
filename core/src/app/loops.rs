//! The app's loops, as tasks in the core: sync rounds, the push channel,
//! plan reminders, the call watch, the nurse lock (training ends when the
//! lock closes, at that moment) and the device watch (a red from the
//! background is shown at once). Each waits on the app's own wake-ups or on
//! the time the core says, and tells what it finds as [`Change`]s; the clock
//! that says what is due is the injected one. The shell only spawns them on
//! its runtime (giving the device watch its Bluetooth scanner) and shows the
//! notifications the changes carry. Tested with a clock that moves with
//! tokio's paused time.

use std::time::Duration;

use jiff::Timestamp;

use super::{App, Change, Notification, Platform, SessionOrigin, SessionWith, CALL_LOOK_EVERY};
use crate::{
    call::media::CallMedia,
    devices::{
        transport::{Radio, Scanner, Transport},
        BluetoothStatus,
    },
};

/// How often the reminder loop looks for tasks that fell due.
pub const REMINDER_EVERY: Duration = Duration::from_secs(30);
/// With push working, the call watch waits for nothing but the channel.
const CALL_QUIET: Duration = Duration::from_secs(24 * 60 * 60);
/// How often the device watch asks whether to scan (`devices::scan_plan`).
pub const DEVICE_ASK_EVERY: Duration = Duration::from_secs(15);
/// How long one scan of the device watch listens.
const DEVICE_SCAN_FOR: Duration = Duration::from_secs(8);
/// A nurse lock with nothing to wait for is looked at again after this.
const NURSE_LOCK_IDLE: Duration = Duration::from_secs(60 * 60);

/// How long until `at` by `now`; zero when it has passed.
fn until(now: Timestamp, at: Timestamp) -> Duration {
    Duration::try_from(at.duration_since(now)).unwrap_or(Duration::ZERO)
}

impl<P: Platform, M: CallMedia> App<P, M> {
    /// Sync rounds: one at start, then when woken (enrolment, "send now",
    /// a new reading, the push channel) or as often as the core says
    /// (hourly with push, every 15 minutes without, sooner when something
    /// waiting to be sent is due).
    pub async fn run_sync(&self) {
        loop {
            self.sync_round().await;
            tokio::select! {
                _ = self.sync_wanted() => {}
                _ = tokio::time::sleep(self.sync_every()) => {}
            }
        }
    }

    /// Keeps the push channel up: one session after another, waiting
    /// between them as long as the core says (backoff after a failure,
    /// hours when the service offers no subscriptions), or until an
    /// enrolment wants a fresh start.
    pub async fn run_push(&self) {
        loop {
            let wait = self.push_session().await;
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.push_wanted() => {}
            }
        }
    }

    /// Reminds of the plan's tasks as they fall due and are not done, and
    /// of appointments before they begin ([`Change::Remind`], which the
    /// shell shows as a notification); tells the screens when an
    /// appointment's card changes with the time ([`Change::Appointments`]).
    pub async fn run_reminders(&self) {
        let mut last = self.clock.now();
        loop {
            tokio::time::sleep(REMINDER_EVERY).await;
            let now = self.clock.now();
            if self.appointments_turned(last, now) {
                self.tell(Change::Appointments);
            }
            for reminder in self.reminder_due(last, now) {
                let notification = Notification { title: reminder.title, body: reminder.body };
                self.tell(Change::Remind { notification, sound: self.settings().reminder_sound });
            }
            last = now;
        }
    }

    /// Looks for an incoming call when the push channel announces one (or,
    /// without push, as often as the core says), and tells when one rings.
    pub async fn run_call_watch(&self) {
        loop {
            tokio::select! {
                _ = self.call_check_wanted() => {}
                _ = tokio::time::sleep(self.call_poll_every().unwrap_or(CALL_QUIET)) => {}
            }
            // A call that rings is told (`Change::Ringing`).
            self.call_poll_incoming().await;
        }
    }

    /// Tells the call screen what changes in a call (`Change::Call`):
    /// looked at every [`CALL_LOOK_EVERY`] while a call rings or runs (the
    /// other side may hang up, the network fade), otherwise only when the
    /// line is touched. The pictures' numbers are left out: the pictures
    /// go to the window themselves ([`App::next_pictures`]).
    pub async fn run_call_screen(&self) {
        let mut told: Option<super::CallScreen> = None;
        loop {
            let mut screen = self.call_screen();
            (screen.line.frame, screen.line.preview) = (0, 0);
            let on = screen.line.phase.is_on();
            if told.as_ref() != Some(&screen) {
                told = Some(screen.clone());
                self.tell(Change::Call { screen });
            }
            if on {
                tokio::time::sleep(CALL_LOOK_EVERY).await;
            } else {
                tokio::select! {
                    _ = self.call_changed.notified() => {}
                    _ = tokio::time::sleep(CALL_QUIET) => {}
                }
            }
        }
    }

    /// Locks the nurse screens when their idle time is up (ending training,
    /// with a notice), at that moment rather than at the next tap; and
    /// forgets a wait after wrong nurse codes once it has run out.
    pub async fn run_nurse_lock(&self) {
        loop {
            // A wait after wrong codes that has ended is forgotten, so a
            // restart of the tablet later does not start it over.
            self.forget_an_ended_wait();
            let mut wait = match self.nurse_lock_due() {
                Some(due) => until(self.clock.now(), due),
                None => NURSE_LOCK_IDLE,
            };
            if let Some(left) = self.nurse_wait_left() {
                wait = wait.min(left + Duration::from_secs(1));
            }
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.nurse_lock_changed.notified() => {}
            }
            self.lock_nurse_screens_if_idle();
        }
    }

    /// Brings readings in without the patient doing anything but measuring:
    /// when the scan plan says a scan is useful, scans for the paired
    /// devices' services, connects to those in range and runs a device
    /// session into the store ([`SessionOrigin::Background`]: a red is shown
    /// at once). It also keeps [`App::bluetooth`] true: asked at start, and
    /// again whenever a scan fails (BlueZ stopped, the adapter gone) and
    /// then at every turn until Bluetooth can be used again, when a new
    /// scanner is opened; each change is told. Only counts and kinds of
    /// failure are logged.
    pub async fn run_device_watch<R: Radio>(&self, mut radio: R) {
        let mut scanner: Option<R::Scanner> = None;
        let mut first = true;
        loop {
            if !first {
                tokio::time::sleep(DEVICE_ASK_EVERY).await;
            }
            first = false;
            if scanner.is_none() {
                scanner = self.open_radio(&mut radio).await;
            }
            let Some(open) = scanner.as_mut() else { continue };
            let Ok(paired) = self.paired_devices() else { continue };
            if paired.is_empty() || self.scan_wanted().is_none() {
                continue;
            }
            let services: Vec<u16> = paired.iter().map(|d| d.service.uuid16()).collect();
            let in_range = match open.scan(&services, DEVICE_SCAN_FOR).await {
                Ok(found) => found,
                Err(e) => {
                    log::warn!("scan failed: {}", e.kind());
                    // Asked again: the screens say so if it is gone.
                    scanner = None;
                    let status = radio.status().await;
                    self.set_bluetooth_if_changed(status);
                    continue;
                }
            };
            for device in paired.iter().filter(|d| in_range.iter().any(|a| a.id == d.id)) {
                let mut link = match open.connect(&device.id).await {
                    Ok(link) => link,
                    Err(e) => {
                        log::warn!("connect failed: {}", e.kind());
                        continue;
                    }
                };
                let offered = link.characteristics().len();
                let with = SessionWith::Paired { last_sequence: device.last_sequence };
                let report = self.take_readings(&mut link, &device.id, with, SessionOrigin::Background).await;
                log::info!(
                    "device session: {offered} characteristics, {} readings stored, {} duplicates, {} bad packets, transfer {:?}, ended {:?}",
                    report.measurements_stored,
                    report.duplicates_skipped,
                    report.bad_packets.len(),
                    report.transfer,
                    report.ended
                );
                link.disconnect().await;
            }
        }
    }

    /// Asks the radio whether Bluetooth can be used (telling a change) and,
    /// when it can, opens a scanner.
    async fn open_radio<R: Radio>(&self, radio: &mut R) -> Option<R::Scanner> {
        let status = radio.status().await;
        let available = matches!(status, BluetoothStatus::Available { .. });
        if !available {
            self.set_bluetooth_if_changed(status);
            return None;
        }
        match radio.open().await {
            Ok(scanner) => {
                self.set_bluetooth_if_changed(status);
                Some(scanner)
            }
            Err(e) => {
                log::info!("no scanner: {}", e.kind());
                // Never left "checking": without a scanner it cannot be used.
                self.set_bluetooth_if_changed(BluetoothStatus::Unavailable {
                    reason: crate::devices::UnavailableReason::NoService,
                });
                None
            }
        }
    }

    /// Sets the Bluetooth status, telling the screens only when it changed.
    fn set_bluetooth_if_changed(&self, status: BluetoothStatus) {
        if self.bluetooth() != status {
            log::info!("bluetooth: {status:?}");
            self.set_bluetooth(status);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::{sync::Arc, time::Duration};

    use crate::{
        app::{
            testing::{TestApp, TokioClock},
            Change,
        },
        devices::simulator::SimulatedRadio,
        vocabulary::{Colour, HealthService, ResultItem},
    };

    /// The device watch, over a clock that moves with tokio's paused time:
    /// a paired oximeter in range sends a red reading with nobody looking;
    /// it is stored, judged and told, and its result is asked onto the
    /// screen with a notification that names nothing of it.
    #[tokio::test(start_paused = true)]
    async fn a_red_from_a_device_in_the_background_is_shown_at_once() {
        let clock = TokioClock::at("2026-11-30T08:00:00Z");
        let t = TestApp::demo_with(|c| c.clock = Arc::new(clock.clone()));
        let device = crate::demo::devices::background_device();
        t.app.nurse_unlock("2468").unwrap();
        t.app.pair_device(&device.id, crate::vocabulary::HealthService::PulseOximeter, &device.name).unwrap();
        t.app.nurse_lock();
        let mut changes = t.app.listen();
        let watch = t.app.run_device_watch(SimulatedRadio::new(vec![device]));
        tokio::pin!(watch);
        let shown = async {
            loop {
                if let Some(Change::ShowReading { id, notification }) = changes.next().await {
                    return (id, notification);
                }
            }
        };
        let (id, notification) = tokio::select! {
            _ = &mut watch => unreachable!("the watch runs for as long as the app"),
            shown = tokio::time::timeout(Duration::from_secs(120), shown) => shown.expect("shown within two minutes"),
        };
        let reading = t.app.reading(id).unwrap();
        assert_eq!(reading.judgement.colour(), Some(Colour::Red));
        let open = t.app.today().unwrap().unwrap().open;
        assert!(
            open.iter().any(|o| matches!(o, crate::results::OpenResult::Reading(r) if r.id == id)),
            "and it stays on the today screen"
        );
        for text in [&notification.title, &notification.body] {
            assert!(!text.chars().any(|c| c.is_ascii_digit()), "no value in the notification: {text}");
            assert!(!text.to_lowercase().contains("rød") && !text.contains("SpO"), "nor colour or kind: {text}");
        }
        assert!(!notification.body.is_empty());
        let _ = ResultItem::Reading { id };
    }

    /// The OS's Bluetooth service stops while the patient measures: the
    /// watch's scan fails, Bluetooth is told unavailable (the settings
    /// screen says so) and the measure screen says it at once instead of
    /// waiting three minutes; when the service is back the watch opens a
    /// new scanner by itself, tells it, and the next reading arrives.
    #[tokio::test(start_paused = true)]
    async fn bluetooth_going_away_is_told_and_the_watch_recovers_by_itself() {
        use crate::devices::{BluetoothStatus, UnavailableReason};
        let clock = TokioClock::at("2026-11-30T08:00:00Z");
        let t = TestApp::enrolled_with_config(TestApp::enrolment("https://fhir.invalid/r4"), |c| {
            c.clock = Arc::new(clock.clone())
        });
        let oximeter = crate::demo::devices::background_device();
        t.app
            .with_store(|s| {
                Ok(s.pair_device(
                    &oximeter.id,
                    HealthService::PulseOximeter,
                    "Oksymeter",
                    crate::clock::Clock::now(&clock),
                )?)
            })
            .unwrap();
        let radio = SimulatedRadio::new(vec![]);
        let watch = t.app.run_device_watch(radio.clone());
        tokio::pin!(watch);
        let mut changes = t.app.listen();
        let until_told = |wanted: BluetoothStatus| {
            let app = &t.app;
            async move {
                while app.bluetooth() != wanted {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        };
        tokio::select! {
            _ = &mut watch => unreachable!(),
            _ = until_told(BluetoothStatus::Available { adapters: 1 }) => {}
        }
        assert!(std::iter::from_fn(|| changes.try_next()).any(|c| c == Change::Bluetooth), "the change is told");

        radio.go_away();
        t.app.measuring();
        tokio::select! {
            _ = &mut watch => unreachable!(),
            r = tokio::time::timeout(
                Duration::from_secs(60),
                until_told(BluetoothStatus::Unavailable { reason: UnavailableReason::NoService }),
            ) => r.expect("told within a minute"),
        }
        let started = tokio::time::Instant::now();
        let refused = t.app.measure_with_device(crate::plan::MeasurementKind::OxygenSaturation).await.unwrap_err();
        assert_eq!(refused.code, "bluetooth-unavailable");
        assert!(started.elapsed() < Duration::from_secs(2), "said at once");

        // Back, with the oximeter in range holding a reading.
        radio.bring(oximeter);
        radio.come_back();
        let measured = async {
            t.app.measuring();
            t.app.measure_with_device(crate::plan::MeasurementKind::OxygenSaturation).await
        };
        let reading = tokio::select! {
            _ = &mut watch => unreachable!(),
            r = async {
                until_told(BluetoothStatus::Available { adapters: 1 }).await;
                measured.await
            } => r,
        };
        let reading = reading.expect("a reading after the service came back");
        assert_eq!(reading.kind, crate::plan::MeasurementKind::OxygenSaturation);
        assert_eq!(t.app.bluetooth(), BluetoothStatus::Available { adapters: 1 });
    }

    /// The reminder loop over the same clock: a task that falls due and is
    /// not done is told, as a notification in the patient's language, then
    /// twice more half an hour apart (the default policy), then no more.
    #[tokio::test(start_paused = true)]
    async fn a_task_left_undone_is_reminded_and_repeated() {
        // The demo's morning weighing is due at 08:00 Oslo time (07:00 UTC).
        let clock = TokioClock::at("2026-11-30T06:59:00Z");
        let t = TestApp::demo_with(|c| c.clock = Arc::new(clock.clone()));
        let mut changes = t.app.listen();
        let reminders = t.app.run_reminders();
        tokio::pin!(reminders);
        let mut reminded = |minutes: u64| {
            let told: Vec<Change> = std::iter::from_fn(|| changes.try_next()).collect();
            let bodies: Vec<String> = told
                .into_iter()
                .filter_map(|c| match c {
                    Change::Remind { notification, .. } => Some(notification.body),
                    _ => None,
                })
                .collect();
            (minutes, bodies)
        };
        tokio::select! {
            _ = &mut reminders => unreachable!(),
            _ = tokio::time::sleep(Duration::from_secs(30)) => {}
        }
        assert_eq!(reminded(0), (0, vec![]), "nothing before it is due");
        tokio::select! {
            _ = &mut reminders => unreachable!(),
            _ = tokio::time::sleep(Duration::from_secs(10 * 60)) => {}
        }
        let (_, due) = reminded(10);
        assert_eq!(due, ["Du har 2 oppgaver i Heima."], "one notification for the two 08:00 tasks");
        tokio::select! {
            _ = &mut reminders => unreachable!(),
            _ = tokio::time::sleep(Duration::from_secs(60 * 60)) => {}
        }
        let (_, later) = reminded(70);
        // 08:30 the two 08:00 tasks again with the 08:30 dose; 09:00 those
        // three and the 09:00 questions: one notification each time.
        assert_eq!(later, ["Du har 3 oppgaver i Heima.", "Du har 4 oppgaver i Heima."], "{later:?}");
        tokio::select! {
            _ = &mut reminders => unreachable!(),
            _ = tokio::time::sleep(Duration::from_secs(2 * 60 * 60)) => {}
        }
        // 09:30 the dose and the questions again; 10:00 the questions, the
        // heart-failure check (3 a week, none yet this Monday) and the
        // legs' photo (once a week); 10:30 and 11:00 those two: the 08:00
        // tasks no more.
        let (_, after) = reminded(190);
        let (two, three) = ("Du har 2 oppgaver i Heima.", "Du har 3 oppgaver i Heima.");
        assert_eq!(after, [two, three, two, two], "{after:?}");
    }

    /// An idle enrolled hour, over a clock that moves with tokio's paused
    /// time: every loop of the app runs (the service refuses connections,
    /// a device is paired but never in range), and a window on the today
    /// screen does what the UI does — draws the chrome and the screen at
    /// start and again on each change told. Counts what the hour costs:
    /// keyring reads of the enrolment after start and plan reads from FHIR.
    /// `cargo nextest run -p heima-core idle_enrolled_hour --no-capture`
    /// prints them (`IDLE_HOUR {...}`, in `bench/RESULTS.md`).
    #[tokio::test(start_paused = true)]
    async fn an_idle_enrolled_hour() {
        use crate::{app::testing::NoScanner, fhir::careplan};
        let clock = TokioClock::at("2026-11-30T09:00:00Z");
        let enrolment = TestApp::enrolment("https://127.0.0.1:9/r4");
        let t = TestApp::enrolled_with_config(enrolment, |c| c.clock = Arc::new(clock.clone()));
        let plan: serde_json::Value = serde_json::from_str(crate::demo::CAREPLAN_JSON).unwrap();
        t.app
            .with_store(|s| {
                careplan::accept(s, &plan, jiff::Timestamp::UNIX_EPOCH, &crate::clock::oslo())?;
                Ok(s.pair_device(
                    "aa:bb",
                    crate::vocabulary::HealthService::PulseOximeter,
                    "Oksymeter",
                    jiff::Timestamp::UNIX_EPOCH,
                )?)
            })
            .unwrap();
        let mut changes = t.app.listen();
        // The window opens on the today screen.
        let _ = (t.app.settings(), t.app.service_status(), t.app.today().unwrap());
        let (reads_at_start, parses_at_start) = (t.platform().keyring_reads(), careplan::parse_count());
        let window = async {
            let mut told = 0;
            while let Some(change) = changes.next().await {
                told += 1;
                if !matches!(change, Change::Remind { .. }) {
                    let _ = (t.app.service_status(), t.app.today());
                }
            }
            told
        };
        tokio::pin!(window);
        let hour = async {
            tokio::join!(
                t.app.run_sync(),
                t.app.run_push(),
                t.app.run_reminders(),
                t.app.run_call_watch(),
                t.app.run_nurse_lock(),
                t.app.run_device_watch(NoScanner),
            )
        };
        tokio::select! {
            _ = hour => unreachable!("the loops run for as long as the app"),
            _ = &mut window => unreachable!("the app is there"),
            _ = tokio::time::sleep(Duration::from_secs(60 * 60)) => {}
        }
        let reads = t.platform().keyring_reads() - reads_at_start;
        let parses = careplan::parse_count() - parses_at_start;
        println!("IDLE_HOUR {{\"keyring_reads\": {reads}, \"plan_parses\": {parses}}}");
        assert_eq!(reads, 0, "the enrolment and the store key are read once, at start");
        assert!(parses <= 1, "one plan version, read at most once: {parses}");
    }
}
