//! The foundation's end-to-end checks on the real app, under Xvfb: the today
//! screen in Bokmål with the demo tasks, a switch to Nynorsk that is
//! remembered after a restart (also data made under the old identifier,
//! found through `XDG_DATA_HOME`, opening under the new one), the
//! installation's file (through `XDG_CONFIG_HOME`), the device screen
//! without Bluetooth, text size and high contrast (at once, and remembered),
//! the security setup (the webview may call only the app's own commands and
//! runs no inline script), a panic and the restart screen, and a second
//! start handing its `heima-enrol:` link to the first copy (over a session
//! bus of the test's own), and the router keeping only the shown draw's
//! listener.

use heima_e2e::{App, Launch};
use serde_json::Value;

/// The demo plan's tasks, as titles in Bokmål and Nynorsk (the photo's words are
/// the plan's own, in its Nynorsk translation).
/// (The questionnaire titles come from the demo service's Questionnaires.)
const DEMO_TITLES_NB: [&str; 8] = [
    "Vei deg",
    "Bilde: Leggene og anklene",
    "Medisin: Furosemid 40 mg",
    "Mål blodtrykket",
    "Mål oksygenmetningen",
    "Daglige spørsmål om pusten",
    "Mål blodtrykket",
    "Spørsmål om hjertet",
];
const DEMO_TITLES_NN: [&str; 8] = [
    "Veg deg",
    "Bilete: Leggane og anklane",
    "Medisin: Furosemid 40 mg",
    "Mål blodtrykket",
    "Mål oksygenmettinga",
    "Daglege spørsmål om pusten",
    "Mål blodtrykket",
    "Spørsmål om hjartet",
];

async fn sorted_titles(app: &App) -> Vec<String> {
    let mut titles = app.texts("#tasks li.task .task-title").await;
    titles.sort();
    titles
}

fn sorted(titles: [&str; 8]) -> Vec<String> {
    let mut titles: Vec<String> = titles.iter().map(|s| s.to_string()).collect();
    titles.sort();
    titles
}

#[tokio::test(flavor = "multi_thread")]
async fn today_in_bokmal_then_nynorsk_remembered_after_restart() {
    let data = tempfile::tempdir().unwrap();
    let app = App::start(Launch { data_dir: Some(data.path()), ..Launch::default() }).await;

    // Bokmål by default, on the today screen, with the demo tasks.
    let lang: Value = app.client.execute("return document.documentElement.lang", vec![]).await.unwrap();
    assert_eq!(lang, "nb");
    app.wait_for_text("main h1", "I dag").await;
    app.wait_for_text("#tasks-heading", "Oppgaver for i dag").await;
    assert_eq!(sorted_titles(&app).await, sorted(DEMO_TITLES_NB));
    let whens = app.texts("#tasks li.task .task-due").await;
    assert!(whens.contains(&"Denne uka: 0 av 3 ganger".to_string()), "weekly task: {whens:?}");
    let states = app.texts("#tasks li.task .task-state").await;
    assert!(
        states.iter().all(|s| s == "Ikke gjort ennå"
            || s == "Ikke gjort ennå – du kan gjøre det nå"
            || s.starts_with("Ikke registrert som tatt")
            || s.starts_with("Gjort klokka")),
        "states in Bokmål: {states:?}"
    );
    app.wait_for_text("#demo-banner", "Demo").await;
    // Once the morning weighing is done, its result shows with its colour in words.
    let weighed = app.texts("li.task[data-activity=weight] .task-state").await[0].starts_with("Gjort");
    if weighed {
        let latest = app.wait_for_text("#latest", "Grønn sone").await;
        assert!(latest.contains("Vekt") && latest.contains("73,450 kg"), "{latest}");
        assert!(latest.contains("Alt ser bra ut. Fortsett som vanlig."), "{latest}");
        app.client.execute("document.getElementById('latest').scrollIntoView()", vec![]).await.unwrap();
        app.screenshot("today-latest-nb").await;
        app.client.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    }
    app.wait_for_text("nav", "Innstillinger").await;
    // The encrypted store was created with the test's key file.
    let db = std::fs::read(data.path().join("demo.db")).expect("the app creates its demo database");
    assert!(!db.starts_with(b"SQLite format 3"), "the database must be encrypted");
    assert!(data.path().join("test-store.key").exists());
    let shot = app.screenshot("today-nb").await;
    assert!(std::fs::metadata(&shot).unwrap().len() > 1000);

    // Switch to Nynorsk in the settings.
    app.click("nav a[data-route=settings]").await;
    app.wait_for_text("main h1", "Innstillinger").await;
    app.click("label.choice:has(#language-nn)").await;
    app.wait_for_text("main h1", "Innstillingar").await;
    // The live region is visually hidden, so read its DOM text.
    app.wait_for_js("return document.getElementById('status').textContent === 'Språket er lagra.'").await;
    app.screenshot("settings-nn").await;

    app.click("nav a[data-route=today]").await;
    app.wait_for_text("#tasks-heading", "Oppgåver for i dag").await;
    assert_eq!(sorted_titles(&app).await, sorted(DEMO_TITLES_NN));
    if weighed {
        let latest = app.wait_for_text("#latest", "Grøn sone").await;
        assert!(latest.contains("Hald fram som vanleg."), "{latest}");
    }
    let lang: Value = app.client.execute("return document.documentElement.lang", vec![]).await.unwrap();
    assert_eq!(lang, "nn");
    app.screenshot("today-nn").await;
    app.close().await;

    // A new start remembers Nynorsk.
    let app = App::start(Launch { data_dir: Some(data.path()), ..Launch::default() }).await;
    app.wait_for_text("#tasks-heading", "Oppgåver for i dag").await;
    app.wait_for_text("nav", "Innstillingar").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn device_screen_says_bluetooth_is_unavailable_without_a_system_bus() {
    let data = tempfile::tempdir().unwrap();
    let app = App::start(Launch {
        data_dir: Some(data.path()),
        env: vec![("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/heima-test-no-bus")],
        ..Launch::default()
    })
    .await;
    // Devices live under Innstillinger (five destinations in the tab row).
    app.click("nav a[data-route=settings]").await;
    app.click("#settings-to-devices").await;
    app.wait_for_text("main h1", "Måleapparater").await;
    assert_eq!(
        app.texts("nav a[aria-current=page]").await,
        ["Innstillinger"],
        "the devices screen belongs to the settings tab"
    );
    app.wait_for_js("return document.querySelector('#bluetooth-status').dataset.state === 'unavailable'").await;
    let text = app.wait_for_text("#bluetooth-status", "Bluetooth er ikke tilgjengelig på dette nettbrettet.").await;
    assert!(text.contains("Du kan fortsatt skrive inn målinger selv."), "{text}");
    app.screenshot("devices-no-bluetooth-nb").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn webview_may_call_only_the_apps_own_commands_and_no_inline_script() {
    let data = tempfile::tempdir().unwrap();
    let app = App::start(Launch { data_dir: Some(data.path()), ..Launch::default() }).await;
    let call = |command: &str| {
        format!(
            "const done = arguments[0];
             window.__TAURI__.core.invoke({command:?}, {{}}).then(
               () => done('allowed'), e => done('refused: ' + String(e)));"
        )
    };
    // The app's own command works ...
    let own = app.client.execute_async(&call("bluetooth_status"), vec![]).await.unwrap();
    assert_eq!(own, "allowed");
    // ... a core plugin command that no capability grants does not.
    for command in ["plugin:app|version", "plugin:window|close", "plugin:event|listen", "plugin:autostart|disable"] {
        let answer = app.client.execute_async(&call(command), vec![]).await.unwrap();
        let answer = answer.as_str().unwrap().to_string();
        assert!(answer.starts_with("refused"), "{command}: {answer}");
    }
    // The CSP blocks inline script and remote images.
    let ran: Value = app
        .client
        .execute_async(
            "const done = arguments[0];
             const s = document.createElement('script');
             s.textContent = 'window.__heimaInlineRan = true';
             document.head.append(s);
             setTimeout(() => done(window.__heimaInlineRan === true), 200);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(ran, false, "inline script ran despite the CSP");
    let loaded: Value = app
        .client
        .execute_async(
            "const done = arguments[0];
             document.addEventListener('securitypolicyviolation',
               e => done('csp: ' + e.violatedDirective), { once: true });
             const img = new Image();
             img.onload = () => done('loaded');
             img.onerror = () => setTimeout(() => done('failed without a csp report'), 500);
             img.src = 'http://127.0.0.1:9/remote.png';",
            vec![],
        )
        .await
        .unwrap();
    assert!(loaded.as_str().unwrap().starts_with("csp: img-src"), "remote image: {loaded}");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn text_size_and_high_contrast_apply_at_once_and_are_remembered() {
    let data = tempfile::tempdir().unwrap();
    let app = App::start(Launch { data_dir: Some(data.path()), ..Launch::default() }).await;
    let font_size = "return getComputedStyle(document.body).fontSize";
    assert_eq!(app.client.execute(font_size, vec![]).await.unwrap(), "20px");
    app.click("nav a[data-route=settings]").await;
    app.wait_for_text("main", "Tekststørrelse").await;
    app.click("label.choice:has(#text-size-largest)").await;
    app.wait_for_js("return document.body.dataset.textSize === 'largest'").await;
    assert_eq!(app.client.execute(font_size, vec![]).await.unwrap(), "28px");
    // Headings grow too (they are sized in rem): 1.8 × 28 px.
    let h1 = app
        .client
        .execute("return getComputedStyle(document.querySelector('main h1')).fontSize", vec![])
        .await
        .unwrap();
    let h1: f64 = h1.as_str().unwrap().trim_end_matches("px").parse().unwrap();
    assert!((h1 - 50.4).abs() < 0.1, "h1 is {h1}px");
    app.click("label.choice:has(#high-contrast)").await;
    app.wait_for_js("return document.body.classList.contains('high-contrast')").await;
    app.wait_for_js("return document.getElementById('status').textContent === 'Visningen er lagret.'").await;
    app.screenshot("settings-largest-contrast-nb").await;
    app.close().await;

    let app = App::start(Launch { data_dir: Some(data.path()), ..Launch::default() }).await;
    app.wait_for_js(
        "return document.body.dataset.textSize === 'largest' && document.body.classList.contains('high-contrast')",
    )
    .await;
    assert_eq!(app.client.execute(font_size, vec![]).await.unwrap(), "28px");
    app.close().await;
}

/// Data made under the old identifier (`no.heima.app`) opens under the new
/// one: the platform's data folder is found by the identifier (no
/// `HEIMA_DATA_DIR` here), the old folder is moved once, and the language
/// chosen and the demo database made before are there after the move.
#[tokio::test(flavor = "multi_thread")]
async fn data_under_the_old_identifier_opens_under_the_new_one() {
    let home = tempfile::tempdir().unwrap();
    let key = home.path().join("test-store.key");
    let xdg = home.path().join("share");
    let (xdg_text, key_text) = (xdg.display().to_string(), key.display().to_string());
    let launch =
        || Launch { env: vec![("XDG_DATA_HOME", &xdg_text), ("HEIMA_KEY_FILE", &key_text)], ..Launch::default() };
    let (old, new) = (xdg.join("no.heima.app"), xdg.join("no.heima.patient"));

    // A first start makes the data; it is then put where the old version kept it.
    let app = App::start(launch()).await;
    app.click("nav a[data-route=settings]").await;
    app.click("label.choice:has(#language-nn)").await;
    app.wait_for_text("main h1", "Innstillingar").await;
    app.close().await;
    let db = std::fs::read(new.join("demo.db")).expect("the demo database is in the identifier's folder");
    std::fs::rename(&new, &old).unwrap();

    let app = App::start(launch()).await;
    app.wait_for_text("#tasks-heading", "Oppgåver for i dag").await;
    app.close().await;
    assert!(!old.exists(), "the old folder is moved, not copied");
    assert_eq!(std::fs::read(new.join("demo.db")).unwrap()[..4096], db[..4096], "the same database, opened");
}

/// A managed installation's configuration file: a new tablet starts in the
/// language and text size the system-wide file names, in kiosk mode (full
/// screen, no window controls, a window that does not close, a start at
/// login), trusting its service; the user's own file
/// may change preferences only (trust and kiosk are told and not used); a
/// broken file is told with its line and the app starts with the safe
/// defaults.
#[tokio::test(flavor = "multi_thread")]
async fn the_installations_file_sets_up_a_new_tablet_and_a_broken_one_is_told() {
    let config = tempfile::tempdir().unwrap();
    let system = config.path().join("system.toml");
    std::fs::write(
        &system,
        "language = \"nn\"\ntext_size = \"large\"\nkiosk = true\n\n[[trusted_service]]\norigin = \"https://dho.heimbas.kommune.no\"\nname = \"Heimbas kommune\"\n",
    )
    .unwrap();
    let system_text = system.display().to_string();
    let file = config.path().join("heima/config.toml");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let config_text = config.path().display().to_string();
    // A home of its own: the start at login goes into its ~/.config.
    let home = heima_e2e::Home::new();
    let env = vec![
        ("HEIMA_SYSTEM_CONFIG", system_text.as_str()),
        ("XDG_CONFIG_HOME", config_text.as_str()),
        ("HOME", home.home.as_str()),
    ];
    let data = tempfile::tempdir().unwrap();
    let log = data.path().join("app.log");
    let app = App::start(Launch { data_dir: Some(data.path()), env: env.clone(), log_to: Some(&log) }).await;
    app.wait_for_text("#tasks-heading", "Oppgåver for i dag").await;
    app.wait_for_js("return document.body.dataset.textSize === 'large'").await;
    // A kiosk's window does not close, and the app starts at login (the
    // desktop's autostart entry, in ~/.config/autostart: auto-launch puts
    // it there whatever XDG_CONFIG_HOME says).
    let pid = heima_e2e::app_pid(data.path());
    assert!(heima_e2e::x11::close_windows(pid) > 0);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert!(heima_e2e::x11::window_shown(pid), "the kiosk's window stays");
    let autostart = home.path().join(".config/autostart/Heima.desktop");
    let entry = std::fs::read_to_string(&autostart).unwrap_or_else(|e| panic!("{}: {e}", autostart.display()));
    assert!(entry.contains(&format!("Exec={}", heima_e2e::app_binary().display())), "{entry}");
    app.close().await;
    // Kiosk: Xvfb has no window manager to show a full screen; the window was told.
    assert!(std::fs::read_to_string(&log).unwrap().contains("kiosk: full screen"));

    // The user's own file (a previous borrower's) tries to trust a service
    // of its own and to leave kiosk mode: each key is told with its line
    // and not used; its text size, a personal preference, still counts.
    std::fs::write(
        &file,
        "text_size = \"largest\"\nkiosk = false\n\n[[trusted_service]]\norigin = \"https://fhir.attacker.example\"\nname = \"Heimbas kommune\"\n",
    )
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let log = data.path().join("app.log");
    let app = App::start(Launch { data_dir: Some(data.path()), env, log_to: Some(&log) }).await;
    app.wait_for_text("#notices", "kiosk på linje 2").await;
    let notices = app.wait_for_text("#notices", "trusted_service på linje 4").await;
    assert!(notices.contains("Berre innstillingsfila for heile maskina"), "{notices}");
    app.wait_for_js("return document.body.dataset.textSize === 'largest'").await;
    app.close().await;
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(log.contains("kiosk: full screen"), "kiosk stays on");
    assert!(!log.contains("attacker"), "the hostile origin is not even logged");

    // A typo on line 3: told with the file and the line; defaults apply.
    std::fs::write(&file, "language = \"nn\"\n\nkisok = true\n").unwrap();
    let data = tempfile::tempdir().unwrap();
    let app = App::start(Launch {
        data_dir: Some(data.path()),
        env: vec![("XDG_CONFIG_HOME", &config_text)],
        ..Launch::default()
    })
    .await;
    let notice = app.wait_for_text("#notices", "linje 3").await;
    assert!(notice.contains("config.toml"), "{notice}");
    app.wait_for_text("#tasks-heading", "Oppgaver for i dag").await;
    app.close().await;
}

/// The log goes to a file as well (here under the data folder's `logs`),
/// and a panic is written there while the window says "Heima må starte på
/// nytt" with a restart button — also when the panic comes before the
/// first screen is drawn (that screen must not cover the restart one);
/// the values in its message come out nowhere.
#[tokio::test(flavor = "multi_thread")]
async fn a_panic_is_logged_and_the_window_asks_for_a_restart() {
    for (delay, check) in [("500", true), ("0", false)] {
        let data = tempfile::tempdir().unwrap();
        let stderr = data.path().with_extension("stderr");
        let app = App::start(Launch {
            data_dir: Some(data.path()),
            env: vec![("HEIMA_PANIC_FOR_TEST", delay)],
            log_to: Some(&stderr),
        })
        .await;
        app.wait_for_text("#restart", "Heima må starte på nytt").await;
        // The first screen, drawn after, has not covered it.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        app.wait_for_text("#restart", "Heima må starte på nytt").await;
        if check {
            app.check_screen("restart-nb").await;
        }
        app.close().await;
        let log = std::fs::read_to_string(data.path().join("logs/heima.log")).expect("the log file");
        assert!(log.contains("started; mode: Demo"), "{log}");
        assert!(log.contains("panic at src-tauri/src/crash.rs") && log.contains("its message is left out"), "{log}");
        // The value the panic's message carried is neither logged nor
        // printed (the default hook would print the whole message).
        let stderr = std::fs::read_to_string(&stderr).unwrap();
        assert!(stderr.contains("heima: panic at src-tauri/src/crash.rs"), "{stderr}");
        assert!(!log.contains("mmHg") && !stderr.contains("mmHg"), "{stderr}");
    }
}

/// One running copy: a second start (as when the camera app opens a
/// `heima-enrol:` link from a QR code) hands its link to the first copy
/// and exits; the first opens the nurse's page with the code filled in,
/// still waiting for her to send it and confirm the service. The two meet
/// on a session bus of the test's own.
#[tokio::test(flavor = "multi_thread")]
async fn a_second_start_hands_its_link_to_the_first_copy() {
    use std::process::{Command, Stdio};
    let bus = heima_e2e::SessionBus::start();
    let address = bus.address.clone();
    let data = tempfile::tempdir().unwrap();
    let env = vec![("DBUS_SESSION_BUS_ADDRESS", address.as_str()), ("HEIMA_NURSE_CODE", "7531")];
    let app = App::start(Launch { data_dir: Some(data.path()), env: env.clone(), ..Launch::default() }).await;
    app.wait_for_text("main h1", "I dag").await;

    let code = heima_core::enrolment::new_code(&[9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 9]);
    let link = format!("heima-enrol:?endpoint=https%3A%2F%2Fdho.heimbas.kommune.no%2Factivate&code={code}");
    let mut second = Command::new(heima_e2e::app_binary());
    second
        .arg(&link)
        .env("HEIMA_DATA_DIR", data.path())
        .env("HEIMA_KEY_FILE", data.path().join("test-store.key"))
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut second = second.spawn().unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < heima_e2e::WAIT, "the second copy kept running");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(status.success(), "{status}");

    app.wait_for_text("main h1", "Sykepleiersiden").await;
    app.type_into("#nurse-code", "7531").await;
    app.click("#nurse-code-form button").await;
    app.wait_for_js(&format!("return document.getElementById('enrol-code')?.value === {link:?}")).await;
    assert!(app.texts("#enrol-confirm-question").await.iter().all(|t| t.is_empty()), "nothing sent yet");
    app.close().await;
    drop(bus);
}

/// Two draws of one screen overlap and the first ends last (a change the
/// core told redraws the screen while the move to it is still drawing, as
/// when a call rings during a sync): only the draw on show hears the
/// changes and is told it is shown, so an overtaken call screen never
/// takes the call's pictures or its changes. A change told while a screen
/// draws reaches it once shown (as `missed`).
#[tokio::test(flavor = "multi_thread")]
async fn an_overtaken_draw_never_hears_the_changes() {
    let data = tempfile::tempdir().unwrap();
    let app = App::start(Launch { data_dir: Some(data.path()), ..Launch::default() }).await;
    let script = r##"
        const done = arguments[arguments.length - 1];
        (async () => {
          const shell = await import("./shell.js");
          const heard = [], shown = [];
          let draws = 0;
          shell.registerScreens({
            today: async () => document.createElement("section"),
            plan: async () => {
              const n = ++draws;
              // The first draw is slow: the second overtakes it. The third
              // is slow too, and a change comes while it draws.
              if (n === 1 || n === 3) await new Promise((r) => setTimeout(r, 400));
              const section = document.createElement("section");
              section.dataset.draw = String(n);
              return shell.listen(section, { changed: (c) => heard.push(`${n}:${c.change}`), shown: () => shown.push(n) });
            },
          });
          location.hash = "#/plan";
          await new Promise((r) => setTimeout(r, 50));
          await shell.redraw();
          await new Promise((r) => setTimeout(r, 800));
          if (shell.app.onChange) await shell.app.onChange({ change: "sync" });
          const third = shell.redraw();
          await new Promise((r) => setTimeout(r, 100));
          await shell.app.onChange({ change: "sync" });
          await third;
          done({ heard, shown, on_show: document.querySelector("#main > section").dataset.draw });
        })().catch((e) => done({ error: String(e) }));
    "##;
    let answer = app.client.execute_async(script, vec![]).await.unwrap();
    assert_eq!(
        answer,
        serde_json::json!({ "heard": ["2:sync", "3:missed"], "shown": [2, 3], "on_show": "3" }),
        "{answer}"
    );
    app.close().await;
}
