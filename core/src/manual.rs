//! Readings typed by hand: which fields each kind asks for, reading what
//! was typed (comma or point as decimal mark), and refusing what cannot be
//! a real value (a typo such as 1200 kg, or 20 % oxygen) with a code and
//! the plausible range, so the UI can say so in the patient's language.
//! The limits are physical plausibility, not the patient's own limits —
//! those judge the reading afterwards.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;

use crate::{
    measurement::{loinc, Component, ComponentValue, Measurement},
    plan::MeasurementKind,
    vocabulary::{Decimal, Meal},
};

/// One field of the manual entry form.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Field {
    /// LOINC code; the UI's label is `manual-field-<code>`.
    pub code: &'static str,
    /// UCUM unit.
    pub unit: &'static str,
    /// Plausible range, inclusive.
    pub min: f64,
    pub max: f64,
    /// Most decimals accepted.
    pub decimals: u8,
    pub required: bool,
}

const fn field(code: &'static str, unit: &'static str, min: f64, max: f64, decimals: u8, required: bool) -> Field {
    Field { code, unit, min, max, decimals, required }
}

/// The fields for a kind of reading, in the order a device shows them.
pub fn fields(kind: MeasurementKind) -> Vec<Field> {
    match kind {
        MeasurementKind::BloodPressure => vec![
            field(loinc::SYSTOLIC, "mm[Hg]", 50.0, 280.0, 0, true),
            field(loinc::DIASTOLIC, "mm[Hg]", 25.0, 180.0, 0, true),
            field(loinc::HEART_RATE, "/min", 25.0, 250.0, 0, false),
        ],
        MeasurementKind::Pulse => vec![field(loinc::HEART_RATE, "/min", 25.0, 250.0, 0, true)],
        MeasurementKind::OxygenSaturation => {
            vec![field(loinc::SPO2, "%", 50.0, 100.0, 0, true), field(loinc::HEART_RATE, "/min", 25.0, 250.0, 0, false)]
        }
        MeasurementKind::BodyTemperature => vec![field(loinc::BODY_TEMPERATURE, "Cel", 30.0, 44.0, 1, true)],
        MeasurementKind::BodyWeight => vec![field(loinc::BODY_WEIGHT, "kg", 2.0, 350.0, 2, true)],
        MeasurementKind::BloodGlucose => vec![field(loinc::GLUCOSE_MOLAR, "mmol/L", 0.5, 40.0, 1, true)],
        // A peak-flow meter's scale runs 60–800 (adult) or 50–400 L/min
        // (low range); a spirometer shows FEV1 in litres with two decimals.
        MeasurementKind::PeakFlow => vec![field(loinc::PEAK_FLOW, "L/min", 30.0, 900.0, 0, true)],
        MeasurementKind::Fev1 => vec![field(loinc::FEV1, "L", 0.1, 8.0, 2, true)],
    }
}

/// The key of the typed meal context among the typed values.
pub const MEAL_KEY: &str = "meal";

/// The meal contexts the form offers for a kind (blood sugar: before or
/// after a meal, or fasting); none for the others. Answering is optional.
pub fn meal_choices(kind: MeasurementKind) -> &'static [Meal] {
    match kind {
        MeasurementKind::BloodGlucose => &[Meal::BeforeMeal, Meal::AfterMeal, Meal::Fasting],
        _ => &[],
    }
}

/// The manual entry form for a kind: its number fields, and the meal
/// contexts to choose from (empty: not asked).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryForm {
    pub fields: Vec<Field>,
    pub meals: &'static [Meal],
    /// A device can send this kind (else the screen offers typing only).
    pub by_device: bool,
}

pub fn form(kind: MeasurementKind) -> EntryForm {
    EntryForm { fields: fields(kind), meals: meal_choices(kind), by_device: kind.has_device_profile() }
}

/// Why a typed value was refused; the UI's message is `manual-<code>`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryProblem {
    /// `missing`, `not-a-number`, `too-many-decimals`, `implausible`,
    /// `systolic-below-diastolic`, `unknown-choice` (a meal context the
    /// form does not offer).
    pub code: &'static str,
    /// The field (LOINC code).
    pub field: &'static str,
    /// What was typed, trimmed.
    pub typed: String,
    pub min: f64,
    pub max: f64,
    pub unit: &'static str,
}

fn problem(code: &'static str, f: &Field, typed: &str) -> EntryProblem {
    EntryProblem { code, field: f.code, typed: typed.to_string(), min: f.min, max: f.max, unit: f.unit }
}

/// Reads one typed number: digits with at most one `,` or `.`.
fn read_number(f: &Field, typed: &str) -> Result<Decimal, EntryProblem> {
    let normal = typed.trim().replace(',', ".").replace([' ', '\u{a0}'], "");
    let value: Decimal = normal.parse().map_err(|_| problem("not-a-number", f, typed.trim()))?;
    let decimals = normal.split_once('.').map_or(0, |(_, frac)| frac.len());
    if decimals > usize::from(f.decimals) {
        return Err(problem("too-many-decimals", f, typed.trim()));
    }
    let x = value.to_f64();
    if x < f.min || x > f.max {
        return Err(problem("implausible", f, typed.trim()));
    }
    Ok(value)
}

/// Builds the measurement from typed values (by LOINC code). Every
/// problem is returned, so the form can mark each field at once.
pub fn measurement(
    kind: MeasurementKind,
    typed: &BTreeMap<String, String>,
    now: Timestamp,
) -> Result<Measurement, Vec<EntryProblem>> {
    let mut components = vec![];
    let mut problems = vec![];
    for f in fields(kind) {
        let text = typed.get(f.code).map(|t| t.trim()).unwrap_or("");
        if text.is_empty() {
            if f.required {
                problems.push(problem("missing", &f, ""));
            }
            continue;
        }
        match read_number(&f, text) {
            Ok(value) => components.push(Component { code: f.code, value: ComponentValue::Value(value), unit: f.unit }),
            Err(p) => problems.push(p),
        }
    }
    let value_of = |code: &str| {
        components.iter().find(|c| c.code == code).and_then(|c| match c.value {
            ComponentValue::Value(d) => Some(d.to_f64()),
            ComponentValue::Absent(_) => None,
        })
    };
    if let (Some(sys), Some(dia)) = (value_of(loinc::SYSTOLIC), value_of(loinc::DIASTOLIC)) {
        if sys <= dia {
            let f = fields(kind)[0];
            problems.push(problem("systolic-below-diastolic", &f, &typed[loinc::SYSTOLIC]));
        }
    }
    let meal = match typed.get(MEAL_KEY).map(|t| t.trim()).filter(|t| !t.is_empty()) {
        None => None,
        Some(text) => match Meal::parse(text).filter(|m| meal_choices(kind).contains(m)) {
            Some(meal) => Some(meal),
            None => {
                problems.push(EntryProblem {
                    code: "unknown-choice",
                    field: MEAL_KEY,
                    typed: text.to_string(),
                    min: 0.0,
                    max: 0.0,
                    unit: "",
                });
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let code = match kind {
        MeasurementKind::BloodPressure => loinc::BLOOD_PRESSURE_PANEL,
        _ => fields(kind)[0].code,
    };
    Ok(Measurement {
        kind,
        code,
        components,
        device_time: None,
        effective: now,
        identifier: format!("manual/{code}/{}", now.as_millisecond()),
        device_id: "manual".into(),
        meal,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn now() -> Timestamp {
        "2026-11-23T08:00:00Z".parse().unwrap()
    }

    #[test]
    fn typed_values_become_exact_components() {
        let m = measurement(MeasurementKind::BodyWeight, &typed(&[("29463-7", " 73,45 ")]), now()).unwrap();
        assert_eq!(m.components[0].value, ComponentValue::Value("73.45".parse().unwrap()));
        assert_eq!((m.code, m.components[0].unit), ("29463-7", "kg"));
        let bp = measurement(
            MeasurementKind::BloodPressure,
            &typed(&[("8480-6", "142"), ("8462-4", "91"), ("8867-4", "")]),
            now(),
        )
        .unwrap();
        assert_eq!(bp.code, "85354-9");
        assert_eq!(bp.components.len(), 2, "the optional pulse left out");
        assert!(bp.identifier.starts_with("manual/85354-9/"));
        let pef = measurement(MeasurementKind::PeakFlow, &typed(&[("19935-6", "310")]), now()).unwrap();
        assert_eq!((pef.code, pef.components[0].unit), ("19935-6", "L/min"));
        let sugar =
            measurement(MeasurementKind::BloodGlucose, &typed(&[("15074-8", "7,9"), ("meal", "after-meal")]), now());
        assert_eq!(sugar.unwrap().meal, Some(Meal::AfterMeal));
        let unsaid = measurement(MeasurementKind::BloodGlucose, &typed(&[("15074-8", "5,2"), ("meal", "")]), now());
        assert_eq!(unsaid.unwrap().meal, None, "the meal is asked, not required");
        let fev1 = measurement(MeasurementKind::Fev1, &typed(&[("20150-9", "1,85")]), now()).unwrap();
        assert_eq!(fev1.components[0].value, ComponentValue::Value("1.85".parse().unwrap()));
        assert_eq!((fev1.code, fev1.components[0].unit), ("20150-9", "L"));
    }

    /// Typos and impossible values, each with the code the UI words.
    #[test]
    fn typos_are_refused_with_a_reason() {
        type Case<'a> = (MeasurementKind, &'a [(&'a str, &'a str)], &'a str);
        let cases: &[Case<'_>] = &[
            (MeasurementKind::BodyWeight, &[("29463-7", "1200")], "implausible"),
            (MeasurementKind::BodyWeight, &[("29463-7", "7,3,4")], "not-a-number"),
            (MeasurementKind::BodyWeight, &[("29463-7", "73.456")], "too-many-decimals"),
            (MeasurementKind::BodyWeight, &[("29463-7", "")], "missing"),
            (MeasurementKind::BodyWeight, &[("29463-7", "-70")], "implausible"),
            (MeasurementKind::OxygenSaturation, &[("2708-6", "20")], "implausible"),
            (MeasurementKind::OxygenSaturation, &[("2708-6", "101")], "implausible"),
            (MeasurementKind::BodyTemperature, &[("8310-5", "98,6")], "implausible"),
            (MeasurementKind::BloodGlucose, &[("15074-8", "abc")], "not-a-number"),
            (MeasurementKind::BloodPressure, &[("8480-6", "80"), ("8462-4", "120")], "systolic-below-diastolic"),
            (MeasurementKind::BloodPressure, &[("8480-6", "1400"), ("8462-4", "90")], "implausible"),
            // A peak flow typed in L/s (5,5) or with a zero too many.
            (MeasurementKind::PeakFlow, &[("19935-6", "5,5")], "too-many-decimals"),
            (MeasurementKind::PeakFlow, &[("19935-6", "4200")], "implausible"),
            (MeasurementKind::PeakFlow, &[("19935-6", "12")], "implausible"),
            // FEV1 typed in millilitres, or as a percentage of predicted.
            (MeasurementKind::Fev1, &[("20150-9", "2150")], "implausible"),
            (MeasurementKind::Fev1, &[("20150-9", "1,234")], "too-many-decimals"),
        ];
        for (kind, values, code) in cases {
            let problems = measurement(*kind, &typed(values), now()).unwrap_err();
            assert_eq!(problems[0].code, *code, "{kind:?} {values:?}");
        }
        // A meal the form does not offer (or on a weight) is refused.
        for (kind, values) in [
            (MeasurementKind::BloodGlucose, &[("15074-8", "6,0"), ("meal", "brunch")]),
            (MeasurementKind::BloodGlucose, &[("15074-8", "6,0"), ("meal", "bedtime")]),
            (MeasurementKind::BodyWeight, &[("29463-7", "70"), ("meal", "fasting")]),
        ] {
            let problems = measurement(kind, &typed(values), now()).unwrap_err();
            assert_eq!((problems[0].code, problems[0].field), ("unknown-choice", "meal"), "{values:?}");
        }
        let problems =
            measurement(MeasurementKind::BloodPressure, &typed(&[("8480-6", "x"), ("8462-4", "")]), now()).unwrap_err();
        assert_eq!(
            problems.iter().map(|p| p.code).collect::<Vec<_>>(),
            ["not-a-number", "missing"],
            "every field at once"
        );
        let p = &measurement(MeasurementKind::BodyWeight, &typed(&[("29463-7", "1200")]), now()).unwrap_err()[0];
        assert_eq!((p.min, p.max, p.unit, p.typed.as_str()), (2.0, 350.0, "kg", "1200"));
    }
}
