//! Error codes that cross to the UI. The UI looks each code up as the Fluent
//! message `error-<code>`, so the user reads it in their own language.

use serde::Serialize;

/// A failure the user may need to hear about, as a stable code plus
/// optional detail for support staff (never personal health data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct CoreError {
    /// Stable, kebab-case code; the Fluent id is `error-{code}`.
    pub code: &'static str,
    /// Technical detail for logs and support; not shown as the main text.
    pub detail: String,
}

impl CoreError {
    pub fn new(code: &'static str, detail: impl Into<String>) -> Self {
        Self { code, detail: detail.into() }
    }
}

/// Every code the core can produce; a test checks each has a Fluent message
/// in every locale.
pub const ALL_CODES: &[&str] = &[
    "unknown-locale",
    "settings-unreadable",
    "settings-unwritable",
    "bluetooth-unavailable",
    "store-key-unavailable",
    "store-quarantined",
    "store-wrong-key",
    "store-newer-version",
    "store-failed",
    "store-corrupt",
    "decode-too-short",
    "decode-trailing-bytes",
    "decode-invalid-value",
    "decode-measurement-unsuccessful",
    "decode-unknown-characteristic",
    "sync-offline",
    "sync-unauthorised",
    "sync-service-error",
    "sync-revoked",
    "enrol-code-invalid",
    "enrol-no-endpoint",
    "enrol-refused",
    "enrol-service-unsupported",
    "message-length",
];
