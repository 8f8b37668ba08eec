//! `marginote check` on the command line: findings with file, line, column,
//! rule and quote; exit codes 0, 1 and 2; the schema found in a parent
//! folder, its rules and its errors; orphans after the article changed.
//!
//! Every test builds a course folder in a temp dir from the fixtures in
//! `tests/fixtures/check/` (`course/marginote.ron`, `course/week1/report.txt`)
//! and writes the annotation file through the public API.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use marginote::core::annotation::{Annotation, Kind, Speaker, Stamp, Status};
use marginote::core::document::Document;
use marginote::core::text::Article;

/// Where the article sits, relative to the temp dir the binary runs in.
const ARTICLE: &str = "course/week1/report.txt";

/// A fixture file's path.
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check").join(name)
}

/// `marginote check ARGS…` run in `dir`.
fn check(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marginote")).current_dir(dir).arg("check").args(args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A course in `dir`: the article in `course/week1/` and the schema fixture
/// `schema` copied to `course/marginote.ron`, two folders up from it.
fn course(dir: &Path, schema: &str) -> PathBuf {
    std::fs::create_dir_all(dir.join("course/week1")).unwrap();
    std::fs::copy(fixture(schema), dir.join("course/marginote.ron")).unwrap();
    let article = dir.join(ARTICLE);
    std::fs::copy(fixture("report.txt"), &article).unwrap();
    article
}

/// An annotation of `kind` over the first `needle` in `art`.
fn tag(art: &Article, needle: &str, kind: Kind) -> Annotation {
    let s = art.text().find(needle).unwrap_or_else(|| panic!("{needle} is not in the article"));
    let stamp = Stamp { author: "t".into(), now: "2026-11-28T10:15:00Z".into() };
    Annotation::new(art, s..s + needle.len(), kind, &stamp)
}

/// Save `make`'s annotations for the article at `article`.
fn annotate(article: &Path, make: impl FnOnce(&Article) -> Vec<Annotation>) {
    let mut doc = Document::open(article).unwrap();
    let list = make(&doc.article);
    doc.change(|f| f.annotations.extend(list));
    doc.save().unwrap();
}

/// The report annotated as a careful student would: every quote has a
/// speaker, every statistic is verified or sourced, every type is known.
fn careful(art: &Article) -> Vec<Annotation> {
    let ana = tag(art, "Ana Lopez", Kind::Entity("Person".into()));
    let said = tag(
        art,
        "we will not raise taxes",
        Kind::Quote { speaker: Some(Speaker::Entity(ana.id.to_string())) },
    );
    let mut count =
        tag(art, "8,000", Kind::Statistic { value: Some(8000.0), unit: Some("complaints".into()) });
    count.status = Status::Verified;
    let mut share = tag(art, "12 percent", Kind::Statistic { value: Some(12.0), unit: Some("%".into()) });
    share.set_source(Some("council minutes, p. 4".into()));
    let resident = tag(
        art,
        "\"This is a disaster,\"",
        Kind::Quote { speaker: Some(Speaker::Text("a resident".into())) },
    );
    let mut law = tag(art, "Clean Air Act", Kind::Entity("Law".into()));
    law.status = Status::Other("Checked by desk".into());
    vec![ana, said, count, share, resident, law]
}

/// The report annotated with one problem per rule of the course schema.
fn careless(art: &Article) -> Vec<Annotation> {
    let mut ana = tag(art, "Ana Lopez", Kind::Entity("Person".into()));
    ana.status = Status::Disputed;
    let mayor = tag(art, "Mayor", Kind::Entity("Title".into()));
    let share = tag(art, "12 percent", Kind::Statistic { value: Some(12.0), unit: Some("%".into()) });
    let resident = tag(art, "\"This is a disaster,\"", Kind::Quote { speaker: None });
    vec![ana, mayor, share, resident]
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                files.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn no_problems_exit_0_and_an_article_without_annotations_has_none() {
    let dir = tempfile::tempdir().unwrap();
    annotate(&course(dir.path(), "marginote.ron"), careful);
    std::fs::copy(fixture("report.txt"), dir.path().join("course/week1/unannotated.txt")).unwrap();
    let out = check(dir.path(), &[ARTICLE, "course/week1/unannotated.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "marginote: no problems in 2 articles\n");
}

#[test]
fn problems_are_printed_as_file_line_column_message_rule_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    annotate(&course(dir.path(), "marginote.ron"), careless);
    std::fs::copy(fixture("report.txt"), dir.path().join("course/week1/unannotated.txt")).unwrap();
    let before = snapshot(dir.path());
    let out = check(dir.path(), &[ARTICLE, "course/week1/unannotated.txt"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).lines().collect::<Vec<_>>(),
        [
            "course/week1/report.txt:3:1: entity \"Mayor\" has the type \"Title\", which the schema does not list [entity-type-known]",
            "course/week1/report.txt:3:7: entity \"Ana Lopez\" is Disputed without a note saying why [disputed-needs-note]",
            "course/week1/report.txt:4:52: statistic \"12 percent\" is neither Verified nor given a source (status: Unreviewed) [statistic-needs-verified-or-source]",
            "course/week1/report.txt:5:1: quote \"\"This is a disaster,\"\" has no speaker [quote-needs-speaker]",
        ]
    );
    assert_eq!(stderr(&out), "marginote: 4 problems in 1 of 2 articles\n");
    assert_eq!(snapshot(dir.path()), before, "check writes nothing");
}

#[test]
fn a_schema_in_a_parent_folder_can_turn_a_rule_off() {
    let dir = tempfile::tempdir().unwrap();
    annotate(&course(dir.path(), "lenient.ron"), careless);
    let out = check(dir.path(), &[ARTICLE]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let rules: Vec<&str> =
        text.lines().map(|l| l.rsplit_once(" [").unwrap().1.trim_end_matches(']')).collect();
    // No quote-needs-speaker (turned off), nor the course's stricter rules
    // (this schema does not turn them on): only the statistic is left.
    assert_eq!(rules, ["statistic-needs-verified-or-source"]);
    // A schema higher up that sets no rules: the built-in ones, so the quote counts again.
    std::fs::remove_file(dir.path().join("course/marginote.ron")).unwrap();
    std::fs::write(dir.path().join("marginote.ron"), "()").unwrap();
    let out = check(dir.path(), &[ARTICLE]);
    assert_eq!(stdout(&out).lines().count(), 2, "{}", stdout(&out));
    assert!(stdout(&out).contains("[quote-needs-speaker]"), "{}", stdout(&out));
}

#[test]
fn a_typo_in_the_schema_is_reported_once_with_line_and_column_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    annotate(&course(dir.path(), "typo.ron"), careless);
    std::fs::copy(fixture("report.txt"), dir.path().join("course/week1/other.txt")).unwrap();
    let out = check(dir.path(), &[ARTICLE, "course/week1/other.txt"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "an article whose schema cannot be read is not checked");
    let schema = std::fs::canonicalize(dir.path().join("course/marginote.ron")).unwrap();
    let err = stderr(&out);
    let expected = format!("marginote: {}:5:9: Unexpected field named `orphans_allowed`", schema.display());
    assert!(err.starts_with(&expected), "{err}");
    assert_eq!(err.matches("orphans_allowed").count(), 1, "one schema, one error: {err}");
    assert!(err.ends_with("marginote: no problems in 2 articles; 2 could not be checked\n"), "{err}");
}

#[test]
fn a_bad_annotation_file_exits_2_and_the_other_articles_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    annotate(&course(dir.path(), "marginote.ron"), careless);
    let broken = dir.path().join("course/week1/broken.txt");
    std::fs::copy(fixture("report.txt"), &broken).unwrap();
    std::fs::write(
        dir.path().join("course/week1/broken.txt.annotations.ron"),
        "(\n  version: 1,\n  article: oops,\n)",
    )
    .unwrap();
    let out = check(dir.path(), &["course/week1/broken.txt", ARTICLE, "course/week1/missing.txt"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stdout(&out).lines().count(), 4, "the good article was checked: {}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("marginote: course/week1/broken.txt.annotations.ron:3:12: "), "{err}");
    assert!(err.contains("marginote: course/week1/missing.txt: No such file"), "{err}");
    assert!(err.ends_with("marginote: 4 problems in 1 of 3 articles; 2 could not be checked\n"), "{err}");
}

#[test]
fn after_the_article_changed_problems_are_where_the_text_is_now_and_orphans_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let article = course(dir.path(), "marginote.ron");
    annotate(&article, |art| {
        let resident = tag(art, "\"This is a disaster,\"", Kind::Quote { speaker: None });
        let law = tag(art, "Clean Air Act", Kind::Entity("Law".into()));
        vec![resident, law]
    });
    let text = std::fs::read_to_string(fixture("report.txt")).unwrap();
    std::fs::write(&article, format!("UPDATED\n\n{}", text.replace("Clean Air Act", "xyz"))).unwrap();
    let out = check(dir.path(), &[ARTICLE]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).lines().collect::<Vec<_>>(),
        [
            // The quote moved down two lines; the law's text is gone, and its
            // old offset now falls on the line before its old line.
            "course/week1/report.txt:7:1: quote \"\"This is a disaster,\"\" has no speaker [quote-needs-speaker]",
            "course/week1/report.txt:7:1: entity \"Clean Air Act\" is orphaned: its text is no longer in the article [no-orphans]",
        ]
    );
}

#[test]
fn json_lists_every_finding_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    annotate(&course(dir.path(), "marginote.ron"), careless);
    let out = check(dir.path(), &["--json", ARTICLE]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = json.as_array().unwrap();
    assert_eq!(found.len(), 4);
    let share = &found[2];
    assert_eq!(share["article"], ARTICLE);
    assert_eq!((share["line"].as_u64(), share["column"].as_u64()), (Some(4), Some(52)));
    assert_eq!(share["rule"], "statistic-needs-verified-or-source");
    assert_eq!(share["exact"], "12 percent");
    assert!(share["message"].as_str().unwrap().starts_with("statistic \"12 percent\""), "{share}");
    assert_eq!(share["id"].as_str().map(str::len), Some(26), "a ULID");
    let none = check(dir.path(), &["--json", "course/week1/missing.txt"]);
    assert_eq!(none.status.code(), Some(2));
    assert_eq!(stdout(&none).trim(), "[]", "still an array");
}

#[test]
fn check_needs_an_article_and_has_help() {
    let dir = tempfile::tempdir().unwrap();
    let out = check(dir.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("<ARTICLES>..."), "{}", stderr(&out));
    let help = check(dir.path(), &["--help"]);
    assert!(help.status.success());
    assert!(stdout(&help).contains("marginote.ron") && stdout(&help).contains("--json"), "{}", stdout(&help));
}
