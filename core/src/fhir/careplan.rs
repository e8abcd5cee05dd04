//! Reads the self-care plan from a FHIR R4 `CarePlan` (profile and example:
//! `docs/careplan-profile.md`) and refuses a plan it cannot understand, with
//! a reason, so the plan in force stays. [`accept`] saves a plan it could
//! read; [`in_force`] reads the plan in force back, [`saved_version`] a
//! saved version.

use jiff::{tz::TimeZone, Timestamp};
use serde_json::Value as Json;

use super::{
    array,
    careplan_parts::{self as parts, date_time, decimal, invalid},
    str_at, translation,
};

use crate::{
    error::CoreError,
    locale::{Locale, Text},
    material::blocks,
    plan::{Activity, ActivityKind, CarePlan, Phase, ServiceContact, Timing},
    questionnaire::Answer,
    store::{plans::PlanUpdate, Store, StoreError},
    traffic_light::{Advice, AnswerRule, Call, Colour, Direction, Limit, OfBest, Pointer, TrafficLight, TrendRule},
    vocabulary::{loinc, Decimal, MeasurementKind},
};

/// Extension giving an activity its stable id (else its position is used).
pub use super::canonical::ACTIVITY_ID_EXTENSION;
/// The service's reminder text (`valueString`, at most
/// [`REMINDER_TEXT_MAX`] characters on one line).
pub use super::canonical::REMINDER_TEXT_EXTENSION;
/// Extension holding an activity's traffic-light limits, advice and calls.
pub use super::canonical::TRAFFIC_LIGHT_EXTENSION;
pub const REMINDER_TEXT_MAX: usize = 80;

fn timing(detail: &Json, path: &str) -> Result<Timing, CoreError> {
    match detail.get("scheduledTiming") {
        None => Ok(Timing::WhenNeeded),
        Some(t) => parts::timing(t, path),
    }
}

fn sub<'a>(ext: &'a Json, url: &str) -> impl Iterator<Item = &'a Json> + 'a {
    let url = url.to_string();
    array(ext, "extension").iter().filter(move |e| str_at(e, "url") == Some(url.as_str()))
}

/// The `key` value (`valueCoding`, `valueRange` …) of the sub-extension
/// `name`; missing: the plan is refused naming it.
fn part<'a>(ext: &'a Json, name: &str, key: &str, path: &str) -> Result<&'a Json, CoreError> {
    sub(ext, name).next().and_then(|e| e.get(key)).ok_or_else(|| invalid(path, format!("{name} missing")))
}

/// The code of the sub-extension `code`'s `valueCoding` (a LOINC code).
fn loinc_code<'a>(ext: &'a Json, path: &str) -> Result<&'a str, CoreError> {
    str_at(part(ext, "code", "valueCoding", path)?, "code").ok_or_else(|| invalid(path, "code missing"))
}

fn colour(ext: &Json, path: &str) -> Result<Colour, CoreError> {
    let code = sub(ext, "colour")
        .next()
        .and_then(|e| str_at(e, "valueCode"))
        .ok_or_else(|| invalid(path, "colour missing"))?;
    Colour::parse(code).ok_or_else(|| invalid(path, format!("unknown colour {code:?}")))
}

/// The optional `direction` sub-extension (`below` or `above`).
fn direction(ext: &Json, path: &str) -> Result<Option<Direction>, CoreError> {
    let Some(code) = sub(ext, "direction").next() else { return Ok(None) };
    let code = str_at(code, "valueCode").unwrap_or_default();
    Direction::parse(code).map(Some).ok_or_else(|| invalid(path, format!("unknown direction {code:?}")))
}

/// A colour's text in one language (`advice`, `next`).
fn localised(ext: &Json, path: &str) -> Result<Advice, CoreError> {
    let (locale, text) = language_text(ext, path)?;
    Ok(Advice { colour: colour(ext, path)?, direction: direction(ext, path)?, locale, text })
}

/// A text's `language` and `text` sub-extensions.
fn language_text(ext: &Json, path: &str) -> Result<(Locale, String), CoreError> {
    let tag = sub(ext, "language")
        .next()
        .and_then(|e| str_at(e, "valueCode"))
        .ok_or_else(|| invalid(path, "language missing"))?;
    let text =
        sub(ext, "text").next().and_then(|e| str_at(e, "valueString")).ok_or_else(|| invalid(path, "text missing"))?;
    let locale = Locale::from_tag(tag).map_err(|_| invalid(path, format!("unknown language {tag:?}")))?;
    Ok((locale, text.to_string()))
}

/// Codes whose bands in `%` can only mean a share of the personal best.
const NEEDS_A_BEST: [&str; 2] = [loinc::PEAK_FLOW, loinc::FEV1];

/// The `best` sub-extensions: the patient's personal best per code
/// (`code` peak flow or FEV1, `value` in L/min or L within what a meter
/// shows), at most one per code.
fn personal_bests(ext: &Json, path: &str) -> Result<Vec<(String, Decimal, String)>, CoreError> {
    let mut out: Vec<(String, Decimal, String)> = vec![];
    for (i, best) in sub(ext, "best").enumerate() {
        let path = format!("{path}.best[{i}]");
        let code = loinc_code(best, &path)?;
        let value = part(best, "value", "valueQuantity", &path)?;
        let unit = str_at(value, "code").ok_or_else(|| invalid(&path, "value has no UCUM code"))?;
        let amount = decimal(value.get("value").unwrap_or(&Json::Null), &format!("{path}.value"))?;
        // Only lung function has a personal best, in the unit it is
        // typed in and within what a meter can show: a best on another
        // code, in L/s, or a typo (40 for 400) refuses the plan.
        let Some(kind) = MeasurementKind::from_loinc(code).filter(|_| NEEDS_A_BEST.contains(&code)) else {
            return Err(invalid(&path, format!("a best for {code}: only peak flow and FEV1 have one")));
        };
        let field = crate::manual::fields(kind)[0];
        let best = amount.to_f64();
        if unit != field.unit || best < field.min || best > field.max {
            return Err(invalid(
                &path,
                format!("a best must be in {} from {} to {} (not a percentage)", field.unit, field.min, field.max),
            ));
        }
        if out.iter().any(|(c, _, _)| c == code) {
            return Err(invalid(&path, "two bests for one code"));
        }
        out.push((code.to_string(), amount, unit.to_string()));
    }
    Ok(out)
}

/// The bands of a code with any band in % of the best must meet edge to
/// edge ("gul 50–80 %, grønn fra 80 %"), whatever unit each was given in:
/// a reading is rarely a whole percentage, so "79 %" and "80 %" would
/// leave readings between them in no band, not judged. (Below the lowest
/// or above the highest band is the plan's choice, as for any code.)
fn no_gap_in_shares_of_the_best(limits: &[Limit], path: &str) -> Result<(), CoreError> {
    let mut codes: Vec<&str> = limits.iter().filter(|l| l.of_best.is_some()).map(|l| l.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    for code in codes {
        // In the reading's unit, as judged (the % bands already converted).
        let mut ends: Vec<(f64, f64)> = limits
            .iter()
            .filter(|l| l.code == code)
            .map(|l| (l.low.map_or(f64::NEG_INFINITY, |d| d.to_f64()), l.high.map_or(f64::INFINITY, |d| d.to_f64())))
            .collect();
        ends.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut reach = ends[0].1;
        for (low, high) in &ends[1..] {
            if *low > reach {
                return Err(invalid(path, format!("the bands for {code} leave a gap from {reach} to {low}")));
            }
            reach = reach.max(*high);
        }
    }
    Ok(())
}

fn traffic_light(activity: &Json, path: &str) -> Result<TrafficLight, CoreError> {
    let mut out = TrafficLight::default();
    for ext in array(activity, "extension")
        .iter()
        .filter(|e| str_at(e, "url").is_some_and(|u| super::canonical::is(u, TRAFFIC_LIGHT_EXTENSION)))
    {
        let bests = personal_bests(ext, path)?;
        for (i, limit) in sub(ext, "limit").enumerate() {
            let path = format!("{path}.limit[{i}]");
            let code = loinc_code(limit, &path)?;
            let range = part(limit, "range", "valueRange", &path)?;
            let mut unit: Option<&str> = None;
            let mut end = |key: &str| -> Result<Option<Decimal>, CoreError> {
                let Some(q) = range.get(key) else { return Ok(None) };
                let u = str_at(q, "code").ok_or_else(|| invalid(&path, format!("{key} has no UCUM code")))?;
                if unit.is_some_and(|seen| seen != u) {
                    return Err(invalid(&path, "low and high in different units"));
                }
                unit = Some(u);
                Ok(Some(decimal(q.get("value").unwrap_or(&Json::Null), &format!("{path}.{key}"))?))
            };
            let (low, high) = (end("low")?, end("high")?);
            if low.is_none() && high.is_none() {
                return Err(invalid(&path, "range with neither low nor high"));
            }
            if let (Some(l), Some(h)) = (low, high) {
                if l.to_f64() > h.to_f64() {
                    return Err(invalid(&path, "low above high"));
                }
            }
            let mut unit = unit.unwrap_or_default().to_string();
            let (mut low, mut high, mut of_best) = (low, high, None);
            let best = bests.iter().find(|(c, _, _)| c == code);
            if unit == "%" {
                if let Some((_, best, best_unit)) = best {
                    let share = |end: Option<Decimal>| -> Result<Option<Decimal>, CoreError> {
                        end.map(|p| {
                            OfBest::share(p, *best).ok_or_else(|| invalid(&path, "share of the best too large"))
                        })
                        .transpose()
                    };
                    of_best = Some(OfBest { low, high, best: *best });
                    (low, high) = (share(low)?, share(high)?);
                    unit = best_unit.clone();
                } else if NEEDS_A_BEST.contains(&code) {
                    return Err(invalid(&path, "a band in % of the personal best, but no best for its code"));
                }
            }
            out.limits.push(Limit {
                code: code.to_string(),
                colour: colour(limit, &path)?,
                low,
                high,
                unit,
                direction: direction(limit, &path)?,
                of_best,
            });
        }
        for (i, advice) in sub(ext, "advice").enumerate() {
            out.advice.push(localised(advice, &format!("{path}.advice[{i}]"))?);
        }
        for (i, next) in sub(ext, "next").enumerate() {
            let path = format!("{path}.next[{i}]");
            out.next.push(localised(next, &path)?);
        }
        for (i, advice) in sub(ext, "advice").enumerate() {
            if let Some(reference) = sub(advice, "material").next().and_then(|e| e.get("valueReference")) {
                let id = str_at(reference, "reference").and_then(|r| r.strip_prefix('#'));
                let id =
                    id.ok_or_else(|| invalid(&format!("{path}.advice[{i}].material"), "must be a local reference"))?;
                out.material.push(Pointer {
                    colour: colour(advice, path)?,
                    direction: direction(advice, path)?,
                    id: id.to_string(),
                    recheck_minutes: None,
                });
            }
        }
        for (i, trend) in sub(ext, "trend").enumerate() {
            let path = format!("{path}.trend[{i}]");
            let code = loinc_code(trend, &path)?;
            let change = part(trend, "change", "valueQuantity", &path)?;
            let unit = str_at(change, "code").ok_or_else(|| invalid(&path, "change has no UCUM code"))?;
            let amount = decimal(change.get("value").unwrap_or(&Json::Null), &format!("{path}.change"))?;
            if amount.to_f64() <= 0.0 {
                return Err(invalid(&path, "change must be above zero"));
            }
            let days = sub(trend, "days")
                .next()
                .and_then(|e| e.get("valueInteger"))
                .and_then(Json::as_u64)
                .and_then(|d| u16::try_from(d).ok())
                .filter(|d| (1..=31).contains(d))
                .ok_or_else(|| invalid(&path, "days must be a whole number from 1 to 31"))?;
            out.trends.push(TrendRule {
                code: code.to_string(),
                colour: colour(trend, &path)?,
                direction: direction(trend, &path)?,
                change: amount,
                unit: unit.to_string(),
                days,
            });
        }
        for (i, rule) in sub(ext, "answer").enumerate() {
            let path = format!("{path}.answer[{i}]");
            let link_id = sub(rule, "item")
                .next()
                .and_then(|e| str_at(e, "valueString"))
                .ok_or_else(|| invalid(&path, "item (the linkId) missing"))?;
            let value = sub(rule, "value").next().ok_or_else(|| invalid(&path, "value missing"))?;
            let answer = if let Some(b) = value.get("valueBoolean").and_then(Json::as_bool) {
                Answer::Boolean(b)
            } else if let Some(c) = value.get("valueCoding") {
                Answer::Coding {
                    system: str_at(c, "system").map(str::to_string),
                    code: str_at(c, "code").ok_or_else(|| invalid(&path, "valueCoding has no code"))?.to_string(),
                }
            } else {
                return Err(invalid(&path, "value must be valueBoolean or valueCoding"));
            };
            // The answer's own advice, per language (Bokmål required).
            let texts = sub(rule, "advice")
                .enumerate()
                .map(|(j, a)| language_text(a, &format!("{path}.advice[{j}]")))
                .collect::<Result<Vec<_>, _>>()?;
            let mut advice: Option<Text> = None;
            for (locale, text) in texts.iter().filter(|(l, _)| *l == Locale::Bokmal).chain(&texts) {
                match &mut advice {
                    None if *locale != Locale::Bokmal => return Err(invalid(&path, "advice without Bokmål")),
                    None => advice = Some(Text::new(*locale, text.clone())),
                    Some(a) if a.exactly(*locale).is_none() => a.set(*locale, text.clone()),
                    Some(_) => {}
                }
            }
            out.answers.push(AnswerRule { link_id: link_id.to_string(), answer, colour: colour(rule, &path)?, advice });
        }
        for (i, medicine) in sub(ext, "medicine").enumerate() {
            let path = format!("{path}.medicine[{i}]");
            let id = sub(medicine, "medication")
                .next()
                .and_then(|e| e.get("valueReference"))
                .and_then(|r| str_at(r, "reference"))
                .and_then(|r| r.strip_prefix('#'))
                .ok_or_else(|| invalid(&path, "medication must be a local reference"))?;
            // "Mål igjen i morgen": a Duration in UCUM min, h or d, from an
            // hour to a week.
            let recheck_minutes = match sub(medicine, "recheck").next() {
                None => None,
                Some(e) => {
                    let units = [("min", 1), ("h", 60), ("d", 24 * 60)];
                    let minutes = parts::duration_minutes(e, "recheck", &units, &path)?;
                    let minutes = minutes.filter(|m| (60..=7 * 24 * 60).contains(m));
                    Some(minutes.ok_or_else(|| invalid(&path, "recheck must be whole, from 1 hour to 7 days"))? as u32)
                }
            };
            out.medicines.push(Pointer {
                colour: colour(medicine, &path)?,
                direction: direction(medicine, &path)?,
                id: id.to_string(),
                recheck_minutes,
            });
        }
        for (i, call) in sub(ext, "call").enumerate() {
            let path = format!("{path}.call[{i}]");
            let whom = match sub(call, "whom").next().and_then(|e| str_at(e, "valueCode")) {
                Some("service") => Call::Service,
                Some("emergency-113") => Call::Emergency113,
                other => return Err(invalid(&path, format!("unknown whom {other:?}"))),
            };
            out.calls.push((colour(call, &path)?, whom));
        }
    }
    no_gap_in_shares_of_the_best(&out.limits, path)?;
    // Every colour a rule can give has Bokmål advice, for its direction
    // or for the colour on either side; and a direction's own texts have
    // Bokmål too.
    let mut needed: Vec<(Colour, Option<Direction>)> = vec![];
    for l in &out.limits {
        needed.push((l.colour, crate::traffic_light::direction_of(l, &out.limits)));
    }
    for t in &out.trends {
        match t.direction {
            Some(d) => needed.push((t.colour, Some(d))),
            None => needed.extend([(t.colour, Some(Direction::Below)), (t.colour, Some(Direction::Above))]),
        }
    }
    needed.extend(out.answers.iter().map(|a| (a.colour, None)));
    let has_nb = |list: &[Advice], c: Colour, d: Option<Direction>| {
        list.iter().any(|a| a.colour == c && a.direction == d && a.locale == Locale::Bokmal)
    };
    for (colour, direction) in needed {
        let covered =
            direction.is_some_and(|d| has_nb(&out.advice, colour, Some(d))) || has_nb(&out.advice, colour, None);
        if !covered {
            let side = direction.map_or(String::new(), |d| format!(" ({d:?})").to_lowercase());
            return Err(invalid(path, format!("limits for {}{side} but no Bokmål advice", colour.as_str())));
        }
    }
    for list in [&out.advice, &out.next] {
        for a in list.iter().filter(|a| a.direction.is_some()) {
            if !has_nb(list, a.colour, a.direction) {
                return Err(invalid(path, format!("{} text for a direction without Bokmål", a.colour.as_str())));
            }
        }
    }
    Ok(out)
}

/// HL7's media types: `image` in an activity's `detail.code` asks for a photo.
pub const MEDIA_TYPE: &str = "http://terminology.hl7.org/CodeSystem/media-type";

/// The longest title of a photo activity, in characters.
pub const MOST_PHOTO_TITLE_CHARS: usize = 120;

/// A photo activity's title (`detail.code.text`), when `detail.code` is
/// the media type `image`; a photo activity without a title, or with an
/// over-long one, is refused.
fn photo_title(detail: &Json, path: &str, base: Locale) -> Result<Option<Text>, CoreError> {
    let code = detail.get("code").unwrap_or(&Json::Null);
    let is_photo = array(code, "coding")
        .iter()
        .any(|c| str_at(c, "system") == Some(MEDIA_TYPE) && str_at(c, "code") == Some("image"));
    if !is_photo {
        return Ok(None);
    }
    let fits = |t: &String| t.chars().count() <= MOST_PHOTO_TITLE_CHARS;
    match translation::text(code, "text", base) {
        // A translation that does not fit is left out, never the plan.
        Some(mut t) if fits(t.original()) => {
            t.retain_translations(fits);
            Ok(Some(t))
        }
        _ => Err(invalid(path, "a photo activity needs detail.code.text, at most 120 characters")),
    }
}

fn activity(a: &Json, index: usize, base: Locale) -> Result<Activity, CoreError> {
    let path = format!("CarePlan.activity[{index}]");
    let detail = a.get("detail").ok_or_else(|| invalid(&path, "only activity.detail is supported"))?;
    let id = array(a, "extension")
        .iter()
        .find(|e| str_at(e, "url").is_some_and(|u| super::canonical::is(u, ACTIVITY_ID_EXTENSION)))
        .and_then(|e| str_at(e, "valueId"))
        .map(str::to_string)
        .unwrap_or_else(|| format!("activity-{index}"));
    // An `id` has no `:` (FHIR's id type); a dose schedule's activity
    // (`dose:<medicine>`) is never taken for one of the plan's.
    if id.starts_with(crate::plan::DOSE_PREFIX) || id.contains(':') {
        return Err(invalid(&path, "an activity id is letters, digits, '-' and '.'"));
    }
    let kind = if let Some(canonical) = array(detail, "instantiatesCanonical").first().and_then(Json::as_str) {
        // `Questionnaire/x`, `https://…/Questionnaire/x|1` or `urn:…:x`: the last segment.
        let without_version = canonical.split('|').next().unwrap_or("");
        let id = without_version.trim_end_matches('/').rsplit(['/', ':']).next().unwrap_or("");
        if id.is_empty() {
            return Err(invalid(&path, "empty questionnaire reference"));
        }
        ActivityKind::Questionnaire { questionnaire: id.to_string() }
    } else if let Some(title) = photo_title(detail, &path, base)? {
        ActivityKind::Photo { title }
    } else {
        let coding = array(detail.get("code").unwrap_or(&Json::Null), "coding");
        let loinc = coding
            .iter()
            .find(|c| str_at(c, "system") == Some("http://loinc.org"))
            .and_then(|c| str_at(c, "code"))
            .ok_or_else(|| invalid(&path, "detail.code has no LOINC coding"))?;
        let measurement = MeasurementKind::from_loinc(loinc)
            .ok_or_else(|| invalid(&path, format!("LOINC {loinc} is not a reading the app can take")))?;
        ActivityKind::Measure { measurement }
    };
    Ok(Activity {
        id,
        kind,
        timing: timing(detail, &path)?,
        traffic_light: traffic_light(a, &path)?,
        description: translation::text(detail, "description", base).map(|t| t.map(|words| blocks(words))),
    })
}

/// How many plans were read from FHIR in this process (the idle-hour
/// measurement counts them: a plan version is read once).
static PARSES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many plans were read from FHIR in this process so far.
pub fn parse_count() -> u64 {
    PARSES.load(std::sync::atomic::Ordering::Relaxed)
}

/// Parses and validates a CarePlan. `tz` places times without an offset.
pub fn parse(careplan: &Json, tz: &TimeZone) -> Result<CarePlan, CoreError> {
    PARSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    if str_at(careplan, "resourceType") != Some("CarePlan") {
        return Err(invalid("resourceType", "not a CarePlan"));
    }
    super::within(careplan, super::CAPS).map_err(|why| invalid("CarePlan", why))?;
    let phase = parts::phase(careplan, tz)?;
    let id = str_at(careplan, "id").ok_or_else(|| invalid("CarePlan.id", "missing"))?.to_string();
    let version = match careplan.get("meta").and_then(|m| str_at(m, "versionId")) {
        None => 1,
        Some(v) => v.parse().map_err(|_| invalid("CarePlan.meta.versionId", format!("{v:?} is not a whole number")))?,
    };
    let start = careplan
        .get("period")
        .and_then(|p| str_at(p, "start"))
        .ok_or_else(|| invalid("CarePlan.period.start", "missing"))?;
    let valid_from = date_time(start, tz, "CarePlan.period.start")?;
    let author = careplan.get("author").and_then(|a| str_at(a, "reference")).unwrap_or("");
    let organisation = array(careplan, "contained")
        .iter()
        .find(|c| {
            str_at(c, "resourceType") == Some("Organization")
                && Some(author) == str_at(c, "id").map(|id| format!("#{id}")).as_deref()
        })
        .ok_or_else(|| invalid("CarePlan.author", "must reference a contained Organization (the follow-up service)"))?;
    let phone = array(organisation, "telecom")
        .iter()
        .find(|t| str_at(t, "system") == Some("phone"))
        .and_then(|t| str_at(t, "value"))
        .ok_or_else(|| invalid("Organization.telecom", "no phone number"))?;
    let base = translation::base_language(careplan);
    let (hours, out_of_hours) = parts::services(careplan, tz, base)?;
    let (team, relatives) = parts::team(careplan, base)?;
    let service = ServiceContact {
        name: str_at(organisation, "name").ok_or_else(|| invalid("Organization.name", "missing"))?.to_string(),
        phone: phone.to_string(),
        hours,
        out_of_hours,
    };
    // A medicine is an activity by `reference`; the rest are `detail`s.
    let activities = array(careplan, "activity")
        .iter()
        .enumerate()
        .filter(|(_, a)| a.get("reference").is_none())
        .map(|(i, a)| activity(a, i, base))
        .collect::<Result<Vec<_>, _>>()?;
    if activities.is_empty() && matches!(phase, Phase::Active { .. } | Phase::Trial { .. }) {
        return Err(invalid("CarePlan.activity", "no activities"));
    }
    let mut ids: Vec<&str> = activities.iter().map(|a| a.id.as_str()).collect();
    ids.sort();
    if ids.windows(2).any(|w| w[0] == w[1]) {
        return Err(invalid("CarePlan.activity", "two activities share an id"));
    }
    let reminder_text = array(careplan, "extension")
        .iter()
        .find(|e| str_at(e, "url").is_some_and(|u| super::canonical::is(u, REMINDER_TEXT_EXTENSION)))
        .map(|e| {
            let one_line = |t: &String| t.chars().count() <= REMINDER_TEXT_MAX && !t.contains(['\n', '\r']);
            match translation::text(e, "valueString", base) {
                // A translation that breaks the rule is left out, never the plan.
                Some(mut text) if one_line(text.original()) => {
                    text.retain_translations(one_line);
                    Ok(text)
                }
                _ => Err(invalid("CarePlan.extension[reminder-text]", "one line of 1 to 80 characters")),
            }
        })
        .transpose()?;
    let medicines = parts::medicines(careplan, base)?;
    // A colour's medicine for another colour than the medicine's own is a
    // contradiction: refused. One the plan no longer carries, or no longer
    // uses (stopped), is simply not shown — a plan that drops a medicine
    // must not be refused for it, or the old plan would stay in force.
    let mut activities = activities;
    for a in &mut activities {
        for p in &a.traffic_light.medicines {
            if medicines.iter().any(|m| m.id == p.id && m.colour.is_some_and(|c| c != p.colour)) {
                return Err(invalid(
                    &format!("activity {}", a.id),
                    format!("medicine #{} is for another colour", p.id),
                ));
            }
        }
        a.traffic_light.medicines.retain(|p| medicines.iter().any(|m| m.id == p.id));
    }
    Ok(CarePlan {
        id,
        version,
        valid_from,
        title: translation::text(careplan, "title", base),
        description: translation::text(careplan, "description", base),
        goals: parts::goals(careplan, base)?,
        service,
        team,
        relatives,
        medicines,
        material: parts::material(careplan, base)?,
        phase,
        activities,
        reminder_text,
        reminders: parts::reminder_policy(careplan)?,
    })
}

/// Reads, checks and saves a CarePlan from the service. On error nothing
/// changes and the refusal is written to the store's audit trail (the
/// reason names fields, never values about the patient).
pub fn accept(store: &Store, resource: &Json, now: Timestamp, tz: &TimeZone) -> Result<PlanUpdate, CoreError> {
    let spoken = match translation::unspoken_language(resource) {
        Some(why) => Err(invalid("CarePlan", why)),
        None => Ok(()),
    };
    let plan = match spoken.and_then(|()| parse(resource, tz)) {
        Ok(plan) => plan,
        Err(error) => {
            store.audit(now, "down", "plan-refused", None, Some(&error.detail))?;
            return Err(error);
        }
    };
    Ok(store.save_plan(&plan.id, &plan.version.to_string(), plan.valid_from, &resource.to_string(), now)?)
}

/// Whether the plan `resource` (as received) names `relative`
/// (`RelatedPerson/<id>`) among its care team's relatives.
pub fn names_relative(resource: &str, relative: &str) -> bool {
    serde_json::from_str::<Json>(resource).is_ok_and(|plan| {
        let team = parts::team(&plan, translation::base_language(&plan)).ok();
        team.is_some_and(|(_, relatives)| relatives.iter().any(|known| known.reference == relative))
    })
}

/// Whom the patient's messages go to: the author of the plan in force at
/// `at` (the follow-up service) — its reference when the plan names an
/// outside resource, else the contained organisation's name.
pub fn message_recipient(store: &Store, at: Timestamp) -> Result<Option<Json>, StoreError> {
    let Some((_, resource)) = store.plan_resource_in_force(at)? else { return Ok(None) };
    let plan: Json = serde_json::from_str(&resource).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let Some(author) = plan.get("author") else { return Ok(None) };
    let Some(local) = str_at(author, "reference").and_then(|r| r.strip_prefix('#')) else {
        return Ok(Some(author.clone()));
    };
    let organisation = array(&plan, "contained").iter().find(|c| str_at(c, "id") == Some(local));
    Ok(organisation
        .and_then(|o| str_at(o, "name"))
        .map(|name| serde_json::json!({ "type": "Organization", "display": name })))
}

/// The plan in force at `at` (its `version` the app's own number), read
/// from the store.
pub fn in_force(store: &Store, at: Timestamp, tz: &TimeZone) -> Result<Option<CarePlan>, StoreError> {
    let Some((version, resource)) = store.plan_resource_in_force(at)? else { return Ok(None) };
    let json: Json = serde_json::from_str(&resource).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let mut plan = parse(&json, tz).map_err(|e| StoreError::Corrupt(e.detail))?;
    plan.version = version;
    Ok(Some(plan))
}

/// The saved plan the app numbered `version`, read again; `None` when it
/// is not there or no longer reads (a parser's rules may have grown).
pub fn saved_version(store: &Store, version: u32, tz: &TimeZone) -> Result<Option<CarePlan>, StoreError> {
    let Some(resource) = store.plan_resource(version)? else { return Ok(None) };
    let json: Json = serde_json::from_str(&resource).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(parse(&json, tz).ok().map(|mut plan| {
        plan.version = version;
        plan
    }))
}
