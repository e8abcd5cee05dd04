//! Questionnaires as plain data and the logic that runs them: which items
//! are enabled (`enableWhen` with every operator and `enableBehavior`), the
//! effective answers, the one-item-per-screen order, whether an answer is
//! allowed (type, min/max, options, length), whether the response is
//! complete (`required`), and the total score (sum of the chosen options'
//! ordinal values). [`crate::fhir::questionnaire`] reads FHIR
//! `Questionnaire` and writes `QuestionnaireResponse`.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

pub use crate::locale::Text;
use crate::{error::ErrorCode, vocabulary::Decimal};

/// One possible answer of a choice item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerOption {
    pub system: Option<String>,
    pub code: String,
    pub display: Text,
    /// Ordinal value used for the total score.
    pub score: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ItemKind {
    Group,
    Display,
    /// A yes/no question; `score`: what "yes" adds to the total score.
    Boolean {
        #[serde(default)]
        score: Option<Decimal>,
    },
    Choice {
        options: Vec<AnswerOption>,
    },
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    Decimal {
        min: Option<Decimal>,
        max: Option<Decimal>,
    },
    String {
        max_length: Option<usize>,
    },
    Date {
        min: Option<Date>,
        max: Option<Date>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operator {
    Exists,
    Equal,
    NotEqual,
    Greater,
    Less,
    GreaterOrEqual,
    LessOrEqual,
}

/// An answer value (also the value an `enableWhen` compares with).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "kebab-case")]
pub enum Answer {
    Boolean(bool),
    Coding { system: Option<String>, code: String },
    Integer(i64),
    Decimal(Decimal),
    String(String),
    Date(Date),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnableWhen {
    pub question: String,
    pub operator: Operator,
    /// For `Exists`: `Answer::Boolean(true)` means "is answered".
    pub answer: Answer,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EnableBehavior {
    #[default]
    All,
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub link_id: String,
    pub text: Text,
    pub kind: ItemKind,
    pub required: bool,
    pub enable_when: Vec<EnableWhen>,
    pub enable_behavior: EnableBehavior,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Questionnaire {
    pub id: String,
    /// Canonical URL, as `QuestionnaireResponse.questionnaire` names it.
    pub url: String,
    pub title: Text,
    pub items: Vec<Item>,
}

/// The patient's answers by `linkId`.
pub type Answers = BTreeMap<String, Answer>;

/// Why an answer or a response is not accepted. `code` is the UI's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerProblem {
    pub link_id: String,
    /// An `answer-…` code; the UI words it as `error-<code>`.
    pub code: ErrorCode,
}

/// An answer as a short word for a stored rule: `true`, `false`, a
/// coding's code, or the value as written.
pub fn answer_word(answer: &Answer) -> String {
    match answer {
        Answer::Boolean(b) => b.to_string(),
        Answer::Coding { code, .. } => code.clone(),
        Answer::Integer(i) => i.to_string(),
        Answer::Decimal(d) => d.to_string(),
        Answer::String(s) => s.clone(),
        Answer::Date(d) => d.to_string(),
    }
}

/// Whether an answer given is the answer a rule names (codings by code,
/// and by system where both have one).
pub fn same_answer(given: &Answer, wanted: &Answer) -> bool {
    compare(given, wanted) == Some(std::cmp::Ordering::Equal)
}

fn compare(given: &Answer, wanted: &Answer) -> Option<std::cmp::Ordering> {
    use Answer::*;
    match (given, wanted) {
        (Boolean(a), Boolean(b)) => Some(a.cmp(b)),
        (Coding { system: sa, code: a }, Coding { system: sb, code: b }) => {
            // Codings are only equal or not; a missing system on either side
            // matches on the code alone. "Not equal" is reported as Less.
            let same_system = sa.is_none() || sb.is_none() || sa == sb;
            Some(if same_system && a == b { std::cmp::Ordering::Equal } else { std::cmp::Ordering::Less })
        }
        (Integer(a), Integer(b)) => Some(a.cmp(b)),
        (Decimal(a), Decimal(b)) => a.to_f64().partial_cmp(&b.to_f64()),
        (Integer(a), Decimal(b)) => (*a as f64).partial_cmp(&b.to_f64()),
        (Decimal(a), Integer(b)) => a.to_f64().partial_cmp(&(*b as f64)),
        (String(a), String(b)) => Some(a.cmp(b)),
        (Date(a), Date(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

fn condition_holds(condition: &EnableWhen, answers: &Answers) -> bool {
    use std::cmp::Ordering::*;
    let given = answers.get(&condition.question);
    if condition.operator == Operator::Exists {
        let wanted = condition.answer != Answer::Boolean(false);
        return given.is_some() == wanted;
    }
    let Some(given) = given else { return false };
    let Some(order) = compare(given, &condition.answer) else { return false };
    match condition.operator {
        Operator::Equal => order == Equal,
        Operator::NotEqual => order != Equal,
        Operator::Greater => order == Greater,
        Operator::Less => order == Less,
        Operator::GreaterOrEqual => order != Less,
        Operator::LessOrEqual => order != Greater,
        Operator::Exists => unreachable!(),
    }
}

fn enabled_by(item: &Item, answers: &Answers) -> bool {
    if item.enable_when.is_empty() {
        return true;
    }
    let mut results = item.enable_when.iter().map(|c| condition_holds(c, answers));
    match item.enable_behavior {
        EnableBehavior::All => results.all(|r| r),
        EnableBehavior::Any => results.any(|r| r),
    }
}

impl Questionnaire {
    /// Every item in document order (groups before their children).
    pub fn all_items(&self) -> Vec<&Item> {
        fn walk<'a>(items: &'a [Item], out: &mut Vec<&'a Item>) {
            for item in items {
                out.push(item);
                walk(&item.items, out);
            }
        }
        let mut out = vec![];
        walk(&self.items, &mut out);
        out
    }

    pub fn item(&self, link_id: &str) -> Option<&Item> {
        self.all_items().into_iter().find(|i| i.link_id == link_id)
    }

    /// The answers that count: those of enabled items. An item inside a
    /// disabled group is disabled; an answer to a disabled item does not
    /// enable others. Repeats until nothing changes.
    pub fn effective_answers(&self, answers: &Answers) -> Answers {
        let mut current = answers.clone();
        for _ in 0..=self.all_items().len() {
            let enabled = self.enabled_link_ids(&current);
            let next: Answers =
                answers.iter().filter(|(k, _)| enabled.contains(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
            if next == current {
                break;
            }
            current = next;
        }
        current
    }

    fn enabled_link_ids(&self, answers: &Answers) -> Vec<String> {
        fn walk(items: &[Item], answers: &Answers, out: &mut Vec<String>) {
            for item in items {
                if enabled_by(item, answers) {
                    out.push(item.link_id.clone());
                    walk(&item.items, answers, out);
                }
            }
        }
        let mut out = vec![];
        walk(&self.items, answers, &mut out);
        out
    }

    /// The items to show one per screen, in order: enabled, not groups.
    pub fn screens(&self, answers: &Answers) -> Vec<&Item> {
        let effective = self.effective_answers(answers);
        let enabled = self.enabled_link_ids(&effective);
        self.all_items().into_iter().filter(|i| enabled.contains(&i.link_id) && i.kind != ItemKind::Group).collect()
    }

    /// Checks one answer against its item.
    pub fn check_answer(&self, link_id: &str, answer: &Answer) -> Result<(), AnswerProblem> {
        let problem = |code| Err(AnswerProblem { link_id: link_id.to_string(), code });
        let Some(item) = self.item(link_id) else { return problem(ErrorCode::AnswerUnknownItem) };
        match (&item.kind, answer) {
            (ItemKind::Boolean { .. }, Answer::Boolean(_)) => Ok(()),
            (ItemKind::Choice { options }, Answer::Coding { system, code }) => {
                if options.iter().any(|o| &o.code == code && (system.is_none() || o.system == *system)) {
                    Ok(())
                } else {
                    problem(ErrorCode::AnswerNotAnOption)
                }
            }
            (ItemKind::Integer { min, max }, Answer::Integer(v)) => {
                if min.is_some_and(|m| *v < m) {
                    problem(ErrorCode::AnswerTooLow)
                } else if max.is_some_and(|m| *v > m) {
                    problem(ErrorCode::AnswerTooHigh)
                } else {
                    Ok(())
                }
            }
            (ItemKind::Decimal { min, max }, Answer::Decimal(v)) => {
                if min.is_some_and(|m| v.to_f64() < m.to_f64()) {
                    problem(ErrorCode::AnswerTooLow)
                } else if max.is_some_and(|m| v.to_f64() > m.to_f64()) {
                    problem(ErrorCode::AnswerTooHigh)
                } else {
                    Ok(())
                }
            }
            (ItemKind::String { max_length }, Answer::String(s)) => {
                if max_length.is_some_and(|m| s.chars().count() > m) {
                    problem(ErrorCode::AnswerTooLong)
                } else {
                    Ok(())
                }
            }
            (ItemKind::Date { min, max }, Answer::Date(d)) => {
                if min.is_some_and(|m| *d < m) {
                    problem(ErrorCode::AnswerTooLow)
                } else if max.is_some_and(|m| *d > m) {
                    problem(ErrorCode::AnswerTooHigh)
                } else {
                    Ok(())
                }
            }
            _ => problem(ErrorCode::AnswerWrongType),
        }
    }

    /// Every problem with a response before it is sent: bad answers,
    /// answers to items that are not enabled, and required items left
    /// unanswered.
    pub fn check_complete(&self, answers: &Answers) -> Result<(), Vec<AnswerProblem>> {
        let mut problems = vec![];
        for (link_id, answer) in answers {
            if let Err(p) = self.check_answer(link_id, answer) {
                problems.push(p);
            }
        }
        let effective = self.effective_answers(answers);
        for link_id in answers.keys().filter(|k| !effective.contains_key(*k)) {
            if self.item(link_id).is_some() {
                problems.push(AnswerProblem { link_id: link_id.clone(), code: ErrorCode::AnswerNotEnabled });
            }
        }
        for item in self.screens(answers) {
            let answerable = !matches!(item.kind, ItemKind::Display | ItemKind::Group);
            if item.required && answerable && !effective.contains_key(&item.link_id) {
                problems.push(AnswerProblem { link_id: item.link_id.clone(), code: ErrorCode::AnswerRequired });
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// Sum of the ordinal values of the chosen options, and of the "yes"
    /// scores of yes/no items answered yes, among enabled items; `None`
    /// when the questionnaire scores nothing.
    pub fn score(&self, answers: &Answers) -> Option<Decimal> {
        let effective = self.effective_answers(answers);
        let mut scored = false;
        let mut total = 0.0f64;
        let mut decimals = 0u32;
        for item in self.all_items() {
            let given = match &item.kind {
                ItemKind::Choice { options } if options.iter().any(|o| o.score.is_some()) => {
                    scored = true;
                    match effective.get(&item.link_id) {
                        Some(Answer::Coding { code, .. }) => {
                            options.iter().find(|o| &o.code == code).and_then(|o| o.score)
                        }
                        _ => None,
                    }
                }
                ItemKind::Boolean { score: Some(yes) } => {
                    scored = true;
                    (effective.get(&item.link_id) == Some(&Answer::Boolean(true))).then_some(*yes)
                }
                _ => None,
            };
            if let Some(s) = given {
                total += s.to_f64();
                decimals = decimals.max(s.decimals());
            }
        }
        scored.then(|| {
            let scale = 10f64.powi(decimals as i32);
            Decimal::new((total * scale).round() as i32, -(decimals as i8))
        })
    }
}
