//! A medicine the patient says was taken, as a FHIR R4
//! `MedicationAdministration` (patient-administered, at home): the
//! medicine as the plan named it (`medicationCodeableConcept.text`), the
//! plan's dosage as a note (free text is no R4 `dosage`), when, who (the patient, a relative the service
//! knows by reference, or another relative contained), why (`reasonCode`:
//! the result's colour; `supportingInformation`: the result by its
//! identifier, and the plan version it follows) — or, for a dose of the
//! plan's schedule, the planned time it was for — and why in words a
//! service's system can show (`note`).

use serde_json::{json, Value as Json};

use super::canonical::{MEDICINE_TAKEN_IDENTIFIER, OBSERVATION_IDENTIFIER, RESPONSE_IDENTIFIER, TRAFFIC_LIGHT_CODES};
use crate::{
    store::medicines::{MedicineTaken, StoredMedicineTaken},
    vocabulary::EnteredBy,
};

/// The `MedicationAdministration` for a record; `plan` is the versioned
/// CarePlan reference of the plan it follows, when it is this service's.
pub fn administration(m: &StoredMedicineTaken, subject: Option<&str>, plan: Option<&str>) -> Json {
    let mut a = json!({
        "resourceType": "MedicationAdministration",
        "identifier": [{ "system": MEDICINE_TAKEN_IDENTIFIER, "value": m.identifier }],
        "status": "completed",
        "category": { "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/medication-admin-category",
            "code": "community",
            "display": "Community"
        }] },
        "medicationCodeableConcept": { "text": m.name },
        "effectiveDateTime": m.taken.to_string(),
    });
    let (note, mut supporting) = match &m.what {
        MedicineTaken::ForColour { for_result, colour } => {
            // Why: the result's colour, and the result itself by its
            // identifier (an Observation's or a QuestionnaireResponse's).
            a["reasonCode"] = json!([{
                "coding": [{ "system": TRAFFIC_LIGHT_CODES, "code": colour.as_str() }],
                "text": format!("{} result", colour.as_str())
            }]);
            let system = match for_result.starts_with("response/") {
                true => RESPONSE_IDENTIFIER,
                false => OBSERVATION_IDENTIFIER,
            };
            (
                "Taken at home for a result of this colour, as the self-care plan says (a course started or a dose)."
                    .to_string(),
                vec![json!({ "identifier": { "system": system, "value": for_result } })],
            )
        }
        MedicineTaken::Scheduled { due } => {
            (format!("A dose of the self-care plan's schedule, planned for {due}, taken at home."), vec![])
        }
    };
    // The plan's dosage is free text: R4's `dosage` must carry a
    // structured dose or rate (mad-1), which the app never guesses, so the
    // text goes in a note of its own.
    let mut notes = vec![json!({ "text": note })];
    if let Some(check) = &m.check {
        let text = format!("The plan asks for activity {} again at {}.", check.activity, check.due);
        notes.push(json!({ "text": text }));
    }
    if !m.dosage.is_empty() {
        notes.push(json!({ "text": format!("Dosage in the plan: {}", m.dosage.join(" / ")) }));
    }
    a["note"] = Json::Array(notes);
    if let Some(plan) = plan {
        supporting.push(json!({ "reference": plan }));
    }
    if !supporting.is_empty() {
        a["supportingInformation"] = Json::Array(supporting);
    }
    if let Some(s) = subject {
        a["subject"] = json!({ "reference": s });
        let actor = match (m.entered_by, &m.relative) {
            (EnteredBy::Relative, Some(known)) => json!({ "reference": known }),
            (EnteredBy::Relative, None) => {
                a["contained"] = json!([super::observation::relative(s)]);
                json!({ "reference": "#relative" })
            }
            _ => json!({ "reference": s }),
        };
        a["performer"] = json!([{ "actor": actor }]);
    }
    a
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;

    use super::*;

    fn started(by: EnteredBy, relative: Option<&str>) -> StoredMedicineTaken {
        StoredMedicineTaken {
            id: 1,
            identifier: "taken/0a1b".into(),
            what: MedicineTaken::ForColour {
                for_result: "manual/19935-6/1796390000000".into(),
                colour: crate::vocabulary::Colour::Yellow,
            },
            medicine: "prednisolone".into(),
            name: "Prednisolon 5 mg (kur)".into(),
            dosage: vec!["8 tabletter om morgenen i 5 dager.".into()],
            taken: Timestamp::from_second(1_796_390_000).unwrap(),
            entered_by: by,
            relative: relative.map(str::to_string),
            plan_version: Some(1),
            sent: Some(false),
            check: None,
        }
    }

    /// What a service reads off it: the medicine, the dose, when, who,
    /// and the plan it follows; a relative by reference or contained.
    #[test]
    fn a_colours_medicine_taken_reads_as_a_patient_administered_dose() {
        let a = administration(&started(EnteredBy::Patient, None), Some("Patient/p1"), Some("CarePlan/c1/_history/3"));
        assert_eq!(a["status"], "completed");
        assert_eq!(a["medicationCodeableConcept"]["text"], "Prednisolon 5 mg (kur)");
        assert!(a.get("dosage").is_none(), "no guessed structured dose");
        assert_eq!(a["note"][1]["text"], "Dosage in the plan: 8 tabletter om morgenen i 5 dager.");
        assert_eq!(a["effectiveDateTime"], "2026-12-04T13:13:20Z");
        assert_eq!(a["performer"][0]["actor"]["reference"], "Patient/p1");
        assert_eq!(a["subject"]["reference"], "Patient/p1");
        assert_eq!(a["supportingInformation"][0]["identifier"]["value"], "manual/19935-6/1796390000000");
        assert_eq!(a["supportingInformation"][1]["reference"], "CarePlan/c1/_history/3");
        assert_eq!(a["reasonCode"][0]["coding"][0]["code"], "yellow");
        assert_eq!(a["identifier"][0]["value"], "taken/0a1b");
        let known = administration(&started(EnteredBy::Relative, Some("RelatedPerson/7")), Some("Patient/p1"), None);
        assert_eq!(known["performer"][0]["actor"]["reference"], "RelatedPerson/7");
        assert!(known.get("contained").is_none() && known["supportingInformation"].as_array().unwrap().len() == 1);
        let other = administration(&started(EnteredBy::Relative, None), Some("Patient/p1"), None);
        assert_eq!(other["performer"][0]["actor"]["reference"], "#relative");
        assert_eq!(other["contained"][0]["resourceType"], "RelatedPerson");
    }

    /// A scheduled dose says the planned time it was for, and no colour.
    #[test]
    fn a_scheduled_dose_names_its_planned_time() {
        let mut dose = started(EnteredBy::Patient, None);
        dose.what = MedicineTaken::Scheduled { due: Timestamp::from_second(1_796_385_600).unwrap() };
        let a = administration(&dose, Some("Patient/p1"), Some("CarePlan/c1/_history/3"));
        assert!(a.get("reasonCode").is_none());
        assert!(a["note"][0]["text"].as_str().unwrap().contains("planned for 2026-12-04T12:00:00Z"), "{a}");
        assert_eq!(a["supportingInformation"], json!([{ "reference": "CarePlan/c1/_history/3" }]));
        let without_plan = administration(&dose, Some("Patient/p1"), None);
        assert!(without_plan.get("supportingInformation").is_none());
    }
}
