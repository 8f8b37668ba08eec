//! The command line: `list` output and its promise never to write.

use std::path::Path;
use std::process::Command;

const SAMPLE: &str = include_str!("../assets/facebook-meta-nspcc-id.txt");

fn marginote(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_marginote")).args(args).output().unwrap()
}

fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    v.sort();
    v
}

/// An article with three annotations made on it, then edited.
fn annotated_then_edited(dir: &Path) -> std::path::PathBuf {
    use marginote::core::annotation::{Annotation, Kind, Stamp};
    use marginote::core::document::Document;
    let article = dir.join("a.txt");
    std::fs::write(&article, SAMPLE).unwrap();
    let mut doc = Document::open(&article).unwrap();
    let stamp = Stamp { author: "t".into(), now: "2026-11-28T10:15:00Z".into() };
    let art = doc.article.clone();
    for (needle, kind) in
        [("Mark Zuckerberg", "Person"), ("Nick Clegg", "Person"), ("dalam penyangkalan", "Other")]
    {
        let s = SAMPLE.find(needle).unwrap();
        let a = Annotation::new(&art, s..s + needle.len(), Kind::Entity(kind.into()), &stamp);
        doc.change(|f| f.annotations.push(a));
    }
    doc.save().unwrap();
    let edited = format!(
        "Baru.\n\n{}",
        SAMPLE.replace("Nick Clegg", "Nicholas Clegg").replace("dalam penyangkalan", "xyz")
    );
    std::fs::write(&article, edited).unwrap();
    article
}

#[test]
fn list_json_reports_anchor_states_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let article = annotated_then_edited(dir.path());
    let before = listing(dir.path());
    let out = marginote(&["list", article.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let states: Vec<(&str, &str)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["exact"].as_str().unwrap(), r["anchor"].as_str().unwrap()))
        .collect();
    assert_eq!(
        states,
        [("Mark Zuckerberg", "moved"), ("Nick Clegg", "fuzzy"), ("dalam penyangkalan", "orphaned")]
    );
    let fuzzy = &json[1];
    assert!(fuzzy["score"].as_f64().unwrap() > 0.5, "{fuzzy}");
    assert_eq!(json[0]["kind"], "entity");
    assert_eq!(json[0]["type"], "Person");
    assert_eq!(listing(dir.path()), before, "list wrote nothing");
}

#[test]
fn list_of_an_unchanged_article_is_exact_and_bad_files_name_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a.txt");
    std::fs::write(&article, SAMPLE).unwrap();
    let out = marginote(&["list", article.to_str().unwrap(), "--json"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
    std::fs::write(dir.path().join("a.txt.annotations.ron"), "(\n  version: 1,\n  article: oops,\n)")
        .unwrap();
    let out = marginote(&["list", article.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("a.txt.annotations.ron:3:12:"), "{err}");
    let out = marginote(&["list", dir.path().to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a directory"));
}

#[test]
fn suggest_json_has_the_list_fields_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a.txt");
    std::fs::write(&article, SAMPLE).unwrap();
    let before = listing(dir.path());
    let out = marginote(&["suggest", article.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(listing(dir.path()), before, "suggest writes nothing");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = json.as_array().unwrap();
    let find = |exact: &str| items.iter().find(|i| i["exact"] == exact).unwrap_or_else(|| panic!("{exact}"));
    let stat = find("8.000");
    assert_eq!(
        (stat["kind"].as_str(), stat["value"].as_f64(), stat["unit"].as_str()),
        (Some("statistic"), Some(8000.0), Some("Kejahatan"))
    );
    let name = find("Mark Zuckerberg");
    assert_eq!((name["kind"].as_str(), name["type"].as_str()), (Some("entity"), Some("Person")));
    let quote = find("dalam penyangkalan");
    assert_eq!(quote["kind"], "quote");
    assert!(quote["speaker"].is_null());
    for field in ["kind", "type", "start", "end", "exact", "value", "unit", "speaker"] {
        assert!(items.iter().all(|i| i.get(field).is_some()), "every item has {field}");
    }
    // Offsets are code points, like list's.
    let chars: Vec<char> = SAMPLE.chars().collect();
    let (s, e) = (stat["start"].as_u64().unwrap() as usize, stat["end"].as_u64().unwrap() as usize);
    assert_eq!(chars[s..e].iter().collect::<String>(), "8.000");
}
