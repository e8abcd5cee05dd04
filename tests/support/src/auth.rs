//! A small OAuth 2 / SMART authorisation server and token-checking gateway
//! in front of a real hfs, for the enrolment tests. hfs has no authorisation
//! of its own; this stands in for the service's identity provider (the FHIR
//! data still lives in hfs, reached through the gateway). It also lets a
//! patient's token subscribe to that patient's events only, and tunnels the
//! push channel's WebSocket.
//!
//! Paths: `POST /activate` (activation-code grant), `GET /authorize` (logs
//! the user in at once and redirects with a code), `POST /token`
//! (authorization_code with PKCE S256, refresh_token; a token for the call
//! endpoint as its own resource, RFC 8707), `POST /revoke` (RFC 7009), and
//! `/fhir/...` (needs a valid bearer token, checked itself or by the OpenID
//! provider's introspection; forwarded to hfs; serves
//! `.well-known/smart-configuration`).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::{io::AsyncWriteExt, net::TcpListener};

use crate::http::{answer, forward, parts, read_request, tunnel};

#[derive(Default)]
pub struct AuthState {
    /// Activation code -> patient reference id.
    pub activation_codes: HashMap<String, String>,
    /// Authorization code -> (challenge, redirect_uri, patient).
    codes: HashMap<String, (String, String, String)>,
    pub access_tokens: HashMap<String, String>,
    pub refresh_tokens: HashMap<String, String>,
    pub refreshes: usize,
    /// Refresh requests, granted or not.
    pub refresh_attempts: usize,
    /// Access tokens issued for another resource (RFC 8707) and that
    /// resource; they are refused at the FHIR base.
    pub audiences: HashMap<String, String>,
    pub rejected_fhir_requests: usize,
    /// Seconds the access tokens live.
    pub expires_in: i64,
    /// The patient the login page "logs in".
    pub login_patient: String,
    /// Added before each FHIR request is forwarded (a slow network).
    pub fhir_delay_ms: u64,
    /// Added before a refresh is answered (after the old refresh token is
    /// used up and the new ones issued).
    pub refresh_delay_ms: u64,
    /// Added before a revocation is answered (after it took effect).
    pub revoke_delay_ms: u64,
    /// The service's call endpoint, given out with the tokens.
    pub call_endpoint: Option<String>,
    /// Resource types this patient may not write: a transaction holding
    /// one is answered 403 (as a service's access policy would).
    pub forbidden_types: Vec<String>,
    /// Requests answered 403 for a forbidden type or a missing scope.
    pub forbidden_requests: usize,
    /// The interactions (`<type>.<c|r|u|d|s>`) refused for want of a scope.
    pub scope_refusals: Vec<String>,
    /// The scopes granted with the tokens (and enforced); none: the app's
    /// own request, `heima_core::enrolment::SCOPE`.
    pub granted_scope: Option<String>,
    /// Every FHIR request is answered 401, whatever its token (a gateway
    /// that has lost its token store).
    pub reject_all_fhir: bool,
    /// RFC 9207: the server advertises its issuer and puts this `iss` in
    /// its authorization responses (its own base, or a wrong one).
    pub iss_in_redirect: Option<String>,
    /// A tampered token answer names this FHIR base instead of its own.
    pub fhir_base_override: Option<String>,
    /// The gateway's address as the tablet reaches it (an HTTPS front,
    /// `tls::https_front`): its answers name its token and revocation
    /// endpoints there.
    pub public_base: Option<String>,
    /// A tampered discovery names this authorization endpoint.
    pub authorize_endpoint_override: Option<String>,
    /// The tablet's nurse code the service issues with the tokens.
    pub nurse_code: Option<String>,
    /// Tokens revoked through `/revoke` (RFC 7009).
    pub revocations: usize,
    /// The login is an independent provider's (then discovery names it and
    /// FHIR tokens are checked by its introspection).
    pub provider: Option<Provider>,
    /// Every request that reached the gateway: method and path (no query),
    /// for the benchmarks that count what an idle tablet asks.
    pub requests: Vec<String>,
    /// The `User-Agent` of each of them (empty when none was sent).
    pub user_agents: Vec<String>,
    next: usize,
}

impl AuthState {
    fn token(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}-{}", self.next)
    }

    fn issue(&mut self, patient: &str) -> (String, String) {
        let access = self.token("access");
        let refresh = self.token("refresh");
        self.access_tokens.insert(access.clone(), patient.to_string());
        self.refresh_tokens.insert(refresh.clone(), patient.to_string());
        (access, refresh)
    }

    /// The service withdraws the tablet's access.
    pub fn revoke_all(&mut self) {
        self.access_tokens.clear();
        self.refresh_tokens.clear();
    }

    /// Access tokens stop working early (the refresh tokens still do).
    pub fn expire_access_tokens(&mut self) {
        self.access_tokens.clear();
    }
}

pub struct AuthServer {
    pub base: String,
    pub fhir_base: String,
    pub state: Arc<Mutex<AuthState>>,
}

/// An OpenID provider the gateway defers the login to: discovery names
/// its endpoints, and FHIR requests are allowed by its introspection.
#[derive(Clone, Debug)]
pub struct Provider {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub introspection_endpoint: String,
    /// The gateway's own client credentials at the provider.
    pub client_id: String,
    pub client_secret: String,
}

fn form(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes()).into_owned().collect()
}

fn json_answer(status: &str, body: serde_json::Value) -> Vec<u8> {
    answer(status, "application/json", "", &body.to_string())
}

impl AuthServer {
    /// Starts in front of hfs at `hfs_base` (`http://host:port`).
    pub async fn start(hfs_base: &str) -> AuthServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let fhir_base = format!("{base}/fhir");
        let state = Arc::new(Mutex::new(AuthState { expires_in: 3600, ..AuthState::default() }));
        let upstream = hfs_base.trim_start_matches("http://").to_string();
        let (shared, b, f) = (state.clone(), base.clone(), fhir_base.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else { return };
                let (state, base, fhir_base, upstream) = (shared.clone(), b.clone(), f.clone(), upstream.clone());
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut stream).await else { return };
                    // The push channel's socket: authorised by its single-use binding token.
                    let (_, target, _, _) = parts(&request);
                    if target == "/fhir/ws/subscriptions/bind" {
                        state.lock().unwrap().requests.push("GET /fhir/ws/subscriptions/bind".into());
                        tunnel(&mut stream, &upstream, &request, |t| t.trim_start_matches("/fhir").to_string()).await;
                        return;
                    }
                    let reply = handle(&request, &state, &base, &fhir_base, &upstream).await;
                    let _ = stream.write_all(&reply).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        AuthServer { base, fhir_base, state }
    }

    pub fn activation_endpoint(&self) -> String {
        format!("{}/activate", self.base)
    }
}

fn token_response(state: &mut AuthState, patient: &str, fhir_base: &str, base: &str) -> serde_json::Value {
    let base = state.public_base.clone().unwrap_or_else(|| base.to_string());
    let (access, refresh) = state.issue(patient);
    json!({
        "access_token": access, "token_type": "Bearer", "expires_in": state.expires_in,
        "refresh_token": refresh, "scope": state.granted_scope.as_deref().unwrap_or(heima_core::enrolment::SCOPE),
        "patient": patient, "fhir_base_url": state.fhir_base_override.as_deref().unwrap_or(fhir_base),
        "token_endpoint": format!("{base}/token"),
        "service_name": "Test service", "call_endpoint": state.call_endpoint,
        "revocation_endpoint": format!("{base}/revoke"), "nurse_code": state.nurse_code
    })
}

/// The FHIR interactions of one request, as SMART v2 scopes name them:
/// `(resource type, c|r|u|d|s)`; each entry of a transaction counts. What
/// cannot be read as one (an absolute URL, a search across all types)
/// comes back as `("?", '?')`, which no scope grants. The server's
/// `metadata` needs none.
fn interactions(method: &str, path: &str, body: &str) -> Vec<(String, char)> {
    fn one(method: &str, url: &str) -> Option<(String, char)> {
        let (resource_path, query) = url.split_once('?').map_or((url, None), |(p, q)| (p, Some(q)));
        let mut segments = resource_path.trim_matches('/').split('/');
        let resource = segments.next().filter(|r| r.chars().next().is_some_and(|c| c.is_ascii_uppercase()))?;
        let id = segments.next();
        let what = match (method, id, query) {
            ("GET", None, _) => 's',
            ("GET", Some(_), _) => 'r',
            ("POST", None, _) => 'c',
            ("POST", Some(_), _) => 'r', // an operation on one resource
            ("PUT" | "PATCH", _, _) => 'u',
            ("DELETE", _, _) => 'd',
            _ => return None,
        };
        Some((resource.to_string(), what))
    }
    let unknown = || ("?".to_string(), '?');
    let url = path.strip_prefix("/fhir").unwrap_or(path);
    if url.trim_matches('/') == "metadata" {
        return vec![];
    }
    if method == "POST" && url.trim_matches('/').is_empty() {
        let bundle: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        return bundle["entry"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                let request = &e["request"];
                one(request["method"].as_str().unwrap_or(""), request["url"].as_str().unwrap_or(""))
                    .unwrap_or_else(unknown)
            })
            .collect();
    }
    vec![one(method, url).unwrap_or_else(unknown)]
}

/// Whether `scope` grants `what` on `resource` (`patient/<type>.<letters>`).
fn granted(scope: &str, resource: &str, what: char) -> bool {
    scope.split(' ').any(|s| {
        s.strip_prefix("patient/")
            .and_then(|s| s.split_once('.'))
            .is_some_and(|(r, letters)| r == resource && letters.contains(what))
    })
}

/// Asks the provider whether `token` is active (RFC 7662).
async fn introspect(provider: &Provider, token: &str) -> bool {
    let http = heima_core::net::client_builder().build().unwrap();
    let answer = http
        .post(&provider.introspection_endpoint)
        .basic_auth(&provider.client_id, Some(&provider.client_secret))
        .form(&[("token", token)])
        .send()
        .await;
    match answer {
        Ok(response) => response.json::<serde_json::Value>().await.is_ok_and(|j| j["active"] == true),
        Err(_) => false,
    }
}

/// The token endpoint: its answer, and how long to wait before giving it.
fn token_endpoint(body: &str, state: &Mutex<AuthState>, fhir_base: &str, base: &str) -> (Vec<u8>, u64) {
    let invalid_grant = || json_answer("400 Bad Request", json!({ "error": "invalid_grant" }));
    let f = form(body);
    let mut s = state.lock().unwrap();
    match f.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let Some((challenge, redirect, patient)) = f.get("code").and_then(|c| s.codes.remove(c)) else {
                return (invalid_grant(), 0);
            };
            let verifier = f.get("code_verifier").cloned().unwrap_or_default();
            if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != challenge
                || f.get("redirect_uri") != Some(&redirect)
            {
                return (invalid_grant(), 0);
            }
            let mut t = token_response(&mut s, &patient, fhir_base, base);
            t.as_object_mut().unwrap().remove("fhir_base_url");
            (json_answer("200 OK", t), 0)
        }
        Some("refresh_token") => {
            s.refresh_attempts += 1;
            // RFC 8707: a token for another resource than the FHIR
            // base, here only the call endpoint this server knows.
            let resource = f.get("resource").cloned();
            if resource.as_ref().is_some_and(|r| Some(r) != s.call_endpoint.as_ref()) {
                return (json_answer("400 Bad Request", json!({ "error": "invalid_target" })), 0);
            }
            let Some(patient) = f.get("refresh_token").and_then(|r| s.refresh_tokens.remove(r)) else {
                return (invalid_grant(), 0);
            };
            s.refreshes += 1;
            let answer = token_response(&mut s, &patient, fhir_base, base);
            if let Some(resource) = resource {
                s.audiences.insert(answer["access_token"].as_str().unwrap().to_string(), resource);
            }
            let delay = s.refresh_delay_ms;
            (json_answer("200 OK", answer), delay)
        }
        _ => (json_answer("400 Bad Request", json!({ "error": "unsupported_grant_type" })), 0),
    }
}

async fn handle(request: &[u8], state: &Mutex<AuthState>, base: &str, fhir_base: &str, upstream: &str) -> Vec<u8> {
    let (method, target, head, body) = parts(request);
    let path = target.split('?').next().unwrap_or("").to_string();
    let user_agent = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(name, _)| name.eq_ignore_ascii_case("user-agent")))
        .map(|(_, value)| value.trim().to_string())
        .unwrap_or_default();
    {
        let mut s = state.lock().unwrap();
        s.requests.push(format!("{method} {path}"));
        s.user_agents.push(user_agent);
    }
    let invalid_grant = || json_answer("400 Bad Request", json!({ "error": "invalid_grant" }));
    match (method.as_str(), path.as_str()) {
        ("POST", "/activate") => {
            let f = form(&body);
            if f.get("grant_type").map(String::as_str) != Some(heima_core::sync::enrol::ACTIVATION_GRANT) {
                return json_answer("400 Bad Request", json!({ "error": "unsupported_grant_type" }));
            }
            let mut s = state.lock().unwrap();
            // One use only.
            match f.get("code").and_then(|c| s.activation_codes.remove(c)) {
                Some(patient) => json_answer("200 OK", token_response(&mut s, &patient, fhir_base, base)),
                None => invalid_grant(),
            }
        }
        ("POST", "/revoke") => {
            // RFC 7009: the token is gone whatever its kind; an unknown one is answered 200 too.
            let f = form(&body);
            let delay = {
                let mut s = state.lock().unwrap();
                if let Some(token) = f.get("token") {
                    let patient = s.refresh_tokens.remove(token).or_else(|| s.access_tokens.remove(token));
                    if let Some(patient) = patient {
                        s.revocations += 1;
                        // Revoking the refresh token ends the grant: its access tokens too.
                        if f.get("token_type_hint").map(String::as_str) == Some("refresh_token") {
                            s.access_tokens.retain(|_, p| *p != patient);
                        }
                    }
                }
                s.revoke_delay_ms
            };
            tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
            answer("200 OK", "application/json", "", "{}")
        }
        ("GET", "/authorize") => {
            let q: HashMap<String, String> =
                url::Url::parse(&format!("{base}{target}")).unwrap().query_pairs().into_owned().collect();
            let redirect = q.get("redirect_uri").cloned().unwrap_or_default();
            let ok = q.get("client_id").map(String::as_str) == Some("heima")
                && q.get("response_type").map(String::as_str) == Some("code")
                && q.get("code_challenge_method").map(String::as_str) == Some("S256")
                && q.get("aud").map(String::as_str) == Some(fhir_base)
                && redirect.starts_with("http://127.0.0.1:");
            if !ok {
                return answer("400 Bad Request", "text/plain", "", "bad authorization request");
            }
            let mut s = state.lock().unwrap();
            let code = s.token("code");
            let patient = s.login_patient.clone();
            s.codes.insert(code.clone(), (q["code_challenge"].clone(), redirect.clone(), patient));
            let mut location = url::Url::parse(&redirect).unwrap();
            location
                .query_pairs_mut()
                .append_pair("code", &code)
                .append_pair("state", q.get("state").map(String::as_str).unwrap_or(""));
            if let Some(iss) = &s.iss_in_redirect {
                location.query_pairs_mut().append_pair("iss", iss);
            }
            answer("302 Found", "text/plain", &format!("Location: {location}\r\n"), "")
        }
        ("POST", "/token") => {
            // The answer waits (a slow token endpoint) without the state locked.
            let (answer, delay) = token_endpoint(&body, state, fhir_base, base);
            tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
            answer
        }
        (_, "/fhir/.well-known/smart-configuration") if state.lock().unwrap().provider.is_some() => {
            let p = state.lock().unwrap().provider.clone().unwrap();
            json_answer(
                "200 OK",
                json!({
                    "issuer": p.issuer,
                    "authorization_endpoint": p.authorization_endpoint,
                    "token_endpoint": p.token_endpoint,
                    "code_challenge_methods_supported": ["S256"],
                    "authorization_response_iss_parameter_supported": true,
                    "capabilities": ["launch-standalone", "client-public", "context-standalone-patient"]
                }),
            )
        }
        (_, "/fhir/.well-known/smart-configuration") => {
            let mut smart = json!({
                "authorization_endpoint": format!("{base}/authorize"),
                "token_endpoint": format!("{base}/token"),
                "revocation_endpoint": format!("{base}/revoke"),
                "code_challenge_methods_supported": ["S256"],
                "capabilities": ["launch-standalone", "client-public", "context-standalone-patient"]
            });
            if let Some(authorize) = &state.lock().unwrap().authorize_endpoint_override {
                smart["authorization_endpoint"] = json!(authorize);
            }
            if state.lock().unwrap().iss_in_redirect.is_some() {
                smart["issuer"] = json!(base);
                smart["authorization_response_iss_parameter_supported"] = json!(true);
            }
            json_answer("200 OK", smart)
        }
        (_, p) if p.starts_with("/fhir") => {
            let bearer: Option<String> = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().starts_with("authorization:").then(|| l[14..].trim().to_string()))
                .and_then(|v| v.strip_prefix("Bearer ").map(str::to_string));
            let provider = state.lock().unwrap().provider.clone();
            let provider_none = provider.is_none();
            let bearer_patient = bearer.clone();
            let allowed = match (provider, bearer) {
                (Some(p), Some(token)) => introspect(&p, &token).await,
                (None, Some(t)) => {
                    let s = state.lock().unwrap();
                    s.access_tokens.contains_key(&t) && !s.audiences.contains_key(&t) && !s.reject_all_fhir
                }
                (_, None) => false,
            };
            if !allowed {
                state.lock().unwrap().rejected_fhir_requests += 1;
                return answer("401 Unauthorized", "application/json", "WWW-Authenticate: Bearer\r\n", "{}");
            }
            let (_, _, _, body) = parts(request);
            // SMART v2 scopes, as a service's policy enforces them: each
            // interaction needs the scope the tokens were granted.
            if provider_none {
                let granted_scope = state.lock().unwrap().granted_scope.clone();
                let granted_scope = granted_scope.as_deref().unwrap_or(heima_core::enrolment::SCOPE);
                let missing: Vec<String> = interactions(&method, &path, &body)
                    .into_iter()
                    .filter(|(resource, what)| !granted(granted_scope, resource, *what))
                    .map(|(resource, what)| format!("{resource}.{what}"))
                    .collect();
                if !missing.is_empty() {
                    let mut s = state.lock().unwrap();
                    s.forbidden_requests += 1;
                    s.scope_refusals.extend(missing);
                    return answer("403 Forbidden", "application/json", "", "{}");
                }
            }
            // A patient's token subscribes to that patient's events only (as
            // a service's access policy must), and binds only such a
            // subscription.
            let patient = bearer_patient.and_then(|t| state.lock().unwrap().access_tokens.get(&t).cloned());
            let own_filter =
                |text: &str| patient.as_ref().is_none_or(|p| text.contains(&format!("\"patient=Patient/{p}\"")));
            if method == "POST" && path == "/fhir/Subscription" && !own_filter(&body) {
                state.lock().unwrap().forbidden_requests += 1;
                return answer("403 Forbidden", "application/json", "", "{}");
            }
            if let Some(id) =
                path.strip_prefix("/fhir/Subscription/").and_then(|r| r.strip_suffix("/$get-ws-binding-token"))
            {
                let http = heima_core::net::client_builder().build().unwrap();
                let get = |p: String| http.get(format!("http://{upstream}/{p}")).send();
                let Ok(stored) = get(format!("Subscription/{id}")).await else {
                    return answer("502 Bad Gateway", "text/plain", "", "");
                };
                if stored.status().is_success() && !own_filter(&stored.text().await.unwrap_or_default()) {
                    state.lock().unwrap().forbidden_requests += 1;
                    return answer("403 Forbidden", "application/json", "", "{}");
                }
                let Ok(token) = get(format!("Subscription/{id}/$get-ws-binding-token")).await else {
                    return answer("502 Bad Gateway", "text/plain", "", "");
                };
                let status = token.status();
                let text = token.text().await.unwrap_or_default();
                // hfs names its own address; the tablet reaches it through here.
                let text = text.replace(&format!("ws://{upstream}"), &fhir_base.replacen("http://", "ws://", 1));
                let status = format!("{} {}", status.as_u16(), status.canonical_reason().unwrap_or(""));
                return answer(&status, "application/fhir+json", "", &text);
            }
            // A create (`"url":"Device"`) or a conditional update (`"url":"Device?identifier=…"`).
            let writes = |t: &String| {
                ["\"", "?"].iter().any(|end| {
                    body.contains(&format!("\"url\":\"{t}{end}")) || body.contains(&format!("\"url\": \"{t}{end}"))
                })
            };
            let forbidden = state.lock().unwrap().forbidden_types.iter().any(writes);
            if forbidden {
                state.lock().unwrap().forbidden_requests += 1;
                return answer("403 Forbidden", "application/json", "", "{}");
            }
            let delay = state.lock().unwrap().fhir_delay_ms;
            tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
            forward(upstream, request, |t| t.strip_prefix("/fhir").filter(|r| !r.is_empty()).unwrap_or("/").to_string())
                .await
                .unwrap_or_else(|| answer("502 Bad Gateway", "text/plain", "", ""))
        }
        _ => answer("404 Not Found", "text/plain", "", ""),
    }
}
