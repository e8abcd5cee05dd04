//! The HTTP side of sync: a small FHIR REST client on reqwest (rustls) —
//! search with paging, count, transaction — and why a request failed
//! ([`SyncError`]). Its token goes only to the base's origin (a `next` link
//! elsewhere is refused), it follows no redirects, and it reads at most 8
//! MiB an answer and 200 pages a search. What to send and what to keep is
//! the policy's (`upload`, `download`).

use std::time::Duration;

use serde::Serialize;
use serde_json::Value as Json;

use crate::store::StoreError;

/// Why a request to the service failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "error", content = "detail", rename_all = "kebab-case")]
pub enum SyncError {
    #[error("network: {0}")]
    Network(String),
    /// 401: the token was not accepted (expired, or withdrawn); a refresh
    /// may help.
    #[error("not authorised ({0})")]
    Unauthorized(u16),
    /// 403: the service does not let this patient do this (one resource
    /// type, say); other requests may still be fine.
    #[error("forbidden")]
    Forbidden,
    #[error("the service answered {status}")]
    Status { status: u16 },
    #[error("the service's answer could not be understood: {0}")]
    BadResponse(String),
    #[error("local store: {0}")]
    Store(String),
    /// The service refused the refresh token (or activation code): the
    /// patient must ask the nurse. Local data is kept.
    #[error("the service no longer accepts this tablet")]
    Revoked,
    /// A typed activation code, and no activation endpoint configured.
    #[error("no activation endpoint known")]
    NoEndpoint,
    /// The user or the service said no at the login page.
    #[error("authorization refused: {0}")]
    Refused(String),
    /// The enrolment's patient is not the person whose data the store
    /// holds (`enrol-other-person`, `enrol-person-unconfirmed`): nothing
    /// is sent or fetched.
    #[error("the service's patient is not this tablet's person")]
    NotThisPerson(crate::error::ErrorCode),
}

impl SyncError {
    pub fn code(&self) -> crate::error::ErrorCode {
        match self {
            SyncError::Network(_) => crate::error::ErrorCode::SyncOffline,
            SyncError::Unauthorized(_) => crate::error::ErrorCode::SyncUnauthorised,
            SyncError::Forbidden => crate::error::ErrorCode::SyncForbidden,
            SyncError::Status { .. } | SyncError::BadResponse(_) => crate::error::ErrorCode::SyncServiceError,
            SyncError::Store(_) => crate::error::ErrorCode::StoreFailed,
            SyncError::Revoked => crate::error::ErrorCode::SyncRevoked,
            SyncError::NoEndpoint => crate::error::ErrorCode::EnrolNoEndpoint,
            SyncError::Refused(_) => crate::error::ErrorCode::EnrolRefused,
            SyncError::NotThisPerson(code) => *code,
        }
    }
}

impl From<SyncError> for crate::error::CoreError {
    fn from(e: SyncError) -> crate::error::CoreError {
        crate::error::CoreError::new(e.code(), e.to_string())
    }
}

impl From<StoreError> for SyncError {
    fn from(e: StoreError) -> Self {
        SyncError::Store(e.to_string())
    }
}

/// The largest answer read from the service (a plan with its material is
/// far smaller); a larger one is refused, not read into memory.
pub const MAX_ANSWER_BYTES: usize = 8 * 1024 * 1024;

/// A body that could not be read, as a sync error.
pub(crate) fn body_error(e: crate::net::BodyError) -> SyncError {
    match e {
        crate::net::BodyError::TooLarge => SyncError::BadResponse("the answer is too large".into()),
        crate::net::BodyError::Network(e) => SyncError::Network(e),
    }
}
/// The most pages one search follows.
pub const MAX_PAGES: usize = 200;

/// A FHIR R4 server at `base` (e.g. `http://127.0.0.1:18080/fhir`). The
/// token goes only to the base's own origin: a `next` link elsewhere is
/// refused. Redirects are not followed.
#[derive(Clone)]
pub struct FhirClient {
    base: String,
    origin: url::Origin,
    http: reqwest::Client,
    token: Option<String>,
}

impl std::fmt::Debug for FhirClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FhirClient").field("base", &self.base).finish_non_exhaustive()
    }
}

/// What a search found, every page, and the server's clock when it answered.
#[derive(Debug, Clone, Default)]
pub struct Search {
    pub resources: Vec<Json>,
    /// The `Date` of the last page's answer, if the server sent one.
    pub server_time: Option<jiff::Timestamp>,
}

/// An HTTP `Date` (RFC 9110's IMF-fixdate, an RFC 2822 date in GMT).
fn http_date(text: &str) -> Option<jiff::Timestamp> {
    jiff::fmt::rfc2822::parse(text).ok().map(|zoned| zoned.timestamp())
}

/// One answer: its JSON body and the server's `Date`.
struct Answer {
    json: Json,
    date: Option<jiff::Timestamp>,
}

impl FhirClient {
    pub fn new(base: &str, timeout: Duration, token: Option<String>) -> Result<FhirClient, SyncError> {
        let base = base.trim_end_matches('/').to_string();
        let parsed = url::Url::parse(&base).map_err(|e| SyncError::BadResponse(format!("not a FHIR base: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(SyncError::BadResponse(format!("not a FHIR base: {}", parsed.scheme())));
        }
        let http =
            crate::net::client_builder().timeout(timeout).build().map_err(|e| SyncError::Network(e.to_string()))?;
        Ok(FhirClient { origin: parsed.origin(), base, http, token })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// A path relative to the base, or an absolute URL on the base's origin.
    fn url(&self, path: &str) -> Result<String, SyncError> {
        if !(path.starts_with("http://") || path.starts_with("https://")) {
            return Ok(format!("{}/{}", self.base, path.trim_start_matches('/')));
        }
        let url = url::Url::parse(path).map_err(|e| SyncError::BadResponse(e.to_string()))?;
        if url.origin() != self.origin {
            return Err(SyncError::BadResponse("a link to another origin than the service's".into()));
        }
        Ok(url.into())
    }

    /// An absolute URL if it is on the base's origin (for the push
    /// channel's socket, which gets a secret too).
    pub(super) fn on_origin(&self, url: &str) -> Result<String, SyncError> {
        if url.starts_with("http://") || url.starts_with("https://") {
            self.url(url)
        } else {
            Err(SyncError::BadResponse("not an absolute URL".into()))
        }
    }

    /// Sends `request` with the FHIR `Accept` and the token; a 401, 403 or
    /// any other status outside 2xx is the error it means.
    async fn answer(&self, request: reqwest::RequestBuilder) -> Result<reqwest::Response, SyncError> {
        let mut request = request.header("Accept", "application/fhir+json");
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(|e| SyncError::Network(e.without_url().to_string()))?;
        match response.status().as_u16() {
            200..=299 => Ok(response),
            401 => Err(SyncError::Unauthorized(401)),
            403 => Err(SyncError::Forbidden),
            status => Err(SyncError::Status { status }),
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Answer, SyncError> {
        let response = self.answer(request).await?;
        let date = response.headers().get(reqwest::header::DATE).and_then(|d| d.to_str().ok()).and_then(http_date);
        let body = crate::net::read_body(response, MAX_ANSWER_BYTES).await.map_err(body_error)?;
        let json = serde_json::from_slice(&body).map_err(|e| SyncError::BadResponse(e.to_string()))?;
        Ok(Answer { json, date })
    }

    /// GET a path relative to the base (or an absolute URL on its origin).
    pub async fn get(&self, path: &str) -> Result<Json, SyncError> {
        Ok(self.send(self.http.get(self.url(path)?)).await?.json)
    }

    /// POST a resource to a path (e.g. `SearchParameter`).
    pub async fn post(&self, path: &str, resource: &Json) -> Result<Json, SyncError> {
        let request =
            self.http.post(self.url(path)?).header("Content-Type", "application/fhir+json").body(resource.to_string());
        Ok(self.send(request).await?.json)
    }

    /// DELETE a resource (`Type/id`); one already gone counts as deleted.
    pub async fn delete(&self, path: &str) -> Result<(), SyncError> {
        match self.answer(self.http.delete(self.url(path)?)).await {
            Ok(_) | Err(SyncError::Status { status: 404 | 410 }) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// POST a transaction Bundle to the base.
    pub async fn transaction(&self, bundle: &Json) -> Result<Json, SyncError> {
        self.post("", bundle).await
    }

    /// A search, following `Bundle.link[next]` (on the service's origin only)
    /// through at most [`MAX_PAGES`] pages.
    pub async fn search(&self, path_and_query: &str) -> Result<Search, SyncError> {
        let mut found = Search::default();
        let mut next = Some(path_and_query.to_string());
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > MAX_PAGES {
                return Err(SyncError::BadResponse(format!("more than {MAX_PAGES} pages")));
            }
            let answer = self.send(self.http.get(self.url(&url)?)).await?;
            let bundle = answer.json;
            found.server_time = answer.date.or(found.server_time);
            if bundle["resourceType"] != "Bundle" {
                return Err(SyncError::BadResponse(format!("search answered {}", bundle["resourceType"])));
            }
            for entry in bundle["entry"].as_array().into_iter().flatten() {
                if entry["search"]["mode"].as_str().unwrap_or("match") == "match" {
                    found.resources.push(entry["resource"].clone());
                }
            }
            next = bundle["link"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|l| l["relation"] == "next")
                .and_then(|l| l["url"].as_str())
                .map(str::to_string);
        }
        Ok(found)
    }

    /// The resources of a search, every page.
    pub async fn search_all(&self, path_and_query: &str) -> Result<Vec<Json>, SyncError> {
        Ok(self.search(path_and_query).await?.resources)
    }

    /// `_summary=count` of a search.
    pub async fn count(&self, path_and_query: &str) -> Result<u64, SyncError> {
        let sep = if path_and_query.contains('?') { '&' } else { '?' };
        let bundle = self.get(&format!("{path_and_query}{sep}_summary=count")).await?;
        bundle["total"].as_u64().ok_or_else(|| SyncError::BadResponse("no total".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_are_read() {
        assert_eq!(http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some("1994-11-06T08:49:37Z".parse().unwrap()));
        assert_eq!(http_date("Mon, 30 Nov 2026 10:00:00 +0100"), Some("2026-11-30T09:00:00Z".parse().unwrap()));
        assert_eq!(http_date("yesterday"), None);
    }

    #[test]
    fn only_http_bases_and_links_on_the_same_origin() {
        for bad in ["ftp://fhir.example.no", "mailto:x@example.no", "fhir.example.no/r4"] {
            assert!(FhirClient::new(bad, Duration::from_secs(1), None).is_err(), "{bad}");
        }
        let client = FhirClient::new("https://fhir.example.no/r4/", Duration::from_secs(1), None).unwrap();
        assert_eq!(client.url("Patient?_count=1").unwrap(), "https://fhir.example.no/r4/Patient?_count=1");
        assert_eq!(client.url("https://fhir.example.no/r4?page=2").unwrap(), "https://fhir.example.no/r4?page=2");
        for elsewhere in
            ["https://evil.example/r4?page=2", "http://fhir.example.no/r4?page=2", "https://fhir.example.no:444/"]
        {
            assert!(client.url(elsewhere).is_err(), "{elsewhere}");
        }
    }
}
