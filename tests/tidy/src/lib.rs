//! Tidy checks in the manner of rust-analyzer's `tidy.rs`: they read the
//! repository as text (no build of the checked crates needed) and fail with
//! a list of what is wrong. The checks themselves are in `tests/tidy.rs`;
//! this library holds the reading parts so they have tests of their own.

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
}
