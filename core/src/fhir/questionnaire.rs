//! FHIR R4 `Questionnaire` in ([`parse`]; [`accept`] saves, [`load`] reads
//! back), `QuestionnaireResponse` out (a relative as a contained
//! `RelatedPerson`). Texts are in the resource's `language` (Bokmål when
//! it names none) with the others through the standard `translation`
//! extension on `_text`, `_title` and `_display` ([`super::translation`]);
//! scores through the `ordinalValue` extension on `answerOption` (or its
//! `valueCoding`); limits through `minValue`/`maxValue`/`maxLength`.

use jiff::{civil::Date, Timestamp};
use serde_json::{json, Value as Json};

use super::{
    array, str_at,
    translation::{base_language, text},
};

use crate::{
    error::{CoreError, ErrorCode},
    locale::Locale,
    questionnaire::{
        Answer, AnswerOption, Answers, EnableBehavior, EnableWhen, Item, ItemKind, Operator, Questionnaire, Text,
    },
    store::{Store, StoreError},
    vocabulary::{Decimal, EnteredBy, Recorder},
};

pub const ORDINAL_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
pub const MIN_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/minValue";
pub const MAX_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/maxValue";
/// The total score on a response.
pub use super::canonical::TOTAL_SCORE_EXTENSION;

fn invalid(path: &str, why: impl std::fmt::Display) -> CoreError {
    CoreError::new(ErrorCode::QuestionnaireInvalid, format!("{path}: {why}"))
}

fn extension<'a>(j: &'a Json, url: &str) -> Option<&'a Json> {
    array(j, "extension").iter().find(|e| str_at(e, "url") == Some(url))
}

fn number(j: &Json) -> Option<Decimal> {
    match j {
        Json::Number(n) => n.to_string().parse().ok(),
        _ => None,
    }
}

fn answer_value(j: &Json, path: &str) -> Result<Answer, CoreError> {
    for (key, value) in j.as_object().into_iter().flatten() {
        let Some(kind) = key.strip_prefix("answer").or_else(|| key.strip_prefix("value")) else { continue };
        return Ok(match kind {
            "Boolean" => Answer::Boolean(value.as_bool().ok_or_else(|| invalid(path, "not a boolean"))?),
            "Coding" => Answer::Coding {
                system: str_at(value, "system").map(str::to_string),
                code: str_at(value, "code").ok_or_else(|| invalid(path, "coding without code"))?.to_string(),
            },
            "Integer" => Answer::Integer(value.as_i64().ok_or_else(|| invalid(path, "not an integer"))?),
            "Decimal" => Answer::Decimal(number(value).ok_or_else(|| invalid(path, "not a decimal"))?),
            "String" => Answer::String(value.as_str().ok_or_else(|| invalid(path, "not a string"))?.to_string()),
            "Date" => {
                Answer::Date(value.as_str().and_then(|s| s.parse().ok()).ok_or_else(|| invalid(path, "not a date"))?)
            }
            other => return Err(invalid(path, format!("answer type {other} is not supported"))),
        });
    }
    Err(invalid(path, "no answer value"))
}

fn operator(code: &str, path: &str) -> Result<Operator, CoreError> {
    Ok(match code {
        "exists" => Operator::Exists,
        "=" => Operator::Equal,
        "!=" => Operator::NotEqual,
        ">" => Operator::Greater,
        "<" => Operator::Less,
        ">=" => Operator::GreaterOrEqual,
        "<=" => Operator::LessOrEqual,
        other => return Err(invalid(path, format!("unknown operator {other:?}"))),
    })
}

fn item(j: &Json, path: &str, base: Locale) -> Result<Item, CoreError> {
    let link_id = str_at(j, "linkId").ok_or_else(|| invalid(path, "linkId missing"))?.to_string();
    let path = format!("{path}[{link_id}]");
    let limit = |url: &str| extension(j, url);
    let kind = match str_at(j, "type").ok_or_else(|| invalid(&path, "type missing"))? {
        "group" => ItemKind::Group,
        "display" => ItemKind::Display,
        "boolean" => ItemKind::Boolean {
            score: extension(j, super::canonical::YES_SCORE_EXTENSION)
                .and_then(|e| e.get("valueDecimal"))
                .and_then(number),
        },
        "choice" => {
            let options = array(j, "answerOption")
                .iter()
                .map(|o| {
                    let coding =
                        o.get("valueCoding").ok_or_else(|| invalid(&path, "only valueCoding options are supported"))?;
                    let score = extension(o, ORDINAL_VALUE)
                        .or_else(|| extension(coding, ORDINAL_VALUE))
                        .and_then(|e| e.get("valueDecimal"))
                        .and_then(number);
                    Ok(AnswerOption {
                        system: str_at(coding, "system").map(str::to_string),
                        code: str_at(coding, "code").ok_or_else(|| invalid(&path, "option without code"))?.to_string(),
                        display: text(coding, "display", base)
                            .ok_or_else(|| invalid(&path, "option without display"))?,
                        score,
                    })
                })
                .collect::<Result<Vec<_>, CoreError>>()?;
            if options.is_empty() {
                return Err(invalid(&path, "choice without answerOption"));
            }
            ItemKind::Choice { options }
        }
        "integer" => ItemKind::Integer {
            min: limit(MIN_VALUE).and_then(|e| e.get("valueInteger")).and_then(Json::as_i64),
            max: limit(MAX_VALUE).and_then(|e| e.get("valueInteger")).and_then(Json::as_i64),
        },
        "decimal" => ItemKind::Decimal {
            min: limit(MIN_VALUE).and_then(|e| e.get("valueDecimal")).and_then(number),
            max: limit(MAX_VALUE).and_then(|e| e.get("valueDecimal")).and_then(number),
        },
        "string" | "text" => {
            ItemKind::String { max_length: j.get("maxLength").and_then(Json::as_u64).map(|n| n as usize) }
        }
        "date" => ItemKind::Date {
            min: limit(MIN_VALUE).and_then(|e| str_at(e, "valueDate")).and_then(|s| s.parse::<Date>().ok()),
            max: limit(MAX_VALUE).and_then(|e| str_at(e, "valueDate")).and_then(|s| s.parse::<Date>().ok()),
        },
        other => return Err(invalid(&path, format!("item type {other:?} is not supported"))),
    };
    let enable_when = array(j, "enableWhen")
        .iter()
        .map(|c| {
            let op = operator(str_at(c, "operator").unwrap_or(""), &path)?;
            Ok(EnableWhen {
                question: str_at(c, "question")
                    .ok_or_else(|| invalid(&path, "enableWhen without question"))?
                    .to_string(),
                operator: op,
                answer: answer_value(c, &path)?,
            })
        })
        .collect::<Result<Vec<_>, CoreError>>()?;
    let enable_behavior = match str_at(j, "enableBehavior") {
        None | Some("all") => EnableBehavior::All,
        Some("any") => EnableBehavior::Any,
        Some(other) => return Err(invalid(&path, format!("enableBehavior {other:?}"))),
    };
    if enable_when.len() > 1 && j.get("enableBehavior").is_none() {
        return Err(invalid(&path, "enableBehavior is required with more than one enableWhen"));
    }
    let items = array(j, "item").iter().map(|i| item(i, &path, base)).collect::<Result<Vec<_>, _>>()?;
    Ok(Item {
        link_id,
        text: text(j, "text", base).unwrap_or_else(|| Text::new(base, String::new())),
        kind,
        required: j.get("required").and_then(Json::as_bool).unwrap_or(false),
        enable_when,
        enable_behavior,
        items,
    })
}

/// Reads a Questionnaire; refuses what it cannot run, with a reason.
pub fn parse(j: &Json) -> Result<Questionnaire, CoreError> {
    if str_at(j, "resourceType") != Some("Questionnaire") {
        return Err(invalid("resourceType", "not a Questionnaire"));
    }
    super::within(j, super::CAPS).map_err(|why| invalid("Questionnaire", why))?;
    let id = str_at(j, "id").ok_or_else(|| invalid("Questionnaire.id", "missing"))?.to_string();
    let base = base_language(j);
    let q = Questionnaire {
        url: str_at(j, "url").map(str::to_string).unwrap_or_else(|| format!("Questionnaire/{id}")),
        title: text(j, "title", base).unwrap_or_else(|| Text::new(base, id.clone())),
        items: array(j, "item").iter().map(|i| item(i, "Questionnaire.item", base)).collect::<Result<Vec<_>, _>>()?,
        id,
    };
    let all = q.all_items();
    let mut ids: Vec<&str> = all.iter().map(|i| i.link_id.as_str()).collect();
    ids.sort();
    if ids.windows(2).any(|w| w[0] == w[1]) {
        return Err(invalid("Questionnaire.item", "duplicate linkId"));
    }
    for i in &all {
        for c in &i.enable_when {
            if !ids.contains(&c.question.as_str()) {
                return Err(invalid(&i.link_id, format!("enableWhen refers to unknown item {:?}", c.question)));
            }
        }
    }
    Ok(q)
}

fn answer_json(a: &Answer) -> Json {
    match a {
        Answer::Boolean(b) => json!({ "valueBoolean": b }),
        Answer::Coding { system, code } => match system {
            Some(s) => json!({ "valueCoding": { "system": s, "code": code } }),
            None => json!({ "valueCoding": { "code": code } }),
        },
        Answer::Integer(i) => json!({ "valueInteger": i }),
        Answer::Decimal(d) => json!({ "valueDecimal": super::observation::exact(*d) }),
        Answer::String(s) => json!({ "valueString": s }),
        Answer::Date(d) => json!({ "valueDate": d.to_string() }),
    }
}

/// Who answered, as `QuestionnaireResponse.source`/`author` say it.
pub struct Respondent<'a> {
    /// e.g. `Patient/123`, when known.
    pub patient: Option<&'a str>,
    /// Who answered: the patient, or a relative (by the service's
    /// reference when it knows them).
    pub by: &'a Recorder,
}

/// The `QuestionnaireResponse` for a complete set of answers (check them
/// with [`Questionnaire::check_complete`] first). Only enabled items'
/// answers are included; groups keep their structure.
pub fn response(
    q: &Questionnaire,
    answers: &Answers,
    authored: Timestamp,
    identifier: &str,
    who: &Respondent<'_>,
) -> Json {
    let effective = q.effective_answers(answers);
    fn items(list: &[Item], answers: &Answers) -> Vec<Json> {
        let mut out = vec![];
        for i in list {
            let children = items(&i.items, answers);
            let answer = answers.get(&i.link_id);
            if answer.is_none() && children.is_empty() {
                continue;
            }
            let mut o = serde_json::Map::new();
            o.insert("linkId".into(), json!(i.link_id));
            let words = i.text.original();
            if !words.is_empty() {
                o.insert("text".into(), json!(words));
            }
            if let Some(a) = answer {
                o.insert("answer".into(), json!([answer_json(a)]));
            }
            if !children.is_empty() {
                o.insert("item".into(), Json::Array(children));
            }
            out.push(Json::Object(o));
        }
        out
    }
    let mut r = serde_json::Map::new();
    r.insert("resourceType".into(), json!("QuestionnaireResponse"));
    r.insert("identifier".into(), json!({ "system": super::canonical::RESPONSE_IDENTIFIER, "value": identifier }));
    r.insert("questionnaire".into(), json!(q.url));
    r.insert("status".into(), json!("completed"));
    r.insert("authored".into(), json!(authored.to_string()));
    let relative = who.by.by == EnteredBy::Relative;
    if let Some(p) = who.patient {
        r.insert("subject".into(), json!({ "reference": p }));
        if !relative {
            r.insert("source".into(), json!({ "reference": p }));
        }
    }
    match (&who.by.relative, relative) {
        (Some(known), true) => {
            r.insert("author".into(), json!({ "reference": known }));
        }
        (None, true) => {
            r.insert("author".into(), json!({ "display": "Pårørende / relative" }));
        }
        _ => {}
    }
    if let Some(score) = q.score(answers) {
        r.insert(
            "extension".into(),
            json!([{ "url": TOTAL_SCORE_EXTENSION, "valueDecimal": super::observation::exact(score) }]),
        );
    }
    r.insert("item".into(), Json::Array(items(&q.items, &effective)));
    Json::Object(r)
}

/// Leaves a relative the service knew unnamed: `author` says only that a
/// relative answered (a reference from an earlier service's plan could
/// name someone else at this one).
pub fn forget_known_relative(resource: &mut Json) {
    if known_relative(&resource["author"]).is_some() {
        resource["author"] = json!({ "display": "Pårørende / relative" });
    }
}

/// A relative's reference as the app wrote it into `author` when the
/// service knows them (`RelatedPerson/<id>`).
pub fn known_relative(author: &Json) -> Option<String> {
    author["reference"].as_str().filter(|r| r.starts_with("RelatedPerson/")).map(str::to_string)
}

/// Reads, checks and saves a Questionnaire from the service; `false` when
/// this id and version were already saved.
pub fn accept(store: &Store, resource: &Json, now: Timestamp) -> Result<bool, CoreError> {
    if let Some(why) = super::translation::unspoken_language(resource) {
        return Err(invalid("Questionnaire", why));
    }
    let q = parse(resource)?;
    let version = resource["meta"]["versionId"].as_str().or(resource["version"].as_str()).unwrap_or("1");
    Ok(store.save_questionnaire(&q.id, version, Some(&q.url), &resource.to_string(), now)?)
}

/// The newest saved version of a questionnaire, read from the store.
pub fn load(store: &Store, id: &str) -> Result<Option<Questionnaire>, StoreError> {
    let Some(resource) = store.questionnaire_resource(id)? else { return Ok(None) };
    let json: Json = serde_json::from_str(&resource).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    parse(&json).map(Some).map_err(|e| StoreError::Corrupt(e.detail))
}

/// The newest saved version of the questionnaire with this canonical URL.
pub fn load_by_url(store: &Store, url: &str) -> Result<Option<Questionnaire>, StoreError> {
    let Some(resource) = store.questionnaire_resource_by_url(url)? else { return Ok(None) };
    let json: Json = serde_json::from_str(&resource).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    parse(&json).map(Some).map_err(|e| StoreError::Corrupt(e.detail))
}

/// A stored `QuestionnaireResponse` as it is sent and exported: with the
/// subject, its colour and judging plan (`plan`, a versioned reference),
/// and who answered — the patient, or a relative as a contained
/// `RelatedPerson`.
pub fn response_to_send(
    r: &crate::store::responses::StoredResponse,
    subject: Option<&str>,
    plan: Option<&str>,
) -> Json {
    let mut q = r.resource.clone();
    // The colour the answers got, and the plan version that judged them
    // (a QuestionnaireResponse has no `interpretation`).
    let mut extensions: Vec<Json> = q["extension"].as_array().cloned().unwrap_or_default();
    if let Some(concept) = super::observation::judgement_concept(&r.judgement) {
        extensions.push(json!({ "url": super::canonical::JUDGEMENT_EXTENSION, "valueCodeableConcept": concept }));
    }
    if let Some(plan) = plan {
        extensions.push(super::observation::judged_by(plan));
    }
    if !extensions.is_empty() {
        q["extension"] = Json::Array(extensions);
    }
    q["identifier"] = json!({ "system": super::canonical::RESPONSE_IDENTIFIER, "value": r.identifier });
    if let Some(s) = subject {
        q["subject"] = json!({ "reference": s });
        match r.entered_by {
            crate::vocabulary::EnteredBy::Patient => q["source"] = json!({ "reference": s }),
            crate::vocabulary::EnteredBy::Relative => match known_relative(&q["author"]) {
                // A relative the service knows is named by its reference.
                Some(known) => q["source"] = json!({ "reference": known }),
                None => {
                    q["contained"] = json!([super::observation::relative(s)]);
                    q["source"] = json!({ "reference": "#relative" });
                }
            },
            crate::vocabulary::EnteredBy::NurseTraining => {}
        }
    }
    q
}
