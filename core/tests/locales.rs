//! Checks the Fluent files under `locales/`: every file parses, nb, nn and en
//! have the same messages with the same variables, every file on disk is
//! embedded, and every key the UI or the core's codes need exists.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
};

use fluent_syntax::{ast, parser};
use heima_core::{
    app::call_line::CallEnded,
    call::signalling::CallEnd,
    devices::UnavailableReason,
    error::ErrorCode,
    locale::{Locale, FTL_FILES},
    plan::MeasurementKind,
    schedule::TaskState,
    settings::TextSize,
    traffic_light::Colour,
    traffic_light::Direction,
};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// message or term id -> variables it uses
type Messages = BTreeMap<String, BTreeSet<String>>;

fn variables_in_pattern(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            variables_in_expression(expression, out);
        }
    }
}

fn variables_in_expression(expression: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            variables_in_inline(selector, out);
            for variant in variants {
                variables_in_pattern(&variant.value, out);
            }
        }
        ast::Expression::Inline(inline) => variables_in_inline(inline, out),
    }
}

fn variables_in_inline(inline: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_string());
        }
        ast::InlineExpression::Placeable { expression } => variables_in_expression(expression, out),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for arg in &arguments.positional {
                variables_in_inline(arg, out);
            }
        }
        _ => {}
    }
}

fn parse_file(path: &Path) -> Messages {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let resource = parser::parse(text.as_str())
        .unwrap_or_else(|(_, errors)| panic!("{} does not parse: {errors:?}", path.display()));
    let mut messages = Messages::new();
    for entry in &resource.body {
        match entry {
            ast::Entry::Message(m) => {
                let mut vars = BTreeSet::new();
                if let Some(value) = &m.value {
                    variables_in_pattern(value, &mut vars);
                }
                for attribute in &m.attributes {
                    variables_in_pattern(&attribute.value, &mut vars);
                }
                let previous = messages.insert(m.id.name.to_string(), vars);
                assert!(previous.is_none(), "{}: {} defined twice", path.display(), m.id.name);
            }
            ast::Entry::Term(t) => {
                messages.insert(format!("-{}", t.id.name), BTreeSet::new());
            }
            ast::Entry::Junk { content } => panic!("{}: junk {content:?}", path.display()),
            _ => {}
        }
    }
    messages
}

fn all_messages(locale: Locale) -> Messages {
    let mut all = Messages::new();
    for file in FTL_FILES {
        for (id, vars) in parse_file(&repo().join("locales").join(locale.tag()).join(file)) {
            assert!(all.insert(id.clone(), vars).is_none(), "{id} in two files of {}", locale.tag());
        }
    }
    all
}

#[test]
fn every_file_on_disk_is_embedded_and_every_locale_has_every_file() {
    let mut dirs: Vec<String> =
        fs::read_dir(repo().join("locales")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    dirs.sort();
    let mut tags: Vec<String> = Locale::ALL.iter().map(|l| l.tag().to_string()).collect();
    tags.sort();
    assert_eq!(dirs, tags, "locale folders");
    for locale in Locale::ALL {
        let mut files: Vec<String> = fs::read_dir(repo().join("locales").join(locale.tag()))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|name| name != "REVIEW.md")
            .collect();
        // A preview says what a translator has reviewed; a reviewed
        // language needs no such list.
        let review = repo().join("locales").join(locale.tag()).join("REVIEW.md");
        assert_eq!(review.exists(), locale.is_preview(), "locales/{}/REVIEW.md", locale.tag());
        files.sort();
        let mut expected: Vec<String> = FTL_FILES.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(files, expected, "files of {}", locale.tag());
        for (name, embedded) in locale.resources() {
            let on_disk = fs::read_to_string(repo().join("locales").join(locale.tag()).join(name)).unwrap();
            assert_eq!(*embedded, on_disk, "embedded copy of {}/{name} is stale", locale.tag());
        }
    }
}

#[test]
fn locales_have_the_same_keys_and_variables() {
    let nb = all_messages(Locale::Bokmal);
    for locale in Locale::ALL.into_iter().filter(|l| *l != Locale::Bokmal) {
        let other = all_messages(locale);
        let missing: Vec<_> = nb.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !nb.contains_key(*k)).collect();
        assert!(missing.is_empty(), "missing in {}: {missing:?}", locale.tag());
        assert!(extra.is_empty(), "only in {}: {extra:?}", locale.tag());
        for (id, vars) in &nb {
            assert_eq!(vars, &other[id], "variables of {id} differ between nb and {}", locale.tag());
        }
    }
}

#[test]
fn every_message_formats_without_errors() {
    use fluent_bundle::{FluentArgs, FluentBundle, FluentResource};
    for locale in Locale::ALL {
        let lang: unic_langid::LanguageIdentifier = locale.tag().parse().unwrap();
        let mut bundle = FluentBundle::new(vec![lang]);
        for (_, text) in locale.resources() {
            bundle.add_resource(FluentResource::try_new(text.to_string()).unwrap()).unwrap();
        }
        for (id, vars) in all_messages(locale) {
            if id.starts_with('-') {
                continue;
            }
            let mut args = FluentArgs::new();
            for var in &vars {
                args.set(var.clone(), "x");
            }
            let message = bundle.get_message(&id).unwrap();
            let mut errors = vec![];
            let value = bundle.format_pattern(message.value().unwrap(), Some(&args), &mut errors);
            assert!(errors.is_empty(), "{}:{id}: {errors:?}", locale.tag());
            assert!(!value.trim().is_empty(), "{}:{id} is empty", locale.tag());
        }
    }
}

/// Keys the UI builds from core values, e.g. `task-state-${state}`.
fn keys_built_from_core_values() -> Vec<String> {
    let name = |v: serde_json::Value| v.as_str().unwrap().to_string();
    let mut keys = vec![];
    for kind in MeasurementKind::ALL {
        keys.push(format!("task-measure-{}", name(serde_json::to_value(kind).unwrap())));
        keys.push(format!("measurement-{}", name(serde_json::to_value(kind).unwrap())));
    }
    for colour in [Colour::Green, Colour::Yellow, Colour::Red] {
        keys.push(format!("colour-{}", colour.as_str()));
    }
    keys.push("colour-not-judged".into());
    for state in [TaskState::ToDo, TaskState::Done, TaskState::Missed] {
        keys.push(format!("task-state-{}", name(serde_json::to_value(state).unwrap())));
    }
    for reason in [UnavailableReason::NoService, UnavailableReason::NoAdapter, UnavailableReason::SwitchedOff] {
        keys.push(format!("bluetooth-unavailable-{}", name(serde_json::to_value(reason).unwrap())));
    }
    for locale in Locale::ALL {
        keys.push(format!("language-{}", locale.tag()));
        keys.push(format!("text-in-{}", locale.tag()));
    }
    for size in [TextSize::Normal, TextSize::Large, TextSize::Largest] {
        keys.push(format!("settings-text-size-{}", name(serde_json::to_value(size).unwrap())));
    }
    for sound in heima_core::settings::ReminderSound::ALL {
        keys.push(format!("settings-reminder-sound-{}", name(serde_json::to_value(sound).unwrap())));
    }
    // Every error code, from the one enum.
    for code in ErrorCode::ALL {
        keys.push(format!("error-{code}"));
    }
    // How a call ended; other reasons fall back to `call-ended-failed`.
    for end in [CallEnd::HungUpHere, CallEnd::HungUpThere, CallEnd::ConnectionLost] {
        keys.push(format!("call-ended-{}", CallEnded::End(end).as_str()));
    }
    keys.push("call-ended-failed".into());
    // Manual entry: a label per field, a message per problem.
    for kind in MeasurementKind::ALL {
        for field in heima_core::manual::fields(kind) {
            keys.push(format!("manual-field-{}", field.code));
        }
    }
    for problem in
        ["missing", "not-a-number", "too-many-decimals", "implausible", "systolic-below-diastolic", "unknown-choice"]
    {
        keys.push(format!("manual-{problem}"));
    }
    for meal in heima_core::vocabulary::Meal::ALL {
        keys.push(format!("meal-{}", meal.as_str()));
    }
    // Codes the plan's limits and a judgement's causes name.
    for code in ["8478-0", "74465-6", "2339-0"] {
        keys.push(format!("manual-field-{code}"));
    }
    for colour in ["green", "yellow", "red", "not-judged"] {
        keys.push(format!("result-heading-{colour}"));
    }
    for reason in ["no-plan", "no-limits", "value-absent", "outside-bands", "unit-mismatch"] {
        keys.push(format!("result-not-judged-{reason}"));
    }
    // A cause's side of the limits, a change over days, a plan's sides.
    for direction in [Direction::Below, Direction::Above] {
        let side = name(serde_json::to_value(direction).unwrap());
        keys.push(format!("result-cause-{side}"));
        keys.push(format!("result-cause-trend-{side}"));
        keys.push(format!("plan-side-{side}"));
        keys.push(format!("plan-trend-{side}"));
    }
    keys.push("plan-trend-either".into());
    for day in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
        keys.push(format!("weekday-{day}"));
    }
    for days in [7, 30, 90] {
        keys.push(format!("history-period-{days}"));
    }
    for who in ["patient", "relative"] {
        keys.push(format!("measure-taken-by-{who}"));
    }
    for n in 1..=4 {
        keys.push(format!("pair-step-{n}"));
    }
    for sent in ["sent", "waiting"] {
        keys.push(format!("latest-sent-{sent}"));
    }
    keys
}

/// Keys written literally in the UI: `data-l10n-id="…"` and `t("…")`.
fn keys_in_ui() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let mut stack = vec![repo().join("ui")];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name().unwrap() != "vendor" {
                    stack.push(path);
                }
                continue;
            }
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !matches!(ext, "js" | "html") {
                continue;
            }
            let text = fs::read_to_string(&path).unwrap();
            // `t("…")`, and the DOM helpers' message arguments (dom.js):
            // `heading("…")`, `button("…")`, `linkButton("…")`,
            // `choiceButton("…")`, and `el(tag, class, "…")` (scanned below).
            for marker in
                ["data-l10n-id=\"", "t(\"", "t('", "heading(\"", "button(\"", "linkButton(\"", "choiceButton(\""]
            {
                for (i, _) in text.match_indices(marker) {
                    // Only count `t(` as the translation call, not e.g. `set(`.
                    if (marker.starts_with('t') || marker.starts_with('b') || marker.starts_with('h'))
                        && text[..i].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
                    {
                        continue;
                    }
                    let rest = &text[i + marker.len()..];
                    let end = rest.find(['"', '\'']).unwrap();
                    keys.insert(rest[..end].to_string());
                }
            }
            keys.extend(el_message_ids(&text));
        }
    }
    keys
}

/// The third argument of `el(tag, class, "message-id" …)` where it is a
/// plain string.
fn el_message_ids(text: &str) -> Vec<String> {
    let mut out = vec![];
    for (i, _) in text.match_indices("el(") {
        if text[..i].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        // Split the call's first three arguments at top-level commas.
        let rest = &text[i + 3..];
        let mut args = vec![];
        let (mut depth, mut start, mut quote) = (0i32, 0usize, None::<char>);
        for (j, c) in rest.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'' | '`') => quote = Some(c),
                (None, '(' | '[' | '{') => depth += 1,
                (None, ')' | ']' | '}') if depth == 0 => {
                    args.push(rest[start..j].trim());
                    break;
                }
                (None, ')' | ']' | '}') => depth -= 1,
                (None, ',') if depth == 0 => {
                    args.push(rest[start..j].trim());
                    start = j + 1;
                    if args.len() == 3 {
                        break;
                    }
                }
                _ => {}
            }
        }
        if let Some(id) = args.get(2).and_then(|a| a.strip_prefix('"')).and_then(|a| a.strip_suffix('"')) {
            out.push(id.to_string());
        }
    }
    out
}

#[test]
fn every_key_the_app_uses_exists() {
    let ui = keys_in_ui();
    assert!(ui.contains("nav-today"), "the UI scan found no keys; is ui/ where it should be?");
    let nb = all_messages(Locale::Bokmal);
    let missing: Vec<_> =
        ui.iter().cloned().chain(keys_built_from_core_values()).filter(|k| !nb.contains_key(k)).collect();
    assert!(missing.is_empty(), "keys used but not defined: {missing:?}");
}
