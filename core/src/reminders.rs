//! Reminders at the planned time: which of today's tasks fell due since the
//! last check and are still to do, and the notification text for each in the
//! patient's language, or in the plan's own words (that there is a task,
//! never which).

use jiff::Timestamp;
use serde::Serialize;

use crate::{
    locale::{self, Locale},
    schedule::{Task, TaskState},
};

/// A desktop notification to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    pub activity_id: String,
    pub due: Timestamp,
    pub title: String,
    pub body: String,
}

/// Tasks whose planned time is in `(after, until]` and that are not done.
pub fn due(tasks: &[Task], after: Timestamp, until: Timestamp) -> Vec<&Task> {
    tasks.iter().filter(|t| t.state == TaskState::ToDo && t.due.is_some_and(|d| d > after && d <= until)).collect()
}

/// The notification for a task: only that there is something to do in
/// Heima, and when, e.g. "Klokka 08:00: Du har en oppgave i Heima" — or
/// the service's own text from the plan (`service_text`), as it is. A
/// notification can show on a locked screen, so it never names the
/// measurement or the questionnaire (that would tell of an illness), nor
/// any value or name.
pub fn reminder(task: &Task, locale: Locale, service_text: Option<&str>) -> Reminder {
    let time = task.due_local.clone().unwrap_or_default();
    Reminder {
        activity_id: task.activity_id.clone(),
        due: task.due.unwrap_or(Timestamp::UNIX_EPOCH),
        title: locale::format(locale, "reminder-title", &[]),
        body: service_text
            .map(str::to_string)
            .unwrap_or_else(|| locale::format(locale, "reminder-body", &[("time", &time)])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{clock::FixedClock, demo::demo_store, today};

    #[test]
    fn reminders_fire_once_at_the_planned_time() {
        // 08:00:30 Oslo: the 08:00 blood pressure and SpO2 fell due in the last minute.
        let clock = FixedClock::oslo("2026-11-23T07:00:30Z".parse().unwrap());
        let view = today::view(&demo_store(&clock), &clock, true, None).unwrap().unwrap();
        let after: Timestamp = "2026-11-23T06:59:30Z".parse().unwrap();
        let ids: Vec<_> = due(&view.tasks, after, clock.now).iter().map(|t| t.activity_id.as_str()).collect();
        assert_eq!(ids, ["bp", "spo2"]);
        // The next check, a minute later, finds nothing new.
        let later: Timestamp = "2026-11-23T07:01:30Z".parse().unwrap();
        assert!(due(&view.tasks, clock.now, later).is_empty());
        // A done task is not reminded (the 07:30 weighing was done at 07:34).
        let all_morning = due(&view.tasks, "2026-11-23T05:00:00Z".parse().unwrap(), clock.now);
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
        assert_eq!(parse(&with(" Tid for Heima "), &tz).unwrap().reminder_text.as_deref(), Some("Tid for Heima"));
        for bad in ["", "two\nlines", &"x".repeat(81)] {
            assert!(parse(&with(bad), &tz).is_err(), "{bad:?}");
        }
        plan["extension"] = serde_json::json!([]);
        assert_eq!(parse(&plan, &tz).unwrap().reminder_text, None);
    }
}
