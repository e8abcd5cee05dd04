//! The data inventory for the municipality's DPIA and ROS
//! (`docs/privacy.md`) is kept true by what the code keeps and sends: every
//! column of every table in the store's schema has its row there, every
//! table its section, and every resource type the FHIR writers make its
//! section under "Sent to the service". A column or a resource added
//! without saying what it holds, why and for how long fails here.

use std::{collections::BTreeSet, fs, path::PathBuf};

use heima_core::store::{Store, StoreKey};
use jiff::Timestamp;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn inventory() -> String {
    fs::read_to_string(repo().join("docs/privacy.md")).expect("docs/privacy.md")
}

/// The text of the section under `heading` (up to the next `## `).
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text.find(&format!("\n{heading}\n")).unwrap_or_else(|| panic!("no section {heading:?}"));
    let rest = &text[start + heading.len() + 2..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

/// `(table, column)` of the store's schema, as a new store is made.
fn schema_columns() -> BTreeSet<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("heima.db");
    let key = StoreKey::from_bytes([7; 32]);
    drop(Store::open(&path, &key, Timestamp::now()).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", key.to_hex())).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
        )
        .unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn every_column_the_store_keeps_is_in_the_inventory() {
    let columns = schema_columns();
    assert!(columns.len() > 50, "the schema was read: {columns:?}");
    let text = inventory();
    let kept = section(&text, "## Kept on the tablet");
    let mut missing = vec![];
    for table in columns.iter().map(|(t, _)| t).collect::<BTreeSet<_>>() {
        if !kept.contains(&format!("### Table `{table}`")) {
            missing.push(format!("section ### Table `{table}`"));
        }
    }
    for (table, column) in &columns {
        if !kept.contains(&format!("| `{table}.{column}` |")) {
            missing.push(format!("row `{table}.{column}`"));
        }
    }
    // And nothing named there that the store no longer has.
    let tables: BTreeSet<&str> = columns.iter().map(|(t, _)| t.as_str()).collect();
    for line in kept.lines().filter_map(|l| l.strip_prefix("### Table `")) {
        let table = line.trim_end_matches('`');
        if !tables.contains(table) {
            missing.push(format!("no such table: {table}"));
        }
    }
    assert!(missing.is_empty(), "docs/privacy.md and the store's schema differ:\n{}", missing.join("\n"));
}

/// The resource types the FHIR writers make: `"resourceType": "X"` in a
/// `json!` or `"resourceType".into(), json!("X")`, in `core/src/fhir`
/// (test code left out).
fn written_resource_types() -> BTreeSet<String> {
    let mut types = BTreeSet::new();
    let dir = repo().join("core/src/fhir");
    for entry in fs::read_dir(&dir).unwrap() {
        let source = fs::read_to_string(entry.unwrap().path()).unwrap();
        let code = source.split("#[cfg(test)]").next().unwrap();
        for (i, _) in code.match_indices("\"resourceType\"") {
            let after = &code[i + "\"resourceType\"".len()..];
            let after = after.trim_start_matches([':', ' ']).trim_start_matches(".into(), json!(");
            if let Some(rest) = after.strip_prefix('"') {
                let name: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
                if !name.is_empty() {
                    types.insert(name);
                }
            }
        }
    }
    types
}

#[test]
fn every_resource_the_app_sends_is_in_the_inventory() {
    let types = written_resource_types();
    for known in ["Observation", "QuestionnaireResponse", "Communication", "Bundle"] {
        assert!(types.contains(known), "the writers were read: {types:?}");
    }
    let text = inventory();
    let sent = section(&text, "## Sent to the service");
    let missing: Vec<&String> = types.iter().filter(|t| !sent.contains(&format!("### `{t}`"))).collect();
    assert!(missing.is_empty(), "resource types sent but not in docs/privacy.md: {missing:?}");
}
