//! The traffic-light judgement as plain data: the colours ([`Colour`]), the
//! side of the patient's normal ([`Direction`]), why something was not
//! judged, and the [`Judgement`] itself with the [`Cause`]s — value,
//! activity, side and [`Rule`] — that set it. The store keeps it as it was
//! made; the traffic light and the judging module make it.

use serde::{Deserialize, Serialize};

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

/// Which side of the patient's normal a value is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Below,
    Above,
}

impl Direction {
    pub fn parse(text: &str) -> Option<Direction> {
        match text {
            "below" => Some(Direction::Below),
            "above" => Some(Direction::Above),
            _ => None,
        }
    }
}

/// Why a value or a reading was not judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum NotJudged {
    /// No plan had come from the service when it was recorded.
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

/// Which rule of the plan set a colour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "kebab-case")]
pub enum Rule {
    /// The value lies in one of the activity's bands.
    Band,
    /// The value changed by `change` (`unit`) over `days` days, from the
    /// reading of `from` (local date) to this one.
    Trend { change: String, unit: String, days: u16, from: String },
    /// The answer `value` (`true`, `false`, or a coding's code) to the
    /// questionnaire item `link_id` sets the colour.
    Answer {
        link_id: String,
        #[serde(default)]
        value: String,
    },
    /// The questionnaire's total score lies in one of the bands.
    Score,
}

/// A value (or answer) that gave the reading its colour, and the rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cause {
    /// The LOINC code of the value (or the score's code, or the item's linkId).
    pub code: String,
    /// The plan activity whose rule it is.
    pub activity: String,
    #[serde(default)]
    pub direction: Option<Direction>,
    #[serde(flatten)]
    pub rule: Rule,
}

/// A judged item the screens name: a stored reading or one answered
/// questionnaire, by its row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "item", rename_all = "kebab-case")]
pub enum ResultItem {
    Reading { id: i64 },
    Answers { id: i64 },
}

/// The result for one reading or answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum Judgement {
    Judged {
        colour: Colour,
        /// What gave the colour (e.g. systolic below its band for a red
        /// blood-pressure reading).
        causes: Vec<Cause>,
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

    /// The causes of a judged result (none when not judged).
    pub fn causes(&self) -> &[Cause] {
        match self {
            Judgement::Judged { causes, .. } => causes,
            Judgement::NotJudged(_) => &[],
        }
    }

    /// The worst of two judgements: red over anything; a judged colour
    /// over "not judged" only when it is red (never green by default).
    /// Equal colours keep the causes of both.
    pub fn worst(self, other: Judgement) -> Judgement {
        match (self, other) {
            (Judgement::Judged { colour: a, causes: mut ca }, Judgement::Judged { colour: b, causes: cb }) => {
                match a.cmp(&b) {
                    std::cmp::Ordering::Greater => Judgement::Judged { colour: a, causes: ca },
                    std::cmp::Ordering::Less => Judgement::Judged { colour: b, causes: cb },
                    std::cmp::Ordering::Equal => {
                        ca.extend(cb);
                        Judgement::Judged { colour: a, causes: ca }
                    }
                }
            }
            (j @ Judgement::Judged { colour: Colour::Red, .. }, _)
            | (_, j @ Judgement::Judged { colour: Colour::Red, .. }) => j,
            (Judgement::NotJudged(NotJudged::NoLimits), j) | (j, Judgement::NotJudged(NotJudged::NoLimits)) => j,
            (Judgement::NotJudged(reason), _) | (_, Judgement::NotJudged(reason)) => Judgement::NotJudged(reason),
        }
    }
}
