//! Enrolment with a follow-up service, the pure part: reading the activation
//! code the nurse reads out or shows as a QR code (Crockford base-32 with a
//! check character that catches every single typo and every swap of
//! neighbours; QR text `heima-enrol:?endpoint=…&code=…`), PKCE (S256) for
//! the SMART on FHIR standalone launch, the authorization URL, and the
//! [`Enrolment`] (addresses, patient, tokens and their expiry) with when to
//! refresh. The HTTP side is [`crate::sync::enrol`]; the protocol is written
//! down in `docs/enrolment.md`.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{CoreError, ErrorCode};

/// Crockford's base-32 alphabet: no I, L, O or U, so a code read aloud or
/// typed by hand has fewer look-alikes.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Data characters in an activation code; a check character follows.
pub const CODE_DATA_LEN: usize = 11;

/// An activation code as `XXXX-XXXX-XXXX` (11 data characters and a check
/// character), and where to exchange it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActivationCode {
    pub code: String,
    /// The service's activation endpoint from a QR code; `None` for a code
    /// typed by hand (the app's configured endpoint is used).
    pub endpoint: Option<String>,
}

fn value_of(c: char) -> Option<u32> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    ALPHABET.iter().position(|&a| a as char == c).map(|p| p as u32)
}

/// The check character for data characters (weighted sum mod 31, a prime;
/// data characters use the first 31 symbols), which catches every single
/// wrong character and every swap of neighbours.
fn check_char(data: &[u32]) -> char {
    let sum: u32 = data.iter().enumerate().map(|(i, v)| (i as u32 + 1) * v).sum();
    ALPHABET[(sum % 31) as usize] as char
}

/// Makes a code from 11 random characters' worth of `random` (for the
/// test service and the demo).
pub fn new_code(random: &[u8; CODE_DATA_LEN]) -> String {
    let data: Vec<u32> = random.iter().map(|b| u32::from(*b) % 31).collect();
    let mut s: String = data.iter().map(|v| ALPHABET[*v as usize] as char).collect();
    s.push(check_char(&data));
    format!("{}-{}-{}", &s[0..4], &s[4..8], &s[8..12])
}

/// Scheme of an activation QR code: `heima-enrol:?endpoint=<url>&code=<code>`.
pub const QR_SCHEME: &str = "heima-enrol:";

/// Reads what the nurse gave: a typed code (spaces, dashes, lower case and
/// O/0, I/L/1 mix-ups forgiven) or the text of a QR code.
pub fn parse_activation(input: &str) -> Result<ActivationCode, CoreError> {
    let input = input.trim();
    if let Some(query) = input.strip_prefix(QR_SCHEME) {
        let query = query.trim_start_matches('?');
        let mut endpoint = None;
        let mut code = None;
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            match &*k {
                "endpoint" => endpoint = Some(v.into_owned()),
                "code" => code = Some(v.into_owned()),
                _ => {}
            }
        }
        let endpoint =
            endpoint.ok_or_else(|| CoreError::new(ErrorCode::EnrolCodeInvalid, "QR code without endpoint"))?;
        let parsed =
            url::Url::parse(&endpoint).map_err(|e| CoreError::new(ErrorCode::EnrolCodeInvalid, e.to_string()))?;
        if !matches!(parsed.scheme(), "https" | "http") {
            return Err(CoreError::new(ErrorCode::EnrolCodeInvalid, "endpoint is not http(s)"));
        }
        let code = parse_activation(
            &code.ok_or_else(|| CoreError::new(ErrorCode::EnrolCodeInvalid, "QR code without code"))?,
        )?
        .code;
        return Ok(ActivationCode { code, endpoint: Some(endpoint) });
    }
    let chars: Vec<char> = input.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if chars.len() != CODE_DATA_LEN + 1 {
        return Err(CoreError::new(
            ErrorCode::EnrolCodeInvalid,
            format!("{} characters, not {}", chars.len(), CODE_DATA_LEN + 1),
        ));
    }
    let values: Option<Vec<u32>> = chars.iter().map(|c| value_of(*c)).collect();
    let values =
        values.ok_or_else(|| CoreError::new(ErrorCode::EnrolCodeInvalid, "a character outside the code alphabet"))?;
    let (data, check) = values.split_at(CODE_DATA_LEN);
    if data.iter().any(|v| *v >= 31) || check_char(data) as u32 != ALPHABET[check[0] as usize] as u32 {
        return Err(CoreError::new(ErrorCode::EnrolCodeInvalid, "check character does not match"));
    }
    let s: String = values.iter().map(|v| ALPHABET[*v as usize] as char).collect();
    Ok(ActivationCode { code: format!("{}-{}-{}", &s[0..4], &s[4..8], &s[8..12]), endpoint: None })
}

/// PKCE (RFC 7636) for one authorization: the secret verifier and its S256
/// challenge. `Debug` shows only the challenge.
#[derive(Clone)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl std::fmt::Debug for Pkce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkce").field("challenge", &self.challenge).finish_non_exhaustive()
    }
}

impl Pkce {
    /// From 32 random bytes: a 43-character verifier.
    pub fn new(random: &[u8; 32]) -> Pkce {
        let verifier = URL_SAFE_NO_PAD.encode(random);
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Pkce { verifier, challenge }
    }
}

/// What the service's `.well-known/smart-configuration` says.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct SmartConfiguration {
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
    /// The authorisation server's issuer identifier.
    #[serde(default)]
    pub issuer: Option<String>,
    /// The server names itself (`iss`) in its authorization responses
    /// (RFC 9207); then the app insists on it.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    /// Where tokens are revoked (RFC 7009), if the server offers it.
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
}

impl SmartConfiguration {
    /// The `iss` an authorization response must carry, if the server
    /// promises one (RFC 9207): a mix-up with another server is refused.
    pub fn expected_issuer(&self) -> Option<&str> {
        if self.authorization_response_iss_parameter_supported {
            self.issuer.as_deref()
        } else {
            None
        }
    }
}

/// The app's OAuth client id, registered with each service.
pub const CLIENT_ID: &str = "heima";
/// SMART v2 scopes, only what the app uses: it creates readings, answers,
/// medicines taken, photos and messages, creates and updates its devices (a device tells more
/// later: a conditional update), reads and searches its plan,
/// questionnaires and messages, reads and searches the Tasks that say a
/// nurse has seen a reading and the patient's Appointments, reads the patient's own `Patient` (who they
/// are, checked at a hand-over), creates, reads (its binding token) and
/// deletes (at the end) its push channel's `Subscription`, and needs a
/// refresh token that outlives the app being closed. No `openid`: the app
/// checks no id_token, so it asks for none. The test gateway enforces
/// these, so a call the scopes do not cover fails the tests.
pub const SCOPE: &str = "launch/patient offline_access patient/Observation.c patient/QuestionnaireResponse.c \
                         patient/MedicationAdministration.c patient/Media.c patient/Communication.crs patient/Device.cu patient/CarePlan.rs patient/Questionnaire.rs \
                         patient/Task.rs patient/Appointment.rs patient/Patient.r patient/Subscription.crd";

/// The URL to open in the system browser for a SMART standalone launch.
pub fn authorize_url(
    smart: &SmartConfiguration,
    fhir_base: &str,
    redirect_uri: &str,
    state: &str,
    pkce: &Pkce,
) -> Result<String, CoreError> {
    if !smart.code_challenge_methods_supported.is_empty()
        && !smart.code_challenge_methods_supported.iter().any(|m| m == "S256")
    {
        return Err(CoreError::new(ErrorCode::EnrolServiceUnsupported, "the service does not offer PKCE S256"));
    }
    let mut url = url::Url::parse(&smart.authorization_endpoint)
        .map_err(|e| CoreError::new(ErrorCode::EnrolServiceUnsupported, e.to_string()))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", CLIENT_ID)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", SCOPE)
        .append_pair("state", state)
        .append_pair("aud", fhir_base)
        .append_pair("code_challenge", &pkce.challenge)
        .append_pair("code_challenge_method", "S256");
    Ok(url.into())
}

/// An OAuth 2 token response (RFC 6749 §5.1) with SMART's `patient` and,
/// for an activation code, the service's addresses. `Debug` leaves the
/// tokens and the patient out.
#[derive(Clone, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub token_type: String,
    pub expires_in: Option<i64>,
    pub refresh_token: Option<String>,
    pub patient: Option<String>,
    pub fhir_base_url: Option<String>,
    pub token_endpoint: Option<String>,
    pub service_name: Option<String>,
    /// Where the service takes video calls (`docs/calls.md`); none: no calls.
    pub call_endpoint: Option<String>,
    /// Where tokens are revoked (RFC 7009); for an activation code, as
    /// SMART discovery would say it.
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    /// The tablet's own nurse code, issued by the service with the
    /// enrolment; the app keeps only a slow hash of it.
    #[serde(default)]
    pub nurse_code: Option<String>,
}

impl std::fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("fhir_base_url", &self.fhir_base_url)
            .field("token_endpoint", &self.token_endpoint)
            .field("call_endpoint", &self.call_endpoint)
            .finish_non_exhaustive()
    }
}

/// Everything the app keeps about its follow-up service; stored as one
/// secret in the OS keyring (it holds the tokens). `Debug` leaves the
/// tokens out.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// FHIR base URL of the service.
    pub fhir_base: String,
    pub token_endpoint: String,
    /// `Patient/<id>` on that service.
    pub patient: String,
    pub service_name: Option<String>,
    /// Base URL of the service's call signalling (`docs/calls.md`), if it
    /// takes video calls.
    #[serde(default)]
    pub call_endpoint: Option<String>,
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_at: Option<Timestamp>,
    pub enrolled_at: Timestamp,
    /// The call endpoint's own token (RFC 8707: issued for that resource
    /// only); without one, the call endpoint gets no token at all, never
    /// the FHIR one.
    #[serde(default)]
    pub call_token: Option<String>,
    #[serde(default)]
    pub call_token_expires_at: Option<Timestamp>,
    /// Where tokens are revoked at the end of the follow-up (RFC 7009).
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    /// The patient's national identity number as the service gave it
    /// (`<system>|<value>`), to check a hand-over is the same person.
    #[serde(default)]
    pub national_id: Option<String>,
    /// The tablet's nurse code as an Argon2id hash (PHC string).
    #[serde(default)]
    pub nurse_code_hash: Option<String>,
    /// The nurse code as the service issued it, until the app has hashed
    /// it; never saved.
    #[serde(skip)]
    pub issued_nurse_code: Option<String>,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enrolment")
            .field("fhir_base", &self.fhir_base)
            .field("token_endpoint", &self.token_endpoint)
            .field("call_endpoint", &self.call_endpoint)
            .field("expires_at", &self.expires_at)
            .field("enrolled_at", &self.enrolled_at)
            .finish_non_exhaustive()
    }
}

/// Norwegian national identity numbers: fødselsnummer and D-nummer (the
/// identifier systems of the Norwegian FHIR base profiles).
pub const FNR_SYSTEM: &str = "urn:oid:2.16.578.1.12.4.1.4.1";
pub const DNR_SYSTEM: &str = "urn:oid:2.16.578.1.12.4.1.4.2";

/// The national identity number in a `Patient` resource, as
/// `<system>|<value>`: a fødselsnummer before a D-nummer, 11 digits, and
/// only when the resource is the patient asked for (`reference`,
/// `Patient/<id>`). Anything else is `None` — the person is then not
/// confirmed.
pub fn national_identity(patient: &serde_json::Value, reference: &str) -> Option<String> {
    if patient["resourceType"] != "Patient" || Some(patient["id"].as_str()?) != reference.strip_prefix("Patient/") {
        return None;
    }
    let identifiers = patient["identifier"].as_array()?;
    [FNR_SYSTEM, DNR_SYSTEM].iter().find_map(|system| {
        identifiers.iter().find_map(|i| {
            let value = i["value"].as_str()?.trim();
            let valid = value.len() == 11 && value.bytes().all(|b| b.is_ascii_digit());
            (i["system"] == *system && valid).then(|| format!("{system}|{value}"))
        })
    })
}

/// Who the service says the enrolled patient is: the national identity
/// number (`<system>|<value>`, kept with the enrolment for the store's
/// check), and the name and birth date the nurse is shown before she says
/// yes (not kept).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatientShown {
    pub national_id: Option<String>,
    pub name: Option<String>,
    pub birth_date: Option<jiff::civil::Date>,
}

/// Whether `phc` is a nurse code hash the app will check a code against:
/// an Argon2id PHC string made with the app's parameters (the argon2
/// crate's defaults: 19 MiB, 2 passes, 1 lane). A planted one asking for
/// huge memory or time is refused, not computed.
pub fn is_nurse_code_hash(phc: &str) -> bool {
    use argon2::password_hash::PasswordHash;
    let ours = argon2::Params::default();
    PasswordHash::new(phc).is_ok_and(|hash| {
        hash.algorithm.as_str() == "argon2id"
            && argon2::Params::try_from(&hash)
                .is_ok_and(|p| (p.m_cost(), p.t_cost(), p.p_cost()) == (ours.m_cost(), ours.t_cost(), ours.p_cost()))
    })
}

/// Refresh this long before the access token runs out.
pub const REFRESH_MARGIN: SignedDuration = SignedDuration::from_secs(120);

impl Enrolment {
    /// Who the service says the patient is, as the store checks it at a
    /// hand-over.
    pub fn service_patient(&self) -> crate::store::outbox::ServicePatient<'_> {
        crate::store::outbox::ServicePatient {
            fhir_base: &self.fhir_base,
            patient: &self.patient,
            national_id: self.national_id.as_deref(),
        }
    }

    /// Builds the enrolment from a token response. `fhir_base` and
    /// `token_endpoint` come from the response or, for SMART, discovery.
    pub fn from_tokens(
        t: &TokenResponse,
        fhir_base: Option<&str>,
        token_endpoint: Option<&str>,
        now: Timestamp,
    ) -> Result<Enrolment, CoreError> {
        if !t.token_type.is_empty() && !t.token_type.eq_ignore_ascii_case("bearer") {
            return Err(CoreError::new(ErrorCode::EnrolServiceUnsupported, format!("token type {}", t.token_type)));
        }
        let bad = |what: &str| {
            CoreError::new(ErrorCode::EnrolServiceUnsupported, format!("the token response has no {what}"))
        };
        let fhir_base = t.fhir_base_url.as_deref().or(fhir_base).ok_or_else(|| bad("fhir_base_url"))?;
        let token_endpoint = t.token_endpoint.as_deref().or(token_endpoint).ok_or_else(|| bad("token_endpoint"))?;
        let patient = t.patient.as_deref().filter(|p| !p.is_empty()).ok_or_else(|| bad("patient"))?;
        Ok(Enrolment {
            fhir_base: fhir_base.trim_end_matches('/').to_string(),
            token_endpoint: token_endpoint.to_string(),
            patient: if patient.starts_with("Patient/") { patient.to_string() } else { format!("Patient/{patient}") },
            service_name: t.service_name.clone(),
            call_endpoint: t.call_endpoint.as_deref().map(|c| c.trim_end_matches('/').to_string()),
            access_token: t.access_token.clone(),
            refresh_token: t.refresh_token.clone(),
            expires_at: t.expires_in.and_then(|s| now.checked_add(SignedDuration::from_secs(s)).ok()),
            enrolled_at: now,
            call_token: None,
            call_token_expires_at: None,
            revocation_endpoint: t.revocation_endpoint.clone(),
            national_id: None,
            nurse_code_hash: None,
            issued_nurse_code: t.nurse_code.clone().filter(|c| !c.trim().is_empty()),
        })
    }

    /// Takes new tokens from a refresh; a missing new refresh token keeps the old one.
    pub fn refreshed(&self, t: &TokenResponse, now: Timestamp) -> Enrolment {
        Enrolment {
            access_token: t.access_token.clone(),
            refresh_token: t.refresh_token.clone().or_else(|| self.refresh_token.clone()),
            expires_at: t.expires_in.and_then(|s| now.checked_add(SignedDuration::from_secs(s)).ok()),
            ..self.clone()
        }
    }

    /// Takes the call endpoint's own token from a refresh made for that
    /// resource; the FHIR token stays, a rotated refresh token is kept.
    pub fn with_call_token(&self, t: &TokenResponse, now: Timestamp) -> Enrolment {
        Enrolment {
            call_token: Some(t.access_token.clone()),
            call_token_expires_at: t.expires_in.and_then(|s| now.checked_add(SignedDuration::from_secs(s)).ok()),
            refresh_token: t.refresh_token.clone().or_else(|| self.refresh_token.clone()),
            ..self.clone()
        }
    }

    /// Should a token for the call endpoint be fetched (none yet, or it
    /// runs out soon)?
    pub fn call_token_due(&self, now: Timestamp) -> bool {
        self.call_endpoint.is_some()
            && self.refresh_token.is_some()
            && (self.call_token.is_none() || self.call_token_expires_at.is_some_and(|at| now + REFRESH_MARGIN >= at))
    }

    /// Should the access token be refreshed before the next request?
    pub fn needs_refresh(&self, now: Timestamp) -> bool {
        match self.expires_at {
            Some(at) => self.refresh_token.is_some() && now + REFRESH_MARGIN >= at,
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_token() {
        let e = Enrolment {
            fhir_base: "https://fhir.example.no/r4".into(),
            token_endpoint: "https://auth.example.no/token".into(),
            patient: "Patient/p1".into(),
            service_name: None,
            call_endpoint: Some("https://call.example.no/".into()),
            access_token: "access-secret".into(),
            refresh_token: Some("refresh-secret".into()),
            expires_at: None,
            enrolled_at: Timestamp::UNIX_EPOCH,
            call_token: Some("call-secret".into()),
            call_token_expires_at: None,
            revocation_endpoint: None,
            national_id: Some("urn:oid:2.16.578.1.12.4.1.4.1|01017012345".into()),
            nurse_code_hash: Some("$argon2id$secret".into()),
            issued_nurse_code: Some("secret-code".into()),
        };
        let shown = format!("{e:?}");
        assert!(!shown.contains("secret") && !shown.contains("Patient/p1") && !shown.contains("0101"), "{shown}");
        let saved = serde_json::to_string(&e).unwrap();
        assert!(!saved.contains("secret-code"), "the nurse code as issued is never saved");
        let pkce = Pkce::new(&[7; 32]);
        assert!(!format!("{pkce:?}").contains(&pkce.verifier));
        let tokens: TokenResponse = serde_json::from_value(serde_json::json!({
            "access_token": "access-secret", "refresh_token": "refresh-secret", "patient": "p1"
        }))
        .unwrap();
        let shown = format!("{tokens:?}");
        assert!(!shown.contains("secret") && !shown.contains("p1"), "{shown}");
        assert!(!e.call_token_due(Timestamp::UNIX_EPOCH), "a token without expiry is kept");
        let without = Enrolment { call_token: None, ..e.clone() };
        assert!(without.call_token_due(Timestamp::UNIX_EPOCH));
        assert!(!Enrolment { call_endpoint: None, ..without }.call_token_due(Timestamp::UNIX_EPOCH));
    }

    #[test]
    fn codes_round_trip_and_forgive_typing() {
        let code = new_code(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 31]);
        assert_eq!(code.len(), 14);
        assert_eq!(parse_activation(&code).unwrap().code, code);
        let sloppy = code.to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
        assert_eq!(parse_activation(&sloppy).unwrap().code, code);
    }

    #[test]
    fn every_single_typo_and_neighbour_swap_is_caught() {
        let code = new_code(&[20, 7, 13, 0, 31, 5, 9, 17, 2, 28, 11]);
        let plain: Vec<char> = code.chars().filter(|c| *c != '-').collect();
        for i in 0..plain.len() {
            for &a in ALPHABET {
                let mut typo = plain.clone();
                if typo[i] == a as char {
                    continue;
                }
                typo[i] = a as char;
                let text: String = typo.iter().collect();
                assert!(parse_activation(&text).is_err(), "{text} accepted for {code}");
            }
            if i + 1 < plain.len() && plain[i] != plain[i + 1] {
                let mut swap = plain.clone();
                swap.swap(i, i + 1);
                let text: String = swap.iter().collect();
                assert!(parse_activation(&text).is_err(), "{text} accepted for {code}");
            }
        }
    }

    #[test]
    fn wrong_lengths_and_letters_are_refused() {
        for bad in ["", "ABCD-EFGH-JKM", "ABCD-EFGH-JKMNP", "ABCD-EFGH-JKM!", "ABCU-EFGH-JKMN"] {
            assert_eq!(parse_activation(bad).unwrap_err().code, "enrol-code-invalid", "{bad}");
        }
    }

    #[test]
    fn qr_codes_carry_the_endpoint() {
        let code = new_code(&[3; 11]);
        let qr = format!("heima-enrol:?endpoint=https%3A%2F%2Fdho.example.no%2Factivate&code={code}");
        let parsed = parse_activation(&qr).unwrap();
        assert_eq!(parsed.endpoint.as_deref(), Some("https://dho.example.no/activate"));
        assert_eq!(parsed.code, code);
        assert!(parse_activation("heima-enrol:?endpoint=ftp%3A%2F%2Fx&code=1").is_err());
        assert!(parse_activation(&format!("heima-enrol:?code={code}")).is_err());
    }

    #[test]
    fn pkce_matches_rfc_7636_appendix_b() {
        // RFC 7636 Appendix B's verifier bytes and challenge.
        let bytes = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191,
            240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let p = Pkce::new(&bytes);
        assert_eq!(p.verifier, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(p.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn the_authorize_url_has_every_smart_parameter() {
        let smart = SmartConfiguration {
            authorization_endpoint: "https://auth.example.no/authorize".into(),
            token_endpoint: "https://auth.example.no/token".into(),
            code_challenge_methods_supported: vec!["S256".into()],
            issuer: None,
            authorization_response_iss_parameter_supported: false,
            revocation_endpoint: None,
        };
        let pkce = Pkce::new(&[7; 32]);
        let url =
            authorize_url(&smart, "https://fhir.example.no/r4", "http://127.0.0.1:4711/callback", "st", &pkce).unwrap();
        let parsed = url::Url::parse(&url).unwrap();
        let q: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["redirect_uri"], "http://127.0.0.1:4711/callback");
        assert_eq!(q["aud"], "https://fhir.example.no/r4");
        assert_eq!(q["code_challenge"], pkce.challenge);
        assert_eq!(q["code_challenge_method"], "S256");
        let scopes: Vec<&str> = q["scope"].split(' ').collect();
        assert_eq!(
            scopes,
            [
                "launch/patient",
                "offline_access",
                "patient/Observation.c",
                "patient/QuestionnaireResponse.c",
                "patient/MedicationAdministration.c",
                "patient/Media.c",
                "patient/Communication.crs",
                "patient/Device.cu",
                "patient/CarePlan.rs",
                "patient/Questionnaire.rs",
                "patient/Task.rs",
                "patient/Appointment.rs",
                "patient/Patient.r",
                "patient/Subscription.crd"
            ],
            "least privilege: no wildcard, updates only of devices, deletes only of the push channel, no openid"
        );
        let plain_only = SmartConfiguration { code_challenge_methods_supported: vec!["plain".into()], ..smart };
        assert_eq!(authorize_url(&plain_only, "x", "y", "z", &pkce).unwrap_err().code, "enrol-service-unsupported");
    }

    #[test]
    fn tokens_are_refreshed_before_they_run_out() {
        let now: Timestamp = "2026-11-23T10:00:00Z".parse().unwrap();
        let t: TokenResponse = serde_json::from_value(serde_json::json!({
            "access_token": "a1", "token_type": "Bearer", "expires_in": 600, "refresh_token": "r1",
            "patient": "123", "fhir_base_url": "https://fhir.example.no/r4/", "token_endpoint": "https://auth.example.no/token"
        }))
        .unwrap();
        let e = Enrolment::from_tokens(&t, None, None, now).unwrap();
        assert_eq!(e.patient, "Patient/123");
        assert_eq!(e.fhir_base, "https://fhir.example.no/r4");
        assert!(!e.needs_refresh(now));
        assert!(!e.needs_refresh(now + SignedDuration::from_secs(470)));
        assert!(e.needs_refresh(now + SignedDuration::from_secs(480)));
        let r: TokenResponse =
            serde_json::from_value(serde_json::json!({ "access_token": "a2", "expires_in": 600 })).unwrap();
        let later = now + SignedDuration::from_secs(500);
        let e2 = e.refreshed(&r, later);
        assert_eq!((e2.access_token.as_str(), e2.refresh_token.as_deref()), ("a2", Some("r1")));
        assert_eq!(e2.expires_at, Some(later + SignedDuration::from_secs(600)));
        let no_patient: TokenResponse = serde_json::from_value(
            serde_json::json!({ "access_token": "a", "fhir_base_url": "x", "token_endpoint": "y" }),
        )
        .unwrap();
        assert_eq!(Enrolment::from_tokens(&no_patient, None, None, now).unwrap_err().code, "enrol-service-unsupported");
    }
}
