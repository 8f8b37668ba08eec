//! brat standoff against the real files in `../shared/corpus/brat/` and
//! `../shared/corpus/brat-edge/`: import, export, compare with the original
//! (same annotations, offsets and texts; ids may be renumbered), and check
//! the export against brat's rules.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use marginote::core::annotation::Stamp;
use marginote::core::brat;
use marginote::core::numbers::infer_convention;
use marginote::core::store::AnnotationFile;
use marginote::core::text::Article;

fn corpus(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus").join(folder);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ann"))
        .collect();
    out.sort();
    out
}

/// A `.ann` file as a sorted list of lines in a form that does not depend on
/// ids: T lines as type, offsets (in the order given) and the text at them;
/// other lines as their kind letter, their words with each T reference
/// replaced by that T's type and offsets, and their text column.
fn canonical(art: &Article, ann: &str) -> Vec<String> {
    let chars: Vec<char> = art.text().chars().collect();
    let mut key: HashMap<&str, String> = HashMap::new();
    let mut lines = Vec::new();
    for line in ann.lines().filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.splitn(3, '\t').collect();
        if cols[0].starts_with('T') {
            let (kind, offsets) = cols[1].split_once(' ').unwrap();
            let texts: Vec<String> = offsets
                .split(';')
                .map(|p| {
                    let (s, e) = p.trim().split_once(' ').unwrap();
                    chars[s.parse::<usize>().unwrap()..e.parse::<usize>().unwrap()].iter().collect()
                })
                .collect();
            let k = format!("{kind} {}", offsets.trim());
            lines.push(format!("T {k}\t{}", texts.join(" ").replace('\n', " ")));
            key.insert(cols[0], k);
        }
    }
    for line in ann.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('T')) {
        let cols: Vec<&str> = line.splitn(3, '\t').collect();
        let words: Vec<String> = cols[1]
            .split_whitespace()
            .map(|w| match w.split_once(':') {
                Some((role, id)) if key.contains_key(id) => format!("{role}:[{}]", key[id]),
                _ if key.contains_key(w) => format!("[{}]", key[w]),
                _ => w.to_owned(),
            })
            .collect();
        let text = cols.get(2).map_or("", |t| t.trim_end_matches('\t'));
        lines.push(format!("{}\t{}\t{text}", &cols[0][..1], words.join(" ")));
    }
    lines.sort();
    lines
}

struct RoundTrip {
    art: Article,
    original: String,
    imported: brat::Imported,
    exported: brat::Exported,
}

fn round_trip(ann_path: &Path) -> RoundTrip {
    let art = Article::open(&ann_path.with_extension("txt")).unwrap();
    let original = std::fs::read_to_string(ann_path).unwrap();
    let conv = infer_convention(art.text());
    let stamp = Stamp { author: "test".into(), now: "2026-01-01T00:00:00Z".into() };
    let imported = brat::import(&art, &original, conv, &stamp);
    let mut file = AnnotationFile::new(ann_path, &art, conv);
    file.annotations = imported.annotations.clone();
    file.standoff = imported.standoff.clone();
    // Through the RON file, as the CLI does.
    let file = AnnotationFile::from_ron(file.to_ron().as_bytes(), ann_path).unwrap();
    let exported = brat::export(&art, &file);
    RoundTrip { art, original, imported, exported }
}

#[test]
fn every_corpus_file_comes_back_equivalent_and_follows_brats_rules() {
    let files: Vec<PathBuf> = corpus("brat").into_iter().chain(corpus("brat-edge")).collect();
    assert_eq!(files.len(), 19, "16 brat pairs and 3 edge cases");
    for path in files {
        let rt = round_trip(&path);
        let name = path.file_name().unwrap().to_string_lossy();
        assert_eq!(
            canonical(&rt.art, &rt.exported.text),
            canonical(&rt.art, &rt.original),
            "{name}: the export differs from the original\n{}",
            rt.exported.text
        );
        assert_eq!(
            brat::problems(&rt.art, &rt.exported.text),
            vec![],
            "{name}: the export breaks brat's rules"
        );
        assert_eq!(rt.exported.warnings, Vec::<String>::new(), "{name}");
        let t_lines = rt.original.lines().filter(|l| l.starts_with('T')).count();
        assert_eq!(rt.imported.annotations.len(), t_lines, "{name}: every T line is an annotation");
        if name != "ell.ann" {
            assert_eq!(rt.imported.warnings, vec![], "{name}");
        }
    }
}

#[test]
fn a_text_column_joined_with_brackets_is_imported_by_offsets_with_a_warning() {
    let rt = round_trip(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/brat-edge/ell.ann"));
    assert_eq!(rt.imported.warnings.len(), 1);
    let w = &rt.imported.warnings[0];
    assert_eq!(w.line, 1);
    assert!(w.message.contains("\"Breast [...] Cancers\" does not match"), "{}", w.message);
    assert!(w.message.contains("\"Breast Cancers\""), "{}", w.message);
    let a = &rt.imported.annotations[0];
    assert_eq!(a.fragments(), [(0, 6), (19, 26)]);
    assert_eq!(a.kind, marginote::core::annotation::Kind::Entity("Disease".into()));
    assert!(rt.exported.text.starts_with("T1\tDisease 0 6;19 26\tBreast Cancers\n"), "{}", rt.exported.text);
}

#[test]
fn out_of_order_fragments_keep_their_order_and_text() {
    let rt = round_trip(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/brat/pgxcorpus-10070957_8.ann"),
    );
    let original: Vec<&str> = rt.original.lines().filter(|l| l.contains(";") && l.starts_with('T')).collect();
    assert!(!original.is_empty());
    for line in original {
        let cols: Vec<&str> = line.split('\t').collect();
        let found = rt.exported.text.lines().any(|l| l.split('\t').nth(1) == Some(cols[1]));
        assert!(found, "{line} is not in the export:\n{}", rt.exported.text);
    }
}

#[test]
fn annotator_notes_on_text_become_notes_and_notes_on_events_and_relations_are_kept() {
    let rt = round_trip(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpus/brat/brat-tutorial-news-110-note_annotation.ann"),
    );
    let noted: Vec<(&str, &str)> =
        rt.imported.annotations.iter().filter_map(|a| Some((a.exact.as_str(), a.note()?))).collect();
    assert_eq!(noted.len(), 1);
    assert_eq!(noted[0].1, "Should fictional places be annotated?");
    let kept: Vec<&str> =
        rt.imported.standoff.iter().filter(|l| l.id.starts_with('#')).map(|l| l.id.as_str()).collect();
    assert_eq!(kept, ["#2", "#3"], "the notes on E1 and R1 stay brat lines");
    // Other comment types (TDT's lemmas) are kept as they are.
    let tdt = round_trip(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/brat/tdt-finnish-wn071.ann"),
    );
    assert!(tdt.imported.annotations.iter().all(|a| a.note().is_none()));
    assert_eq!(tdt.imported.standoff.iter().filter(|l| l.id.starts_with('#')).count(), 74);
}

#[test]
fn an_equivalence_of_entities_links_them_as_the_same_one_and_comes_back() {
    let rt = round_trip(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpus/brat/bionlp-st2011-ge-PMID-10485906.ann"),
    );
    let linked: Vec<(&str, &str)> = rt
        .imported
        .annotations
        .iter()
        .filter_map(|a| {
            let target = rt.imported.annotations.iter().find(|t| Some(t.id.as_str()) == a.same_as())?;
            Some((a.exact.as_str(), target.exact.as_str()))
        })
        .collect();
    assert_eq!(linked.len(), 1, "{linked:?}");
    assert!(rt.imported.standoff.iter().all(|l| l.id != "*"), "the * line became the link");
    assert!(rt.exported.text.lines().any(|l| l.starts_with("*\tEquiv T")), "{}", rt.exported.text);
}
