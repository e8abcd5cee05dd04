//! Error codes that cross to the UI. Every code is a variant of one enum,
//! [`ErrorCode`], written kebab-case on the wire; a [`CoreError`] carries
//! the code, a detail for logs and support that never reaches the UI, and
//! args (values such as a line number, never personal data) the message may
//! show. The UI looks each code up as the Fluent message `error-<code>`, so
//! the user reads it in their own language, and a test checks every code has
//! text in every locale.

use serde::{Serialize, Serializer};

/// Declares [`ErrorCode`] with its wire names, and the list of them all.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal,)*) => {
        /// Why something failed, as a stable code the UI words.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The kebab-case wire name; the Fluent id is `error-<name>`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }
        }
    };
}

error_codes! {
    UnknownLocale = "unknown-locale",
    SettingsUnreadable = "settings-unreadable",
    SettingsUnwritable = "settings-unwritable",
    BluetoothUnavailable = "bluetooth-unavailable",
    StoreKeyUnavailable = "store-key-unavailable",
    /// The key of the existing database is gone; the file is kept as it is.
    StoreKeyMissing = "store-key-missing",
    StoreQuarantined = "store-quarantined",
    StoreWrongKey = "store-wrong-key",
    StoreNewerVersion = "store-newer-version",
    StoreFailed = "store-failed",
    StoreCorrupt = "store-corrupt",
    /// The record could not be saved as a file (full disk, no folder).
    ExportFailed = "export-failed",
    /// The installation's configuration file cannot be read (names the
    /// file and line); the app starts with safe defaults.
    ConfigInvalid = "config-invalid",
    /// The user's configuration file sets what only the system-wide one may
    /// (whom the tablet trusts, kiosk): not used (args: file, line, key).
    ConfigSystemOnly = "config-system-only",
    /// A relative chosen to record who is not in the plan's care team.
    RelativeUnknown = "relative-unknown",
    DecodeTooShort = "decode-too-short",
    DecodeTrailingBytes = "decode-trailing-bytes",
    DecodeInvalidValue = "decode-invalid-value",
    DecodeMeasurementUnsuccessful = "decode-measurement-unsuccessful",
    DecodeUnknownCharacteristic = "decode-unknown-characteristic",
    SyncOffline = "sync-offline",
    SyncUnauthorised = "sync-unauthorised",
    /// The service refused one kind of data (403); the rest still goes.
    SyncForbidden = "sync-forbidden",
    SyncServiceError = "sync-service-error",
    SyncRevoked = "sync-revoked",
    EnrolCodeInvalid = "enrol-code-invalid",
    EnrolNoEndpoint = "enrol-no-endpoint",
    EnrolRefused = "enrol-refused",
    EnrolServiceUnsupported = "enrol-service-unsupported",
    /// An address of a service this installation does not trust.
    EnrolUntrusted = "enrol-untrusted",
    /// A service address without https.
    EnrolInsecure = "enrol-insecure",
    /// "Confirm" with no enrolment waiting.
    EnrolNothingToConfirm = "enrol-nothing-to-confirm",
    /// "Confirm" for an enrolment that another (a login or code that ended
    /// later) replaced: neither is kept.
    EnrolReplaced = "enrol-replaced",
    /// The new service's patient is another person than this tablet's.
    EnrolOtherPerson = "enrol-other-person",
    /// The new service does not say who its patient is, so a hand-over
    /// cannot be checked.
    EnrolPersonUnconfirmed = "enrol-person-unconfirmed",
    /// Ending the follow-up: some items could not be sent.
    EndUnsent = "end-unsent",
    /// Ending the follow-up: something could not be removed.
    EndIncomplete = "end-incomplete",
    /// Ending from the recovery screen: a key an earlier version of the
    /// app kept may still open the data, so nothing is removed.
    EndOldKeyWaits = "end-old-key-waits",
    MessageLength = "message-length",
    /// The service sent a self-care plan the app cannot follow.
    PlanInvalid = "plan-invalid",
    /// The service sent a questionnaire the app cannot show.
    QuestionnaireInvalid = "questionnaire-invalid",
    /// A medicine the plan in force has not (any longer) for a colour.
    MedicineUnknown = "medicine-unknown",
    /// A dose of the plan's schedule tapped more than an hour before its
    /// time: the task stays open.
    DoseNotYet = "dose-not-yet",
    /// A picture that is not a JPEG or PNG, is cut off or broken.
    PhotoUnreadable = "photo-unreadable",
    /// A picture file over 20 MB, or over 12 000 pixels a side.
    PhotoTooLarge = "photo-too-large",
    /// A photo for an activity the plan in force does not ask a photo for.
    PhotoNotAsked = "photo-not-asked",
    /// The camera was asked for (a QR code, a photo) and the tablet has none.
    CameraMissing = "camera-missing",
    /// "Les opp": the tablet has no voice for a language on the screen
    /// (args: language, its tag); nothing is read.
    SpeechNoVoice = "speech-no-voice",
    /// "Les opp" on more text than a screen holds.
    SpeechTooLong = "speech-too-long",
    /// The speech service is missing or did not answer.
    SpeechFailed = "speech-failed",
    /// A video appointment joined outside its time (from a quarter of an
    /// hour before until it ends), cancelled, or no longer booked.
    AppointmentNotNow = "appointment-not-now",
    MeasureNoDevice = "measure-no-device",
    MeasureTimeout = "measure-timeout",
    NurseLocked = "nurse-locked",
    /// Training was switched on or off while a form was open: nothing is
    /// stored, the form is sent again as what it is now.
    TrainingChanged = "training-changed",
    NurseNoCode = "nurse-no-code",
    NurseWrongCode = "nurse-wrong-code",
    /// Too many wrong nurse codes: wait before the next try.
    NurseWait = "nurse-wait",
    AnswerRequired = "answer-required",
    AnswerWrongType = "answer-wrong-type",
    AnswerTooLow = "answer-too-low",
    AnswerTooHigh = "answer-too-high",
    AnswerTooLong = "answer-too-long",
    AnswerNotAnOption = "answer-not-an-option",
    AnswerNotEnabled = "answer-not-enabled",
    AnswerUnknownItem = "answer-unknown-item",
    CallBadOffer = "call-bad-offer",
    CallBadAnswer = "call-bad-answer",
    CallBusy = "call-busy",
    CallCancelled = "call-cancelled",
    CallFailed = "call-failed",
    CallMissed = "call-missed",
    /// The service's TURN relay credentials have expired (asked twice).
    CallRelayExpired = "call-relay-expired",
    CallNoAnswer = "call-no-answer",
    CallNotOffered = "call-not-offered",
    CallRefused = "call-refused",
    CallUnreachable = "call-unreachable",
    MediaFailed = "media-failed",
    MediaMissingPlugin = "media-missing-plugin",
    MediaNoDevices = "media-no-devices",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Read back from its wire name (a code the store kept); an unknown name
/// is an error, never another code.
impl<'de> serde::Deserialize<'de> for ErrorCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<ErrorCode, D::Error> {
        let name = String::deserialize(deserializer)?;
        ErrorCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown error code {name:?}")))
    }
}

/// Lets tests and logs compare a code with its wire name.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A failure the user may need to hear about, as a stable code plus
/// optional detail for support staff (never personal health data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct CoreError {
    /// The Fluent id is `error-{code}`.
    pub code: ErrorCode,
    /// Technical detail for logs and support. It may name an address or
    /// an identifier, so it never crosses to the UI (not serialised).
    #[serde(skip)]
    pub detail: String,
    /// Values the message names (e.g. the line of a broken file); never
    /// personal health data, identifiers or secrets: they reach the UI.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub args: std::collections::BTreeMap<&'static str, String>,
}

impl CoreError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self { code, detail: detail.into(), args: Default::default() }
    }

    /// Adds a value the message shows (`{ $name }` in `error-<code>`).
    pub fn with_arg(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.insert(name, value.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::{CoreError, ErrorCode};

    #[test]
    fn the_detail_never_crosses_to_the_ui() {
        let error = CoreError::new(ErrorCode::EnrolUntrusted, "https://evil.example/r4/Patient/123 is not trusted");
        assert_eq!(serde_json::to_value(&error).unwrap(), serde_json::json!({ "code": "enrol-untrusted" }));
    }

    /// Each wire name is its variant's name in kebab-case, and unique.
    #[test]
    fn wire_names_are_the_variants_in_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            let variant = format!("{code:?}");
            let mut kebab = String::new();
            for (i, c) in variant.chars().enumerate() {
                if c.is_uppercase() && i > 0 {
                    kebab.push('-');
                }
                kebab.push(c.to_ascii_lowercase());
            }
            assert_eq!(code.as_str(), kebab);
            assert!(seen.insert(code.as_str()), "{code} twice");
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}
