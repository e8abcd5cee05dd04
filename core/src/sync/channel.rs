//! The push channel's I/O: the tablet's `Subscription` created on the
//! service, a binding token asked for (`$get-ws-binding-token`), and the
//! WebSocket it binds ([`PushSocket`], on reqwest-websocket over the app's
//! own reqwest client: the same TLS, trust store and no redirects; frames of
//! at most 256 kB, pinged when quiet). The binding token goes only to the
//! FHIR base's own origin, like the access token. What a notification means
//! is [`super::push`]'s.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest_websocket::{Message, Upgrade};

use super::client::{FhirClient, SyncError};
use crate::fhir::subscription::{self, read_binding_token, read_notification, BindingToken, Notification};

/// The most a notification may weigh (an `id-only` one is a few kB).
const MAX_FRAME_BYTES: usize = 256 * 1024;
/// How long connecting may take.
const CONNECT_WITHIN: Duration = Duration::from_secs(15);

/// What the service said to the channel's setup.
#[derive(Debug)]
pub enum Offer {
    /// A binding token for the subscription.
    Token(BindingToken),
    /// The subscription is not there (any more): create a new one.
    SubscriptionGone,
    /// The service offers no subscriptions (or not WebSocket ones, or not to
    /// this patient).
    NotOffered,
}

/// Creates the tablet's subscription for `patient` (`Patient/<id>`) and
/// returns its id. `Ok(None)`: the service does not take subscriptions.
pub async fn create_subscription(client: &FhirClient, patient: &str) -> Result<Option<String>, SyncError> {
    match client.post("Subscription", &subscription::subscription(patient)).await {
        Ok(created) => match created["id"].as_str() {
            Some(id) if !id.is_empty() && id.len() <= 64 && !id.contains('/') => Ok(Some(id.to_string())),
            _ => Err(SyncError::BadResponse("the created subscription has no usable id".into())),
        },
        Err(SyncError::Forbidden) | Err(SyncError::Status { status: 400 | 404 | 405 | 422 | 501 }) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Asks for a binding token for subscription `id`.
pub async fn binding_token(client: &FhirClient, id: &str) -> Result<Offer, SyncError> {
    match client.get(&format!("Subscription/{id}/$get-ws-binding-token")).await {
        Ok(answer) => read_binding_token(&answer).map(Offer::Token).map_err(|e| SyncError::BadResponse(e.to_string())),
        Err(SyncError::Status { status: 404 | 410 }) => Ok(Offer::SubscriptionGone),
        Err(SyncError::Forbidden) | Err(SyncError::Status { status: 400 | 405 | 501 }) => Ok(Offer::NotOffered),
        Err(error) => Err(error),
    }
}

/// A bound socket.
pub struct PushSocket {
    socket: reqwest_websocket::WebSocket,
}

impl std::fmt::Debug for PushSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PushSocket")
    }
}

fn network(e: impl std::fmt::Display) -> SyncError {
    SyncError::Network(e.to_string())
}

/// The `ws:`/`wss:` address as `http:`/`https:`, checked to be on the FHIR
/// base's origin (the binding token is a secret).
fn socket_url(client: &FhirClient, websocket_url: &str) -> Result<String, SyncError> {
    let as_http = if let Some(rest) = websocket_url.strip_prefix("wss://") {
        format!("https://{rest}")
    } else if let Some(rest) = websocket_url.strip_prefix("ws://") {
        format!("http://{rest}")
    } else {
        return Err(SyncError::BadResponse("the websocket-url is not ws: or wss:".into()));
    };
    client.on_origin(&as_http)
}

/// The one HTTP client sockets are opened with (no overall timeout: a
/// socket lives for hours), built once per process.
fn socket_client() -> Result<reqwest::Client, SyncError> {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    if let Some(client) = CLIENT.get() {
        return Ok(client.clone());
    }
    let client = crate::net::client_builder().connect_timeout(CONNECT_WITHIN).build().map_err(network)?;
    Ok(CLIENT.get_or_init(|| client).clone())
}

impl PushSocket {
    /// Connects to the token's address and binds. The first notification
    /// (the handshake) is read by [`PushSocket::next`].
    pub async fn open(client: &FhirClient, token: &BindingToken) -> Result<PushSocket, SyncError> {
        let url = socket_url(client, &token.websocket_url)?;
        let http = socket_client()?;
        let config = tungstenite::protocol::WebSocketConfig::default()
            .max_message_size(Some(MAX_FRAME_BYTES))
            .max_frame_size(Some(MAX_FRAME_BYTES));
        let connect = async {
            let response = http.get(&url).upgrade().web_socket_config(config).send().await.map_err(network)?;
            let status = response.status().as_u16();
            if status != 101 {
                return Err(SyncError::Status { status });
            }
            response.into_websocket().await.map_err(network)
        };
        let mut socket = tokio::time::timeout(CONNECT_WITHIN, connect).await.map_err(network)??;
        socket.send(Message::Text(token.bind_message())).await.map_err(network)?;
        Ok(PushSocket { socket })
    }

    /// The next notification. A quiet socket is pinged every `keep_alive`;
    /// nothing heard `answer_within` after a ping ends the connection
    /// (`Network`), as does a close, an error or a frame that is not a
    /// notification (`BadResponse`).
    pub async fn next(&mut self, keep_alive: Duration, answer_within: Duration) -> Result<Notification, SyncError> {
        let mut pinged = false;
        loop {
            let wait = if pinged { answer_within } else { keep_alive };
            match tokio::time::timeout(wait, self.socket.next()).await {
                Err(_) if pinged => return Err(SyncError::Network("the service stopped answering".into())),
                Err(_) => {
                    self.socket.send(Message::Ping(Default::default())).await.map_err(network)?;
                    pinged = true;
                }
                Ok(None) => return Err(SyncError::Network("the service closed the channel".into())),
                Ok(Some(Err(e))) => return Err(network(e)),
                Ok(Some(Ok(Message::Text(text)))) => {
                    return read_notification(&text).map_err(|e| SyncError::BadResponse(e.to_string()))
                }
                Ok(Some(Ok(Message::Close { .. }))) => {
                    return Err(SyncError::Network("the service closed the channel".into()))
                }
                Ok(Some(Ok(Message::Binary(_)))) => {
                    return Err(SyncError::BadResponse("a binary frame on the channel".into()))
                }
                // A pong, or the service's own ping (answered by the library).
                Ok(Some(Ok(_))) => pinged = false,
            }
        }
    }

    /// Closes the socket politely.
    pub async fn close(self) {
        let _ = self.socket.close(reqwest_websocket::CloseCode::Normal, None).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_socket_must_be_on_the_services_origin() {
        let client = FhirClient::new("https://fhir.example.no/r4", Duration::from_secs(1), None).unwrap();
        let cases = [
            (
                "wss://fhir.example.no/r4/ws/subscriptions/bind",
                Some("https://fhir.example.no/r4/ws/subscriptions/bind"),
            ),
            ("wss://fhir.example.no/ws", Some("https://fhir.example.no/ws")),
            ("ws://fhir.example.no/ws", None),
            ("wss://evil.example/ws", None),
            ("wss://fhir.example.no:8443/ws", None),
            ("https://fhir.example.no/ws", None),
            ("javascript:alert(1)", None),
        ];
        for (url, expected) in cases {
            assert_eq!(socket_url(&client, url).ok().as_deref(), expected, "{url}");
        }
    }
}
