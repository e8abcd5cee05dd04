//! A photo the patient took for the plan, as a FHIR R4 `Media`: the JPEG
//! itself (`content.data`, no metadata in it), its size in bytes and
//! pixels, the activity's title, when, who took it (the patient, a
//! relative the service knows by reference, or another relative
//! contained), and the plan version that asked for it (`basedOn`).

use base64::Engine;
use serde_json::{json, Value as Json};

use super::canonical::PHOTO_IDENTIFIER;
use crate::{store::photos::StoredPhoto, vocabulary::EnteredBy};

/// The `Media` for a photo and its JPEG; `plan` is the versioned CarePlan
/// reference of the plan it follows, when it is this service's.
pub fn media(p: &StoredPhoto, jpeg: &[u8], subject: Option<&str>, plan: Option<&str>) -> Json {
    let mut m = json!({
        "resourceType": "Media",
        "identifier": [{ "system": PHOTO_IDENTIFIER, "value": p.identifier }],
        "status": "completed",
        "type": { "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/media-type",
            "code": "image",
            "display": "Image"
        }] },
        "createdDateTime": p.taken.to_string(),
        "width": p.width,
        "height": p.height,
        "content": {
            "contentType": "image/jpeg",
            "data": base64::engine::general_purpose::STANDARD.encode(jpeg),
            "size": jpeg.len(),
            "title": p.title,
            "creation": p.taken.to_string(),
        },
        "note": [{ "text": format!("Taken at home for the self-care plan's activity {}.", p.activity) }],
    });
    if let Some(plan) = plan {
        m["basedOn"] = json!([{ "reference": plan }]);
    }
    if let Some(s) = subject {
        m["subject"] = json!({ "reference": s });
        let operator = match (p.entered_by, &p.relative) {
            (EnteredBy::Relative, Some(known)) => json!({ "reference": known }),
            (EnteredBy::Relative, None) => {
                m["contained"] = json!([super::observation::relative(s)]);
                json!({ "reference": "#relative" })
            }
            _ => json!({ "reference": s }),
        };
        m["operator"] = operator;
    }
    m
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;

    use super::*;

    fn photo(by: EnteredBy) -> StoredPhoto {
        StoredPhoto {
            id: 1,
            identifier: "photo/0a1b".into(),
            activity: "leg-photo".into(),
            title: "Bilde av leggene".into(),
            taken: Timestamp::from_second(1_796_390_000).unwrap(),
            width: 800,
            height: 600,
            bytes: 3,
            entered_by: by,
            relative: None,
            plan_version: Some(1),
            sent: Some(false),
        }
    }

    #[test]
    fn a_photo_reads_as_an_image_for_the_plan_with_who_took_it() {
        let m =
            media(&photo(EnteredBy::Patient), &[0xff, 0xd8, 0xff], Some("Patient/p1"), Some("CarePlan/c1/_history/3"));
        assert_eq!(m["status"], "completed");
        assert_eq!(m["type"]["coding"][0]["code"], "image");
        assert_eq!(m["content"]["contentType"], "image/jpeg");
        assert_eq!(m["content"]["data"], "/9j/");
        assert_eq!(m["content"]["size"], 3);
        assert_eq!(m["content"]["title"], "Bilde av leggene");
        assert_eq!((m["width"].clone(), m["height"].clone()), (json!(800), json!(600)));
        assert_eq!(m["subject"]["reference"], "Patient/p1");
        assert_eq!(m["operator"]["reference"], "Patient/p1");
        assert_eq!(m["basedOn"][0]["reference"], "CarePlan/c1/_history/3");
        assert_eq!(m["identifier"][0]["value"], "photo/0a1b");
        let by_relative = media(&photo(EnteredBy::Relative), &[1], Some("Patient/p1"), None);
        assert_eq!(by_relative["operator"]["reference"], "#relative");
        assert_eq!(by_relative["contained"][0]["resourceType"], "RelatedPerson");
        assert!(by_relative.get("basedOn").is_none(), "another service's plan is not named");
    }
}
