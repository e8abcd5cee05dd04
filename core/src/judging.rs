//! The one judgement of a reading or answers, made once, when it is
//! recorded, by the plan version in force then: a reading's bands (every
//! value, by its own activity's limits or the plan's limits for that code
//! elsewhere) and the activity's change rules over the stored readings, or
//! the answers' score and answer rules; the worst winning. What this returns
//! is stored beside the reading and is what every screen shows and what the
//! service gets; a later plan never judges it again. [`help`] gives the
//! advice and whom to call for a stored judgement from the plan version that
//! made it.
//!
//! Trends: each earlier local day counts by its first reading (a morning
//! weight, as heart-failure plans ask); days without a reading are skipped.
//! The new reading is compared with the lowest (for a rise) and the highest
//! (for a fall) of those days within the rule's window, so a gap or a dip in
//! between never hides a change. Times are the reading's own (the device's
//! time, corrected), so a back-filled record is judged against the days
//! before it. Training readings never count.

use std::collections::BTreeMap;

use jiff::{civil::Date, tz::TimeZone, Timestamp, ToSpan};

use crate::{
    plan::{CarePlan, Help},
    questionnaire::{Answers, Questionnaire, Text},
    store::{readings::EnteredBy, Store, StoreError},
    traffic_light::{convert, judge_by, Cause, Direction, Judgeable, Judgement, NotJudged, Rule, TrendRule},
    vocabulary::{ComponentValue, Measurement},
};

/// The plan version that judges a new reading and its judgement: the plan
/// in force when it was taken (`current`, the plan in force now, when it
/// already was then), none when it was taken before any plan. An earlier
/// plan that no longer reads leaves `current` to judge, so a back-filled
/// record never blocks a device's transfer; without `current` its error
/// is returned.
pub fn judge_at_its_time(
    store: &Store,
    m: &Measurement,
    tz: &TimeZone,
    current: Option<&CarePlan>,
) -> Result<Option<(u32, Judgement)>, StoreError> {
    let earlier;
    let plan = match current {
        Some(p) if p.valid_from <= m.effective => Some(p),
        _ => {
            earlier = match crate::fhir::careplan::in_force(store, m.effective, tz) {
                Ok(plan) => plan,
                Err(_) if current.is_some() => return judged_by(store, current, m, tz),
                Err(e) => return Err(e),
            };
            earlier.as_ref()
        }
    };
    judged_by(store, plan, m, tz)
}

fn judged_by(
    store: &Store,
    plan: Option<&CarePlan>,
    m: &Measurement,
    tz: &TimeZone,
) -> Result<Option<(u32, Judgement)>, StoreError> {
    plan.map(|p| Ok((p.version, judge_reading(store, p, m, tz)?))).transpose()
}

/// Judges a new reading by `plan` (the plan in force when it was taken):
/// bands and trends, the worst winning.
pub fn judge_reading(store: &Store, plan: &CarePlan, m: &Measurement, tz: &TimeZone) -> Result<Judgement, StoreError> {
    let mut judgement = plan.judge(m);
    if let Some(activity) = plan.activity_for(m.kind) {
        for rule in &activity.traffic_light.trends {
            if let Some(cause) = trend(store, m, rule, &activity.id, tz)? {
                judgement = judgement.worst(Judgement::Judged { colour: rule.colour, causes: vec![cause] });
            }
        }
    }
    Ok(judgement)
}

/// Judges a questionnaire's answers by `plan`: the total score against
/// the activity's bands, and each answer the plan gives a colour of its
/// own; the worst wins.
pub fn judge_answers(plan: &CarePlan, q: &Questionnaire, answers: &Answers) -> Judgement {
    let Some(activity) = plan.activity_for_questionnaire(&q.id) else {
        return Judgement::NotJudged(NotJudged::NoLimits);
    };
    let light = &activity.traffic_light;
    let mut judgement = match (q.score(answers), light.limits.first()) {
        (Some(score), Some(limit)) => {
            let mut j = judge_by(
                &activity.id,
                light,
                &[Judgeable { code: &limit.code, value: Some(score), unit: &limit.unit }],
            );
            if let Judgement::Judged { causes, .. } = &mut j {
                causes.iter_mut().for_each(|c| c.rule = Rule::Score);
            }
            j
        }
        _ => Judgement::NotJudged(NotJudged::NoLimits),
    };
    let given = q.effective_answers(answers);
    for rule in &light.answers {
        if given.get(&rule.link_id).is_some_and(|a| crate::questionnaire::same_answer(a, &rule.answer)) {
            let cause = Cause {
                code: rule.link_id.clone(),
                activity: activity.id.clone(),
                direction: None,
                rule: Rule::Answer {
                    link_id: rule.link_id.clone(),
                    value: crate::questionnaire::answer_word(&rule.answer),
                },
            };
            judgement = judgement.worst(Judgement::Judged { colour: rule.colour, causes: vec![cause] });
        }
    }
    judgement
}

/// The value of `code` in `m`, in `unit`.
fn value_in(m: &Measurement, code: &str, unit: &str) -> Option<f64> {
    m.components.iter().find(|c| c.code == code).and_then(|c| match c.value {
        ComponentValue::Value(d) => convert(d.to_f64(), c.unit, unit),
        ComponentValue::Absent(_) => None,
    })
}

/// Whether `rule` fires for `m`, with the change it saw.
fn trend(
    store: &Store,
    m: &Measurement,
    rule: &TrendRule,
    activity: &str,
    tz: &TimeZone,
) -> Result<Option<Cause>, StoreError> {
    let Some(now_value) = value_in(m, &rule.code, &rule.unit) else { return Ok(None) };
    let day = m.effective.to_zoned(tz.clone()).date();
    let start = |d: Date| -> Option<Timestamp> { d.to_zoned(tz.clone()).ok().map(|z| z.timestamp()) };
    let (Some(first_day), Some(to)) = (day.checked_sub(i64::from(rule.days).days()).ok(), start(day)) else {
        return Ok(None);
    };
    let Some(from) = start(first_day) else { return Ok(None) };
    // The first real reading of each earlier day in the window.
    let mut days: BTreeMap<Date, f64> = BTreeMap::new();
    for r in store.readings(m.kind, from, to)? {
        if r.entered_by == EnteredBy::NurseTraining {
            continue;
        }
        let value = r
            .components
            .iter()
            .find(|c| c.code == rule.code)
            .and_then(|c| c.decimal().and_then(|d| convert(d.to_f64(), &c.unit, &rule.unit)));
        if let Some(value) = value {
            days.entry(r.effective.to_zoned(tz.clone()).date()).or_insert(value);
        }
    }
    let lowest = days.iter().min_by(|a, b| a.1.total_cmp(b.1));
    let highest = days.iter().max_by(|a, b| a.1.total_cmp(b.1));
    let candidates = [
        (Direction::Above, lowest.map(|(d, v)| (*d, now_value - v))),
        (Direction::Below, highest.map(|(d, v)| (*d, v - now_value))),
    ];
    let threshold = rule.change.to_f64();
    let decimals = rule.change.decimals().max(1) as usize;
    let fired = candidates
        .into_iter()
        .filter(|(direction, _)| rule.direction.is_none_or(|d| d == *direction))
        .filter_map(|(direction, seen)| seen.map(|(from, change)| (direction, from, change)))
        // A hair under the threshold in binary is still the threshold.
        .filter(|(_, _, change)| *change + 1e-9 >= threshold)
        .max_by(|a, b| a.2.total_cmp(&b.2));
    Ok(fired.map(|(direction, from, change)| Cause {
        code: rule.code.clone(),
        activity: activity.to_string(),
        direction: Some(direction),
        rule: Rule::Trend {
            change: format!("{change:.decimals$}"),
            unit: rule.unit.clone(),
            days: u16::try_from((day - from).get_days()).unwrap_or(rule.days),
            from: from.to_string(),
        },
    }))
}

/// The advice and help for a stored judgement: the advice from the plan
/// version that judged it (`plan_version`, the app's number), whom to call
/// and the medicines as the plan in force (`in_force`) says at `at`. When
/// that version no longer reads, the plan in force gives both.
pub fn help(
    store: &Store,
    plan_version: Option<i64>,
    judgement: &Judgement,
    in_force: Option<&CarePlan>,
    at: Timestamp,
    tz: &TimeZone,
) -> Result<(Option<Text>, Help), StoreError> {
    if judgement.colour().is_none() {
        return Ok((None, Help::default()));
    }
    let judging = match plan_version.and_then(|v| u32::try_from(v).ok()) {
        Some(v) if in_force.is_some_and(|p| p.version == v) => None,
        Some(v) => crate::fhir::careplan::saved_version(store, v, tz)?,
        None => None,
    };
    Ok(match (judging.as_ref(), in_force) {
        (Some(judging), Some(now)) => judging.help_now(now, judgement, at, tz),
        (Some(judging), None) => judging.help(judgement, at, tz),
        (None, Some(now)) => now.help(judgement, at, tz),
        (None, None) => (None, Help::default()),
    })
}

/// "Not judged — no plan yet", for a reading or answers taken before any
/// plan came.
pub fn no_plan() -> Judgement {
    Judgement::NotJudged(NotJudged::NoPlan)
}
