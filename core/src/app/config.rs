//! How the app is set up at start: `AppConfig`, from the installation's
//! configuration file (`installation.rs`) and, for tests and development,
//! variables ([`Variable`]: the nurse code, the activation endpoint, the
//! trusted services, plain http to loopback, what a call sends instead of
//! the camera, relay-only calls, a test clock, the system-wide file's
//! place), read through a lookup the shell passes (the environment, in
//! debug builds only). Which variables
//! there are, what they mean and what a bad value does are decided here; a
//! bad value is told to the user and the app starts with the safe default.
//! Also the settings a new tablet starts with.

use std::{path::PathBuf, sync::Arc, time::Duration};

use super::call_line::CallTimings;
use crate::{
    call::{demo_nurse::DEMO_RING, media::Source},
    clock::Clock,
    error::CoreError,
    trust::{LoopbackHttp, Trust},
};

/// How the app is set up at start.
#[derive(Clone)]
pub struct AppConfig {
    /// Where "now" comes from.
    pub clock: Arc<dyn Clock>,
    /// Where background work (calls, a demo reply) runs.
    pub runtime: tokio::runtime::Handle,
    /// Where the store and the settings live.
    pub data_dir: PathBuf,
    /// The nurse code, if one is configured (tests and development).
    pub nurse_code: Option<String>,
    /// The installation's nurse code, as an Argon2id hash (the system-wide
    /// file's `nurse_code_hash`): for a service that issues none.
    pub installation_nurse_code_hash: Option<String>,
    /// What the patient's side of a call sends (`None`: nothing).
    pub call_source: Option<Source>,
    /// What the camera shows outside a call (the QR code at enrolment).
    pub camera_source: crate::camera::CameraSource,
    /// Which ICE candidates calls use (relay only: to test the TURN path).
    pub ice_transports: crate::call::IceTransports,
    /// The activation endpoint for codes typed by hand.
    pub enrol_endpoint: Option<String>,
    /// The follow-up services this installation trusts.
    pub trust: Trust,
    pub call_timings: CallTimings,
    /// How long the demo nurse lets a call ring.
    pub demo_ring: Duration,
    /// How long the demo's nurse takes to see a yellow or red result.
    pub demo_seen_after: Duration,
    /// Full screen without window controls (lent tablets).
    pub kiosk: bool,
    /// Whether the app starts when the user logs in.
    pub start_at_login: super::StartAtLogin,
    /// The language and text size a new tablet starts with.
    pub default_locale: Option<crate::locale::Locale>,
    pub default_text_size: Option<crate::settings::TextSize>,
    /// The platform's speech service, for "Les opp" (none: every reading
    /// says there is no voice).
    pub speech: Arc<dyn crate::speech::Speech>,
}

/// The installation's variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variable {
    /// The nurse code (demo mode has its own).
    NurseCode,
    /// Where typed activation codes are exchanged (a QR code carries its own).
    EnrolEndpoint,
    /// The trusted services: `origin=name` pairs separated by `;`.
    TrustedServices,
    /// `1`: plain http to loopback services is allowed (tests only).
    AllowLoopbackHttp,
    /// What the patient's side of a call sends instead of the camera and
    /// microphone: `test-pattern`, or `none` (as on a tablet without either).
    CallSource,
    /// A picture file the camera shows instead of what it sees (outside
    /// a call: the enrolment QR code), fed through the camera's pipeline.
    CameraImage,
    /// `relay`: calls use the service's TURN relay only (as behind a
    /// carrier-grade NAT; tests of the relay path).
    IceTransports,
    /// An instant (RFC 3339) the app's clock starts from and runs on, for
    /// tests of days they cannot wait for (a week's weighings, 17 May).
    TestClock,
    /// Seconds the demo's nurse takes to see a yellow or red result
    /// (tests of a red leaving the today screen; the default is 2 minutes).
    DemoSeenAfter,
    /// Where the system-wide configuration file is read from instead of
    /// its place (tests of what only that file may set).
    SystemConfig,
}

impl Variable {
    /// Its name in the environment.
    pub fn name(self) -> &'static str {
        match self {
            Variable::NurseCode => "HEIMA_NURSE_CODE",
            Variable::EnrolEndpoint => "HEIMA_ENROL_ENDPOINT",
            Variable::TrustedServices => "HEIMA_TRUSTED_SERVICES",
            Variable::AllowLoopbackHttp => "HEIMA_ALLOW_LOOPBACK_HTTP",
            Variable::CallSource => "HEIMA_CALL_SOURCE",
            Variable::CameraImage => "HEIMA_CAMERA_IMAGE",
            Variable::IceTransports => "HEIMA_ICE_TRANSPORTS",
            Variable::TestClock => "HEIMA_TEST_CLOCK",
            Variable::DemoSeenAfter => "HEIMA_DEMO_SEEN_AFTER",
            Variable::SystemConfig => "HEIMA_SYSTEM_CONFIG",
        }
    }
}

impl AppConfig {
    /// The settings a tablet starts with before anyone has chosen: the
    /// installation's language and text size, else the app's own.
    pub fn new_tablet_settings(&self) -> crate::settings::Settings {
        let mut settings = crate::settings::Settings::default();
        settings.locale = self.default_locale.unwrap_or(settings.locale);
        settings.text_size = self.default_text_size.unwrap_or(settings.text_size);
        settings
    }

    /// The installation's file, then its variables with `lookup` (an
    /// empty value counts as unset; a variable adds to or replaces the
    /// file's value). A broken trusted-services list adds none and becomes
    /// a notice.
    pub fn from_installation(
        installation: &super::Installation,
        lookup: impl Fn(Variable) -> Option<String>,
        data_dir: PathBuf,
        clock: Arc<dyn Clock>,
        runtime: tokio::runtime::Handle,
        notices: &mut Vec<CoreError>,
    ) -> AppConfig {
        let get = |v: Variable| lookup(v).filter(|value| !value.is_empty());
        let loopback = match get(Variable::AllowLoopbackHttp).as_deref() {
            Some("1") => LoopbackHttp::Allowed,
            _ => LoopbackHttp::Refused,
        };
        let mut trust =
            Trust::parse(&get(Variable::TrustedServices).unwrap_or_default(), loopback).unwrap_or_else(|e| {
                notices.push(e);
                Trust { loopback_http: loopback, ..Trust::default() }
            });
        trust.services.extend(installation.trusted.iter().cloned());
        let clock: Arc<dyn Clock> = match get(Variable::TestClock).map(|t| t.parse::<jiff::Timestamp>()) {
            None => clock,
            Some(Ok(start)) => Arc::new(crate::clock::ShiftedClock::starting_at(clock, start)),
            Some(Err(e)) => {
                notices.push(CoreError::new(
                    crate::error::ErrorCode::ConfigInvalid,
                    format!("{}: {e}", Variable::TestClock.name()),
                ));
                clock
            }
        };
        AppConfig {
            clock,
            runtime,
            data_dir,
            nurse_code: get(Variable::NurseCode),
            installation_nurse_code_hash: installation.nurse_code_hash.clone(),
            call_source: match get(Variable::CallSource).as_deref() {
                Some("test-pattern") => Some(Source::TestPattern),
                Some("none") => None,
                _ => Some(Source::Devices),
            },
            camera_source: match get(Variable::CameraImage) {
                Some(path) => crate::camera::CameraSource::Image(path.into()),
                None => crate::camera::CameraSource::Device,
            },
            ice_transports: match get(Variable::IceTransports).as_deref() {
                Some("relay") => crate::call::IceTransports::Relay,
                _ => crate::call::IceTransports::All,
            },
            enrol_endpoint: get(Variable::EnrolEndpoint).or_else(|| installation.activation_endpoint.clone()),
            trust,
            call_timings: CallTimings::default(),
            demo_ring: DEMO_RING,
            demo_seen_after: match get(Variable::DemoSeenAfter).map(|s| s.parse::<u64>()) {
                Some(Ok(seconds)) => Duration::from_secs(seconds),
                None => super::DEMO_SEEN_AFTER,
                Some(Err(e)) => {
                    notices.push(CoreError::new(
                        crate::error::ErrorCode::ConfigInvalid,
                        format!("{}: {e}", Variable::DemoSeenAfter.name()),
                    ));
                    super::DEMO_SEEN_AFTER
                }
            },
            kiosk: installation.kiosk,
            start_at_login: installation.start_at_login,
            default_locale: installation.language,
            default_text_size: installation.text_size,
            speech: Arc::new(crate::speech::NoSpeech),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::{call::media::Source, clock::SystemClock};

    fn read(pairs: &[(Variable, &str)]) -> (AppConfig, Vec<CoreError>) {
        let values: HashMap<Variable, String> = pairs.iter().map(|(k, v)| (*k, v.to_string())).collect();
        let mut notices = Vec::new();
        let config = AppConfig::from_installation(
            &crate::app::Installation::default(),
            |v| values.get(&v).cloned(),
            PathBuf::from("/tmp/heima"),
            Arc::new(SystemClock),
            tokio::runtime::Handle::current(),
            &mut notices,
        );
        (config, notices)
    }

    #[tokio::test]
    async fn variables_set_up_the_app_and_a_bad_one_falls_back_safely() {
        let (config, notices) = read(&[]);
        assert!(notices.is_empty());
        assert_eq!((config.nurse_code, config.enrol_endpoint), (None, None));
        assert_eq!(config.call_source, Some(Source::Devices));
        assert_eq!(config.ice_transports, crate::call::IceTransports::All);
        assert_eq!(config.trust, Trust::default(), "nothing trusted unless named");

        let (config, notices) = read(&[
            (Variable::NurseCode, "9753"),
            (Variable::EnrolEndpoint, "https://dho.example.no/activate"),
            (Variable::TrustedServices, "https://dho.example.no=Testkommunen"),
            (Variable::AllowLoopbackHttp, "1"),
            (Variable::CallSource, "none"),
            (Variable::IceTransports, "relay"),
        ]);
        assert!(notices.is_empty());
        assert_eq!(config.ice_transports, crate::call::IceTransports::Relay);
        assert_eq!(config.nurse_code.as_deref(), Some("9753"));
        assert_eq!(config.call_source, None);
        assert_eq!(config.trust.services[0].name, "Testkommunen");
        assert_eq!(config.trust.loopback_http, LoopbackHttp::Allowed);

        let (config, notices) = read(&[(Variable::TestClock, "2027-05-17T08:00:00Z")]);
        assert!(notices.is_empty());
        let moved = config.clock.now().duration_since("2027-05-17T08:00:00Z".parse().unwrap());
        assert!(moved >= jiff::SignedDuration::ZERO && moved < jiff::SignedDuration::from_secs(60), "{moved:?}");
        let (_, notices) = read(&[(Variable::TestClock, "17 May")]);
        assert_eq!(notices.len(), 1, "a clock that cannot be read is told");
        assert_eq!(read(&[]).0.demo_seen_after, crate::app::DEMO_SEEN_AFTER);
        assert_eq!(read(&[(Variable::DemoSeenAfter, "3")]).0.demo_seen_after, Duration::from_secs(3));
        let (config, notices) = read(&[(Variable::DemoSeenAfter, "soon")]);
        assert_eq!((config.demo_seen_after, notices.len()), (crate::app::DEMO_SEEN_AFTER, 1));

        let (config, notices) = read(&[(Variable::TrustedServices, "no name here"), (Variable::NurseCode, "")]);
        assert_eq!(notices.len(), 1, "a broken list is told");
        assert!(config.trust.services.is_empty(), "and trusts none");
        assert_eq!(config.nurse_code, None, "empty is unset");
    }
}
