//! The "today" screen, read from the store: the tasks of the plan in force
//! with their state (done from today's readings and answers; training never
//! counts), the when-needed activities and what "Jeg føler meg dårligere"
//! opens (the first when-needed questionnaire, else a measurement), the
//! red results the service has not seen, the yellow ones still open from
//! the last 14 days
//! (`results::open_results`), and the latest reading of each kind today,
//! judged, with who took it, whether the service has it yet (`sent`) and
//! when a nurse saw it; today's appointments. Also the phase (paused or ended: nothing due, no
//! reminders) and what changed in the plan since the version before, until
//! told ([`PLAN_SEEN`]); [`tasks_now`] gives the plan and today's tasks
//! alone, for the reminders and the device watch. The same code serves demo
//! mode (a store seeded by [`crate::demo`]) and a real service.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::{
    appointments::AppointmentCard,
    clock::Clock,
    locale::Text,
    plan::{ActivityKind, CarePlan, MeasurementKind, Medicine, Phase, ServiceContact, DOSE_PREFIX},
    plan_change::{changes, PlanChange},
    results::{open_results, OpenResult, ReadingResult},
    schedule::{tasks_for_today, Completion, Task, TaskState},
    store::{medicines::MedicineTaken, readings::EnteredBy, Store, StoreError},
};

/// What the "today" screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TodayView {
    /// True when the data comes from the demo service.
    pub demo: bool,
    /// The patient's name, where the app knows it (the demo does).
    pub patient_name: Option<String>,
    pub service: ServiceContact,
    pub plan_version: u32,
    pub tasks: Vec<Task>,
    /// Titles of the questionnaires the tasks name, by id.
    pub questionnaire_titles: BTreeMap<String, Text>,
    /// The medicines the dose tasks name, by id (name and dosage as the
    /// plan gives them).
    pub medicines: BTreeMap<String, Medicine>,
    /// Yellow and red results not dealt with yet (see [`open_results`]):
    /// red first; they are not repeated in `latest`.
    pub open: Vec<OpenResult>,
    /// The latest reading of each kind taken today, judged by the plan.
    pub latest: Vec<ReadingResult>,
    /// The plan's activities done when needed, in the plan's order.
    pub when_needed: Vec<WhenNeeded>,
    /// What "Jeg føler meg dårligere" opens: the plan's first when-needed
    /// questionnaire, else its first when-needed measurement.
    pub feel_worse: Option<ActivityKind>,
    /// The plan's own reminder text, for the notifications (not shown).
    #[serde(skip)]
    pub reminder_text: Option<Text>,
    /// The follow-up's phase, with its dates.
    pub phase: Phase,
    /// The plan changed and the patient has not been told yet.
    pub plan_changed: Option<PlanChanged>,
    /// Today's appointments not yet ended (a video call with whether it
    /// can be joined now).
    pub appointments: Vec<AppointmentCard>,
}

/// An activity the patient does when needed (no planned time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhenNeeded {
    pub activity_id: String,
    pub kind: ActivityKind,
}

/// The when-needed activities of `plan`, and the one "I feel worse" opens.
fn when_needed(plan: &crate::plan::CarePlan) -> (Vec<WhenNeeded>, Option<ActivityKind>) {
    let listed: Vec<WhenNeeded> = plan
        .activities
        .iter()
        .filter(|a| a.timing == crate::plan::Timing::WhenNeeded)
        .map(|a| WhenNeeded { activity_id: a.id.clone(), kind: a.kind.clone() })
        .collect();
    let questionnaire = listed.iter().find(|w| matches!(w.kind, ActivityKind::Questionnaire { .. }));
    let feel_worse = questionnaire.or(listed.first()).map(|w| w.kind.clone());
    (listed, feel_worse)
}

/// A new version of the plan and what changed, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanChanged {
    pub version: u32,
    pub changes: Vec<PlanChange>,
}

/// The setting holding the newest plan version the patient was told about.
pub const PLAN_SEEN: &str = "plan.seen-version";

/// The newest plan version the patient was told about (0: none).
pub fn plan_seen(store: &Store) -> Result<u32, StoreError> {
    Ok(store.setting(PLAN_SEEN)?.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// What changed from the version before the plan in force, unless the
/// patient has been told; nothing for the first plan.
fn plan_changed(store: &Store, plan: &CarePlan, tz: &jiff::tz::TimeZone) -> Result<Option<PlanChanged>, StoreError> {
    if plan_seen(store)? >= plan.version {
        return Ok(None);
    }
    let versions = store.plan_versions()?;
    let Some(at) = versions.iter().position(|(v, _)| *v == plan.version) else { return Ok(None) };
    let Some(previous) = at.checked_sub(1).map(|i| versions[i].0) else { return Ok(None) };
    let Some(before) = crate::fhir::careplan::saved_version(store, previous, tz)? else { return Ok(None) };
    let changes = changes(&before, plan);
    Ok((!changes.is_empty()).then_some(PlanChanged { version: plan.version, changes }))
}

/// Real readings, answers, photos and scheduled doses since `from` as schedule
/// completions (a dose for the planned time it was said taken for).
fn completions(store: &Store, plan: &CarePlan, from: Timestamp, to: Timestamp) -> Result<Vec<Completion>, StoreError> {
    let mut out = vec![];
    // Doses by when they were taken (one for a time up to an hour ahead
    // does its task at once), by the medicine's id as the store keeps them
    // once: a dose taken stays taken for its time, whatever the service
    // renames after (the plan-change notice tells of a changed medicine).
    for dose in store.doses_taken_since(from, to)? {
        if let (MedicineTaken::Scheduled { due }, false) = (&dose.what, dose.entered_by == EnteredBy::NurseTraining) {
            let activity_id = format!("{DOSE_PREFIX}{}", dose.medicine);
            out.push(Completion { activity_id, at: dose.taken, for_due: Some(*due) });
        }
    }
    for activity in &plan.activities {
        match &activity.kind {
            ActivityKind::Measure { measurement } => {
                for r in store.readings(*measurement, from, to)? {
                    if r.entered_by != EnteredBy::NurseTraining {
                        out.push(Completion { activity_id: activity.id.clone(), at: r.effective, for_due: None });
                    }
                }
            }
            ActivityKind::Dose { .. } => {}
            ActivityKind::Photo { .. } => {
                for p in store.photos(from, to)? {
                    if p.activity == activity.id && p.entered_by != EnteredBy::NurseTraining {
                        out.push(Completion { activity_id: activity.id.clone(), at: p.taken, for_due: None });
                    }
                }
            }
            ActivityKind::Questionnaire { questionnaire } => {
                if let Some(q) = crate::fhir::questionnaire::load(store, questionnaire)? {
                    for r in store.responses(&q.url)? {
                        if r.entered_by != EnteredBy::NurseTraining && r.authored >= from && r.authored <= to {
                            out.push(Completion { activity_id: activity.id.clone(), at: r.authored, for_due: None });
                        }
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The plan in force and today's tasks of it, without the rest of the
/// today screen (for reminders and the device watch); `None` while no plan
/// has come. Paused or ended: nothing is due, nothing is missed.
pub fn tasks_now(store: &Store, clock: &dyn Clock) -> Result<Option<(CarePlan, Vec<Task>)>, StoreError> {
    let Some(plan) = crate::fhir::careplan::in_force(store, clock.now(), &clock.time_zone())? else { return Ok(None) };
    let tasks = tasks_of(store, &plan, clock)?;
    Ok(Some((plan, tasks)))
}

/// Today's tasks of `plan`, the plan in force (the app keeps it read).
pub fn tasks_of(store: &Store, plan: &CarePlan, clock: &dyn Clock) -> Result<Vec<Task>, StoreError> {
    if plan.is_resting() {
        return Ok(vec![]);
    }
    let now = clock.now();
    // A week back, for "n times a week" progress.
    let done = completions(store, plan, now - SignedDuration::from_hours(24 * 8), now)?;
    let mut tasks = tasks_for_today(plan, &done, clock);
    tasks.extend(checks_today(store, plan, &done, clock)?);
    tasks.sort_by_key(|t| (t.due.is_none(), t.due));
    Ok(tasks)
}

/// The checks the plan asked for after a colour's medicine ("mål igjen i
/// morgen") that fall due today, as tasks of the activity — and one due
/// yesterday that was not done, as missed. A check is done by the first
/// real reading or answers of the activity from a while before its time
/// (half the wait, at most [`MISSED_AFTER`](crate::schedule::MISSED_AFTER))
/// to a day after; missed as a planned task is. One whose activity the
/// plan in force no longer has is left out.
fn checks_today(
    store: &Store,
    plan: &CarePlan,
    done: &[Completion],
    clock: &dyn Clock,
) -> Result<Vec<Task>, StoreError> {
    use crate::schedule::MISSED_AFTER;
    let (now, tz) = (clock.now(), clock.time_zone());
    let today = now.to_zoned(tz.clone());
    let (Ok(start), Ok(end)) = (today.start_of_day(), today.tomorrow().and_then(|d| d.start_of_day())) else {
        return Ok(vec![]);
    };
    let (start, end) = (start.timestamp(), end.timestamp());
    let local = |t: Timestamp| crate::clock::clock_time(t, &tz);
    let mut tasks = vec![];
    for taken in store.checks_due(start - SignedDuration::from_hours(24), end)? {
        let Some(check) = &taken.check else { continue };
        let Some(activity) = plan.activity(&check.activity) else { continue };
        let early = (check.due.duration_since(taken.taken) / 2).min(MISSED_AFTER);
        let counts = |c: &&Completion| {
            c.at > taken.taken && c.at >= check.due - early && c.at <= check.due + SignedDuration::from_hours(24)
        };
        let done_at = done.iter().filter(|c| c.activity_id == activity.id).filter(counts).map(|c| c.at).min();
        let state = match done_at {
            Some(_) => TaskState::Done,
            None if now > check.due + MISSED_AFTER => TaskState::Missed,
            None => TaskState::ToDo,
        };
        // Yesterday's check stays in sight today until it is done.
        if check.due < start && state == TaskState::Done {
            continue;
        }
        tasks.push(Task {
            activity_id: activity.id.clone(),
            kind: activity.kind.clone(),
            due: Some(check.due),
            due_local: Some(local(check.due)),
            week: None,
            state,
            done_at,
            done_local: done_at.map(local),
            after_medicine: Some(taken.name.clone()),
        });
    }
    Ok(tasks)
}

/// The today screen, or `None` while no plan has come from the service.
pub fn view(
    store: &Store,
    clock: &dyn Clock,
    demo: bool,
    patient_name: Option<&str>,
) -> Result<Option<TodayView>, StoreError> {
    let plan = crate::fhir::careplan::in_force(store, clock.now(), &clock.time_zone())?;
    view_of(store, plan, clock, demo, patient_name)
}

/// The today screen of `plan`, the plan in force (the app keeps it read).
pub fn view_of(
    store: &Store,
    plan: Option<CarePlan>,
    clock: &dyn Clock,
    demo: bool,
    patient_name: Option<&str>,
) -> Result<Option<TodayView>, StoreError> {
    let now = clock.now();
    let tz = clock.time_zone();
    let Some(plan) = plan else { return Ok(None) };
    let tasks = tasks_of(store, &plan, clock)?;
    let mut titles = BTreeMap::new();
    for activity in &plan.activities {
        if let ActivityKind::Questionnaire { questionnaire } = &activity.kind {
            if let Some(q) = crate::fhir::questionnaire::load(store, questionnaire)? {
                titles.insert(questionnaire.clone(), q.title.clone());
            }
        }
    }
    let start_of_day = now.to_zoned(tz.clone()).start_of_day().map(|z| z.timestamp()).unwrap_or(now);
    let open = open_results(store, Some(&plan), clock)?;
    let is_open = |id: i64| open.iter().any(|o| matches!(o, OpenResult::Reading(r) if r.id == id));
    let mut latest = vec![];
    for kind in MeasurementKind::ALL {
        if let Some(r) = store.readings(kind, start_of_day, now)?.into_iter().max_by_key(|r| (r.effective, r.id)) {
            if !is_open(r.id) {
                latest.push(ReadingResult::new(store, Some(&plan), &r, clock)?);
            }
        }
    }
    let (when_needed, feel_worse) = when_needed(&plan);
    let service = store.appointment_service()?;
    let end_of_day = start_of_day + SignedDuration::from_hours(30);
    let appointments = crate::appointments::today(&store.appointments(&service, now, end_of_day)?, now, &tz);
    Ok(Some(TodayView {
        appointments,
        phase: plan.phase.clone(),
        plan_changed: plan_changed(store, &plan, &tz)?,
        when_needed,
        feel_worse,
        reminder_text: plan.reminder_text.clone(),
        demo,
        patient_name: patient_name.map(str::to_string),
        service: plan.service.clone(),
        plan_version: plan.version,
        tasks,
        questionnaire_titles: titles,
        medicines: plan.medicines.iter().filter(|m| m.schedule.is_some()).map(|m| (m.id.clone(), m.clone())).collect(),
        open,
        latest,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        clock::FixedClock,
        demo::demo_store,
        measurement::{Component, ComponentValue, Measurement},
        schedule::TaskState,
        store::{readings::NewReading, responses::NewResponse},
        vocabulary::Decimal,
    };

    fn spo2(at: Timestamp, value: i32) -> Measurement {
        Measurement {
            kind: MeasurementKind::OxygenSaturation,
            code: "2708-6",
            components: vec![Component {
                code: "2708-6",
                value: ComponentValue::Value(Decimal::new(value, 0)),
                unit: "%",
            }],
            device_time: None,
            effective: at,
            identifier: format!("ox/2708-6/{}", at.as_second()),
            device_id: "ox".into(),
            meal: None,
        }
    }

    /// When-needed activities are listed, and "I feel worse" opens the
    /// plan's when-needed symptom questionnaire before any measurement.
    #[test]
    fn when_needed_activities_and_what_feeling_worse_opens() {
        let clock = FixedClock::oslo("2026-11-23T09:00:00Z".parse().unwrap());
        let view = view(&demo_store(&clock), &clock, true, None).unwrap().unwrap();
        let ids: Vec<&str> = view.when_needed.iter().map(|w| w.activity_id.as_str()).collect();
        assert_eq!(ids, ["temperature", "pulse", "peak-flow", "feel-worse"]);
        assert_eq!(view.feel_worse, Some(ActivityKind::Questionnaire { questionnaire: "daily-copd-check".into() }));
        assert!(view.tasks.iter().all(|t| !ids.contains(&t.activity_id.as_str())), "not among the timed tasks");
        let mut plan = crate::demo::sample_plan(&clock);
        plan.activities.retain(|a| a.id != "feel-worse");
        assert_eq!(
            when_needed(&plan).1,
            Some(ActivityKind::Measure { measurement: MeasurementKind::BodyTemperature }),
            "no questionnaire: the first when-needed measurement"
        );
        plan.activities.retain(|a| a.timing != crate::plan::Timing::WhenNeeded);
        assert_eq!(when_needed(&plan), (vec![], None));
    }

    #[test]
    fn training_never_counts_and_real_readings_show_sent_or_waiting() {
        let clock = FixedClock::oslo("2026-11-23T11:00:00Z".parse().unwrap());
        let mut store = demo_store(&clock);
        let at: Timestamp = "2026-11-23T07:05:00Z".parse().unwrap();
        let training = spo2(at, 85);
        store
            .insert_reading(&NewReading {
                measurement: &training,
                entered_by: EnteredBy::NurseTraining,
                relative: None,
                manual: false,
                received_at: at,
                judged: None,
            })
            .unwrap();
        let shown_view = view(&store, &clock, true, None).unwrap().unwrap();
        let task = shown_view.tasks.iter().find(|t| t.activity_id == "spo2").unwrap();
        assert_ne!(task.state, TaskState::Done, "a training reading does not do the task");
        let shown = shown_view.latest.iter().find(|l| l.kind == MeasurementKind::OxygenSaturation).unwrap();
        assert_eq!((shown.sent, shown.entered_by), (None, EnteredBy::NurseTraining));

        let real = spo2(at + SignedDuration::from_mins(5), 96);
        let plan = crate::fhir::careplan::in_force(&store, at, &clock.time_zone()).unwrap().unwrap();
        let judged = crate::judging::judge_reading(&store, &plan, &real, &clock.time_zone()).unwrap();
        store
            .insert_reading(&NewReading {
                measurement: &real,
                entered_by: EnteredBy::Relative,
                relative: None,
                manual: false,
                received_at: at,
                judged: Some((plan.version, &judged)),
            })
            .unwrap();
        let shown_view = view(&store, &clock, true, None).unwrap().unwrap();
        assert_eq!(shown_view.tasks.iter().find(|t| t.activity_id == "spo2").unwrap().state, TaskState::Done);
        let shown = shown_view.latest.iter().find(|l| l.kind == MeasurementKind::OxygenSaturation).unwrap();
        assert_eq!(
            (shown.sent, shown.entered_by, shown.at_local.as_str()),
            (Some(false), EnteredBy::Relative, "08:10")
        );
        assert_eq!(shown.judgement.colour(), Some(crate::traffic_light::Colour::Green));
        let item =
            store.outbox_due(Timestamp::MAX, 100).unwrap().into_iter().find(|i| i.local_id == Some(shown.id)).unwrap();
        store.outbox_sent(&[item.id], clock.now).unwrap();
        let shown_view = view(&store, &clock, true, None).unwrap().unwrap();
        assert_eq!(
            shown_view.latest.iter().find(|l| l.kind == MeasurementKind::OxygenSaturation).unwrap().sent,
            Some(true)
        );
    }

    #[test]
    fn an_answered_questionnaire_does_its_task() {
        let clock = FixedClock::oslo("2026-11-23T11:00:00Z".parse().unwrap());
        let mut store = demo_store(&clock);
        let q = crate::fhir::questionnaire::load(&store, "daily-copd-check").unwrap().unwrap();
        let resource = serde_json::json!({ "resourceType": "QuestionnaireResponse" });
        let response = |id: &'static str, by| NewResponse {
            identifier: id,
            questionnaire: &q.url,
            authored: "2026-11-23T09:30:00Z".parse().unwrap(),
            resource: &resource,
            score: None,
            entered_by: by,
            judged: None,
        };
        store.save_response(&response("training", EnteredBy::NurseTraining)).unwrap();
        let state = |store: &Store| {
            view(store, &clock, true, None)
                .unwrap()
                .unwrap()
                .tasks
                .into_iter()
                .find(|t| t.activity_id == "copd-check")
                .unwrap()
                .state
        };
        assert_ne!(state(&store), TaskState::Done);
        store.save_response(&response("real", EnteredBy::Patient)).unwrap();
        assert_eq!(state(&store), TaskState::Done);
    }

    #[test]
    fn no_plan_yet_is_no_view() {
        let clock = FixedClock::oslo("2026-11-23T11:00:00Z".parse().unwrap());
        let store = Store::open_in_memory(&crate::store::StoreKey::from_bytes([1; 32])).unwrap();
        assert_eq!(view(&store, &clock, false, None).unwrap(), None);
    }

    /// What stays on the today screen: a red until the service has seen
    /// it, however old; a yellow within `OPEN_FOR`, until then or until
    /// the patient has read it; never training; red first, each newest
    /// first; an open one is not repeated among today's latest.
    #[test]
    fn yellow_and_red_stay_until_seen_or_read() {
        use crate::{results::OpenResult, store::readings::Seen, vocabulary::ResultItem};
        let clock = FixedClock::oslo("2026-11-23T11:00:00Z".parse().unwrap());
        let mut store = demo_store(&clock);
        let plan = crate::fhir::careplan::in_force(&store, clock.now, &clock.time_zone()).unwrap().unwrap();
        // (hours before now, SpO2, who) → the row id; 85 is red, 90 yellow, 96 green.
        let mut put = |hours: i64, value: i32, by: EnteredBy| {
            let m = spo2(clock.now - SignedDuration::from_hours(hours), value);
            let judged = crate::judging::judge_reading(&store, &plan, &m, &clock.time_zone()).unwrap();
            let row = NewReading {
                measurement: &m,
                entered_by: by,
                relative: None,
                manual: false,
                received_at: m.effective,
                judged: Some((plan.version, &judged)),
            };
            match store.insert_reading(&row).unwrap() {
                crate::store::readings::Inserted::New { id } => (id, m.identifier.clone()),
                other => panic!("{other:?}"),
            }
        };
        let red_three_days_ago = put(72, 85, EnteredBy::Patient);
        let yellow_yesterday = put(20, 90, EnteredBy::Relative);
        let red_today = put(2, 86, EnteredBy::Patient);
        let _training_red = put(1, 80, EnteredBy::NurseTraining);
        let _green = put(3, 96, EnteredBy::Patient);
        let red_long_ago = put(24 * 15, 85, EnteredBy::Patient);
        let _yellow_too_old = put(24 * 15 + 1, 90, EnteredBy::Patient);
        let shown = |store: &Store| {
            let view = view(store, &clock, true, None).unwrap().unwrap();
            let open: Vec<i64> = view
                .open
                .iter()
                .map(|o| match o {
                    OpenResult::Reading(r) => r.id,
                    OpenResult::Answers(a) => a.id,
                })
                .collect();
            let latest: Vec<i64> = view.latest.iter().map(|r| r.id).collect();
            (open, latest)
        };
        let (open, latest) = shown(&store);
        assert_eq!(
            open,
            [red_today.0, red_three_days_ago.0, red_long_ago.0, yellow_yesterday.0],
            "red first, newest first; a red however old, a yellow from the last two weeks"
        );
        assert!(!latest.contains(&red_today.0), "not twice on the screen");

        // Reading a red's advice does not clear it; reading a yellow's does.
        for id in [red_today.0, yellow_yesterday.0] {
            assert!(store.mark_result_read(ResultItem::Reading { id }, clock.now).unwrap());
        }
        assert!(!store.mark_result_read(ResultItem::Reading { id: 9999 }, clock.now).unwrap());
        assert_eq!(shown(&store).0, [red_today.0, red_three_days_ago.0, red_long_ago.0]);

        // The service has seen the older red.
        let seen = Seen { at: clock.now, by: None };
        store
            .save_acknowledgements(&[(red_three_days_ago.1.clone(), seen.clone()), (red_long_ago.1.clone(), seen)])
            .unwrap();
        assert_eq!(shown(&store).0, [red_today.0]);
    }
}
