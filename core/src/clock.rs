//! The injected clock. Core code never asks the operating system for the
//! time; it takes a [`Clock`] so that tests can fix "now".

use jiff::{tz::TimeZone, Timestamp};

/// Where "now" comes from, and in which time zone the patient lives.
pub trait Clock: Send + Sync {
    /// The current instant (UTC).
    fn now(&self) -> Timestamp;
    /// The patient's time zone, used to lay out the day's schedule.
    fn time_zone(&self) -> TimeZone;
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
}

/// Norway's time zone, from the tz database bundled into the binary.
pub fn oslo() -> TimeZone {
    TimeZone::get("Europe/Oslo").expect("Europe/Oslo is in the bundled tz database")
}
