//! The push channel's FHIR, pure: the tablet's `Subscription` in the
//! Subscriptions R5 Backport IG's R4 form (the service's topic, the
//! patient's filter, the WebSocket channel, `id-only` payloads), the
//! `$get-ws-binding-token` answer, and the notification bundles that come
//! down the socket. What a notification means for the app (fetch, ring) is
//! `sync::push`'s.
//!
//! The protocol, and what a service must offer, is in `docs/fhir-server.md`.

use jiff::Timestamp;
use serde_json::{json, Value as Json};

use super::{array, canonical, str_at};

const BACKPORT: &str = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition";

/// The tablet's subscription: every create and update the service's topic
/// names, for this patient only (`patient=Patient/<id>`), over a WebSocket,
/// carrying only the changed resources' references (the app fetches what
/// changed itself, with its own token).
///
/// The filter is written where the Backport IG puts it (on `criteria`) and
/// once more on the resource itself, where hfs 0.2.7 reads it: a server
/// that finds no filter would tell this tablet of every patient's changes.
pub fn subscription(patient: &str) -> Json {
    let filter =
        json!({ "url": format!("{BACKPORT}/backport-filter-criteria"), "valueString": format!("patient={patient}") });
    json!({
        "resourceType": "Subscription",
        "extension": [filter.clone()],
        "status": "requested",
        "reason": "Heima: the patient's tablet hears of new messages, plan changes and calls at once",
        "criteria": canonical::FOLLOW_UP_TOPIC,
        "_criteria": { "extension": [filter] },
        "channel": {
            "type": "websocket",
            "payload": "application/fhir+json",
            "_payload": {
                "extension": [{ "url": format!("{BACKPORT}/backport-payload-content"), "valueCode": "id-only" }]
            }
        }
    })
}

/// Why a service's push answer was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PushFormatError(pub String);

fn refuse(why: impl Into<String>) -> PushFormatError {
    PushFormatError(why.into())
}

/// What `$get-ws-binding-token` gave: a single-use token, when it expires,
/// and where to connect. `Debug` leaves the token out.
#[derive(Clone, PartialEq, Eq)]
pub struct BindingToken {
    pub token: String,
    pub expires: Option<Timestamp>,
    pub websocket_url: String,
}

impl std::fmt::Debug for BindingToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BindingToken")
            .field("expires", &self.expires)
            .field("websocket_url", &self.websocket_url)
            .finish_non_exhaustive()
    }
}

impl BindingToken {
    /// The `bind-with-token` message the socket's first frame carries.
    pub fn bind_message(&self) -> String {
        format!("bind-with-token {}", self.token)
    }
}

/// The named parameters of a `Parameters` resource.
fn parameter<'a>(parameters: &'a Json, name: &str) -> Option<&'a Json> {
    array(parameters, "parameter").iter().find(|p| p["name"] == name)
}

/// Reads the `$get-ws-binding-token` answer (a `Parameters`).
pub fn read_binding_token(answer: &Json) -> Result<BindingToken, PushFormatError> {
    if answer["resourceType"] != "Parameters" {
        return Err(refuse("the binding token answer is not a Parameters"));
    }
    let token = parameter(answer, "token")
        .and_then(|p| str_at(p, "valueString"))
        .filter(|t| !t.is_empty() && t.len() <= 512 && !t.contains(char::is_whitespace))
        .ok_or_else(|| refuse("no usable token"))?;
    let websocket_url = parameter(answer, "websocket-url")
        .and_then(|p| str_at(p, "valueUrl").or_else(|| str_at(p, "valueString")))
        .ok_or_else(|| refuse("no websocket-url"))?;
    let expires = parameter(answer, "expiration")
        .and_then(|p| str_at(p, "valueDateTime").or_else(|| str_at(p, "valueInstant")))
        .and_then(|t| t.parse().ok());
    Ok(BindingToken { token: token.to_string(), expires, websocket_url: websocket_url.to_string() })
}

/// The kinds of notification the Backport IG defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationKind {
    Handshake,
    Heartbeat,
    EventNotification,
    QueryStatus,
    QueryEvent,
}

/// One notification bundle from the socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub kind: NotificationKind,
    /// `Subscription/<id>` (as the server wrote it, possibly absolute).
    pub subscription: String,
    /// `events-since-subscription-start`, when told: a jump larger than the
    /// events in this bundle means some were lost.
    pub events_since_start: Option<u64>,
    /// The events in this bundle: their numbers and what changed.
    pub events: Vec<Event>,
}

/// One event of a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub number: Option<u64>,
    /// `Communication/123` and the like (the type and id only).
    pub focus: Option<Focus>,
}

/// What an event is about: the resource type and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Focus {
    pub resource_type: String,
    pub id: String,
}

impl Focus {
    /// `Type/id`, from a relative or absolute reference (a `_history`
    /// suffix is dropped).
    fn read(reference: &str) -> Option<Focus> {
        let path = reference.split("/_history/").next()?;
        let mut parts = path.rsplit('/');
        let id = parts.next()?;
        let resource_type = parts.next()?;
        let plausible = |s: &str| {
            !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || "-.".contains(c))
        };
        (plausible(id) && plausible(resource_type) && resource_type.starts_with(|c: char| c.is_ascii_uppercase()))
            .then(|| Focus { resource_type: resource_type.to_string(), id: id.to_string() })
    }
}

/// A count the Backport IG writes as a string (`"3"`) or a number.
fn count(value: Option<&Json>) -> Option<u64> {
    let value = value?;
    value.as_u64().or_else(|| value.as_str().and_then(|s| s.parse().ok()))
}

/// Reads a notification: a `history` Bundle whose first entry is the
/// backport `Parameters` (SubscriptionStatus). Anything else is refused.
pub fn read_notification(text: &str) -> Result<Notification, PushFormatError> {
    let bundle: Json = serde_json::from_str(text).map_err(|e| refuse(format!("not JSON: {e}")))?;
    if bundle["resourceType"] != "Bundle" {
        return Err(refuse("not a Bundle"));
    }
    let status = &bundle["entry"][0]["resource"];
    if status["resourceType"] != "Parameters" {
        return Err(refuse("the first entry is not the subscription status"));
    }
    let kind = match parameter(status, "type").and_then(|p| str_at(p, "valueCode")) {
        Some("handshake") => NotificationKind::Handshake,
        Some("heartbeat") => NotificationKind::Heartbeat,
        Some("event-notification") => NotificationKind::EventNotification,
        Some("query-status") => NotificationKind::QueryStatus,
        Some("query-event") => NotificationKind::QueryEvent,
        other => return Err(refuse(format!("unknown notification type {other:?}"))),
    };
    let subscription = parameter(status, "subscription")
        .and_then(|p| p["valueReference"]["reference"].as_str())
        .ok_or_else(|| refuse("no subscription"))?
        .to_string();
    let events_since_start =
        count(parameter(status, "events-since-subscription-start").and_then(|p| {
            p.get("valueString").or_else(|| p.get("valueInteger64")).or_else(|| p.get("valueUnsignedInt"))
        }));
    let events = array(status, "parameter")
        .iter()
        .filter(|p| p["name"] == "notification-event")
        .map(|event| {
            let part = |name: &str| array(event, "part").iter().find(|p| p["name"] == name);
            Event {
                number: count(
                    part("event-number").and_then(|p| p.get("valueString").or_else(|| p.get("valueInteger64"))),
                ),
                focus: part("focus").and_then(|p| p["valueReference"]["reference"].as_str()).and_then(Focus::read),
            }
        })
        .collect();
    Ok(Notification { kind, subscription, events_since_start, events })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A log line or a panic that prints a binding token shows no token.
    #[test]
    fn a_binding_tokens_debug_shows_no_token() {
        let token = BindingToken {
            token: "single-use-token-123".into(),
            expires: None,
            websocket_url: "wss://fhir.example.no/ws".into(),
        };
        let shown = format!("{token:?}");
        assert!(shown.contains("wss://fhir.example.no/ws"), "{shown}");
        assert!(!shown.contains("single-use-token-123"), "{shown}");
    }

    fn status(kind: &str, since: &str, events: &[(&str, &str)]) -> String {
        let mut parameters = vec![
            json!({ "name": "subscription", "valueReference": { "reference": "http://fhir.example.no/Subscription/s1" } }),
            json!({ "name": "topic", "valueCanonical": canonical::FOLLOW_UP_TOPIC }),
            json!({ "name": "status", "valueCode": "active" }),
            json!({ "name": "type", "valueCode": kind }),
            json!({ "name": "events-since-subscription-start", "valueString": since }),
        ];
        for (number, focus) in events {
            parameters.push(json!({ "name": "notification-event", "part": [
                { "name": "event-number", "valueString": number },
                { "name": "focus", "valueReference": { "reference": focus } }
            ]}));
        }
        json!({ "resourceType": "Bundle", "type": "history", "entry": [{ "resource": {
            "resourceType": "Parameters", "parameter": parameters } }] })
        .to_string()
    }

    #[test]
    fn notifications_are_read() {
        // The bundle; its kind, its count, and each event's focus.
        type Case<'a> = (String, NotificationKind, Option<u64>, Vec<Option<(&'a str, &'a str)>>);
        let cases: &[Case] = &[
            (status("handshake", "0", &[]), NotificationKind::Handshake, Some(0), vec![]),
            (status("heartbeat", "7", &[]), NotificationKind::Heartbeat, Some(7), vec![]),
            (
                status("event-notification", "3", &[("3", "Communication/m-1")]),
                NotificationKind::EventNotification,
                Some(3),
                vec![Some(("Communication", "m-1"))],
            ),
            (
                status(
                    "event-notification",
                    "5",
                    &[("4", "http://fhir.example.no/CarePlan/p1/_history/2"), ("5", "no reference")],
                ),
                NotificationKind::EventNotification,
                Some(5),
                vec![Some(("CarePlan", "p1")), None],
            ),
        ];
        for (text, kind, since, focus) in cases {
            let n = read_notification(text).unwrap();
            assert_eq!(n.kind, *kind, "{text}");
            assert_eq!(n.events_since_start, *since, "{text}");
            assert_eq!(n.subscription, "http://fhir.example.no/Subscription/s1");
            let read: Vec<_> =
                n.events.iter().map(|e| e.focus.as_ref().map(|f| (f.resource_type.as_str(), f.id.as_str()))).collect();
            assert_eq!(&read, focus, "{text}");
        }
    }

    #[test]
    fn what_is_not_a_notification_is_refused() {
        let not_status =
            json!({ "resourceType": "Bundle", "entry": [{ "resource": { "resourceType": "Patient" } }] }).to_string();
        for bad in ["", "ping", "{}", "[1,2]", &not_status, &status("gossip", "1", &[])] {
            assert!(read_notification(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_binding_token_answer_is_read_and_checked() {
        let answer = |token: &str| {
            json!({ "resourceType": "Parameters", "parameter": [
                { "name": "token", "valueString": token },
                { "name": "expiration", "valueDateTime": "2026-11-30T12:00:30+00:00" },
                { "name": "websocket-url", "valueUrl": "wss://fhir.example.no/ws/subscriptions/bind" }
            ]})
        };
        let read = read_binding_token(&answer("abc-123")).unwrap();
        assert_eq!(read.bind_message(), "bind-with-token abc-123");
        assert_eq!(read.expires, Some("2026-11-30T12:00:30Z".parse().unwrap()));
        assert_eq!(read.websocket_url, "wss://fhir.example.no/ws/subscriptions/bind");
        for bad in ["", "two words", &"x".repeat(600)] {
            assert!(read_binding_token(&answer(bad)).is_err(), "{bad:?}");
        }
        assert!(read_binding_token(&json!({ "resourceType": "OperationOutcome" })).is_err());
    }

    #[test]
    fn the_subscription_names_the_topic_the_patient_and_id_only() {
        let s = subscription("Patient/p-7");
        assert_eq!(s["criteria"], canonical::FOLLOW_UP_TOPIC);
        assert_eq!(s["_criteria"]["extension"][0]["valueString"], "patient=Patient/p-7");
        assert_eq!(s["extension"][0]["valueString"], "patient=Patient/p-7", "where hfs reads it");
        assert_eq!(s["channel"]["type"], "websocket");
        assert_eq!(s["channel"]["_payload"]["extension"][0]["valueCode"], "id-only");
    }
}
