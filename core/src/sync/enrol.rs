//! The HTTP side of enrolment (see [`crate::enrolment`] for the pure part
//! and `docs/enrolment.md` for the protocol): exchanging an activation code,
//! SMART discovery, the loopback redirect of the standalone launch, the
//! authorization-code exchange with PKCE, and token refresh. No redirects;
//! only `invalid_grant` means the service revoked the tablet
//! (`SyncError::Revoked`).

use std::time::Duration;

use jiff::Timestamp;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

use super::client::SyncError;
use crate::enrolment::{ActivationCode, Enrolment, PatientShown, SmartConfiguration, TokenResponse, CLIENT_ID};

/// Grant type of the activation-code exchange (an extension grant, RFC 6749 §4.5).
pub const ACTIVATION_GRANT: &str = "urn:heima:params:oauth:grant-type:activation-code";

/// The largest token or discovery answer read.
const MAX_ANSWER: usize = 64 * 1024;

/// A client for the authorisation server: no redirects (a token request
/// goes where it was sent, or nowhere).
fn http(timeout: Duration) -> Result<reqwest::Client, SyncError> {
    crate::net::client_builder().timeout(timeout).build().map_err(|e| SyncError::Network(e.to_string()))
}

/// POSTs a token request and reads the answer. Only `invalid_grant` (the
/// code or refresh token is unknown, used, expired or revoked) becomes
/// [`SyncError::Revoked`]; anything else (`invalid_client` included) is a
/// failure to try again later. A redirect is refused.
async fn token_request(endpoint: &str, form: &[(&str, &str)], timeout: Duration) -> Result<TokenResponse, SyncError> {
    let response = http(timeout)?
        .post(endpoint)
        .header("Accept", "application/json")
        .form(form)
        .send()
        .await
        .map_err(|e| SyncError::Network(e.without_url().to_string()))?;
    let status = response.status().as_u16();
    let body = crate::net::read_body(response, MAX_ANSWER).await.map_err(super::client::body_error)?;
    let body = String::from_utf8_lossy(&body);
    if status == 400 || status == 401 {
        let error =
            serde_json::from_str::<serde_json::Value>(&body).ok().and_then(|j| j["error"].as_str().map(str::to_string));
        return match error.as_deref() {
            Some("invalid_grant") => Err(SyncError::Revoked),
            _ => Err(SyncError::Status { status }),
        };
    }
    if !(200..300).contains(&status) {
        return Err(SyncError::Status { status });
    }
    serde_json::from_str(&body).map_err(|e| SyncError::BadResponse(format!("token response: {e}")))
}

/// Exchanges an activation code at `endpoint` (from the QR code, else
/// `default_endpoint`) for the service's addresses and tokens.
pub async fn activate(
    code: &ActivationCode,
    default_endpoint: Option<&str>,
    timeout: Duration,
    now: Timestamp,
) -> Result<Enrolment, SyncError> {
    let endpoint = code.endpoint.as_deref().or(default_endpoint).ok_or(SyncError::NoEndpoint)?;
    let tokens = token_request(
        endpoint,
        &[("grant_type", ACTIVATION_GRANT), ("code", &code.code), ("client_id", CLIENT_ID)],
        timeout,
    )
    .await?;
    Enrolment::from_tokens(&tokens, None, None, now).map_err(|e| SyncError::BadResponse(e.detail))
}

/// Reads `<fhir_base>/.well-known/smart-configuration`.
pub async fn discover(fhir_base: &str, timeout: Duration) -> Result<SmartConfiguration, SyncError> {
    let url = format!("{}/.well-known/smart-configuration", fhir_base.trim_end_matches('/'));
    let response = http(timeout)?
        .get(url)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| SyncError::Network(e.to_string()))?;
    let status = response.status().as_u16();
    if !(200..300).contains(&status) {
        return Err(SyncError::Status { status });
    }
    let body = crate::net::read_body(response, MAX_ANSWER).await.map_err(super::client::body_error)?;
    serde_json::from_slice(&body).map_err(|e| SyncError::BadResponse(format!("smart-configuration: {e}")))
}

/// The loopback listener that receives the browser's redirect (RFC 8252 §7.3).
pub struct Loopback {
    listener: TcpListener,
    pub redirect_uri: String,
}

impl Loopback {
    /// Listens on a free port of 127.0.0.1.
    pub async fn bind() -> Result<Loopback, SyncError> {
        let listener = TcpListener::bind("127.0.0.1:0").await.map_err(|e| SyncError::Network(e.to_string()))?;
        let port = listener.local_addr().map_err(|e| SyncError::Network(e.to_string()))?.port();
        Ok(Loopback { listener, redirect_uri: format!("http://127.0.0.1:{port}/callback") })
    }

    /// Waits for the redirect with our `state` and returns its code. The
    /// browser is shown `page` (an HTML document telling the user to go back
    /// to the app). Requests without our state (or for other paths) are
    /// answered 404 and waited past. Each connection is read on its own, for
    /// at most [`LOOPBACK_READ`]: another local program that connects and
    /// sends nothing cannot hold the redirect up. When the server promised
    /// to name itself (`issuer`, RFC 9207), an answer without that `iss` is
    /// refused.
    pub async fn wait(
        self,
        state: &str,
        issuer: Option<&str>,
        page: &str,
        timeout: Duration,
    ) -> Result<String, SyncError> {
        let wait = async {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                let pairs = tokio::select! {
                    accepted = self.listener.accept() => {
                        let (stream, _) = accepted.map_err(|e| SyncError::Network(e.to_string()))?;
                        let (state, page) = (state.to_string(), page.to_string());
                        connections.spawn(tokio::time::timeout(LOOPBACK_READ, redirect(stream, state, page)));
                        continue;
                    }
                    // (None: no connection is being read; the accept waits.)
                    Some(read) = connections.join_next() => match read {
                        Ok(Ok(Some(pairs))) => pairs,
                        _ => continue,
                    },
                };
                if issuer.is_some_and(|expected| pairs.get("iss").map(String::as_str) != Some(expected)) {
                    return Err(SyncError::Refused("the answer came from another authorisation server".into()));
                }
                if let Some(code) = pairs.get("code") {
                    return Ok(code.clone());
                }
                // The user said no, or the service refused.
                return Err(SyncError::Refused(pairs.get("error").cloned().unwrap_or_else(|| "no code".into())));
            }
        };
        tokio::time::timeout(timeout, wait)
            .await
            .map_err(|_| SyncError::Network("no answer from the browser in time".into()))?
    }
}

/// How long one connection to the loopback listener may take to send its
/// request.
const LOOPBACK_READ: Duration = Duration::from_secs(10);

/// Reads one request to the loopback listener and answers it: `page` for
/// the redirect with our `state` (its query pairs come back), 404 for
/// anything else (`None`).
async fn redirect(
    mut stream: tokio::net::TcpStream,
    state: String,
    page: String,
) -> Option<std::collections::HashMap<String, String>> {
    let mut buf = vec![0u8; 8192];
    let mut len = 0;
    while !buf[..len].windows(4).any(|w| w == b"\r\n\r\n") && len < buf.len() {
        match stream.read(&mut buf[len..]).await {
            Ok(0) | Err(_) => break,
            Ok(n) => len += n,
        }
    }
    let head = String::from_utf8_lossy(&buf[..len]);
    let target = head.split_whitespace().nth(1).unwrap_or("");
    let parsed = url::Url::parse(&format!("http://127.0.0.1{target}")).ok();
    let pairs: std::collections::HashMap<String, String> =
        parsed.as_ref().map(|u| u.query_pairs().into_owned().collect()).unwrap_or_default();
    let ours = parsed.as_ref().is_some_and(|u| u.path() == "/callback")
        && pairs.get("state").map(String::as_str) == Some(state.as_str());
    let (status, body) = if ours { ("200 OK", page.as_str()) } else { ("404 Not Found", "") };
    let answer = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
    ours.then_some(pairs)
}

/// Exchanges the authorization code (with the PKCE verifier) for tokens.
pub async fn exchange_code(
    smart: &SmartConfiguration,
    fhir_base: &str,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
    timeout: Duration,
    now: Timestamp,
) -> Result<Enrolment, SyncError> {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("client_id", CLIENT_ID),
        ("code_verifier", verifier),
    ];
    let tokens = token_request(&smart.token_endpoint, &form, timeout).await?;
    let mut enrolment = Enrolment::from_tokens(&tokens, Some(fhir_base), Some(&smart.token_endpoint), now)
        .map_err(|e| SyncError::BadResponse(e.detail))?;
    enrolment.revocation_endpoint = enrolment.revocation_endpoint.or_else(|| smart.revocation_endpoint.clone());
    Ok(enrolment)
}

/// Who the service says its patient is, from the patient's own `Patient`
/// resource: the national identity number
/// ([`crate::enrolment::national_identity`]) for the store's check, and the
/// name and birth date for the nurse's question. A service that does not
/// share it (401, 403, 404, 410) or names none gives nothing; a network
/// failure is an error (the enrolment can be tried again).
pub async fn patient_shown(enrolment: &Enrolment, timeout: Duration) -> Result<PatientShown, SyncError> {
    let client = super::client::FhirClient::new(&enrolment.fhir_base, timeout, Some(enrolment.access_token.clone()))?;
    match client.get(&enrolment.patient).await {
        Ok(patient) => Ok(shown(&patient, &enrolment.patient)),
        Err(SyncError::Unauthorized(_) | SyncError::Forbidden | SyncError::Status { status: 404 | 410 }) => {
            Ok(PatientShown::default())
        }
        Err(error) => Err(error),
    }
}

/// What a `Patient` resource says of the patient asked for (`reference`);
/// nothing of any other resource.
fn shown(patient: &serde_json::Value, reference: &str) -> PatientShown {
    if patient["resourceType"] != "Patient" || patient["id"].as_str() != reference.strip_prefix("Patient/") {
        return PatientShown::default();
    }
    let national_id = crate::enrolment::national_identity(patient, reference);
    // Shown to the nurse: a name of reasonable length, without controls or
    // marks that turn text around (bidi overrides and isolates).
    let turns = |c: &char| matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    let name = crate::fhir::careplan_parts::name_of(patient)
        .map(|n| n.chars().filter(|c| !c.is_control() && !turns(c)).take(100).collect::<String>())
        .filter(|n| !n.trim().is_empty());
    let birth_date = patient["birthDate"].as_str().and_then(|d| d.parse::<jiff::civil::Date>().ok());
    PatientShown { national_id, name, birth_date }
}

/// Revokes the tablet's tokens at the service (RFC 7009): the refresh
/// token first (a server may then drop its access tokens too), then the
/// access token. Without a revocation endpoint nothing is sent. A token
/// the server does not know is answered 200 as well, so any other answer
/// is a failure.
pub async fn revoke(enrolment: &Enrolment, timeout: Duration) -> Result<bool, SyncError> {
    let Some(endpoint) = enrolment.revocation_endpoint.as_deref() else { return Ok(false) };
    let tokens = [
        enrolment.refresh_token.as_deref().map(|t| (t, "refresh_token")),
        Some((enrolment.access_token.as_str(), "access_token")),
        enrolment.call_token.as_deref().map(|t| (t, "access_token")),
    ];
    let http = http(timeout)?;
    for (token, hint) in tokens.into_iter().flatten() {
        let response = http
            .post(endpoint)
            .form(&[("token", token), ("token_type_hint", hint), ("client_id", CLIENT_ID)])
            .send()
            .await
            .map_err(|e| SyncError::Network(e.without_url().to_string()))?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(SyncError::Status { status });
        }
    }
    Ok(true)
}

/// Gets the call endpoint's own token (RFC 8707 `resource`) with the
/// refresh token: audience-restricted, so neither it nor the FHIR token
/// works where the other belongs.
pub async fn call_token(enrolment: &Enrolment, timeout: Duration, now: Timestamp) -> Result<Enrolment, SyncError> {
    let (Some(refresh_token), Some(resource)) =
        (enrolment.refresh_token.as_deref(), enrolment.call_endpoint.as_deref())
    else {
        return Ok(enrolment.clone());
    };
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("client_id", CLIENT_ID),
        ("resource", resource),
    ];
    let tokens = token_request(&enrolment.token_endpoint, &form, timeout).await?;
    Ok(enrolment.with_call_token(&tokens, now))
}

/// Gets a new access token with the refresh token. A refused refresh token
/// is [`SyncError::Revoked`]: the patient must ask the nurse.
pub async fn refresh(enrolment: &Enrolment, timeout: Duration, now: Timestamp) -> Result<Enrolment, SyncError> {
    let Some(refresh_token) = enrolment.refresh_token.as_deref() else { return Err(SyncError::Revoked) };
    let form = [("grant_type", "refresh_token"), ("refresh_token", refresh_token), ("client_id", CLIENT_ID)];
    let tokens = token_request(&enrolment.token_endpoint, &form, timeout).await?;
    Ok(enrolment.refreshed(&tokens, now))
}
