//! Reminders of today's tasks: when each task still to do is reminded
//! ([`times`]: at its planned time, then repeated as the plan's
//! [`ReminderPolicy`] says, never in its quiet hours, never once it is
//! missed; an "n times a week" task on the days the week's pace asks),
//! which fell due since the last check ([`due`]), and the notification
//! text for each in the patient's language, or in the plan's own words
//! (that there is a task, never which).

use jiff::{civil::Date, tz::TimeZone, SignedDuration, Timestamp};
use serde::Serialize;

use crate::{
    locale::{self, Locale},
    plan::ReminderPolicy,
    schedule::{Task, TaskState, MISSED_AFTER},
};

/// A desktop notification to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    pub activity_id: String,
    pub due: Option<Timestamp>,
    pub title: String,
    pub body: String,
}

/// When a task of `today` is reminded, in order: its planned time, then
/// every `repeat_every_minutes` up to `repeats` times more, leaving out
/// those in the quiet hours and those from the time it counts as missed
/// on. An "n times a week" task is reminded at `weekly_at` (and repeated
/// until the day ends) when fewer are done this week than an even pace
/// asks by today: `ceil(count × day / 7)`, Monday being day 1. A task done
/// or missed has none.
pub fn times(task: &Task, policy: &ReminderPolicy, tz: &TimeZone, today: Date) -> Vec<Timestamp> {
    if task.state != TaskState::ToDo {
        return vec![];
    }
    let at = |date: Date, time| date.to_datetime(time).to_zoned(tz.clone()).ok().map(|z| z.timestamp());
    let (first, end) = match (task.due, task.week) {
        (Some(due), _) => (Some(due), Some(due + MISSED_AFTER)),
        (None, Some(week)) => {
            let day = u32::from(today.weekday().to_monday_one_offset() as u8);
            let pace = (u32::from(week.count) * day).div_ceil(7);
            let behind = u32::from(week.done) < pace;
            (
                at(today, policy.weekly_at).filter(|_| behind),
                today.tomorrow().ok().and_then(|d| at(d, jiff::civil::Time::midnight())),
            )
        }
        (None, None) => (None, None),
    };
    let (Some(first), Some(end)) = (first, end) else { return vec![] };
    let every = SignedDuration::from_mins(i64::from(policy.repeat_every_minutes));
    let quiet = |t: Timestamp| policy.quiet.holds(t.to_zoned(tz.clone()).time());
    let repeats = (1..=i32::from(policy.repeats)).map(|k| first + every * k).filter(|t| !quiet(*t));
    std::iter::once(first).chain(repeats).filter(|t| *t < end).collect()
}

/// Tasks with a reminder in `(after, until]` (each once, however many of
/// its times fell in it), `today` being the local day of `until`.
pub fn due<'a>(
    tasks: &'a [Task],
    policy: &ReminderPolicy,
    tz: &TimeZone,
    after: Timestamp,
    until: Timestamp,
) -> Vec<&'a Task> {
    let today = until.to_zoned(tz.clone()).date();
    tasks.iter().filter(|t| times(t, policy, tz, today).iter().any(|r| *r > after && *r <= until)).collect()
}

/// The notification for a task: only that there is something to do in
/// Heima, and when, e.g. "Klokka 08:00: Du har en oppgave i Heima" ("… i
/// dag" for a weekly task) — or the service's own text from the plan
/// (`service_text`), as it is. A notification can show on a locked screen,
/// so it never names the measurement or the questionnaire (that would tell
/// of an illness), nor any value or name.
pub fn reminder(task: &Task, locale: Locale, service_text: Option<&str>) -> Reminder {
    let body = match (service_text, &task.due_local) {
        (Some(text), _) => text.to_string(),
        (None, Some(time)) => locale::format(locale, "reminder-body", &[("time", time)]),
        (None, None) => locale::format(locale, "reminder-body-today", &[]),
    };
    Reminder {
        activity_id: task.activity_id.clone(),
        due: task.due,
        title: locale::format(locale, "reminder-title", &[]),
        body,
    }
}

/// The one notification for the reminders of one check: a single one as
/// it is; several as one, in the plan's own text (`service_text`) or
/// saying how many ("Du har 3 oppgaver i Heima") — never a notification
/// per task at once.
pub fn together(reminders: Vec<Reminder>, locale: Locale, service_text: Option<&str>) -> Option<Reminder> {
    let count = reminders.len();
    let mut first = reminders.into_iter().next()?;
    if count > 1 {
        first.body = match service_text {
            Some(text) => text.to_string(),
            None => locale::format(locale, "reminder-body-many", &[("count", &count.to_string())]),
        };
    }
    Some(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        clock::{oslo, FixedClock},
        demo::demo_store,
        plan::{ActivityKind, MeasurementKind, QuietHours},
        schedule::WeekProgress,
        today,
    };
    use jiff::civil::{date, time, Time};

    /// A task of Monday 23 November 2026 in Oslo: due at `due` (local), or
    /// an "n times a week" one when `None`.
    fn task(due: Option<Time>, state: TaskState, week: Option<(u8, u8)>) -> Task {
        let at = due.map(|t| date(2026, 11, 23).to_datetime(t).to_zoned(oslo()).unwrap().timestamp());
        Task {
            activity_id: "a".into(),
            kind: ActivityKind::Measure { measurement: MeasurementKind::BodyWeight },
            due: at,
            due_local: due.map(|t| t.strftime("%H:%M").to_string()),
            week: week.map(|(done, count)| WeekProgress { done, count }),
            state,
            done_at: None,
            done_local: None,
            after_medicine: None,
        }
    }

    /// Reminders at the planned time, repeated while to do, never in the
    /// quiet hours nor once missed; weekly tasks on the days the pace asks.
    #[test]
    fn when_a_task_is_reminded() {
        let default = ReminderPolicy::default();
        let hourly = ReminderPolicy { repeat_every_minutes: 90, repeats: 5, ..ReminderPolicy::default() };
        let morning_quiet = ReminderPolicy {
            quiet: QuietHours { from: time(8, 0, 0, 0), until: time(9, 0, 0, 0) },
            ..ReminderPolicy::default()
        };
        let none = ReminderPolicy { repeats: 0, ..ReminderPolicy::default() };
        let monday = date(2026, 11, 23);
        let thursday = date(2026, 11, 26);
        let to_do = TaskState::ToDo;
        #[rustfmt::skip]
        let cases: &[(&str, &ReminderPolicy, Task, jiff::civil::Date, &[&str])] = &[
            ("twice more, half an hour apart", &default, task(Some(time(7, 30, 0, 0)), to_do, None), monday, &["07:30", "08:00", "08:30"]),
            ("none in the night", &default, task(Some(time(21, 30, 0, 0)), to_do, None), monday, &["21:30"]),
            ("the planned time even in quiet hours", &default, task(Some(time(6, 30, 0, 0)), to_do, None), monday, &["06:30", "07:00", "07:30"]),
            ("a quiet morning", &morning_quiet, task(Some(time(7, 45, 0, 0)), to_do, None), monday, &["07:45"]),
            ("not once missed", &hourly, task(Some(time(8, 0, 0, 0)), to_do, None), monday, &["08:00", "09:30"]),
            ("no repeats", &none, task(Some(time(8, 0, 0, 0)), to_do, None), monday, &["08:00"]),
            ("done", &default, task(Some(time(8, 0, 0, 0)), TaskState::Done, None), monday, &[]),
            ("missed", &default, task(Some(time(8, 0, 0, 0)), TaskState::Missed, None), monday, &[]),
            ("2 a week, none yet on Monday", &default, task(None, to_do, Some((0, 2))), monday, &["10:00", "10:30", "11:00"]),
            ("2 a week, one on Monday", &default, task(None, to_do, Some((1, 2))), monday, &[]),
            ("2 a week, one by Thursday", &default, task(None, to_do, Some((1, 2))), thursday, &["10:00", "10:30", "11:00"]),
            ("1 a week, none yet on Monday", &default, task(None, to_do, Some((0, 1))), monday, &["10:00", "10:30", "11:00"]),
            ("3 a week, 2 by Wednesday", &default, task(None, to_do, Some((2, 3))), date(2026, 11, 25), &[]),
            ("3 a week, 2 by Saturday", &default, task(None, to_do, Some((2, 3))), date(2026, 11, 28), &["10:00", "10:30", "11:00"]),
        ];
        for (what, policy, task, today, want) in cases {
            let got: Vec<String> = times(task, policy, &oslo(), *today)
                .iter()
                .map(|t| t.to_zoned(oslo()).strftime("%H:%M").to_string())
                .collect();
            assert_eq!(got, *want, "{what}");
        }
    }

    /// Several tasks at once: one notification, saying how many.
    #[test]
    fn several_tasks_at_once_are_one_notification() {
        let one = |time: &str| {
            let t = task(Some(time.parse().unwrap()), TaskState::ToDo, None);
            reminder(&t, Locale::Bokmal, None)
        };
        assert_eq!(together(vec![], Locale::Bokmal, None), None);
        let single = together(vec![one("08:00")], Locale::Bokmal, None).unwrap();
        assert_eq!(single.body, "Klokka 08:00: Du har en oppgave i Heima.");
        let same_time = together(vec![one("08:00"), one("08:00")], Locale::Bokmal, None).unwrap();
        assert_eq!(same_time.body, "Du har 2 oppgaver i Heima.", "two tasks are not one");
        let two = together(vec![one("08:00"), one("09:00")], Locale::Nynorsk, None).unwrap();
        assert_eq!((two.title.as_str(), two.body.as_str()), ("Heima", "Du har 2 oppgåver i Heima."));
        let own = together(vec![one("08:00"), one("09:00")], Locale::Nynorsk, Some("Tid for Heima")).unwrap();
        assert_eq!(own.body, "Tid for Heima");
    }

    /// A repeat falls in a later check's interval: the task is reminded
    /// again; once it is done, not.
    #[test]
    fn a_task_left_undone_is_reminded_again() {
        let policy = ReminderPolicy::default();
        let mut weighing = task(Some(time(7, 30, 0, 0)), TaskState::ToDo, None);
        let at = |s: &str| {
            date(2026, 11, 23)
                .at(s[..2].parse().unwrap(), s[3..].parse().unwrap(), 0, 0)
                .to_zoned(oslo())
                .unwrap()
                .timestamp()
        };
        for (after, until, reminded) in [("07:29", "07:30", true), ("07:30", "07:59", false), ("07:59", "08:00", true)]
        {
            let due = due(std::slice::from_ref(&weighing), &policy, &oslo(), at(after), at(until));
            assert_eq!(!due.is_empty(), reminded, "{after}–{until}");
        }
        weighing.state = TaskState::Done;
        assert!(due(std::slice::from_ref(&weighing), &policy, &oslo(), at("08:29"), at("08:30")).is_empty());
    }

    #[test]
    fn reminders_fire_once_at_the_planned_time() {
        // 08:00:30 Oslo: the 08:00 blood pressure and SpO2 fell due in the last minute.
        let clock = FixedClock::oslo("2026-11-23T07:00:30Z".parse().unwrap());
        let view = today::view(&demo_store(&clock), &clock, true, None).unwrap().unwrap();
        let after: Timestamp = "2026-11-23T06:59:30Z".parse().unwrap();
        let policy = ReminderPolicy::default();
        let due = |after, until| due(&view.tasks, &policy, &oslo(), after, until);
        let ids: Vec<_> = due(after, clock.now).iter().map(|t| t.activity_id.as_str()).collect();
        assert_eq!(ids, ["bp", "spo2"]);
        // The next check, a minute later, finds nothing new.
        let later: Timestamp = "2026-11-23T07:01:30Z".parse().unwrap();
        assert!(due(clock.now, later).is_empty());
        // A done task is not reminded (the 07:30 weighing was done at 07:34).
        let all_morning = due("2026-11-23T05:00:00Z".parse().unwrap(), clock.now);
        assert!(all_morning.iter().all(|t| t.activity_id != "weight"));
    }

    #[test]
    fn reminder_texts_in_each_language() {
        let clock = FixedClock::oslo("2026-11-23T07:00:30Z".parse().unwrap());
        let view = today::view(&demo_store(&clock), &clock, true, None).unwrap().unwrap();
        let bp = view.tasks.iter().find(|t| t.activity_id == "bp").unwrap();
        let copd = view.tasks.iter().find(|t| t.activity_id == "copd-check").unwrap();
        let nb = reminder(bp, Locale::Bokmal, None);
        assert_eq!((nb.title.as_str(), nb.body.as_str()), ("Heima", "Klokka 08:00: Du har en oppgave i Heima."));
        let nn = reminder(copd, Locale::Nynorsk, None);
        assert_eq!((nn.title.as_str(), nn.body.as_str()), ("Heima", "Klokka 09:00: Du har ei oppgåve i Heima."));
        let en = reminder(copd, Locale::English, None);
        assert_eq!(en.body, "At 09:00: You have a task in Heima.");
        let own = reminder(copd, Locale::Bokmal, Some("Påminnelse fra hjemmetjenesten"));
        assert_eq!((own.title.as_str(), own.body.as_str()), ("Heima", "Påminnelse fra hjemmetjenesten"));
    }

    /// The service's own text comes from the plan: one short line, or the
    /// plan is refused with a reason.
    #[test]
    fn the_plan_may_word_the_reminders() {
        use crate::fhir::careplan::{parse, REMINDER_TEXT_EXTENSION};
        let tz = crate::clock::oslo();
        let mut plan: serde_json::Value = serde_json::from_str(crate::demo::CAREPLAN_JSON).unwrap();
        assert_eq!(parse(&plan, &tz).unwrap().reminder_text, None);
        let with = |text: &str| {
            let mut p = plan.clone();
            p["extension"] = serde_json::json!([{ "url": REMINDER_TEXT_EXTENSION, "valueString": text }]);
            p
        };
        assert_eq!(parse(&with(" Tid for Heima "), &tz).unwrap().reminder_text, Some("Tid for Heima".into()));
        for bad in ["", "two\nlines", &"x".repeat(81)] {
            assert!(parse(&with(bad), &tz).is_err(), "{bad:?}");
        }
        plan["extension"] = serde_json::json!([]);
        assert_eq!(parse(&plan, &tz).unwrap().reminder_text, None);
    }

    /// The service's policy comes from the plan, each part within bounds
    /// or the plan is refused.
    #[test]
    fn the_plan_sets_how_reminders_repeat() {
        use crate::fhir::{canonical::REMINDERS_EXTENSION, careplan::parse};
        use serde_json::json;
        let tz = crate::clock::oslo();
        let plan: serde_json::Value = serde_json::from_str(crate::demo::CAREPLAN_JSON).unwrap();
        let with = |parts: serde_json::Value| {
            let mut p = plan.clone();
            p["extension"] = json!([{ "url": REMINDERS_EXTENSION, "extension": parts }]);
            parse(&p, &tz).map(|p| p.reminders)
        };
        let minutes = |value: u64, code: &str| json!({ "url": "repeatEvery", "valueDuration": { "value": value, "system": "http://unitsofmeasure.org", "code": code } });
        let policy = with(json!([
            minutes(1, "h"),
            { "url": "repeats", "valueUnsignedInt": 4 },
            { "url": "quietFrom", "valueTime": "21:00:00" },
            { "url": "quietUntil", "valueTime": "08:00:00" },
            { "url": "weeklyAt", "valueTime": "12:00:00" },
        ]))
        .unwrap();
        assert_eq!(
            policy,
            ReminderPolicy {
                repeat_every_minutes: 60,
                repeats: 4,
                quiet: crate::plan::QuietHours {
                    from: jiff::civil::time(21, 0, 0, 0),
                    until: jiff::civil::time(8, 0, 0, 0)
                },
                weekly_at: jiff::civil::time(12, 0, 0, 0),
            }
        );
        assert_eq!(with(json!([{ "url": "repeats", "valueUnsignedInt": 0 }])).unwrap().repeat_every_minutes, 30);
        assert_eq!(parse(&plan, &tz).unwrap().reminders, ReminderPolicy::default());
        for bad in [
            json!([minutes(5, "min")]),
            json!([minutes(5, "h")]),
            json!([minutes(30, "s")]),
            json!([{ "url": "repeats", "valueUnsignedInt": 6 }]),
            json!([{ "url": "quietFrom", "valueTime": "22:00:00" }]),
            json!([{ "url": "quietFrom", "valueTime": "22:00:00" }, { "url": "quietUntil", "valueTime": "22:00:00" }]),
            json!([{ "url": "weeklyAt", "valueTime": "ten" }]),
        ] {
            assert_eq!(with(bad.clone()).unwrap_err().code, "plan-invalid", "{bad}");
        }
    }
}
