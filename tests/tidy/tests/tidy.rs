//! The repository's tidy checks. Each reads the tree as text and lists
//! everything that breaks its rule, so one run shows all of it: the core's
//! modules import in no cycle and its leaves only what they may; every file
//! says what it is at its top and ARCHITECTURE.md stays a short map; the
//! command lists agree; every test a document names exists; the version
//! is one.

use std::{collections::BTreeSet, fs};

use heima_tidy::{
    files_under, js_literals, leading_comment, markdown_section,
    modules::{code_only, Graph},
    reads_as_words, repo_root, says_a_sentence,
};

fn read(relative: &str) -> String {
    fs::read_to_string(repo_root().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

fn core_graph() -> Graph {
    let src = repo_root().join("core/src");
    let files: Vec<(String, String)> = files_under(&src, &[".rs"])
        .into_iter()
        .map(|f| {
            let text = fs::read_to_string(src.join(&f)).unwrap();
            (f, text)
        })
        .collect();
    Graph::from_sources(files.iter().map(|(f, t)| (f.as_str(), t.as_str())))
}

/// The core's modules form a DAG, file by file and folder by folder.
#[test]
fn core_modules_import_in_no_cycle() {
    let graph = core_graph();
    let mut cycles = graph.cycles();
    cycles.extend(graph.top_level().cycles().into_iter().map(|c| format!("(folders) {c}")));
    assert!(cycles.is_empty(), "import cycles in core/src:\n{}", cycles.join("\n"));
}

/// Leaves: the store knows only the shared vocabulary (no FHIR, no sync,
/// no plan logic); the vocabulary knows nothing of the domain, and the
/// GATT decoders nothing but the vocabulary and the error codes. And the
/// device session never reaches into the store: it hands records to a sink.
#[test]
fn leaves_import_only_what_they_may() {
    let graph = core_graph();
    let only: &[(&str, &[&str])] = &[
        ("store", &["vocabulary", "error", "atomic_file"]),
        ("vocabulary", &[]),
        ("error", &[]),
        ("atomic_file", &[]),
        ("gatt", &["vocabulary", "error"]),
    ];
    let never: &[(&str, &[&str])] = &[("devices", &["store"])];
    let top = graph.top_level();
    let mut wrong = Vec::new();
    for (module, allowed) in only {
        for import in top.imports_of(module) {
            if !allowed.contains(&import.as_str()) {
                wrong.push(format!("{module} imports {import}"));
            }
        }
    }
    for (module, forbidden) in never {
        assert!(!top.imports_of(module).is_empty(), "{module} imports nothing: is it still there?");
        for import in top.imports_of(module) {
            if forbidden.contains(&import.as_str()) {
                wrong.push(format!("{module} imports {import}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Where the source files are, and the comment each must start with.
/// Tests, benchmarks, fuzz targets and build scripts count as much as the
/// app's own modules. The UI's vendored libraries (`ui/vendor/`) are left
/// out: they are copied unchanged from their packages.
const SOURCES: &[(&str, &str, &str)] = &[
    ("core/src", ".rs", "//!"),
    ("core/tests", ".rs", "//!"),
    ("core/benches", ".rs", "//!"),
    ("src-tauri/src", ".rs", "//!"),
    ("src-tauri/build.rs", ".rs", "//!"),
    ("media/src", ".rs", "//!"),
    ("media/tests", ".rs", "//!"),
    ("media/benches", ".rs", "//!"),
    ("cli/src", ".rs", "//!"),
    ("cli/tests", ".rs", "//!"),
    ("fuzz/fuzz_targets", ".rs", "//!"),
    ("tests/crash/src", ".rs", "//!"),
    ("tests/crash/tests", ".rs", "//!"),
    ("tests/support/src", ".rs", "//!"),
    ("tests/tidy/src", ".rs", "//!"),
    ("tests/tidy/tests", ".rs", "//!"),
    ("tests/e2e/src", ".rs", "//!"),
    ("tests/e2e/tests", ".rs", "//!"),
    ("tests/e2e/benches", ".rs", "//!"),
    ("ui", ".js", "//"),
];

/// The most lines ARCHITECTURE.md may have: it is the map, not the manual.
const MAP_LINES: usize = 250;

/// Every file says what it is at its top: each Rust source file starts
/// with a `//!` doc, each of the UI's scripts with a `//` comment, whose
/// first paragraph is at least one full sentence. The details live there,
/// so ARCHITECTURE.md stays the short map: at most [`MAP_LINES`] lines,
/// its code map naming every crate folder (the workspace's members and
/// the crates it leaves out) and every top-level module of the core
/// (`core/src/<name>.rs` or `core/src/<name>/`), and naming nothing in
/// `core/src/` or among the crates that is not there.
#[test]
fn every_file_says_what_it_is_and_the_map_stays_short() {
    let mut wrong = Vec::new();
    let mut checked = 0;
    for (place, ending, marker) in SOURCES {
        let files = if place.ends_with(ending) {
            vec![place.to_string()]
        } else {
            files_under(&repo_root().join(place), &[ending])
                .into_iter()
                .filter(|f| !f.starts_with("vendor/"))
                .map(|f| format!("{place}/{f}"))
                .collect()
        };
        assert!(!files.is_empty(), "no {ending} files in {place}: is the table out of date?");
        for path in files {
            checked += 1;
            match leading_comment(&read(&path), marker) {
                None => wrong.push(format!("{path}: does not start with a {marker} comment")),
                Some(comment) if !says_a_sentence(&comment) => {
                    wrong.push(format!("{path}: its {marker} comment's first paragraph is not a full sentence"))
                }
                Some(_) => {}
            }
        }
    }
    assert!(checked > 100, "only {checked} files checked");

    let doc = read("ARCHITECTURE.md");
    let lines = doc.lines().count();
    if lines > MAP_LINES {
        wrong.push(format!("ARCHITECTURE.md has {lines} lines, over {MAP_LINES}: move details to the files' docs"));
    }
    let map = markdown_section(&doc, "## Code map").expect("ARCHITECTURE.md has a code map");
    let core = markdown_section(map, "### `core/src/`").expect("the code map has a `core/src/` section");

    // Every crate folder, from the workspace's own list.
    let workspace = read("Cargo.toml");
    let mut crates = Vec::new();
    for key in ["members", "exclude"] {
        let line = workspace.lines().find(|l| l.starts_with(&format!("{key} ="))).unwrap_or_else(|| panic!("no {key}"));
        crates.extend(line.split('"').skip(1).step_by(2).map(|c| format!("{c}/")));
    }
    assert!(crates.len() >= 8, "the workspace lists only {crates:?}");
    // Every top-level module of the core.
    let src = repo_root().join("core/src");
    let mut modules = Vec::new();
    for entry in fs::read_dir(&src).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() {
            modules.push(format!("{name}/"));
        } else if name.ends_with(".rs") && name != "lib.rs" {
            modules.push(name);
        }
    }
    assert!(modules.len() >= 20, "core/src has only {modules:?}");
    for (names, section, place) in [(&crates, map, "the code map"), (&modules, core, "its `core/src/` section")] {
        for name in names {
            if !section.contains(&format!("`{name}`")) {
                wrong.push(format!("ARCHITECTURE.md: {place} does not name `{name}`"));
            }
        }
    }
    // And nothing the map names in `core/src/` is gone.
    for line in core.lines().filter_map(|l| l.strip_prefix("- `")) {
        let name = &line[..line.find('`').unwrap_or(0)];
        if !src.join(name).exists() {
            wrong.push(format!("ARCHITECTURE.md names core/src/{name}, which does not exist"));
        }
    }
    // Nor any crate or folder in "Crates and folders".
    let folders = markdown_section(map, "### Crates and folders").expect("the code map has a crates section");
    for line in folders.lines().filter(|l| l.starts_with("- `")) {
        let named = line.split(" — ").next().unwrap_or_default();
        for path in named.split('`').skip(1).step_by(2) {
            if !repo_root().join(path).exists() {
                wrong.push(format!("ARCHITECTURE.md names {path}, which does not exist"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The webview's commands are listed three times for Tauri: registered in
/// `lib.rs`, given a permission in `build.rs`, allowed in the capability.
/// All three, and the `#[tauri::command]` functions, agree. And every
/// command that uses the app's state runs off the main thread, so a slow
/// disk, a locked keyring or a busy store never freezes the screen.
#[test]
fn one_command_list() {
    let lib = read("src-tauri/src/lib.rs");
    let start = lib.find("generate_handler![").expect("lib.rs registers commands");
    let end = start + lib[start..].find(']').unwrap();
    let registered: BTreeSet<String> = lib[start + "generate_handler![".len()..end]
        .split(',')
        .map(|p| p.trim().rsplit("::").next().unwrap().to_string())
        .filter(|c| !c.is_empty())
        .collect();

    let build = read("src-tauri/build.rs");
    let start = build.find("COMMANDS: &[&str] = &[").expect("build.rs lists commands");
    let end = start + build[start..].find("];").unwrap();
    let permitted: BTreeSet<String> = build[start..end].split('"').skip(1).step_by(2).map(str::to_string).collect();

    let capability = read("src-tauri/capabilities/main.json");
    let allowed: BTreeSet<String> =
        capability.split('"').filter_map(|s| s.strip_prefix("allow-")).map(|s| s.replace('-', "_")).collect();

    let mut defined = BTreeSet::new();
    // Commands that would run on the main thread while touching the app's
    // state (the store, the keyring, the disk, the network): none may.
    let mut on_main_thread = vec![];
    for file in files_under(&repo_root().join("src-tauri/src"), &[".rs"]) {
        let text = read(&format!("src-tauri/src/{file}"));
        let mut rest = text.as_str();
        while let Some(at) = rest.find("#[tauri::command") {
            rest = &rest[at..];
            let attribute = &rest[..rest.find(']').unwrap() + 1];
            let f = rest.find("fn ").unwrap();
            let name: String = rest[f + 3..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let signature = &rest[..rest.find('{').unwrap()];
            let off_main = attribute.contains("async") || signature.contains("async fn");
            if signature.contains("State<") && !off_main {
                on_main_thread.push(name.clone());
            }
            defined.insert(name);
            rest = &rest[f..];
        }
    }
    assert!(
        on_main_thread.is_empty(),
        "commands on the main thread (use #[tauri::command(async)]): {on_main_thread:?}"
    );
    assert!(!registered.is_empty());
    assert_eq!(permitted, registered, "build.rs and lib.rs's generate_handler! differ");
    assert_eq!(allowed, registered, "capabilities/main.json and lib.rs's generate_handler! differ");
    assert_eq!(defined, registered, "#[tauri::command] functions and lib.rs's generate_handler! differ");
}

/// The hazard log (and the threat model, where there is one) names the
/// test that proves each control as `path.rs::test_name`, and
/// ARCHITECTURE.md the test that keeps each invariant; each such file
/// exists and has that test function, so the lists cannot go stale.
#[test]
fn hazard_log_names_tests_that_exist() {
    let mut missing = Vec::new();
    let mut named = 0;
    for doc in ["docs/hazards.md", "docs/threat-model.md", "ARCHITECTURE.md"] {
        let Ok(text) = fs::read_to_string(repo_root().join(doc)) else {
            assert_ne!(doc, "docs/hazards.md", "the hazard log is missing");
            continue;
        };
        for quoted in text.split('`').skip(1).step_by(2) {
            let Some((file, test)) = quoted.split_once(".rs::") else { continue };
            named += 1;
            let path = format!("{file}.rs");
            let source = fs::read_to_string(repo_root().join(&path)).unwrap_or_default();
            let has = source.contains(&format!("fn {test}(")) || source.contains(&format!("async fn {test}("));
            if !has {
                missing.push(format!("{doc}: {path}::{test}"));
            }
        }
    }
    assert!(named >= 10, "the hazard log names only {named} tests");
    assert!(missing.is_empty(), "named as a test, but no such test:\n{}", missing.join("\n"));
}

/// Only the store, the atomic writer and the ending touch files in the
/// core; every other module says what to keep and leaves the how to them
/// (tests are left out).
#[test]
fn the_core_touches_files_only_in_the_store_the_writer_and_the_ending() {
    let allowed = |f: &str| f.starts_with("store/") || f == "atomic_file.rs" || f == "app/ending.rs";
    let touches = |code: &str| {
        ["std::fs", "tokio::fs", " fs::", "(fs::", "File::open", "File::create", "OpenOptions"]
            .iter()
            .any(|needle| code.contains(needle))
    };
    assert!(touches("let x = std::fs::read(p);") && !touches("let fs = 1;"), "the rule can tell");
    let src = repo_root().join("core/src");
    let wrong: Vec<String> = files_under(&src, &[".rs"])
        .into_iter()
        .filter(|f| !allowed(f) && touches(&code_only(&fs::read_to_string(src.join(f)).unwrap())))
        .collect();
    assert!(
        wrong.is_empty(),
        "files touched outside the store, atomic_file.rs and app/ending.rs:\n{}",
        wrong.join("\n")
    );
}

/// Every answer from a server is read through `net::read_body`, with a
/// limit: a hostile or broken server cannot make the tablet read without
/// end (the core and the shell; tests are left out).
#[test]
fn answers_are_read_only_with_a_size_limit() {
    let unbounded = |code: &str| {
        [".text().await", ".json().await", ".bytes().await", ".chunk().await", ".json::<", ".bytes_stream("]
            .iter()
            .any(|needle| code.contains(needle))
    };
    assert!(unbounded("let b = r.text().await?;") && !unbounded("read_body(r, 1).await"), "the rule can tell");
    let mut wrong = Vec::new();
    for dir in ["core/src", "src-tauri/src"] {
        let root = repo_root().join(dir);
        for f in files_under(&root, &[".rs"]) {
            if dir == "core/src" && f == "net.rs" {
                continue;
            }
            let code: String =
                code_only(&fs::read_to_string(root.join(&f)).unwrap()).chars().filter(|c| !c.is_whitespace()).collect();
            if unbounded(&code) {
                wrong.push(format!("{dir}/{f}"));
            }
        }
    }
    assert!(wrong.is_empty(), "answers read without a limit (use net::read_body):\n{}", wrong.join("\n"));
}

/// Only `src-tauri/src/environment.rs` reads the environment (it decides
/// which build reads which `HEIMA_*` variable: a release build none), and
/// WebKit's own switches in `webview_env.rs`; the core and the media crate
/// read none (tests are left out).
#[test]
fn the_environment_is_read_in_one_place() {
    let reads =
        |code: &str| ["env::var", "env::vars", "option_env!", "var_os("].iter().any(|needle| code.contains(needle));
    assert!(reads("let v = std::env::var_os(\"X\");") && !reads("let environment = 1;"), "the rule can tell");
    let allowed = ["src-tauri/src/environment.rs", "src-tauri/src/webview_env.rs"];
    let mut wrong = Vec::new();
    for dir in ["core/src", "media/src", "src-tauri/src"] {
        let root = repo_root().join(dir);
        for f in files_under(&root, &[".rs"]) {
            let place = format!("{dir}/{f}");
            if !allowed.contains(&place.as_str()) && reads(&code_only(&fs::read_to_string(root.join(&f)).unwrap())) {
                wrong.push(place);
            }
        }
    }
    assert!(wrong.is_empty(), "the environment read outside environment.rs:\n{}", wrong.join("\n"));
}

/// Dates, times and numbers are written one way: in the UI by `format.js`
/// (the app's language, the core's time zone), in the core by `clock.rs`
/// (`HH:MM` and local date-times the UI puts into words). Elsewhere no
/// `Intl`, `toLocale…`, `toFixed` or reading of a date's fields in the UI,
/// and no `strftime` in the core — but for the two that write no text a
/// person reads (a file name, a FHIR query date).
#[test]
fn dates_and_numbers_are_written_in_one_place() {
    let writes_in_ui = |code: &str| {
        [
            "toLocale",
            "Intl.",
            ".toFixed(",
            ".getHours(",
            ".getMinutes(",
            ".getDate(",
            ".getDay(",
            ".getMonth(",
            ".getFullYear(",
        ]
        .iter()
        .any(|needle| code.contains(needle))
    };
    assert!(writes_in_ui("d.toLocaleDateString(tag)") && !writes_in_ui("format(d)"), "the rule can tell");
    let mut wrong = Vec::new();
    let ui = repo_root().join("ui");
    for file in files_under(&ui, &[".js"]).into_iter().filter(|f| !f.starts_with("vendor/") && f != "format.js") {
        let text = fs::read_to_string(ui.join(&file)).unwrap();
        for (i, line) in text.lines().enumerate() {
            if !line.trim_start().starts_with("//") && !line.trim_start().starts_with('*') && writes_in_ui(line) {
                wrong.push(format!("ui/{file}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    let allowed = ["clock.rs", "store/mod.rs", "sync/download.rs"];
    let core = repo_root().join("core/src");
    for file in files_under(&core, &[".rs"]).into_iter().filter(|f| !allowed.contains(&f.as_str())) {
        if code_only(&fs::read_to_string(core.join(&file)).unwrap()).contains("strftime(") {
            wrong.push(format!("core/src/{file}: strftime"));
        }
    }
    assert!(
        wrong.is_empty(),
        "dates or numbers written outside ui/format.js and core/src/clock.rs:\n{}",
        wrong.join("\n")
    );
}

/// The UI's JavaScript has no words of its own: every text a person reads
/// comes from `locales/` through Fluent (the vendored libraries aside;
/// what goes to the developer console is not read by patients).
#[test]
fn the_uis_javascript_has_no_words_of_its_own() {
    let ui = repo_root().join("ui");
    let mut wrong = Vec::new();
    for file in files_under(&ui, &[".js"]).into_iter().filter(|f| !f.starts_with("vendor/")) {
        let text = fs::read_to_string(ui.join(&file)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (line, literal) in js_literals(&text) {
            if reads_as_words(&literal) && !lines[line - 1].contains("console.") {
                wrong.push(format!("ui/{file}:{line}: {literal:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "words in the UI's code instead of locales/:\n{}", wrong.join("\n"));
}

/// The version a build says it is (Cargo's, sent as the User-Agent and the
/// gateway Device's version), the one the bundler puts on the packages,
/// and the newest release in the AppStream metainfo are one.
#[test]
fn the_version_is_the_same_everywhere() {
    let first_quoted = |text: &str, after: &str| -> String {
        let rest = &text[text.find(after).unwrap_or_else(|| panic!("{after} not found")) + after.len()..];
        rest.split('"').nth(1).unwrap_or_default().to_string()
    };
    let cargo = read("Cargo.toml");
    let workspace = first_quoted(&cargo[cargo.find("[workspace.package]").unwrap()..], "version =");
    let bundler = first_quoted(&read("src-tauri/tauri.conf.json"), "\"version\":");
    let metainfo = first_quoted(&read("packaging/linux/no.heima.patient.metainfo.xml"), "<release version=");
    assert!(!workspace.is_empty(), "the workspace's version was read");
    assert_eq!((bundler.as_str(), metainfo.as_str()), (workspace.as_str(), workspace.as_str()));
}

/// The patient's data stays on the tablet: the shell finds its folders
/// with the platform's *local* data folder, never the roaming one (a
/// Windows profile copied to other machines); on Linux and macOS the two
/// are the same folder.
#[test]
fn the_data_folder_is_local_never_roaming() {
    let roams = |code: &str| ["app_data_dir(", "dirs::data_dir("].iter().any(|n| code.contains(n));
    assert!(roams("app.path().app_data_dir()?") && !roams("app.path().app_local_data_dir()?"), "the rule can tell");
    let root = repo_root().join("src-tauri/src");
    let wrong: Vec<String> = files_under(&root, &[".rs"])
        .into_iter()
        .filter(|f| roams(&code_only(&fs::read_to_string(root.join(f)).unwrap())))
        .collect();
    assert!(wrong.is_empty(), "a roaming folder used for the app's data:\n{}", wrong.join("\n"));
}
