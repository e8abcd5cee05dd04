//! The patient's whole journey in the real app, against a real FHIR server
//! (hfs) behind the test authorisation gateway, each state photographed in
//! Bokmål and Nynorsk with axe-core and the 48 px check: the plan with
//! medicines, goals and contacts; learning material; "Jeg føler meg
//! dårligere" to a red result while the service is closed (the legevakt is
//! the number to call), answered by a relative the care team names (sent
//! naming her `RelatedPerson`); a reading a nurse has seen;
//! the plan-changed notice, told once; the trial period, a pause and the
//! end, with the printable summary and the patient's FHIR file.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use heima_core::sync::client::FhirClient;
use heima_e2e::{App, Launch, ServiceEnv};
use heima_test_support::{auth::AuthServer, hfs::Hfs};
use jiff::{tz::TimeZone, Timestamp, ToSpan};
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(10);
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The demo plan for `patient`, with the service open only tomorrow, so it
/// is closed whenever the test runs, and `daughter` in the care team.
fn plan_for(patient: &str, daughter: &str) -> Value {
    let mut plan: Value = serde_json::from_str(heima_core::demo::CAREPLAN_JSON).unwrap();
    plan.as_object_mut().unwrap().remove("meta");
    plan["subject"] = json!({ "reference": patient });
    let tomorrow = Timestamp::now().to_zoned(TimeZone::get("Europe/Oslo").unwrap()).checked_add(1.day()).unwrap();
    let day = DAYS[tomorrow.weekday().to_monday_zero_offset() as usize];
    let hours = plan["contained"].as_array_mut().unwrap().iter_mut().find(|c| c["id"] == "hours").unwrap();
    hours["availableTime"] =
        json!([{ "daysOfWeek": [day], "availableStartTime": "08:00:00", "availableEndTime": "15:30:00" }]);
    let team = plan["contained"].as_array_mut().unwrap().iter_mut().find(|c| c["id"] == "team").unwrap();
    team["participant"][2]["member"]["reference"] = json!(daughter);
    plan
}

async fn set_language(app: &App, tag: &str) {
    app.go("#/settings").await;
    app.click(&format!("label.choice:has(#language-{tag})")).await;
    app.wait_for_text("main h1", if tag == "nn" { "Innstillingar" } else { "Innstillinger" }).await;
}

/// Checks and photographs the screen at `route` in Bokmål, then in
/// Nynorsk (waiting for `nn_text`), and goes back to Bokmål.
async fn both_languages(app: &App, route: &str, name: &str, nn_text: &str) {
    app.check_screen(&format!("{name}-nb")).await;
    set_language(app, "nn").await;
    app.go(route).await;
    app.wait_for_text("main", nn_text).await;
    app.check_screen(&format!("{name}-nn")).await;
    set_language(app, "nb").await;
    app.go(route).await;
}

/// Asks for a sync and waits until `script` holds on the today screen.
async fn sync_until(app: &App, script: &str) {
    let started = Instant::now();
    loop {
        app.go("#/settings").await;
        if let Ok(button) = app.client.find(Locator::Css("#sync-now")).await {
            let _ = button.click().await;
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
        app.go("#/today").await;
        let done = app.client.execute(script, vec![]).await.ok().and_then(|v| v.as_bool()).unwrap_or(false);
        if done {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "never came: {script}");
    }
}

/// "Jeg føler meg dårligere", answered by the choice `who` (a CSS
/// selector in "Hvem svarer?") to a red result.
async fn feel_worse_to_red(app: &App, who: &str, shot: &str) {
    app.go("#/today").await;
    app.click("#feel-worse").await;
    app.wait_for_js("return !!document.querySelector('.question')").await;
    app.wait_for_question("breath").await;
    app.answer(3).await; // much worse
    app.wait_for_question("cough").await;
    app.answer(3).await; // much more
    app.wait_for_question("sputum").await;
    app.answer(1).await; // yes
    app.wait_for_question("sputum-colour").await;
    app.answer(3).await; // green
    app.wait_for_question("extra-medicine").await;
    app.answer(2).await; // no
    app.wait_for_question("comment").await;
    app.click(".answer-choices button").await;
    app.wait_for_js("return !!document.getElementById('questionnaire-summary')").await;
    app.click(who).await;
    app.wait_for_js(&format!("return document.querySelector(\"{who} input\").checked")).await;
    app.check_screen(shot).await;
    app.click("#questionnaire-summary .button--big").await;
    app.wait_for_js("return document.getElementById('questionnaire-result')?.dataset.colour === 'red'").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_patients_journey_from_plan_to_the_end() {
    let hfs = Hfs::start().await;
    let direct = FhirClient::new(&hfs.base, T, None).unwrap();
    let gateway = AuthServer::start(&hfs.base).await;
    let patient =
        direct.post("Patient", &json!({ "resourceType": "Patient", "name": [{ "text": "Kari Nordmann" }] })).await;
    let patient = format!("Patient/{}", patient.unwrap()["id"].as_str().unwrap());
    let daughter = json!({ "resourceType": "RelatedPerson", "patient": { "reference": patient }, "name": [{ "text": "Marte Nordmann" }] });
    let daughter =
        format!("RelatedPerson/{}", direct.post("RelatedPerson", &daughter).await.unwrap()["id"].as_str().unwrap());
    let created = direct.post("CarePlan", &plan_for(&patient, &daughter)).await.unwrap();
    // The questionnaires under the ids the plan names them by.
    for q in heima_core::demo::QUESTIONNAIRES_JSON {
        hfs.update(&serde_json::from_str(q).unwrap()).await;
    }
    let code = heima_core::enrolment::new_code(&[2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4]);
    gateway.state.lock().unwrap().activation_codes.insert(code.clone(), patient.trim_start_matches("Patient/").into());

    let data = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let service = ServiceEnv::new(&gateway, None);
    let home_path = home.path().display().to_string();
    let mut env = service.vars();
    env.push(("HOME", &home_path));
    let app = App::start(Launch { data_dir: Some(data.path()), env, ..Launch::default() }).await;
    app.enrol_with_code("7531", &code).await;
    sync_until(&app, "return document.querySelectorAll('li.task').length > 0").await;
    app.wait_for_text(".phase--active", "I oppfølging siden 1. januar 2026").await;

    // The plan: contacts with the hours, goals, medicines daily and per colour.
    app.go("#/plan").await;
    app.wait_for_text("#plan-goals", "Målene dine").await;
    app.wait_for_text("#plan-medicines", "Spiriva Respimat").await;
    app.wait_for_text("#plan", "Medisiner ved gul sone").await;
    app.wait_for_text("#plan", "Prednisolon 5 mg (kur)").await;
    app.wait_for_text("#team", "Kontaktsykepleier: Ingrid Berg").await;
    app.wait_for_text("#plan-contacts", "Legevakt: 116 117").await;
    app.wait_for_text("#plan-contacts", "åpner igjen").await;
    both_languages(&app, "#/plan", "journey-plan", "Medisinane dine").await;

    // Learning material, from the advice it belongs to; the picture shows.
    app.wait_for_text("#plan-material", "Pusteteknikk").await;
    app.click("#plan-material a[data-material=breathing]").await;
    app.wait_for_text("#material h1", "Pusteteknikk: leppepust").await;
    app.wait_for_text("#material", "Pust rolig inn gjennom nesen").await;
    app.wait_for_js(
        "const i = document.querySelector('.material-image img'); return !!i && i.complete && i.naturalWidth === 160",
    )
    .await;
    both_languages(&app, "#/material/breathing", "journey-material", "Tilbake til planen").await;

    // "Jeg føler meg dårligere" to red, answered by the daughter the care
    // team names, while the service is closed: 113 first, then the
    // legevakt, and when the service opens again.
    feel_worse_to_red(&app, &format!("label.choice[data-relative='{daughter}']"), "journey-who-answers-nb").await;
    let calls = app.texts("#questionnaire .call-now .result-call").await;
    assert!(calls[0].contains("113") && calls[1].contains("116 117"), "{calls:?}");
    app.wait_for_text("#questionnaire .call-now", "åpner igjen").await;
    app.wait_for_text("#help-next", "Sykepleieren ser på svaret").await;
    app.check_screen("journey-feel-worse-red-closed-nb").await;
    set_language(&app, "nn").await;
    feel_worse_to_red(&app, "label.choice:has(#taken-by-patient)", "journey-who-answers-nn").await;
    app.wait_for_text("#questionnaire .call-now", "Oppfølgingstenesta er stengd no").await;
    app.check_screen("journey-feel-worse-red-closed-nn").await;
    set_language(&app, "nb").await;
    // Sent with the next sync; the daughter's answers name her.
    let started = Instant::now();
    loop {
        let responses = direct.search_all("QuestionnaireResponse").await.unwrap();
        if responses.len() >= 2 {
            let by_her = responses.iter().filter(|r| r["source"]["reference"] == daughter.as_str()).count();
            assert_eq!(by_her, 1, "the relative the service knows is named by reference");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "answers never reached the service");
        sync_until(&app, "return true").await;
    }

    // A reading the nurse has seen.
    app.go("#/measure/body-weight").await;
    app.type_into("#manual-29463-7", "74,2").await;
    app.click("#manual-form button[type=submit]").await;
    app.wait_for_text("#result h1", "Grønn").await;
    let started = Instant::now();
    let identifier = loop {
        let found = direct.search_all("Observation").await.unwrap();
        let weight = found.iter().find(|o| o["code"]["coding"][0]["code"] == "29463-7");
        if let Some(o) = weight {
            break o["identifier"][0]["value"].as_str().unwrap().to_string();
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the weight never reached the service");
        sync_until(&app, "return true").await;
    };
    direct
        .post(
            "Task",
            &json!({
                "resourceType": "Task", "status": "completed", "intent": "order",
                "for": { "reference": patient },
                "focus": { "type": "Observation", "identifier": { "system": "https://fhir.heima.no/sid/observation", "value": identifier } },
                "executionPeriod": { "end": "2026-11-30T09:12:00Z" },
                "owner": { "display": "Ingrid Berg" }
            }),
        )
        .await
        .unwrap();
    sync_until(&app, "return !!document.querySelector('#latest .result-seen')").await;
    // In the tablet's own time zone.
    let seen: Timestamp = "2026-11-30T09:12:00Z".parse().unwrap();
    let local = seen.to_zoned(TimeZone::system()).strftime("%H:%M").to_string();
    app.wait_for_text("#latest", &format!("Sett av sykepleier kl. {local}")).await;
    both_languages(&app, "#/today", "journey-seen", &format!("Sett av sjukepleiar kl. {local}")).await;

    // The plan changes: told once, in plain words.
    let mut changed = created.clone();
    let spo2 = changed["activity"].as_array_mut().unwrap().iter_mut().find(|a| a["extension"][0]["valueId"] == "spo2");
    spo2.unwrap()["detail"]["scheduledTiming"]["repeat"]["timeOfDay"] = json!(["08:00:00", "18:00:00"]);
    changed["activity"].as_array_mut().unwrap().retain(|a| a["reference"]["reference"] != "#diuretic");
    changed["contained"].as_array_mut().unwrap().retain(|c| c["id"] != "diuretic");
    hfs.update(&changed).await;
    sync_until(&app, "return !!document.getElementById('plan-changed')").await;
    app.wait_for_text("#plan-changed", "Nye tider: Mål oksygenmetningen – Hver dag klokka 08:00, 18:00").await;
    app.wait_for_text("#plan-changed", "Medisin tatt ut av planen: Furosemid 40 mg").await;
    both_languages(&app, "#/today", "journey-plan-changed", "Planen din er endra").await;
    app.click("#plan-changed-ok").await;
    app.wait_for_js("return !document.getElementById('plan-changed')").await;
    app.go("#/plan").await;
    app.go("#/today").await;
    app.wait_for_text("main h1", "I dag").await;
    assert!(app.texts("#plan-changed").await.is_empty(), "told once");

    // The phases: a trial, a pause, the end.
    let current = || async { direct.search_all(&format!("CarePlan?subject={patient}")).await.unwrap().remove(0) };
    let mut trial = current().await;
    trial["category"] =
        json!([{ "coding": [{ "system": "https://fhir.heima.no/CodeSystem/follow-up", "code": "trial" }] }]);
    trial["period"] = json!({ "start": "2026-01-01", "end": "2027-01-28" });
    hfs.update(&trial).await;
    sync_until(&app, "return !!document.querySelector('.phase--trial')").await;
    app.wait_for_text(".phase--trial", "Prøveperiode fra 1. januar 2026 til 28. januar 2027").await;
    both_languages(&app, "#/today", "journey-phase-trial", "Prøveperiode frå").await;

    let mut paused = current().await;
    paused["status"] = json!("on-hold");
    hfs.update(&paused).await;
    sync_until(&app, "return !!document.querySelector('.phase--paused')").await;
    app.wait_for_text(".phase--paused", "Du får ingen påminnelser nå").await;
    assert!(app.texts("#tasks li.task").await.is_empty(), "nothing due while paused");
    app.wait_for_text("#when-needed", "Mål temperaturen").await;
    both_languages(&app, "#/today", "journey-phase-paused", "Oppfølginga har pause").await;

    let mut ended = current().await;
    ended["status"] = json!("completed");
    ended["period"] = json!({ "start": "2026-01-01", "end": "2026-11-30" });
    hfs.update(&ended).await;
    sync_until(&app, "return !!document.getElementById('ended')").await;
    app.wait_for_text("#ended", "Oppfølgingstjenesten avsluttet oppfølgingen 30. november 2026").await;
    app.wait_for_text("#ended", "Lever måleapparatene").await;
    both_languages(&app, "#/today", "journey-phase-ended", "Oppfølginga er avslutta").await;
    app.click("#ended-summary").await;
    app.wait_for_text("#summary h1", "Sammendrag av oppfølgingen").await;
    app.wait_for_text("#summary", "74,2 kg").await;
    both_languages(&app, "#/summary", "journey-summary", "Samandrag av oppfølginga").await;
    app.go("#/today").await;
    app.click("#ended-export").await;
    let saved = app.wait_for_text("#export-saved", "Dataene er lagret i").await;
    assert!(saved.contains("slettes fra nettbrettet når oppfølgingen avsluttes"), "{saved}");
    let path = saved.trim_start_matches("Dataene er lagret i").split(". Flytt").next().unwrap().trim().to_string();
    assert!(path.starts_with(&home_path), "{path}");
    let bundle: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!((bundle["resourceType"].as_str(), bundle["type"].as_str()), (Some("Bundle"), Some("collection")));
    assert!(bundle.to_string().contains("29463-7"), "the weight is in the patient's copy");

    // A lent tablet: the nurse's end names the copy (to be moved off the
    // tablet first), and the end removes it with the rest.
    let file_name = std::path::Path::new(&path).file_name().unwrap().to_string_lossy().into_owned();
    app.go("#/nurse").await;
    app.type_into("#nurse-code", "7531").await;
    app.click("#nurse-code-form button").await;
    app.click("#end-open").await;
    app.wait_for_text("#end-copies", "En fil med pasientens data er lagret på nettbrettet").await;
    app.wait_for_text("#end-panel", &file_name).await;
    app.click("#end-send").await;
    app.wait_for_text("#goodbye", "Oppfølgingen er avsluttet").await;
    assert!(!std::path::Path::new(&path).exists(), "the copy went with the end: {path}");
    app.close().await;
}
