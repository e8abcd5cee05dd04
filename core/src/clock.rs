//! The injected clock. Core code never asks the operating system for the
//! time; it takes a [`Clock`] so that tests can fix "now": [`SystemClock`]
//! (the tablet's time zone, else Europe/Oslo from jiff's bundled tz
//! database), [`ShiftedClock`] (runs on from a chosen instant, for
//! end-to-end tests; debug builds) and [`FixedClock`]. Also weekdays as FHIR
//! codes, and the one way the core writes a moment for the UI
//! ([`clock_time`], [`local_date_time`]; the UI's `format.js` writes the
//! rest).

use jiff::{tz::TimeZone, Timestamp};

/// Where "now" comes from, and in which time zone the patient lives.
pub trait Clock: Send + Sync {
    /// The current instant (UTC).
    fn now(&self) -> Timestamp;
    /// The patient's time zone, used to lay out the day's schedule.
    fn time_zone(&self) -> TimeZone;
    /// Time since the tablet started that nobody can set and that runs
    /// on while it sleeps, with the start it counts from: waits that
    /// setting the tablet's clock must not shorten or stretch, kept across
    /// restarts of the app, such as the nurse code's after wrong guesses.
    fn since_boot(&self) -> SinceBoot;
}

/// Time since a start of the tablet (see [`Clock::since_boot`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinceBoot {
    /// Names this start (on Linux the kernel's boot id); another name: the
    /// tablet has started again since, and times of the old one mean
    /// nothing.
    pub boot: String,
    pub elapsed: std::time::Duration,
}

/// The real clock, in the tablet's time zone (falling back to Europe/Oslo
/// when the system zone cannot be found).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
    fn time_zone(&self) -> TimeZone {
        TimeZone::try_system().unwrap_or_else(|_| oslo())
    }
    /// Without the platform's boot clock, each run counts as a start of
    /// its own (from the process start, not counting sleep): a wait kept
    /// by an earlier run starts over (the shell gives the real one).
    fn since_boot(&self) -> SinceBoot {
        static START: std::sync::OnceLock<(std::time::Instant, String)> = std::sync::OnceLock::new();
        let (start, boot) = START.get_or_init(|| {
            (std::time::Instant::now(), format!("run-{}-{}", std::process::id(), Timestamp::now().as_nanosecond()))
        });
        SinceBoot { boot: boot.clone(), elapsed: start.elapsed() }
    }
}

/// Another clock moved by a fixed amount: it runs on from a chosen
/// instant. For the end-to-end tests of days the tests cannot wait for (a
/// week of weighings, 17 May); debug builds only, set by a variable.
#[derive(Clone)]
pub struct ShiftedClock {
    pub base: std::sync::Arc<dyn Clock>,
    pub shift: jiff::SignedDuration,
}

impl ShiftedClock {
    /// `base`, moved so that it says `now` at this moment.
    pub fn starting_at(base: std::sync::Arc<dyn Clock>, now: Timestamp) -> ShiftedClock {
        let shift = now.duration_since(base.now());
        ShiftedClock { base, shift }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> Timestamp {
        self.base.now().checked_add(self.shift).unwrap_or(Timestamp::MAX)
    }
    fn time_zone(&self) -> TimeZone {
        self.base.time_zone()
    }
    fn since_boot(&self) -> SinceBoot {
        self.base.since_boot()
    }
}

/// A clock that always says the same instant; for tests and benchmarks.
#[derive(Debug, Clone)]
pub struct FixedClock {
    pub now: Timestamp,
    pub time_zone: TimeZone,
}

impl FixedClock {
    /// A fixed instant in Europe/Oslo.
    pub fn oslo(now: Timestamp) -> Self {
        Self { now, time_zone: oslo() }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.now
    }
    fn time_zone(&self) -> TimeZone {
        self.time_zone.clone()
    }
    fn since_boot(&self) -> SinceBoot {
        SinceBoot { boot: "fixed".into(), elapsed: std::time::Duration::ZERO }
    }
}

/// Norway's time zone, from the tz database bundled into the binary.
pub fn oslo() -> TimeZone {
    TimeZone::get("Europe/Oslo").expect("Europe/Oslo is in the bundled tz database")
}

/// A moment's local clock time, `HH:MM` (24 hours, as Norwegian and
/// British English write it), for the UI to put into its words.
pub fn clock_time(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned(tz.clone()).strftime("%H:%M").to_string()
}

/// A moment as a local date and time, `YYYY-MM-DDTHH:MM:SS` (no zone),
/// for the UI to write out in its language.
pub fn local_date_time(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned(tz.clone()).datetime().strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Weekdays as FHIR's `dayOfWeek` codes (`mon` … `sun`), for serde.
pub mod weekday_codes {
    use jiff::civil::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};

    const CODES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    pub fn serialize<S: Serializer>(days: &[Weekday], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(days.iter().map(|d| CODES[d.to_monday_zero_offset() as usize]))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Weekday>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|code| {
                let i = CODES
                    .iter()
                    .position(|c| c == code)
                    .ok_or_else(|| serde::de::Error::custom(format!("day {code:?}")))?;
                Ok(Weekday::from_monday_zero_offset(i as i8).expect("0..7"))
            })
            .collect()
    }
}
