//! The traffic-light model (trafikklysmodellen): each reading or
//! questionnaire answer is judged green, yellow or red against the
//! patient's own limits in the self-care plan, and the plan's advice for
//! that colour — and that direction, below or above the green band — is
//! given.
//!
//! Rules, in order:
//! 1. A value is judged only by a band the plan gives for its code; a value
//!    in no band, an absent value (NaN …) or a unit that cannot be converted
//!    is "not judged" for that value.
//! 2. Any red value makes the reading red.
//! 3. Otherwise, if a value that has limits could not be judged, the reading
//!    is not judged — never green by default. A value judged by another
//!    activity's limits (the pulse a cuff sends, judged by the plan's pulse
//!    limits) that was not sent or is in another unit is left out, not a
//!    failure; one outside every band is; when judged, its colour counts.
//! 4. Otherwise the worst colour wins; the values with that colour are
//!    named as its cause, each with the activity whose rule set it and the
//!    band's direction. Values without any limits are ignored.
//!
//! A band's direction is the plan's where it says so, else what its place
//! says: entirely below the green band(s) of its code is `below`, entirely
//! above is `above`. Advice, what happens next, material and medicines
//! can be given per colour and direction; the most specific applies.

use serde::{Deserialize, Serialize};

pub use crate::vocabulary::{Cause, Colour, Direction, Judgement, NotJudged, Rule};
use crate::{locale::Locale, locale::Text, questionnaire::Answer, vocabulary::Decimal};

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
    /// The plan's own direction for the band; none: from its place.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// Where the plan gave the band in % of the patient's personal best
    /// (peak flow, FEV1): those percentages and the best. `low` and `high`
    /// are then their exact product, in the best's unit, and judge.
    #[serde(default)]
    pub of_best: Option<OfBest>,
}

/// A band given in % of the patient's personal best, as the plan wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfBest {
    pub low: Option<Decimal>,
    pub high: Option<Decimal>,
    /// The personal best, in the band's unit.
    pub best: Decimal,
}

impl OfBest {
    /// `percent` % of `best`, exactly (trailing zeros dropped); `None` when
    /// the digits do not fit.
    pub fn share(percent: Decimal, best: Decimal) -> Option<Decimal> {
        let mut mantissa = percent.mantissa.checked_mul(best.mantissa)?;
        let mut exponent = percent.exponent.checked_add(best.exponent)?.checked_sub(2)?;
        while exponent < 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            exponent += 1;
        }
        Some(Decimal::new(mantissa, exponent))
    }
}

/// A change rule: a value of `code` that has moved by at least `change`
/// (`unit`) within `days` days — up (`above`), down (`below`), or either
/// way — gets `colour` ("vekt opp 2 kg på 3 dager: gul").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendRule {
    pub code: String,
    pub colour: Colour,
    /// Up, down, or (none) either way.
    pub direction: Option<Direction>,
    /// The least change that counts, positive.
    pub change: Decimal,
    pub unit: String,
    /// Over how many days (1–31).
    pub days: u16,
}

/// An answer that sets a colour on its own ("Har du brystsmerter?" — yes:
/// red), whatever the total score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerRule {
    /// The questionnaire item's `linkId`.
    pub link_id: String,
    pub answer: Answer,
    pub colour: Colour,
    /// What to do, in the plan's words, for this answer ("Ring 113 nå");
    /// shown before the colour's advice.
    #[serde(default)]
    pub advice: Option<Text>,
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

/// The plan's text for a colour (and, where given, a direction), in one
/// language: advice, or what happens next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advice {
    pub colour: Colour,
    /// None: for the colour on either side.
    #[serde(default)]
    pub direction: Option<Direction>,
    pub locale: Locale,
    pub text: String,
}

/// Something a colour (and direction) of an activity points to: a piece
/// of learning material or a medicine of the plan, by its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pointer {
    pub colour: Colour,
    #[serde(default)]
    pub direction: Option<Direction>,
    pub id: String,
    /// For a medicine: measure (or answer) this activity again this many
    /// minutes after it is taken ("start kuren, mål igjen i morgen").
    #[serde(default)]
    pub recheck_minutes: Option<u32>,
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
    /// Learning material the advice for a colour refers to.
    #[serde(default)]
    pub material: Vec<Pointer>,
    /// The plan's medicines for a colour of this activity ("ved gul sone:
    /// start kuren"); a colour's medicine shows only where it is named.
    #[serde(default)]
    pub medicines: Vec<Pointer>,
    /// Change rules, judged beside the bands; the worst wins.
    #[serde(default)]
    pub trends: Vec<TrendRule>,
    /// Answers that set a colour on their own (questionnaires).
    #[serde(default)]
    pub answers: Vec<AnswerRule>,
}

/// A value to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judgeable<'a> {
    pub code: &'a str,
    /// `None` when the device sent no number.
    pub value: Option<Decimal>,
    pub unit: &'a str,
}

/// The limits that judge one code: the activity they belong to, and
/// whether they are borrowed from another activity than the reading's own.
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub activity: &'a str,
    pub light: &'a TrafficLight,
    pub borrowed: bool,
}

/// Converts `value` from `from` to `to` for the unit pairs the health
/// devices use. `None` when the pair is unknown.
pub(crate) fn convert(value: f64, from: &str, to: &str) -> Option<f64> {
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

/// The direction of a band: the plan's, else entirely below or above the
/// green band(s) of the same code. A green band, or one that overlaps the
/// green, has none.
pub fn direction_of(limit: &Limit, all: &[Limit]) -> Option<Direction> {
    if limit.direction.is_some() || limit.colour == Colour::Green {
        return limit.direction;
    }
    let greens: Vec<&Limit> = all.iter().filter(|l| l.code == limit.code && l.colour == Colour::Green).collect();
    if greens.is_empty() {
        return None;
    }
    let in_unit = |d: Option<Decimal>, g: &Limit| d.and_then(|d| convert(d.to_f64(), &g.unit, &limit.unit));
    // The green region's ends; an open end is unbounded.
    let green_low = greens.iter().map(|g| in_unit(g.low, g)).try_fold(f64::INFINITY, |m, l| l.map(|l| m.min(l)));
    let green_high = greens.iter().map(|g| in_unit(g.high, g)).try_fold(f64::NEG_INFINITY, |m, h| h.map(|h| m.max(h)));
    if let (Some(high), Some(green_low)) = (limit.high, green_low) {
        if high.to_f64() <= green_low {
            return Some(Direction::Below);
        }
    }
    if let (Some(low), Some(green_high)) = (limit.low, green_high) {
        if low.to_f64() >= green_high {
            return Some(Direction::Above);
        }
    }
    None
}

enum One {
    Colour(Colour, Option<Direction>),
    Unlimited,
    Failed(NotJudged),
}

fn judge_value(light: &TrafficLight, v: &Judgeable<'_>) -> One {
    let limits: Vec<&Limit> = light.limits.iter().filter(|l| l.code == v.code).collect();
    if limits.is_empty() {
        return One::Unlimited;
    }
    let Some(value) = v.value else { return One::Failed(NotJudged::ValueAbsent { code: v.code.to_string() }) };
    let mut found: Option<(Colour, Option<Direction>)> = None;
    for limit in limits {
        let Some(x) = convert(value.to_f64(), v.unit, &limit.unit) else {
            return One::Failed(NotJudged::UnitMismatch { code: v.code.to_string(), unit: v.unit.to_string() });
        };
        let above_low = limit.low.is_none_or(|low| x >= low.to_f64());
        let below_high = limit.high.is_none_or(|high| x <= high.to_f64());
        if above_low && below_high {
            // Overlapping bands: the worse colour counts.
            let this = (limit.colour, direction_of(limit, &light.limits));
            found = Some(match found {
                Some(seen) if seen.0 >= this.0 => seen,
                _ => this,
            });
        }
    }
    match found {
        Some((colour, direction)) => One::Colour(colour, direction),
        None => One::Failed(NotJudged::OutsideBands { code: v.code.to_string() }),
    }
}

/// Judges one reading's values, each by the rules `rules_for` gives for
/// its code (none: the value has no limits).
pub fn judge<'a>(values: &[Judgeable<'_>], rules_for: &dyn Fn(&str) -> Option<Rules<'a>>) -> Judgement {
    let mut judged: Vec<(Colour, Cause)> = vec![];
    let mut failure: Option<NotJudged> = None;
    for v in values {
        let Some(rules) = rules_for(v.code) else { continue };
        match judge_value(rules.light, v) {
            One::Colour(colour, direction) => judged.push((
                colour,
                Cause { code: v.code.to_string(), activity: rules.activity.to_string(), direction, rule: Rule::Band },
            )),
            One::Unlimited => {}
            // A value another activity's limits judge (the cuff's pulse)
            // that the device did not send, or in another unit, leaves the
            // reading to its own values; one outside every band does not.
            One::Failed(NotJudged::ValueAbsent { .. } | NotJudged::UnitMismatch { .. }) if rules.borrowed => {}
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
                causes: judged.into_iter().filter(|(c, _)| *c == colour).map(|(_, cause)| cause).collect(),
            }
        }
        (_, Some(reason)) => Judgement::NotJudged(reason),
        (None, None) => Judgement::NotJudged(NotJudged::NoLimits),
    }
}

/// Judges values by one activity's light alone.
pub fn judge_by(activity: &str, light: &TrafficLight, values: &[Judgeable<'_>]) -> Judgement {
    judge(values, &|_| Some(Rules { activity, light, borrowed: false }))
}

/// The entries for `colour` at the most specific level there is: those for
/// `direction` if any, else those for the colour on either side.
fn most_specific<T>(
    items: &[T],
    colour: Colour,
    direction: Option<Direction>,
    key: impl Fn(&T) -> (Colour, Option<Direction>),
) -> Vec<&T> {
    let at = |d: Option<Direction>| items.iter().filter(|i| key(i) == (colour, d)).collect::<Vec<_>>();
    match direction.map(|d| at(Some(d))) {
        Some(specific) if !specific.is_empty() => specific,
        _ => at(None),
    }
}

impl TrafficLight {
    fn text(list: &[Advice], colour: Colour, direction: Option<Direction>) -> Option<Text> {
        let level = most_specific(list, colour, direction, |a| (a.colour, a.direction));
        let mut out: Option<Text> = None;
        for a in level {
            match &mut out {
                None => out = Some(Text::new(a.locale, a.text.clone())),
                Some(text) if text.exactly(a.locale).is_none() => text.set(a.locale, a.text.clone()),
                Some(_) => {}
            }
        }
        out
    }

    /// The plan's advice for a colour and direction, every language it has.
    pub fn advice_for(&self, colour: Colour, direction: Option<Direction>) -> Option<Text> {
        Self::text(&self.advice, colour, direction)
    }

    /// What the service does next after a result of `colour` (and
    /// direction), every language the plan has.
    pub fn next_for(&self, colour: Colour, direction: Option<Direction>) -> Option<Text> {
        Self::text(&self.next, colour, direction)
    }

    /// The material ids the advice for `colour` (and direction) refers to.
    pub fn material_for(&self, colour: Colour, direction: Option<Direction>) -> Vec<String> {
        most_specific(&self.material, colour, direction, |p| (p.colour, p.direction))
            .into_iter()
            .map(|p| p.id.clone())
            .collect()
    }

    /// The medicine ids for `colour` (and direction) of this activity.
    pub fn medicines_for(&self, colour: Colour, direction: Option<Direction>) -> Vec<String> {
        most_specific(&self.medicines, colour, direction, |p| (p.colour, p.direction))
            .into_iter()
            .map(|p| p.id.clone())
            .collect()
    }

    /// How long after the medicine `id` for a colour (and side) is taken
    /// this activity is to be done again, if the plan says.
    pub fn recheck_for(&self, colour: Colour, direction: Option<Direction>, id: &str) -> Option<u32> {
        let pointers = most_specific(&self.medicines, colour, direction, |p| (p.colour, p.direction));
        pointers.into_iter().find(|p| p.id == id).and_then(|p| p.recheck_minutes)
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
        Limit {
            code: code.into(),
            colour,
            low: low.map(d),
            high: high.map(d),
            unit: unit.into(),
            direction: None,
            of_best: None,
        }
    }

    /// Blood pressure: systolic green 100–139, yellow 140–159 and 90–99, red
    /// ≥ 160 and < 90; diastolic green 60–89, yellow 90–99, red ≥ 100. SpO2
    /// green ≥ 92, yellow 88–91, red ≤ 87. Weight: green only (no yellow/red
    /// bands: anything else falls outside).
    fn plan() -> TrafficLight {
        use Colour::*;
        let advice = |colour, direction, locale, text: &str| Advice { colour, direction, locale, text: text.into() };
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
                advice(Red, None, Locale::Bokmal, "Ring oppfølgingstjenesten nå."),
                advice(Red, None, Locale::Nynorsk, "Ring oppfølgingstenesta no."),
                advice(Yellow, None, Locale::Bokmal, "Mål igjen i kveld."),
                advice(Yellow, Some(Direction::Below), Locale::Bokmal, "Drikk litt og hvil."),
                advice(Yellow, Some(Direction::Below), Locale::Nynorsk, "Drikk litt og kvil."),
            ],
            calls: vec![(Red, Call::Service), (Red, Call::Emergency113)],
            medicines: vec![
                Pointer {
                    colour: Yellow,
                    direction: Some(Direction::Above),
                    id: "diuretic".into(),
                    recheck_minutes: None,
                },
                Pointer { colour: Red, direction: None, id: "reliever".into(), recheck_minutes: None },
            ],
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

    /// A judged result as `(colour, [(code, direction)])`.
    type Seen = (Colour, Vec<(String, Option<Direction>)>);

    fn seen(j: &Judgement) -> Result<Seen, NotJudged> {
        match j {
            Judgement::Judged { colour, causes } => {
                Ok((*colour, causes.iter().map(|c| (c.code.clone(), c.direction)).collect()))
            }
            Judgement::NotJudged(reason) => Err(reason.clone()),
        }
    }

    fn judged(colour: Colour, causes: &[(&str, Option<Direction>)]) -> Result<Seen, NotJudged> {
        Ok((colour, causes.iter().map(|(c, d)| (c.to_string(), *d)).collect()))
    }

    #[test]
    fn table() {
        use Colour::*;
        use Direction::*;
        let cases: Vec<(&str, Vec<Judgeable>, Result<Seen, NotJudged>)> = vec![
            ("normal", bp(Some("120"), Some("80"), "mm[Hg]"), judged(Green, &[("8480-6", None), ("8462-4", None)])),
            (
                "band edge is inclusive",
                bp(Some("139"), Some("89"), "mm[Hg]"),
                judged(Green, &[("8480-6", None), ("8462-4", None)]),
            ),
            ("systolic yellow", bp(Some("140"), Some("80"), "mm[Hg]"), judged(Yellow, &[("8480-6", Some(Above))])),
            ("low systolic yellow", bp(Some("95"), Some("65"), "mm[Hg]"), judged(Yellow, &[("8480-6", Some(Below))])),
            ("diastolic decides", bp(Some("120"), Some("101"), "mm[Hg]"), judged(Red, &[("8462-4", Some(Above))])),
            (
                "both red",
                bp(Some("170"), Some("105"), "mm[Hg]"),
                judged(Red, &[("8480-6", Some(Above)), ("8462-4", Some(Above))]),
            ),
            ("very low systolic", bp(Some("85"), Some("60"), "mm[Hg]"), judged(Red, &[("8480-6", Some(Below))])),
            // 16.0/10.7 kPa = 120.0/80.3 mmHg; 21.5 kPa = 161.3 mmHg.
            (
                "kPa is converted",
                bp(Some("16.0"), Some("10.7"), "kPa"),
                judged(Green, &[("8480-6", None), ("8462-4", None)]),
            ),
            ("kPa red", bp(Some("21.5"), Some("10.7"), "kPa"), judged(Red, &[("8480-6", Some(Above))])),
            (
                "absent systolic: not judged",
                bp(None, Some("80"), "mm[Hg]"),
                Err(NotJudged::ValueAbsent { code: "8480-6".into() }),
            ),
            (
                "absent systolic but red diastolic: red",
                bp(None, Some("120"), "mm[Hg]"),
                judged(Red, &[("8462-4", Some(Above))]),
            ),
            (
                "gap between bands",
                bp(Some("139.5"), Some("80"), "mm[Hg]"),
                Err(NotJudged::OutsideBands { code: "8480-6".into() }),
            ),
            (
                "unknown unit",
                bp(Some("120"), Some("80"), "cm[H2O]"),
                Err(NotJudged::UnitMismatch { code: "8480-6".into(), unit: "cm[H2O]".into() }),
            ),
            (
                "spo2 yellow is below",
                vec![Judgeable { code: "2708-6", value: Some(d("90")), unit: "%" }],
                judged(Yellow, &[("2708-6", Some(Below))]),
            ),
            (
                "spo2 red",
                vec![Judgeable { code: "2708-6", value: Some(d("85")), unit: "%" }],
                judged(Red, &[("2708-6", Some(Below))]),
            ),
            (
                "no limits at all",
                vec![Judgeable { code: "8310-5", value: Some(d("37.0")), unit: "Cel" }],
                Err(NotJudged::NoLimits),
            ),
            (
                "weight in lb",
                vec![Judgeable { code: "29463-7", value: Some(d("154.00")), unit: "[lb_av]" }],
                judged(Green, &[("29463-7", None)]),
            ),
            (
                "weight outside its only band",
                vec![Judgeable { code: "29463-7", value: Some(d("85.000")), unit: "kg" }],
                Err(NotJudged::OutsideBands { code: "29463-7".into() }),
            ),
        ];
        for (name, values, expected) in cases {
            let j = judge_by("bp", &plan(), &values);
            assert_eq!(seen(&j), expected, "{name}");
            assert!(j.causes().iter().all(|c| c.activity == "bp" && c.rule == Rule::Band), "{name}");
        }
    }

    /// A direction the plan gives wins over the band's place; a band that
    /// straddles the green, or a code without green, has none.
    #[test]
    fn directions() {
        use Colour::*;
        let mut limits = vec![
            band("x", Green, Some("70"), Some("76"), "kg"),
            band("x", Yellow, Some("68"), Some("70"), "kg"),
            band("x", Yellow, Some("76"), Some("78"), "kg"),
            band("x", Red, Some("65"), Some("80"), "kg"),
            band("y", Red, Some("1"), None, "kg"),
            band("x", Red, Some("170"), None, "[lb_av]"),
        ];
        let expect = [None, Some(Direction::Below), Some(Direction::Above), None, None, Some(Direction::Above)];
        for (i, want) in expect.iter().enumerate() {
            assert_eq!(direction_of(&limits[i], &limits), *want, "limit {i}");
        }
        limits[3].direction = Some(Direction::Below);
        assert_eq!(direction_of(&limits[3], &limits), Some(Direction::Below));
    }

    /// The most specific advice, medicine and material apply: a direction's
    /// own where given, else the colour's.
    #[test]
    fn advice_and_medicines_by_direction() {
        use Colour::*;
        let p = plan();
        assert_eq!(
            p.advice_for(Yellow, Some(Direction::Below)).unwrap().get(crate::locale::Locale::Bokmal),
            "Drikk litt og hvil."
        );
        assert_eq!(
            p.advice_for(Yellow, Some(Direction::Below))
                .unwrap()
                .exactly(crate::locale::Locale::Nynorsk)
                .map(String::as_str),
            Some("Drikk litt og kvil.")
        );
        assert_eq!(
            p.advice_for(Yellow, Some(Direction::Above)).unwrap().get(crate::locale::Locale::Bokmal),
            "Mål igjen i kveld."
        );
        assert_eq!(p.advice_for(Yellow, None).unwrap().get(crate::locale::Locale::Bokmal), "Mål igjen i kveld.");
        assert_eq!(p.advice_for(Green, None), None);
        assert_eq!(p.medicines_for(Yellow, Some(Direction::Above)), ["diuretic"]);
        assert!(p.medicines_for(Yellow, Some(Direction::Below)).is_empty(), "a falling weight gets no diuretic");
        assert!(p.medicines_for(Yellow, None).is_empty());
        assert_eq!(p.medicines_for(Red, Some(Direction::Below)), ["reliever"]);
    }

    #[test]
    fn advice_and_calls_for_red() {
        let p = plan();
        let red = p.advice_for(Colour::Red, None).unwrap();
        assert_eq!(red.get(Locale::Nynorsk), "Ring oppfølgingstenesta no.");
        assert_eq!(
            red.shown(Locale::English),
            (Locale::Bokmal, &"Ring oppfølgingstjenesten nå.".to_string()),
            "falls back to nb"
        );
        assert_eq!(p.advice_for(Colour::Green, None), None);
        assert_eq!(p.calls(Colour::Red), vec![Call::Service, Call::Emergency113]);
        assert!(p.calls(Colour::Yellow).is_empty());
    }

    /// A borrowed value (the cuff's pulse judged by the plan's pulse
    /// limits) is judged when sent and left out when absent.
    #[test]
    fn borrowed_values() {
        use Colour::*;
        let own = plan();
        let pulse = TrafficLight {
            limits: vec![
                band("8867-4", Green, Some("50"), Some("100"), "/min"),
                band("8867-4", Red, None, Some("40"), "/min"),
            ],
            ..TrafficLight::default()
        };
        let rules = |code: &str| match code {
            "8867-4" => Some(Rules { activity: "pulse", light: &pulse, borrowed: true }),
            _ => Some(Rules { activity: "bp", light: &own, borrowed: false }),
        };
        let mut values = bp(Some("120"), Some("80"), "mm[Hg]");
        values.push(Judgeable { code: "8867-4", value: Some(d("38")), unit: "/min" });
        let j = judge(&values, &rules);
        assert_eq!(seen(&j), judged(Red, &[("8867-4", Some(Direction::Below))]));
        assert_eq!(j.causes()[0].activity, "pulse");
        values[3].value = None;
        assert_eq!(seen(&judge(&values, &rules)), judged(Green, &[("8480-6", None), ("8462-4", None)]));
        values[3].unit = "{beats}/min";
        values[3].value = Some(d("72"));
        assert_eq!(seen(&judge(&values, &rules)), judged(Green, &[("8480-6", None), ("8462-4", None)]), "another unit");
        // Outside every band (a gap between 40 and 50): never green by default.
        values[3] = Judgeable { code: "8867-4", value: Some(d("45")), unit: "/min" };
        assert_eq!(seen(&judge(&values, &rules)), Err(NotJudged::OutsideBands { code: "8867-4".into() }));
    }

    /// Worst wins; equal colours keep both causes; "not judged" is never
    /// hidden by green or yellow, and no limits hides nothing.
    #[test]
    fn worst_of_two() {
        use Colour::*;
        let cause = |code: &str| Cause { code: code.into(), activity: "a".into(), direction: None, rule: Rule::Band };
        let j = |colour, code: &str| Judgement::Judged { colour, causes: vec![cause(code)] };
        let absent = Judgement::NotJudged(NotJudged::ValueAbsent { code: "x".into() });
        let none = Judgement::NotJudged(NotJudged::NoLimits);
        assert_eq!(j(Green, "a").worst(j(Red, "b")), j(Red, "b"));
        assert_eq!(
            j(Yellow, "a").worst(j(Yellow, "b")),
            Judgement::Judged { colour: Yellow, causes: vec![cause("a"), cause("b")] }
        );
        assert_eq!(j(Yellow, "a").worst(absent.clone()), absent);
        assert_eq!(absent.clone().worst(j(Red, "b")), j(Red, "b"));
        assert_eq!(none.clone().worst(j(Green, "a")), j(Green, "a"));
        assert_eq!(none.clone().worst(none.clone()), none);
    }

    /// What is stored reads back as the same judgement.
    #[test]
    fn a_judgement_round_trips_through_json() {
        let j = judge_by("bp", &plan(), &bp(Some("95"), Some("65"), "mm[Hg]"));
        let back: Judgement = serde_json::from_str(&serde_json::to_string(&j).unwrap()).unwrap();
        assert_eq!(back, j);
        let n = Judgement::NotJudged(NotJudged::OutsideBands { code: "x".into() });
        assert_eq!(serde_json::from_str::<Judgement>(&serde_json::to_string(&n).unwrap()).unwrap(), n);
    }

    /// A share of the personal best is exact: 80 % of 400 L/min is 320,
    /// 52,5 % of 455 is 238,875, and what does not fit is refused.
    #[test]
    fn a_share_of_the_best_is_exact() {
        let cases = [("80", "400", Some("320")), ("52.5", "455", Some("238.875")), ("100", "2.85", Some("2.85"))];
        for (percent, best, want) in cases {
            let got = OfBest::share(d(percent), d(best)).map(|x| x.to_string());
            assert_eq!(got.as_deref(), want, "{percent} % of {best}");
        }
        assert_eq!(OfBest::share(Decimal::new(i32::MAX, 0), d("400")), None);
    }
}
