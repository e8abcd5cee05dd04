//! Recording in the demo store: readings typed by hand (typos refused,
//! nothing stored), judged with the plan's advice; questionnaires checked,
//! scored, judged and stored; training never counted; the history plot's data.

use std::collections::BTreeMap;

use heima_core::{
    clock::FixedClock,
    demo::demo_store,
    plan::MeasurementKind,
    questionnaire::{Answer, Answers},
    recording::{history, record_manual, submit_answers, AnswersRefused, EntryRefused},
    store::readings::{EnteredBy, Recorder},
    traffic_light::Colour,
};

fn clock() -> FixedClock {
    FixedClock::oslo("2026-11-23T10:00:00Z".parse().unwrap())
}

fn typed(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn a_typo_is_refused_and_nothing_is_stored() {
    let clock = clock();
    let mut store = demo_store(&clock);
    let before = store.reading_count().unwrap();
    let waiting = store.outbox_status().unwrap().waiting;
    let refused = record_manual(
        &mut store,
        &clock,
        MeasurementKind::BodyWeight,
        &typed(&[("29463-7", "1200")]),
        &Recorder::new(EnteredBy::Patient),
    )
    .unwrap_err();
    let EntryRefused::Typed(problems) = refused else { panic!("{refused:?}") };
    assert_eq!(problems[0].code, "implausible");
    assert_eq!(store.reading_count().unwrap(), before);
    assert_eq!(store.outbox_status().unwrap().waiting, waiting);
}

#[test]
fn a_red_blood_pressure_names_its_cause_the_advice_and_whom_to_call() {
    let clock = clock();
    let mut store = demo_store(&clock);
    let r = record_manual(
        &mut store,
        &clock,
        MeasurementKind::BloodPressure,
        &typed(&[("8480-6", "172"), ("8462-4", "95")]),
        &Recorder::new(EnteredBy::Relative),
    )
    .unwrap();
    assert_eq!(r.judgement.colour(), Some(Colour::Red));
    let heima_core::traffic_light::Judgement::Judged { causes, .. } = &r.judgement else { panic!() };
    let named: Vec<(&str, &str)> = causes.iter().map(|c| (c.code.as_str(), c.activity.as_str())).collect();
    assert_eq!(named, [("8480-6", "bp")]);
    assert!(r.advice.as_ref().unwrap().exactly(heima_core::locale::Locale::Nynorsk).is_some(), "advice in Nynorsk");
    // 113 first, then the service (open on a Monday at 11).
    assert!(matches!(
        r.help.whom.now.as_slice(),
        [heima_core::contacts::Callee::Emergency113, heima_core::contacts::Callee::Service(_)]
    ));
    assert!(r.help.next.is_some(), "the plan says what happens after red");
    assert_eq!(r.entered_by, EnteredBy::Relative);
    assert_eq!(r.sent, Some(false));
    let stored = store.reading_by_id(r.id).unwrap().unwrap();
    assert!(stored.manual);
    assert_eq!(stored.colour.as_deref(), Some("red"));
}

#[test]
fn a_training_reading_is_shown_but_never_queued_or_counted() {
    let clock = clock();
    let mut store = demo_store(&clock);
    let waiting = store.outbox_status().unwrap().waiting;
    let r = record_manual(
        &mut store,
        &clock,
        MeasurementKind::OxygenSaturation,
        &typed(&[("2708-6", "86")]),
        &Recorder::new(EnteredBy::NurseTraining),
    )
    .unwrap();
    assert_eq!((r.judgement.colour(), r.sent), (Some(Colour::Red), None));
    assert_eq!(store.outbox_status().unwrap().waiting, waiting);
    assert!(history(&store, &clock, MeasurementKind::OxygenSaturation, 7).unwrap().points.is_empty());
}

#[test]
fn answers_are_checked_scored_judged_and_stored() {
    let clock = clock();
    let mut store = demo_store(&clock);
    let q = heima_core::fhir::questionnaire::load(&store, "daily-copd-check").unwrap().unwrap();
    let waiting = store.outbox_status().unwrap().waiting;
    let coding = |code: &str| Answer::Coding {
        system: Some("https://fhir.heima.no/demo/CodeSystem/daily-copd-check".into()),
        code: code.into(),
    };
    let mut answers = Answers::new();
    answers.insert("breath".into(), coding("much-worse"));
    let refused =
        submit_answers(&mut store, &clock, &q, &answers, &Recorder::new(EnteredBy::Patient), "resp-1").unwrap_err();
    let AnswersRefused::Answers(problems) = refused else { panic!() };
    assert!(problems.iter().any(|p| p.link_id == "cough" && p.code == "answer-required"));

    answers.insert("cough".into(), coding("bit-more"));
    answers.insert("sputum".into(), Answer::Boolean(false));
    answers.insert("extra-medicine".into(), Answer::Boolean(false));
    let result =
        submit_answers(&mut store, &clock, &q, &answers, &Recorder::new(EnteredBy::Patient), "resp-1").unwrap();
    assert!(result.score.is_some());
    assert!(result.judgement.colour().is_some(), "{result:?}");
    assert_eq!(store.responses(&q.url).unwrap().len(), 1);
    assert_eq!(store.outbox_status().unwrap().waiting, waiting + 1);
}

#[test]
fn history_has_the_points_and_the_patients_limits() {
    let clock = clock();
    let mut store = demo_store(&clock);
    for (minutes, v) in [(3, "74,1"), (2, "75,0"), (1, "79,6")] {
        let earlier = FixedClock::oslo(clock.now - jiff::SignedDuration::from_mins(minutes));
        record_manual(
            &mut store,
            &earlier,
            MeasurementKind::BodyWeight,
            &typed(&[("29463-7", v)]),
            &Recorder::new(EnteredBy::Patient),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
    }
    let h = history(&store, &clock, MeasurementKind::BodyWeight, 7).unwrap();
    assert!(h.points.len() >= 3);
    assert!(h.points.windows(2).all(|w| w[0].at <= w[1].at), "oldest first");
    assert!(h.limits.iter().any(|l| l.colour == Colour::Red));
    assert!(h.from < h.to && h.to == clock.now);
}

/// A questionnaire's history: each total score with the colour it got,
/// oldest first, training left out, the plan's score limits, and answers
/// from before the period not shown; an unknown questionnaire is an error.
#[test]
fn answers_history_has_scores_colours_and_the_score_limits() {
    let clock = clock();
    let mut store = demo_store(&clock);
    let q = heima_core::fhir::questionnaire::load(&store, "daily-copd-check").unwrap().unwrap();
    let coding = |code: &str| Answer::Coding {
        system: Some("https://fhir.heima.no/demo/CodeSystem/daily-copd-check".into()),
        code: code.into(),
    };
    // (days ago, breath, who): as usual, much worse, training, too old.
    let cases = [
        (2, "usual", EnteredBy::Patient),
        (1, "much-worse", EnteredBy::Patient),
        (1, "much-worse", EnteredBy::NurseTraining),
        (40, "much-worse", EnteredBy::Patient),
    ];
    let answers_with = |breath: &str| {
        let mut answers = Answers::new();
        answers.insert("breath".into(), coding(breath));
        answers.insert("cough".into(), coding("no"));
        answers.insert("sputum".into(), Answer::Boolean(false));
        answers.insert("extra-medicine".into(), Answer::Boolean(false));
        answers
    };
    for (n, (days, breath, by)) in cases.into_iter().enumerate() {
        let answers = answers_with(breath);
        let then = FixedClock::oslo(clock.now - jiff::SignedDuration::from_hours(24 * days));
        submit_answers(&mut store, &then, &q, &answers, &Recorder::new(by), &format!("resp-{n}")).unwrap();
    }
    let h = heima_core::recording::answers_history(&store, &clock, "daily-copd-check", 30).unwrap();
    assert_eq!(h.title, q.title);
    let seen: Vec<(String, Option<Colour>)> = h.points.iter().map(|p| (p.values[0].value.clone(), p.colour)).collect();
    let expected = |breath: &str| q.score(&answers_with(breath)).unwrap().to_string();
    assert_eq!(seen.len(), 2, "training and the 40-day-old answers left out: {seen:?}");
    assert_eq!(seen[0].0, expected("usual"));
    assert_eq!(seen[1].0, expected("much-worse"));
    assert!(seen[0].1.is_some() && seen[1].1 >= seen[0].1, "{seen:?}");
    assert!(h.points.iter().all(|p| p.values[0].code == "74465-6" && p.values[0].unit == "{score}"));
    assert!(h.points.iter().all(|p| p.sent == Some(false)), "queued, not sent yet");
    assert!(!h.limits.is_empty() && h.limits.iter().all(|l| l.code == "74465-6"), "{:?}", h.limits);
    let unknown = heima_core::recording::answers_history(&store, &clock, "no-such", 30).unwrap_err();
    assert_eq!(unknown.code, "questionnaire-invalid");
}

/// A colour's medicine is taken for its result: a real result's by the
/// patient, a training result's in training; a tap after training was
/// switched is refused, and nothing is stored.
#[test]
fn a_medicine_taken_follows_its_results_training_or_not() {
    let clock = clock();
    let mut store = demo_store(&clock);
    let (patient, training) = (Recorder::new(EnteredBy::Patient), Recorder::new(EnteredBy::NurseTraining));
    let mut yellow = |minutes: i64, by: &Recorder| {
        let at = FixedClock::oslo(clock.now - jiff::SignedDuration::from_mins(minutes));
        let r = record_manual(&mut store, &at, MeasurementKind::PeakFlow, &typed(&[("19935-6", "240")]), by);
        heima_core::vocabulary::ResultItem::Reading { id: r.unwrap().id }
    };
    let (real, practice) = (yellow(2, &patient), yellow(1, &training));
    let take = heima_core::recording::take_colour_medicine;
    let refused = take(&mut store, &clock, real, "prednisolone", &training, "taken/1").unwrap_err();
    assert_eq!(refused.code, "training-changed");
    let refused = take(&mut store, &clock, practice, "prednisolone", &patient, "taken/2").unwrap_err();
    assert_eq!(refused.code, "training-changed");
    assert!(store.medicines_taken_since(jiff::Timestamp::MIN).unwrap().is_empty());
    let taken = take(&mut store, &clock, practice, "prednisolone", &training, "taken/3").unwrap();
    assert_eq!((taken.entered_by, taken.sent), (EnteredBy::NurseTraining, None), "practice is never sent");
    let taken = take(&mut store, &clock, real, "prednisolone", &patient, "taken/4").unwrap();
    assert_eq!((taken.entered_by, taken.sent), (EnteredBy::Patient, Some(false)));
}

/// A dose of the plan's schedule is taken for one of today's planned
/// times: it does that task, once; the same time twice keeps the first;
/// another time, a medicine without a schedule or a colour's medicine are
/// refused; a dose in training is kept apart and does no task.
#[test]
fn a_scheduled_dose_does_its_task_once() {
    use heima_core::{recording::take_dose, schedule::TaskState, store::medicines::MedicineTaken};
    let clock = clock();
    let mut store = demo_store(&clock);
    let (patient, training) = (Recorder::new(EnteredBy::Patient), Recorder::new(EnteredBy::NurseTraining));
    let dose_task = |store: &heima_core::store::Store| {
        let view = heima_core::today::view(store, &clock, true, None).unwrap().unwrap();
        view.tasks.into_iter().find(|t| t.activity_id == "dose:diuretic").expect("the diuretic's morning dose")
    };
    let task = dose_task(&store);
    let due = task.due.unwrap();
    assert_eq!(task.due_local.as_deref(), Some("08:30"));
    assert_ne!(task.state, TaskState::Done);

    for (medicine, at, why) in [
        ("diuretic", due + jiff::SignedDuration::from_hours(1), "not a planned time"),
        ("inhaler", due, "no dose schedule"),
        ("prednisolone", due, "a colour's medicine"),
        ("no-such", due, "not in the plan"),
    ] {
        let refused = take_dose(&mut store, &clock, medicine, at, &patient, "taken/x").unwrap_err();
        assert_eq!(refused.code, "medicine-unknown", "{why}");
    }
    // Not more than an hour before its time: at 06:00 the 08:30 dose waits.
    let early = FixedClock::oslo(due - jiff::SignedDuration::from_mins(150));
    let refused = take_dose(&mut store, &early, "diuretic", due, &patient, "taken/e").unwrap_err();
    assert_eq!(refused.code, "dose-not-yet");
    let practice = take_dose(&mut store, &clock, "diuretic", due, &training, "taken/t").unwrap();
    assert_eq!(practice.sent, None, "practice is never sent");
    assert_ne!(dose_task(&store).state, TaskState::Done, "nor does it do the task");

    let taken = take_dose(&mut store, &clock, "diuretic", due, &patient, "taken/1").unwrap();
    assert_eq!(taken.what, MedicineTaken::Scheduled { due });
    assert_eq!((taken.name.as_str(), taken.sent), ("Furosemid 40 mg", Some(false)));
    assert_eq!(taken.dosage, ["1 tablett om morgenen"]);
    let again = take_dose(&mut store, &clock, "diuretic", due, &patient, "taken/2").unwrap();
    assert_eq!(again.identifier, "taken/1", "the first stands");
    let task = dose_task(&store);
    assert_eq!((task.state, task.done_at), (TaskState::Done, Some(clock.now)));

    // The service moves the dose to 09:00 after it was taken: today's
    // 09:00 task is done (no second dose).
    let with_diuretic = |edit: &dyn Fn(&mut serde_json::Value), version: &str| {
        let mut plan: serde_json::Value = serde_json::from_str(heima_core::demo::CAREPLAN_JSON).unwrap();
        plan["meta"]["versionId"] = serde_json::json!(version);
        let contained = plan["contained"].as_array_mut().unwrap();
        edit(contained.iter_mut().find(|c| c["id"] == "diuretic").unwrap());
        plan
    };
    let moved = with_diuretic(
        &|d| d["dosageInstruction"][0]["timing"]["repeat"]["timeOfDay"] = serde_json::json!(["09:00:00"]),
        "2",
    );
    heima_core::fhir::careplan::accept(&store, &moved, clock.now, &clock.time_zone).unwrap();
    let task = dose_task(&store);
    assert_eq!((task.due_local.as_deref(), task.state), (Some("09:00"), TaskState::Done));
    // Renamed under the same id (40 mg to 80 mg): the dose taken today
    // stays taken for its time, as the store keeps it once; no second dose.
    let renamed =
        with_diuretic(&|d| d["medicationCodeableConcept"]["text"] = serde_json::json!("Furosemid 80 mg"), "3");
    heima_core::fhir::careplan::accept(&store, &renamed, clock.now, &clock.time_zone).unwrap();
    assert_eq!(dose_task(&store).state, TaskState::Done);
}

/// A course the plan asks a check after ("start kuren, mål igjen i
/// morgen"): taken for a yellow peak flow, it brings a peak-flow task the
/// next day at the same time, done by the next real peak flow; a course
/// taken in training brings none.
#[test]
fn a_course_started_brings_its_check_the_next_day() {
    use heima_core::schedule::TaskState;
    let clock = clock();
    let mut store = demo_store(&clock);
    let (patient, training) = (Recorder::new(EnteredBy::Patient), Recorder::new(EnteredBy::NurseTraining));
    let yellow = |store: &mut heima_core::store::Store, by: &Recorder| {
        // Practice a minute before, so the two are two readings.
        let minutes = if by.by == EnteredBy::NurseTraining { 1 } else { 0 };
        let at = FixedClock::oslo(clock.now - jiff::SignedDuration::from_mins(minutes));
        let r = record_manual(store, &at, MeasurementKind::PeakFlow, &typed(&[("19935-6", "240")]), by);
        heima_core::vocabulary::ResultItem::Reading { id: r.unwrap().id }
    };
    let take = heima_core::recording::take_colour_medicine;
    let practice = yellow(&mut store, &training);
    let practised = take(&mut store, &clock, practice, "prednisolone", &training, "taken/t").unwrap();
    let real = yellow(&mut store, &patient);
    let taken = take(&mut store, &clock, real, "prednisolone", &patient, "taken/1").unwrap();
    let tomorrow = clock.now + jiff::SignedDuration::from_hours(24);
    let check = taken.check.clone().expect("the plan asks a check after the course");
    assert_eq!((check.activity.as_str(), check.due), ("peak-flow", tomorrow));
    assert!(practised.check.is_some(), "kept with the practice, but no task of it");
    // The reliever for the same result asks no check.
    let reliever = take(&mut store, &clock, real, "reliever", &patient, "taken/2").unwrap();
    assert_eq!(reliever.check, None);

    let checks = |store: &heima_core::store::Store, at: jiff::Timestamp| {
        let clock = FixedClock::oslo(at);
        let view = heima_core::today::view(store, &clock, true, None).unwrap().unwrap();
        view.tasks.into_iter().filter(|t| t.after_medicine.is_some()).collect::<Vec<_>>()
    };
    assert!(checks(&store, clock.now).is_empty(), "not today");
    let due = checks(&store, tomorrow - jiff::SignedDuration::from_hours(1));
    let [task] = &due[..] else { panic!("one check, not the practice's: {due:?}") };
    assert_eq!(task.activity_id, "peak-flow");
    assert_eq!(task.after_medicine.as_deref(), Some("Prednisolon 5 mg (kur)"));
    assert_eq!((task.due, task.state), (Some(tomorrow), TaskState::ToDo));
    // Measured the next morning: done.
    let next_morning = FixedClock::oslo(tomorrow - jiff::SignedDuration::from_mins(30));
    record_manual(&mut store, &next_morning, MeasurementKind::PeakFlow, &typed(&[("19935-6", "360")]), &patient)
        .unwrap();
    let done = checks(&store, tomorrow);
    assert_eq!(done[0].state, TaskState::Done);
    // Not measured: missed three hours after.
    let mut store = demo_store(&clock);
    let real = yellow(&mut store, &patient);
    take(&mut store, &clock, real, "prednisolone", &patient, "taken/3").unwrap();
    let late = checks(&store, tomorrow + jiff::SignedDuration::from_hours(4));
    assert_eq!(late[0].state, TaskState::Missed);
    // Still in sight, missed, the day after; gone the day after that.
    let day_after = checks(&store, tomorrow + jiff::SignedDuration::from_hours(20));
    assert_eq!(day_after.iter().map(|t| t.state).collect::<Vec<_>>(), [TaskState::Missed]);
    assert!(checks(&store, tomorrow + jiff::SignedDuration::from_hours(44)).is_empty());

    // Started at 23:30: the check is not asked for at 23:30 the next night
    // (quiet hours) but at 07:00 after it.
    let late_evening = FixedClock::oslo("2026-11-23T22:30:00Z".parse().unwrap());
    let mut store = demo_store(&clock);
    let r =
        record_manual(&mut store, &late_evening, MeasurementKind::PeakFlow, &typed(&[("19935-6", "240")]), &patient);
    let item = heima_core::vocabulary::ResultItem::Reading { id: r.unwrap().id };
    let taken = take(&mut store, &late_evening, item, "prednisolone", &patient, "taken/4").unwrap();
    assert_eq!(taken.check.unwrap().due, "2026-11-25T06:00:00Z".parse::<jiff::Timestamp>().unwrap());
}
