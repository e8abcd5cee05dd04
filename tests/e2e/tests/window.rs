//! The app outlives its window while a follow-up is active: closing the
//! window (as a window manager's close button does) only hides it; the
//! service's push (a changed plan) still reaches the app and its screen,
//! a nurse's message and a reminder that falls due still reach the
//! desktop's notification server (GNOME's notification-daemon on the
//! test's session bus) without naming what they are about, and starting
//! Heima again brings the window back. Enrolled with hfs behind
//! the test gateway, on a test clock just before the plan's 07:30 task.
//! The demo has nothing to go on with: closing its window ends it.

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use heima_e2e::{service::TestService, x11, App, Launch, NotificationServer, SessionBus};
use serde_json::Value;

/// Waits (up to `within`) until `check` holds.
async fn until(what: &str, within: Duration, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until `script` returns true in the app's page (shown or not).
async fn until_page(app: &App, script: &str, within: Duration, what: &str) {
    let started = Instant::now();
    loop {
        if app.client.execute(script, vec![]).await.ok() == Some(Value::Bool(true)) {
            return;
        }
        assert!(started.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hidden_window_still_gets_pushes_and_reminders_and_comes_back() {
    let service = TestService::start([1, 7, 3, 2, 0, 5, 0, 8, 0, 7, 5]).await;
    service.post_plan(heima_core::demo::CAREPLAN_JSON).await;
    for q in heima_core::demo::QUESTIONNAIRES_JSON {
        service.hfs.update(&serde_json::from_str(q).unwrap()).await;
    }
    let bus = SessionBus::start();
    let notifications = NotificationServer::start(&bus);
    let data = tempfile::tempdir().unwrap();
    let service_env = service.env(None);
    let mut env = service_env.vars();
    env.push(("DBUS_SESSION_BUS_ADDRESS", &bus.address));
    // 07:28:40 in Oslo: the plan's 07:30 weighing falls due in 80 s.
    env.push(("HEIMA_TEST_CLOCK", "2027-05-13T05:28:40Z"));
    env.push(("TZ", "Europe/Oslo"));
    let app = App::start(Launch { data_dir: Some(data.path()), env: env.clone(), ..Launch::default() }).await;
    app.enrol_with_code("7531", &service.code).await;
    app.go("#/today").await;
    until_page(&app, "return document.querySelectorAll('li.task').length > 0", Duration::from_secs(60), "the plan")
        .await;
    let pid = heima_e2e::app_pid(data.path());
    assert!(x11::window_shown(pid), "the window is on the screen");
    assert!(!notifications.asked().contains("Du har en oppgave i Heima"), "no reminder yet");

    // Closed as by the window's close button: hidden, the app goes on.
    assert!(x11::close_windows(pid) > 0, "the app has a window to close");
    until("the window hides", Duration::from_secs(10), || !x11::window_shown(pid)).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(std::fs::read_link(format!("/proc/{pid}/exe")).is_ok(), "the app still runs");
    assert!(!x11::window_shown(pid), "and its window stays hidden");

    // The service changes the plan: the push reaches the hidden app, and
    // its screen has the notice when the patient comes back.
    let direct = service.direct();
    let mut plan = direct.search_all("CarePlan").await.unwrap()[0].clone();
    let activities = plan["activity"].as_array_mut().unwrap();
    let dropped = activities.iter().position(|a| a["detail"]["code"]["coding"][0]["code"] == "8310-5").unwrap();
    activities.remove(dropped);
    service.hfs.update(&plan).await;
    until_page(&app, "return !!document.getElementById('plan-changed')", Duration::from_secs(30), "the pushed plan")
        .await;
    assert!(!x11::window_shown(pid), "a changed plan does not pull the window up");

    // A nurse's message: the desktop tells that the service has something
    // (naming nothing of it), and the window stays where the patient left it.
    let patient = format!("Patient/{}", service.patient_id);
    let message = serde_json::json!({
        "resourceType": "Communication", "status": "completed", "recipient": [{ "reference": patient }],
        "subject": { "reference": patient }, "sent": "2027-05-13T05:28:00Z",
        "payload": [{ "contentString": "Hei! Vi ringjer deg i ettermiddag." }]
    });
    direct.post("Communication", &message).await.unwrap();
    let started = Instant::now();
    while !notifications.asked().contains("Oppfølgingstjenesten har noe til deg") {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no notice of the message; asked: {}",
            notifications.asked()
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(!notifications.asked().contains("ringjer deg"), "the message itself is not on the desktop");
    assert!(!x11::window_shown(pid), "a message does not pull the window up");

    // The 07:30 task falls due: its reminder reaches the notification
    // server while the window is hidden.
    let started = Instant::now();
    while !notifications.asked().contains("Du har en oppgave i Heima") {
        assert!(started.elapsed() < Duration::from_secs(200), "no reminder; asked: {}", notifications.asked());
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(!x11::window_shown(pid), "a reminder only notifies");
    let asked = notifications.asked();
    assert!(asked.contains("Klokka 07:30"), "{asked}");

    // Heima started again (from the menu): the same app's window comes back.
    let mut second = Command::new(heima_e2e::app_binary());
    second
        .env("HEIMA_DATA_DIR", data.path())
        .env("HEIMA_KEY_FILE", data.path().join("test-store.key"))
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let status = second.status().unwrap();
    assert!(status.success(), "the second start hands over and ends: {status}");
    until("the window comes back", Duration::from_secs(10), || x11::window_shown(pid)).await;
    app.wait_for_js("return !!document.getElementById('plan-changed')").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_the_demos_window_ends_the_app() {
    let data = tempfile::tempdir().unwrap();
    let app = App::start(Launch { data_dir: Some(data.path()), ..Launch::default() }).await;
    app.wait_for_text("main h1", "I dag").await;
    let pid = heima_e2e::app_pid(data.path());
    assert!(x11::close_windows(pid) > 0);
    // A process that has ended has no program any more (a zombie keeps its pid).
    until("the app ends", Duration::from_secs(15), || std::fs::read_link(format!("/proc/{pid}/exe")).is_err()).await;
}

/// A task left undone is reminded again, with the sound the patient chose:
/// the demo on a test clock at 08:29 Oslo time, its 08:00 readings not
/// taken. Their first reminder (08:00) was before the app started; at
/// 08:30 they are reminded again together with the 08:30 dose, as one
/// notification ("3 oppgåver"); it asks for the chosen sound (the
/// freedesktop `sound-name` hint), and "Prøv lyden" sounds it at once.
#[tokio::test(flavor = "multi_thread")]
async fn an_undone_task_is_reminded_again_with_the_chosen_sound() {
    let bus = SessionBus::start();
    let notifications = NotificationServer::start(&bus);
    let data = tempfile::tempdir().unwrap();
    let env = vec![
        ("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str()),
        ("HEIMA_TEST_CLOCK", "2027-05-12T06:29:00Z"),
        ("TZ", "Europe/Oslo"),
    ];
    let app = App::start(Launch { data_dir: Some(data.path()), env, ..Launch::default() }).await;
    app.go("#/settings").await;
    app.click("#reminder-sound-alarm").await;
    app.wait_for_js("return document.getElementById('reminder-sound-alarm').checked").await;
    app.check_screen("settings-reminder-sound-nb").await;
    app.click("#reminder-sound-try").await;
    until("the sample reminder", Duration::from_secs(20), || {
        notifications.asked().contains("Slik høres en påminnelse ut")
    })
    .await;
    let asked = notifications.asked();
    assert!(asked.contains("sound-name") && asked.contains("alarm-clock-elapsed"), "{asked}");
    assert!(!asked.contains("Klokka 08:00"), "the 08:00 reminder itself came before the app: {asked}");

    app.click("#language-nn").await;
    app.wait_for_text("main h1", "Innstillingar").await;
    app.check_screen("settings-reminder-sound-nn").await;

    // 08:30: the two 08:00 tasks again, with the 08:30 dose, as one
    // notification in the patient's language, with the alarm sound.
    let repeat = "Du har 3 oppgåver i Heima";
    until("the repeated reminder", Duration::from_secs(150), || notifications.asked().contains(repeat)).await;
    let asked = notifications.asked();
    let body = asked.find(repeat).unwrap();
    let start = asked[..body].rfind("method call").unwrap();
    let end = asked[body..].find("method call").map_or(asked.len(), |n| body + n);
    let call = &asked[start..end];
    assert!(call.contains("alarm-clock-elapsed"), "the repeat has the chosen sound: {call}");
    assert_eq!(asked.matches("member=Notify").count(), 2, "the sample and one reminder: {asked}");
    app.close().await;
}
