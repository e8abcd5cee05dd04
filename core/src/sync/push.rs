//! The push channel's policy, pure: where the channel stands
//! ([`PushState`]), how long to wait before connecting again (backoff from 2
//! s doubling to 5 minutes, with the random part passed in), how often the
//! app still asks the service when push works and when it does not
//! ([`PushState::poll_every`]), and what a notification asks the app to do
//! ([`reaction`]). The socket is [`super::channel`]'s, the session
//! `app/push.rs`'s. Protocol: `docs/fhir-server.md`.

use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

use crate::fhir::subscription::{Notification, NotificationKind};

/// How the channel paces itself.
pub mod pace {
    use std::time::Duration;

    /// A ping on a quiet socket this often keeps a home router's NAT
    /// mapping open and finds a dead connection.
    pub const KEEP_ALIVE: Duration = Duration::from_secs(120);
    /// A ping, or the bind, unanswered this long: the connection is dead.
    pub const ANSWER_WITHIN: Duration = Duration::from_secs(15);
    /// With push working, one round this often anyway (a lost
    /// notification costs at most this long).
    pub const POLL_WITH_PUSH: Duration = Duration::from_secs(60 * 60);
    /// Without push (not offered, or down): a round this often, never more.
    pub const POLL_WITHOUT_PUSH: Duration = Duration::from_secs(15 * 60);
    /// A service that offers no subscriptions is asked again this often
    /// (it may have started to).
    pub const NOT_OFFERED_RECHECK: Duration = Duration::from_secs(6 * 60 * 60);
    /// The call endpoint is asked for an incoming call this often when push
    /// cannot announce calls; with push, only when the channel says so.
    pub const CALL_POLL_WITHOUT_PUSH: Duration = Duration::from_secs(60);
    /// Backoff between tries to connect: the first wait, and the longest.
    pub const RETRY_FIRST: Duration = Duration::from_secs(2);
    pub const RETRY_MOST: Duration = Duration::from_secs(5 * 60);
    /// A connection that ends sooner than this after its handshake counts
    /// as one more failure, not as a new start: a service that closes the
    /// socket after each handshake gets the backoff, not a round every 2 s.
    pub const STABLE_AFTER: Duration = Duration::from_secs(60);
    /// While a call is on, the call endpoint is asked this often whether it
    /// still is (the channel tells sooner when the nurse hangs up).
    pub const CALL_FOLLOW_WITH_PUSH: Duration = Duration::from_secs(10);
}

/// Where the push channel stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum PushState {
    /// Not enrolled (demo, revoked, ended): no channel.
    Off,
    /// Connecting for the first time since start.
    Starting,
    /// Bound to the subscription; notifications arrive. `after_failures`:
    /// the failures before it, which count on if it does not last.
    Connected { since: Timestamp, after_failures: u32 },
    /// Lost or refused; trying again after a backoff.
    Down { failures: u32, since: Timestamp },
    /// The service offers no subscriptions (or not to this patient).
    NotOffered { since: Timestamp },
}

impl PushState {
    pub fn connected(&self) -> bool {
        matches!(self, PushState::Connected { .. })
    }

    /// How often a sync round runs when nothing wakes it.
    pub fn poll_every(&self) -> Duration {
        if self.connected() {
            pace::POLL_WITH_PUSH
        } else {
            pace::POLL_WITHOUT_PUSH
        }
    }

    /// How often the call endpoint is asked for an incoming call when
    /// nothing announced one; `None`: only when announced.
    pub fn call_poll_every(&self) -> Option<Duration> {
        match self {
            PushState::Connected { .. } | PushState::Off => None,
            _ => Some(pace::CALL_POLL_WITHOUT_PUSH),
        }
    }

    /// The state once the channel's handshake came at `now`.
    pub fn connected_at(self, now: Timestamp) -> PushState {
        let after_failures = match self {
            PushState::Down { failures, .. } => failures,
            PushState::Connected { after_failures, .. } => after_failures,
            _ => 0,
        };
        PushState::Connected { since: now, after_failures }
    }

    /// The state after a failed try, or a lost connection, at `now`
    /// (`Down`, one more failure; a connection that lasted less than
    /// [`pace::STABLE_AFTER`] goes on from the failures before it).
    pub fn failed(self, now: Timestamp) -> PushState {
        match self {
            PushState::Down { failures, since } => PushState::Down { failures: failures.saturating_add(1), since },
            PushState::Connected { since, after_failures }
                if now.duration_since(since)
                    < jiff::SignedDuration::try_from(pace::STABLE_AFTER).unwrap_or_default() =>
            {
                PushState::Down { failures: after_failures.saturating_add(1), since: now }
            }
            _ => PushState::Down { failures: 1, since: now },
        }
    }

    /// How long to wait before the next try from this state; `unit` is
    /// random in `[0, 1)`.
    pub fn wait(&self, unit: f64) -> Duration {
        match self {
            // Only a local look (is the tablet enrolled now?).
            PushState::Off => Duration::from_secs(30),
            PushState::Starting | PushState::Connected { .. } => Duration::ZERO,
            PushState::Down { failures, .. } => retry_after(*failures, unit),
            PushState::NotOffered { .. } => pace::NOT_OFFERED_RECHECK,
        }
    }
}

/// Exponential backoff from [`pace::RETRY_FIRST`] to [`pace::RETRY_MOST`],
/// each wait between 75 % and 125 % of its step (`unit` random in
/// `[0, 1)`), so ten thousand tablets losing the service at once do not
/// come back at once.
pub fn retry_after(failures: u32, unit: f64) -> Duration {
    let step = pace::RETRY_FIRST.saturating_mul(1u32 << failures.saturating_sub(1).min(16)).min(pace::RETRY_MOST);
    step.mul_f64(0.75 + 0.5 * unit.clamp(0.0, 1.0))
}

/// What a notification asks of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reaction {
    /// Fetch what changed (one sync round).
    pub fetch: bool,
    /// Ask the call endpoint at once: a call may ring, or have ended.
    pub check_call: bool,
}

/// What to do about one notification. A handshake (after every connect)
/// fetches, so whatever was written while the socket was down is caught
/// up; an event fetches, and one about a `Communication` (messages and
/// call announcements) also asks about a call. A heartbeat asks nothing.
pub fn reaction(notification: &Notification) -> Reaction {
    match notification.kind {
        NotificationKind::Heartbeat | NotificationKind::QueryStatus => Reaction::default(),
        NotificationKind::Handshake => Reaction { fetch: true, check_call: true },
        NotificationKind::EventNotification | NotificationKind::QueryEvent => Reaction {
            fetch: true,
            check_call: notification.events.is_empty()
                || notification
                    .events
                    .iter()
                    .any(|e| e.focus.as_ref().is_none_or(|f| f.resource_type == "Communication")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fhir::subscription::{Event, Focus};

    #[test]
    fn backoff_doubles_to_five_minutes_with_jitter() {
        let cases = [(1, 0.5, 2.0), (2, 0.5, 4.0), (3, 0.5, 8.0), (8, 0.5, 256.0), (9, 0.5, 300.0), (40, 0.5, 300.0)];
        for (failures, unit, secs) in cases {
            assert_eq!(retry_after(failures, unit), Duration::from_secs_f64(secs), "{failures}");
        }
        assert_eq!(retry_after(1, 0.0), Duration::from_millis(1500));
        assert_eq!(retry_after(1, 0.999_999).as_millis(), 2499);
        assert_eq!(retry_after(0, 0.5), Duration::from_secs(2));
    }

    #[test]
    fn polling_is_rare_with_push_and_at_most_every_15_minutes_without() {
        let now: Timestamp = "2026-11-30T12:00:00Z".parse().unwrap();
        let cases = [
            (PushState::Connected { since: now, after_failures: 0 }, 3600, None),
            (PushState::Down { failures: 3, since: now }, 900, Some(60)),
            (PushState::NotOffered { since: now }, 900, Some(60)),
            (PushState::Starting, 900, Some(60)),
            (PushState::Off, 900, None),
        ];
        for (state, poll, call) in cases {
            assert_eq!(state.poll_every(), Duration::from_secs(poll), "{state:?}");
            assert_eq!(state.call_poll_every(), call.map(Duration::from_secs), "{state:?}");
        }
        let down = PushState::Starting.failed(now).failed(now);
        assert_eq!(down, PushState::Down { failures: 2, since: now });
        assert_eq!(down.wait(0.5), Duration::from_secs(4));
        assert_eq!(PushState::NotOffered { since: now }.wait(0.5), pace::NOT_OFFERED_RECHECK);
    }

    /// A service that closes the socket right after each handshake: each
    /// short connection counts as one more failure, so the tries (and the
    /// round each handshake brings) back off to one in 5 minutes instead of
    /// one every 2 s. A connection that lasted starts the count afresh.
    #[test]
    fn a_socket_closed_after_each_handshake_backs_off() {
        let start: Timestamp = "2026-11-30T12:00:00Z".parse().unwrap();
        let (mut state, mut now, mut handshakes) = (PushState::Starting, start, 0);
        while now < start + jiff::SignedDuration::from_hours(1) {
            state = state.connected_at(now);
            handshakes += 1;
            now += jiff::SignedDuration::from_millis(100);
            state = state.failed(now);
            now += jiff::SignedDuration::try_from(state.wait(0.5)).unwrap();
        }
        assert!(handshakes <= 20, "{handshakes} handshakes (and rounds) in an hour");
        assert!(matches!(state, PushState::Down { failures, .. } if failures >= 10), "{state:?}");
        // Connected for longer than STABLE_AFTER: a drop is a first failure.
        let lasted = state.connected_at(now).failed(now + jiff::SignedDuration::from_mins(5));
        assert!(matches!(lasted, PushState::Down { failures: 1, .. }), "{lasted:?}");
    }

    #[test]
    fn each_notification_gets_its_reaction() {
        let event = |types: &[Option<&str>]| Notification {
            kind: NotificationKind::EventNotification,
            subscription: "Subscription/s".into(),
            events_since_start: Some(1),
            events: types
                .iter()
                .map(|t| Event { number: None, focus: t.map(|t| Focus { resource_type: t.into(), id: "1".into() }) })
                .collect(),
        };
        let only = |kind| Notification { kind, ..event(&[]) };
        let cases = [
            (only(NotificationKind::Heartbeat), false, false),
            (only(NotificationKind::QueryStatus), false, false),
            (only(NotificationKind::Handshake), true, true),
            (event(&[Some("CarePlan")]), true, false),
            (event(&[Some("Task"), Some("CarePlan")]), true, false),
            (event(&[Some("CarePlan"), Some("Communication")]), true, true),
            (event(&[None]), true, true),
            (event(&[]), true, true),
        ];
        for (n, fetch, check_call) in cases {
            assert_eq!(reaction(&n), Reaction { fetch, check_call }, "{n:?}");
        }
    }
}
