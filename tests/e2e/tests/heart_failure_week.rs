//! A heart-failure week in the real app, enrolled with a real FHIR server
//! (hfs) behind the test gateway, on the demo plan: the app is started each
//! morning of 13–17 May 2027 on a test clock (`HEIMA_TEST_CLOCK`, debug
//! builds). The weight goes up 2.4 kg in three days while every reading is
//! in its band (yellow, by the change rule, with the diuretic), then falls
//! below the band (yellow, "no extra diuretic"); a cuff pulse of 38 is red;
//! a "yes" to "Har du brystsmerter nå?" is red; on 17 May, a Monday the
//! office would be open, the holiday closes it and red sends the patient to
//! the legevakt. Each result is photographed in Bokmål and Nynorsk with
//! axe-core, and what the server holds agrees with the screens, reading by
//! reading.

use std::time::{Duration, Instant};

use fantoccini::Locator;
use heima_e2e::{service::TestService, App, Launch};
use serde_json::Value;

/// Each morning's app, started on the test clock at `when` (UTC).
async fn morning(data: &std::path::Path, service: &TestService, when: &str) -> App {
    let env = service.env(None);
    let mut vars = env.vars();
    vars.push(("HEIMA_TEST_CLOCK", when));
    App::start(Launch { data_dir: Some(data), env: vars, ..Launch::default() }).await
}

async fn set_language(app: &App, tag: &str) {
    app.go("#/settings").await;
    app.click(&format!("label.choice:has(#language-{tag})")).await;
    app.wait_for_text("main h1", if tag == "nn" { "Innstillingar" } else { "Innstillinger" }).await;
}

/// Types a reading and waits for its result; returns the result's colour
/// as the screen shows it (`data-colour`) and the reading's id.
async fn typed(app: &App, kind: &str, values: &[(&str, &str)]) -> (String, i64) {
    app.go(&format!("#/measure/{kind}")).await;
    for (code, value) in values {
        app.type_into(&format!("#manual-{code}"), value).await;
    }
    app.click("#manual-form button[type=submit]").await;
    app.wait_for_js("return !!document.getElementById('result')").await;
    let colour = app.client.execute("return document.getElementById('result').dataset.colour", vec![]).await.unwrap();
    let id = app.client.execute("return location.hash.split('/')[2]", vec![]).await.unwrap();
    (colour.as_str().unwrap().to_string(), id.as_str().unwrap().parse().unwrap())
}

/// Photographs the result screen `#/result/<id>`, shown now, in Bokmål,
/// then in Nynorsk (waiting for `nn_text`), and goes back to Bokmål.
async fn result_in_both(app: &App, id: i64, name: &str, nn_text: &str) {
    let route = format!("#/result/{id}");
    app.check_screen(&format!("{name}-nb")).await;
    set_language(app, "nn").await;
    app.go(&route).await;
    app.wait_for_text("#result", nn_text).await;
    app.check_screen(&format!("{name}-nn")).await;
    set_language(app, "nb").await;
}

/// The heart-failure questions answered with "yes" to chest pain and
/// nothing else of note, to their red result.
async fn chest_pain(app: &App) {
    app.go("#/questionnaire/heart-failure-check").await;
    app.wait_for_question("chest-pain").await;
    app.answer(1).await; // yes
    app.wait_for_question("mmrc").await;
    app.answer(1).await;
    app.wait_for_question("swelling").await;
    app.answer(1).await; // none
    app.wait_for_question("sleep").await;
    app.answer(1).await; // as usual
    app.wait_for_question("dizzy").await;
    app.answer(2).await; // no
    app.wait_for_js("return !!document.getElementById('questionnaire-summary')").await;
    app.click("#questionnaire-summary .button--big").await;
    app.wait_for_js("return document.getElementById('questionnaire-result')?.dataset.colour === 'red'").await;
}

/// Asks for a sync until `done` holds for the server's resources of `kind`.
async fn synced(app: &App, service: &TestService, kind: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let found = service.direct().search_all(kind).await.unwrap();
        if done(&found) {
            return found;
        }
        assert!(started.elapsed() < Duration::from_secs(90), "{kind} never reached the service");
        app.go("#/settings").await;
        if let Ok(button) = app.client.find(Locator::Css("#sync-now")).await {
            let _ = button.click().await;
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
}

/// The traffic-light colour an Observation or a QuestionnaireResponse
/// carries on the server, "not-judged" without one.
fn colour_on_server(resource: &Value) -> String {
    let concept = resource["interpretation"][0].clone();
    let concept = if concept.is_null() {
        resource["extension"]
            .as_array()
            .and_then(|e| e.iter().find(|e| e["url"] == "https://fhir.heima.no/StructureDefinition/judgement"))
            .map(|e| e["valueCodeableConcept"].clone())
            .unwrap_or(Value::Null)
    } else {
        concept
    };
    concept["coding"][0]["code"].as_str().unwrap_or("not-judged").to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_heart_failure_week_judged_alike_on_the_screens_and_the_server() {
    let service = TestService::start([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]).await;
    service.post_plan(heima_core::demo::CAREPLAN_JSON).await;
    for q in heima_core::demo::QUESTIONNAIRES_JSON {
        service.hfs.update(&serde_json::from_str(q).unwrap()).await;
    }
    let data = tempfile::tempdir().unwrap();
    // What each screen said, by the reading's identifier on the server:
    // (local day, the value typed, colour).
    let mut shown: Vec<(&str, &str, String)> = vec![];

    // Thursday 13 May, 07:30 in Oslo: enrolled by the nurse, 71.0 kg.
    let app = morning(data.path(), &service, "2027-05-13T05:30:00Z").await;
    app.enrol_with_code("7531", &service.code).await;
    let started = Instant::now();
    while app.texts("li.task").await.is_empty() {
        assert!(started.elapsed() < Duration::from_secs(60), "the plan never came");
        app.go("#/settings").await;
        if let Ok(button) = app.client.find(Locator::Css("#sync-now")).await {
            let _ = button.click().await;
        }
        tokio::time::sleep(Duration::from_millis(700)).await;
        app.go("#/today").await;
    }
    let (colour, _) = typed(&app, "body-weight", &[("29463-7", "71,0")]).await;
    assert_eq!(colour, "green");
    shown.push(("2027-05-13", "71.0", colour));
    app.close().await;

    // Friday: 72.1 kg. Saturday: no weighing.
    let app = morning(data.path(), &service, "2027-05-14T05:30:00Z").await;
    let (colour, _) = typed(&app, "body-weight", &[("29463-7", "72,1")]).await;
    assert_eq!(colour, "green");
    shown.push(("2027-05-14", "72.1", colour));
    app.close().await;

    // Sunday: 73.4 kg, in the green band, but up 2.4 kg in three days.
    let app = morning(data.path(), &service, "2027-05-16T05:30:00Z").await;
    let (colour, id) = typed(&app, "body-weight", &[("29463-7", "73,4")]).await;
    assert_eq!(colour, "yellow");
    app.wait_for_text("#result", "Vekt: opp 2,4 kg på 3 dager").await;
    app.wait_for_text("#result", "Ta en ekstra vanndrivende tablett").await;
    app.wait_for_text("#result .help-medicines", "Furosemid 40 mg").await;
    result_in_both(&app, id, "week-weight-up", "Vekt: opp 2,4 kg på 3 dagar").await;
    shown.push(("2027-05-16", "73.4", colour));
    app.close().await;

    // Monday 17 May: 69.5 kg, below the band; a cuff pulse of 38; chest pain.
    let app = morning(data.path(), &service, "2027-05-17T05:30:00Z").await;
    let (colour, id) = typed(&app, "body-weight", &[("29463-7", "69,5")]).await;
    assert_eq!(colour, "yellow");
    app.wait_for_text("#result", "Vekt: 69,5 kg – under grensen din").await;
    app.wait_for_text("#result", "Ikke ta ekstra vanndrivende").await;
    assert!(app.texts("#result .help-medicines").await.is_empty(), "no diuretic for a falling weight");
    result_in_both(&app, id, "week-weight-down", "Ikkje ta ekstra vassdrivande").await;
    shown.push(("2027-05-17", "69.5", colour));

    let (colour, id) = typed(&app, "blood-pressure", &[("8480-6", "124"), ("8462-4", "78"), ("8867-4", "38")]).await;
    assert_eq!(colour, "red");
    app.wait_for_text("#result", "Puls: 38 /min – under grensen din").await;
    app.wait_for_text("#result .call-now", "stengt i dag fordi det er helligdag").await;
    let calls = app.texts("#result .call-now .result-call").await;
    assert!(calls[0].contains("113") && calls[1].contains("116 117"), "113, then the legevakt: {calls:?}");
    assert!(!calls.iter().any(|c| c.contains("+47 22 00 00 00")), "not the closed service: {calls:?}");
    result_in_both(&app, id, "week-pulse-red-17-may", "stengd i dag fordi det er heilagdag").await;
    shown.push(("2027-05-17", "124/78", colour));

    // The heart-failure questions: "yes" to chest pain is red on its own
    // (a score of 0), in Bokmål, and again in Nynorsk.
    chest_pain(&app).await;
    app.wait_for_text("#questionnaire", "Du svarte på «Har du brystsmerter nå?»").await;
    app.wait_for_text("#questionnaire .result-advice", "Ring 113 nå.").await;
    app.wait_for_text("#questionnaire .call-now", "116 117").await;
    app.check_screen("week-chest-pain-red-nb").await;
    set_language(&app, "nn").await;
    chest_pain(&app).await;
    app.wait_for_text("#questionnaire", "Du svarte på «Har du brystsmertar no?»").await;
    app.wait_for_text("#questionnaire .call-now", "heilagdag").await;
    app.check_screen("week-chest-pain-red-nn").await;
    set_language(&app, "nb").await;

    // The server holds the same colours, reading by reading.
    let observations = synced(&app, &service, "Observation", |found| {
        found.iter().filter(|o| o["code"]["coding"][0]["code"] != "8867-4").count() >= 5
    })
    .await;
    let mut on_server: Vec<(String, String, String)> = observations
        .iter()
        .filter(|o| o["code"]["coding"][0]["code"] != "8867-4")
        .map(|o| {
            let day = o["effectiveDateTime"].as_str().unwrap()[..10].to_string();
            let value = match o["valueQuantity"]["value"].as_f64() {
                Some(kg) => format!("{kg:.1}"),
                None => {
                    let part = |code: &str| {
                        o["component"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .find(|c| c["code"]["coding"][0]["code"] == code)
                            .and_then(|c| c["valueQuantity"]["value"].as_f64())
                            .map(|v| format!("{v}"))
                            .unwrap_or_default()
                    };
                    format!("{}/{}", part("8480-6"), part("8462-4"))
                }
            };
            (day, value, colour_on_server(o))
        })
        .collect();
    on_server.sort();
    let mut expected: Vec<(String, String, String)> =
        shown.iter().map(|(d, v, c)| (d.to_string(), v.to_string(), c.clone())).collect();
    expected.sort();
    assert_eq!(on_server, expected, "the server's colours are the screens'");
    // The rule goes with the colour.
    let rules: Vec<&str> = observations.iter().filter_map(|o| o["interpretation"][0]["text"].as_str()).collect();
    assert!(rules.iter().any(|r| r.starts_with("yellow: 29463-7 up 2.4 kg in 3 days")), "{rules:?}");
    assert!(rules.iter().any(|r| r.starts_with("yellow: 29463-7 below its band")), "{rules:?}");
    assert!(rules.iter().any(|r| r.starts_with("red: 8867-4 below its band (pulse)")), "{rules:?}");
    // The cuff's pulse, sent as its own Observation, carries the red it set.
    let pulse = observations.iter().find(|o| o["code"]["coding"][0]["code"] == "8867-4").unwrap();
    assert_eq!((pulse["valueQuantity"]["value"].as_f64(), colour_on_server(pulse).as_str()), (Some(38.0), "red"));
    let responses = synced(&app, &service, "QuestionnaireResponse", |found| found.len() >= 2).await;
    let colours: Vec<String> = responses.iter().map(colour_on_server).collect();
    assert_eq!(colours, ["red", "red"], "as on the screens");
    app.close().await;
}
