//! The canonical URLs of everything Heima defines in FHIR — identifier
//! systems, extensions — under one base the project owns, set here and
//! nowhere else. Each has its definition in `docs/fhir/` (a NamingSystem
//! for an identifier system, a StructureDefinition for an extension).
//!
//! Before these, the app wrote `urn:heima:*` names. Readers still accept
//! them ([`is`]), and items queued under them are matched under both
//! names when sent ([`legacy`]), so nothing sent before is sent twice.

/// The base every Heima canonical URL starts with.
pub const BASE: &str = "https://fhir.heima.no";

/// Identifier systems (`<BASE>/sid/<name>`).
pub const OBSERVATION_IDENTIFIER: &str = "https://fhir.heima.no/sid/observation";
pub const MESSAGE_IDENTIFIER: &str = "https://fhir.heima.no/sid/message";
pub const RESPONSE_IDENTIFIER: &str = "https://fhir.heima.no/sid/questionnaire-response";
pub const NOTICE_IDENTIFIER: &str = "https://fhir.heima.no/sid/notice";
/// A medicine the patient says was taken (a course started).
pub const MEDICINE_TAKEN_IDENTIFIER: &str = "https://fhir.heima.no/sid/medicine-taken";
/// A photo the patient took for the plan.
pub const PHOTO_IDENTIFIER: &str = "https://fhir.heima.no/sid/photo";
/// A Bluetooth peripheral known only by the operating system's own id for
/// it (macOS gives a UUID, not the device's address).
pub const PERIPHERAL_IDENTIFIER: &str = "https://fhir.heima.no/sid/ble-peripheral";

/// Extensions (`<BASE>/StructureDefinition/<name>`).
pub const DEVICE_TIME_EXTENSION: &str = "https://fhir.heima.no/StructureDefinition/device-time";
pub const ENTERED_BY_EXTENSION: &str = "https://fhir.heima.no/StructureDefinition/entered-by";
pub const ORIGINAL_VALUE_EXTENSION: &str = "https://fhir.heima.no/StructureDefinition/original-value";
pub const TOTAL_SCORE_EXTENSION: &str = "https://fhir.heima.no/StructureDefinition/total-score";
/// On a Questionnaire's boolean item: what a "yes" adds to the total score.
pub const YES_SCORE_EXTENSION: &str = "https://fhir.heima.no/StructureDefinition/yes-score";
pub const TRAFFIC_LIGHT_EXTENSION: &str = "https://fhir.heima.no/StructureDefinition/traffic-light";
pub const ACTIVITY_ID_EXTENSION: &str = "https://fhir.heima.no/StructureDefinition/activity-id";
pub const REMINDER_TEXT_EXTENSION: &str = "https://fhir.heima.no/StructureDefinition/reminder-text";
/// How often a task left undone is reminded, and the quiet hours.
pub const REMINDERS_EXTENSION: &str = "https://fhir.heima.no/StructureDefinition/reminders";
/// The traffic-light colour a questionnaire's answers got (an Observation
/// says it in `interpretation`).
pub const JUDGEMENT_EXTENSION: &str = "https://fhir.heima.no/StructureDefinition/judgement";
/// The plan version that judged a reading or answers.
pub const JUDGED_BY_EXTENSION: &str = "https://fhir.heima.no/StructureDefinition/judged-by";

/// Code systems (`<BASE>/CodeSystem/<name>`).
pub const TRAFFIC_LIGHT_CODES: &str = "https://fhir.heima.no/CodeSystem/traffic-light";
/// The follow-up's own words: `trial` (a CarePlan's category in the trial
/// period), `out-of-hours` (the HealthcareService to call when the service
/// is closed).
pub const FOLLOW_UP_CODES: &str = "https://fhir.heima.no/CodeSystem/follow-up";

/// The topic a service offers for the tablet's push channel
/// (`<BASE>/SubscriptionTopic/<name>`): creates and updates of CarePlans,
/// Communications and Tasks, filtered by `patient` — the R4 Backport
/// `Basic` form is `docs/fhir/Basic-topic-patient-follow-up.json`.
pub const FOLLOW_UP_TOPIC: &str = "https://fhir.heima.no/SubscriptionTopic/patient-follow-up";

/// Every canonical URL above, for the tests that check each is defined.
pub const ALL: &[&str] = &[
    OBSERVATION_IDENTIFIER,
    MESSAGE_IDENTIFIER,
    RESPONSE_IDENTIFIER,
    NOTICE_IDENTIFIER,
    MEDICINE_TAKEN_IDENTIFIER,
    PHOTO_IDENTIFIER,
    PERIPHERAL_IDENTIFIER,
    DEVICE_TIME_EXTENSION,
    ENTERED_BY_EXTENSION,
    ORIGINAL_VALUE_EXTENSION,
    TOTAL_SCORE_EXTENSION,
    YES_SCORE_EXTENSION,
    TRAFFIC_LIGHT_EXTENSION,
    ACTIVITY_ID_EXTENSION,
    REMINDER_TEXT_EXTENSION,
    REMINDERS_EXTENSION,
    JUDGEMENT_EXTENSION,
    JUDGED_BY_EXTENSION,
    TRAFFIC_LIGHT_CODES,
    FOLLOW_UP_CODES,
];

/// The `urn:heima:*` name the app used before for `canonical`, if it had
/// one: `urn:heima:<name>` for an identifier system,
/// `urn:heima:fhir:extension:<name>` for an extension.
pub fn legacy(canonical: &str) -> Option<String> {
    if let Some(name) = canonical.strip_prefix("https://fhir.heima.no/sid/") {
        (name != "ble-peripheral").then(|| format!("urn:heima:{name}"))
    } else if let Some(name) = canonical.strip_prefix("https://fhir.heima.no/StructureDefinition/") {
        let new = ["original-value", "judgement", "judged-by", "reminders"];
        (!new.contains(&name)).then(|| format!("urn:heima:fhir:extension:{name}"))
    } else {
        None
    }
}

/// Whether `url` names `canonical`, under its name now or the one before.
pub fn is(url: &str, canonical: &str) -> bool {
    url == canonical || legacy(canonical).is_some_and(|old| url == old)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_url_is_https_under_the_base_and_the_old_names_still_read() {
        for url in ALL {
            assert!(url.starts_with(BASE) && url.starts_with("https://"), "{url}");
        }
        assert!(is("urn:heima:fhir:extension:traffic-light", TRAFFIC_LIGHT_EXTENSION));
        assert!(is(TRAFFIC_LIGHT_EXTENSION, TRAFFIC_LIGHT_EXTENSION));
        assert!(!is("urn:heima:fhir:extension:activity-id", TRAFFIC_LIGHT_EXTENSION));
        assert_eq!(legacy(OBSERVATION_IDENTIFIER).as_deref(), Some("urn:heima:observation"));
        assert_eq!(legacy(PERIPHERAL_IDENTIFIER), None, "new with these URLs");
        assert_eq!(legacy(ORIGINAL_VALUE_EXTENSION), None);
    }
}
