//! The self-care plan from FHIR (read completely, refused with a reason,
//! defaults, phases, updates that replace from their start), the
//! traffic-light model on the demo plan's readings, and the questionnaire
//! engine and its responses (every `enableWhen` operator, scores, checks,
//! refusals) — data-driven over the demo resources and small hand-made ones.

use heima_core::{
    clock::oslo,
    demo,
    fhir::{careplan, questionnaire as fq},
    locale::Locale,
    plan::{ActivityKind, MeasurementKind, Phase, Timing},
    questionnaire::{Answer, Answers, Questionnaire},
    traffic_light::{judge_by, Call, Colour, Direction, Judgeable, Judgement},
    vocabulary::{Decimal, EnteredBy, Recorder},
};
use jiff::civil::{date, time};
use serde_json::{json, Value};

fn demo_plan_json() -> Value {
    serde_json::from_str(demo::CAREPLAN_JSON).unwrap()
}

#[test]
fn the_demo_plan_reads_completely() {
    let plan = careplan::parse(&demo_plan_json(), &oslo()).unwrap();
    assert_eq!((plan.id.as_str(), plan.version), ("demo-plan", 1));
    assert_eq!(plan.valid_from.to_string(), "2025-12-31T23:00:00Z", "a date starts at Oslo midnight");
    assert_eq!(plan.service.phone, "+47 22 00 00 00");
    let bp = plan.activity("bp").unwrap();
    assert_eq!(bp.kind, ActivityKind::Measure { measurement: MeasurementKind::BloodPressure });
    assert_eq!(bp.timing, Timing::DailyAt { times: vec![time(8, 0, 0, 0), time(20, 0, 0, 0)] });
    assert_eq!(bp.traffic_light.calls(Colour::Red), vec![Call::Service, Call::Emergency113]);
    assert!(bp
        .traffic_light
        .advice_for(Colour::Red, None)
        .unwrap()
        .get(Locale::Nynorsk)
        .contains("oppfølgingstenesta"));
    assert_eq!(plan.activity("heart-failure-check").unwrap().timing, Timing::TimesPerWeek { count: 3 });
    assert_eq!(plan.activity("temperature").unwrap().timing, Timing::WhenNeeded);
    // Peak flow's bands are in % of the personal best (400 L/min), judged
    // in L/min: 80 % is 320, 50 % is 200.
    let pef = &plan.activity("peak-flow").unwrap().traffic_light;
    let green = pef.limits.iter().find(|l| l.colour == Colour::Green).unwrap();
    assert_eq!((green.low, green.high, green.unit.as_str()), (Some(Decimal::new(320, 0)), None, "L/min"));
    let of_best = green.of_best.as_ref().unwrap();
    assert_eq!((of_best.low, of_best.best), (Some(Decimal::new(80, 0)), Decimal::new(400, 0)));
    assert_eq!(
        plan.activity("copd-check").unwrap().kind,
        ActivityKind::Questionnaire { questionnaire: "daily-copd-check".into() }
    );
    assert_eq!(
        plan.description.as_ref().map(|t| t.get(heima_core::locale::Locale::Bokmal).as_str()),
        Some("Plan for KOLS og hjertesvikt. Demo – ikke ekte pasientdata.")
    );
    let goals: Vec<&str> = plan.goals.iter().map(|g| g.text.get(heima_core::locale::Locale::Bokmal).as_str()).collect();
    assert_eq!(goals, ["Gå en tur ute hver dag, også når det er kaldt.", "Holde vekten stabil, under 82 kg."]);
    let target = &plan.goals[1].targets[0];
    assert_eq!(
        (target.code.as_deref(), target.low, target.high, target.unit.as_deref(), target.due.as_deref()),
        (Some("29463-7"), None, Some(Decimal::new(82, 0)), Some("kg"), Some("2027-03-01"))
    );
}

/// Goals: contained `Goal`s are read; a goal that names no contained Goal,
/// or has no text, refuses the plan with a reason; a goal kept elsewhere
/// on the server is left out.
#[test]
fn goals_are_read_from_contained_goal_resources() {
    let tz = oslo();
    let mut plan = demo_plan_json();
    plan["goal"] = json!([{ "reference": "#missing" }]);
    assert!(careplan::parse(&plan, &tz).unwrap_err().detail.contains("no contained Goal #missing"));
    let mut plan = demo_plan_json();
    plan["contained"][1]["description"]["text"] = json!("  ");
    assert!(careplan::parse(&plan, &tz).unwrap_err().detail.contains("description.text"));
    let mut plan = demo_plan_json();
    plan["goal"] = json!([{ "reference": "Goal/on-the-server" }, { "reference": "#walk" }]);
    assert_eq!(careplan::parse(&plan, &tz).unwrap().goals.len(), 1);
    let mut plan = demo_plan_json();
    plan["contained"][2]["target"][0] =
        json!({ "detailQuantity": { "value": 70.5, "code": "kg" }, "measure": { "coding": [{ "code": "29463-7" }] } });
    let exact = &careplan::parse(&plan, &tz).unwrap().goals[1].targets[0];
    assert_eq!((exact.low, exact.high), (Some(Decimal::new(705, -1)), Some(Decimal::new(705, -1))));
}

/// Each broken plan is refused with a reason that names the problem.
#[test]
fn plans_that_cannot_be_understood_are_refused() {
    /// The peak-flow activity's check after the yellow course.
    fn course_recheck(plan: &mut Value) -> &mut Value {
        let medicine = peak_flow_light(plan).iter_mut().find(|e| e["url"] == "medicine").unwrap();
        medicine["extension"].as_array_mut().unwrap().iter_mut().find(|e| e["url"] == "recheck").unwrap()
    }
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit, &str)> = vec![
        ("not a careplan", |p| p["resourceType"] = json!("Patient"), "not a CarePlan"),
        ("draft", |p| p["status"] = json!("draft"), "is not a plan in use"),
        ("no start", |p| p["period"] = json!({}), "period.start"),
        ("bad version", |p| p["meta"]["versionId"] = json!("two"), "versionId"),
        ("no service", |p| p["contained"] = json!([]), "contained Organization"),
        ("no activities", |p| p["activity"] = json!([]), "no activities"),
        (
            "unknown reading",
            |p| p["activity"][0]["detail"]["code"]["coding"][0]["code"] = json!("1234-5"),
            "not a reading",
        ),
        (
            "bad time",
            |p| p["activity"][0]["detail"]["scheduledTiming"]["repeat"]["timeOfDay"] = json!(["25:00:00"]),
            "timeOfDay",
        ),
        (
            "every second day",
            |p| p["activity"][0]["detail"]["scheduledTiming"]["repeat"]["period"] = json!(2),
            "unsupported timing",
        ),
        (
            "bad weekday",
            |p| p["activity"][0]["detail"]["scheduledTiming"]["repeat"]["dayOfWeek"] = json!(["fun"]),
            "dayOfWeek",
        ),
        (
            "inverted range",
            |p| {
                p["activity"][0]["extension"][1]["extension"][0]["extension"][2]["valueRange"]["low"]["value"] =
                    json!(99)
            },
            "low above high",
        ),
        (
            "unknown colour",
            |p| p["activity"][0]["extension"][1]["extension"][0]["extension"][1]["valueCode"] = json!("blue"),
            "unknown colour",
        ),
        (
            "medicine elsewhere",
            |p| {
                p["activity"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({ "reference": { "reference": "MedicationRequest/1" } }))
            },
            "contained MedicationRequest",
        ),
        (
            "medicine without a name",
            |p| contained(p, "inhaler")["medicationCodeableConcept"] = json!({}),
            "medicationCodeableConcept",
        ),
        (
            "out-of-hours without a number",
            |p| contained(p, "out-of-hours")["telecom"] = json!([]),
            "out-of-hours service has no phone",
        ),
        (
            "bad opening time",
            |p| contained(p, "hours")["availableTime"][0]["availableStartTime"] = json!("8 o'clock"),
            "availableTime[0]",
        ),
        (
            "material as HTML",
            |p| contained(p, "breathing")["content"][0]["attachment"]["contentType"] = json!("text/html"),
            "text/html",
        ),
        (
            "material not base64",
            |p| contained(p, "breathing")["content"][0]["attachment"]["data"] = json!("***"),
            "attachment data",
        ),
        ("duplicate ids", |p| p["activity"][1]["extension"][0]["valueId"] = json!("weight"), "share an id"),
        (
            "limits without advice",
            |p| {
                let ext = p["activity"][0]["extension"][1]["extension"].as_array_mut().unwrap();
                ext.retain(|e| e["url"] != "advice");
            },
            "no Bokmål advice",
        ),
        (
            "a side without advice",
            |p| {
                // The weight's falling side loses its Bokmål advice.
                let ext = light(p, 0);
                ext.retain(|e| {
                    !(e["url"] == "advice"
                        && e["extension"][1]["valueCode"] == "below"
                        && e["extension"][2]["valueCode"] == "nb")
                });
            },
            "(below) but no Bokmål advice",
        ),
        (
            "unknown side",
            |p| {
                light(p, 0)[1]["extension"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({ "url": "direction", "valueCode": "left" }))
            },
            "unknown direction",
        ),
        (
            "a limit without a code",
            |p| {
                light(p, 0)[0]["extension"].as_array_mut().unwrap().retain(|e| e["url"] != "code");
            },
            "code missing",
        ),
        (
            "a change rule without a change",
            |p| {
                let trend = light(p, 0).iter_mut().find(|e| e["url"] == "trend").unwrap();
                trend["extension"].as_array_mut().unwrap().retain(|e| e["url"] != "change");
            },
            "change missing",
        ),
        (
            "a change over no days",
            |p| {
                let trend = light(p, 0).iter_mut().find(|e| e["url"] == "trend").unwrap();
                trend["extension"][4]["valueInteger"] = json!(0);
            },
            "days must be",
        ),
        (
            "a change of nothing",
            |p| {
                let trend = light(p, 0).iter_mut().find(|e| e["url"] == "trend").unwrap();
                trend["extension"][3]["valueQuantity"]["value"] = json!(0);
            },
            "above zero",
        ),
        (
            "a course for another colour",
            |p| {
                let spo2 = p["activity"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find(|a| a["extension"][0]["valueId"] == "spo2")
                    .unwrap();
                let m = spo2["extension"][1]["extension"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find(|e| e["url"] == "medicine")
                    .unwrap();
                m["extension"][0]["valueCode"] = json!("red");
            },
            "for another colour",
        ),
        (
            "an answer's advice without Bokmål",
            |p| {
                let hf = p["activity"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find(|a| a["extension"][0]["valueId"] == "heart-failure-check")
                    .unwrap();
                let rule = hf["extension"][1]["extension"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find(|e| e["url"] == "answer")
                    .unwrap();
                rule["extension"]
                    .as_array_mut()
                    .unwrap()
                    .retain(|e| !(e["url"] == "advice" && e["extension"][0]["valueCode"] == "nb"));
            },
            "advice without Bokmål",
        ),
        (
            "an answer rule without a value",
            |p| {
                let hf = p["activity"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find(|a| a["extension"][0]["valueId"] == "heart-failure-check")
                    .unwrap();
                let rule = hf["extension"][1]["extension"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find(|e| e["url"] == "answer")
                    .unwrap();
                rule["extension"].as_array_mut().unwrap().retain(|e| e["url"] != "value");
            },
            "value missing",
        ),
    ];
    let lung: Vec<(&str, Edit, &str)> = vec![
        (
            "a band in % of the best without a best",
            |p| peak_flow_light(p).retain(|e| e["url"] != "best"),
            "no best for its code",
        ),
        (
            "a best given as a percentage",
            |p| peak_flow_light(p)[0]["extension"][1]["valueQuantity"]["code"] = json!("%"),
            "not a percentage",
        ),
        (
            "a best in L/s",
            |p| peak_flow_light(p)[0]["extension"][1]["valueQuantity"]["code"] = json!("L/s"),
            "must be in L/min",
        ),
        (
            "a best with a digit missing",
            |p| peak_flow_light(p)[0]["extension"][1]["valueQuantity"]["value"] = json!(4),
            "from 30 to 900",
        ),
        (
            "% bands with a gap (yellow 50-79 %, green from 80 %)",
            |p| {
                let yellow =
                    peak_flow_light(p).iter_mut().find(|e| e["extension"][1]["valueCode"] == "yellow").unwrap();
                yellow["extension"][2]["valueRange"]["high"]["value"] = json!(79);
            },
            "leave a gap from 316 to 320",
        ),
        (
            "a best for oxygen saturation",
            |p| peak_flow_light(p)[0]["extension"][0]["valueCoding"]["code"] = json!("2708-6"),
            "only peak flow and FEV1",
        ),
        (
            "two bests",
            |p| {
                let best = peak_flow_light(p)[0].clone();
                peak_flow_light(p).push(best);
            },
            "two bests",
        ),
        (
            "a course's check after 10 minutes",
            |p| course_recheck(p)["valueDuration"]["value"] = json!(10),
            "from 1 hour to 7 days",
        ),
        ("a course's check in weeks", |p| course_recheck(p)["valueDuration"]["code"] = json!("wk"), "UCUM min, h or d"),
        (
            "an activity id like a dose's",
            |p| p["activity"][0]["extension"][0]["valueId"] = json!("dose:diuretic"),
            "an activity id is letters",
        ),
        (
            "two medicines under one id",
            |p| {
                // A statement under the id of the plan's diuretic request.
                let statement = json!({
                    "resourceType": "MedicationStatement", "id": "diuretic", "status": "active",
                    "subject": { "display": "Kari Nordmann" },
                    "medicationCodeableConcept": { "text": "Metoprolol 50 mg" }
                });
                p["contained"].as_array_mut().unwrap().push(statement);
                p["supportingInfo"].as_array_mut().unwrap().push(json!({ "reference": "#diuretic" }));
            },
            "two medicines share the id",
        ),
        (
            "25 times a day",
            |p| {
                let times: Vec<String> = (0..25).map(|m| format!("08:{m:02}:00")).collect();
                p["activity"][0]["detail"]["scheduledTiming"]["repeat"]["timeOfDay"] = json!(times);
            },
            "more than 24 times a day",
        ),
    ];
    for (name, edit, expected) in cases.into_iter().chain(lung) {
        let mut plan = demo_plan_json();
        edit(&mut plan);
        let error = careplan::parse(&plan, &oslo()).expect_err(name);
        assert_eq!(error.code, "plan-invalid", "{name}");
        assert!(error.detail.contains(expected), "{name}: {}", error.detail);
    }
}

/// The traffic light's parts of activity `index`, to edit.
fn light(plan: &mut Value, index: usize) -> &mut Vec<Value> {
    plan["activity"][index]["extension"][1]["extension"].as_array_mut().unwrap()
}

/// The traffic light's parts of the demo's peak-flow activity, to edit
/// (its first part is the personal best).
/// A dose schedule the app cannot keep exactly is not read: the medicine
/// keeps its text, no task, and the plan is not refused for it (a plan
/// read before still reads). One it can keep is a task at its times, each
/// time once, also beside a colour's line on the same medicine.
#[test]
fn dose_schedules_the_app_cannot_keep_are_text_only() {
    use heima_core::plan::Timing;
    let schedule = |timing: Value| {
        let mut plan = demo_plan_json();
        let contained = plan["contained"].as_array_mut().unwrap();
        let diuretic = contained.iter_mut().find(|c| c["id"] == "diuretic").unwrap();
        diuretic["dosageInstruction"][0]["timing"] = timing;
        let plan = careplan::parse(&plan, &oslo()).expect("not refused");
        plan.medicines.into_iter().find(|m| m.id == "diuretic").unwrap().schedule
    };
    let daily = |extra: Value| {
        let mut repeat = json!({ "frequency": 1, "period": 1, "periodUnit": "d", "timeOfDay": ["08:30:00"] });
        repeat.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        json!({ "repeat": repeat })
    };
    for (what, timing) in [
        ("twice a week, no times", json!({ "repeat": { "frequency": 2, "period": 1, "periodUnit": "wk" } })),
        ("every second day", daily(json!({ "period": 2 }))),
        (
            "for five days",
            daily(json!({ "boundsDuration": { "value": 5, "code": "d", "system": "http://unitsofmeasure.org" } })),
        ),
        ("ten doses", daily(json!({ "count": 10 }))),
        ("at breakfast", daily(json!({ "when": ["CM"] }))),
        ("a bad time", daily(json!({ "timeOfDay": ["25:00:00"] }))),
        ("no repeat", json!({ "code": { "text": "BID" } })),
        ("twice a day, one time given", daily(json!({ "frequency": 2 }))),
        ("one to two times", daily(json!({ "frequencyMax": 2 }))),
    ] {
        assert_eq!(schedule(timing), None, "{what}");
    }
    let twice = schedule(daily(json!({ "frequency": 2, "timeOfDay": ["20:00:00", "08:30:00", "08:30:00"] })));
    assert_eq!(
        twice,
        Some(Timing::DailyAt { times: vec![jiff::civil::time(8, 30, 0, 0), jiff::civil::time(20, 0, 0, 0)] })
    );
    // A daily line beside a line for yellow: the daily doses stay tasks.
    let mut plan = demo_plan_json();
    let contained = plan["contained"].as_array_mut().unwrap();
    let diuretic = contained.iter_mut().find(|c| c["id"] == "diuretic").unwrap();
    let yellow = json!({ "text": "1 ekstra ved gul", "asNeededCodeableConcept": { "coding": [{ "system": "https://fhir.heima.no/CodeSystem/traffic-light", "code": "yellow" }] } });
    diuretic["dosageInstruction"].as_array_mut().unwrap().push(yellow);
    let parsed = careplan::parse(&plan, &oslo()).unwrap();
    let diuretic = parsed.medicines.iter().find(|m| m.id == "diuretic").unwrap();
    assert!(diuretic.colour.is_some() && diuretic.schedule.is_some(), "{diuretic:?}");
    // A regular line without a timing beside a timed one: part of the
    // doses would be missing from the tasks, so none.
    let mut plan = demo_plan_json();
    let contained = plan["contained"].as_array_mut().unwrap();
    let diuretic = contained.iter_mut().find(|c| c["id"] == "diuretic").unwrap();
    diuretic["dosageInstruction"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "text": "1 til om kvelden", "asNeededBoolean": false }));
    let parsed = careplan::parse(&plan, &oslo()).unwrap();
    assert_eq!(parsed.medicines.iter().find(|m| m.id == "diuretic").unwrap().schedule, None);
}

fn peak_flow_light(plan: &mut Value) -> &mut Vec<Value> {
    let activity = plan["activity"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|a| a["extension"][0]["valueId"] == "peak-flow")
        .unwrap();
    activity["extension"][1]["extension"].as_array_mut().unwrap()
}

/// The contained resource with this id, to edit.
fn contained<'a>(plan: &'a mut Value, id: &str) -> &'a mut Value {
    plan["contained"].as_array_mut().unwrap().iter_mut().find(|c| c["id"] == id).unwrap()
}

/// Medicines (general and per colour), the care team, the service's
/// hours and the out-of-hours route, learning material linked from the
/// advice, what happens after red, and an activity's own description.
#[test]
fn the_demo_plan_carries_medicines_team_hours_and_material() {
    let plan = careplan::parse(&demo_plan_json(), &oslo()).unwrap();
    let medicines: Vec<(&str, Option<Colour>)> =
        plan.medicines.iter().map(|m| (m.name.get(heima_core::locale::Locale::Bokmal).as_str(), m.colour)).collect();
    assert_eq!(
        medicines,
        [
            ("Spiriva Respimat 2,5 mikrogram", None),
            ("Furosemid 40 mg", None),
            ("Furosemid 40 mg (ekstra dose)", Some(Colour::Yellow)),
            ("Prednisolon 5 mg (kur)", Some(Colour::Yellow)),
            ("Ventoline inhalasjonsvæske", Some(Colour::Yellow)),
        ]
    );
    assert_eq!(plan.medicines[0].dosage[0].get(Locale::Bokmal), "2 inhalasjoner hver morgen");
    assert_eq!(plan.medicines[0].dosage[0].get(Locale::English), "2 puffs every morning");
    // A colour's medicines belong to the activities that name them.
    assert_eq!(
        plan.medicine_uses("prednisolone"),
        [("spo2".into(), Colour::Yellow), ("copd-check".into(), Colour::Yellow), ("peak-flow".into(), Colour::Yellow)]
    );
    assert_eq!(plan.medicine_uses("extra-diuretic"), [("weight".into(), Colour::Yellow)]);
    assert!(plan.medicine_uses("diuretic").is_empty(), "the daily dose is no colour's medicine");
    assert!(plan.medicine_uses("inhaler").is_empty());
    let team: Vec<(&str, Option<&str>, Option<&str>)> = plan
        .team
        .iter()
        .map(|m| {
            (
                m.name.as_str(),
                m.role.as_ref().map(|r| r.get(heima_core::locale::Locale::Bokmal).as_str()),
                m.phone.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        team,
        [
            ("Ingrid Berg", Some("Kontaktsykepleier"), Some("+47 22 00 00 01")),
            ("Ola Lie", Some("Fastlege"), Some("+47 22 00 00 02")),
            ("Marte Nordmann", Some("Datter"), None)
        ]
    );
    let daughter = &plan.relatives[0];
    assert_eq!(
        (
            daughter.reference.as_str(),
            daughter.name.as_str(),
            daughter.relationship.as_ref().map(|r| r.get(heima_core::locale::Locale::Bokmal).as_str())
        ),
        ("RelatedPerson/demo-daughter", "Marte Nordmann", Some("Datter")),
        "a relative the service knows, by its reference"
    );
    let hours = plan.service.hours.as_ref().unwrap();
    assert_eq!(hours.open.len(), 1);
    assert_eq!(hours.closed[0].description.as_ref().unwrap().get(Locale::Bokmal), "Stengt romjulen");
    assert_eq!(
        (plan.service.out_of_hours.name.as_str(), plan.service.out_of_hours.phone.as_str()),
        ("Legevakt", "116 117")
    );
    let breathing = &plan.material[0];
    assert_eq!(
        (breathing.id.as_str(), breathing.title.get(heima_core::locale::Locale::Bokmal).as_str()),
        ("breathing", "Pusteteknikk: leppepust")
    );
    assert!(matches!(
        &breathing.blocks.get(heima_core::locale::Locale::Bokmal)[0],
        heima_core::material::Block::Heading { .. }
    ));
    assert_eq!(breathing.images[0].content_type, "image/png");
    let spo2 = plan.activity("spo2").unwrap();
    assert_eq!(spo2.traffic_light.material_for(Colour::Yellow, Some(Direction::Below)), ["breathing"]);
    assert!(spo2
        .traffic_light
        .next_for(Colour::Red, None)
        .unwrap()
        .exactly(heima_core::locale::Locale::Nynorsk)
        .unwrap()
        .contains("Sjukepleiaren"));
    assert!(spo2.description.is_some());
    assert_eq!(plan.phase, Phase::Active { since: date(2026, 1, 1), until: None });
}

/// Without hours when the service answers is unknown (a red result offers
/// the service and the legevakt), the out-of-hours route is the national
/// legevakt number; a medicine no longer in use is left out, also where an
/// activity names it.
#[test]
fn defaults_when_the_plan_says_less() {
    let mut json = demo_plan_json();
    json["contained"].as_array_mut().unwrap().retain(|c| c["resourceType"] != "HealthcareService");
    contained(&mut json, "diuretic")["status"] = json!("stopped");
    contained(&mut json, "extra-diuretic")["status"] = json!("stopped");
    let plan = careplan::parse(&json, &oslo()).unwrap();
    assert_eq!(plan.service.hours, None);
    assert_eq!(plan.service.out_of_hours.phone, heima_core::contacts::LEGEVAKT_PHONE);
    assert!(plan.medicines.iter().all(|m| *m.name.get(heima_core::locale::Locale::Bokmal) != "Furosemid 40 mg"));
    let whom = heima_core::contacts::whom_now(
        &plan.service,
        Colour::Red,
        &[Call::Service],
        "2026-11-30T21:00:00Z".parse().unwrap(),
        &oslo(),
    );
    assert!(whom.hours_unknown);
    assert!(matches!(
        whom.now.as_slice(),
        [heima_core::contacts::Callee::Service(_), heima_core::contacts::Callee::OutOfHours(_)]
    ));
    let weight = plan.activity("weight").unwrap();
    let yellow_above = plan
        .colour_blocks(weight)
        .into_iter()
        .find(|b| b.colour == Colour::Yellow && b.direction == Some(Direction::Above))
        .unwrap();
    assert!(yellow_above.medicines.is_empty(), "a stopped medicine is not shown");
    // Nor one the plan no longer carries; the plan is not refused for it.
    let mut json = demo_plan_json();
    json["contained"].as_array_mut().unwrap().retain(|c| c["id"] != "extra-diuretic");
    json["activity"].as_array_mut().unwrap().retain(|a| a["reference"]["reference"] != "#extra-diuretic");
    let plan = careplan::parse(&json, &oslo()).unwrap();
    assert!(plan.activity("weight").unwrap().traffic_light.medicines.is_empty());
}

/// The phase from status, the trial category and the period.
#[test]
fn phases_from_the_plan() {
    let trial = json!([{ "coding": [{ "system": heima_core::fhir::canonical::FOLLOW_UP_CODES, "code": "trial" }] }]);
    let cases: Vec<(&str, Value, Value, Value, Phase)> = vec![
        (
            "active",
            json!(null),
            json!({ "start": "2026-01-01" }),
            json!(null),
            Phase::Active { since: date(2026, 1, 1), until: None },
        ),
        (
            "active",
            trial,
            json!({ "start": "2026-11-02", "end": "2026-11-27" }),
            json!(null),
            Phase::Trial { from: date(2026, 11, 2), until: Some(date(2026, 11, 27)) },
        ),
        (
            "on-hold",
            json!(null),
            json!({ "start": "2026-01-01" }),
            json!("2026-11-20T23:30:00Z"),
            Phase::Paused { since: Some(date(2026, 11, 21)) },
        ),
        (
            "completed",
            json!(null),
            json!({ "start": "2026-01-01", "end": "2026-11-30" }),
            json!(null),
            Phase::Ended { on: Some(date(2026, 11, 30)) },
        ),
        (
            "revoked",
            json!(null),
            json!({ "start": "2026-01-01" }),
            json!("2026-11-29T10:00:00Z"),
            Phase::Ended { on: Some(date(2026, 11, 29)) },
        ),
    ];
    for (status, category, period, updated, expected) in cases {
        let mut json = demo_plan_json();
        json["status"] = json!(status);
        json["category"] = category;
        json["period"] = period;
        json["meta"]["lastUpdated"] = updated;
        assert_eq!(careplan::parse(&json, &oslo()).unwrap().phase, expected, "{status}");
    }
    let mut ended = demo_plan_json();
    ended["status"] = json!("completed");
    ended["activity"] = json!([]);
    assert!(careplan::parse(&ended, &oslo()).is_ok(), "an ended plan may have no activities left");
}

fn d(text: &str) -> Option<Decimal> {
    Some(text.parse().unwrap())
}

#[test]
fn demo_readings_are_judged_with_the_plans_limits() {
    let plan = careplan::parse(&demo_plan_json(), &oslo()).unwrap();
    let light = |id: &str| &plan.activity(id).unwrap().traffic_light;
    let bp = |sys: &str, dia: &str| {
        judge_by(
            "bp",
            light("bp"),
            &[
                Judgeable { code: "8480-6", value: d(sys), unit: "mm[Hg]" },
                Judgeable { code: "8462-4", value: d(dia), unit: "mm[Hg]" },
                Judgeable { code: "8478-0", value: d("90"), unit: "mm[Hg]" },
            ],
        )
    };
    let one = |id: &str, code: &str, value: &str, unit: &str| {
        judge_by(id, light(id), &[Judgeable { code, value: d(value), unit }])
    };
    // (what, judgement, expected colour)
    let cases: Vec<(&str, Judgement, Option<Colour>)> = vec![
        ("bp 128/82", bp("128", "82"), Some(Colour::Green)),
        ("bp 150/85", bp("150", "85"), Some(Colour::Yellow)),
        ("bp edge 140/85 is yellow", bp("140", "85"), Some(Colour::Yellow)),
        ("bp 172/95", bp("172", "95"), Some(Colour::Red)),
        ("spo2 95", one("spo2", "2708-6", "95", "%"), Some(Colour::Green)),
        ("spo2 90", one("spo2", "2708-6", "90", "%"), Some(Colour::Yellow)),
        ("spo2 86", one("spo2", "2708-6", "86", "%"), Some(Colour::Red)),
        ("weight 73.450 kg", one("weight", "29463-7", "73.450", "kg"), Some(Colour::Green)),
        ("weight 77.0", one("weight", "29463-7", "77.000", "kg"), Some(Colour::Yellow)),
        ("weight 79.5", one("weight", "29463-7", "79.500", "kg"), Some(Colour::Red)),
        ("temperature 38.4", one("temperature", "8310-5", "38.4", "Cel"), Some(Colour::Yellow)),
        ("temperature 101.3 °F", one("temperature", "8310-5", "101.30", "[degF]"), Some(Colour::Yellow)),
        ("score 0", one("copd-check", "74465-6", "0", "{score}"), Some(Colour::Green)),
        ("score 5", one("copd-check", "74465-6", "5", "{score}"), Some(Colour::Red)),
        ("pulse: no limits", one("bp", "8867-4", "72", "/min"), None),
        // Peak flow in % of the best, 400 L/min: green from 80 %, yellow
        // 50–80 %, red up to 50 %; a shared edge is the worse colour.
        ("pef 330 L/min (82,5 %)", one("peak-flow", "19935-6", "330", "L/min"), Some(Colour::Green)),
        ("pef 320 L/min (80 %) is yellow", one("peak-flow", "19935-6", "320", "L/min"), Some(Colour::Yellow)),
        ("pef 250 L/min", one("peak-flow", "19935-6", "250", "L/min"), Some(Colour::Yellow)),
        ("pef 190 L/min (47,5 %)", one("peak-flow", "19935-6", "190", "L/min"), Some(Colour::Red)),
        ("pef in L/s cannot be judged", one("peak-flow", "19935-6", "5", "L/s"), None),
    ];
    for (name, judgement, colour) in cases {
        assert_eq!(judgement.colour(), colour, "{name}: {judgement:?}");
    }
    match bp("172", "95") {
        Judgement::Judged { causes, .. } => {
            let seen: Vec<(&str, Option<Direction>)> = causes.iter().map(|c| (c.code.as_str(), c.direction)).collect();
            assert_eq!(seen, [("8480-6", Some(Direction::Above))], "systolic above its band caused the red");
        }
        other => panic!("{other:?}"),
    }
}

fn demo_questionnaire(id: &str) -> Questionnaire {
    demo::sample_questionnaires().into_iter().find(|q| q.id == id).unwrap()
}

fn coding(system: &str, code: &str) -> Answer {
    Answer::Coding { system: Some(system.into()), code: code.into() }
}

const COPD: &str = "https://fhir.heima.no/demo/CodeSystem/daily-copd-check";
const HF: &str = "https://fhir.heima.no/demo/CodeSystem/heart-failure-check";

#[test]
fn copd_check_follows_enable_when_scores_and_checks() {
    let q = demo_questionnaire("daily-copd-check");
    assert_eq!(q.title.get(Locale::Nynorsk), "Daglege spørsmål om pusten");
    let screens = |a: &Answers| q.screens(a).iter().map(|i| i.link_id.clone()).collect::<Vec<_>>();
    let mut a = Answers::new();
    assert_eq!(screens(&a), ["breath", "cough", "sputum", "extra-medicine", "comment"]);
    a.insert("sputum".into(), Answer::Boolean(true));
    a.insert("extra-medicine".into(), Answer::Boolean(true));
    assert_eq!(screens(&a), ["breath", "cough", "sputum", "sputum-colour", "extra-medicine", "extra-doses", "comment"]);

    // Required answers missing.
    let problems = q.check_complete(&a).unwrap_err();
    let missing: Vec<_> = problems.iter().map(|p| (p.link_id.as_str(), p.code.as_str())).collect();
    assert_eq!(
        missing,
        [
            ("breath", "answer-required"),
            ("cough", "answer-required"),
            ("sputum-colour", "answer-required"),
            ("extra-doses", "answer-required")
        ]
    );
    // A typo in a number is caught by the item's limits.
    assert_eq!(q.check_answer("extra-doses", &Answer::Integer(200)).unwrap_err().code, "answer-too-high");
    assert_eq!(q.check_answer("extra-doses", &Answer::Integer(0)).unwrap_err().code, "answer-too-low");
    assert_eq!(q.check_answer("extra-doses", &Answer::String("2".into())).unwrap_err().code, "answer-wrong-type");
    assert_eq!(q.check_answer("breath", &coding(COPD, "fine")).unwrap_err().code, "answer-not-an-option");
    assert_eq!(q.check_answer("comment", &Answer::String("x".repeat(501))).unwrap_err().code, "answer-too-long");

    a.insert("breath".into(), coding(COPD, "much-worse")); // 2
    a.insert("cough".into(), coding(COPD, "bit-more")); // 1
    a.insert("sputum-colour".into(), coding(COPD, "green")); // 2
    a.insert("extra-doses".into(), Answer::Integer(2));
    q.check_complete(&a).unwrap();
    assert_eq!(q.score(&a), d("5"));

    // Saying "no phlegm" after all disables the colour question: its
    // answer no longer counts, and is refused if sent.
    a.insert("sputum".into(), Answer::Boolean(false));
    assert_eq!(q.score(&a), d("3"));
    let problems = q.check_complete(&a).unwrap_err();
    assert_eq!(problems[0].link_id, "sputum-colour");
    assert_eq!(problems[0].code, "answer-not-enabled");
    a.remove("sputum-colour");
    q.check_complete(&a).unwrap();

    let response = fq::response(
        &q,
        &a,
        "2026-11-23T08:10:00Z".parse().unwrap(),
        "r-1",
        &fq::Respondent { patient: Some("Patient/p1"), by: &Recorder::new(EnteredBy::Relative) },
    );
    assert_eq!(response["resourceType"], "QuestionnaireResponse");
    assert_eq!(response["questionnaire"], "https://fhir.heima.no/demo/Questionnaire/daily-copd-check");
    assert_eq!(response["status"], "completed");
    assert_eq!(response["subject"]["reference"], "Patient/p1");
    assert!(response.get("source").is_none(), "a relative answered, not the patient");
    assert_eq!(response["extension"][0]["valueDecimal"], 3.0);
    let items = response["item"].as_array().unwrap();
    let ids: Vec<_> = items.iter().map(|i| i["linkId"].as_str().unwrap()).collect();
    assert_eq!(ids, ["breath", "cough", "sputum", "extra-medicine", "extra-doses"]);
    assert_eq!(items[0]["answer"][0]["valueCoding"]["code"], "much-worse");
    assert_eq!(items[4]["answer"][0]["valueInteger"], 2);
}

#[test]
fn heart_failure_check_with_any_behaviour_and_not_equal() {
    let q = demo_questionnaire("heart-failure-check");
    let shown = |a: &Answers| q.screens(a).iter().map(|i| i.link_id.clone()).collect::<Vec<_>>();
    let mut a = Answers::new();
    a.insert("mmrc".into(), coding(HF, "mmrc-2"));
    a.insert("swelling".into(), coding(HF, "none"));
    a.insert("sleep".into(), coding(HF, "usual"));
    assert_eq!(shown(&a), ["chest-pain", "mmrc", "swelling", "sleep", "dizzy"]);
    a.insert("swelling".into(), coding(HF, "some"));
    assert!(shown(&a).contains(&"swelling-since".to_string()), "!= enables the date");
    a.insert("sleep".into(), coding(HF, "wake-breathless"));
    assert!(shown(&a).contains(&"call-reminder".to_string()), "any: one condition is enough");
    a.insert("sleep".into(), coding(HF, "usual"));
    a.insert("mmrc".into(), coding(HF, "mmrc-4"));
    assert!(shown(&a).contains(&"call-reminder".to_string()));
    a.insert("dizzy".into(), Answer::Boolean(false));
    assert_eq!(q.score(&a), d("5"));
    a.insert("dizzy".into(), Answer::Boolean(true));
    assert_eq!(q.score(&a), d("6"), "a yes to a scored yes/no question adds its score");
    a.insert("dizzy".into(), Answer::Boolean(false));
    assert!(q.check_complete(&a).is_err(), "the red-flag question must be answered");
    a.insert("chest-pain".into(), Answer::Boolean(false));
    q.check_complete(&a).unwrap();
}

/// Every enableWhen operator, on every answer type, from a hand-made
/// questionnaire.
#[test]
fn enable_when_operators_table() {
    let item = |link: &str, typ: &str| json!({ "linkId": link, "text": link, "type": typ });
    let gated = |op: &str, answer: Value| {
        let mut when = json!({ "question": "source", "operator": op });
        when.as_object_mut().unwrap().extend(answer.as_object().unwrap().clone());
        json!({ "linkId": "gated", "text": "gated", "type": "boolean", "enableWhen": [when] })
    };
    // (source type, operator, comparison value, answer given or None, enabled?)
    let cases: Vec<(&str, &str, Value, Option<Answer>, bool)> = vec![
        ("integer", "exists", json!({"answerBoolean": true}), Some(Answer::Integer(1)), true),
        ("integer", "exists", json!({"answerBoolean": true}), None, false),
        ("integer", "exists", json!({"answerBoolean": false}), None, true),
        ("integer", "=", json!({"answerInteger": 3}), Some(Answer::Integer(3)), true),
        ("integer", "=", json!({"answerInteger": 3}), None, false),
        ("integer", "!=", json!({"answerInteger": 3}), Some(Answer::Integer(4)), true),
        ("integer", ">", json!({"answerInteger": 3}), Some(Answer::Integer(4)), true),
        ("integer", ">", json!({"answerInteger": 3}), Some(Answer::Integer(3)), false),
        ("integer", "<", json!({"answerInteger": 3}), Some(Answer::Integer(2)), true),
        ("integer", ">=", json!({"answerInteger": 3}), Some(Answer::Integer(3)), true),
        ("integer", "<=", json!({"answerInteger": 3}), Some(Answer::Integer(4)), false),
        ("decimal", ">", json!({"answerDecimal": 37.5}), Some(Answer::Decimal("38.0".parse().unwrap())), true),
        ("decimal", "<=", json!({"answerDecimal": 37.5}), Some(Answer::Decimal("37.50".parse().unwrap())), true),
        ("string", "=", json!({"answerString": "ja"}), Some(Answer::String("ja".into())), true),
        ("string", "!=", json!({"answerString": "ja"}), Some(Answer::String("nei".into())), true),
        ("date", ">=", json!({"answerDate": "2026-11-01"}), Some(Answer::Date("2026-11-23".parse().unwrap())), true),
        ("date", "<", json!({"answerDate": "2026-11-01"}), Some(Answer::Date("2026-11-23".parse().unwrap())), false),
        ("boolean", "=", json!({"answerBoolean": false}), Some(Answer::Boolean(false)), true),
        ("boolean", "!=", json!({"answerBoolean": false}), Some(Answer::Boolean(false)), false),
    ];
    for (typ, op, value, given, expected) in cases {
        let q = fq::parse(&json!({
            "resourceType": "Questionnaire", "id": "t", "status": "active",
            "item": [item("source", typ), gated(op, value.clone())]
        }))
        .unwrap();
        let mut answers = Answers::new();
        if let Some(g) = given.clone() {
            answers.insert("source".into(), g);
        }
        let enabled = q.screens(&answers).iter().any(|i| i.link_id == "gated");
        assert_eq!(enabled, expected, "{typ} {op} {value} given {given:?}");
    }
}

#[test]
fn questionnaires_that_cannot_be_run_are_refused() {
    let base = || json!({ "resourceType": "Questionnaire", "id": "t", "status": "active", "item": [{ "linkId": "a", "text": "a", "type": "boolean" }] });
    type Edit = fn(&mut Value);
    let cases: Vec<(Edit, &str)> = vec![
        (|q| q["resourceType"] = json!("CarePlan"), "not a Questionnaire"),
        (|q| q["item"][0]["type"] = json!("attachment"), "not supported"),
        (|q| q["item"][0]["linkId"] = Value::Null, "linkId missing"),
        (|q| q["item"][0]["type"] = json!("choice"), "choice without answerOption"),
        (
            |q| q["item"][0]["enableWhen"] = json!([{ "question": "zz", "operator": "exists", "answerBoolean": true }]),
            "unknown item",
        ),
        (
            |q| q["item"][0]["enableWhen"] = json!([{ "question": "a", "operator": "~", "answerBoolean": true }]),
            "unknown operator",
        ),
        (
            |q| q["item"][0]["enableWhen"] = json!([{ "question": "a", "operator": "exists", "answerBoolean": true }, { "question": "a", "operator": "exists", "answerBoolean": true }]),
            "enableBehavior is required",
        ),
        (
            |q| q["item"] = json!([{ "linkId": "a", "type": "boolean" }, { "linkId": "a", "type": "boolean" }]),
            "duplicate linkId",
        ),
    ];
    for (edit, expected) in cases {
        let mut q = base();
        edit(&mut q);
        let error = fq::parse(&q).unwrap_err();
        assert_eq!(error.code, "questionnaire-invalid");
        assert!(error.detail.contains(expected), "{expected}: {}", error.detail);
    }
}

#[test]
fn plan_updates_replace_from_their_start_and_history_remains() {
    use heima_core::store::{plans::PlanUpdate, Store, StoreKey};
    let store = Store::open_in_memory(&StoreKey::from_bytes([5; 32])).unwrap();
    let tz = oslo();
    let now: jiff::Timestamp = "2026-11-23T08:00:00Z".parse().unwrap();
    let v1 = demo_plan_json();
    assert!(matches!(
        heima_core::fhir::careplan::accept(&store, &v1, now, &tz).unwrap(),
        PlanUpdate::Accepted { version: 1, .. }
    ));
    assert_eq!(
        heima_core::fhir::careplan::accept(&store, &v1, now, &tz).unwrap(),
        PlanUpdate::AlreadyKnown { version: 1 }
    );

    // The evaluation meeting raises the SpO2 green band from 1 December.
    let mut v2 = demo_plan_json();
    v2["meta"]["versionId"] = json!("2");
    v2["period"]["start"] = json!("2026-12-01");
    let spo2_limits = &mut v2["activity"][2]["extension"][1]["extension"];
    spo2_limits[0]["extension"][2]["valueRange"]["low"]["value"] = json!(94); // green 94–100
    spo2_limits[1]["extension"][2]["valueRange"]["high"]["value"] = json!(94); // yellow 88–94
    assert!(matches!(
        heima_core::fhir::careplan::accept(&store, &v2, now, &tz).unwrap(),
        PlanUpdate::Accepted { version: 2, .. }
    ));

    // A broken v3 is refused; v2 stays the newest.
    let mut v3 = v2.clone();
    v3["meta"]["versionId"] = json!("3");
    v3["status"] = json!("entered-in-error");
    assert_eq!(heima_core::fhir::careplan::accept(&store, &v3, now, &tz).unwrap_err().code, "plan-invalid");
    assert_eq!(store.plan_versions().unwrap().iter().map(|(v, _)| *v).collect::<Vec<_>>(), vec![1, 2]);

    let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
    assert_eq!(
        heima_core::fhir::careplan::in_force(&store, at("2025-06-01T00:00:00Z"), &tz).unwrap(),
        None,
        "before any plan"
    );
    let nov = heima_core::fhir::careplan::in_force(&store, at("2026-11-30T12:00:00Z"), &tz).unwrap().unwrap();
    let dec = heima_core::fhir::careplan::in_force(&store, at("2026-12-01T12:00:00Z"), &tz).unwrap().unwrap();
    assert_eq!((nov.version, dec.version), (1, 2));
    // SpO2 93 %: green under v1, not green under v2 (which judged it is kept per reading).
    let spo2 = |p: &heima_core::plan::CarePlan| {
        judge_by(
            "spo2",
            &p.activity("spo2").unwrap().traffic_light,
            &[Judgeable { code: "2708-6", value: d("93"), unit: "%" }],
        )
        .colour()
    };
    assert_eq!(spo2(&nov), Some(Colour::Green));
    assert_eq!(spo2(&dec), Some(Colour::Yellow));
}

/// Answers arrive from the screens as JSON; numbers must survive
/// serde_json's `arbitrary_precision` (on for exact FHIR decimals),
/// whatever the key order.
#[test]
fn answers_read_from_json_in_either_key_order() {
    for text in [r#"{"type":"integer","value":5}"#, r#"{"value":5,"type":"integer"}"#] {
        assert_eq!(serde_json::from_str::<Answer>(text).unwrap(), Answer::Integer(5), "{text}");
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::from_value::<Answer>(value).unwrap(), Answer::Integer(5), "{text}");
    }
    let decimal = json!({ "type": "decimal", "value": "72.5" });
    assert_eq!(serde_json::from_value::<Answer>(decimal).unwrap(), Answer::Decimal(Decimal::new(725, -1)));
}
