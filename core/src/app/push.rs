//! The push channel as the app runs it: one session at a time (the push loop
//! in `loops.rs` calls [`App::push_session`] again after the wait it
//! returns). A session finds the tablet's subscription in the store or
//! creates it on the enrolled service, asks for a binding token, binds a
//! WebSocket, and turns notifications into a sync round and a look for a
//! call. The state ([`App::push_state`]) decides how often the sync and call
//! loops still ask on their own: [`App::sync_every`] (hourly with push,
//! every 15 minutes without, sooner for a waiting item that is due, never
//! below a minute) and [`App::call_poll_every`] (only when announced with
//! push, once a minute without). Policy: `sync::push`; I/O: `sync::channel`.
//!
//! Tests against hfs with subscriptions: a message, a plan and a call
//! announcement wake the tablet within a second, another patient's do not; a
//! write while the network is cut (`heima_test_support::relay`) arrives
//! after it is back; a server without subscriptions is asked every 15
//! minutes.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{App, Mode, Platform};
use crate::{
    call::media::CallMedia,
    enrolment::Enrolment,
    sync::{
        channel::{self, Offer, PushSocket},
        client::{FhirClient, SyncError},
        push::{pace, reaction, PushState},
    },
};

/// Where the tablet's subscription is remembered (in the store: it belongs
/// to this patient's follow-up and goes with it).
const SUBSCRIPTION_SETTING: &str = "push.subscription";
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The subscription on a service, by the service's FHIR base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct KnownSubscription {
    base: String,
    id: String,
}

/// How a session's setup ended.
enum Setup {
    Bound(Box<PushSocket>, String),
    NotOffered,
}

impl<P: Platform, M: CallMedia> App<P, M> {
    /// Where the push channel stands.
    pub fn push_state(&self) -> PushState {
        self.follow_up().map_or(PushState::Off, |f| *f.push.lock().unwrap())
    }

    /// A new state; when the sync or call loop's pace changes with it,
    /// that loop is woken to look once and take up the new pace (the sync
    /// loop may be in the middle of an hour's sleep when push goes down).
    fn set_push_state(&self, state: PushState) {
        let Some(follow_up) = self.follow_up() else { return };
        let before = std::mem::replace(&mut *follow_up.push.lock().unwrap(), state);
        if before.call_poll_every() != state.call_poll_every() {
            self.call_wake.notify_one();
        }
        if before.poll_every() != state.poll_every() {
            self.sync_soon();
        }
    }

    /// How long the sync loop sleeps when nothing wakes it: the channel's
    /// pace, or sooner when an item waiting to be sent is due — but never
    /// less than a minute (an item still due after a round is one the
    /// service would not take yet: a 401 the round could not mend, a store
    /// it could not open).
    pub fn sync_every(&self) -> Duration {
        const AT_LEAST: Duration = Duration::from_secs(60);
        let every = self.push_state().poll_every();
        let next_try = self.with_store(|s| Ok(s.outbox_next_try()?)).ok().flatten();
        match next_try {
            Some(at) => {
                let until = self.clock.now().duration_until(at);
                let until = Duration::try_from(until).unwrap_or(Duration::ZERO);
                every.min(until.max(AT_LEAST))
            }
            None => every,
        }
    }

    /// How often the call loop asks the call endpoint when nothing
    /// announced a call; `None`: only when announced.
    pub fn call_poll_every(&self) -> Option<Duration> {
        self.push_state().call_poll_every()
    }

    /// Waits until the push channel should start afresh (an enrolment, a new
    /// service): the shell's loop stops waiting then.
    pub async fn push_wanted(&self) {
        self.push_wake.notified().await
    }

    /// Waits until the push channel announced a call (or its end).
    pub async fn call_check_wanted(&self) {
        self.call_wake.notified().await
    }

    /// One session of the push channel: connects (creating the tablet's
    /// subscription if needed), reads notifications until the connection
    /// ends, and returns how long to wait before the next session.
    pub async fn push_session(&self) -> Duration {
        let enrolment = match (self.mode(), self.enrolment()) {
            (Mode::Enrolled, Ok(Some(enrolment))) => enrolment,
            _ => {
                self.set_push_state(PushState::Off);
                return PushState::Off.wait(0.5);
            }
        };
        if self.push_state() == PushState::Off {
            self.set_push_state(PushState::Starting);
        }
        let outcome = async {
            let client = FhirClient::new(&enrolment.fhir_base, REQUEST_TIMEOUT, Some(enrolment.access_token.clone()))?;
            match self.push_setup(&client, &enrolment).await? {
                Setup::NotOffered => Ok(false),
                Setup::Bound(socket, id) => self.push_listen(*socket, &id).await.map(|()| true),
            }
        }
        .await;
        let now = self.clock.now();
        let state = match outcome {
            Ok(false) => {
                log::info!("push: the service offers no subscriptions; asking every 15 minutes");
                PushState::NotOffered { since: now }
            }
            // Asked to start afresh, or no longer enrolled: the next session decides.
            Ok(true) => PushState::Starting,
            Err(error) => {
                log::info!("push: channel down: {}", error.code());
                if matches!(error, SyncError::Unauthorized(_)) {
                    // The sync round refreshes the token (one place uses the refresh token).
                    self.sync_soon();
                }
                self.push_state().failed(now)
            }
        };
        // No round here: a failed try would make one at each backoff step;
        // the next handshake fetches what was written meanwhile, and without
        // push the sync loop keeps its own pace.
        self.set_push_state(state);
        state.wait(self.random_unit())
    }

    /// The subscription (remembered, or created), a binding token, a bound
    /// socket.
    async fn push_setup(&self, client: &FhirClient, enrolment: &Enrolment) -> Result<Setup, SyncError> {
        let known = self.known_subscription().filter(|k| k.base == enrolment.fhir_base);
        let mut id = match known {
            Some(known) => known.id,
            None => match self.push_create(client, enrolment).await? {
                Some(id) => id,
                None => return Ok(Setup::NotOffered),
            },
        };
        let mut created_now = false;
        loop {
            match channel::binding_token(client, &id).await? {
                Offer::Token(token) => {
                    let socket = PushSocket::open(client, &token).await?;
                    return Ok(Setup::Bound(Box::new(socket), id));
                }
                Offer::NotOffered => return Ok(Setup::NotOffered),
                // Once: a subscription made just now that is "gone" means none are kept.
                Offer::SubscriptionGone if created_now => return Ok(Setup::NotOffered),
                Offer::SubscriptionGone => {
                    id = match self.push_create(client, enrolment).await? {
                        Some(id) => id,
                        None => return Ok(Setup::NotOffered),
                    };
                    created_now = true;
                }
            }
        }
    }

    /// The subscription remembered in the store, if any.
    fn known_subscription(&self) -> Option<KnownSubscription> {
        let text = self.with_store(|s| Ok(s.setting(SUBSCRIPTION_SETTING)?)).ok().flatten()?;
        serde_json::from_str(&text).ok()
    }

    async fn push_create(&self, client: &FhirClient, enrolment: &Enrolment) -> Result<Option<String>, SyncError> {
        let Some(id) = channel::create_subscription(client, &enrolment.patient).await? else { return Ok(None) };
        let known = KnownSubscription { base: enrolment.fhir_base.clone(), id: id.clone() };
        let text = serde_json::to_string(&known).expect("plain data serialises");
        if let Err(error) = self.with_store(|s| Ok(s.set_setting(SUBSCRIPTION_SETTING, &text)?)) {
            log::warn!("push: the subscription's id not remembered: {}", error.code);
        }
        Ok(Some(id))
    }

    /// The follow-up ends on this tablet: its subscription is deleted at the
    /// service (best effort, before the tokens are revoked), so nothing is
    /// pushed for a tablet that is gone.
    pub(crate) async fn push_forget(&self) {
        let Some(known) = self.known_subscription() else { return };
        let Ok(Some(enrolment)) = self.enrolment() else { return };
        if enrolment.fhir_base != known.base {
            return;
        }
        let deleted = async {
            let client = FhirClient::new(&known.base, REQUEST_TIMEOUT, Some(enrolment.access_token.clone()))?;
            client.delete(&format!("Subscription/{}", known.id)).await
        };
        match deleted.await {
            Ok(()) => log::info!("push: the subscription is deleted at the service"),
            Err(error) => log::warn!("push: the subscription not deleted at the service: {}", error.code()),
        }
    }

    /// Reads notifications until the connection ends (an error), or the
    /// tablet is no longer enrolled or enrolled anew (`Ok`).
    async fn push_listen(&self, mut socket: PushSocket, id: &str) -> Result<(), SyncError> {
        let first = socket.next(pace::ANSWER_WITHIN, pace::ANSWER_WITHIN).await?;
        if first.kind != crate::fhir::subscription::NotificationKind::Handshake {
            return Err(SyncError::BadResponse("the channel did not begin with a handshake".into()));
        }
        self.set_push_state(self.push_state().connected_at(self.clock.now()));
        log::info!("push: connected");
        let mut notification = first;
        loop {
            // Only this tablet's subscription counts.
            if notification.subscription.ends_with(&format!("Subscription/{id}")) {
                let wanted = reaction(&notification);
                if wanted.fetch {
                    self.sync_soon();
                }
                if wanted.check_call {
                    self.call_wake.notify_one();
                    self.calls.check_soon();
                }
            }
            if self.mode() != Mode::Enrolled {
                socket.close().await;
                return Ok(());
            }
            notification = tokio::select! {
                next = socket.next(pace::KEEP_ALIVE, pace::ANSWER_WITHIN) => next?,
                _ = self.push_wake.notified() => {
                    socket.close().await;
                    return Ok(());
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use heima_test_support::{
        hfs::{free_port, Hfs, HfsOptions, Push},
        relay::Relay,
    };
    use serde_json::{json, Value as Json};
    use tokio::time::timeout;

    use crate::{
        app::testing::TestApp,
        sync::{
            client::FhirClient,
            push::{pace, PushState},
        },
    };

    /// The shell's push loop.
    async fn push_loop(t: &TestApp) {
        loop {
            let wait = t.app.push_session().await;
            tokio::time::sleep(wait).await;
        }
    }

    /// The shell's sync loop.
    async fn sync_loop(t: &TestApp) {
        loop {
            t.app.sync_round().await;
            tokio::select! {
                _ = t.app.sync_wanted() => {}
                _ = tokio::time::sleep(t.app.sync_every()) => {}
            }
        }
    }

    async fn until(what: &str, within: Duration, mut check: impl FnMut() -> bool) {
        let started = Instant::now();
        while !check() {
            assert!(started.elapsed() < within, "{what}: not within {within:?}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Wake-ups left from before (the handshake's catch-up).
    async fn drain(t: &TestApp) {
        while timeout(Duration::from_millis(100), t.app.sync_wanted()).await.is_ok() {}
        while timeout(Duration::from_millis(100), t.app.call_check_wanted()).await.is_ok() {}
    }

    fn message(to: &str, text: &str) -> Json {
        json!({
            "resourceType": "Communication", "status": "completed",
            "recipient": [{ "reference": to }], "subject": { "reference": to },
            "sent": "2026-11-30T10:00:00Z", "payload": [{ "contentString": text }]
        })
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn what_the_service_writes_for_the_patient_wakes_the_tablet_within_a_second() {
        let hfs = Hfs::start().await;
        let t = TestApp::enrolled_at(&hfs.base);
        let service = FhirClient::new(&hfs.base, Duration::from_secs(5), None).unwrap();
        let body = async {
            until("connected", Duration::from_secs(15), || t.app.push_state().connected()).await;
            assert_eq!(t.app.sync_every(), pace::POLL_WITH_PUSH);
            assert_eq!(t.app.call_poll_every(), None, "calls come through the channel");
            let plan = json!({ "resourceType": "CarePlan", "status": "active", "intent": "plan",
                "subject": { "reference": "Patient/p1" } });
            let call = json!({ "resourceType": "Communication", "status": "in-progress",
                "subject": { "reference": "Patient/p1" }, "recipient": [{ "reference": "Patient/p1" }],
                "category": [{ "coding": [{ "system": "https://fhir.heima.no/CodeSystem/follow-up", "code": "video-call" }] }] });
            // What is written, whether the tablet fetches, whether it looks for a call.
            let cases = [
                ("a message", message("Patient/p1", "Hei!"), true, true),
                ("a changed plan", plan, true, false),
                ("a call announced", call, true, true),
                ("another patient's message", message("Patient/p2", "Ikkje til deg"), false, false),
            ];
            for (what, resource, fetches, looks_for_call) in cases {
                drain(&t).await;
                let written = Instant::now();
                service.post(resource["resourceType"].as_str().unwrap(), &resource).await.unwrap();
                let woke = timeout(Duration::from_secs(1), t.app.sync_wanted()).await.is_ok();
                let after = written.elapsed();
                assert_eq!(woke, fetches, "{what}: fetch");
                let looked = timeout(Duration::from_millis(300), t.app.call_check_wanted()).await.is_ok();
                assert_eq!(looked, looks_for_call, "{what}: call");
                println!("{what}: {} after {after:?}", if woke { "woke" } else { "nothing" });
            }
        };
        tokio::select! {
            _ = push_loop(&t) => unreachable!(),
            _ = body => {}
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn what_is_written_while_the_network_is_down_arrives_when_it_is_back() {
        let (hfs_port, relay_port) = (free_port(), free_port());
        let relay = Relay::start(relay_port, hfs_port).await;
        let front = format!("http://127.0.0.1:{relay_port}");
        let options = HfsOptions { port: hfs_port, public_base: Some(front.clone()), ..HfsOptions::default() };
        let hfs = Hfs::start_with(options).await;
        let t = TestApp::enrolled_at(&front);
        let service = FhirClient::new(&hfs.base, Duration::from_secs(5), None).unwrap();
        let body = async {
            until("connected", Duration::from_secs(15), || t.app.push_state().connected()).await;
            relay.cut();
            until("down", Duration::from_secs(5), || matches!(t.app.push_state(), PushState::Down { .. })).await;
            assert_eq!(t.app.sync_every(), pace::POLL_WITHOUT_PUSH, "no push: every 15 minutes");
            service.post("Communication", &message("Patient/p1", "Skrive medan nettet var borte")).await.unwrap();
            tokio::time::sleep(Duration::from_secs(3)).await; // a try or two fails meanwhile
            relay.restore();
            let has_it = || t.app.messages().unwrap().iter().any(|m| m.body == "Skrive medan nettet var borte");
            until("caught up", Duration::from_secs(20), has_it).await;
            assert!(t.app.push_state().connected());
        };
        tokio::select! {
            _ = push_loop(&t) => unreachable!(),
            _ = sync_loop(&t) => unreachable!(),
            _ = body => {}
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_service_without_subscriptions_is_asked_every_15_minutes_at_most() {
        let hfs = Hfs::start_with(HfsOptions { push: Push::NotOffered, ..HfsOptions::default() }).await;
        let t = TestApp::enrolled_at(&hfs.base);
        let wait = t.app.push_session().await;
        assert!(matches!(t.app.push_state(), PushState::NotOffered { .. }), "{:?}", t.app.push_state());
        assert_eq!(wait, pace::NOT_OFFERED_RECHECK);
        assert_eq!(t.app.sync_every(), pace::POLL_WITHOUT_PUSH);
        assert_eq!(t.app.call_poll_every(), Some(pace::CALL_POLL_WITHOUT_PUSH));
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn the_subscription_is_kept_across_sessions_and_deleted_at_the_end() {
        let hfs = Hfs::start().await;
        let t = TestApp::enrolled_at(&hfs.base);
        let service = FhirClient::new(&hfs.base, Duration::from_secs(5), None).unwrap();
        let subscriptions = || async { service.search_all("Subscription").await.unwrap().len() };
        for _ in 0..2 {
            let session = async {
                until("connected", Duration::from_secs(15), || t.app.push_state().connected()).await;
            };
            tokio::select! {
                _ = push_loop(&t) => unreachable!(),
                _ = session => {}
            }
        }
        assert_eq!(subscriptions().await, 1, "one subscription, made once and used again");
        t.app.push_forget().await;
        assert_eq!(subscriptions().await, 0, "deleted at the end");
    }

    #[tokio::test]
    async fn a_waiting_item_brings_the_next_round_forward_but_never_below_a_minute() {
        let t = TestApp::enrolled();
        assert_eq!(t.app.sync_every(), pace::POLL_WITHOUT_PUSH, "nothing waits");
        let now = t.app.clock().now();
        let typed = std::collections::BTreeMap::from([("29463-7".to_string(), "70.0".to_string())]);
        let m = crate::manual::measurement(crate::vocabulary::MeasurementKind::BodyWeight, &typed, now).unwrap();
        let reading = crate::store::readings::NewReading::unjudged(&m, crate::vocabulary::EnteredBy::Patient, now);
        t.app.with_store_mut(|s| Ok(s.insert_reading(&reading)?)).unwrap();
        assert_eq!(t.app.sync_every(), Duration::from_secs(60), "due now (a round just failed): a minute");
        let id = t.app.with_store(|s| Ok(s.outbox_due(now, 10)?[0].id)).unwrap();
        let later = now.checked_add(jiff::SignedDuration::from_mins(5)).unwrap();
        t.app.with_store(|s| Ok(s.outbox_failed(id, "503", later)?)).unwrap();
        let every = t.app.sync_every();
        assert!((Duration::from_secs(299)..=Duration::from_secs(300)).contains(&every), "its next try: {every:?}");
    }

    #[tokio::test]
    async fn no_channel_unless_enrolled() {
        let t = TestApp::demo();
        assert_eq!(t.app.push_session().await, Duration::from_secs(30));
        assert_eq!(t.app.push_state(), PushState::Off);
        assert_eq!(t.app.call_poll_every(), None);
    }
}
