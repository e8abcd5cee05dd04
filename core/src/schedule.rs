//! Today's task list ([`tasks_for_today`]), laid out from the plan's timing
//! on the patient's local day: each task to do, done or missed. A task not
//! done in time is shown as missed, never hidden. Data-driven tests cover
//! time zones and summer time.

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
    /// The planned time it was for, when it names one (a scheduled dose
    /// said taken from its task): it does that task, wherever it falls.
    pub for_due: Option<Timestamp>,
}

/// For "n times a week" activities: how far the patient is this week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WeekProgress {
    pub done: u8,
    pub count: u8,
}

/// One entry of today's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    pub activity_id: String,
    pub kind: ActivityKind,
    /// Planned time (UTC); `None` for "n times a week" tasks.
    pub due: Option<Timestamp>,
    /// Planned local time as `HH:MM`, for display.
    pub due_local: Option<String>,
    /// Set for "n times a week" tasks.
    pub week: Option<WeekProgress>,
    pub state: TaskState,
    /// When it was done, if it was.
    pub done_at: Option<Timestamp>,
    /// The same as local `HH:MM`, for display.
    pub done_local: Option<String>,
    /// A check the plan asks for after this medicine (its name) was taken
    /// ("mål igjen i morgen"), not a task of the plan's timing.
    pub after_medicine: Option<String>,
}

/// Lays out the tasks of the patient's current local day: timed tasks by
/// time, then "n times a week" tasks.
///
/// Each completion of an activity that day fills the earliest open slot of
/// that activity; a slot not filled by `due + MISSED_AFTER` is missed. A
/// weekly-count task shows until the week's count is reached (and on the
/// day it was done).
pub fn tasks_for_today(plan: &CarePlan, completions: &[Completion], clock: &dyn Clock) -> Vec<Task> {
    let tz = clock.time_zone();
    let now = clock.now();
    let today: Date = now.to_zoned(tz.clone()).date();
    let local = |t: Timestamp| crate::clock::clock_time(t, &tz);

    let mut tasks = Vec::new();
    let doses = plan.dose_activities();
    for activity in plan.activities.iter().chain(&doses) {
        let times = match &activity.timing {
            Timing::DailyAt { times } => times,
            Timing::WeeklyAt { days, times } if days.contains(&today.weekday()) => times,
            Timing::TimesPerWeek { count } => {
                let monday = today - jiff::Span::new().days(i64::from(today.weekday().to_monday_zero_offset()));
                let mine = || completions.iter().filter(|c| c.activity_id == activity.id);
                let this_week = mine()
                    .filter(|c| {
                        let d = c.at.to_zoned(tz.clone()).date();
                        d >= monday && d <= today
                    })
                    .count();
                let done_today = mine().filter(|c| c.at.to_zoned(tz.clone()).date() == today).map(|c| c.at).max();
                if done_today.is_none() && this_week >= usize::from(*count) {
                    continue;
                }
                tasks.push(Task {
                    activity_id: activity.id.clone(),
                    kind: activity.kind.clone(),
                    due: None,
                    due_local: None,
                    week: Some(WeekProgress { done: this_week.min(255) as u8, count: *count }),
                    state: if done_today.is_some() { TaskState::Done } else { TaskState::ToDo },
                    done_at: done_today,
                    done_local: done_today.map(local),
                    after_medicine: None,
                });
                continue;
            }
            Timing::WeeklyAt { .. } | Timing::WhenNeeded => continue,
        };
        let mut times = times.clone();
        times.sort();
        // A local time skipped by a daylight-saving change resolves to the
        // next valid instant (jiff's "compatible" disambiguation).
        let dues: Vec<Timestamp> = times
            .iter()
            .filter_map(|t| today.to_datetime(*t).to_zoned(tz.clone()).ok())
            .map(|z| z.timestamp())
            .collect();
        let mine: Vec<&Completion> = completions.iter().filter(|c| c.activity_id == activity.id).collect();
        let on_today = |c: &&&Completion| c.at.to_zoned(tz.clone()).date() == today;
        // One that names its planned time does that task.
        let mut done_for: Vec<Option<Timestamp>> =
            dues.iter().map(|due| mine.iter().filter(|c| c.for_due == Some(*due)).map(|c| c.at).min()).collect();
        // One named for a time the plan no longer has today (the dose moved
        // from 08:00 to 09:00 after it was taken) does the open task
        // nearest its old time, within `MISSED_AFTER` — never one far off
        // (the morning's dose never does the evening's).
        for c in mine.iter().filter(on_today) {
            let Some(old) = c.for_due.filter(|d| !dues.contains(d)) else { continue };
            let off = |i: &usize| dues[*i].duration_since(old).abs();
            let open = (0..dues.len()).filter(|i| done_for[*i].is_none() && off(i) <= MISSED_AFTER);
            if let Some(i) = open.min_by_key(off) {
                done_for[i] = Some(c.at);
            }
        }
        // The others (a reading, answers) fill the earliest open tasks of
        // their day in turn.
        let mut done: Vec<Timestamp> =
            mine.iter().filter(|c| c.for_due.is_none()).filter(on_today).map(|c| c.at).collect();
        done.sort();
        let mut done = done.into_iter();
        for (due, named) in dues.into_iter().zip(done_for) {
            let done_at = named.or_else(|| done.next());
            let state = match done_at {
                Some(_) => TaskState::Done,
                None if now > due + MISSED_AFTER => TaskState::Missed,
                None => TaskState::ToDo,
            };
            tasks.push(Task {
                activity_id: activity.id.clone(),
                kind: activity.kind.clone(),
                due: Some(due),
                due_local: Some(local(due)),
                week: None,
                state,
                done_at,
                done_local: done_at.map(local),
                after_medicine: None,
            });
        }
    }
    // Timed tasks first, by time; `None` sorts first in Option, so flip it.
    tasks.sort_by(|a, b| (a.due.is_none(), a.due, &a.activity_id).cmp(&(b.due.is_none(), b.due, &b.activity_id)));
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
            valid_from: Timestamp::UNIX_EPOCH,
            title: None,
            service: ServiceContact {
                name: "S".into(),
                phone: "1".into(),
                hours: None,
                out_of_hours: crate::contacts::PhoneRoute { name: "L".into(), phone: "2".into() },
            },
            team: vec![],
            relatives: vec![],
            medicines: vec![],
            material: vec![],
            phase: crate::plan::Phase::Active { since: jiff::civil::date(2026, 1, 1), until: None },
            activities: vec![
                Activity {
                    id: "bp".into(),
                    kind: ActivityKind::Measure { measurement: MeasurementKind::BloodPressure },
                    timing: Timing::DailyAt { times: vec![time(20, 0, 0, 0), time(8, 0, 0, 0)] },
                    traffic_light: Default::default(),
                    description: None,
                },
                Activity {
                    id: "weight".into(),
                    kind: ActivityKind::Measure { measurement: MeasurementKind::BodyWeight },
                    timing: Timing::DailyAt { times: vec![time(7, 30, 0, 0)] },
                    traffic_light: Default::default(),
                    description: None,
                },
                Activity {
                    id: "extra".into(),
                    kind: ActivityKind::Measure { measurement: MeasurementKind::Pulse },
                    timing: Timing::WhenNeeded,
                    traffic_light: Default::default(),
                    description: None,
                },
            ],
            reminder_text: None,
            reminders: Default::default(),
            description: None,
            goals: vec![],
        }
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn states(tasks: &[Task]) -> Vec<(String, String, TaskState)> {
        tasks.iter().map(|t| (t.activity_id.clone(), t.due_local.clone().unwrap_or_default(), t.state)).collect()
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
            let done: Vec<_> = done
                .into_iter()
                .map(|(id, t)| Completion { activity_id: id.into(), at: at(t), for_due: None })
                .collect();
            let tasks = tasks_for_today(&plan(), &done, &clock);
            assert_eq!(states(&tasks), expected, "now={now}");
        }
    }

    /// A scheduled dose is a task of the day; said taken from its task, it
    /// does that task even when an earlier one is open (a missed morning
    /// dose is not shown taken by the evening one).
    #[test]
    fn doses_do_the_task_they_were_taken_for() {
        let mut p = plan();
        p.activities.clear();
        p.medicines = vec![crate::plan::Medicine {
            id: "diuretic".into(),
            name: "Furosemid".into(),
            dosage: vec![],
            colour: None,
            schedule: Some(Timing::DailyAt { times: vec![time(20, 0, 0, 0), time(8, 0, 0, 0)] }),
        }];
        let dose = |due: &str, taken: &str| Completion {
            activity_id: "dose:diuretic".into(),
            at: at(taken),
            for_due: Some(at(due)),
        };
        let s = |id: &str, t: &str, st| (id.to_string(), t.to_string(), st);
        use TaskState::*;
        let evening = FixedClock::oslo(at("2026-01-10T19:00:00Z"));
        assert_eq!(
            states(&tasks_for_today(&p, &[dose("2026-01-10T19:00:00Z", "2026-01-10T18:55:00Z")], &evening)),
            vec![s("dose:diuretic", "08:00", Missed), s("dose:diuretic", "20:00", Done)]
        );
        let late = dose("2026-01-10T07:00:00Z", "2026-01-10T11:30:00Z");
        assert_eq!(
            states(&tasks_for_today(&p, &[late], &evening)),
            vec![s("dose:diuretic", "08:00", Done), s("dose:diuretic", "20:00", ToDo)]
        );
        // The morning time dropped after its dose was taken: the evening
        // dose is still to do (a dose moves only to a time within 3 hours).
        let mut evening_only = p.clone();
        evening_only.medicines[0].schedule = Some(Timing::DailyAt { times: vec![time(20, 0, 0, 0)] });
        let morning = dose("2026-01-10T07:00:00Z", "2026-01-10T07:05:00Z");
        assert_eq!(
            states(&tasks_for_today(&evening_only, std::slice::from_ref(&morning), &evening)),
            vec![s("dose:diuretic", "20:00", ToDo)]
        );
        // Moved to 09:00: done by the 08:00 dose.
        let mut moved = p.clone();
        moved.medicines[0].schedule = Some(Timing::DailyAt { times: vec![time(9, 0, 0, 0), time(20, 0, 0, 0)] });
        assert_eq!(
            states(&tasks_for_today(&moved, &[morning], &evening)),
            vec![s("dose:diuretic", "09:00", Done), s("dose:diuretic", "20:00", ToDo)]
        );
        let kinds: Vec<_> = tasks_for_today(&p, &[], &evening).into_iter().map(|t| t.kind).collect();
        assert!(kinds.iter().all(|k| *k == ActivityKind::Dose { medicine: "diuretic".into() }));
    }

    #[test]
    fn due_instants_follow_daylight_saving() {
        let winter = tasks_for_today(&plan(), &[], &FixedClock::oslo(at("2026-01-10T05:00:00Z")));
        let summer = tasks_for_today(&plan(), &[], &FixedClock::oslo(at("2026-07-01T05:00:00Z")));
        assert_eq!(winter[0].due, Some(at("2026-01-10T06:30:00Z")));
        assert_eq!(summer[0].due, Some(at("2026-07-01T05:30:00Z")));
    }

    #[test]
    fn weekly_timings() {
        use jiff::civil::Weekday::*;
        let mut p = plan();
        p.activities = vec![
            Activity {
                id: "mwf".into(),
                kind: ActivityKind::Measure { measurement: MeasurementKind::BodyWeight },
                timing: Timing::WeeklyAt { days: vec![Monday, Wednesday, Friday], times: vec![time(8, 0, 0, 0)] },
                traffic_light: Default::default(),
                description: None,
            },
            Activity {
                id: "thrice".into(),
                kind: ActivityKind::Questionnaire { questionnaire: "q".into() },
                timing: Timing::TimesPerWeek { count: 3 },
                traffic_light: Default::default(),
                description: None,
            },
        ];
        // 2026-11-25 is a Wednesday; 2026-11-26 a Thursday.
        let wed = FixedClock::oslo(at("2026-11-25T06:00:00Z"));
        let thu = FixedClock::oslo(at("2026-11-26T06:00:00Z"));
        let ids = |tasks: &[Task]| tasks.iter().map(|t| t.activity_id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&tasks_for_today(&p, &[], &wed)), vec!["mwf", "thrice"]);
        assert_eq!(ids(&tasks_for_today(&p, &[], &thu)), vec!["thrice"]);
        // Twice this week (Mon, Tue), once last Sunday: 2 of 3.
        let c = |at_: &str| Completion { activity_id: "thrice".into(), at: at(at_), for_due: None };
        let done = [c("2026-11-22T10:00:00Z"), c("2026-11-23T10:00:00Z"), c("2026-11-24T10:00:00Z")];
        let t = tasks_for_today(&p, &done, &thu);
        assert_eq!(t[0].week, Some(WeekProgress { done: 2, count: 3 }));
        assert_eq!(t[0].state, TaskState::ToDo);
        // The third today: done, and shown as done today.
        let mut all = done.to_vec();
        all.push(c("2026-11-26T05:30:00Z"));
        let t = tasks_for_today(&p, &all, &thu);
        assert_eq!((t[0].state, t[0].week), (TaskState::Done, Some(WeekProgress { done: 3, count: 3 })));
        // The next day the quota is reached: no task.
        let fri = FixedClock::oslo(at("2026-11-27T06:00:00Z"));
        assert_eq!(ids(&tasks_for_today(&p, &all, &fri)), vec!["mwf"]);
    }
}
