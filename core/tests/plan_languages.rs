//! The plan's texts in several languages (the R4 `translation` extension,
//! material per attachment language): the demo plan carries Bokmål,
//! Nynorsk and English in every text the patient reads, and a plan in
//! three languages with gaps shows each text in the patient's language,
//! else Bokmål ↔ Nynorsk before English, saying which.

use heima_core::{
    clock::oslo,
    demo,
    fhir::{careplan, translation::TRANSLATION},
    locale::{Locale, Text},
    plan::{ActivityKind, CarePlan},
};
use serde_json::{json, Value};

use Locale::{Bokmal as Nb, English as En, Nynorsk as Nn};

fn demo_json() -> Value {
    serde_json::from_str(demo::CAREPLAN_JSON).unwrap()
}

/// Every text of a plan the patient reads, named for the failure message.
fn texts(plan: &CarePlan) -> Vec<(String, Vec<Locale>)> {
    let mut out: Vec<(String, Vec<Locale>)> = vec![];
    fn add_languages(out: &mut Vec<(String, Vec<Locale>)>, name: String, languages: Vec<Locale>) {
        out.push((name, languages));
    }
    let add = |out: &mut Vec<(String, Vec<Locale>)>, name: String, text: &Text| {
        add_languages(out, name, text.languages().collect())
    };
    if let Some(t) = &plan.title {
        add(&mut out, "title".into(), t);
    }
    if let Some(t) = &plan.description {
        add(&mut out, "description".into(), t);
    }
    for g in &plan.goals {
        add(&mut out, format!("goal {}", g.text.get(Nb)), &g.text);
    }
    for m in &plan.medicines {
        add(&mut out, format!("medicine {}", m.id), &m.name);
        for d in &m.dosage {
            add(&mut out, format!("dosage of {}", m.id), d);
        }
    }
    for member in &plan.team {
        if let Some(role) = &member.role {
            add(&mut out, format!("role of {}", member.name), role);
        }
    }
    for c in plan.service.hours.iter().flat_map(|h| &h.closed) {
        if let Some(d) = &c.description {
            add(&mut out, "closure".into(), d);
        }
    }
    for a in &plan.activities {
        if let Some(d) = &a.description {
            add_languages(&mut out, format!("how to do {}", a.id), d.languages().collect());
        }
        if let ActivityKind::Photo { title } = &a.kind {
            add(&mut out, format!("photo {}", a.id), title);
        }
    }
    if let Some(t) = &plan.reminder_text {
        add(&mut out, "reminder text".into(), t);
    }
    for m in &plan.material {
        add(&mut out, format!("material {}", m.id), &m.title);
        for image in &m.images {
            add(
                &mut out,
                format!("picture in {}", m.id),
                image.alt.as_ref().expect("the demo's pictures are described"),
            );
        }
        add_languages(&mut out, format!("material text {}", m.id), m.blocks.languages().collect());
    }
    out
}

/// The demo plan speaks all three languages in every text it has.
#[test]
fn the_demo_plan_is_translated_throughout() {
    let plan = careplan::parse(&demo_json(), &oslo()).unwrap();
    let all = texts(&plan);
    assert!(all.len() > 20, "the demo has many texts: {}", all.len());
    for (name, languages) in all {
        assert_eq!(languages, [Nb, Nn, En], "{name}");
    }
}

fn translation(lang: &str, content: &str) -> Value {
    json!({ "url": TRANSLATION, "extension": [
        { "url": "lang", "valueCode": lang }, { "url": "content", "valueString": content } ] })
}

/// Removes every translation and every text attachment in another
/// language, so the test below writes exactly the ones it means.
fn untranslated(mut j: Value) -> Value {
    fn strip(j: &mut Value) {
        match j {
            Value::Object(map) => {
                map.retain(|k, _| !k.starts_with('_'));
                if let Some(Value::Array(content)) = map.get_mut("content") {
                    content.retain(|c| c["attachment"]["language"].as_str().is_none_or(|l| l == "nb"));
                }
                map.values_mut().for_each(strip);
            }
            Value::Array(list) => list.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut j);
    j
}

/// Each text is shown in the patient's language, else the nearest the
/// plan has, and says which; a language the app does not speak is left
/// out, the plan still read.
#[test]
fn a_plan_in_three_languages_with_gaps_falls_back_bokmal_nynorsk_then_english() {
    let mut j = untranslated(demo_json());
    // The title in all three; the description in Bokmål and English.
    j["_title"] =
        json!({ "extension": [translation("nn", "Eigenbehandlingsplan"), translation("en", "Self-care plan")] });
    j["description"] = json!("Plan for KOLS og hjertesvikt.");
    j["_description"] = json!({ "extension": [translation("en", "Plan for COPD and heart failure."), translation("sv", "Plan för KOL.")] });
    // A goal in Nynorsk only, by the plan's language.
    let goal = j["contained"].as_array_mut().unwrap().iter_mut().find(|c| c["resourceType"] == "Goal").unwrap();
    goal["language"] = json!("nn");
    goal["description"]["text"] = json!("Gå ein tur kvar dag");
    let plan = careplan::parse(&j, &oslo()).unwrap();
    let title = plan.title.as_ref().unwrap();
    let shown = |t: &Text, l: Locale| {
        let (language, words) = t.shown(l);
        (language, words.clone())
    };
    assert_eq!(shown(title, Nn), (Nn, "Eigenbehandlingsplan".into()));
    assert_eq!(shown(title, En), (En, "Self-care plan".into()));
    assert_eq!(shown(title, Nb).0, Nb);
    let description = plan.description.as_ref().unwrap();
    assert_eq!(description.languages().collect::<Vec<_>>(), [Nb, En], "Swedish is left out");
    assert_eq!(shown(description, Nn), (Nb, "Plan for KOLS og hjertesvikt.".into()), "nn falls back to nb, not en");
    assert_eq!(shown(description, En).0, En);
    // The goal names its own language; the others take the plan's.
    let goal = &plan.goals[0].text;
    assert_eq!((goal.languages().collect::<Vec<_>>(), shown(goal, Nb).0), (vec![Nn], Nn));
    assert!(plan.goals[1..].iter().all(|g| g.text.languages().eq([Nb])));

    // A plan written in Nynorsk, with English for its title only.
    let mut nn = untranslated(demo_json());
    nn["language"] = json!("nn");
    nn["title"] = json!("Eigenbehandlingsplan");
    nn["_title"] = json!({ "extension": [translation("en", "Self-care plan")] });
    let plan = careplan::parse(&nn, &oslo()).unwrap();
    let title = plan.title.as_ref().unwrap();
    assert_eq!(shown(title, Nb), (Nn, "Eigenbehandlingsplan".into()), "nb falls back to nn before en");
    assert_eq!(shown(title, En), (En, "Self-care plan".into()));
    let goal = &plan.goals[0].text;
    assert_eq!(
        (goal.languages().collect::<Vec<_>>(), shown(goal, En).0),
        (vec![Nn], Nn),
        "en falls back to nb, then nn"
    );
    assert_eq!(title.original(), "Eigenbehandlingsplan", "what goes back to the service is its own words");

    // A plan in a language Heima does not speak is refused (its words
    // would show unmarked and be read in a wrong voice); a translation
    // that breaks a rule (a photo title over 120 characters) is left out,
    // never the plan.
    let store = heima_core::store::Store::open_in_memory(&heima_core::store::StoreKey::from_bytes([3; 32])).unwrap();
    let now = jiff::Timestamp::now();
    let mut sv = untranslated(demo_json());
    sv["language"] = json!("sv");
    let refused = careplan::accept(&store, &sv, now, &oslo()).unwrap_err();
    assert_eq!(refused.code, heima_core::error::ErrorCode::PlanInvalid);
    assert!(refused.detail.contains("\"sv\""), "{}", refused.detail);
    // One stored before this rule still reads (as Bokmål): the plan in
    // force never becomes unreadable by an update.
    assert!(careplan::parse(&sv, &oslo()).is_ok());
    assert!(careplan::accept(&store, &demo_json(), now, &oslo()).is_ok());
    let mut long = untranslated(demo_json());
    let photo =
        long["activity"].as_array_mut().unwrap().iter_mut().find(|a| a["detail"]["code"]["text"].is_string()).unwrap();
    photo["detail"]["code"]["_text"] =
        json!({ "extension": [translation("nn", "Leggane"), translation("en", &"Legs ".repeat(30))] });
    let plan = careplan::parse(&long, &oslo()).unwrap();
    let title = plan
        .activities
        .iter()
        .find_map(|a| match &a.kind {
            ActivityKind::Photo { title } => Some(title),
            _ => None,
        })
        .unwrap();
    assert_eq!(title.languages().collect::<Vec<_>>(), [Nb, Nn], "the long English left out");

    // Learning material: one attachment per language; one in a language
    // the app does not speak is left out and the plan still read.
    let mut m = untranslated(demo_json());
    let doc =
        m["contained"].as_array_mut().unwrap().iter_mut().find(|c| c["resourceType"] == "DocumentReference").unwrap();
    let id = doc["id"].as_str().unwrap().to_string();
    let content = doc["content"].as_array_mut().unwrap();
    content.push(json!({ "attachment": { "contentType": "text/markdown", "language": "en",
        "data": base64_of("# Breathing\n\nBreathe out slowly.") } }));
    content.push(json!({ "attachment": { "contentType": "text/markdown", "language": "de",
        "data": base64_of("# Atmen") } }));
    let plan = careplan::parse(&m, &oslo()).unwrap();
    let material = plan.material.iter().find(|x| x.id == id).unwrap();
    assert_eq!(material.blocks.languages().collect::<Vec<_>>(), [Nb, En]);
    assert_eq!(material.blocks.shown(Nn).0, Nb);
    assert_eq!(material.blocks.shown(En).0, En);
}

fn base64_of(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}
