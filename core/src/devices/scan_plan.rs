//! When the device watch looks for the paired devices: when it is useful,
//! not on a fixed duty cycle. Most health devices advertise only for a
//! minute or two after a measurement, so the watch scans
//! - just after the app starts (a reading taken while it was closed) and
//!   while the measure screen is open (the patient is measuring now), each
//!   time the watch asks (every 15 s, `app/loops.rs`),
//! - around a measuring task that is not done (from a quarter of an hour
//!   before it is due until three hours after), once a minute,
//! - and otherwise every ten minutes, to catch a reading taken at another
//!   time.
//!
//! Pure: the caller passes the times and today's tasks; data-driven tests.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::{
    plan::ActivityKind,
    schedule::{Task, TaskState},
};

/// How long after the start the watch scans as often as it can.
pub const AFTER_START: SignedDuration = SignedDuration::from_mins(2);
/// How long after the measure screen was opened.
pub const WHILE_MEASURING: SignedDuration = SignedDuration::from_mins(5);
/// Around a measuring task: from this long before it is due …
pub const BEFORE_DUE: SignedDuration = SignedDuration::from_mins(15);
/// … until this long after.
pub const AFTER_DUE: SignedDuration = SignedDuration::from_hours(3);
/// Around a due task, at most this often (a device advertises for a minute
/// or two after a measurement).
pub const DURING_TASK: SignedDuration = SignedDuration::from_mins(1);
/// Otherwise, at most this often.
pub const NOW_AND_THEN: SignedDuration = SignedDuration::from_mins(10);

/// Why the watch scans now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScanReason {
    JustStarted,
    Measuring,
    TaskDue,
    NowAndThen,
}

/// What the watch knows when it asks.
#[derive(Debug, Clone, Copy)]
pub struct ScanContext<'a> {
    pub now: Timestamp,
    pub started: Timestamp,
    /// When the measure screen was last opened.
    pub measure_opened: Option<Timestamp>,
    /// When the watch last scanned.
    pub last_scan: Option<Timestamp>,
    /// Today's tasks of the plan in force (none while paused or ended).
    pub tasks: &'a [Task],
}

/// Whether to scan now, and why; `None`: wait.
pub fn scan_now(c: &ScanContext<'_>) -> Option<ScanReason> {
    if c.now.duration_since(c.started) < AFTER_START {
        return Some(ScanReason::JustStarted);
    }
    if c.measure_opened.is_some_and(|at| c.now.duration_since(at) < WHILE_MEASURING) {
        return Some(ScanReason::Measuring);
    }
    let due_now = c.tasks.iter().any(|t| {
        matches!(t.kind, ActivityKind::Measure { .. })
            && t.state != TaskState::Done
            && t.due.is_some_and(|due| c.now >= due - BEFORE_DUE && c.now <= due + AFTER_DUE)
    });
    let since_last = c.last_scan.map(|last| c.now.duration_since(last));
    if due_now {
        return since_last.is_none_or(|d| d >= DURING_TASK).then_some(ScanReason::TaskDue);
    }
    since_last.is_none_or(|d| d >= NOW_AND_THEN).then_some(ScanReason::NowAndThen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::MeasurementKind;

    fn t(text: &str) -> Timestamp {
        let seconds = if text.len() == 5 { ":00" } else { "" };
        format!("2026-11-30T{text}{seconds}Z").parse().unwrap()
    }

    fn task(due: &str, kind: ActivityKind, state: TaskState) -> Task {
        Task {
            activity_id: "a".into(),
            kind,
            due: Some(t(due)),
            due_local: None,
            week: None,
            state,
            done_at: None,
            done_local: None,
            after_medicine: None,
        }
    }

    #[test]
    fn scans_when_useful() {
        let weigh = ActivityKind::Measure { measurement: MeasurementKind::BodyWeight };
        let ask = ActivityKind::Questionnaire { questionnaire: "q".into() };
        let due_8 = [task("08:00", weigh.clone(), TaskState::ToDo)];
        let done_8 = [task("08:00", weigh.clone(), TaskState::Done)];
        let question_8 = [task("08:00", ask, TaskState::ToDo)];
        let missed_8 = [task("08:00", weigh, TaskState::Missed)];
        type Case<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, &'a [Task], Option<ScanReason>);
        let cases: Vec<Case<'_>> = vec![
            ("just started", "06:01", None, None, &[], Some(ScanReason::JustStarted)),
            ("measure screen open", "06:30", Some("06:27"), Some("06:29"), &[], Some(ScanReason::Measuring)),
            ("measured a while ago", "06:30", Some("06:20"), Some("06:29"), &[], None),
            ("a quarter before due", "07:46", None, Some("07:45"), &due_8, Some(ScanReason::TaskDue)),
            ("due, scanned just now", "08:00", None, Some("07:59:30"), &due_8, None),
            ("late, still to do", "10:30", None, Some("10:29"), &missed_8, Some(ScanReason::TaskDue)),
            ("long after", "11:30", None, Some("11:29"), &due_8, None),
            ("done", "08:10", None, Some("08:09"), &done_8, None),
            ("a questionnaire needs no device", "08:10", None, Some("08:09"), &question_8, None),
            ("now and then", "12:00", None, Some("11:50"), &[], Some(ScanReason::NowAndThen)),
            ("not yet again", "12:00", None, Some("11:55"), &[], None),
        ];
        for (name, now, opened, last, tasks, expected) in cases {
            let context = ScanContext {
                now: t(now),
                started: t("06:00"),
                measure_opened: opened.map(t),
                last_scan: last.map(t),
                tasks,
            };
            assert_eq!(scan_now(&context), expected, "{name}");
        }
    }
}
