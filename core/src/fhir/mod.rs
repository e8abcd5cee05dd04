//! HL7 FHIR R4 JSON for what the app sends, reads or exports:
//! [`observation`] writes readings as the vital-signs profiles want them;
//! [`careplan`] reads the self-care plan and [`careplan_parts`] what it
//! carries besides its activities; [`questionnaire`] reads questionnaires
//! and writes responses; [`communication`] messages and notices;
//! [`medication`] a medicine taken; [`device`]
//! the paired devices; [`acknowledgement`] a nurse's "seen";
//! [`subscription`] the push channel's FHIR; [`translation`] a service's
//! text in several languages; [`canonical`] names what Heima defines. Here: the export ([`export_bundle`]: readings, answers, messages
//! and devices, each with the subject; training left out), and the caps on
//! what a service sends.

pub mod acknowledgement;
pub mod appointment;
pub mod canonical;
pub mod careplan;
pub mod careplan_parts;
pub mod communication;
pub mod device;
pub mod media;
pub mod medication;
pub mod observation;
pub mod questionnaire;
pub mod subscription;
pub mod translation;

pub use device::{device_identifier, phd_address, BLUETOOTH_SYSTEM};
pub use observation::{observations, Outgoing};

use jiff::Timestamp;
use serde_json::{json, Value as Json};
use sha2::{Digest, Sha256};

use crate::{
    store::{Store, StoreError},
    vocabulary::{EnteredBy, MeasurementKind},
};

/// The string at `key`, if it is one.
pub(crate) fn str_at<'a>(j: &'a Json, key: &str) -> Option<&'a str> {
    j.get(key).and_then(Json::as_str)
}

/// Whether `id` is a FHIR id (`[A-Za-z0-9\-\.]{1,64}`): safe to put in a
/// query or a reference.
pub(crate) fn is_fhir_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

/// Whether `reference` (a FHIR `Reference`) names `patient` (`Patient/<id>`),
/// also as an absolute URL ending in it.
pub(crate) fn names_patient(reference: &Json, patient: &str) -> bool {
    reference["reference"].as_str().is_some_and(|r| r == patient || r.ends_with(&format!("/{patient}")))
}

/// The array at `key`, or an empty slice.
pub(crate) fn array<'a>(j: &'a Json, key: &str) -> &'a [Json] {
    j.get(key).and_then(Json::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// Caps on a plan or questionnaire from a service: far above any real one,
/// low enough that a hostile one cannot exhaust the tablet or its screens.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    /// Characters in one text.
    pub text: usize,
    /// Entries in one list (activities, items, options, extensions).
    pub list: usize,
    /// Nesting of objects and lists.
    pub depth: usize,
}

/// The caps every downloaded plan and questionnaire is held to.
pub const CAPS: Caps = Caps { text: 20_000, list: 500, depth: 24 };

/// Checks `resource` against `caps`; the error names where it went over.
pub(crate) fn within(resource: &Json, caps: Caps) -> Result<(), String> {
    fn walk(j: &Json, caps: Caps, depth: usize, path: &mut String) -> Result<(), String> {
        if depth > caps.depth {
            return Err(format!("{path}: nested deeper than {}", caps.depth));
        }
        match j {
            Json::String(s) if s.chars().count() > caps.text => {
                Err(format!("{path}: a text longer than {} characters", caps.text))
            }
            Json::Array(items) if items.len() > caps.list => Err(format!("{path}: more than {} entries", caps.list)),
            Json::Array(items) => items.iter().try_for_each(|i| walk(i, caps, depth + 1, path)),
            Json::Object(fields) if fields.len() > caps.list => Err(format!("{path}: more than {} fields", caps.list)),
            Json::Object(fields) => fields.iter().try_for_each(|(key, value)| {
                let before = path.len();
                path.push('.');
                path.push_str(key);
                let result = walk(value, caps, depth + 1, path);
                path.truncate(before);
                result
            }),
            _ => Ok(()),
        }
    }
    walk(resource, caps, 0, &mut String::from("$"))
}

/// A stable `urn:uuid:` for a local identifier (for Bundle `fullUrl`).
pub fn urn_uuid(identifier: &str) -> String {
    let d = Sha256::digest(identifier.as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0F) | 0x80; // version 8: custom
    b[8] = (b[8] & 0x3F) | 0x80; // RFC 4122 variant
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("urn:uuid:{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// The versioned reference (`CarePlan/<id>/_history/<version>`) of the
/// plan the app numbered `version`, as the service knows it.
pub fn plan_reference(store: &Store, version: Option<i64>) -> Result<Option<String>, StoreError> {
    let Some(version) = version else { return Ok(None) };
    Ok(store.plan_identity(version)?.map(|(id, source)| format!("CarePlan/{id}/_history/{source}")))
}

/// Puts the patient's national identity number (`<system>|<value>`)
/// beside the reference in `resource`'s subject (a `Device`'s patient), so
/// a service can tell who the patient is without trusting a reference
/// from another server (a hand-over).
pub fn name_subject(resource: &mut Json, national_id: &str) {
    let Some((system, value)) = national_id.split_once('|') else { return };
    let field = if resource["resourceType"] == "Device" { "patient" } else { "subject" };
    if let Some(reference) = resource.get_mut(field).and_then(Json::as_object_mut) {
        reference.insert("identifier".into(), json!({ "system": system, "value": value }));
    }
}

/// Everything the patient has recorded, as a FHIR `collection` Bundle
/// (the patient's right of access): readings, answered questionnaires,
/// medicines taken, the patient's messages and the replies, and the
/// paired devices, each
/// with `subject` (the patient reference the service gave) when known.
/// Training is left out: it was never real.
pub fn export_bundle(store: &Store, subject: Option<&str>, now: Timestamp) -> Result<Json, StoreError> {
    let mut entries = vec![];
    let mut push = |identifier: &str, resource: Json| {
        entries.push(json!({ "fullUrl": urn_uuid(identifier), "resource": resource }));
    };
    for kind in MeasurementKind::ALL {
        for r in store.readings(kind, Timestamp::MIN, Timestamp::MAX)? {
            if r.entered_by == EnteredBy::NurseTraining {
                continue;
            }
            let plan = plan_reference(store, r.plan_version)?;
            for o in observations(&r, subject, plan.as_deref()) {
                push(&o.identifier, o.resource);
            }
        }
    }
    for r in store.all_responses()? {
        if r.entered_by != EnteredBy::NurseTraining {
            let plan = plan_reference(store, r.plan_version)?;
            push(&r.identifier, questionnaire::response_to_send(&r, subject, plan.as_deref()));
        }
    }
    for m in store.medicines_taken_since(Timestamp::MIN)? {
        if m.entered_by != EnteredBy::NurseTraining {
            let plan = plan_reference(store, m.plan_version)?;
            push(&m.identifier, medication::administration(&m, subject, plan.as_deref()));
        }
    }
    for p in store.photos(Timestamp::MIN, Timestamp::MAX)? {
        if let (false, Some(jpeg)) = (p.entered_by == EnteredBy::NurseTraining, store.photo_jpeg(p.id)?) {
            let plan = plan_reference(store, p.plan_version)?;
            push(&p.identifier, media::media(&p, &jpeg, subject, plan.as_deref()));
        }
    }
    let recipient = careplan::message_recipient(store, now)?;
    // Practice never counts as the patient's: the nurse's training messages stay out.
    for m in store.messages()?.into_iter().filter(|m| m.entered_by != Some(EnteredBy::NurseTraining)) {
        push(&m.identifier, communication::message(&m, subject, recipient.as_ref()));
    }
    for d in store.paired_devices()? {
        push(&format!("device/{}", d.id), device::device(&d, subject));
    }
    Ok(json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": now.to_string(),
        "entry": entries,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urn_uuids_are_stable_and_well_formed() {
        let a = urn_uuid("dev/85354-9/2026-11-23T08:05:00");
        assert_eq!(a, urn_uuid("dev/85354-9/2026-11-23T08:05:00"));
        assert_ne!(a, urn_uuid("dev/85354-9/2026-11-23T08:05:01"));
        let hex = a.strip_prefix("urn:uuid:").unwrap();
        let groups: Vec<usize> = hex.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
    }
}

#[cfg(test)]
mod caps_tests {
    use serde_json::json;

    use super::*;
    use crate::{clock::oslo, demo};

    #[test]
    fn the_demo_plan_and_questionnaires_are_within_the_caps() {
        let plan: Json = serde_json::from_str(demo::CAREPLAN_JSON).unwrap();
        assert_eq!(within(&plan, CAPS), Ok(()));
        for q in demo::QUESTIONNAIRES_JSON {
            assert_eq!(within(&serde_json::from_str(q).unwrap(), CAPS), Ok(()));
        }
    }

    #[test]
    fn a_hostile_plan_or_questionnaire_is_refused_with_where_it_went_over() {
        let plan: Json = serde_json::from_str(demo::CAREPLAN_JSON).unwrap();
        let mut long_advice = plan.clone();
        long_advice["description"] = json!("x".repeat(CAPS.text + 1));
        let mut many = plan.clone();
        let activity = many["activity"][0].clone();
        many["activity"] = Json::Array(vec![activity; CAPS.list + 1]);
        let mut deep = json!("bottom");
        for _ in 0..CAPS.depth + 2 {
            deep = json!({ "extension": [deep] });
        }
        let mut nested = plan.clone();
        nested["extension"] = json!([deep]);
        for (hostile, expected) in
            [(long_advice, "$.description"), (many, "$.activity: more than"), (nested, "nested deeper than")]
        {
            let why = within(&hostile, CAPS).unwrap_err();
            assert!(why.contains(expected), "{why}");
            let refused = careplan::parse(&hostile, &oslo()).unwrap_err();
            assert_eq!(refused.code, "plan-invalid");
        }
        let mut questionnaire: Json = serde_json::from_str(demo::QUESTIONNAIRES_JSON[0]).unwrap();
        questionnaire["title"] = json!("ø".repeat(CAPS.text + 1));
        assert_eq!(questionnaire::parse(&questionnaire).unwrap_err().code, "questionnaire-invalid");
    }
}
