//! Which follow-up services this installation trusts. A tablet that talks
//! to the wrong server gives it every reading and takes its plan (limits,
//! advice, phone numbers), so every service address — the activation
//! endpoint, the token answer's FHIR base, token and call endpoints,
//! discovery's authorization endpoint — must be on a trusted origin, over
//! HTTPS. Plain http is only for loopback, and only when the installation
//! allows it (tests). The nurse then confirms the service's trusted name
//! and host before the enrolment is kept.

use serde::Serialize;

use crate::error::{CoreError, ErrorCode};

/// A service the installation trusts: its origin and the name the nurse
/// is shown (the installation's word, not the server's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustedService {
    /// `https://host[:port]`, as `url::Origin` writes it.
    pub origin: String,
    pub name: String,
}

/// Whether plain http may be used to loopback addresses (tests only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LoopbackHttp {
    #[default]
    Refused,
    Allowed,
}

/// The installation's trusted services.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trust {
    pub services: Vec<TrustedService>,
    pub loopback_http: LoopbackHttp,
}

impl Trust {
    /// Reads `origin=name` pairs separated by `;` (the test and
    /// development form of the installation's list). A malformed entry is
    /// an error naming it.
    pub fn parse(list: &str, loopback_http: LoopbackHttp) -> Result<Trust, CoreError> {
        let mut services = Vec::new();
        for entry in list.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let (origin, name) = entry
                .split_once('=')
                .ok_or_else(|| CoreError::new(ErrorCode::SettingsUnreadable, format!("no name in {entry:?}")))?;
            let url = url::Url::parse(origin.trim())
                .map_err(|e| CoreError::new(ErrorCode::SettingsUnreadable, format!("{origin:?}: {e}")))?;
            services.push(TrustedService { origin: url.origin().ascii_serialization(), name: name.trim().to_string() });
        }
        Ok(Trust { services, loopback_http })
    }

    /// The trusted service `address` belongs to, if it may be used:
    /// `https` on a trusted origin, or `http` on a trusted loopback origin
    /// when the installation allows that.
    pub fn service_for(&self, address: &str) -> Result<&TrustedService, CoreError> {
        let url = url::Url::parse(address)
            .map_err(|e| CoreError::new(ErrorCode::EnrolUntrusted, format!("not an address: {e}")))?;
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            None => false,
        };
        match url.scheme() {
            "https" => {}
            "http" if loopback && self.loopback_http == LoopbackHttp::Allowed => {}
            scheme => {
                return Err(CoreError::new(ErrorCode::EnrolInsecure, format!("{scheme} is not https")));
            }
        }
        let origin = url.origin().ascii_serialization();
        self.services
            .iter()
            .find(|s| s.origin == origin)
            .ok_or_else(|| CoreError::new(ErrorCode::EnrolUntrusted, format!("{origin} is not a trusted service")))
    }
}

/// The host (and port, when not the scheme's default) of an address, as
/// the nurse is shown it.
pub fn host_of(address: &str) -> String {
    url::Url::parse(address)
        .ok()
        .and_then(|u| u.host_str().map(|h| u.port().map_or(h.to_string(), |p| format!("{h}:{p}"))))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trust(loopback: LoopbackHttp) -> Trust {
        Trust::parse("https://dho.oslo.kommune.no=Oslo kommune; http://127.0.0.1:8080 = Test", loopback).unwrap()
    }

    #[test]
    fn only_https_on_trusted_origins_and_http_only_to_allowed_loopback() {
        let cases = [
            ("https://dho.oslo.kommune.no/activate", LoopbackHttp::Refused, Ok("Oslo kommune")),
            ("https://DHO.oslo.kommune.no:443/r4", LoopbackHttp::Refused, Ok("Oslo kommune")),
            ("https://dho.oslo.kommune.no:8443/r4", LoopbackHttp::Refused, Err("enrol-untrusted")),
            ("http://dho.oslo.kommune.no/activate", LoopbackHttp::Allowed, Err("enrol-insecure")),
            ("https://evil.example/activate", LoopbackHttp::Refused, Err("enrol-untrusted")),
            ("https://dho.oslo.kommune.no.evil.example/", LoopbackHttp::Refused, Err("enrol-untrusted")),
            ("http://127.0.0.1:8080/fhir", LoopbackHttp::Allowed, Ok("Test")),
            ("http://127.0.0.1:8080/fhir", LoopbackHttp::Refused, Err("enrol-insecure")),
            ("http://127.0.0.1:9999/fhir", LoopbackHttp::Allowed, Err("enrol-untrusted")),
            ("ftp://dho.oslo.kommune.no/", LoopbackHttp::Allowed, Err("enrol-insecure")),
            ("javascript:alert(1)", LoopbackHttp::Allowed, Err("enrol-insecure")),
            ("not an address", LoopbackHttp::Allowed, Err("enrol-untrusted")),
        ];
        for (address, loopback, expected) in cases {
            let trust = trust(loopback);
            let got = trust.service_for(address).map(|s| s.name.as_str()).map_err(|e| e.code.as_str());
            assert_eq!(got, expected, "{address} with loopback http {loopback:?}");
        }
    }

    #[test]
    fn the_list_is_read_and_a_broken_entry_named() {
        let t = trust(LoopbackHttp::Refused);
        assert_eq!(
            t.services[0],
            TrustedService { origin: "https://dho.oslo.kommune.no".into(), name: "Oslo kommune".into() }
        );
        assert_eq!(t.services[1].origin, "http://127.0.0.1:8080");
        assert_eq!(Trust::parse("", LoopbackHttp::Refused).unwrap().services, vec![]);
        let error = Trust::parse("https://a.no", LoopbackHttp::Refused).unwrap_err();
        assert!(error.detail.contains("https://a.no"), "{error:?}");
        assert!(Trust::parse("nonsense=X", LoopbackHttp::Refused).is_err());
        assert_eq!(host_of("https://dho.oslo.kommune.no/r4"), "dho.oslo.kommune.no");
        assert_eq!(host_of("http://127.0.0.1:8080/fhir"), "127.0.0.1:8080");
    }
}
