//! Everything Heima names in FHIR is defined under `docs/fhir/`: each
//! extension the app reads or writes is an HL7 core extension or has a
//! StructureDefinition there, each identifier system a NamingSystem, each
//! code system of the demo's questionnaires a CodeSystem with every code
//! used — so a FHIR validator given that folder can check the resources.

use std::{collections::BTreeSet, fs, path::Path};

use heima_core::{
    demo,
    fhir::{canonical, questionnaire as fq},
    questionnaire::{Answer, Answers},
    vocabulary::{EnteredBy, Recorder},
};
use serde_json::Value;

/// Every resource under `docs/fhir/`.
fn definitions() -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/fhir");
    fs::read_dir(dir)
        .unwrap()
        .map(|e| serde_json::from_str(&fs::read_to_string(e.unwrap().path()).unwrap()).unwrap())
        .collect()
}

/// The URLs defined under `docs/fhir/`: StructureDefinitions' and
/// CodeSystems' `url`, NamingSystems' `uniqueId` of type uri.
fn defined_urls() -> BTreeSet<String> {
    let mut urls = BTreeSet::new();
    for d in definitions() {
        match d["resourceType"].as_str().unwrap() {
            "StructureDefinition" => {
                assert_eq!(d["fhirVersion"], "4.0.1");
                urls.insert(d["url"].as_str().unwrap().to_string());
            }
            "CodeSystem" => {
                urls.insert(d["url"].as_str().unwrap().to_string());
            }
            "NamingSystem" => {
                for id in d["uniqueId"].as_array().unwrap().iter().filter(|u| u["type"] == "uri") {
                    urls.insert(id["value"].as_str().unwrap().to_string());
                }
            }
            // A subscription topic in the R4 Backport IG's form.
            "Basic" => {
                assert_eq!(d["code"]["coding"][0]["code"], "SubscriptionTopic");
                let url = d["extension"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|e| e["url"] == "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.url")
                    .and_then(|e| e["valueUri"].as_str())
                    .expect("a topic names its url");
                urls.insert(url.to_string());
            }
            other => panic!("docs/fhir holds a {other}"),
        }
    }
    urls
}

/// Absolute extension URLs used in a resource (sub-extensions of a complex
/// extension have relative names and are skipped).
fn extension_urls(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (key, value) in map {
                if key == "extension" || key == "modifierExtension" {
                    for ext in value.as_array().into_iter().flatten() {
                        let url = ext["url"].as_str().unwrap_or("");
                        assert!(url.contains(':'), "relative extension url {url:?} at top level");
                        out.insert(url.to_string());
                        // Look inside values, not at the sub-extensions' names.
                        for (k, inner) in ext.as_object().unwrap() {
                            if k != "extension" && k != "url" {
                                extension_urls(inner, out);
                            }
                        }
                    }
                } else {
                    extension_urls(value, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| extension_urls(i, out)),
        _ => {}
    }
}

#[test]
fn every_extension_used_is_defined() {
    let defined = defined_urls();
    for url in canonical::ALL {
        assert!(defined.contains(*url), "{url} has no definition in docs/fhir");
    }
    assert!(defined.contains("https://fhir.heima.no/demo/sid/careplan"));
    assert!(defined.contains(canonical::FOLLOW_UP_TOPIC), "the push channel's topic is published");

    let mut used = BTreeSet::new();
    extension_urls(&serde_json::from_str(demo::CAREPLAN_JSON).unwrap(), &mut used);
    for text in demo::QUESTIONNAIRES_JSON {
        extension_urls(&serde_json::from_str(text).unwrap(), &mut used);
    }
    let q = demo::sample_questionnaires().remove(0);
    let mut answers = Answers::new();
    answers.insert("breath".into(), Answer::Coding { system: None, code: "usual".into() });
    let response = fq::response(
        &q,
        &answers,
        "2026-11-23T08:00:00Z".parse().unwrap(),
        "r",
        &fq::Respondent { patient: None, by: &Recorder::new(EnteredBy::Patient) },
    );
    extension_urls(&response, &mut used);
    extension_urls(&heima_core::fhir::subscription::subscription("Patient/p1"), &mut used);
    for d in definitions().iter().filter(|d| d["resourceType"] == "Basic") {
        extension_urls(d, &mut used);
    }
    assert!(used.len() >= 4, "{used:?}");
    for url in used {
        assert!(
            // HL7's own: core, the Subscriptions Backport IG, R4B/R5 elements on R4.
            [
                "http://hl7.org/fhir/StructureDefinition/",
                "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/",
                "http://hl7.org/fhir/5.0/StructureDefinition/extension-",
                "http://hl7.org/fhir/4.3/StructureDefinition/extension-",
            ]
            .iter()
            .any(|hl7| url.starts_with(hl7))
                || defined.contains(&url),
            "{url} is neither an HL7 extension nor defined in docs/fhir"
        );
    }
}

#[test]
fn resources_have_the_elements_r4_requires() {
    let plan: Value = serde_json::from_str(demo::CAREPLAN_JSON).unwrap();
    for key in ["status", "intent", "subject"] {
        assert!(plan.get(key).is_some(), "CarePlan.{key} is required");
    }
    for a in plan["activity"].as_array().unwrap() {
        // cpl-3: a detail or a reference, not both.
        assert!(a.get("detail").is_some() != a.get("reference").is_some(), "cpl-3");
        if a.get("detail").is_some() {
            assert!(a["detail"]["status"].is_string(), "activity.detail.status is required");
        }
    }
    // dom-3: every contained resource is referred to from the plan.
    let text = plan.to_string();
    for c in plan["contained"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        assert!(text.contains(&format!("\"reference\":\"#{id}\"")), "contained #{id} is not referred to");
    }
    for text in demo::QUESTIONNAIRES_JSON {
        let q: Value = serde_json::from_str(text).unwrap();
        assert!(q["status"].is_string());
        fn walk(items: &Value) {
            for i in items.as_array().into_iter().flatten() {
                assert!(i["linkId"].is_string() && i["type"].is_string());
                walk(&i["item"]);
            }
        }
        walk(&q["item"]);
    }
}

/// Each demo questionnaire's answer codes are in the CodeSystem named by
/// their `system`, with the same display.
#[test]
fn every_demo_answer_code_is_in_its_code_system() {
    let systems: Vec<Value> = definitions().into_iter().filter(|d| d["resourceType"] == "CodeSystem").collect();
    let mut checked = 0;
    for text in demo::QUESTIONNAIRES_JSON {
        fn walk(items: &Value, systems: &[Value], checked: &mut usize) {
            for item in items.as_array().into_iter().flatten() {
                for option in item["answerOption"].as_array().into_iter().flatten() {
                    let coding = &option["valueCoding"];
                    let system = systems.iter().find(|s| s["url"] == coding["system"]).expect("a CodeSystem");
                    let concept = system["concept"].as_array().unwrap().iter().find(|c| c["code"] == coding["code"]);
                    assert!(concept.is_some(), "{coding} is not in its CodeSystem");
                    *checked += 1;
                }
                walk(&item["item"], systems, checked);
            }
        }
        walk(&serde_json::from_str::<Value>(text).unwrap()["item"], &systems, &mut checked);
    }
    assert!(checked > 10, "{checked}");
}
