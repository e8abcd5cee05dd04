//! The HTTP side of sync: a small FHIR REST client on reqwest (rustls)
//! and why a request failed. What to send and what to keep is the
//! policy's (`upload`, `download`).

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
    /// 401/403: the token was revoked or expired; the patient must ask the nurse.
    #[error("not authorised ({0})")]
    Unauthorized(u16),
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
}

impl SyncError {
    pub fn code(&self) -> crate::error::ErrorCode {
        match self {
            SyncError::Network(_) => crate::error::ErrorCode::SyncOffline,
            SyncError::Unauthorized(_) => crate::error::ErrorCode::SyncUnauthorised,
            SyncError::Status { .. } | SyncError::BadResponse(_) => crate::error::ErrorCode::SyncServiceError,
            SyncError::Store(_) => crate::error::ErrorCode::StoreFailed,
            SyncError::Revoked => crate::error::ErrorCode::SyncRevoked,
            SyncError::NoEndpoint => crate::error::ErrorCode::EnrolNoEndpoint,
            SyncError::Refused(_) => crate::error::ErrorCode::EnrolRefused,
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

/// A FHIR R4 server at `base` (e.g. `http://127.0.0.1:18080/fhir`).
#[derive(Clone)]
pub struct FhirClient {
    base: String,
    http: reqwest::Client,
    token: Option<String>,
}

impl FhirClient {
    pub fn new(base: &str, timeout: Duration, token: Option<String>) -> Result<FhirClient, SyncError> {
        let http =
            reqwest::Client::builder().timeout(timeout).build().map_err(|e| SyncError::Network(e.to_string()))?;
        Ok(FhirClient { base: base.trim_end_matches('/').to_string(), http, token })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}/{}", self.base, path.trim_start_matches('/'))
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Json, SyncError> {
        let mut request = request.header("Accept", "application/fhir+json");
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.map_err(|e| SyncError::Network(e.to_string()))?;
        let status = response.status().as_u16();
        if status == 401 || status == 403 {
            return Err(SyncError::Unauthorized(status));
        }
        if !(200..300).contains(&status) {
            return Err(SyncError::Status { status });
        }
        response.json::<Json>().await.map_err(|e| SyncError::BadResponse(e.to_string()))
    }

    /// GET a path relative to the base (or an absolute URL from a `next` link).
    pub async fn get(&self, path: &str) -> Result<Json, SyncError> {
        self.send(self.http.get(self.url(path))).await
    }

    /// POST a resource to a path (e.g. `SearchParameter`).
    pub async fn post(&self, path: &str, resource: &Json) -> Result<Json, SyncError> {
        self.send(
            self.http.post(self.url(path)).header("Content-Type", "application/fhir+json").body(resource.to_string()),
        )
        .await
    }

    /// POST a transaction Bundle to the base.
    pub async fn transaction(&self, bundle: &Json) -> Result<Json, SyncError> {
        self.post("", bundle).await
    }

    /// A search, following `Bundle.link[next]` through every page.
    pub async fn search_all(&self, path_and_query: &str) -> Result<Vec<Json>, SyncError> {
        let mut out = vec![];
        let mut next = Some(path_and_query.to_string());
        let mut pages = 0;
        while let Some(url) = next.take() {
            pages += 1;
            if pages > 1000 {
                return Err(SyncError::BadResponse("more than 1000 pages".into()));
            }
            let bundle = self.get(&url).await?;
            if bundle["resourceType"] != "Bundle" {
                return Err(SyncError::BadResponse(format!("search answered {}", bundle["resourceType"])));
            }
            for entry in bundle["entry"].as_array().into_iter().flatten() {
                if entry["search"]["mode"].as_str().unwrap_or("match") == "match" {
                    out.push(entry["resource"].clone());
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
        Ok(out)
    }

    /// `_summary=count` of a search.
    pub async fn count(&self, path_and_query: &str) -> Result<u64, SyncError> {
        let sep = if path_and_query.contains('?') { '&' } else { '?' };
        let bundle = self.get(&format!("{path_and_query}{sep}_summary=count")).await?;
        bundle["total"].as_u64().ok_or_else(|| SyncError::BadResponse("no total".into()))
    }
}
