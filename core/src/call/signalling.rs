//! Call signalling with the follow-up service over HTTPS, in the manner of
//! WHIP (RFC 9725): SDP offers and answers as `application/sdp` bodies, the
//! call as a resource whose `DELETE` hangs up, STUN/TURN servers in `Link`
//! headers. [`CallService`] speaks it (ICE servers, place, incoming, answer,
//! is-on, hang up); [`follow`] ends a call when the other side hung up or
//! the connection failed. The protocol, including the parts WHIP has no word
//! for (ringing, incoming calls, the other side hanging up), is in
//! `docs/calls.md`.

use std::{future::Future, net::IpAddr, time::Duration};

use reqwest::{header, Method, StatusCode};
use url::Url;

use super::{
    protocol::{ice_servers_from_links, relay_credentials_expired},
    CallError, CallOptions, IceServer,
};
use crate::error::ErrorCode;

/// The other end of a call as the call line sees it: the follow-up
/// service over HTTPS ([`CallService`]), or the demo nurse inside the app
/// (`super::demo_nurse`). Every call of the line goes through one of these.
pub trait CallSignalling: Clone + Send + Sync + 'static {
    /// How to set up a peer for a call with this end (ICE servers, the
    /// address to gather candidates on).
    /// Fails with `call-relay-expired` when the service's TURN credentials
    /// have run out (asked twice).
    fn options(&self) -> impl Future<Output = Result<CallOptions, CallError>> + Send;
    /// Rings with an offer; returns when someone answers.
    fn place(&self, offer: &str) -> impl Future<Output = Result<PlacedCall, CallError>> + Send;
    /// A call waiting for the patient, if any.
    fn incoming(&self) -> impl Future<Output = Result<Option<IncomingCall>, CallError>> + Send;
    /// Answers an incoming call.
    fn answer(&self, call: &str, answer: &str) -> impl Future<Output = Result<(), CallError>> + Send;
    /// Is the call still on at the other end?
    fn is_on(&self, call: &str) -> impl Future<Output = Result<bool, CallError>> + Send;
    /// Hangs up (or declines) the call.
    fn hang_up(&self, call: &str) -> impl Future<Output = Result<(), CallError>> + Send;
}

/// How long the service may let a call ring before it answers.
pub const RING_LIMIT: Duration = Duration::from_secs(60);

/// The service's call endpoint, with the patient's access token. The
/// token goes only to the endpoint's own origin: a call `Location` on
/// another origin is refused, and redirects are not followed.
#[derive(Clone)]
pub struct CallService {
    base: Url,
    /// `…/calls` and `…/calls/incoming`, resolved once.
    calls: Url,
    incoming: Url,
    token: Option<String>,
    http: reqwest::Client,
    clock: std::sync::Arc<dyn crate::clock::Clock>,
    ice_transports: super::IceTransports,
}

impl std::fmt::Debug for CallService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallService").field("base", &self.base.as_str()).finish_non_exhaustive()
    }
}

/// A call the service put through: where it lives and the answer SDP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedCall {
    pub url: String,
    pub answer: String,
}

/// A call from the service waiting for the patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingCall {
    pub url: String,
    pub offer: String,
}

fn unreachable(e: reqwest::Error) -> CallError {
    CallError::new(ErrorCode::CallUnreachable, e.without_url().to_string())
}

/// The largest SDP offer or answer read (a browser's is a few kB).
const MAX_SDP: usize = 64 * 1024;

/// Reads an SDP body, at most [`MAX_SDP`]; `too_large` is what a larger
/// one is (a bad offer or a bad answer).
async fn sdp(response: reqwest::Response, too_large: ErrorCode) -> Result<String, CallError> {
    match crate::net::read_body(response, MAX_SDP).await {
        Ok(body) => Ok(String::from_utf8_lossy(&body).into_owned()),
        Err(crate::net::BodyError::TooLarge) => Err(CallError::new(too_large, "the SDP is too large")),
        Err(crate::net::BodyError::Network(e)) => Err(CallError::new(ErrorCode::CallUnreachable, e)),
    }
}

fn status_error(status: StatusCode) -> CallError {
    let code = match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => ErrorCode::CallRefused,
        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_IMPLEMENTED => {
            ErrorCode::CallNotOffered
        }
        StatusCode::REQUEST_TIMEOUT
        | StatusCode::GATEWAY_TIMEOUT
        | StatusCode::SERVICE_UNAVAILABLE
        | StatusCode::CONFLICT
        | StatusCode::TOO_MANY_REQUESTS => ErrorCode::CallNoAnswer,
        _ => ErrorCode::CallFailed,
    };
    CallError::new(code, format!("the call service answered {status}"))
}

impl CallService {
    /// `base` is the enrolment's call endpoint, e.g. `https://dho.example.no/call`.
    /// An address that is not an http(s) base URL is `call-not-offered`.
    pub fn new(base: &str, token: Option<String>) -> Result<CallService, CallError> {
        let not_offered = |why: String| CallError::new(ErrorCode::CallNotOffered, why);
        let mut base = Url::parse(base).map_err(|e| not_offered(e.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() || base.host().is_none() {
            return Err(not_offered(format!("not a call endpoint: {}", base.scheme())));
        }
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let calls = base.join("calls").map_err(|e| not_offered(e.to_string()))?;
        let incoming = base.join("calls/incoming").map_err(|e| not_offered(e.to_string()))?;
        let http = crate::net::client_builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(RING_LIMIT + Duration::from_secs(10))
            .build()
            .map_err(|e| CallError::new(ErrorCode::CallFailed, e.to_string()))?;
        let clock = std::sync::Arc::new(crate::clock::SystemClock);
        Ok(CallService { base, calls, incoming, token, http, clock, ice_transports: super::IceTransports::All })
    }

    /// The clock the relay credentials' expiry is judged by.
    pub fn with_clock(mut self, clock: std::sync::Arc<dyn crate::clock::Clock>) -> CallService {
        self.clock = clock;
        self
    }

    /// Which candidates the peers of this service's calls use.
    pub fn with_ice_transports(mut self, transports: super::IceTransports) -> CallService {
        self.ice_transports = transports;
        self
    }

    /// The endpoint's base URL.
    pub fn base(&self) -> &str {
        self.base.as_str()
    }

    fn calls(&self) -> Url {
        self.calls.clone()
    }

    /// `url`, if it is on the endpoint's own origin (the only one the
    /// token may go to).
    fn on_own_origin(&self, url: Url) -> Result<Url, CallError> {
        if url.origin() == self.base.origin() {
            Ok(url)
        } else {
            Err(CallError::new(ErrorCode::CallFailed, "the call is on another origin than its endpoint"))
        }
    }

    /// A request with the token, only to the endpoint's own origin.
    fn request(&self, method: Method, url: Url) -> Result<reqwest::RequestBuilder, CallError> {
        let request = self.http.request(method, self.on_own_origin(url)?);
        Ok(match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        })
    }

    /// A call's address (from the service), parsed and on the endpoint's origin.
    fn call_url(&self, call: &str) -> Result<Url, CallError> {
        self.on_own_origin(Url::parse(call).map_err(|e| CallError::new(ErrorCode::CallFailed, e.to_string()))?)
    }

    fn resolve(&self, location: Option<&header::HeaderValue>, against: &Url) -> Result<String, CallError> {
        let location = location
            .and_then(|l| l.to_str().ok())
            .ok_or_else(|| CallError::new(ErrorCode::CallFailed, "no Location for the call"))?;
        let url = against.join(location).map_err(|e| CallError::new(ErrorCode::CallFailed, e.to_string()))?;
        Ok(self.on_own_origin(url)?.into())
    }

    /// The STUN/TURN servers the service wants used (`OPTIONS …/calls`).
    /// A service that names none leaves the call to host candidates.
    pub async fn ice_servers(&self) -> Result<Vec<IceServer>, CallError> {
        let response = self
            .request(Method::OPTIONS, self.calls())?
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map_err(unreachable)?;
        if !response.status().is_success() {
            return Err(status_error(response.status()));
        }
        Ok(ice_servers_from_links(response.headers().get_all(header::LINK).iter().filter_map(|v| v.to_str().ok())))
    }

    /// Rings the service with an offer (`POST …/calls`); returns when a
    /// nurse answers (`201 Created`, the answer SDP and the call's
    /// `Location`), or fails with `call-no-answer` when nobody does.
    pub async fn place(&self, offer: &str) -> Result<PlacedCall, CallError> {
        let url = self.calls();
        let response = self
            .request(Method::POST, url.clone())?
            .header(header::CONTENT_TYPE, "application/sdp")
            .body(offer.to_string())
            .send()
            .await;
        let response = match response {
            Err(e) if e.is_timeout() => return Err(CallError::new(ErrorCode::CallNoAnswer, "nobody answered")),
            other => other.map_err(unreachable)?,
        };
        if response.status() != StatusCode::CREATED {
            return Err(status_error(response.status()));
        }
        let call = self.resolve(response.headers().get(header::LOCATION), &url)?;
        let answer = sdp(response, ErrorCode::CallBadAnswer).await?;
        if !answer.starts_with("v=0") {
            return Err(CallError::new(ErrorCode::CallBadAnswer, "the answer is not SDP"));
        }
        Ok(PlacedCall { url: call, answer })
    }

    /// Is someone calling the patient? (`GET …/calls/incoming`: `204` none,
    /// `200` with the offer SDP and the call's `Location`.)
    pub async fn incoming(&self) -> Result<Option<IncomingCall>, CallError> {
        let url = self.incoming.clone();
        let response = self
            .request(Method::GET, url.clone())?
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map_err(unreachable)?;
        match response.status() {
            StatusCode::NO_CONTENT | StatusCode::NOT_FOUND => Ok(None),
            StatusCode::OK => {
                let call = self.resolve(response.headers().get(header::LOCATION), &url)?;
                let offer = sdp(response, ErrorCode::CallBadOffer).await?;
                if !offer.starts_with("v=0") {
                    return Err(CallError::new(ErrorCode::CallBadOffer, "the offer is not SDP"));
                }
                Ok(Some(IncomingCall { url: call, offer }))
            }
            status => Err(status_error(status)),
        }
    }

    /// Answers an incoming call (`POST <call>` with the answer SDP).
    pub async fn answer(&self, call: &str, answer: &str) -> Result<(), CallError> {
        let url = self.call_url(call)?;
        let response = self
            .request(Method::POST, url)?
            .header(header::CONTENT_TYPE, "application/sdp")
            .body(answer.to_string())
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .map_err(unreachable)?;
        match response.status() {
            s if s.is_success() => Ok(()),
            // The nurse gave up before the patient answered.
            StatusCode::NOT_FOUND | StatusCode::GONE => {
                Err(CallError::new(ErrorCode::CallNoAnswer, "the call was withdrawn"))
            }
            s => Err(status_error(s)),
        }
    }

    /// Is the call still on at the service? `false` once the other side
    /// hung up (`404`/`410`).
    pub async fn is_on(&self, call: &str) -> Result<bool, CallError> {
        let url = self.call_url(call)?;
        let response =
            self.request(Method::GET, url)?.timeout(Duration::from_secs(5)).send().await.map_err(unreachable)?;
        match response.status() {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND | StatusCode::GONE => Ok(false),
            s => Err(status_error(s)),
        }
    }

    /// Hangs up (or declines) at the service: `DELETE <call>`. Already
    /// gone counts as done.
    pub async fn hang_up(&self, call: &str) -> Result<(), CallError> {
        let url = self.call_url(call)?;
        let response =
            self.request(Method::DELETE, url)?.timeout(Duration::from_secs(5)).send().await.map_err(unreachable)?;
        match response.status() {
            s if s.is_success() => Ok(()),
            StatusCode::NOT_FOUND | StatusCode::GONE => Ok(()),
            s => Err(status_error(s)),
        }
    }
}

impl CallSignalling for CallService {
    async fn options(&self) -> Result<CallOptions, CallError> {
        let ask = || async {
            CallService::ice_servers(self).await.unwrap_or_else(|e| {
                log::warn!("no ICE servers from the service: {}", e.code);
                Vec::new()
            })
        };
        let mut ice_servers = ask().await;
        if relay_credentials_expired(&ice_servers, self.clock.now()) {
            // Asked once more: a service hands out fresh ones each time.
            ice_servers = ask().await;
            if relay_credentials_expired(&ice_servers, self.clock.now()) {
                return Err(CallError::new(
                    ErrorCode::CallRelayExpired,
                    "the service's relay credentials have expired",
                ));
            }
        }
        Ok(CallOptions { bind: local_address_towards(&self.base), ice_servers, ice_transports: self.ice_transports })
    }
    fn place(&self, offer: &str) -> impl Future<Output = Result<PlacedCall, CallError>> + Send {
        CallService::place(self, offer)
    }
    fn incoming(&self) -> impl Future<Output = Result<Option<IncomingCall>, CallError>> + Send {
        CallService::incoming(self)
    }
    fn answer(&self, call: &str, answer: &str) -> impl Future<Output = Result<(), CallError>> + Send {
        CallService::answer(self, call, answer)
    }
    fn is_on(&self, call: &str) -> impl Future<Output = Result<bool, CallError>> + Send {
        CallService::is_on(self, call)
    }
    fn hang_up(&self, call: &str) -> impl Future<Output = Result<(), CallError>> + Send {
        CallService::hang_up(self, call)
    }
}

/// The local address that routes towards `url`'s host (no packet is sent):
/// host candidates are gathered there.
fn local_address_towards(url: &Url) -> IpAddr {
    let fallback = IpAddr::from([127, 0, 0, 1]);
    let Some(host) = url.socket_addrs(|| Some(443)).ok().and_then(|a| a.first().copied()) else {
        return fallback;
    };
    std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect(host).and_then(|_| s.local_addr()))
        .map(|a| a.ip())
        .unwrap_or(fallback)
}

/// How a call ended, as [`follow`] saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CallEnd {
    /// The patient hung up (the peer was closed here).
    HungUpHere,
    /// The service no longer has the call: the nurse hung up.
    HungUpThere,
    /// The connection failed and did not come back.
    ConnectionLost,
}

/// Follows a call until it is over: looks at the connection five times a
/// second (no network), asks the service every `ask_every` whether the call
/// is still on, and at once when `wake` is notified (the push channel
/// heard of a change). Closes the peer when the other side hung up or the
/// connection failed, and tells the service when the patient did. A
/// service that cannot be reached for a moment does not end the call; the
/// connection itself decides.
pub async fn follow<S: CallSignalling>(
    service: &S,
    call: &str,
    peer: &super::CallPeer,
    ask_every: Duration,
    wake: &tokio::sync::Notify,
) -> CallEnd {
    use super::CallState;
    const LOOK_EVERY: Duration = Duration::from_millis(200);
    let mut asked: Option<std::time::Instant> = None;
    let mut woken = false;
    let end = loop {
        match peer.state() {
            CallState::Ended => break CallEnd::HungUpHere,
            CallState::Failed => break CallEnd::ConnectionLost,
            _ => {}
        }
        if woken || asked.is_none_or(|at| at.elapsed() >= ask_every) {
            (woken, asked) = (false, Some(std::time::Instant::now()));
            if let Ok(false) = service.is_on(call).await {
                break CallEnd::HungUpThere;
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(LOOK_EVERY.min(ask_every)) => {}
            _ = wake.notified() => woken = true,
        }
    };
    let _ = peer.hang_up().await;
    if end != CallEnd::HungUpThere {
        let _ = service.hang_up(call).await;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_base_urls_are_call_endpoints() {
        for bad in ["mailto:nurse@example.no", "data:text/plain,x", "not a url", "ftp://example.no/call", "file:///tmp"]
        {
            assert_eq!(CallService::new(bad, None).unwrap_err().code, "call-not-offered", "{bad}");
        }
        let service = CallService::new("https://dho.example.no/call", Some("t".into())).unwrap();
        assert_eq!(service.calls().as_str(), "https://dho.example.no/call/calls");
        assert_eq!(format!("{service:?}"), "CallService { base: \"https://dho.example.no/call/\", .. }");
    }

    /// The token never leaves for another origin: such a call address is
    /// refused before any request is made.
    #[tokio::test]
    async fn a_call_on_another_origin_gets_no_token() {
        let service = CallService::new("https://dho.example.no/call", Some("secret".into())).unwrap();
        for elsewhere in
            ["https://evil.example/call/calls/1", "http://dho.example.no/call/calls/1", "https://dho.example.no:8443/c"]
        {
            assert_eq!(service.is_on(elsewhere).await.unwrap_err().code, "call-failed", "{elsewhere}");
            assert_eq!(service.hang_up(elsewhere).await.unwrap_err().code, "call-failed", "{elsewhere}");
            assert_eq!(service.answer(elsewhere, "v=0").await.unwrap_err().code, "call-failed", "{elsewhere}");
        }
    }
}
