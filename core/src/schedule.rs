//! Today's task list, laid out from the plan's timing in the patient's time
//! zone. A task not done in time is shown as missed, never hidden.

use jiff::{civil::Date, SignedDuration, Timestamp};
use serde::Serialize;

use crate::{
    clock::Clock,
    plan::{ActivityKind, CarePlan, Timing},
};

/// How long after its planned time a task still counts as "to do" before it
/// is shown as missed.
pub const MISSED_AFTER: SignedDuration = SignedDuration::from_hours(3);

/// Where a task stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskState {
    ToDo,
    Done,
    Missed,
}

/// A record that an activity was carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub activity_id: String,
    pub at: Timestamp,
}

/// One entry of today's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    pub activity_id: String,
    pub kind: ActivityKind,
    /// Planned time (UTC).
    pub due: Timestamp,
    /// Planned local time as `HH:MM`, for display.
    pub due_local: String,
    pub state: TaskState,
    /// When it was done, if it was.
    pub done_at: Option<Timestamp>,
    /// The same as local `HH:MM`, for display.
    pub done_local: Option<String>,
}

/// Lays out the tasks of the patient's current local day, sorted by time.
///
/// Each completion of an activity that day fills the earliest open slot of
/// that activity; a slot not filled by `due + MISSED_AFTER` is missed.
pub fn tasks_for_today(plan: &CarePlan, completions: &[Completion], clock: &dyn Clock) -> Vec<Task> {
    let tz = clock.time_zone();
    let now = clock.now();
    let today: Date = now.to_zoned(tz.clone()).date();

    let mut tasks = Vec::new();
    for activity in &plan.activities {
        let Timing::DailyAt { times } = &activity.timing else { continue };
        let mut times = times.clone();
        times.sort();
        let mut done: Vec<Timestamp> = completions
            .iter()
            .filter(|c| c.activity_id == activity.id && c.at.to_zoned(tz.clone()).date() == today)
            .map(|c| c.at)
            .collect();
        done.sort();
        let mut done = done.into_iter();
        for time in times {
            // A local time skipped by a daylight-saving change resolves to the
            // next valid instant (jiff's "compatible" disambiguation).
            let Ok(zoned) = today.to_datetime(time).to_zoned(tz.clone()) else { continue };
            let due = zoned.timestamp();
            let done_at = done.next();
            let state = match done_at {
                Some(_) => TaskState::Done,
                None if now > due + MISSED_AFTER => TaskState::Missed,
                None => TaskState::ToDo,
            };
            tasks.push(Task {
                activity_id: activity.id.clone(),
                kind: activity.kind.clone(),
                due,
                due_local: zoned.strftime("%H:%M").to_string(),
                state,
                done_at,
                done_local: done_at.map(|t| t.to_zoned(tz.clone()).strftime("%H:%M").to_string()),
            });
        }
    }
    tasks.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.activity_id.cmp(&b.activity_id)));
    tasks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        clock::FixedClock,
        plan::{Activity, MeasurementKind, ServiceContact},
    };
    use jiff::civil::time;

    fn plan() -> CarePlan {
        CarePlan {
            id: "p".into(),
            version: 1,
            service: ServiceContact { name: "S".into(), phone: "1".into() },
            activities: vec![
                Activity {
                    id: "bp".into(),
                    kind: ActivityKind::Measure { measurement: MeasurementKind::BloodPressure },
                    timing: Timing::DailyAt { times: vec![time(20, 0, 0, 0), time(8, 0, 0, 0)] },
                },
                Activity {
                    id: "weight".into(),
                    kind: ActivityKind::Measure { measurement: MeasurementKind::BodyWeight },
                    timing: Timing::DailyAt { times: vec![time(7, 30, 0, 0)] },
                },
                Activity {
                    id: "extra".into(),
                    kind: ActivityKind::Measure { measurement: MeasurementKind::Pulse },
                    timing: Timing::WhenNeeded,
                },
            ],
        }
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn states(tasks: &[Task]) -> Vec<(String, String, TaskState)> {
        tasks.iter().map(|t| (t.activity_id.clone(), t.due_local.clone(), t.state)).collect()
    }

    /// (now, completions, expected (activity, local time, state) in order)
    #[test]
    fn table() {
        let s = |id: &str, t: &str, st| (id.to_string(), t.to_string(), st);
        use TaskState::*;
        type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<(String, String, TaskState)>);
        let cases: Vec<Case> = vec![
            // 06:00 Oslo (winter, UTC+1): everything still to do.
            (
                "2026-01-10T05:00:00Z",
                vec![],
                vec![s("weight", "07:30", ToDo), s("bp", "08:00", ToDo), s("bp", "20:00", ToDo)],
            ),
            // 12:00 Oslo: weight done, morning BP missed (more than 3 h late).
            (
                "2026-01-10T11:00:00Z",
                vec![("weight", "2026-01-10T06:40:00Z")],
                vec![s("weight", "07:30", Done), s("bp", "08:00", Missed), s("bp", "20:00", ToDo)],
            ),
            // A BP at 10:00 fills the 08:00 slot, not the 20:00 one.
            (
                "2026-01-10T11:00:00Z",
                vec![("bp", "2026-01-10T09:00:00Z")],
                vec![s("weight", "07:30", Missed), s("bp", "08:00", Done), s("bp", "20:00", ToDo)],
            ),
            // Yesterday's reading does not count for today (23:30 UTC on the 9th
            // is 00:30 on the 10th in Oslo, so that one does count).
            (
                "2026-01-10T11:00:00Z",
                vec![("weight", "2026-01-09T20:00:00Z"), ("bp", "2026-01-09T23:30:00Z")],
                vec![s("weight", "07:30", Missed), s("bp", "08:00", Done), s("bp", "20:00", ToDo)],
            ),
            // Summer time (UTC+2): 07:30 local is 05:30 UTC.
            (
                "2026-07-01T05:00:00Z",
                vec![],
                vec![s("weight", "07:30", ToDo), s("bp", "08:00", ToDo), s("bp", "20:00", ToDo)],
            ),
        ];
        for (now, done, expected) in cases {
            let clock = FixedClock::oslo(at(now));
            let done: Vec<_> =
                done.into_iter().map(|(id, t)| Completion { activity_id: id.into(), at: at(t) }).collect();
            let tasks = tasks_for_today(&plan(), &done, &clock);
            assert_eq!(states(&tasks), expected, "now={now}");
        }
    }

    #[test]
    fn due_instants_follow_daylight_saving() {
        let winter = tasks_for_today(&plan(), &[], &FixedClock::oslo(at("2026-01-10T05:00:00Z")));
        let summer = tasks_for_today(&plan(), &[], &FixedClock::oslo(at("2026-07-01T05:00:00Z")));
        assert_eq!(winter[0].due, at("2026-01-10T06:30:00Z"));
        assert_eq!(summer[0].due, at("2026-07-01T05:30:00Z"));
    }
}
