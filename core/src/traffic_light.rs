//! The traffic-light model (trafikklysmodellen): each reading or
//! questionnaire score is judged green, yellow or red against the patient's
//! own limits in the self-care plan, and the plan's advice for that colour
//! is given.
//!
//! Rules, in order:
//! 1. A value is judged only by a band the plan gives for its code; a value
//!    in no band, an absent value (NaN …) or a unit that cannot be converted
//!    is "not judged" for that value.
//! 2. Any red value makes the reading red.
//! 3. Otherwise, if a value that has limits could not be judged, the reading
//!    is not judged — never green by default.
//! 4. Otherwise the worst colour wins; the values with that colour are
//!    named as its cause. Values without any limits are ignored.

use serde::{Deserialize, Serialize};

use crate::{locale::Locale, questionnaire::Text, vocabulary::Decimal};

/// The three colours, ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Colour {
    Green,
    Yellow,
    Red,
}

impl Colour {
    pub fn as_str(self) -> &'static str {
        match self {
            Colour::Green => "green",
            Colour::Yellow => "yellow",
            Colour::Red => "red",
        }
    }

    pub fn parse(text: &str) -> Option<Colour> {
        match text {
            "green" => Some(Colour::Green),
            "yellow" => Some(Colour::Yellow),
            "red" => Some(Colour::Red),
            _ => None,
        }
    }
}

/// One band: values of `code` in `[low, high]` (inclusive; an open end is
/// unbounded) get `colour`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limit {
    /// LOINC code of the value (a component such as systolic, or the score).
    pub code: String,
    pub colour: Colour,
    pub low: Option<Decimal>,
    pub high: Option<Decimal>,
    /// UCUM unit of `low` and `high`.
    pub unit: String,
}

/// Who the patient should call for a colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Call {
    /// The follow-up service (its phone number is in the plan).
    Service,
    /// The emergency number 113.
    Emergency113,
}

/// The plan's advice text for a colour, in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advice {
    pub colour: Colour,
    pub locale: Locale,
    pub text: String,
}

/// Limits, advice and calls for one activity of the plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrafficLight {
    pub limits: Vec<Limit>,
    pub advice: Vec<Advice>,
    pub calls: Vec<(Colour, Call)>,
    /// What the service does next after a result of a colour ("Sykepleieren
    /// ringer deg innen en time"), per language.
    #[serde(default)]
    pub next: Vec<Advice>,
    /// Learning material the advice for a colour refers to (material ids).
    #[serde(default)]
    pub material: Vec<(Colour, String)>,
}

/// A value to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judgeable<'a> {
    pub code: &'a str,
    /// `None` when the device sent no number.
    pub value: Option<Decimal>,
    pub unit: &'a str,
}

/// Why a value or a reading was not judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum NotJudged {
    /// No plan has come from the service yet: nothing to judge by.
    NoPlan,
    /// The plan has no limits for any value of this reading.
    NoLimits,
    /// A value with limits had no number.
    ValueAbsent { code: String },
    /// A value fell between the plan's bands.
    OutsideBands { code: String },
    /// The value's unit cannot be compared with the limit's.
    UnitMismatch { code: String, unit: String },
}

/// The result for one reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum Judgement {
    Judged {
        colour: Colour,
        /// The values that gave the colour (e.g. systolic for a red
        /// blood-pressure reading).
        causes: Vec<String>,
    },
    NotJudged(NotJudged),
}

impl Judgement {
    pub fn colour(&self) -> Option<Colour> {
        match self {
            Judgement::Judged { colour, .. } => Some(*colour),
            Judgement::NotJudged(_) => None,
        }
    }

    /// The stored form: a colour, or `not-judged`.
    pub fn as_str(&self) -> &'static str {
        self.colour().map_or("not-judged", Colour::as_str)
    }
}

/// Converts `value` from `from` to `to` for the unit pairs the health
/// devices use. `None` when the pair is unknown.
fn convert(value: f64, from: &str, to: &str) -> Option<f64> {
    if from == to {
        return Some(value);
    }
    Some(match (from, to) {
        ("kPa", "mm[Hg]") => value * 7.500_615_75,
        ("mm[Hg]", "kPa") => value / 7.500_615_75,
        ("[degF]", "Cel") => (value - 32.0) * 5.0 / 9.0,
        ("Cel", "[degF]") => value * 9.0 / 5.0 + 32.0,
        ("[lb_av]", "kg") => value * 0.453_592_37,
        ("kg", "[lb_av]") => value / 0.453_592_37,
        _ => return None,
    })
}

enum One {
    Colour(Colour),
    Unlimited,
    Failed(NotJudged),
}

fn judge_value(limits: &[&Limit], v: &Judgeable<'_>) -> One {
    if limits.is_empty() {
        return One::Unlimited;
    }
    let Some(value) = v.value else { return One::Failed(NotJudged::ValueAbsent { code: v.code.to_string() }) };
    let mut found: Option<Colour> = None;
    for limit in limits {
        let Some(x) = convert(value.to_f64(), v.unit, &limit.unit) else {
            return One::Failed(NotJudged::UnitMismatch { code: v.code.to_string(), unit: v.unit.to_string() });
        };
        let above_low = limit.low.is_none_or(|low| x >= low.to_f64());
        let below_high = limit.high.is_none_or(|high| x <= high.to_f64());
        if above_low && below_high {
            // Overlapping bands: the worse colour counts.
            found = Some(found.map_or(limit.colour, |c| c.max(limit.colour)));
        }
    }
    match found {
        Some(colour) => One::Colour(colour),
        None => One::Failed(NotJudged::OutsideBands { code: v.code.to_string() }),
    }
}

/// Judges one reading's values against an activity's limits.
pub fn judge(traffic_light: &TrafficLight, values: &[Judgeable<'_>]) -> Judgement {
    let mut judged: Vec<(Colour, &str)> = vec![];
    let mut failure: Option<NotJudged> = None;
    for v in values {
        let limits: Vec<&Limit> = traffic_light.limits.iter().filter(|l| l.code == v.code).collect();
        match judge_value(&limits, v) {
            One::Colour(c) => judged.push((c, v.code)),
            One::Unlimited => {}
            One::Failed(reason) => {
                failure.get_or_insert(reason);
            }
        }
    }
    let worst = judged.iter().map(|(c, _)| *c).max();
    match (worst, failure) {
        (Some(Colour::Red), _) | (Some(_), None) => {
            let colour = worst.expect("matched Some");
            Judgement::Judged {
                colour,
                causes: judged.iter().filter(|(c, _)| *c == colour).map(|(_, code)| code.to_string()).collect(),
            }
        }
        (_, Some(reason)) => Judgement::NotJudged(reason),
        (None, None) => Judgement::NotJudged(NotJudged::NoLimits),
    }
}

/// The plan's advice for a judgement, every language it has.
pub fn advice_for(light: Option<&TrafficLight>, judgement: &Judgement) -> Option<Text> {
    let (colour, light) = (judgement.colour()?, light?);
    light.advice(colour, Locale::Bokmal).map(|nb| Text {
        nb: nb.to_string(),
        nn: light.advice(colour, Locale::Nynorsk).map(str::to_string),
        en: light.advice(colour, Locale::English).map(str::to_string),
    })
}

impl TrafficLight {
    /// The plan's advice for a colour in `locale`, falling back to Bokmål.
    pub fn advice(&self, colour: Colour, locale: Locale) -> Option<&str> {
        let pick =
            |l: Locale| self.advice.iter().find(|a| a.colour == colour && a.locale == l).map(|a| a.text.as_str());
        pick(locale).or_else(|| pick(Locale::Bokmal))
    }

    /// What the service does next after a result of `colour`, every
    /// language the plan has.
    pub fn next_for(&self, colour: Colour) -> Option<Text> {
        let pick = |l: Locale| self.next.iter().find(|a| a.colour == colour && a.locale == l).map(|a| a.text.clone());
        pick(Locale::Bokmal).map(|nb| Text { nb, nn: pick(Locale::Nynorsk), en: pick(Locale::English) })
    }

    /// The material ids the advice for `colour` refers to.
    pub fn material_for(&self, colour: Colour) -> Vec<String> {
        self.material.iter().filter(|(c, _)| *c == colour).map(|(_, id)| id.clone()).collect()
    }

    /// Whom to call for a colour: the service and/or 113.
    pub fn calls(&self, colour: Colour) -> Vec<Call> {
        self.calls.iter().filter(|(c, _)| *c == colour).map(|(_, call)| *call).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn band(code: &str, colour: Colour, low: Option<&str>, high: Option<&str>, unit: &str) -> Limit {
        Limit { code: code.into(), colour, low: low.map(d), high: high.map(d), unit: unit.into() }
    }

    /// Blood pressure: systolic green 100–139, yellow 140–159 and 90–99, red
    /// ≥ 160 and < 90; diastolic green 60–89, yellow 90–99, red ≥ 100. SpO2
    /// green ≥ 92, yellow 88–91, red ≤ 87. Weight: green only (no yellow/red
    /// bands: anything else falls outside).
    fn plan() -> TrafficLight {
        use Colour::*;
        TrafficLight {
            limits: vec![
                band("8480-6", Green, Some("100"), Some("139"), "mm[Hg]"),
                band("8480-6", Yellow, Some("140"), Some("159"), "mm[Hg]"),
                band("8480-6", Yellow, Some("90"), Some("99"), "mm[Hg]"),
                band("8480-6", Red, Some("160"), None, "mm[Hg]"),
                band("8480-6", Red, None, Some("89"), "mm[Hg]"),
                band("8462-4", Green, Some("60"), Some("89"), "mm[Hg]"),
                band("8462-4", Yellow, Some("90"), Some("99"), "mm[Hg]"),
                band("8462-4", Red, Some("100"), None, "mm[Hg]"),
                band("2708-6", Green, Some("92"), Some("100"), "%"),
                band("2708-6", Yellow, Some("88"), Some("91"), "%"),
                band("2708-6", Red, None, Some("87"), "%"),
                band("29463-7", Green, Some("60"), Some("80"), "kg"),
            ],
            advice: vec![
                Advice { colour: Red, locale: Locale::Bokmal, text: "Ring oppfølgingstjenesten nå.".into() },
                Advice { colour: Red, locale: Locale::Nynorsk, text: "Ring oppfølgingstenesta no.".into() },
            ],
            calls: vec![(Red, Call::Service), (Red, Call::Emergency113)],
            ..TrafficLight::default()
        }
    }

    fn bp<'a>(sys: Option<&str>, dia: Option<&str>, unit: &'a str) -> Vec<Judgeable<'a>> {
        vec![
            Judgeable { code: "8480-6", value: sys.map(d), unit },
            Judgeable { code: "8462-4", value: dia.map(d), unit },
            // Mean arterial pressure has no limits and is ignored.
            Judgeable { code: "8478-0", value: Some(d("93")), unit },
        ]
    }

    fn judged(colour: Colour, causes: &[&str]) -> Judgement {
        Judgement::Judged { colour, causes: causes.iter().map(|c| c.to_string()).collect() }
    }

    #[test]
    fn table() {
        use Colour::*;
        let not = |r: NotJudged| Judgement::NotJudged(r);
        let cases: Vec<(&str, Vec<Judgeable>, Judgement)> = vec![
            ("normal", bp(Some("120"), Some("80"), "mm[Hg]"), judged(Green, &["8480-6", "8462-4"])),
            ("band edge is inclusive", bp(Some("139"), Some("89"), "mm[Hg]"), judged(Green, &["8480-6", "8462-4"])),
            ("systolic yellow", bp(Some("140"), Some("80"), "mm[Hg]"), judged(Yellow, &["8480-6"])),
            ("low systolic yellow", bp(Some("95"), Some("65"), "mm[Hg]"), judged(Yellow, &["8480-6"])),
            ("diastolic decides", bp(Some("120"), Some("101"), "mm[Hg]"), judged(Red, &["8462-4"])),
            ("both red", bp(Some("170"), Some("105"), "mm[Hg]"), judged(Red, &["8480-6", "8462-4"])),
            ("very low systolic", bp(Some("85"), Some("60"), "mm[Hg]"), judged(Red, &["8480-6"])),
            // 16.0/10.7 kPa = 120.0/80.3 mmHg; 21.5 kPa = 161.3 mmHg.
            ("kPa is converted", bp(Some("16.0"), Some("10.7"), "kPa"), judged(Green, &["8480-6", "8462-4"])),
            ("kPa red", bp(Some("21.5"), Some("10.7"), "kPa"), judged(Red, &["8480-6"])),
            (
                "absent systolic: not judged",
                bp(None, Some("80"), "mm[Hg]"),
                not(NotJudged::ValueAbsent { code: "8480-6".into() }),
            ),
            ("absent systolic but red diastolic: red", bp(None, Some("120"), "mm[Hg]"), judged(Red, &["8462-4"])),
            (
                "gap between bands",
                bp(Some("139.5"), Some("80"), "mm[Hg]"),
                not(NotJudged::OutsideBands { code: "8480-6".into() }),
            ),
            (
                "unknown unit",
                bp(Some("120"), Some("80"), "cm[H2O]"),
                not(NotJudged::UnitMismatch { code: "8480-6".into(), unit: "cm[H2O]".into() }),
            ),
            (
                "spo2 yellow",
                vec![Judgeable { code: "2708-6", value: Some(d("90")), unit: "%" }],
                judged(Yellow, &["2708-6"]),
            ),
            ("spo2 red", vec![Judgeable { code: "2708-6", value: Some(d("85")), unit: "%" }], judged(Red, &["2708-6"])),
            (
                "no limits at all",
                vec![Judgeable { code: "8310-5", value: Some(d("37.0")), unit: "Cel" }],
                not(NotJudged::NoLimits),
            ),
            (
                "weight in lb",
                vec![Judgeable { code: "29463-7", value: Some(d("154.00")), unit: "[lb_av]" }],
                judged(Green, &["29463-7"]),
            ),
            (
                "weight outside its only band",
                vec![Judgeable { code: "29463-7", value: Some(d("85.000")), unit: "kg" }],
                not(NotJudged::OutsideBands { code: "29463-7".into() }),
            ),
        ];
        for (name, values, expected) in cases {
            assert_eq!(judge(&plan(), &values), expected, "{name}");
        }
    }

    #[test]
    fn advice_and_calls_for_red() {
        let p = plan();
        assert_eq!(p.advice(Colour::Red, Locale::Nynorsk), Some("Ring oppfølgingstenesta no."));
        assert_eq!(p.advice(Colour::Red, Locale::English), Some("Ring oppfølgingstjenesten nå."), "falls back to nb");
        assert_eq!(p.advice(Colour::Green, Locale::Bokmal), None);
        assert_eq!(p.calls(Colour::Red), vec![Call::Service, Call::Emergency113]);
        assert!(p.calls(Colour::Yellow).is_empty());
    }
}
