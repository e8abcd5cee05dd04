//! The patient's settings: language, text size, contrast, the reminders'
//! sound, and which follow-up service the tablet is enrolled with (none
//! means demo mode).
//!
//! The shell stores them as JSON; this module only parses and produces that
//! JSON, and accepts old or partial files by filling in defaults.

use serde::{Deserialize, Serialize};

use crate::{
    error::{CoreError, ErrorCode},
    locale::Locale,
};

/// How large the text is drawn.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextSize {
    #[default]
    Normal,
    Large,
    Largest,
}

/// The sound of a reminder, as the patient chose: one of the desktop's
/// sounds, or none.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReminderSound {
    #[default]
    Bell,
    Chime,
    Alarm,
    Off,
}

impl ReminderSound {
    pub const ALL: [ReminderSound; 4] =
        [ReminderSound::Bell, ReminderSound::Chime, ReminderSound::Alarm, ReminderSound::Off];
}

/// The follow-up service this tablet is enrolled with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceEnrolment {
    /// FHIR base URL of the service.
    pub base_url: String,
}

/// Everything the patient can set, plus the enrolment.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub locale: Locale,
    pub text_size: TextSize,
    pub high_contrast: bool,
    pub reminder_sound: ReminderSound,
    /// `None` means no service is configured: the app runs in demo mode.
    pub service: Option<ServiceEnrolment>,
}

impl Settings {
    /// Parses stored settings. Unknown fields are ignored and missing ones
    /// take their defaults, so files from older or newer versions still load.
    pub fn from_json(text: &str) -> Result<Settings, CoreError> {
        serde_json::from_str(text).map_err(|e| CoreError::new(ErrorCode::SettingsUnreadable, e.to_string()))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("settings always serialise")
    }

    /// Whether the app should run against the in-process demo service.
    pub fn is_demo(&self) -> bool {
        self.service.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_bokmal_and_demo() {
        let s = Settings::default();
        assert_eq!(s.locale, Locale::Bokmal);
        assert!(s.is_demo());
    }

    #[test]
    fn round_trip() {
        let s = Settings {
            locale: Locale::Nynorsk,
            text_size: TextSize::Largest,
            high_contrast: true,
            reminder_sound: ReminderSound::Off,
            service: Some(ServiceEnrolment { base_url: "https://fhir.example/r4".into() }),
        };
        assert_eq!(Settings::from_json(&s.to_json()).unwrap(), s);
    }

    #[test]
    fn partial_and_future_files_load() {
        let s = Settings::from_json(r#"{"locale":"nn","something_new":42}"#).unwrap();
        assert_eq!(s.locale, Locale::Nynorsk);
        assert_eq!(s.text_size, TextSize::Normal);
    }

    #[test]
    fn garbage_is_a_coded_error() {
        assert_eq!(Settings::from_json("{not json").unwrap_err().code, "settings-unreadable");
        assert_eq!(Settings::from_json(r#"{"locale":"sv"}"#).unwrap_err().code, "settings-unreadable");
    }
}
