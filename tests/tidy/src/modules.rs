//! The module graph of a crate read from its source text: every `use` of
//! `crate::…`, `super::…` or `self::…` (use trees expanded) and every such
//! path written inline, resolved to the module file it lands in. Test code
//! (`#[cfg(test)]` to the end of a file) is left out: tests may look
//! anywhere. A module's own descendants are not counted as its imports: a
//! `mod.rs` is the front of its folder and may name its children.

use std::collections::{BTreeMap, BTreeSet};

/// A module path below the crate root, e.g. `["store", "plans"]`.
pub type ModulePath = Vec<String>;

/// The module a source file is, from its path relative to `src/`
/// (`store/mod.rs` → `store`, `store/plans.rs` → `store::plans`; `lib.rs` → root).
pub fn module_of(relative: &str) -> ModulePath {
    let without = relative.strip_suffix(".rs").unwrap_or(relative);
    let mut parts: Vec<String> = without.split('/').map(str::to_string).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The source without comments, string literals and test code.
pub fn code_only(source: &str) -> String {
    let source = match source.find("#[cfg(test)]") {
        Some(at) => &source[..at],
        None => source,
    };
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '"' => {
                out.push_str("\"\"");
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
            }
            // A char literal such as '"' or '{' (lifetimes pass through).
            '\'' => {
                let rest: String = chars.clone().take(3).collect();
                let mut it = rest.chars();
                match (it.next(), it.next(), it.next()) {
                    (Some('\\'), _, _) => {
                        for c in chars.by_ref() {
                            if c == '\'' {
                                break;
                            }
                        }
                        out.push_str("' '");
                    }
                    (Some(_), Some('\''), _) => {
                        chars.next();
                        chars.next();
                        out.push_str("' '");
                    }
                    _ => out.push(c),
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Expands a use tree (`a::{b, c::{d as e, self}}`) into plain paths.
pub fn expand_use_tree(tree: &str) -> Vec<Vec<String>> {
    let tree: String = strip_aliases(tree).chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = Vec::new();
    expand(&tree, &[], &mut out);
    out
}

fn expand(tree: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let tree = tree.strip_prefix("::").unwrap_or(tree);
    if let Some(open) = tree.find('{') {
        let head: Vec<String> =
            tree[..open].trim_end_matches("::").split("::").filter(|s| !s.is_empty()).map(str::to_string).collect();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut base = prefix.to_vec();
        base.extend(head);
        for part in split_top_level(inner) {
            expand(part, &base, out);
        }
    } else {
        // Aliases (`x as y`) were cut off before the white space went.
        let mut path = prefix.to_vec();
        for segment in tree.split("::").filter(|s| !s.is_empty()) {
            if segment == "self" || segment == "*" {
                continue;
            }
            path.push(segment.to_string());
        }
        if !path.is_empty() {
            out.push(path);
        }
    }
}

fn split_top_level(list: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in list.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

/// Every path the code names that starts at `crate`, `super` or `self`,
/// resolved to an absolute module path (still with the item names on the
/// end).
pub fn named_paths(module: &ModulePath, code: &str) -> Vec<ModulePath> {
    let mut paths = Vec::new();
    let mut rest = String::with_capacity(code.len());
    // `use` statements, with their trees.
    let mut remaining = code;
    while let Some(at) = find_word(remaining, "use") {
        rest.push_str(&remaining[..at]);
        let after = &remaining[at + 3..];
        let end = after.find(';').unwrap_or(after.len());
        paths.extend(expand_use_tree(&after[..end]));
        remaining = &after[(end + 1).min(after.len())..];
    }
    rest.push_str(remaining);
    // Inline paths.
    let bytes = rest.as_bytes();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(found) = rest[from..].find(start) {
            let at = from + found;
            from = at + start.len();
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_' || bytes[at - 1] == b':') {
                continue;
            }
            let path: String =
                rest[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':').collect();
            paths.push(path.split("::").filter(|s| !s.is_empty()).map(str::to_string).collect());
        }
    }
    paths.into_iter().filter_map(|p| absolute(module, &p)).collect()
}

fn strip_aliases(tree: &str) -> String {
    let mut out = String::new();
    for part in tree.split_inclusive([',', '}', '{']) {
        match part.find(" as ") {
            Some(at) => {
                out.push_str(&part[..at]);
                let tail = part.trim_end();
                if let Some(last) = tail.chars().last().filter(|c| matches!(c, ',' | '}' | '{')) {
                    out.push(last);
                }
            }
            None => out.push_str(part),
        }
    }
    out
}

fn find_word(text: &str, word: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(found) = text[from..].find(word) {
        let at = from + found;
        let before = at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
        let after = bytes.get(at + word.len()).is_some_and(|b| b.is_ascii_whitespace());
        if before && after {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

fn absolute(module: &ModulePath, path: &[String]) -> Option<ModulePath> {
    let mut iter = path.iter().peekable();
    let mut base: ModulePath = match iter.peek().map(|s| s.as_str()) {
        Some("crate") => {
            iter.next();
            Vec::new()
        }
        Some("self") => {
            iter.next();
            module.clone()
        }
        Some("super") => module.clone(),
        _ => return None,
    };
    while iter.peek().map(|s| s.as_str()) == Some("super") {
        iter.next();
        base.pop()?;
    }
    base.extend(iter.cloned());
    Some(base)
}

/// The crate's module graph: module → the modules it imports.
#[derive(Debug, Default)]
pub struct Graph {
    pub edges: BTreeMap<ModulePath, BTreeSet<ModulePath>>,
}

impl Graph {
    /// Reads a crate from `(path relative to src/, source text)` pairs.
    pub fn from_sources<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Graph {
        let files: Vec<(ModulePath, String)> =
            files.into_iter().map(|(path, text)| (module_of(path), code_only(text))).collect();
        let modules: BTreeSet<ModulePath> = files.iter().map(|(m, _)| m.clone()).collect();
        let mut graph = Graph::default();
        for (module, code) in &files {
            let targets = graph.edges.entry(module.clone()).or_default();
            for path in named_paths(module, code) {
                // The longest prefix that is a module file.
                let Some(target) = (1..=path.len()).rev().map(|n| path[..n].to_vec()).find(|p| modules.contains(p))
                else {
                    continue;
                };
                if target.starts_with(module) {
                    continue; // itself, or its own child
                }
                targets.insert(target);
            }
        }
        graph
    }

    /// The same graph with each module folded into its top-level module
    /// (`store::plans` → `store`), edges within one top-level module dropped.
    pub fn top_level(&self) -> Graph {
        let mut graph = Graph::default();
        for (from, targets) in &self.edges {
            let Some(top) = from.first() else { continue };
            let entry = graph.edges.entry(vec![top.clone()]).or_default();
            for to in targets {
                if let Some(t) = to.first().filter(|t| *t != top) {
                    entry.insert(vec![t.clone()]);
                }
            }
        }
        graph
    }

    /// The modules `module` imports, as `a::b` names.
    pub fn imports_of(&self, module: &str) -> Vec<String> {
        let key: ModulePath = module.split("::").map(str::to_string).collect();
        self.edges.get(&key).map(|t| t.iter().map(|p| p.join("::")).collect()).unwrap_or_default()
    }

    /// Every cycle, as one example path through each strongly connected
    /// group of modules (`a -> b -> a`).
    pub fn cycles(&self) -> Vec<String> {
        let nodes: Vec<&ModulePath> = self.edges.keys().collect();
        let mut cycles = Vec::new();
        let mut reported: BTreeSet<ModulePath> = BTreeSet::new();
        for start in nodes {
            if reported.contains(start) {
                continue;
            }
            if let Some(path) = self.path_back(start) {
                reported.extend(path.iter().cloned());
                let names: Vec<String> = path.iter().map(|p| p.join("::")).collect();
                cycles.push(format!("{} -> {}", names.join(" -> "), names[0]));
            }
        }
        cycles
    }

    /// A shortest path from `start` through its imports back to `start`.
    fn path_back(&self, start: &ModulePath) -> Option<Vec<ModulePath>> {
        let mut previous: BTreeMap<&ModulePath, &ModulePath> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            for next in self.edges.get(node).into_iter().flatten() {
                if next == start {
                    let mut path = vec![node.clone()];
                    let mut at = node;
                    while at != start {
                        at = previous[at];
                        path.push(at.clone());
                    }
                    path.reverse();
                    return Some(path);
                }
                if !previous.contains_key(next) {
                    previous.insert(next, node);
                    queue.push_back(next);
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(list: &[&str]) -> Vec<Vec<String>> {
        list.iter().map(|p| p.split("::").map(str::to_string).collect()).collect()
    }

    #[test]
    fn module_names_come_from_file_paths() {
        for (file, module) in
            [("lib.rs", ""), ("store/mod.rs", "store"), ("store/plans.rs", "store::plans"), ("clock.rs", "clock")]
        {
            assert_eq!(module_of(file).join("::"), module, "{file}");
        }
    }

    #[test]
    fn use_trees_expand() {
        let cases: &[(&str, &[&str])] = &[
            ("crate::a::B", &["crate::a::B"]),
            ("crate::{a::{self, B}, c}", &["crate::a", "crate::a::B", "crate::c"]),
            ("super::{reader::Reader, DecodeError}", &["super::reader::Reader", "super::DecodeError"]),
            ("crate::x::*", &["crate::x"]),
        ];
        for (tree, expected) in cases {
            assert_eq!(expand_use_tree(tree), paths(expected), "{tree}");
        }
    }

    #[test]
    fn comments_strings_and_tests_are_not_code() {
        let code = code_only(
            "use a; // crate::x\n/* crate::y */ let s = \"crate::z\"; let c = '\"'; crate::w::f();\n#[cfg(test)]\nmod tests { use crate::v; }",
        );
        assert!(!code.contains("crate::x") && !code.contains("crate::y") && !code.contains("crate::z"), "{code}");
        assert!(code.contains("crate::w::f") && !code.contains("crate::v"), "{code}");
    }

    #[test]
    fn aliases_and_inline_paths_resolve() {
        let module = vec!["sync".to_string(), "client".to_string()];
        let found =
            named_paths(&module, "use super::{Store as S, x};\nfn f() { crate::store::plans::g(); self::h(); }");
        let found: Vec<String> = found.iter().map(|p| p.join("::")).collect();
        assert_eq!(found, ["sync::Store", "sync::x", "store::plans::g", "sync::client::h"]);
    }

    /// A data-driven check of the graph: sources in, cycles out.
    #[test]
    fn cycles_are_found_and_children_are_not_imports() {
        /// Files (path, text) and the cycles expected in them.
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);
        let cases: &[Case<'_>] = &[
            // A mod.rs naming its children and a child naming its parent: no cycle.
            (&[("store/mod.rs", "use self::plans::P;"), ("store/plans.rs", "use super::Store;")], &[]),
            // Two siblings naming each other.
            (
                &[("gatt/mod.rs", ""), ("gatt/reader.rs", "use super::time;"), ("gatt/time.rs", "use super::reader;")],
                &["gatt::reader -> gatt::time -> gatt::reader"],
            ),
            // Three modules in a ring, through an inline path.
            (
                &[("a.rs", "use crate::b::X;"), ("b.rs", "fn f() { crate::c::g() }"), ("c.rs", "use crate::a;")],
                &["a -> b -> c -> a"],
            ),
            // Test code may look anywhere.
            (&[("a.rs", "use crate::b;"), ("b.rs", "#[cfg(test)]\nmod tests { use crate::a; }")], &[]),
        ];
        for (files, expected) in cases {
            let graph = Graph::from_sources(files.iter().copied());
            assert_eq!(graph.cycles(), *expected, "{files:?}");
        }
    }

    #[test]
    fn folders_fold_into_their_top_level_module() {
        let graph = Graph::from_sources([
            ("store/mod.rs", ""),
            ("store/plans.rs", "use crate::fhir::careplan;"),
            ("fhir/mod.rs", "use crate::store::Store;"),
            ("fhir/careplan.rs", ""),
        ]);
        assert_eq!(graph.cycles(), Vec::<String>::new());
        assert_eq!(graph.top_level().cycles(), ["fhir -> store -> fhir"]);
    }
}
