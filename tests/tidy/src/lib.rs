//! Tidy checks in the manner of rust-analyzer's `tidy.rs`: they read the
//! repository as text (no build of the checked crates needed) and fail with
//! a list of what is wrong. The checks themselves are in `tests/tidy.rs`;
//! this library holds the reading parts (the repository and its files,
//! Markdown sections, a file's leading comment and whether it says a
//! sentence, and in [`modules`] the core's module graph) so they have tests
//! of their own.

pub mod modules;

use std::path::{Path, PathBuf};

/// The repository's root (two levels above this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the repository root exists")
}

/// Every file under `dir` (recursively) whose name ends with one of
/// `endings`, sorted, as paths relative to `dir` with `/` separators.
pub fn files_under(dir: &Path, endings: &[&str]) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, endings: &[&str], out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, endings, out);
            } else if endings.iter().any(|e| path.to_string_lossy().ends_with(e)) {
                let relative = path.strip_prefix(base).expect("below base");
                out.push(relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, endings, &mut out);
    out.sort();
    out
}

/// The text of a Markdown section: from the heading line that equals
/// `heading` to the next heading of the same or a higher level.
pub fn markdown_section<'a>(text: &'a str, heading: &str) -> Option<&'a str> {
    let level = heading.chars().take_while(|c| *c == '#').count();
    let start = text.lines().position(|l| l.trim_end() == heading)?;
    let lines: Vec<&str> = text.lines().collect();
    let end = lines[start + 1..]
        .iter()
        .position(|l| {
            let hashes = l.chars().take_while(|c| *c == '#').count();
            hashes > 0 && hashes <= level && l[hashes..].starts_with(' ')
        })
        .map_or(lines.len(), |p| start + 1 + p);
    let from = lines[..start].iter().map(|l| l.len() + 1).sum::<usize>();
    let to = lines[..end].iter().map(|l| l.len() + 1).sum::<usize>().min(text.len());
    Some(&text[from..to])
}

/// The comment a file starts with: its first non-blank lines that begin
/// with `marker` (`//!` for a Rust module, `//` for a script), without the
/// marker, one line each; `None` when the file starts with anything else.
pub fn leading_comment(text: &str, marker: &str) -> Option<Vec<String>> {
    let lines: Vec<String> = text
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .map_while(|l| l.strip_prefix(marker).map(|rest| rest.trim().to_string()))
        .collect();
    (!lines.is_empty()).then_some(lines)
}

/// Whether a comment's first paragraph holds a full sentence: it starts
/// with a capital letter, a digit, a quote or a `code` span, and at least
/// three words in, a `.`, `?` or `!` outside code ends a sentence.
pub fn says_a_sentence(comment: &[String]) -> bool {
    let paragraph: Vec<&str> = comment.iter().map(String::as_str).take_while(|l| !l.is_empty()).collect();
    let text = paragraph.join(" ");
    let starts_well = text.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "`\"*".contains(c));
    if !starts_well {
        return false;
    }
    let mut in_code = false;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        match c {
            '`' => in_code = !in_code,
            '.' | '?' | '!' if !in_code => {
                let ends = chars.get(i + 1).is_none_or(|(_, next)| next.is_whitespace());
                if ends && text[..at].split_whitespace().count() >= 3 {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// The string literals of a JavaScript source ("…", '…' and `…`, a
/// template's `${…}` left out), with their line numbers; comments skipped.
pub fn js_literals(source: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut chars = source.chars().peekable();
    let mut line = 1;
    while let Some(c) = chars.next() {
        match c {
            '\n' => line += 1,
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        line += 1;
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if c == '\n' {
                        line += 1;
                    }
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '"' | '\'' | '`' => {
                let (quote, at) = (c, line);
                let mut text = String::new();
                let mut escaped = false;
                let mut depth = 0;
                while let Some(c) = chars.next() {
                    if c == '\n' {
                        line += 1;
                    }
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if quote == '`' && c == '$' && chars.peek() == Some(&'{') {
                        depth += 1;
                    } else if depth > 0 {
                        if c == '}' {
                            depth -= 1;
                        }
                    } else if c == quote {
                        break;
                    } else {
                        text.push(c);
                    }
                }
                out.push((at, text));
            }
            _ => {}
        }
    }
    out
}

/// Whether a literal reads as words a person would read: a Norwegian
/// letter, or two words or more with nothing in it that code uses (a
/// class list has hyphens, a selector `#` or `[`, a path `/`).
pub fn reads_as_words(literal: &str) -> bool {
    if literal.chars().any(|c| "æøåÆØÅ".contains(c)) {
        return true;
    }
    let code_like = literal.chars().any(|c| "-_#[]=/(){}$<>@:".contains(c));
    let words = literal
        .split_whitespace()
        .filter(|w| {
            let w = w.trim_end_matches(['.', ',', '!', '?']);
            w.chars().count() >= 2 && w.chars().all(char::is_alphabetic)
        })
        .count();
    !code_like && words >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_end_at_the_next_heading_of_their_level() {
        let text = "# A\nintro\n## B\nb text\n### C\nc text\n## D\nd text\n";
        assert_eq!(markdown_section(text, "## B"), Some("## B\nb text\n### C\nc text\n"));
        assert_eq!(markdown_section(text, "### C"), Some("### C\nc text\n"));
        assert_eq!(markdown_section(text, "## D"), Some("## D\nd text\n"));
        assert_eq!(markdown_section(text, "## E"), None);
    }

    #[test]
    fn a_leading_comment_is_read_and_needs_a_sentence() {
        let rust = "\n//! The one door to the Rust side. More.\n//!\n//! Details.\nuse x;\n";
        let comment = leading_comment(rust, "//!").unwrap();
        assert_eq!(comment, ["The one door to the Rust side. More.", "", "Details."]);
        assert!(says_a_sentence(&comment));
        assert_eq!(leading_comment("use x;\n//! Late.\n", "//!"), None);
        assert_eq!(leading_comment("// A plain comment.\n", "//!"), None);
        let js = leading_comment("// Meldinger: the conversation with the service.\nimport x;\n", "//").unwrap();
        assert!(says_a_sentence(&js));
        for (text, sentence) in [
            ("`heima-cli`: a thin command line over `heima-core` for support staff.", true),
            ("Blood Pressure Measurement (0x2A35), Blood Pressure Service 1.1.", true),
            ("Ten thousand tablets against one hfs (with subscriptions), on loopback,\nbounded in time.", true),
            ("TODO", false),
            ("Helpers.", false),
            ("helpers for the tests, in lower case.", false),
            ("A title without an end", false),
            ("Calls `a.b` and `c. d` without end", false),
        ] {
            let lines: Vec<String> = text.lines().map(str::to_string).collect();
            assert_eq!(says_a_sentence(&lines), sentence, "{text}");
        }
        let second_paragraph_only = ["A title".to_string(), String::new(), "The sentence is here.".to_string()];
        assert!(!says_a_sentence(&second_paragraph_only), "the first paragraph must say it");
    }

    #[test]
    fn javascript_literals_and_which_read_as_words() {
        let source = "// \"Ikke dette\"\nconst a = \"button button--big\";\n/* 'Heller ikke' */\nel('p', 'Se målingen');\nconst b = `#/result/${id}`;\nx.textContent = \"Klokka er ti\";";
        let found = js_literals(source);
        assert_eq!(
            found,
            vec![
                (2, "button button--big".to_string()),
                (4, "p".to_string()),
                (4, "Se målingen".to_string()),
                (5, "#/result/".to_string()),
                (6, "Klokka er ti".to_string()),
            ]
        );
        let words: Vec<bool> = found.iter().map(|(_, l)| reads_as_words(l)).collect();
        assert_eq!(words, [false, false, true, false, true]);
        for (literal, expected) in [("kl.", false), ("Sendt til tjenesten.", true), ("a b", false), ("ok", false)] {
            assert_eq!(reads_as_words(literal), expected, "{literal}");
        }
    }
}
