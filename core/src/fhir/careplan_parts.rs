//! What a `CarePlan` carries besides its activities, each read from the
//! standard R4 resource contained in the plan (profile and examples:
//! `docs/careplan-profile.md`): goals (`goal` → `Goal`), medicines
//! (`activity.reference` → `MedicationRequest`, `supportingInfo` →
//! `MedicationStatement`; per colour by `asNeededCodeableConcept` in the
//! traffic-light codes), the care team (`careTeam` → `CareTeam`), the
//! service's opening hours and the out-of-hours route (`HealthcareService`),
//! learning material (`supportingInfo` → `DocumentReference` with inline
//! attachments), the phase (status, the `trial` category, period) and the
//! reminder policy (the `reminders` extension). Also
//! the readers the plan's parts share (dates, decimals, weekdays, the
//! refusal).

use base64::{engine::general_purpose::STANDARD, Engine};
use jiff::{civil, tz::TimeZone, Timestamp};
use serde_json::Value as Json;

use super::{
    array,
    canonical::{FOLLOW_UP_CODES, REMINDERS_EXTENSION, TRAFFIC_LIGHT_CODES},
    str_at,
    translation::{self, concept_text},
};
use crate::{
    contacts::{Closure, OpenTime, OpeningHours, PhoneRoute, TeamMember, LEGEVAKT_NAME, LEGEVAKT_PHONE},
    error::{CoreError, ErrorCode},
    locale::{Locale, Text},
    material::{blocks, Block, Image, Material},
    plan::{Goal, GoalTarget, KnownRelative, Medicine, Phase, QuietHours, ReminderPolicy, Timing},
    traffic_light::Colour,
    vocabulary::Decimal,
};

pub(super) fn invalid(path: &str, why: impl std::fmt::Display) -> CoreError {
    CoreError::new(ErrorCode::PlanInvalid, format!("{path}: {why}"))
}

/// A decimal from a JSON number, keeping the digits as written.
pub(super) fn decimal(j: &Json, path: &str) -> Result<Decimal, CoreError> {
    match j {
        Json::Number(n) => n.to_string().parse().map_err(|e| invalid(path, e)),
        _ => Err(invalid(path, "not a number")),
    }
}

/// `dateTime` or `date`: with an offset it is an instant, without one it is
/// local time in `tz` (a date is its midnight).
pub(super) fn date_time(text: &str, tz: &TimeZone, path: &str) -> Result<Timestamp, CoreError> {
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(t);
    }
    let civil: civil::DateTime = match text.parse::<civil::DateTime>() {
        Ok(dt) => dt,
        Err(_) => text.parse::<civil::Date>().map_err(|e| invalid(path, e))?.to_datetime(civil::Time::midnight()),
    };
    civil.to_zoned(tz.clone()).map(|z| z.timestamp()).map_err(|e| invalid(path, e))
}

pub(super) fn weekday(code: &str, path: &str) -> Result<civil::Weekday, CoreError> {
    use civil::Weekday::*;
    Ok(match code {
        "mon" => Monday,
        "tue" => Tuesday,
        "wed" => Wednesday,
        "thu" => Thursday,
        "fri" => Friday,
        "sat" => Saturday,
        "sun" => Sunday,
        other => return Err(invalid(path, format!("unknown dayOfWeek {other:?}"))),
    })
}

/// The contained resource a local reference (`#id`) names, of one of `types`.
fn contained<'a>(plan: &'a Json, reference: &Json, types: &[&str]) -> Option<&'a Json> {
    let local = str_at(reference, "reference")?.strip_prefix('#')?;
    array(plan, "contained")
        .iter()
        .find(|c| str_at(c, "id") == Some(local) && str_at(c, "resourceType").is_some_and(|t| types.contains(&t)))
}

fn phone(resource: &Json) -> Option<String> {
    array(resource, "telecom")
        .iter()
        .find(|t| str_at(t, "system") == Some("phone"))
        .and_then(|t| str_at(t, "value"))
        .map(str::to_string)
}

fn has_code(concepts: &[Json], system: &str, code: &str) -> bool {
    concepts
        .iter()
        .flat_map(|c| array(c, "coding"))
        .any(|c| str_at(c, "system") == Some(system) && str_at(c, "code") == Some(code))
}

/// The plan's goals: each `goal` reference names a contained `Goal`
/// (`#id`); its `description.text` and its targets (a LOINC-coded
/// `measure`, `detailQuantity` or `detailRange`, `dueDate`). A goal kept
/// elsewhere on the server (`Goal/<id>`) is not fetched and not shown.
pub(super) fn goals(careplan: &Json, base: Locale) -> Result<Vec<Goal>, CoreError> {
    let mut out = vec![];
    for (i, reference) in array(careplan, "goal").iter().enumerate() {
        let path = format!("CarePlan.goal[{i}]");
        let Some(local) = str_at(reference, "reference").and_then(|r| r.strip_prefix('#')) else { continue };
        let goal = contained(careplan, reference, &["Goal"])
            .ok_or_else(|| invalid(&path, format!("no contained Goal #{local}")))?;
        let language = translation::language_of(goal, base);
        let text = concept_text(goal.get("description"), language)
            .ok_or_else(|| invalid(&path, "Goal.description.text missing"))?;
        let mut targets = vec![];
        for (j, target) in array(goal, "target").iter().enumerate() {
            let path = format!("{path}.target[{j}]");
            let quantity = |q: Option<&Json>, key: &str| -> Result<Option<(Decimal, Option<String>)>, CoreError> {
                let Some(q) = q else { return Ok(None) };
                let value = decimal(q.get("value").unwrap_or(&Json::Null), &format!("{path}.{key}"))?;
                Ok(Some((value, str_at(q, "code").map(str::to_string))))
            };
            let (low, high) = match (target.get("detailQuantity"), target.get("detailRange")) {
                (Some(q), _) => {
                    let exact = quantity(Some(q), "detailQuantity")?;
                    (exact.clone(), exact)
                }
                (None, Some(r)) => (quantity(r.get("low"), "low")?, quantity(r.get("high"), "high")?),
                (None, None) => (None, None),
            };
            targets.push(GoalTarget {
                code: target
                    .get("measure")
                    .and_then(|m| array(m, "coding").first())
                    .and_then(|c| str_at(c, "code"))
                    .map(str::to_string),
                unit: low.as_ref().or(high.as_ref()).and_then(|(_, u)| u.clone()),
                low: low.map(|(v, _)| v),
                high: high.map(|(v, _)| v),
                due: str_at(target, "dueDate").map(str::to_string),
            });
        }
        out.push(Goal { text, targets });
    }
    Ok(out)
}

/// A `Timing` (an activity's `scheduledTiming`, a dose's `timing`): daily
/// at times, weekdays at times, or n times a week; anything else refuses
/// the plan.
pub(super) fn timing(t: &Json, path: &str) -> Result<Timing, CoreError> {
    let repeat = t.get("repeat").ok_or_else(|| invalid(path, "timing without repeat"))?;
    let times = array(repeat, "timeOfDay")
        .iter()
        .map(|v| {
            let text = v.as_str().ok_or_else(|| invalid(path, "timeOfDay is not a string"))?;
            text.parse::<civil::Time>().map_err(|e| invalid(path, format!("timeOfDay {text:?}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let times = few_times(times).ok_or_else(|| invalid(path, format!("more than {MOST_TIMES_A_DAY} times a day")))?;
    let days = array(repeat, "dayOfWeek")
        .iter()
        .map(|v| weekday(v.as_str().unwrap_or(""), path))
        .collect::<Result<Vec<_>, _>>()?;
    let unit = str_at(repeat, "periodUnit").unwrap_or("d");
    let period = repeat.get("period").and_then(Json::as_f64).unwrap_or(1.0);
    let frequency = repeat.get("frequency").and_then(Json::as_u64).unwrap_or(1);
    match (unit, period == 1.0, times.is_empty(), days.is_empty()) {
        ("d", true, false, true) => Ok(Timing::DailyAt { times }),
        ("d" | "wk", true, false, false) => Ok(Timing::WeeklyAt { days, times }),
        ("wk", true, true, true) => {
            let count = u8::try_from(frequency).ok().filter(|c| (1..=7 * 24).contains(c));
            count.map(|count| Timing::TimesPerWeek { count }).ok_or_else(|| invalid(path, "frequency out of range"))
        }
        _ => Err(invalid(
            path,
            format!("unsupported timing (periodUnit {unit}, period {period}, timeOfDay {})", times.len()),
        )),
    }
}

/// Most distinct times of day a timing may have (more refuses an
/// activity; a dose schedule with more is not read).
pub(super) const MOST_TIMES_A_DAY: usize = 24;

/// A medicine's dose schedule: the `timing` of its dosage lines that are
/// not a colour's (`asNeeded…`), at set times (daily, or on weekdays);
/// several lines' daily times together. A schedule the app cannot keep
/// exactly — no times of day, an end (`bounds…`, `count`), times named
/// by events (`when`), a `frequency` other than the times given, ranges
/// (`…Max`), a regular line without a timing beside one with, lines that
/// cannot be put together, too many times —
/// is not read: the medicine is shown with its text only, no task of the
/// day, and the plan is not refused for it (a dose is never reminded at a
/// guessed time, and a plan read before is still read).
fn dose_schedule(dosages: &[Json]) -> Option<Timing> {
    let mut schedule: Option<Timing> = None;
    let as_needed = |d: &Json| {
        d.get("asNeededCodeableConcept").is_some() || d.get("asNeededBoolean").and_then(Json::as_bool) == Some(true)
    };
    let regular: Vec<&Json> = dosages.iter().filter(|d| !as_needed(d)).collect();
    // A regular line without a timing beside one with: part of the doses
    // would be left out of the day's tasks.
    if regular.iter().any(|d| d.get("timing").is_some()) && regular.iter().any(|d| d.get("timing").is_none()) {
        return None;
    }
    for d in regular {
        let Some(t) = d.get("timing") else { continue };
        let repeat = t.get("repeat")?;
        let open_ended = [
            "boundsDuration",
            "boundsRange",
            "boundsPeriod",
            "count",
            "countMax",
            "when",
            "offset",
            "frequencyMax",
            "periodMax",
            "duration",
            "durationMax",
        ];
        if t.get("event").is_some() || t.get("code").is_some() || open_ended.iter().any(|k| repeat.get(*k).is_some()) {
            return None;
        }
        // "Twice a day" with one time of day: which is the other?
        let mut given: Vec<&str> = array(repeat, "timeOfDay").iter().filter_map(Json::as_str).collect();
        given.sort_unstable();
        given.dedup();
        let times = given.len() as u64;
        if repeat.get("frequency").and_then(Json::as_u64).is_some_and(|f| f != times) {
            return None;
        }
        schedule = Some(match (schedule, timing(t, "dosage").ok()?) {
            (None, next @ Timing::DailyAt { .. }) | (None, next @ Timing::WeeklyAt { .. }) => next,
            (Some(Timing::DailyAt { times: mut a }), Timing::DailyAt { times: b }) => {
                a.extend(b);
                Timing::DailyAt { times: a }
            }
            _ => return None,
        });
    }
    match schedule? {
        Timing::DailyAt { times } => Some(Timing::DailyAt { times: few_times(times)? }),
        Timing::WeeklyAt { days, times } => Some(Timing::WeeklyAt { days, times: few_times(times)? }),
        _ => None,
    }
}

/// Times of day in order, each once; `None` above [`MOST_TIMES_A_DAY`].
pub(super) fn few_times(mut times: Vec<civil::Time>) -> Option<Vec<civil::Time>> {
    times.sort();
    times.dedup();
    (times.len() <= MOST_TIMES_A_DAY).then_some(times)
}

/// A `MedicationRequest` or `MedicationStatement`; `None` when it is not
/// (or no longer) in use.
fn medicine(resource: &Json, path: &str, base: Locale) -> Result<Option<Medicine>, CoreError> {
    let (in_use, dosage_key): (&[&str], _) = match str_at(resource, "resourceType") {
        Some("MedicationRequest") => (&["active"], "dosageInstruction"),
        _ => (&["active", "intended"], "dosage"),
    };
    if !str_at(resource, "status").is_some_and(|s| in_use.contains(&s)) {
        return Ok(None);
    }
    let base = translation::language_of(resource, base);
    let name = concept_text(resource.get("medicationCodeableConcept"), base)
        .ok_or_else(|| invalid(path, "medicationCodeableConcept has no text"))?;
    let mut colour = None;
    let mut dosage = vec![];
    for d in array(resource, dosage_key) {
        if let Some(text) = translation::text(d, "text", base) {
            dosage.push(text);
        }
        let coded = d
            .get("asNeededCodeableConcept")
            .map(|c| array(c, "coding"))
            .unwrap_or_default()
            .iter()
            .find(|c| str_at(c, "system") == Some(TRAFFIC_LIGHT_CODES))
            .and_then(|c| str_at(c, "code"));
        if let Some(code) = coded {
            colour = Some(Colour::parse(code).ok_or_else(|| invalid(path, format!("unknown colour {code:?}")))?);
        }
    }
    let id = str_at(resource, "id").unwrap_or_default().to_string();
    // A colour's medicine is taken when a result asks for it, not on a
    // schedule of the day.
    let schedule = dose_schedule(array(resource, dosage_key));
    Ok(Some(Medicine { id, name, dosage, colour, schedule }))
}

/// Medicines from the activities' references and the supporting
/// information, in the plan's order, each id once (a medicine named twice
/// is one medicine; two under one id refuse the plan).
pub(super) fn medicines(careplan: &Json, base: Locale) -> Result<Vec<Medicine>, CoreError> {
    let mut out = vec![];
    for (i, a) in array(careplan, "activity").iter().enumerate() {
        let Some(reference) = a.get("reference") else { continue };
        let path = format!("CarePlan.activity[{i}].reference");
        let resource = contained(careplan, reference, &["MedicationRequest"])
            .ok_or_else(|| invalid(&path, "must name a contained MedicationRequest"))?;
        out.extend(medicine(resource, &path, base)?);
    }
    for (i, reference) in array(careplan, "supportingInfo").iter().enumerate() {
        if let Some(resource) = contained(careplan, reference, &["MedicationStatement"]) {
            out.extend(medicine(resource, &format!("CarePlan.supportingInfo[{i}]"), base)?);
        }
    }
    // Named twice: one medicine. Two medicines under one id: which one a
    // result, a dose or a tap means would be a guess.
    let mut once: Vec<Medicine> = vec![];
    for m in out {
        match once.iter().find(|o| o.id == m.id) {
            Some(o) if *o == m => {}
            Some(_) => return Err(invalid("CarePlan.contained", format!("two medicines share the id {:?}", m.id))),
            None => once.push(m),
        }
    }
    Ok(once)
}

/// A person's or organisation's name: `name` as text, or a HumanName's
/// (the official one, else the usual, else the first) `text`, else its
/// given and family names.
pub(crate) fn name_of(resource: &Json) -> Option<String> {
    if let Some(name) = str_at(resource, "name") {
        return Some(name.to_string());
    }
    let names = array(resource, "name");
    let by_use = |wanted: &str| names.iter().find(|n| str_at(n, "use") == Some(wanted));
    let human = by_use("official").or_else(|| by_use("usual")).or_else(|| names.first())?;
    str_at(human, "text").map(str::to_string).or_else(|| {
        let given: Vec<&str> = array(human, "given").iter().filter_map(Json::as_str).collect();
        let words: Vec<&str> = given.into_iter().chain(str_at(human, "family")).collect();
        (!words.is_empty()).then(|| words.join(" "))
    })
}

/// `RelatedPerson/<id>` from a literal reference to one on the service
/// (relative, or absolute ending in it).
fn related_person(member: &Json) -> Option<String> {
    let reference = str_at(member, "reference")?;
    let tail = reference.rsplit_once("RelatedPerson/").map(|(_, id)| id)?;
    let id = tail.split('/').next().filter(|id| !id.is_empty() && !id.contains(['#', '?']))?;
    Some(format!("RelatedPerson/{id}"))
}

/// The care team: every participant of the contained `CareTeam`s the plan
/// names, with its role and the member's name and phone; and the relatives
/// among them that the service knows (a `RelatedPerson` on the service,
/// named by a literal reference with a `display`).
pub(super) fn team(careplan: &Json, base: Locale) -> Result<(Vec<TeamMember>, Vec<KnownRelative>), CoreError> {
    let mut out = vec![];
    let mut relatives = vec![];
    for reference in array(careplan, "careTeam") {
        let Some(team) = contained(careplan, reference, &["CareTeam"]) else { continue };
        let base = translation::language_of(team, base);
        for participant in array(team, "participant") {
            let member = participant.get("member");
            let resource = member.and_then(|m| {
                contained(careplan, m, &["Practitioner", "PractitionerRole", "Organization", "RelatedPerson"])
            });
            let name =
                resource.and_then(name_of).or_else(|| member.and_then(|m| str_at(m, "display")).map(str::to_string));
            let Some(name) = name else { continue };
            let role = array(participant, "role").first().and_then(|r| concept_text(Some(r), base));
            if let Some(reference) = member.and_then(related_person) {
                relatives.push(KnownRelative { reference, name: name.clone(), relationship: role.clone() });
            }
            out.push(TeamMember { name, role, phone: resource.and_then(phone) });
        }
    }
    Ok((out, relatives))
}

fn time_of_day(text: Option<&str>, path: &str) -> Result<Option<civil::Time>, CoreError> {
    text.map(|t| t.parse::<civil::Time>().map_err(|e| invalid(path, format!("{t:?}: {e}")))).transpose()
}

/// `HealthcareService.availableTime` and `notAvailable`.
fn hours(service: &Json, path: &str, tz: &TimeZone, base: Locale) -> Result<OpeningHours, CoreError> {
    let mut out = OpeningHours::default();
    let base = translation::language_of(service, base);
    for (i, slot) in array(service, "availableTime").iter().enumerate() {
        let path = format!("{path}.availableTime[{i}]");
        let days = array(slot, "daysOfWeek")
            .iter()
            .map(|d| weekday(d.as_str().unwrap_or(""), &path))
            .collect::<Result<Vec<_>, _>>()?;
        let all_day = slot.get("allDay").and_then(Json::as_bool).unwrap_or(false);
        let (from, until) = if all_day {
            (None, None)
        } else {
            (
                time_of_day(str_at(slot, "availableStartTime"), &path)?,
                time_of_day(str_at(slot, "availableEndTime"), &path)?,
            )
        };
        out.open.push(OpenTime { days, from, until });
    }
    for (i, gap) in array(service, "notAvailable").iter().enumerate() {
        let path = format!("{path}.notAvailable[{i}]");
        let during = gap.get("during");
        let end = |key: &str| -> Result<Option<Timestamp>, CoreError> {
            during.and_then(|d| str_at(d, key)).map(|t| date_time(t, tz, &path)).transpose()
        };
        // A closing date without a time closes that whole day: the period
        // ends at the next midnight.
        let until = match during.and_then(|d| str_at(d, "end")) {
            Some(text) if !text.contains('T') && text.parse::<civil::Date>().is_ok() => {
                let day = text.parse::<civil::Date>().map_err(|e| invalid(&path, e))?;
                let next = day.tomorrow().map_err(|e| invalid(&path, e))?;
                Some(next.to_zoned(tz.clone()).map_err(|e| invalid(&path, e))?.timestamp())
            }
            _ => end("end")?,
        };
        out.closed.push(Closure {
            description: translation::text(gap, "description", base),
            from: end("start")?,
            until,
        });
    }
    out.open_on_holidays = has_code(array(service, "characteristic"), FOLLOW_UP_CODES, "open-on-public-holidays");
    Ok(out)
}

/// The service's opening hours (the contained `HealthcareService` named in
/// `supportingInfo` that is not the out-of-hours route; none: no hours given) and the out-of-hours
/// route (such a `HealthcareService` typed `out-of-hours` in Heima's
/// follow-up codes, else the national legevakt number).
pub(super) fn services(
    careplan: &Json,
    tz: &TimeZone,
    base: Locale,
) -> Result<(Option<OpeningHours>, PhoneRoute), CoreError> {
    let mut opening = None;
    let mut out_of_hours = PhoneRoute { name: LEGEVAKT_NAME.into(), phone: LEGEVAKT_PHONE.into() };
    for (i, reference) in array(careplan, "supportingInfo").iter().enumerate() {
        let Some(c) = contained(careplan, reference, &["HealthcareService"]) else { continue };
        let path = format!("CarePlan.supportingInfo[{i}]");
        if has_code(array(c, "type"), FOLLOW_UP_CODES, "out-of-hours") {
            let phone = phone(c).ok_or_else(|| invalid(&path, "the out-of-hours service has no phone number"))?;
            out_of_hours = PhoneRoute { name: str_at(c, "name").unwrap_or_default().to_string(), phone };
        } else if opening.is_none() {
            opening = Some(hours(c, &path, tz, base)?);
        }
    }
    Ok((opening, out_of_hours))
}

/// Learning material: the contained `DocumentReference`s the plan names in
/// `supportingInfo`, with their inline attachments (`text/markdown` or
/// `text/plain` as text, `image/png` and `image/jpeg` as pictures). A text
/// attachment is in its `language` (the plan's when it names none), so a
/// document can carry its text in several. The title is the document's
/// `description` (with its translations), else a text attachment's
/// `title`. An attachment by `url` only is not fetched.
pub(super) fn material(careplan: &Json, base: Locale) -> Result<Vec<Material>, CoreError> {
    let mut out = vec![];
    for (i, reference) in array(careplan, "supportingInfo").iter().enumerate() {
        let Some(doc) = contained(careplan, reference, &["DocumentReference"]) else { continue };
        let path = format!("CarePlan.supportingInfo[{i}]");
        if str_at(doc, "status") != Some("current") {
            continue;
        }
        let base = translation::language_of(doc, base);
        let mut texts: Vec<(Locale, String)> = vec![];
        let mut images = vec![];
        let mut title = translation::text(doc, "description", base);
        for content in array(doc, "content") {
            let Some(attachment) = content.get("attachment") else { continue };
            let Some(data) = str_at(attachment, "data") else { continue };
            let kind = str_at(attachment, "contentType").unwrap_or("").split(';').next().unwrap_or("").trim();
            let bytes = STANDARD.decode(data).map_err(|e| invalid(&path, format!("attachment data: {e}")))?;
            match kind {
                "text/markdown" | "text/plain" => {
                    let words = String::from_utf8(bytes).map_err(|_| invalid(&path, "text is not UTF-8"))?;
                    // A text in a language the app does not speak is left
                    // out (the others still show), never the plan refused.
                    let language = match str_at(attachment, "language").map(Locale::from_tag) {
                        None => base,
                        Some(Ok(language)) => language,
                        Some(Err(_)) => continue,
                    };
                    match texts.iter_mut().find(|(l, _)| *l == language) {
                        Some((_, text)) => text.push_str(&words),
                        None => texts.push((language, words)),
                    }
                    texts.iter_mut().filter(|(l, _)| *l == language).for_each(|(_, text)| text.push_str("\n\n"));
                    if title.as_ref().is_none_or(|t| t.exactly(language).is_none()) {
                        if let Some(t) = translation::text(attachment, "title", language) {
                            match &mut title {
                                None => title = Some(t),
                                Some(all) => all.set(language, t.get(language).clone()),
                            }
                        }
                    }
                }
                "image/png" | "image/jpeg" => images.push(Image {
                    content_type: kind.to_string(),
                    data: data.to_string(),
                    alt: translation::text(attachment, "title", base),
                }),
                other => return Err(invalid(&path, format!("attachment type {other:?} is not shown"))),
            }
        }
        let mut blocks_by_language: Option<Text<Vec<Block>>> = None;
        for (language, text) in &texts {
            match &mut blocks_by_language {
                None => blocks_by_language = Some(Text::new(*language, blocks(text))),
                Some(all) => all.set(*language, blocks(text)),
            }
        }
        out.push(Material {
            id: str_at(doc, "id").unwrap_or_default().to_string(),
            title: title.ok_or_else(|| invalid(&path, "DocumentReference has no description"))?,
            blocks: blocks_by_language.unwrap_or_else(|| Text::new(base, vec![])),
            images,
        });
    }
    Ok(out)
}

/// A `date` or `dateTime` as the patient's calendar day.
fn day(text: &str, tz: &TimeZone, path: &str) -> Result<civil::Date, CoreError> {
    Ok(date_time(text, tz, path)?.to_zoned(tz.clone()).date())
}

/// The phase: `active` (with the `trial` category: the trial period),
/// `on-hold` (paused since the version's `meta.lastUpdated`), `completed`
/// or `revoked` (ended on `period.end`, else `meta.lastUpdated`).
pub(super) fn phase(careplan: &Json, tz: &TimeZone) -> Result<Phase, CoreError> {
    let period = careplan.get("period");
    let at = |key: &str| -> Result<Option<civil::Date>, CoreError> {
        period.and_then(|p| str_at(p, key)).map(|t| day(t, tz, &format!("CarePlan.period.{key}"))).transpose()
    };
    let updated = careplan
        .get("meta")
        .and_then(|m| str_at(m, "lastUpdated"))
        .map(|t| day(t, tz, "CarePlan.meta.lastUpdated"))
        .transpose()?;
    let start = at("start")?.ok_or_else(|| invalid("CarePlan.period.start", "missing"))?;
    Ok(match str_at(careplan, "status") {
        Some("active") if has_code(array(careplan, "category"), FOLLOW_UP_CODES, "trial") => {
            Phase::Trial { from: start, until: at("end")? }
        }
        Some("active") => Phase::Active { since: start, until: at("end")? },
        Some("on-hold") => Phase::Paused { since: updated },
        Some("completed" | "revoked") => Phase::Ended { on: at("end")?.or(updated) },
        other => return Err(invalid("CarePlan.status", format!("{other:?} is not a plan in use"))),
    })
}

/// The minutes of a sub-extension's `valueDuration` (`what` by name), a
/// whole value in one of the UCUM `units` (each with its minutes); `None`
/// for a value that is not a whole number, to be refused with the bounds.
/// Another type or unit refuses the plan.
pub(super) fn duration_minutes(
    e: &Json,
    what: &str,
    units: &[(&str, u64)],
    path: &str,
) -> Result<Option<u64>, CoreError> {
    let d = e.get("valueDuration").ok_or_else(|| invalid(path, format!("{what} is not a Duration")))?;
    let code = str_at(d, "code").filter(|_| str_at(d, "system") == Some("http://unitsofmeasure.org"));
    let Some(&(_, per)) = units.iter().find(|(unit, _)| Some(*unit) == code) else {
        let names: Vec<&str> = units.iter().map(|(unit, _)| *unit).collect();
        let (last, first) = names.split_last().expect("at least one unit");
        let names = if first.is_empty() { last.to_string() } else { format!("{} or {last}", first.join(", ")) };
        return Err(invalid(path, format!("{what} must be in UCUM {names}")));
    };
    Ok(d.get("value").and_then(Json::as_u64).and_then(|v| v.checked_mul(per)))
}

/// The service's reminder policy (`extension[reminders]`: `repeatEvery` a
/// Duration in minutes or hours, `repeats`, `quietFrom` and `quietUntil`,
/// `weeklyAt`; each optional, the rest as [`ReminderPolicy::default`]). A
/// value outside the bounds, or quiet hours with one end, refuse the plan.
pub(super) fn reminder_policy(careplan: &Json) -> Result<ReminderPolicy, CoreError> {
    let mut policy = ReminderPolicy::default();
    let Some(ext) = array(careplan, "extension")
        .iter()
        .find(|e| str_at(e, "url").is_some_and(|u| super::canonical::is(u, REMINDERS_EXTENSION)))
    else {
        return Ok(policy);
    };
    let path = "CarePlan.extension[reminders]";
    let part = |name: &str| array(ext, "extension").iter().find(|e| str_at(e, "url") == Some(name));
    let time = |name: &str| -> Result<Option<civil::Time>, CoreError> {
        let Some(e) = part(name) else { return Ok(None) };
        let text = str_at(e, "valueTime").ok_or_else(|| invalid(path, format!("{name} is not a time")))?;
        text.parse().map(Some).map_err(|e| invalid(path, format!("{name} {text:?}: {e}")))
    };
    if let Some(e) = part("repeatEvery") {
        let minutes = duration_minutes(e, "repeatEvery", &[("min", 1), ("h", 60)], path)?;
        policy.repeat_every_minutes = minutes
            .and_then(|m| u16::try_from(m).ok())
            .filter(|m| ReminderPolicy::REPEAT_EVERY_MINUTES.contains(m))
            .ok_or_else(|| invalid(path, "repeatEvery must be whole minutes from 10 to 240"))?;
    }
    if let Some(e) = part("repeats") {
        policy.repeats = e
            .get("valueUnsignedInt")
            .and_then(Json::as_u64)
            .and_then(|n| u8::try_from(n).ok())
            .filter(|n| *n <= ReminderPolicy::MOST_REPEATS)
            .ok_or_else(|| invalid(path, "repeats must be 0 to 5"))?;
    }
    match (time("quietFrom")?, time("quietUntil")?) {
        (None, None) => {}
        (Some(from), Some(until)) if from != until => policy.quiet = QuietHours { from, until },
        _ => return Err(invalid(path, "quiet hours need quietFrom and quietUntil, and they must differ")),
    }
    if let Some(at) = time("weeklyAt")? {
        policy.weekly_at = at;
    }
    Ok(policy)
}
