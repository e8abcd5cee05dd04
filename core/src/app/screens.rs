//! What the patient's screens ask: the day's tasks, readings typed by hand
//! and their results, questionnaires, the plan, history and messages (in
//! demo mode the demo nurse replies), and the reminders due in an interval.
//! Whoever is recording comes from the app's state ([`App::recorder`]),
//! never from the webview alone.

use std::{collections::BTreeMap, time::Duration};

use jiff::Timestamp;
use serde::Serialize;

use super::{App, Change, FormFor, Platform};
use crate::{
    appointments::{self, AppointmentList},
    call::media::CallMedia,
    error::{CoreError, ErrorCode},
    locale, manual,
    plan::{ActivityKind, CarePlan, MeasurementKind},
    questionnaire::{Answer, AnswerProblem, Answers, Item, Questionnaire, Text},
    recording::{self, AnswersHistory, AnswersRefused, EntryRefused, History},
    reminders::{self, Reminder},
    results::{QuestionnaireResult, ReadingResult},
    store::medicines::StoredMedicineTaken,
    store::messages::{IncomingMessage, Message},
    today::{self, TodayView},
    vocabulary::ResultItem,
};

/// How long the demo nurse takes to answer a message.
const DEMO_REPLY_AFTER: Duration = Duration::from_secs(3);

/// The privacy notice's version (its words are in `locales/*/privacy.ftl`):
/// raised when they change in a way the patient must read again.
pub const PRIVACY_NOTICE_VERSION: u32 = 2;
/// Store setting: the version of the privacy notice read on this follow-up.
const PRIVACY_READ: &str = "privacy.read-version";

/// Whether this version of the privacy notice has been read in this
/// store for the service at `service` (its FHIR base; after a hand-over the
/// notice names another service, and is asked for again).
pub(crate) fn privacy_read(store: &crate::store::Store, service: &str) -> bool {
    let read = store.setting(PRIVACY_READ).ok().flatten().unwrap_or_default();
    let (version, base) = read.split_once('|').unwrap_or((&read, ""));
    version.parse::<u32>().is_ok_and(|v| v >= PRIVACY_NOTICE_VERSION) && base == service
}

/// The patient's record to save as a file.
#[derive(Debug)]
pub struct Export {
    /// `heima-<local date>.json`.
    pub file_name: String,
    /// The FHIR Bundle as JSON.
    pub text: String,
}

/// Why typed values were refused, or the result.
#[derive(Debug, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum EntryOutcome {
    Stored { result: Box<ReadingResult> },
    Refused { problems: Vec<manual::EntryProblem> },
}

/// Why answers were refused, or the result.
#[derive(Debug, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum AnswersOutcome {
    Stored { result: Box<QuestionnaireResult> },
    Refused { problems: Vec<AnswerProblem> },
}

/// The self-care plan in force, with the questionnaires' titles.
#[derive(Debug, Serialize)]
pub struct PlanView {
    pub plan: CarePlan,
    pub questionnaire_titles: BTreeMap<String, Text>,
    /// Whom to call now if it cannot wait: the service while it is open,
    /// else the out-of-hours route, and when the service opens again.
    pub call_now: crate::contacts::WhomNow,
    /// Each activity's colours as Min plan shows them, by activity id.
    pub colours: BTreeMap<String, Vec<crate::plan::ColourBlock>>,
    /// The medicines listed on their own (daily ones, and a colour's that
    /// no activity names).
    pub medicines: Vec<crate::plan::Medicine>,
}

impl<P: Platform, M: CallMedia> App<P, M> {
    /// The today screen: the plan's tasks for the patient's current day, or
    /// `None` while the service has sent no plan yet.
    pub fn today(&self) -> Result<Option<TodayView>, CoreError> {
        let follow_up = self.follow_up().ok_or_else(super::not_open)?;
        let demo = follow_up.demo();
        let name = demo.map(|demo| demo.patient_name.as_str());
        follow_up
            .with_plan(self.clock(), |store, plan| Ok(today::view_of(store, plan, self.clock(), demo.is_some(), name)?))
    }

    /// The patient (or a relative) has read the privacy notice: the today
    /// screen stops asking, until the notice's version goes up.
    pub fn privacy_notice_read(&self) -> Result<(), CoreError> {
        let service = self.enrolment().ok().flatten().map(|e| e.fhir_base).unwrap_or_default();
        let read = format!("{PRIVACY_NOTICE_VERSION}|{service}");
        self.with_store(|store| Ok(store.set_setting(PRIVACY_READ, &read)?))
    }

    /// The patient has been told that the plan changed up to `version`.
    pub fn plan_change_seen(&self, version: u32) -> Result<(), CoreError> {
        self.with_store(|store| {
            let seen = today::plan_seen(store)?.max(version);
            Ok(store.set_setting(today::PLAN_SEEN, &seen.to_string())?)
        })
    }

    /// Reminders for the plan's tasks that fell due in (`after`, `until`]
    /// and are not done, in the patient's language.
    pub fn reminders_due(&self, after: Timestamp, until: Timestamp) -> Vec<Reminder> {
        self.reminders_with_text(after, until).0
    }

    /// The notifications for what fell due in (`after`, `until`]: one for
    /// each appointment reminded ([`appointments::due`]), then one for the
    /// tasks (several tasks at once are one, [`reminders::together`]).
    pub fn reminder_due(&self, after: Timestamp, until: Timestamp) -> Vec<Reminder> {
        let (due, own) = self.reminders_with_text(after, until);
        let locale = self.settings.lock().unwrap().locale;
        let mut notifications = self.appointment_reminders(after, until, locale);
        notifications.extend(reminders::together(due, locale, own.as_deref()));
        notifications
    }

    /// Reminders of booked appointments in (`after`, `until`], outside
    /// the plan's quiet hours (the default ones without a plan).
    fn appointment_reminders(&self, after: Timestamp, until: Timestamp, locale: locale::Locale) -> Vec<Reminder> {
        let tz = self.clock().time_zone();
        let found = self.with_plan(|store, plan| {
            let quiet = plan.map(|p| p.reminders.quiet).unwrap_or_else(|| crate::plan::ReminderPolicy::default().quiet);
            let service = store.appointment_service()?;
            // Reminders come at most a day before (the quiet hours move them later, not earlier).
            let near = store.appointments(&service, after, until + jiff::SignedDuration::from_hours(24))?;
            Ok(appointments::due(&near, &quiet, &tz, after, until)
                .into_iter()
                .map(|a| appointments::reminder(a, locale, &tz))
                .collect())
        });
        found.unwrap_or_default()
    }

    /// Whether an appointment's card changed by itself in (`after`,
    /// `until`] (a video call can be joined, begins or ends): the screens
    /// are told ([`Change::Appointments`]).
    pub fn appointments_turned(&self, after: Timestamp, until: Timestamp) -> bool {
        let found = self.with_store(|store| {
            let service = store.appointment_service()?;
            // Those starting up to a quarter of an hour after `until`, that one included.
            let to = until + appointments::JOIN_EARLY + jiff::SignedDuration::from_millis(1);
            let near = store.appointments(&service, after, to)?;
            Ok(appointments::turned(&near, after, until))
        });
        found.unwrap_or(false)
    }

    /// The appointment list: what is to come (up to
    /// [`appointments::LIST_AHEAD`]) and what was (back to
    /// [`appointments::LIST_BACK`]).
    pub fn appointments(&self) -> Result<AppointmentList, CoreError> {
        let now = self.clock().now();
        let found = self.with_store(|store| {
            let service = store.appointment_service()?;
            Ok(store.appointments(&service, now - appointments::LIST_BACK, now + appointments::LIST_AHEAD)?)
        })?;
        Ok(appointments::list(&found, now, &self.clock().time_zone()))
    }

    fn reminders_with_text(&self, after: Timestamp, until: Timestamp) -> (Vec<Reminder>, Option<String>) {
        let Ok(Some((plan, tasks))) = self.tasks_now() else { return (Vec::new(), None) };
        let locale = self.settings.lock().unwrap().locale;
        let own = plan.reminder_text.as_ref().map(|t| t.get(locale).clone());
        let tz = self.clock().time_zone();
        let due = reminders::due(&tasks, &plan.reminders, &tz, after, until)
            .into_iter()
            .map(|task| reminders::reminder(task, locale, own.as_deref()))
            .collect();
        (due, own)
    }

    /// The plan in force and today's tasks, without the rest of the today
    /// screen.
    pub(crate) fn tasks_now(&self) -> Result<Option<(CarePlan, Vec<crate::schedule::Task>)>, CoreError> {
        self.with_plan(|store, plan| {
            let Some(plan) = plan else { return Ok(None) };
            let tasks = today::tasks_of(store, &plan, self.clock())?;
            Ok(Some((plan, tasks)))
        })
    }

    /// One stored reading, judged, for the result screen.
    pub fn reading(&self, id: i64) -> Result<ReadingResult, CoreError> {
        self.with_plan(|store, plan| {
            let Some(reading) = store.reading_by_id(id)? else { return Ok(None) };
            Ok(Some(ReadingResult::new(store, plan.as_ref(), &reading, self.clock())?))
        })?
        .ok_or_else(|| CoreError::new(ErrorCode::StoreFailed, "no such reading"))
    }

    /// Stores a reading typed by hand (values by LOINC code, as typed).
    pub fn enter_reading(
        &self,
        kind: MeasurementKind,
        values: &BTreeMap<String, String>,
        form: FormFor,
    ) -> Result<EntryOutcome, CoreError> {
        let entered_by = self.recording_for(form)?;
        let outcome = self.with_store_mut(|store| {
            match recording::record_manual(store, self.clock(), kind, values, &entered_by) {
                Ok(result) => Ok(EntryOutcome::Stored { result: Box::new(result) }),
                Err(EntryRefused::Typed(problems)) => Ok(EntryOutcome::Refused { problems }),
                Err(EntryRefused::Failed(error)) => Err(error),
            }
        })?;
        if let EntryOutcome::Stored { result } = &outcome {
            self.recorded(ResultItem::Reading { id: result.id }, result.judgement.colour());
            self.sync_soon();
        }
        Ok(outcome)
    }

    /// The newest version of a questionnaire the service sent.
    pub fn questionnaire(&self, id: &str) -> Result<Questionnaire, CoreError> {
        self.with_store(|store| Ok(crate::fhir::questionnaire::load(store, id)?))?
            .ok_or_else(|| CoreError::new(ErrorCode::QuestionnaireInvalid, format!("no questionnaire {id}")))
    }

    /// The items to show, in order, given the answers so far (`enableWhen`).
    pub fn questionnaire_screens(&self, id: &str, answers: &Answers) -> Result<Vec<Item>, CoreError> {
        Ok(self.questionnaire(id)?.screens(answers).into_iter().cloned().collect())
    }

    /// Checks one answer before "next".
    pub fn check_answer(&self, id: &str, link_id: &str, answer: &Answer) -> Result<Option<AnswerProblem>, CoreError> {
        Ok(self.questionnaire(id)?.check_answer(link_id, answer).err())
    }

    /// Stores the answers (after the summary) and sends them on.
    pub fn submit_answers(&self, id: &str, answers: &Answers, form: FormFor) -> Result<AnswersOutcome, CoreError> {
        let questionnaire = self.questionnaire(id)?;
        let entered_by = self.recording_for(form)?;
        let identifier = self.new_identifier("response")?;
        let outcome = self.with_store_mut(|store| {
            match recording::submit_answers(store, self.clock(), &questionnaire, answers, &entered_by, &identifier) {
                Ok(result) => Ok(AnswersOutcome::Stored { result: Box::new(result) }),
                Err(AnswersRefused::Answers(problems)) => Ok(AnswersOutcome::Refused { problems }),
                Err(AnswersRefused::Failed(error)) => Err(error),
            }
        })?;
        if let AnswersOutcome::Stored { result } = &outcome {
            self.recorded(ResultItem::Answers { id: result.id }, result.judgement.colour());
            self.sync_soon();
        }
        Ok(outcome)
    }

    /// The patient has read the advice of a result (a yellow one then
    /// leaves the today screen; a red one stays until the service has seen
    /// it).
    pub fn mark_result_read(&self, item: ResultItem) -> Result<(), CoreError> {
        let now = self.clock.now();
        if self.with_store(|store| Ok(store.mark_result_read(item, now)?))? {
            self.tell(Change::ResultRead { item });
        }
        Ok(())
    }

    /// The kinds of reading the measure and history screens offer, the
    /// plan's first.
    pub fn measurement_kinds(&self) -> Result<Vec<crate::plan::KindChoice>, CoreError> {
        self.with_plan(|_, plan| Ok(crate::plan::kinds_to_offer(plan.as_ref())))
    }

    /// The self-care plan in force, with its questionnaires' titles.
    pub fn plan(&self) -> Result<Option<PlanView>, CoreError> {
        self.with_plan(|store, plan| {
            let Some(plan) = plan else {
                return Ok(None);
            };
            let mut titles = BTreeMap::new();
            for activity in &plan.activities {
                if let ActivityKind::Questionnaire { questionnaire } = &activity.kind {
                    if let Some(q) = crate::fhir::questionnaire::load(store, questionnaire)? {
                        titles.insert(questionnaire.clone(), q.title);
                    }
                }
            }
            let now = self.clock().now();
            let call_now = crate::contacts::whom_now(
                &plan.service,
                crate::traffic_light::Colour::Red,
                &[crate::traffic_light::Call::Service],
                now,
                &self.clock().time_zone(),
            );
            let colours = plan.activities.iter().map(|a| (a.id.clone(), plan.colour_blocks(a))).collect();
            let medicines = plan.listed_medicines();
            Ok(Some(PlanView { plan, questionnaire_titles: titles, call_now, colours, medicines }))
        })
    }

    /// The patient's own record as a FHIR `collection` Bundle (readings,
    /// answers, messages, devices), pretty-printed, to take along when the
    /// follow-up ends; the subject is the service's patient when enrolled.
    pub fn export_record(&self) -> Result<Export, CoreError> {
        let patient = self.enrolment().ok().flatten().map(|e| e.patient);
        self.with_store(|store| {
            let now = self.clock().now();
            let bundle = crate::fhir::export_bundle(store, patient.as_deref(), now)?;
            let text = serde_json::to_string_pretty(&bundle)
                .map_err(|e| CoreError::new(crate::error::ErrorCode::StoreFailed, e.to_string()))?;
            let day = now.to_zoned(self.clock().time_zone()).date();
            Ok(Export { file_name: format!("heima-{day}.json"), text })
        })
    }

    /// Readings of a kind over the last `days` days (1 to 366), with the
    /// patient's limits.
    pub fn history(&self, kind: MeasurementKind, days: u16) -> Result<History, CoreError> {
        self.with_store(|store| recording::history(store, self.clock(), kind, days.clamp(1, 366)))
    }

    /// Answers to one of the plan's questionnaires over the last `days`
    /// days (1 to 366): scores and colours, with the score's limits.
    pub fn answers_history(&self, questionnaire: &str, days: u16) -> Result<AnswersHistory, CoreError> {
        self.with_store(|store| recording::answers_history(store, self.clock(), questionnaire, days.clamp(1, 366)))
    }

    /// The patient (or who records now) took a medicine the plan gives
    /// for a result's colour: kept and sent on (see
    /// [`recording::take_colour_medicine`], which also refuses a tap
    /// after training was switched).
    pub fn take_colour_medicine(&self, item: ResultItem, medicine: &str) -> Result<StoredMedicineTaken, CoreError> {
        let by = self.recording_by();
        let identifier = self.new_identifier("taken")?;
        let taken = self.with_store_mut(|store| {
            recording::take_colour_medicine(store, self.clock(), item, medicine, &by, &identifier)
        })?;
        self.sync_soon();
        Ok(taken)
    }

    /// The patient (or who records now) took today's dose planned for
    /// `due` of the plan's medicine: kept and sent on (see
    /// [`recording::take_dose`]); today's task is done.
    pub fn take_dose(&self, medicine: &str, due: Timestamp) -> Result<StoredMedicineTaken, CoreError> {
        let by = self.recording_by();
        let identifier = self.new_identifier("taken")?;
        let taken =
            self.with_store_mut(|store| recording::take_dose(store, self.clock(), medicine, due, &by, &identifier))?;
        self.sync_soon();
        Ok(taken)
    }

    pub fn messages(&self) -> Result<Vec<Message>, CoreError> {
        self.with_store(|store| Ok(store.messages()?))
    }

    /// Stores and queues the patient's message; in demo mode the demo
    /// nurse answers after a few seconds.
    pub fn send_message(&self, text: &str) -> Result<Vec<Message>, CoreError> {
        let identifier = self.new_identifier("message")?;
        let now = self.clock.now();
        let by = self.recording_by();
        self.with_store_mut(|store| Ok(store.send_message(text, &identifier, now, &by)?))?;
        self.sync_soon();
        let follow_up = self.follow_up().filter(|f| f.demo().is_some());
        if let Some(follow_up) = follow_up {
            let reply = IncomingMessage {
                identifier: format!("demo-reply/{identifier}"),
                sent: now + DEMO_REPLY_AFTER,
                body: locale::format(self.settings.lock().unwrap().locale, "demo-reply", &[]),
            };
            // Into this demo's store only, if it is still there.
            let follow_up = std::sync::Arc::downgrade(&follow_up);
            let changes = self.changes.clone();
            self.runtime.spawn(async move {
                tokio::time::sleep(DEMO_REPLY_AFTER).await;
                let Some(follow_up) = follow_up.upgrade() else { return };
                let mut store = follow_up.store.lock().unwrap();
                let Some(store) = store.as_mut() else { return };
                match store.receive_messages(&[reply]) {
                    Ok(_) => changes.tell(Change::Messages),
                    Err(e) => log::warn!("demo reply not stored: {e}"),
                }
            });
        }
        self.messages()
    }

    /// Marks the replies as read (the messages screen was shown).
    pub fn mark_messages_read(&self) -> Result<usize, CoreError> {
        let now = self.clock.now();
        self.with_store(|store| Ok(store.mark_messages_read(now)?))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::{
        app::{testing::TestApp, EntryOutcome, FormFor},
        plan::MeasurementKind,
        schedule::TaskState,
        store::readings::EnteredBy,
        traffic_light::Judgement,
    };

    #[tokio::test]
    async fn a_typed_reading_is_stored_for_whoever_records() {
        let t = TestApp::demo();
        assert!(t.app.today().unwrap().is_some(), "the demo has a plan");
        t.app.set_taken_by(EnteredBy::Relative, None).unwrap();
        let values = BTreeMap::from([("8867-4".to_string(), "72".to_string())]);
        let EntryOutcome::Stored { result } =
            t.app.enter_reading(MeasurementKind::Pulse, &values, FormFor::Real).unwrap()
        else {
            panic!("refused")
        };
        let stored = t.app.reading(result.id).unwrap();
        assert_eq!(stored.id, result.id);
        let typo = BTreeMap::from([("8867-4".to_string(), "7x2".to_string())]);
        assert!(matches!(
            t.app.enter_reading(MeasurementKind::Pulse, &typo, FormFor::Real).unwrap(),
            EntryOutcome::Refused { .. }
        ));
    }

    /// A form opened in training and sent after training ended (the lock
    /// closed meanwhile), or opened for real and sent in training, is not
    /// stored as the other: the patient is told and sends again.
    #[tokio::test]
    async fn a_form_sent_after_training_switched_is_refused_and_nothing_stored() {
        let t = TestApp::demo();
        let values = BTreeMap::from([("8867-4".to_string(), "72".to_string())]);
        let far = jiff::Timestamp::MAX;
        let count =
            || t.app.with_store(|s| Ok(s.readings(MeasurementKind::Pulse, jiff::Timestamp::MIN, far)?.len())).unwrap();
        let before = count();
        t.app.nurse_unlock(crate::app::DEMO_NURSE_CODE).unwrap();
        t.app.set_training(true).unwrap();
        let refused = t.app.enter_reading(MeasurementKind::Pulse, &values, FormFor::Real).unwrap_err();
        assert_eq!(refused.code, "training-changed");
        let EntryOutcome::Stored { result } =
            t.app.enter_reading(MeasurementKind::Pulse, &values, FormFor::Training).unwrap()
        else {
            panic!("refused")
        };
        assert_eq!(
            t.app.with_store(|s| Ok(s.reading_by_id(result.id)?)).unwrap().unwrap().entered_by,
            EnteredBy::NurseTraining
        );
        t.app.set_training(false).unwrap();
        let refused = t.app.enter_reading(MeasurementKind::Pulse, &values, FormFor::Training).unwrap_err();
        assert_eq!(refused.code, "training-changed");
        let answers = crate::questionnaire::Answers::default();
        let refused = t.app.submit_answers("daily-copd-check", &answers, FormFor::Training).unwrap_err();
        assert_eq!(refused.code, "training-changed");
        assert_eq!(count(), before + 1, "only the practice reading sent as practice was stored");
    }

    #[tokio::test]
    async fn reminders_name_the_demo_tasks_not_yet_done_in_the_interval() {
        let t = TestApp::demo();
        let now = t.app.clock().now();
        assert!(t.app.reminders_due(now, now).is_empty(), "an empty interval has nothing due");
        let day = jiff::SignedDuration::from_hours(24);
        let due = t.app.reminders_due(now - day, now + day);
        let tasks = t.app.today().unwrap().unwrap().tasks;
        let to_do = |timed: bool| -> Vec<&str> {
            let of = tasks.iter().filter(|t| t.state == TaskState::ToDo && (!timed || t.due.is_some()));
            of.map(|t| t.activity_id.as_str()).collect()
        };
        let reminded: Vec<&str> = due.iter().map(|r| r.activity_id.as_str()).collect();
        assert!(to_do(true).iter().all(|id| reminded.contains(id)), "every timed task to do today is reminded of");
        assert!(reminded.iter().all(|id| to_do(false).contains(id)), "and nothing else: {reminded:?}");
        assert!(due.iter().all(|r| !r.title.is_empty() && !r.body.is_empty()));
    }

    /// The demo's video call (at the next quarter hour but one) is
    /// reminded as it can be joined, in its own notification beside the
    /// tasks'; the screens are told as its card changes; it is joined
    /// then and not before; a home visit is never joined.
    #[tokio::test]
    async fn the_demo_video_call_is_reminded_and_joined_at_its_time() {
        // A weekday morning: its reminder an hour before is out of the quiet hours.
        let morning = crate::clock::FixedClock::oslo("2026-11-23T09:05:00Z".parse().unwrap());
        let t = TestApp::demo_with(|c| c.clock = std::sync::Arc::new(morning));
        let now = t.app.clock().now();
        let video =
            t.app.appointments().unwrap().upcoming.into_iter().find(|c| c.appointment.id == "demo-video").unwrap();
        let start = video.appointment.start;
        let join_at = start - crate::appointments::JOIN_EARLY;
        let hour = jiff::SignedDuration::from_hours(1);
        let reminded = t.app.reminder_due(join_at - jiff::SignedDuration::from_secs(1), join_at);
        assert_eq!(reminded[0].activity_id, "appointment:demo-video", "{reminded:?}");
        assert!(reminded[0].body.contains(&video.start_local), "{}", reminded[0].body);
        let earlier = t.app.reminder_due(start - hour - jiff::SignedDuration::from_secs(1), start - hour);
        assert!(earlier.iter().any(|r| r.activity_id == "appointment:demo-video"), "an hour before, too");
        assert!(t.app.appointments_turned(join_at - jiff::SignedDuration::from_secs(1), join_at));
        assert!(!t.app.appointments_turned(join_at, join_at + jiff::SignedDuration::from_secs(60)));
        // The demo clock is fixed: the call can be joined within a quarter of an hour.
        assert!(now >= join_at && now < start, "{now} {start}");
        assert!(video.can_join);
        t.app.appointment_join("demo-visit").map(|_| ()).expect_err("a home visit is not joined");
        assert_eq!(t.app.appointment_join("no-such").unwrap_err().code, "appointment-not-now");
        t.app.appointment_join("demo-video").unwrap();
        assert!(t.app.call_screen().line.phase.is_on(), "the call is placed");
        t.app.call_hang_up().await;
    }

    #[tokio::test(start_paused = true)]
    async fn the_demo_nurse_answers_a_message() {
        let t = TestApp::demo();
        let sent = t.app.send_message("Hei").unwrap();
        assert_eq!(sent.len(), t.app.messages().unwrap().len());
        let before = sent.len();
        tokio::time::sleep(super::DEMO_REPLY_AFTER * 2).await;
        assert_eq!(t.app.messages().unwrap().len(), before + 1);
    }

    /// Before the service has sent a plan, a typed reading is saved and
    /// queued, and its result says it could not be judged yet — not an
    /// error.
    #[tokio::test]
    async fn a_reading_before_any_plan_is_saved_and_says_why_it_is_not_judged() {
        let t = TestApp::enrolled();
        assert!(t.app.today().unwrap().is_none(), "no plan yet");
        let values = BTreeMap::from([("8867-4".to_string(), "72".to_string())]);
        let EntryOutcome::Stored { result } =
            t.app.enter_reading(MeasurementKind::Pulse, &values, FormFor::Real).unwrap()
        else {
            panic!("refused")
        };
        assert_eq!(result.judgement, Judgement::NotJudged(crate::traffic_light::NotJudged::NoPlan));
        assert!(result.help == crate::plan::Help::default() && result.advice.is_none());
        assert_eq!(t.app.with_store(|s| Ok(s.outbox_status()?.waiting)).unwrap(), 1, "queued for the service");
        assert_eq!(serde_json::to_value(&result.judgement).unwrap()["reason"], "no-plan");
    }

    /// The record says who wrote: the patient, a relative for them, or
    /// the nurse in training — whose message is never sent.
    #[tokio::test]
    async fn a_message_says_who_wrote_it_and_training_stays_home() {
        use crate::store::readings::EnteredBy;
        let t = TestApp::enrolled();
        let waiting = || t.app.with_store(|s| Ok(s.outbox_status()?.waiting)).unwrap();
        t.app.send_message("Fra meg").unwrap();
        t.app.set_taken_by(EnteredBy::Relative, None).unwrap();
        t.app.send_message("Fra dottera").unwrap();
        assert_eq!(waiting(), 2);
        let t = t.restart_with(|c| c.nurse_code = Some("9753".into()));
        t.app.nurse_unlock("9753").unwrap();
        t.app.set_training(true).unwrap();
        t.app.send_message("Øving").unwrap();
        assert_eq!(waiting(), 2, "training is never queued");
        let by: Vec<_> =
            t.app.messages().unwrap().iter().map(|m| (m.body.clone(), m.entered_by, m.delivered)).collect();
        assert_eq!(
            by,
            [
                ("Fra meg".to_string(), Some(EnteredBy::Patient), Some(false)),
                ("Fra dottera".to_string(), Some(EnteredBy::Relative), Some(false)),
                ("Øving".to_string(), Some(EnteredBy::NurseTraining), None),
            ]
        );
    }
}
