//! The repository's tidy checks. Each reads the tree as text and lists
//! everything that breaks its rule, so one run shows all of it.

use std::{collections::BTreeSet, fs};

use heima_tidy::{files_under, markdown_section, modules::Graph, repo_root};

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
/// no plan logic); the vocabulary knows nothing of the domain.
#[test]
fn leaves_import_only_what_they_may() {
    let graph = core_graph();
    let rules: &[(&str, &[&str])] = &[
        ("store", &["vocabulary", "error", "atomic_file"]),
        ("vocabulary", &[]),
        ("error", &[]),
        ("atomic_file", &[]),
    ];
    let top = graph.top_level();
    let mut wrong = Vec::new();
    for (module, allowed) in rules {
        for import in top.imports_of(module) {
            if !allowed.contains(&import.as_str()) {
                wrong.push(format!("{module} imports {import}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Every Rust module starts with a `//!` doc saying what it is for.
#[test]
fn every_module_has_a_doc() {
    let mut missing = Vec::new();
    for dir in [
        "core/src",
        "src-tauri/src",
        "media/src",
        "cli/src",
        "tests/e2e/src",
        "tests/crash/src",
        "tests/support/src",
        "tests/tidy/src",
    ] {
        for file in files_under(&repo_root().join(dir), &[".rs"]) {
            let path = format!("{dir}/{file}");
            let text = read(&path);
            if !text.lines().find(|l| !l.trim().is_empty()).is_some_and(|l| l.starts_with("//!")) {
                missing.push(path);
            }
        }
    }
    assert!(missing.is_empty(), "no //! doc at the top of:\n{}", missing.join("\n"));
}

/// ARCHITECTURE.md's code map names every source file, each in its
/// crate's section: by its path in the crate's `src/` for the app's crates
/// (`store/plans.rs`), by its path in the crate for tests and benchmarks
/// (`tests/store.rs`, `benches/decode.rs`). Vendored code is named by its
/// folder.
#[test]
fn code_map_names_every_file() {
    let doc = read("ARCHITECTURE.md");
    let map = markdown_section(&doc, "## Code map").expect("ARCHITECTURE.md has a code map");
    let mut missing = Vec::new();
    let core = "### `core/` — crate `heima-core`";
    let media = "### `media/` — crate `heima-media`";
    let e2e = "### `tests/e2e/` — crate `heima-e2e`";
    let tidy = "### `tests/tidy/` — crate `heima-tidy`";
    let rust = &[".rs"][..];
    for (heading, dir, named_as, endings) in [
        (core, "core/src", "", rust),
        (core, "core/tests", "tests/", rust),
        (core, "core/benches", "benches/", rust),
        ("### `src-tauri/` — crate `heima-app`, binary `heima`", "src-tauri/src", "", rust),
        (media, "media/src", "", rust),
        (media, "media/tests", "tests/", rust),
        (media, "media/benches", "benches/", rust),
        ("### `ui/`", "ui", "", &[".js", ".html", ".css"]),
        ("### `cli/` — crate `heima-cli`", "cli/src", "src/", rust),
        ("### `cli/` — crate `heima-cli`", "cli/tests", "tests/", rust),
        ("### `tests/crash/` — crate `heima-crash-test`", "tests/crash/src", "src/", rust),
        ("### `tests/crash/` — crate `heima-crash-test`", "tests/crash/tests", "tests/", rust),
        ("### `tests/support/` — crate `heima-test-support`", "tests/support/src", "src/", rust),
        (tidy, "tests/tidy/src", "src/", rust),
        (tidy, "tests/tidy/tests", "tests/", rust),
        (e2e, "tests/e2e/src", "src/", rust),
        (e2e, "tests/e2e/tests", "tests/", rust),
    ] {
        let section = markdown_section(map, heading).unwrap_or_else(|| panic!("no section {heading}"));
        for file in files_under(&repo_root().join(dir), endings) {
            let named = match file.find("vendor/") {
                Some(at) => {
                    let folder = file[at..].splitn(3, '/').take(2).collect::<Vec<_>>().join("/");
                    section.contains(&format!("`{folder}/`"))
                }
                None => section.contains(&format!("`{named_as}{file}`")),
            };
            if !named {
                missing.push(format!("{dir}/{file}"));
            }
        }
    }
    assert!(missing.is_empty(), "not named (in backticks) in ARCHITECTURE.md's code map:\n{}", missing.join("\n"));
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
/// test that proves each control as `path.rs::test_name`; each such file
/// exists and has that test function, so the lists cannot go stale.
#[test]
fn hazard_log_names_tests_that_exist() {
    let mut missing = Vec::new();
    let mut named = 0;
    for doc in ["docs/hazards.md", "docs/threat-model.md"] {
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
    assert!(missing.is_empty(), "named in the hazard log but no such test:\n{}", missing.join("\n"));
}
