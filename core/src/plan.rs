//! The self-care plan (egenbehandlingsplan) as plain data: what the patient
//! measures (a `MeasurementKind`) or answers (a questionnaire), when (daily
//! at times, weekdays at times, n times a week, when needed), how to do it,
//! and each activity's traffic-light limits and advice; goals, medicines
//! (daily, or per colour and shown only with the activities that name them),
//! the care team, learning material and the phase (trial, active, paused,
//! ended). [`crate::fhir::careplan`] reads it from the service's FHIR
//! `CarePlan` (profile: `docs/careplan-profile.md`).
//!
//! [`CarePlan::judge`] judges a reading's bands, each value by its own
//! activity's limits or the plan's limits for its code elsewhere (the cuff's
//! pulse); [`CarePlan::help`] gives what a stored judgement brings (advice
//! and [`Help`]: whom to call now, medicines, what happens next, material)
//! from the activities and sides that set it; [`CarePlan::colour_blocks`]
//! gives Min plan's colours per side.

use jiff::{
    civil::{Date, Time, Weekday},
    tz::TimeZone,
    Timestamp,
};
use serde::{Deserialize, Serialize};

pub use crate::contacts::{ServiceContact, TeamMember};
pub use crate::vocabulary::MeasurementKind;
use crate::{
    contacts::{whom_now, WhomNow},
    locale::{Locale, Text},
    material::{Block, Material},
    traffic_light::{judge, Colour, Direction, Judgeable, Judgement, Rules, TrafficLight},
    vocabulary::{ComponentValue, Measurement},
};

/// What one activity of the plan asks the patient to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ActivityKind {
    /// Take a reading of this kind.
    Measure { measurement: MeasurementKind },
    /// Answer the questionnaire with this id.
    Questionnaire { questionnaire: String },
    /// Take a dose of the plan's medicine with this id (from its dose
    /// schedule, [`CarePlan::dose_activities`]; never a plan activity).
    Dose { medicine: String },
    /// Take a photo for the service of what `title` says ("Bilde av
    /// leggene"), as the activity's description tells how.
    Photo { title: Text },
}

/// When an activity is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Timing {
    /// Every day at these local times.
    DailyAt { times: Vec<Time> },
    /// On these weekdays at these local times.
    WeeklyAt {
        #[serde(with = "crate::clock::weekday_codes")]
        days: Vec<Weekday>,
        times: Vec<Time>,
    },
    /// This many times a week, any day, any time.
    TimesPerWeek { count: u8 },
    /// Only when the patient feels the need; never a task of its own.
    WhenNeeded,
}

/// How a dose schedule's activity id starts (`dose:<medicine id>`).
pub const DOSE_PREFIX: &str = "dose:";

/// One line of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// Stable id within the plan.
    pub id: String,
    pub kind: ActivityKind,
    pub timing: Timing,
    /// Limits, advice and whom to call, per colour.
    #[serde(default)]
    pub traffic_light: TrafficLight,
    /// How to do it, in the service's words (`detail.description`).
    pub description: Option<Text<Vec<Block>>>,
}

/// A goal of the plan: what the patient aims for, in the service's words,
/// with measurable targets where the service gave them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub text: Text,
    pub targets: Vec<GoalTarget>,
}

/// A goal's target: a LOINC-coded measure within a range, by a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalTarget {
    pub code: Option<String>,
    pub low: Option<crate::vocabulary::Decimal>,
    pub high: Option<crate::vocabulary::Decimal>,
    pub unit: Option<String>,
    /// `YYYY-MM-DD`, when given.
    pub due: Option<String>,
}

/// A medicine of the plan: taken as the plan says, or started when a
/// result has one colour ("ved gul sone: start kur X").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Medicine {
    /// The contained resource's id, by which an activity's traffic light
    /// names a colour's medicine.
    pub id: String,
    /// The medicine as the service names it.
    pub name: Text,
    /// How to take it, in the service's words (one line per instruction).
    pub dosage: Vec<Text>,
    /// None: part of the daily plan; a colour: for results of that colour,
    /// shown with the activities whose traffic light names it.
    pub colour: Option<Colour>,
    /// When a daily medicine's doses are due (its dosage's `timing`): each
    /// a task of the day, done when the patient says it was taken. None:
    /// no schedule to keep (a colour's medicine, or times in words only).
    #[serde(default)]
    pub schedule: Option<Timing>,
}

/// A relative the service knows, named in the plan's care team by their
/// `RelatedPerson` on the service: readings, answers and messages they
/// record name them by that reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownRelative {
    /// `RelatedPerson/<id>`.
    pub reference: String,
    pub name: String,
    /// The relationship in the service's words ("Datter").
    pub relationship: Option<Text>,
}

/// Learning material as a link: its id and title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialLink {
    pub id: String,
    pub title: Text,
}

/// What a result brings besides the advice: whom to call now, the plan's
/// medicines for its colour, what the service does next, and the material
/// the advice refers to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Help {
    pub whom: WhomNow,
    /// Whom to call comes before anything else on the screen (red, with
    /// someone to call).
    pub calls_first: bool,
    pub medicines: Vec<Medicine>,
    /// For those of `medicines` after which the plan asks for a check:
    /// which activity, and how long after.
    #[serde(default)]
    pub rechecks: Vec<Recheck>,
    pub next: Option<Text>,
    pub material: Vec<MaterialLink>,
}

/// A check the plan asks for after a colour's medicine is taken ("start
/// kuren, mål igjen i morgen"): `activity` again `after_minutes` later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recheck {
    pub medicine: String,
    pub activity: String,
    pub after_minutes: u32,
}

/// One colour of an activity, on one side where the plan tells the sides
/// apart, as Min plan shows it: the bands and change rules, the advice,
/// the medicines and material this activity names for it, whom to call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColourBlock {
    pub colour: Colour,
    pub direction: Option<Direction>,
    pub limits: Vec<crate::traffic_light::Limit>,
    pub trends: Vec<crate::traffic_light::TrendRule>,
    pub advice: Option<Text>,
    pub medicines: Vec<Medicine>,
    pub material: Vec<MaterialLink>,
    pub calls: Vec<crate::traffic_light::Call>,
}

/// Which phase the follow-up is in, from the CarePlan's status, category
/// and period (profile: `docs/careplan-profile.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "kebab-case")]
pub enum Phase {
    /// The 2–4 week trial before the plan meeting.
    Trial { from: Date, until: Option<Date> },
    /// Follow-up as planned.
    Active { since: Date, until: Option<Date> },
    /// Paused (e.g. a hospital stay): no reminders; readings still possible.
    Paused { since: Option<Date> },
    /// The service has ended the follow-up.
    Ended { on: Option<Date> },
}

/// The self-care plan in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarePlan {
    pub id: String,
    /// Increases every time the service changes the plan.
    pub version: u32,
    /// From when this version is in force.
    pub valid_from: Timestamp,
    pub title: Option<Text>,
    /// What the plan is for, in the service's words.
    pub description: Option<Text>,
    /// The patient's goals (`CarePlan.goal`, contained `Goal`s).
    pub goals: Vec<Goal>,
    pub service: ServiceContact,
    /// The care team (`CarePlan.careTeam`), in the service's order.
    pub team: Vec<TeamMember>,
    /// Relatives the service knows (from the care team).
    pub relatives: Vec<KnownRelative>,
    /// Medicines, general and per colour.
    pub medicines: Vec<Medicine>,
    /// Learning material the plan carries (`supportingInfo`).
    pub material: Vec<Material>,
    pub phase: Phase,
    pub activities: Vec<Activity>,
    /// The service's own reminder text (shown on a locked screen, so the
    /// service words it without health details); none: the app's own.
    pub reminder_text: Option<Text>,
    /// How often a task left undone is reminded, and when never.
    pub reminders: ReminderPolicy,
}

/// How the service wants reminders (the plan's `reminders` extension, else
/// [`ReminderPolicy::default`]): at the planned time, then again every
/// `repeat_every_minutes` while the task is still to do, at most `repeats`
/// times, never in the quiet hours; an "n times a week" task at
/// `weekly_at` on the days the week's pace asks for one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderPolicy {
    pub repeat_every_minutes: u16,
    pub repeats: u8,
    pub quiet: QuietHours,
    pub weekly_at: Time,
}

/// Local hours with no repeated reminder (`from` may be after `until`: the
/// night, 22:00–07:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    pub from: Time,
    pub until: Time,
}

impl ReminderPolicy {
    /// The bounds a plan's policy must keep (refused otherwise).
    pub const REPEAT_EVERY_MINUTES: std::ops::RangeInclusive<u16> = 10..=240;
    pub const MOST_REPEATS: u8 = 5;
}

impl Default for ReminderPolicy {
    /// Twice more, half an hour apart; quiet from 22:00 to 07:00; weekly
    /// tasks at 10:00.
    fn default() -> Self {
        ReminderPolicy {
            repeat_every_minutes: 30,
            repeats: 2,
            quiet: QuietHours { from: Time::constant(22, 0, 0, 0), until: Time::constant(7, 0, 0, 0) },
            weekly_at: Time::constant(10, 0, 0, 0),
        }
    }
}

impl QuietHours {
    /// Whether a local time of day is within the quiet hours.
    pub fn holds(&self, time: Time) -> bool {
        if self.from <= self.until {
            self.from <= time && time < self.until
        } else {
            time >= self.from || time < self.until
        }
    }
}

impl CarePlan {
    /// Judges a device or manual reading: each value by its own activity's
    /// limits, else by the limits another measuring activity of the plan
    /// gives for its code (the pulse a cuff or an oximeter sends, judged
    /// by the plan's pulse limits). The one place a reading's bands are
    /// judged; [`crate::judging`] adds trends and stores the result.
    pub fn judge(&self, m: &Measurement) -> Judgement {
        let values: Vec<Judgeable<'_>> = m
            .components
            .iter()
            .map(|c| Judgeable {
                code: c.code,
                value: match c.value {
                    ComponentValue::Value(d) => Some(d),
                    ComponentValue::Absent(_) => None,
                },
                unit: c.unit,
            })
            .collect();
        let own = self.activity_for(m.kind);
        let rules_for = |code: &str| -> Option<Rules<'_>> {
            let has = |a: &&Activity| a.traffic_light.limits.iter().any(|l| l.code == code);
            if let Some(a) = own.filter(has) {
                return Some(Rules { activity: &a.id, light: &a.traffic_light, borrowed: false });
            }
            self.activities.iter().filter(|a| matches!(a.kind, ActivityKind::Measure { .. })).find(has).map(|a| Rules {
                activity: &a.id,
                light: &a.traffic_light,
                borrowed: true,
            })
        };
        judge(&values, &rules_for)
    }

    pub fn activity(&self, id: &str) -> Option<&Activity> {
        self.activities.iter().find(|a| a.id == id)
    }

    /// The advice and the help for a judgement this plan made, while it is
    /// still the plan in force (see [`CarePlan::help_now`]).
    pub fn help(&self, judgement: &Judgement, at: Timestamp, tz: &TimeZone) -> (Option<Text>, Help) {
        self.help_now(self, judgement, at, tz)
    }

    /// The advice and the help for a stored judgement this plan (the
    /// version that judged it) made, shown at `at` while `now` is the plan
    /// in force: for each activity and side that set the colour, this
    /// plan's advice, what happens next and material, and the medicines it
    /// named that `now` still gives; whom to call from this plan's calls
    /// for the colour, reached as `now` says (its phone, hours, closures).
    /// A judgement with no cause this plan knows (stored before causes were
    /// kept, or its activity since dropped) offers the service for yellow,
    /// and 113 and the service for red. Nothing without a colour.
    pub fn help_now(
        &self,
        now: &CarePlan,
        judgement: &Judgement,
        at: Timestamp,
        tz: &TimeZone,
    ) -> (Option<Text>, Help) {
        use crate::traffic_light::{Call, Rule};
        let Some(colour) = judgement.colour() else { return (None, Help::default()) };
        let mut sides: Vec<(&Activity, Option<Direction>)> = vec![];
        let mut answer_advice: Vec<Text> = vec![];
        for cause in judgement.causes() {
            let Some(a) = self.activity(&cause.activity) else { continue };
            if let Rule::Answer { link_id, value } = &cause.rule {
                let own = a.traffic_light.answers.iter().find(|r| {
                    &r.link_id == link_id
                        && r.colour == colour
                        && (value.is_empty() || crate::questionnaire::answer_word(&r.answer) == *value)
                });
                if let Some(text) = own.and_then(|r| r.advice.clone()) {
                    answer_advice.push(text);
                }
            }
            if !sides.iter().any(|(s, d)| s.id == a.id && *d == cause.direction) {
                sides.push((a, cause.direction));
            }
        }
        let mut advice: Option<Text> = None;
        let mut add = |text: Text| {
            advice = Some(match advice.take() {
                Some(before) if before != text => join(before, text),
                Some(before) => before,
                None => text,
            });
        };
        // An answer's own advice first ("Ring 113 nå").
        answer_advice.into_iter().for_each(&mut add);
        let mut help = Help::default();
        let mut calls = vec![];
        let matched = !sides.is_empty();
        for (activity, direction) in sides {
            let light = &activity.traffic_light;
            if let Some(text) = light.advice_for(colour, direction) {
                add(text);
            }
            help.next = help.next.or_else(|| light.next_for(colour, direction));
            for id in light.medicines_for(colour, direction) {
                // Only what the plan in force still gives.
                if let Some(m) = now.medicines.iter().find(|m| m.id == id) {
                    if !help.medicines.contains(m) {
                        help.medicines.push(m.clone());
                    }
                    let after = light.recheck_for(colour, direction, &id);
                    if let (Some(after_minutes), false) = (after, help.rechecks.iter().any(|r| r.medicine == id)) {
                        let activity = activity.id.clone();
                        help.rechecks.push(Recheck { medicine: id.clone(), activity, after_minutes });
                    }
                }
            }
            for link in light.material_for(colour, direction).iter().filter_map(|id| self.material_link(id)) {
                if !help.material.contains(&link) {
                    help.material.push(link);
                }
            }
            for call in light.calls(colour) {
                if !calls.contains(&call) {
                    calls.push(call);
                }
            }
        }
        // No cause this plan knows (stored before causes were kept, or its
        // activity since dropped): the service, and 113 for red.
        if !matched {
            calls = match colour {
                Colour::Red => vec![Call::Emergency113, Call::Service],
                Colour::Yellow => vec![Call::Service],
                Colour::Green => vec![],
            };
        }
        calls.sort_by_key(|c| match c {
            Call::Emergency113 => 0,
            Call::Service => 1,
        });
        help.whom = whom_now(&now.service, colour, &calls, at, tz);
        help.calls_first = colour == Colour::Red && (!help.whom.now.is_empty() || help.whom.service_closed);
        (advice, help)
    }

    /// An activity's colours as Min plan shows them, green first; a colour
    /// whose rules or texts name a side is shown once per side (below,
    /// then above), each with what applies on that side.
    pub fn colour_blocks(&self, activity: &Activity) -> Vec<ColourBlock> {
        let light = &activity.traffic_light;
        let mut out = vec![];
        for colour in [Colour::Green, Colour::Yellow, Colour::Red] {
            let limits: Vec<_> = light
                .limits
                .iter()
                .filter(|l| l.colour == colour)
                .map(|l| (crate::traffic_light::direction_of(l, &light.limits), l))
                .collect();
            let trends: Vec<_> = light.trends.iter().filter(|t| t.colour == colour).collect();
            // The sides the plan tells apart for this colour.
            let mut sided: Vec<Direction> = limits.iter().filter_map(|(d, _)| *d).collect();
            for t in &trends {
                sided.extend(t.direction.map_or(vec![Direction::Below, Direction::Above], |d| vec![d]));
            }
            sided.extend(light.advice.iter().filter(|a| a.colour == colour).filter_map(|a| a.direction));
            sided.extend(light.medicines.iter().filter(|p| p.colour == colour).filter_map(|p| p.direction));
            let mut shown: Vec<Option<Direction>> = vec![];
            // One block for the colour on either side: when no side is
            // named, or for a band that lies on neither side.
            if sided.is_empty() || limits.iter().any(|(d, _)| d.is_none()) {
                shown.push(None);
            }
            for d in [Direction::Below, Direction::Above] {
                if sided.contains(&d) {
                    shown.push(Some(d));
                }
            }
            for direction in shown {
                let block = ColourBlock {
                    colour,
                    direction,
                    limits: limits.iter().filter(|(d, _)| *d == direction).map(|(_, l)| (*l).clone()).collect(),
                    trends: trends
                        .iter()
                        .filter(|t| t.direction == direction || (t.direction.is_none() && direction.is_some()))
                        .map(|t| (*t).clone())
                        .collect(),
                    advice: light.advice_for(colour, direction),
                    medicines: light
                        .medicines_for(colour, direction)
                        .iter()
                        .filter_map(|id| self.medicines.iter().find(|m| &m.id == id).cloned())
                        .collect(),
                    material: light
                        .material_for(colour, direction)
                        .iter()
                        .filter_map(|id| self.material_link(id))
                        .collect(),
                    calls: light.calls(colour),
                };
                if block.limits.is_empty()
                    && block.trends.is_empty()
                    && block.advice.is_none()
                    && block.calls.is_empty()
                {
                    continue;
                }
                out.push(block);
            }
        }
        out
    }

    /// The medicines Min plan lists on their own: the daily ones, and a
    /// colour's medicine that no activity names (shown with its own words).
    pub fn listed_medicines(&self) -> Vec<Medicine> {
        self.medicines.iter().filter(|m| m.colour.is_none() || self.medicine_uses(&m.id).is_empty()).cloned().collect()
    }

    /// The activities whose traffic light names the medicine `id`, with the
    /// colour: where a colour's medicine belongs in Min plan.
    pub fn medicine_uses(&self, id: &str) -> Vec<(String, Colour)> {
        let mut out = vec![];
        for a in &self.activities {
            for p in a.traffic_light.medicines.iter().filter(|p| p.id == id) {
                if !out.contains(&(a.id.clone(), p.colour)) {
                    out.push((a.id.clone(), p.colour));
                }
            }
        }
        out
    }

    /// A link to the plan's material `id`, if the plan carries it.
    fn material_link(&self, id: &str) -> Option<MaterialLink> {
        self.material.iter().find(|m| m.id == id).map(|m| MaterialLink { id: m.id.clone(), title: m.title.clone() })
    }

    /// Whether reminders and due tasks are off (a pause or the end).
    pub fn is_resting(&self) -> bool {
        matches!(self.phase, Phase::Paused { .. } | Phase::Ended { .. })
    }

    /// The activity that asks for this kind of measurement, if any.
    pub fn activity_for(&self, kind: MeasurementKind) -> Option<&Activity> {
        self.activities.iter().find(|a| a.kind == ActivityKind::Measure { measurement: kind })
    }

    /// The daily medicines' dose schedules as activities of the day, after
    /// the plan's own: id `dose:<medicine id>`, kind
    /// [`ActivityKind::Dose`], no traffic light.
    pub fn dose_activities(&self) -> Vec<Activity> {
        let scheduled = self.medicines.iter().filter_map(|m| Some((m, m.schedule.clone()?)));
        scheduled
            .map(|(m, timing)| Activity {
                id: format!("{DOSE_PREFIX}{}", m.id),
                kind: ActivityKind::Dose { medicine: m.id.clone() },
                timing,
                traffic_light: TrafficLight::default(),
                description: None,
            })
            .collect()
    }

    /// The activity that asks for the questionnaire with this id, if any.
    pub fn activity_for_questionnaire(&self, id: &str) -> Option<&Activity> {
        self.activities
            .iter()
            .find(|a| matches!(&a.kind, ActivityKind::Questionnaire { questionnaire } if questionnaire == id))
    }

    /// The title of the photo the activity `id` asks for, if it asks one.
    pub fn photo_title(&self, id: &str) -> Option<&Text> {
        self.activities.iter().find(|a| a.id == id).and_then(|a| match &a.kind {
            ActivityKind::Photo { title } => Some(title),
            _ => None,
        })
    }
}

/// A kind of reading the measure and history screens offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KindChoice {
    pub kind: MeasurementKind,
    /// The plan asks for it.
    pub planned: bool,
}

/// Every kind of reading, those `plan` asks for first (in the plan's
/// order), then the rest.
pub fn kinds_to_offer(plan: Option<&CarePlan>) -> Vec<KindChoice> {
    let planned: Vec<MeasurementKind> = plan
        .map(|p| {
            p.activities
                .iter()
                .filter_map(|a| match a.kind {
                    ActivityKind::Measure { measurement } => Some(measurement),
                    ActivityKind::Questionnaire { .. } | ActivityKind::Dose { .. } | ActivityKind::Photo { .. } => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let mut out: Vec<KindChoice> = vec![];
    for kind in planned.iter().chain(MeasurementKind::ALL.iter()) {
        if !out.iter().any(|c| c.kind == *kind) {
            out.push(KindChoice { kind: *kind, planned: planned.contains(kind) });
        }
    }
    out
}

/// Two texts one after the other, in each language both have, so a
/// language never labels words of another (a patient whose language only
/// one has sees both in the nearest they share, marked). Without one in
/// common: the first's language, the second in its nearest (rare: a
/// plan's advice needs Bokmål).
fn join(a: Text, b: Text) -> Text {
    let both = |l: Locale| format!("{}\n\n{}", a.get(l), b.get(l));
    let common: Vec<Locale> = a.languages().filter(|l| b.exactly(*l).is_some()).collect();
    let first = common.first().copied().unwrap_or_else(|| a.shown(Locale::Bokmal).0);
    let mut out = Text::new(first, both(first));
    for l in common {
        out.set(l, both(l));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two advices joined keep only the languages both have: an English
    /// reader gets both in Bokmål, marked, never Norwegian labelled English.
    #[test]
    fn joined_advice_never_labels_one_language_as_another() {
        let answer = Text::plain("Ring 113 nå.");
        let mut score = Text::plain("Du har mange plager.");
        score.set(Locale::English, "You have many symptoms.".into());
        let joined = join(answer, score.clone());
        assert_eq!(joined.languages().collect::<Vec<_>>(), [Locale::Bokmal]);
        let want = "Ring 113 nå.\n\nDu har mange plager.".to_string();
        assert_eq!(joined.shown(Locale::English), (Locale::Bokmal, &want));
        let mut both = Text::plain("Ring 113 nå.");
        both.set(Locale::English, "Call 113 now.".into());
        assert_eq!(join(both, score).get(Locale::English), "Call 113 now.\n\nYou have many symptoms.");
    }

    /// The plan's kinds first in its order, each once, then every other
    /// kind; without a plan, every kind in the core's order.
    #[test]
    fn kinds_offered_follow_the_plan() {
        let clock = crate::clock::FixedClock::oslo("2026-11-23T09:00:00Z".parse().unwrap());
        let plan = crate::demo::sample_plan(&clock);
        let offered = kinds_to_offer(Some(&plan));
        let planned: Vec<MeasurementKind> = offered.iter().filter(|c| c.planned).map(|c| c.kind).collect();
        let first: Vec<MeasurementKind> = offered.iter().take(planned.len()).map(|c| c.kind).collect();
        assert_eq!(first, planned, "the planned ones come first");
        assert!(!planned.is_empty() && !planned.contains(&MeasurementKind::BloodGlucose));
        assert_eq!(offered.len(), MeasurementKind::ALL.len(), "every kind, once");
        let none = kinds_to_offer(None);
        assert_eq!(none.iter().map(|c| c.kind).collect::<Vec<_>>(), MeasurementKind::ALL);
        assert!(none.iter().all(|c| !c.planned));
    }
}
