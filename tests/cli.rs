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

fn corpus(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus").join(path)
}

/// A brat pair copied into `dir`: the article's path and the .ann's.
fn brat_pair(dir: &Path, name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let (txt, ann) = (dir.join(format!("{name}.txt")), dir.join(format!("{name}.ann")));
    std::fs::copy(corpus(&format!("brat/{name}.txt")), &txt).unwrap();
    std::fs::copy(corpus(&format!("brat/{name}.ann")), &ann).unwrap();
    (txt, ann)
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn import_refuses_to_clobber_then_merges_and_export_gives_the_file_back() {
    let dir = tempfile::tempdir().unwrap();
    let (txt, ann) = brat_pair(dir.path(), "brat-tutorial-news-000-introduction");
    let (txt_s, ann_s) = (txt.to_str().unwrap(), ann.to_str().unwrap());
    let out = marginote(&["import", txt_s, ann_s]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("imported 7 annotations"), "{}", stderr(&out));
    let ron_path = dir.path().join("brat-tutorial-news-000-introduction.txt.annotations.ron");
    let saved = std::fs::read(&ron_path).unwrap();

    let again = marginote(&["import", txt_s, ann_s]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already has 7 annotations; nothing was written"), "{}", stderr(&again));
    assert_eq!(std::fs::read(&ron_path).unwrap(), saved, "the refused import wrote nothing");

    let merged = marginote(&["import", txt_s, ann_s, "--merge"]);
    assert!(merged.status.success(), "{}", stderr(&merged));
    assert!(
        stderr(&merged).contains("imported 0 annotations")
            && stderr(&merged).contains("7 were already there")
    );

    let exported = dir.path().join("out.ann");
    let out = marginote(&["export", txt_s, "-o", exported.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&exported).unwrap();
    let art = marginote::core::text::Article::open(&txt).unwrap();
    assert_eq!(marginote::core::brat::problems(&art, &text), vec![]);
    let count = |s: &str, p: char| s.lines().filter(|l| l.starts_with(p)).count();
    let original = std::fs::read_to_string(&ann).unwrap();
    for p in ['T', 'E', 'R', 'A', 'N', '#'] {
        assert_eq!(count(&text, p), count(&original, p), "{p} lines after import, merge and export:\n{text}");
    }
}

#[test]
fn import_reports_bad_lines_with_file_and_line_and_imports_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("ell.txt");
    std::fs::copy(corpus("brat-edge/ell.txt"), &txt).unwrap();
    let ann = dir.path().join("ell.ann");
    let edge = std::fs::read_to_string(corpus("brat-edge/ell.ann")).unwrap();
    std::fs::write(&ann, format!("{edge}garbage without a tab\n")).unwrap();
    let out = marginote(&["import", txt.to_str().unwrap(), ann.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let ann_s = ann.display().to_string();
    assert!(
        err.contains(&format!("{ann_s}:1: T1: the text column \"Breast [...] Cancers\" does not match")),
        "{err}"
    );
    assert!(err.contains(&format!("{ann_s}:3: no tab after the id")), "{err}");
    assert!(err.contains("imported 2 annotations") && err.contains("2 warnings above"), "{err}");
}

#[test]
fn export_and_import_say_what_is_wrong_and_touch_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (txt, ann) = brat_pair(dir.path(), "conll2002-esp.train-doc-46");
    let txt_s = txt.to_str().unwrap();
    let before = listing(dir.path());
    let no_format = marginote(&["export", txt_s]);
    assert_eq!(no_format.status.code(), Some(1));
    assert!(stderr(&no_format).contains("--format brat|w3c|csv|markdown|json"), "{}", stderr(&no_format));
    let onto_article = marginote(&["export", txt_s, "--format", "brat", "-o", txt_s]);
    assert!(stderr(&onto_article).contains("will not overwrite the article"), "{}", stderr(&onto_article));
    let unknown = dir.path().join("x.xml");
    std::fs::write(&unknown, "<x/>").unwrap();
    let what = marginote(&["import", txt_s, unknown.to_str().unwrap()]);
    assert!(stderr(&what).contains("say which format with --format brat|w3c"), "{}", stderr(&what));
    std::fs::remove_file(&unknown).unwrap();
    let missing = marginote(&["import", txt_s, dir.path().join("nope.ann").to_str().unwrap()]);
    assert!(stderr(&missing).contains("nope.ann: No such file"), "{}", stderr(&missing));
    let bad_flag = marginote(&["export", txt_s, "--format", "docx"]);
    assert_eq!(bad_flag.status.code(), Some(2));
    assert!(stderr(&bad_flag).contains("invalid value 'docx'"), "{}", stderr(&bad_flag));
    assert_eq!(listing(dir.path()), before);
    // An annotation file that does not parse is never written over.
    let ron_path = dir.path().join("conll2002-esp.train-doc-46.txt.annotations.ron");
    std::fs::write(&ron_path, "(version: 1, oops").unwrap();
    let out = marginote(&["import", txt_s, ann.to_str().unwrap(), "--merge"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("annotations.ron:1:"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&ron_path).unwrap(), b"(version: 1, oops");
}

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in
        [("bash", "complete -F"), ("zsh", "#compdef marginote"), ("fish", "complete -c marginote")]
    {
        let out = marginote(&["completions", shell]);
        assert!(out.status.success());
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains(marker), "{shell}");
        assert!(
            script.contains("export") && script.contains("import"),
            "{shell}: the subcommands are completed"
        );
    }
}

#[test]
fn every_export_format_and_a_w3c_round_trip_through_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let (txt, ann) = brat_pair(dir.path(), "conll2002-esp.train-doc-46");
    let txt_s = txt.to_str().unwrap();
    assert!(marginote(&["import", txt_s, ann.to_str().unwrap()]).status.success());
    let t_lines = std::fs::read_to_string(&ann).unwrap().lines().filter(|l| l.starts_with('T')).count();
    let export = |format: &str| {
        let out = marginote(&["export", txt_s, "--format", format]);
        assert!(out.status.success(), "{format}: {}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let csv = export("csv");
    assert!(csv.starts_with("kind,type,exact,start,end,status,note,speaker,sentence"), "{csv}");
    assert_eq!(csv.matches("\r\n").count(), t_lines + 1, "a header and one row per annotation");
    let md = export("markdown");
    assert!(md.starts_with("# Annotations of conll2002-esp.train-doc-46.txt\n"), "{md}");
    assert!(md.contains(&format!("{t_lines} annotations")), "{md}");
    let json: serde_json::Value = serde_json::from_str(&export("json")).unwrap();
    assert_eq!(json.as_array().unwrap().len(), t_lines);
    let w3c = export("w3c");
    let value: serde_json::Value = serde_json::from_str(&w3c).unwrap();
    assert_eq!(value["type"], "AnnotationCollection");
    assert_eq!(value["total"], t_lines);
    // Into a copy of the article, through a file named .jsonld.
    let copy = dir.path().join("copy.txt");
    std::fs::copy(&txt, &copy).unwrap();
    let jsonld = dir.path().join("out.jsonld");
    assert!(marginote(&["export", txt_s, "-o", jsonld.to_str().unwrap()]).status.success());
    let out = marginote(&["import", copy.to_str().unwrap(), jsonld.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let again =
        String::from_utf8(marginote(&["export", copy.to_str().unwrap(), "--format", "csv"]).stdout).unwrap();
    assert_eq!(again.lines().count(), csv.lines().count());
    let cols = |s: &str| s.lines().map(|l| l.rsplit_once(',').unwrap().0.to_owned()).collect::<Vec<_>>();
    assert_eq!(cols(&again), cols(&csv), "the same rows but for the id column");
}
