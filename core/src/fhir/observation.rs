//! Observations as a receiving service checks them. Each reading goes out as
//! the HL7 R4 vital-signs profiles want it, to the letter: category, LOINC
//! code, UCUM unit, subject, effective time, and `meta.profile` where a
//! profile applies.
//!
//! - The blood-pressure panel is in mm[Hg]; a cuff's kPa value is kept
//!   beside it in the `original-value` extension.
//! - Heart rate and SpO2 are their own Observations with `valueQuantity`. A
//!   pulse taken with another reading goes out as its own heart-rate
//!   Observation (identifier `<reading>/8867-4`), from a device or typed
//!   alike.
//! - Glucose is a laboratory Observation coded for a meter (capillary
//!   blood), in the unit the meter used.
//! - A blood sugar's meal context (from the meter or typed) is its own
//!   Observation, as the PHD IG's coded enumeration: `MDC_CTXT_GLU_MEAL`
//!   with the context's MDC code, `derivedFrom` the glucose Observation.
//! - Peak flow (L/min) and FEV1 (L), typed by the patient, are `exam`
//!   Observations with their LOINC codes; no profile is claimed.
//! - Numbers carry exactly the digits the device or the patient gave
//!   (serde_json's `arbitrary_precision`).
//! - Who took it: the patient as performer, or a relative as a contained
//!   `RelatedPerson`.

use serde_json::{json, Map, Value as Json};

use super::canonical;
use crate::{
    store::readings::{StoredComponent, StoredReading},
    traffic_light::{Cause, Colour, Direction, Judgement, Rule},
    vocabulary::{loinc, Decimal, EnteredBy, Meal, Special},
};

/// One Observation to send, with the identifier value its conditional
/// create matches on.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub identifier: String,
    pub resource: Json,
}

const UCUM: &str = "http://unitsofmeasure.org";
const CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const VITAL_SIGNS_PROFILE: &str = "http://hl7.org/fhir/StructureDefinition/vitalsigns";
/// LOINC for glucose measured by a meter in capillary blood.
const GLUCOSE_METER_MASS: &str = "41653-7";
const GLUCOSE_METER_MOLAR: &str = "14743-9";
/// LOINC for SpO2 by pulse oximetry (beside the profile's 2708-6).
const SPO2_BY_OXIMETRY: &str = "59408-5";
/// mm[Hg] per kPa (1 mm[Hg] = 133.322387415 Pa).
const MMHG_PER_KPA: f64 = 1000.0 / 133.322_387_415;

/// The traffic-light judgement as FHIR says it: Heima's own code (green,
/// yellow, red) and the HL7 interpretation beside it (normal, abnormal,
/// critical), with the rule that set it in `text` ("29463-7 above its band
/// (weight)"). "Not judged" has none. This is the judgement stored when
/// the reading was recorded, the one the screens show.
pub(crate) fn judgement_concept(judgement: &Judgement) -> Option<Json> {
    let colour = judgement.colour()?;
    let (hl7, display) = match colour {
        Colour::Green => ("N", "Normal"),
        Colour::Yellow => ("A", "Abnormal"),
        Colour::Red => ("AA", "Critical abnormal"),
    };
    let mut concept = json!({ "coding": [
        { "system": canonical::TRAFFIC_LIGHT_CODES, "code": colour.as_str() },
        { "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": hl7, "display": display }
    ] });
    let rules: Vec<String> = judgement.causes().iter().map(rule_text).collect();
    if !rules.is_empty() {
        concept["text"] = Json::String(format!("{}: {}", colour.as_str(), rules.join("; ")));
    }
    Some(concept)
}

/// One cause in words a service's system can show as they are.
fn rule_text(cause: &Cause) -> String {
    let what = match &cause.rule {
        Rule::Band => {
            let side = match cause.direction {
                Some(Direction::Below) => "below",
                Some(Direction::Above) => "above",
                None => "in",
            };
            format!("{} {side} its band", cause.code)
        }
        Rule::Trend { change, unit, days, from } => {
            let way = if cause.direction == Some(Direction::Below) { "down" } else { "up" };
            format!("{} {way} {change} {unit} in {days} days (from {from})", cause.code)
        }
        Rule::Answer { link_id, value } => format!("answer {value} to {link_id}"),
        Rule::Score => "total score".to_string(),
    };
    format!("{what} ({})", cause.activity)
}

/// The plan version that judged a reading or answers, as an extension
/// (`plan` a versioned reference, `CarePlan/<id>/_history/<version>`).
pub(crate) fn judged_by(plan: &str) -> Json {
    json!({ "url": canonical::JUDGED_BY_EXTENSION, "valueReference": { "reference": plan } })
}

/// The vital-signs profile for a LOINC code, if one applies.
fn profile(code: &str) -> Option<&'static str> {
    Some(match code {
        loinc::BLOOD_PRESSURE_PANEL => "http://hl7.org/fhir/StructureDefinition/bp",
        loinc::HEART_RATE => "http://hl7.org/fhir/StructureDefinition/heartrate",
        loinc::SPO2 => "http://hl7.org/fhir/StructureDefinition/oxygensat",
        loinc::BODY_TEMPERATURE => "http://hl7.org/fhir/StructureDefinition/bodytemp",
        loinc::BODY_WEIGHT => "http://hl7.org/fhir/StructureDefinition/bodyweight",
        _ => return None,
    })
}

fn coding(code: &str) -> Json {
    json!({ "system": "http://loinc.org", "code": code })
}

/// The Observation's code: the profile's LOINC first; for a meter's
/// glucose, the capillary-blood code with the plan's code beside it.
fn code_of(code: &str) -> Json {
    let codings = match code {
        loinc::GLUCOSE_MASS => vec![coding(GLUCOSE_METER_MASS), coding(code)],
        loinc::GLUCOSE_MOLAR => vec![coding(GLUCOSE_METER_MOLAR), coding(code)],
        loinc::SPO2 => vec![coding(code), coding(SPO2_BY_OXIMETRY)],
        _ => vec![coding(code)],
    };
    json!({ "coding": codings })
}

/// A JSON number with exactly the digits of `d` ("70.000" stays 70.000).
pub(crate) fn exact(d: Decimal) -> Json {
    let text = d.to_string();
    text.parse::<serde_json::Number>().map(Json::Number).unwrap_or(Json::String(text))
}

fn quantity(value: Decimal, unit: &str) -> Json {
    json!({ "value": exact(value), "unit": unit, "system": UCUM, "code": unit })
}

fn absent_reason(special: Special) -> Json {
    let code = match special {
        Special::Nan => "not-a-number",
        Special::PositiveInfinity => "positive-infinity",
        Special::NegativeInfinity => "negative-infinity",
        Special::Nres | Special::Reserved => "error",
    };
    json!({ "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason", "code": code }] })
}

/// Puts `valueQuantity` (or `dataAbsentReason`) on `target`. A pressure in
/// kPa goes out in mm[Hg] (whole numbers: a cuff's 0.1 kPa is 0.75 mm[Hg])
/// with the device's own value in the `original-value` extension.
fn put_value(target: &mut Map<String, Json>, c: &StoredComponent) {
    match (c.decimal(), c.absent) {
        (Some(d), _) if c.unit == "kPa" => {
            let mmhg = (d.to_f64() * MMHG_PER_KPA).round();
            target.insert("valueQuantity".into(), quantity(Decimal::new(mmhg as i32, 0), "mm[Hg]"));
            target.insert(
                "extension".into(),
                json!([{ "url": canonical::ORIGINAL_VALUE_EXTENSION, "valueQuantity": quantity(d, "kPa") }]),
            );
        }
        (Some(d), _) => {
            target.insert("valueQuantity".into(), quantity(d, &c.unit));
        }
        (None, special) => {
            target.insert("dataAbsentReason".into(), absent_reason(special.unwrap_or(Special::Nan)));
        }
    }
}

/// The parts every Observation of `reading` shares: status, subject,
/// effective and issued times, who took it, the device, the extensions.
fn common(reading: &StoredReading, subject: Option<&str>, code: &str) -> Map<String, Json> {
    let mut o = Map::new();
    o.insert("resourceType".into(), json!("Observation"));
    let mut profiles = vec![];
    let category = match code {
        loinc::GLUCOSE_MASS | loinc::GLUCOSE_MOLAR => "laboratory",
        // Lung function is no vital sign: a simple instrument and a
        // manoeuvre, as an exam (no profile claimed).
        loinc::PEAK_FLOW | loinc::FEV1 => "exam",
        _ => {
            profiles.push(VITAL_SIGNS_PROFILE);
            profiles.extend(profile(code));
            "vital-signs"
        }
    };
    if !profiles.is_empty() {
        // The specific profile first; it builds on the general one.
        profiles.reverse();
        o.insert("meta".into(), json!({ "profile": profiles }));
    }
    if let (EnteredBy::Relative, None, Some(subject)) = (reading.entered_by, &reading.relative, subject) {
        o.insert("contained".into(), json!([relative(subject)]));
    }
    o.insert("status".into(), json!("final"));
    o.insert("category".into(), json!([{ "coding": [{ "system": CATEGORY, "code": category }] }]));
    o.insert("code".into(), code_of(code));
    if let Some(subject) = subject {
        o.insert("subject".into(), json!({ "reference": subject }));
    }
    o.insert("effectiveDateTime".into(), json!(reading.effective.to_string()));
    o.insert("issued".into(), json!(reading.received.to_string()));
    match (reading.entered_by, subject) {
        (EnteredBy::Patient, Some(subject)) => {
            o.insert("performer".into(), json!([{ "reference": subject }]));
        }
        (EnteredBy::Relative, Some(_)) => {
            // A relative the service knows, by its reference; else contained.
            let who = reading.relative.as_deref().unwrap_or("#relative");
            o.insert("performer".into(), json!([{ "reference": who }]));
        }
        _ => {}
    }
    let mut extensions =
        vec![json!({ "url": canonical::ENTERED_BY_EXTENSION, "valueCode": reading.entered_by.as_str() })];
    if let Some(t) = &reading.device_time {
        extensions.push(json!({ "url": canonical::DEVICE_TIME_EXTENSION, "valueString": t }));
    }
    o.insert("extension".into(), Json::Array(extensions));
    if let Some(device) = &reading.device_id {
        o.insert("device".into(), json!({ "identifier": super::device_identifier(device) }));
    }
    o
}

/// A relative who took a reading for the patient: contained, since the
/// service has no resource for them (relationship: a family member).
pub(crate) fn relative(subject: &str) -> Json {
    json!({
        "resourceType": "RelatedPerson",
        "id": "relative",
        "patient": { "reference": subject },
        "relationship": [{ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode", "code": "FAMMEMB", "display": "family member"
        }] }]
    })
}

fn with_identifier(mut o: Map<String, Json>, identifier: &str) -> Outgoing {
    // `identifier` after `resourceType` and the shared parts reads well;
    // JSON object order does not matter to FHIR.
    o.insert("identifier".into(), json!([{ "system": canonical::OBSERVATION_IDENTIFIER, "value": identifier }]));
    Outgoing { identifier: identifier.to_string(), resource: Json::Object(o) }
}

/// The Observations for a stored reading: the reading itself, with its
/// colour (`interpretation`) and the plan version that judged it
/// (`plan`, a versioned CarePlan reference), and a heart-rate
/// Observation for a pulse taken with it. `subject` is a reference such
/// as `Patient/123`, when known.
pub fn observations(reading: &StoredReading, subject: Option<&str>, plan: Option<&str>) -> Vec<Outgoing> {
    let (pulse, own): (Vec<&StoredComponent>, Vec<&StoredComponent>) =
        reading.components.iter().partition(|c| c.code == loinc::HEART_RATE && reading.code != loinc::HEART_RATE);
    let mut main = common(reading, subject, &reading.code);
    if let Some(concept) = judgement_concept(&reading.judgement) {
        main.insert("interpretation".into(), json!([concept]));
    }
    if let (Some(plan), Some(Json::Array(extensions))) = (plan, main.get_mut("extension")) {
        extensions.push(judged_by(plan));
    }
    match own.as_slice() {
        [single] if single.code == reading.code => put_value(&mut main, single),
        parts => {
            let components: Vec<Json> = parts
                .iter()
                .map(|c| {
                    let mut m = Map::new();
                    m.insert("code".into(), json!({ "coding": [coding(&c.code)] }));
                    put_value(&mut m, c);
                    Json::Object(m)
                })
                .collect();
            main.insert("component".into(), Json::Array(components));
        }
    }
    let mut out = vec![with_identifier(main, &reading.identifier)];
    for c in pulse {
        let mut heart_rate = common(reading, subject, loinc::HEART_RATE);
        put_value(&mut heart_rate, c);
        // Where the pulse set the reading's colour, its own Observation
        // says so too (the same colour, the pulse's rule).
        if let Judgement::Judged { colour, causes } = &reading.judgement {
            let own: Vec<Cause> = causes.iter().filter(|k| k.code == loinc::HEART_RATE).cloned().collect();
            if !own.is_empty() {
                let pulse_judgement = Judgement::Judged { colour: *colour, causes: own };
                if let Some(concept) = judgement_concept(&pulse_judgement) {
                    heart_rate.insert("interpretation".into(), json!([concept]));
                }
                if let (Some(plan), Some(Json::Array(extensions))) = (plan, heart_rate.get_mut("extension")) {
                    extensions.push(judged_by(plan));
                }
            }
        }
        out.push(with_identifier(heart_rate, &format!("{}/{}", reading.identifier, loinc::HEART_RATE)));
    }
    if let Some(meal) = reading.meal {
        out.push(meal_context(reading, subject, meal));
    }
    out
}

/// IEEE 11073-10101, as FHIR names the code system.
const MDC: &str = "urn:iso:std:iso:11073:10101";
/// `MDC_CTXT_GLU_MEAL`: a glucose reading's meal context.
const MDC_CTXT_GLU_MEAL: u32 = (128 << 16) + 29256;

/// A blood sugar's meal context as the PHD IG's coded-enumeration
/// Observation: code `MDC_CTXT_GLU_MEAL`, the context as an MDC code, and
/// `derivedFrom` the glucose Observation (by its identifier, so it holds
/// before the server has given it an id). Identifier `<reading>/meal`.
fn meal_context(reading: &StoredReading, subject: Option<&str>, meal: Meal) -> Outgoing {
    let mut o = common(reading, subject, &reading.code);
    o.remove("meta");
    o.remove("category");
    let (code, name) = meal.mdc();
    o.insert(
        "code".into(),
        json!({ "coding": [{ "system": MDC, "code": MDC_CTXT_GLU_MEAL.to_string(), "display": "MDC_CTXT_GLU_MEAL" }] }),
    );
    o.insert(
        "valueCodeableConcept".into(),
        json!({ "coding": [{ "system": MDC, "code": code.to_string(), "display": name }] }),
    );
    o.insert(
        "derivedFrom".into(),
        json!([{ "identifier": { "system": canonical::OBSERVATION_IDENTIFIER, "value": reading.identifier } }]),
    );
    with_identifier(o, &format!("{}/meal", reading.identifier))
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;
    use serde_json::json;

    use super::*;
    use crate::vocabulary::MeasurementKind;

    fn component(code: &str, value: &str, unit: &str) -> StoredComponent {
        let absent = (value == "NaN").then_some(Special::Nan);
        let value = (value != "NaN").then(|| value.to_string());
        StoredComponent { code: code.into(), value, absent, unit: unit.into() }
    }

    fn reading(kind: MeasurementKind, code: &str, components: Vec<StoredComponent>, by: EnteredBy) -> StoredReading {
        StoredReading {
            id: 1,
            identifier: "aa:bb/x/2026-11-30T07:00:00".into(),
            kind,
            code: code.into(),
            effective: Timestamp::from_second(1_795_000_000).unwrap(),
            device_time: None,
            received: Timestamp::from_second(1_795_000_010).unwrap(),
            components,
            manual: false,
            device_id: Some("aa:bb:cc:dd:ee:ff".into()),
            entered_by: by,
            plan_version: None,
            colour: None,
            judgement: crate::judging::no_plan(),
            sent: None,
            seen: None,
            relative: None,
            meal: None,
        }
    }

    /// Each case: a reading, and what a receiver reads off each Observation
    /// sent for it: (profile, code codings, value text or component
    /// values, category).
    #[test]
    fn readings_meet_the_vital_signs_profiles() {
        type Case = (
            MeasurementKind,
            &'static str,
            Vec<StoredComponent>,
            Vec<(Option<&'static str>, Vec<&'static str>, &'static str, &'static str)>,
        );
        let cases: Vec<Case> = vec![
            (
                MeasurementKind::OxygenSaturation,
                "2708-6",
                vec![component("2708-6", "97", "%"), component("8867-4", "72", "/min")],
                vec![
                    (Some("oxygensat"), vec!["2708-6", "59408-5"], "97 %", "vital-signs"),
                    (Some("heartrate"), vec!["8867-4"], "72 /min", "vital-signs"),
                ],
            ),
            (
                MeasurementKind::BloodPressure,
                "85354-9",
                vec![
                    component("8480-6", "132", "mm[Hg]"),
                    component("8462-4", "84", "mm[Hg]"),
                    component("8867-4", "66", "/min"),
                ],
                vec![
                    (Some("bp"), vec!["85354-9"], "8480-6=132 mm[Hg]; 8462-4=84 mm[Hg]", "vital-signs"),
                    (Some("heartrate"), vec!["8867-4"], "66 /min", "vital-signs"),
                ],
            ),
            (
                MeasurementKind::BloodPressure,
                "85354-9",
                vec![component("8480-6", "16.0", "kPa"), component("8462-4", "10.7", "kPa")],
                vec![(Some("bp"), vec!["85354-9"], "8480-6=120 mm[Hg]; 8462-4=80 mm[Hg]", "vital-signs")],
            ),
            (
                MeasurementKind::BodyWeight,
                "29463-7",
                vec![component("29463-7", "70.000", "kg")],
                vec![(Some("bodyweight"), vec!["29463-7"], "70.000 kg", "vital-signs")],
            ),
            (
                MeasurementKind::BodyTemperature,
                "8310-5",
                vec![component("8310-5", "NaN", "Cel")],
                vec![(Some("bodytemp"), vec!["8310-5"], "absent: not-a-number", "vital-signs")],
            ),
            (
                MeasurementKind::BloodGlucose,
                "2339-0",
                vec![component("2339-0", "104", "mg/dL")],
                vec![(None, vec!["41653-7", "2339-0"], "104 mg/dL", "laboratory")],
            ),
            (
                MeasurementKind::BloodGlucose,
                "15074-8",
                vec![component("15074-8", "5.8", "mmol/L")],
                vec![(None, vec!["14743-9", "15074-8"], "5.8 mmol/L", "laboratory")],
            ),
            (
                MeasurementKind::PeakFlow,
                "19935-6",
                vec![component("19935-6", "310", "L/min")],
                vec![(None, vec!["19935-6"], "310 L/min", "exam")],
            ),
            (
                MeasurementKind::Fev1,
                "20150-9",
                vec![component("20150-9", "1.85", "L")],
                vec![(None, vec!["20150-9"], "1.85 L", "exam")],
            ),
        ];
        fn value_text(q: &Json) -> String {
            format!("{} {}", q["value"], q["code"].as_str().unwrap())
        }
        for (kind, code, components, expected) in cases {
            let sent = observations(&reading(kind, code, components, EnteredBy::Patient), Some("Patient/p1"), None);
            assert_eq!(sent.len(), expected.len(), "{code}");
            for (o, (profile, codes, value, category)) in sent.iter().zip(expected) {
                let r = &o.resource;
                let profiles: Vec<&str> = r["meta"]["profile"]
                    .as_array()
                    .map(|p| p.iter().map(|p| p.as_str().unwrap()).collect())
                    .unwrap_or_default();
                match profile {
                    Some(name) => assert_eq!(
                        profiles,
                        [format!("http://hl7.org/fhir/StructureDefinition/{name}").as_str(), VITAL_SIGNS_PROFILE]
                    ),
                    None => assert!(profiles.is_empty(), "{profiles:?}"),
                }
                let got: Vec<&str> =
                    r["code"]["coding"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap()).collect();
                assert_eq!(got, codes);
                let shown = if let Some(q) = r.get("valueQuantity") {
                    value_text(q)
                } else if let Some(parts) = r["component"].as_array() {
                    parts
                        .iter()
                        .map(|c| {
                            format!(
                                "{}={}",
                                c["code"]["coding"][0]["code"].as_str().unwrap(),
                                value_text(&c["valueQuantity"])
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; ")
                } else {
                    format!("absent: {}", r["dataAbsentReason"]["coding"][0]["code"].as_str().unwrap())
                };
                assert_eq!(shown, value, "{code}");
                assert_eq!(r["category"][0]["coding"][0]["code"], category);
                assert_eq!(r["subject"]["reference"], "Patient/p1");
                assert_eq!(r["performer"][0]["reference"], "Patient/p1");
                assert_eq!(r["status"], "final");
                assert_eq!(r["device"]["identifier"]["value"], "AA-BB-CC-DD-EE-FF");
                assert_eq!(r["identifier"][0]["value"], o.identifier.as_str());
            }
        }
    }

    /// The digits given are the digits sent: 70.000 stays 70.000, 132
    /// stays 132 (not 132.0), and a cuff's kPa is kept beside the mm[Hg].
    #[test]
    fn numbers_go_out_with_exactly_their_digits() {
        let weight = reading(
            MeasurementKind::BodyWeight,
            "29463-7",
            vec![component("29463-7", "70.000", "kg")],
            EnteredBy::Patient,
        );
        let text = serde_json::to_string(&observations(&weight, None, None)[0].resource).unwrap();
        assert!(text.contains(r#""value":70.000"#), "{text}");
        let pulse =
            reading(MeasurementKind::Pulse, "8867-4", vec![component("8867-4", "132", "/min")], EnteredBy::Patient);
        let text = serde_json::to_string(&observations(&pulse, None, None)[0].resource).unwrap();
        assert!(text.contains(r#""value":132"#) && !text.contains(r#""value":132."#), "{text}");
        let kpa = reading(
            MeasurementKind::BloodPressure,
            "85354-9",
            vec![component("8480-6", "16.0", "kPa")],
            EnteredBy::Patient,
        );
        let o = &observations(&kpa, None, None)[0].resource;
        let original = &o["component"][0]["extension"][0];
        assert_eq!(original["url"], canonical::ORIGINAL_VALUE_EXTENSION);
        assert_eq!(
            serde_json::to_string(&original["valueQuantity"]).unwrap(),
            r#"{"code":"kPa","system":"http://unitsofmeasure.org","unit":"kPa","value":16.0}"#
        );
    }

    /// The stored judgement goes out in standard FHIR, with the rule that
    /// set it and the plan version that judged it.
    #[test]
    fn the_colour_and_the_judging_plan_go_with_the_reading() {
        use crate::traffic_light::{Cause, Colour, Direction, Judgement, NotJudged, Rule};
        let mut r =
            reading(MeasurementKind::Pulse, "8867-4", vec![component("8867-4", "131", "/min")], EnteredBy::Patient);
        let cause = |direction, rule| Cause { code: "8867-4".into(), activity: "pulse".into(), direction, rule };
        let band = |colour| Judgement::Judged { colour, causes: vec![cause(Some(Direction::Above), Rule::Band)] };
        let cases = [
            (
                Judgement::Judged { colour: Colour::Green, causes: vec![cause(None, Rule::Band)] },
                Some("N"),
                Some("green: 8867-4 in its band (pulse)"),
            ),
            (band(Colour::Yellow), Some("A"), Some("yellow: 8867-4 above its band (pulse)")),
            (band(Colour::Red), Some("AA"), Some("red: 8867-4 above its band (pulse)")),
            (
                Judgement::Judged {
                    colour: Colour::Yellow,
                    causes: vec![cause(
                        Some(Direction::Above),
                        Rule::Trend { change: "21".into(), unit: "/min".into(), days: 2, from: "2026-11-28".into() },
                    )],
                },
                Some("A"),
                Some("yellow: 8867-4 up 21 /min in 2 days (from 2026-11-28) (pulse)"),
            ),
            (Judgement::Judged { colour: Colour::Green, causes: vec![] }, Some("N"), None),
            (Judgement::NotJudged(NotJudged::OutsideBands { code: "8867-4".into() }), None, None),
        ];
        for (judgement, hl7, text) in cases {
            r.judgement = judgement.clone();
            let o = &observations(&r, Some("Patient/p1"), Some("CarePlan/cp1/_history/3"))[0].resource;
            assert_eq!(o["interpretation"][0]["coding"][1]["code"].as_str(), hl7, "{judgement:?}");
            assert_eq!(o["interpretation"][0]["text"].as_str(), text, "{judgement:?}");
            if let Some(colour) = judgement.colour() {
                assert_eq!(o["interpretation"][0]["coding"][0]["code"], colour.as_str());
            }
            let by = o["extension"].as_array().unwrap().iter().find(|e| e["url"] == canonical::JUDGED_BY_EXTENSION);
            assert_eq!(by.unwrap()["valueReference"]["reference"], "CarePlan/cp1/_history/3");
        }
    }

    #[test]
    fn a_relative_is_a_contained_related_person() {
        let r = reading(MeasurementKind::Pulse, "8867-4", vec![component("8867-4", "64", "/min")], EnteredBy::Relative);
        let o = &observations(&r, Some("Patient/p1"), None)[0].resource;
        assert_eq!(o["performer"], json!([{ "reference": "#relative" }]));
        assert_eq!(o["contained"][0]["resourceType"], "RelatedPerson");
        assert_eq!(o["contained"][0]["patient"]["reference"], "Patient/p1");
        assert_eq!(o["contained"][0]["relationship"][0]["coding"][0]["code"], "FAMMEMB");
        assert_eq!(o["extension"][0]["valueCode"], "relative");
    }

    #[test]
    fn a_relative_the_service_knows_is_named_by_reference() {
        let mut r =
            reading(MeasurementKind::Pulse, "8867-4", vec![component("8867-4", "64", "/min")], EnteredBy::Relative);
        r.relative = Some("RelatedPerson/12".into());
        let o = &observations(&r, Some("Patient/p1"), None)[0].resource;
        assert_eq!(o["performer"], json!([{ "reference": "RelatedPerson/12" }]));
        assert!(o.get("contained").is_none(), "nothing contained");
        assert_eq!(o["extension"][0]["valueCode"], "relative");
    }

    /// A blood sugar with its meal context: the glucose Observation as
    /// before, and the context as the PHD IG's coded enumeration, derived
    /// from it; without a context, nothing more.
    #[test]
    fn a_meal_context_goes_as_its_own_observation_derived_from_the_glucose() {
        let mut r = reading(
            MeasurementKind::BloodGlucose,
            "15074-8",
            vec![component("15074-8", "7.9", "mmol/L")],
            EnteredBy::Patient,
        );
        assert_eq!(observations(&r, Some("Patient/p1"), None).len(), 1);
        r.meal = Some(Meal::AfterMeal);
        let sent = observations(&r, Some("Patient/p1"), None);
        assert_eq!(sent.len(), 2);
        let meal = &sent[1];
        assert_eq!(meal.identifier, format!("{}/meal", r.identifier));
        let m = &meal.resource;
        assert_eq!(m["code"]["coding"][0], json!({ "system": MDC, "code": "8417864", "display": "MDC_CTXT_GLU_MEAL" }));
        assert_eq!(
            m["valueCodeableConcept"]["coding"][0],
            json!({ "system": MDC, "code": "8417872", "display": "MDC_CTXT_GLU_MEAL_POSTPRANDIAL" })
        );
        assert_eq!(m["derivedFrom"][0]["identifier"]["value"], json!(r.identifier));
        assert_eq!(
            (m["subject"]["reference"].as_str(), m["effectiveDateTime"].clone()),
            (Some("Patient/p1"), sent[0].resource["effectiveDateTime"].clone())
        );
        assert!(m.get("interpretation").is_none() && m.get("category").is_none(), "{m}");
        let codes: Vec<u32> = Meal::ALL.iter().map(|meal| meal.mdc().0).collect();
        assert_eq!(codes, [8417868, 8417872, 8417876, 8417880, 8417908]);
    }
}
