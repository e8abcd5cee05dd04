//! The one judgement of a reading or answers, data-driven over the demo
//! plan: direction (advice and medicines for a falling weight are not those
//! for a rising one), trends over days with gaps, several readings a day and
//! training left out, the worst of band and trend, the pulse a cuff sends, a
//! red-flag answer, a plan change that never recolours the past, whom to
//! call on a public holiday or a closure's last day, and Min plan's sides.

use std::collections::BTreeMap;

use heima_core::locale::Locale;
use heima_core::{
    clock::FixedClock,
    contacts::Callee,
    demo::demo_store,
    plan::MeasurementKind,
    questionnaire::{Answer, Answers},
    recording::{reading_result, record_manual, submit_answers},
    results::ReadingResult,
    store::{
        readings::{EnteredBy, Recorder},
        Store,
    },
    traffic_light::{Colour, Direction, Judgement, NotJudged, Rule},
};
use jiff::Timestamp;

/// Local Oslo time `YYYY-MM-DDTHH:MM` as an instant.
fn at(local: &str) -> Timestamp {
    local.parse::<jiff::civil::DateTime>().unwrap().to_zoned(heima_core::clock::oslo()).unwrap().timestamp()
}

fn typed(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn record(
    store: &mut Store,
    when: &str,
    kind: MeasurementKind,
    values: &[(&str, &str)],
    by: EnteredBy,
) -> ReadingResult {
    let clock = FixedClock::oslo(at(when));
    record_manual(store, &clock, kind, &typed(values), &Recorder::new(by)).unwrap()
}

fn weight(store: &mut Store, when: &str, kg: &str) -> ReadingResult {
    record(store, when, MeasurementKind::BodyWeight, &[("29463-7", kg)], EnteredBy::Patient)
}

/// A judgement as `(colour, [(code, direction, rule)])`.
type Seen = (Colour, Vec<(String, Option<Direction>, Rule)>);

/// What a judgement says, or why it was not judged.
fn seen(j: &Judgement) -> Result<Seen, NotJudged> {
    match j {
        Judgement::Judged { colour, causes } => {
            Ok((*colour, causes.iter().map(|c| (c.code.clone(), c.direction, c.rule.clone())).collect()))
        }
        Judgement::NotJudged(reason) => Err(reason.clone()),
    }
}

fn trend(change: &str, days: u16, from: &str) -> Rule {
    Rule::Trend { change: change.into(), unit: "kg".into(), days, from: from.into() }
}

/// A store with the demo plan and no readings of its own: the demo's
/// morning weight lands on 2027-05-01, outside every window below.
fn store() -> Store {
    demo_store(&FixedClock::oslo(at("2027-05-01T12:00")))
}

/// The demo's weight trend: up at least 2 kg within 3 days is yellow
/// (above). Each case: earlier readings `(local time, kg, training?)`,
/// then the new one, and the judgement it gets.
#[test]
fn weight_trends() {
    use Colour::*;
    use Direction::*;
    type Case<'a> = (
        &'a str,
        Vec<(&'a str, &'a str, bool)>,
        (&'a str, &'a str),
        Result<(Colour, Vec<(String, Option<Direction>, Rule)>), NotJudged>,
    );
    let band = |colour, d| Ok((colour, vec![("29463-7".to_string(), d, Rule::Band)]));
    let by_trend = |change: &str, days, from: &str| {
        Ok((Yellow, vec![("29463-7".to_string(), Some(Above), trend(change, days, from))]))
    };
    let cases: Vec<Case> = vec![
        (
            "steady",
            vec![("2027-05-10T07:30", "71.0", false), ("2027-05-11T07:30", "71.2", false)],
            ("2027-05-12T07:30", "71.5"),
            band(Green, None),
        ),
        (
            "up 2.4 kg in three days, still in the green band",
            vec![
                ("2027-05-10T07:30", "71.0", false),
                ("2027-05-11T07:30", "72.1", false),
                ("2027-05-12T07:30", "72.9", false),
            ],
            ("2027-05-13T07:30", "73.4"),
            by_trend("2.4", 3, "2027-05-10"),
        ),
        (
            "a missing day does not hide it",
            vec![("2027-05-10T07:30", "71.0", false), ("2027-05-12T07:30", "72.9", false)],
            ("2027-05-13T07:30", "73.0"),
            by_trend("2.0", 3, "2027-05-10"),
        ),
        (
            "a dip in between is the base",
            vec![
                ("2027-05-10T07:30", "72.0", false),
                ("2027-05-11T07:30", "71.0", false),
                ("2027-05-12T07:30", "72.0", false),
            ],
            ("2027-05-13T07:30", "73.2"),
            by_trend("2.2", 2, "2027-05-11"),
        ),
        (
            "the first reading of a day counts, not a later one",
            vec![("2027-05-11T07:30", "73.5", false), ("2027-05-11T21:00", "71.0", false)],
            ("2027-05-13T07:30", "74.5"),
            band(Green, None),
        ),
        (
            "older than the window does not count",
            vec![("2027-05-09T07:30", "71.0", false), ("2027-05-12T07:30", "72.5", false)],
            ("2027-05-13T07:30", "73.4"),
            band(Green, None),
        ),
        (
            "the same day's earlier reading is not a day before",
            vec![("2027-05-13T06:00", "71.0", false)],
            ("2027-05-13T07:30", "73.4"),
            band(Green, None),
        ),
        (
            "training readings never count",
            vec![("2027-05-10T07:30", "71.0", true), ("2027-05-12T07:30", "73.0", false)],
            ("2027-05-13T07:30", "73.4"),
            band(Green, None),
        ),
        (
            "a fall is not a rise (the rule is for rising)",
            vec![("2027-05-10T07:30", "75.5", false)],
            ("2027-05-13T07:30", "72.5"),
            band(Green, None),
        ),
        ("no earlier days: the band alone", vec![], ("2027-05-13T07:30", "69.0"), band(Yellow, Some(Below))),
        (
            "band and trend the same colour: both named",
            vec![("2027-05-11T07:30", "74.5", false)],
            ("2027-05-13T07:30", "76.6"),
            Ok((
                Yellow,
                vec![
                    ("29463-7".to_string(), Some(Above), Rule::Band),
                    ("29463-7".to_string(), Some(Above), trend("2.1", 2, "2027-05-11")),
                ],
            )),
        ),
        (
            "a red band beats a yellow trend",
            vec![("2027-05-11T07:30", "75.5", false)],
            ("2027-05-13T07:30", "78.5"),
            band(Red, Some(Above)),
        ),
    ];
    for (name, earlier, (when, kg), expected) in cases {
        let mut store = store();
        for (w, v, training) in earlier {
            let by = if training { EnteredBy::NurseTraining } else { EnteredBy::Patient };
            record(&mut store, w, MeasurementKind::BodyWeight, &[("29463-7", v)], by);
        }
        let r = weight(&mut store, when, kg);
        assert_eq!(seen(&r.judgement), expected, "{name}");
        // What was stored is what is shown again later.
        let later = FixedClock::oslo(at("2027-06-01T12:00"));
        assert_eq!(reading_result(&store, &later, r.id).unwrap().unwrap().judgement, r.judgement, "{name}");
    }
}

/// A falling weight gets the falling-weight advice and no diuretic; a
/// rising one the diuretic the plan ties to it.
#[test]
fn advice_and_medicines_follow_the_direction() {
    let mut store = store();
    let falling = weight(&mut store, "2027-05-13T07:30", "69.5");
    assert_eq!(seen(&falling.judgement).unwrap().1[0].1, Some(Direction::Below));
    let advice = falling.advice.unwrap();
    assert!(advice.get(Locale::Bokmal).contains("Ikke ta ekstra vanndrivende"), "{advice:?}");
    assert!(advice.exactly(Locale::Nynorsk).unwrap().contains("Ikkje ta ekstra vassdrivande"));
    assert!(falling.help.medicines.is_empty(), "no diuretic for a falling weight: {:?}", falling.help.medicines);
    let rising = weight(&mut store, "2027-05-14T07:30", "77.0");
    assert!(rising.advice.unwrap().get(Locale::Bokmal).contains("Ta en ekstra vanndrivende"));
    let names: Vec<&str> = rising.help.medicines.iter().map(|m| m.name.get(Locale::Bokmal).as_str()).collect();
    assert_eq!(names, ["Furosemid 40 mg (ekstra dose)"]);
    // A yellow oxygen saturation gets the COPD course, a yellow weight never.
    let spo2 = record(
        &mut store,
        "2027-05-14T09:00",
        MeasurementKind::OxygenSaturation,
        &[("2708-6", "90")],
        EnteredBy::Patient,
    );
    let names: Vec<&str> = spo2.help.medicines.iter().map(|m| m.name.get(Locale::Bokmal).as_str()).collect();
    assert_eq!(names, ["Prednisolon 5 mg (kur)", "Ventoline inhalasjonsvæske"]);
}

/// The pulse typed with a blood pressure is judged by the plan's pulse
/// limits: 38/min is red below, named as the cause, with the pulse advice.
#[test]
fn the_cuffs_pulse_is_judged() {
    let mut store = store();
    let r = record(
        &mut store,
        "2027-05-12T08:00",
        MeasurementKind::BloodPressure,
        &[("8480-6", "124"), ("8462-4", "78"), ("8867-4", "38")],
        EnteredBy::Patient,
    );
    assert_eq!(seen(&r.judgement), Ok((Colour::Red, vec![("8867-4".into(), Some(Direction::Below), Rule::Band)])));
    assert_eq!(r.judgement.causes()[0].activity, "pulse");
    assert!(r.advice.unwrap().get(Locale::Bokmal).starts_with("Pulsen er for lav"));
    assert!(matches!(r.help.whom.now.first(), Some(Callee::Emergency113)));
    let fine = record(
        &mut store,
        "2027-05-12T20:00",
        MeasurementKind::BloodPressure,
        &[("8480-6", "124"), ("8462-4", "78"), ("8867-4", "64")],
        EnteredBy::Patient,
    );
    assert_eq!(fine.judgement.colour(), Some(Colour::Green));
    let without = record(
        &mut store,
        "2027-05-12T21:00",
        MeasurementKind::BloodPressure,
        &[("8480-6", "124"), ("8462-4", "78")],
        EnteredBy::Patient,
    );
    assert_eq!(without.judgement.colour(), Some(Colour::Green), "no pulse sent: judged on the pressure");
}

fn hf_answers(chest_pain: bool) -> Answers {
    let coding = |code: &str| Answer::Coding {
        system: Some("https://fhir.heima.no/demo/CodeSystem/heart-failure-check".into()),
        code: code.into(),
    };
    Answers::from([
        ("chest-pain".to_string(), Answer::Boolean(chest_pain)),
        ("mmrc".to_string(), coding("mmrc-0")),
        ("swelling".to_string(), coding("none")),
        ("sleep".to_string(), coding("usual")),
        ("dizzy".to_string(), Answer::Boolean(false)),
    ])
}

/// "Har du brystsmerter nå?" — yes is red on its own, whatever the score.
#[test]
fn a_red_flag_answer_is_red_on_its_own() {
    let mut store = store();
    let clock = FixedClock::oslo(at("2027-05-12T10:00"));
    let q = heima_core::fhir::questionnaire::load(&store, "heart-failure-check").unwrap().unwrap();
    let by = Recorder::new(EnteredBy::Patient);
    let calm = submit_answers(&mut store, &clock, &q, &hf_answers(false), &by, "hf-1").unwrap();
    assert_eq!(calm.judgement.colour(), Some(Colour::Green));
    assert_eq!(calm.judgement.causes()[0].rule, Rule::Score);
    let pain = submit_answers(&mut store, &clock, &q, &hf_answers(true), &by, "hf-2").unwrap();
    assert_eq!(
        seen(&pain.judgement),
        Ok((
            Colour::Red,
            vec![("chest-pain".into(), None, Rule::Answer { link_id: "chest-pain".into(), value: "true".into() })]
        ))
    );
    assert!(matches!(pain.help.whom.now.first(), Some(Callee::Emergency113)));
    let stored = store.response_by_id(pain.id).unwrap().unwrap();
    assert_eq!((stored.colour.as_deref(), &stored.judgement), (Some("red"), &pain.judgement));
}

/// A red on 17 May (a Monday in 2027), when the office is closed for the
/// holiday: the legevakt, and when the service opens again.
#[test]
fn a_red_on_17_may_goes_to_the_legevakt() {
    let mut store = store();
    let r = record(
        &mut store,
        "2027-05-17T10:00",
        MeasurementKind::OxygenSaturation,
        &[("2708-6", "85")],
        EnteredBy::Patient,
    );
    assert_eq!(r.judgement.colour(), Some(Colour::Red));
    let whom = &r.help.whom;
    assert!(whom.service_closed && whom.holiday, "{whom:?}");
    assert!(whom.now.iter().any(|c| matches!(c, Callee::OutOfHours(route) if route.phone == "116 117")), "{whom:?}");
    assert!(!whom.now.iter().any(|c| matches!(c, Callee::Service(_))));
    assert_eq!(whom.opens, Some("2027-05-18T08:00".parse().unwrap()));
    // The day after, the service answers.
    let r = record(
        &mut store,
        "2027-05-18T10:00",
        MeasurementKind::OxygenSaturation,
        &[("2708-6", "85")],
        EnteredBy::Patient,
    );
    assert!(r.help.whom.now.iter().any(|c| matches!(c, Callee::Service(_))));
}

/// A reading keeps the judgement of the plan in force when it was taken;
/// a reading from before any plan says so, everywhere.
#[test]
fn a_later_plan_never_recolours_the_past() {
    let tz = heima_core::clock::oslo();
    let mut store = store();
    // SpO2 91 %: yellow under the demo plan (yellow 88–92).
    let before = record(
        &mut store,
        "2027-05-12T08:00",
        MeasurementKind::OxygenSaturation,
        &[("2708-6", "91")],
        EnteredBy::Patient,
    );
    assert_eq!(before.judgement.colour(), Some(Colour::Yellow));
    // Version 2 from 13 May: green from 90.
    let mut plan: serde_json::Value = serde_json::from_str(heima_core::demo::CAREPLAN_JSON).unwrap();
    plan["meta"]["versionId"] = "2".into();
    plan["period"]["start"] = "2027-05-13".into();
    let spo2 =
        plan["activity"].as_array_mut().unwrap().iter_mut().find(|a| a["extension"][0]["valueId"] == "spo2").unwrap();
    for limit in spo2["extension"][1]["extension"].as_array_mut().unwrap() {
        if limit["url"] == "limit" {
            let colour = limit["extension"][1]["valueCode"].as_str().unwrap().to_string();
            let range = &mut limit["extension"][2]["valueRange"];
            match colour.as_str() {
                "green" => range["low"]["value"] = 90.into(),
                "yellow" => range["high"]["value"] = 90.into(),
                _ => {}
            }
        }
    }
    heima_core::fhir::careplan::accept(&store, &plan, at("2027-05-13T00:00"), &tz).unwrap();
    let later = FixedClock::oslo(at("2027-05-13T12:00"));
    let shown = reading_result(&store, &later, before.id).unwrap().unwrap();
    assert_eq!(shown.judgement, before.judgement, "still yellow, as judged by version 1");
    assert_eq!(shown.advice, before.advice, "with version 1's advice");
    let after = record(
        &mut store,
        "2027-05-13T12:00",
        MeasurementKind::OxygenSaturation,
        &[("2708-6", "91")],
        EnteredBy::Patient,
    );
    assert_eq!(after.judgement.colour(), Some(Colour::Green), "the new plan judges new readings");
}

#[test]
fn before_any_plan_a_reading_is_not_judged_and_says_why() {
    let key = heima_core::store::StoreKey::from_bytes([7; 32]);
    let mut store = Store::open_in_memory(&key).unwrap();
    let r = weight(&mut store, "2027-05-12T07:30", "74.0");
    assert_eq!(r.judgement, Judgement::NotJudged(NotJudged::NoPlan));
    assert_eq!((r.advice, r.help.whom.now.len()), (None, 0));
    let stored = store.reading_by_id(r.id).unwrap().unwrap();
    assert_eq!((stored.colour, stored.judgement), (None, Judgement::NotJudged(NotJudged::NoPlan)));
}

/// A closure's end date is its last closed day; an end with a time ends then.
#[test]
fn a_closure_is_closed_through_its_last_day() {
    let tz = heima_core::clock::oslo();
    let with_closure = |end: &str| {
        let mut plan: serde_json::Value = serde_json::from_str(heima_core::demo::CAREPLAN_JSON).unwrap();
        let hours = plan["contained"].as_array_mut().unwrap().iter_mut().find(|c| c["id"] == "hours").unwrap();
        hours["notAvailable"] =
            serde_json::json!([{ "description": "Stengt", "during": { "start": "2027-05-19", "end": end } }]);
        heima_core::fhir::careplan::parse(&plan, &tz).unwrap().service.hours.unwrap()
    };
    let cases = [
        ("2027-05-21", "2027-05-19T10:00", false),
        ("2027-05-21", "2027-05-21T15:00", false),
        ("2027-05-21", "2027-05-24T10:00", true),
        ("2027-05-21T12:00:00+02:00", "2027-05-21T11:00", false),
        ("2027-05-21T12:00:00+02:00", "2027-05-21T13:00", true),
    ];
    for (end, when, open) in cases {
        assert_eq!(with_closure(end).is_open(at(when), &tz), open, "closed until {end}, at {when}");
    }
}

/// Min plan shows the weight's yellow once per side: below with its own
/// advice and no medicine, above with the change rule and the diuretic.
#[test]
fn min_plan_shows_each_side_with_what_applies_there() {
    let plan = heima_core::demo::sample_plan(&FixedClock::oslo(at("2027-05-12T10:00")));
    let weight = plan.activity("weight").unwrap();
    let blocks = plan.colour_blocks(weight);
    type Shape<'a> = (Colour, Option<Direction>, usize, usize, Vec<&'a str>);
    let shape: Vec<Shape> = blocks
        .iter()
        .map(|b| {
            (b.colour, b.direction, b.limits.len(), b.trends.len(), b.medicines.iter().map(|m| m.id.as_str()).collect())
        })
        .collect();
    use Colour::*;
    use Direction::*;
    assert_eq!(
        shape,
        [
            (Green, None, 1, 0, vec![]),
            (Yellow, Some(Below), 1, 0, vec![]),
            (Yellow, Some(Above), 1, 1, vec!["extra-diuretic"]),
            (Red, Some(Below), 1, 0, vec![]),
            (Red, Some(Above), 1, 0, vec![]),
        ]
    );
    assert!(blocks[1].advice.as_ref().unwrap().get(Locale::Bokmal).contains("Ikke ta ekstra vanndrivende"));
    let listed = plan.listed_medicines();
    let listed: Vec<&str> = listed.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(listed, ["inhaler", "diuretic"], "the daily ones; the courses only where an activity names them");
}

/// A stored colour whose cause the plan no longer knows (its activity
/// dropped, or stored before causes were kept) still offers whom to call:
/// 113 and the service for red, the service for yellow.
#[test]
fn a_colour_without_a_known_cause_still_says_whom_to_call() {
    use heima_core::traffic_light::Cause;
    let plan = heima_core::demo::sample_plan(&FixedClock::oslo(at("2027-05-12T10:00")));
    let gone = |colour| Judgement::Judged {
        colour,
        causes: vec![Cause { code: "x".into(), activity: "gone".into(), direction: None, rule: Rule::Band }],
    };
    let (_, help) = plan.help(&gone(Colour::Red), at("2027-05-12T10:00"), &heima_core::clock::oslo());
    assert!(matches!(help.whom.now.as_slice(), [Callee::Emergency113, Callee::Service(_)]), "{:?}", help.whom);
    let (_, help) = plan.help(&gone(Colour::Yellow), at("2027-05-12T10:00"), &heima_core::clock::oslo());
    assert!(matches!(help.whom.now.as_slice(), [Callee::Service(_)]), "{:?}", help.whom);
    let legacy = Judgement::Judged { colour: Colour::Red, causes: vec![] };
    let (_, help) = plan.help(&legacy, at("2027-05-12T10:00"), &heima_core::clock::oslo());
    assert!(matches!(help.whom.now.first(), Some(Callee::Emergency113)));
}

/// A record fetched later from a device's memory is judged by the plan of
/// its own time: one taken before any plan stays not judged, even while a
/// plan is in force now.
#[test]
fn a_back_filled_record_is_judged_by_the_plan_of_its_time() {
    let tz = heima_core::clock::oslo();
    let store = store();
    let now = heima_core::fhir::careplan::in_force(&store, at("2027-05-12T10:00"), &tz).unwrap().unwrap();
    let weight =
        |when: &str| heima_test_support::readings::weight(74_000, at(when), "aa:bb:cc:dd:ee:ff", &format!("bf-{when}"));
    let before_any_plan = weight("2025-06-01T07:30");
    let judged = heima_core::judging::judge_at_its_time(&store, &before_any_plan, &tz, Some(&now)).unwrap();
    assert_eq!(judged, None, "taken before the demo plan's start (1 January 2026)");
    let in_time = weight("2027-05-11T07:30");
    let (version, judgement) =
        heima_core::judging::judge_at_its_time(&store, &in_time, &tz, Some(&now)).unwrap().unwrap();
    assert_eq!((version, judgement.colour()), (now.version, Some(Colour::Green)));
}
