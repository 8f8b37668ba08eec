//! W3C Web Annotation export and import: a lossless round trip on the sample
//! article, the model's required fields in what we write, and the real-world
//! files of the shared corpus.

use std::path::Path;

use marginote::core::annotation::{Annotation, Kind, Speaker, Stamp, Status, statistic_kind};
use marginote::core::numbers::{NumberConvention, infer_convention};
use marginote::core::store::AnnotationFile;
use marginote::core::text::Article;
use marginote::core::w3c::{self, Imported};
use serde_json::Value;

const SAMPLE: &str = include_str!("../assets/facebook-meta-nspcc-id.txt");
const SOURCE: &str = "file:///articles/facebook-meta-nspcc-id.txt";

fn stamp(author: &str, now: &str) -> Stamp {
    Stamp { author: author.into(), now: now.into() }
}

/// The byte range of the `nth` (0-based) occurrence of `needle` in `text`.
fn nth(text: &str, needle: &str, n: usize) -> std::ops::Range<usize> {
    let start = text.match_indices(needle).nth(n).unwrap_or_else(|| panic!("{needle:?} #{n} not in text")).0;
    start..start + needle.len()
}

/// An annotation over the `nth` occurrence of `needle`.
fn over(art: &Article, needle: &str, n: usize, kind: Kind, who: &Stamp) -> Annotation {
    Annotation::new(art, nth(art.text(), needle, n), kind, who)
}

/// The sample article with annotations of every kind, both speaker forms,
/// each status, notes, sources, a discontinuous span and several authors.
fn sample_file(art: &Article) -> AnnotationFile {
    let conv = infer_convention(art.text());
    assert_eq!(conv, NumberConvention::DotThousands, "the sample writes 8.000");
    let mut file = AnnotationFile::new(Path::new("facebook-meta-nspcc-id.txt"), art, conv);
    let ann = stamp("ann", "2026-11-28T10:15:00Z");
    let bob = stamp("bob", "2026-11-29T08:00:01Z");
    let text = art.text();

    let mut zuck = over(art, "Mark Zuckerberg", 1, Kind::Entity("Person".into()), &ann);
    zuck.status = Status::Verified;
    let meta = over(art, "Meta", 0, Kind::Entity("Organization".into()), &bob);
    let mut nspcc = over(art, "NSPCC", 0, Kind::Entity("Charity".into()), &ann);
    nspcc.set_note(Some("A UK children's charity.\nNot a company.".into()));
    nspcc.status = Status::Other("Checked twice".into());
    let place = over(art, "online", 0, Kind::Entity("Place".into()), &ann);
    let other = over(art, "The Sun", 0, Kind::Entity("Other".into()), &bob);
    let wanless = over(art, "Sir Peter Wanless", 0, Kind::Entity("Person".into()), &ann);

    let s = nth(text, "8.000", 0);
    let mut crimes = Annotation::new(art, s.clone(), statistic_kind(art, s, conv), &ann);
    crimes.status = Status::Disputed;
    crimes.set_source(Some("The Sun, 17/1/2022".into()));
    let mut words =
        over(art, "3.000", 0, Kind::Statistic { value: None, unit: Some("kata (words)".into()) }, &bob);
    words.status = Status::NeedsSource;
    let mut groups = over(art, "60", 0, Kind::Statistic { value: Some(60.0), unit: None }, &ann);
    groups.modified = "2026-12-01T09:30:00Z".into();

    let q1 = "\"Jika Meta tidak dapat atau tidak akan memberikan jawaban";
    let mut linked =
        over(art, q1, 0, Kind::Quote { speaker: Some(Speaker::Entity(wanless.id.to_string())) }, &ann);
    linked.set_note(Some("Said at the NSPCC.".into()));
    let q2 = "“Kami sangat menyesal atas keterlambatan dalam mengirimkan tanggapan kami.";
    let mut free = over(
        art,
        q2,
        0,
        Kind::Quote { speaker: Some(Speaker::Text("Seorang juru bicara Meta".into())) },
        &bob,
    );
    free.set_source(Some("https://www.thesun.co.uk/".into()));
    let unsaid =
        over(art, "“Kami telah berbagi lebih banyak informasi", 0, Kind::Quote { speaker: None }, &ann);

    // "eksekutif senior Nick Clegg" marked as "eksekutif … Nick Clegg", its
    // fragments listed out of order as brat files sometimes do.
    let mut clegg = over(art, "eksekutif senior Nick Clegg", 0, Kind::Entity("Person".into()), &ann);
    let start = clegg.start;
    clegg.set_fragments(vec![(start + 17, start + 27), (start, start + 9)]);
    // The user linked this Clegg to the one Zuckerberg wrote with.
    clegg.set_same_as(Some(wanless.id.to_string()));

    file.annotations =
        vec![zuck, meta, nspcc, place, other, wanless, crimes, words, groups, linked, free, unsaid, clegg];
    file
}

/// Import `json` into `art` as the file `name`.
fn import(art: &Article, json: &str, name: &str) -> Imported {
    let conv = infer_convention(art.text());
    w3c::import(art, json, Path::new(name), conv, &stamp("importer", "2030-01-01T00:00:00Z"))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn export_then_import_gives_back_every_field() {
    let art = Article::from_text(SAMPLE);
    let file = sample_file(&art);
    let json = w3c::export(&art, &file, SOURCE);
    let back = import(&art, &json, "sample.w3c.json");
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    assert_eq!(back.annotations.len(), file.annotations.len());
    for (got, want) in back.annotations.iter().zip(&file.annotations) {
        let who = &want.exact;
        assert_eq!(got.id, want.id, "id of {who}");
        assert_eq!(got.kind, want.kind, "kind of {who}");
        assert_eq!((got.start, got.end), (want.start, want.end), "offsets of {who}");
        assert_eq!(got.fragments(), want.fragments(), "fragments of {who}");
        assert_eq!(got.same_as(), want.same_as(), "same_as of {who}");
        assert_eq!(got.exact, want.exact);
        assert_eq!(got.prefix(), want.prefix(), "prefix of {who}");
        assert_eq!(got.suffix(), want.suffix(), "suffix of {who}");
        assert_eq!(got.note(), want.note(), "note of {who}");
        assert_eq!(got.source(), want.source(), "source of {who}");
        assert_eq!(got.status, want.status, "status of {who}");
        assert_eq!(got.author, want.author, "author of {who}");
        assert_eq!(got.created, want.created, "created of {who}");
        assert_eq!(got.modified, want.modified, "modified of {who}");
    }
    assert_eq!(back.annotations, file.annotations, "nothing else differs either");
    // The linked speaker points at the re-imported entity, not just at an id.
    let Kind::Quote { speaker: Some(Speaker::Entity(id)) } = &back.annotations[9].kind else {
        panic!("the first quote lost its linked speaker")
    };
    let speaker = back.annotations.iter().find(|a| &a.id == id).expect("the speaker was imported");
    assert_eq!(speaker.exact, "Sir Peter Wanless");
}

#[test]
fn a_second_round_trip_writes_the_same_json() {
    let art = Article::from_text(SAMPLE);
    let mut file = sample_file(&art);
    let first = w3c::export(&art, &file, SOURCE);
    file.annotations = import(&art, &first, "sample.w3c.json").annotations;
    assert_eq!(w3c::export(&art, &file, SOURCE), first);
}

/// The string at `key` of `v`, failing the test when it is not one.
fn string<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("{key} is not a string in {v}"))
}

/// The model's motivations (§3.3.5), which `purpose` and `motivation` use.
const MOTIVATIONS: [&str; 13] = [
    "assessing",
    "bookmarking",
    "classifying",
    "commenting",
    "describing",
    "editing",
    "highlighting",
    "identifying",
    "linking",
    "moderating",
    "questioning",
    "replying",
    "tagging",
];

/// Check one body against the model: a typed `TextualBody` with a text
/// value, or a `SpecificResource` with a source; a known purpose.
fn check_body(b: &Value) {
    assert!(MOTIVATIONS.contains(&string(b, "purpose")), "{b}");
    match string(b, "type") {
        "TextualBody" => assert!(b["value"].is_string(), "a TextualBody needs a value: {b}"),
        "SpecificResource" => assert!(string(b, "source").contains(':'), "an IRI: {b}"),
        other => panic!("unexpected body type {other}"),
    }
}

/// Check a target: the article as source, a quote and a position selector
/// with their required keys, matching the annotation.
fn check_target(t: &Value, a: &Annotation) {
    assert_eq!(string(t, "source"), SOURCE);
    let selectors = t["selector"].as_array().expect("a selector list");
    let quote = selectors.iter().find(|s| s["type"] == "TextQuoteSelector").expect("a TextQuoteSelector");
    assert_eq!(string(quote, "exact"), a.exact);
    for (key, want) in [("prefix", a.prefix()), ("suffix", a.suffix())] {
        assert_eq!(quote[key].as_str().unwrap_or_default(), want);
    }
    let pos = selectors.iter().find(|s| s["type"] == "TextPositionSelector").expect("a TextPositionSelector");
    assert_eq!((pos["start"].as_u64(), pos["end"].as_u64()), (Some(a.start as u64), Some(a.end as u64)));
}

#[test]
fn the_export_has_every_field_the_model_requires() {
    let art = Article::from_text(SAMPLE);
    let file = sample_file(&art);
    let root: Value = serde_json::from_str(&w3c::export(&art, &file, SOURCE)).unwrap();
    let context = root["@context"].as_array().expect("@context lists the anno context and our prefix");
    assert_eq!(context[0], "http://www.w3.org/ns/anno.jsonld");
    assert!(context[1]["marginote"].as_str().is_some_and(|ns| ns.contains(':')), "the prefix is declared");
    assert_eq!(string(&root, "type"), "AnnotationCollection");
    assert!(string(&root, "id").contains(':'), "the collection has an IRI");
    assert!(!string(&root, "label").is_empty());
    let page = &root["first"];
    assert_eq!(string(page, "type"), "AnnotationPage");
    assert!(string(page, "id").contains(':'), "the page has an IRI");
    let items = page["items"].as_array().expect("items");
    assert_eq!(root["total"].as_u64(), Some(items.len() as u64));
    assert_eq!(items.len(), file.annotations.len());
    for (item, a) in items.iter().zip(&file.annotations) {
        assert_eq!(string(item, "id"), format!("urn:marginote:{}", a.id));
        assert_eq!(string(item, "type"), "Annotation");
        assert_eq!(string(item, "created"), a.created);
        assert_eq!(string(item, "modified"), a.modified);
        assert_eq!(string(&item["creator"], "nickname"), a.author);
        check_target(&item["target"], a);
        let bodies = item["body"].as_array().expect("a body list");
        bodies.iter().for_each(check_body);
        let purposes: Vec<&str> = bodies.iter().map(|b| string(b, "purpose")).collect();
        let motivation: Vec<&str> = match &item["motivation"] {
            Value::String(m) => vec![m.as_str()],
            list => list.as_array().expect("motivation").iter().map(|m| m.as_str().unwrap()).collect(),
        };
        assert!(purposes.iter().all(|p| motivation.contains(p)), "{motivation:?} covers {purposes:?}");
        let tag = &bodies[0];
        assert_eq!(string(tag, "purpose"), "tagging");
        let name = match &a.kind {
            Kind::Quote { .. } => "Quote",
            Kind::Statistic { .. } => "Statistic",
            Kind::Entity(t) => t.as_str(),
        };
        assert_eq!(string(tag, "value"), name);
        // Defaults write nothing.
        let count = |purpose: &str| purposes.iter().filter(|p| **p == purpose).count();
        assert_eq!(count("commenting"), usize::from(a.note().is_some()), "note body of {}", a.exact);
        assert_eq!(
            count("assessing"),
            usize::from(a.status != Status::Unreviewed),
            "status body of {}",
            a.exact
        );
        if let Some(status) = bodies.iter().find(|b| b["purpose"] == "assessing") {
            assert_eq!(string(status, "value"), a.status.name());
        }
        assert_eq!(item["target"].get("marginote:fragments").is_some(), !a.fragments().is_empty());
    }
}

// ---------------------------------------------------------------------------
// The shared corpus: files written by other tools, for texts we do not have
// ---------------------------------------------------------------------------

/// The corpus folder, beside the repository.
fn corpus_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/w3c")
}

/// The annotations in a W3C JSON value: an array, a collection's first page,
/// a page, or one annotation.
fn annotations_in(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(list) => list.iter().collect(),
        _ if v.get("first").is_some() => annotations_in(&v["first"]),
        _ if v.get("items").is_some() => annotations_in(&v["items"]),
        _ => vec![v],
    }
}

/// A value, or the elements of an array.
fn list(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(l) => l.iter().collect(),
        Value::Null => vec![],
        other => vec![other],
    }
}

/// The first selector of `kind` in a target list, looking into `refinedBy`
/// only when `refined` is set.
fn find_selector<'a>(target: &'a Value, kind: &str, refined: bool) -> Option<&'a Value> {
    fn walk<'a>(s: &'a Value, kind: &str, refined: bool) -> Option<&'a Value> {
        if s["type"] == kind {
            return Some(s);
        }
        if !refined {
            return None;
        }
        list(&s["refinedBy"]).into_iter().find_map(|r| walk(r, kind, refined))
    }
    list(target).into_iter().flat_map(|t| list(&t["selector"])).find_map(|s| walk(s, kind, refined))
}

/// A text with every quote of `json` in it: a quote with a position is
/// written (with its prefix and suffix) so that `exact` starts at `start`; a
/// position alone is filled with `p`; a quote alone is appended after a blank
/// line. The rest is spaces, ten of them after the last painted place. Panics when two quotes disagree about a place.
fn article_for(json: &Value) -> String {
    let mut cells: Vec<Option<char>> = Vec::new();
    let mut paint = |at: usize, s: &str| {
        for (i, c) in s.chars().enumerate() {
            if cells.len() <= at + i {
                cells.resize(at + i + 1, None);
            }
            match cells[at + i] {
                Some(d) if d != c => panic!("the corpus disagrees at {}: {d:?} vs {c:?}", at + i),
                _ => cells[at + i] = Some(c),
            }
        }
    };
    let mut tail = String::new();
    for a in annotations_in(json) {
        let quote = find_selector(&a["target"], "TextQuoteSelector", true);
        let pos = find_selector(&a["target"], "TextPositionSelector", false);
        let text = |k: &str| quote.and_then(|q| q[k].as_str()).unwrap_or_default().to_owned();
        match (quote, pos) {
            (Some(_), Some(p)) => {
                let start = p["start"].as_u64().unwrap() as usize;
                let prefix = text("prefix");
                paint(
                    start - prefix.chars().count(),
                    &format!("{prefix}{}{}", text("exact"), text("suffix")),
                );
            }
            (None, Some(p)) => {
                let (start, end) =
                    (p["start"].as_u64().unwrap() as usize, p["end"].as_u64().unwrap() as usize);
                paint(start, &"p".repeat(end - start));
            }
            (Some(_), None) => {
                tail.push_str(&format!("\n\n{}{}{}", text("prefix"), text("exact"), text("suffix")))
            }
            (None, None) => {}
        }
    }
    let mut out: String = cells.into_iter().map(|c| c.unwrap_or(' ')).collect();
    out.push_str("          ");
    out.push_str(&tail);
    out.push('\n');
    out
}

/// Read a corpus file, build its article and import it.
fn import_corpus(name: &str) -> (Article, Value, Imported) {
    let json = std::fs::read_to_string(corpus_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let value: Value = serde_json::from_str(&json).unwrap();
    let art = Article::from_text(article_for(&value));
    let imported = import(&art, &json, name);
    (art, value, imported)
}

/// The warnings about the annotation with file id `id`.
fn warnings_about<'a>(imported: &'a Imported, id: &str) -> Vec<&'a String> {
    let tag = format!("({id})");
    imported.warnings.iter().filter(|w| w.contains(&tag)).collect()
}

/// (start, end, exact) of each imported annotation.
fn spans(imported: &Imported) -> Vec<(usize, usize, &str)> {
    imported.annotations.iter().map(|a| (a.start, a.end, a.exact.as_str())).collect()
}

#[test]
fn every_corpus_file_imports_into_an_article_made_for_it() {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("the shared corpus is beside the repository")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 7, "{names:?}");
    for name in &names {
        let (art, value, imported) = import_corpus(name);
        let items = annotations_in(&value);
        // Nothing is dropped silently: each annotation is imported or named in a warning.
        let skipped = imported.warnings.iter().filter(|w| w.ends_with("; skipped")).count();
        assert_eq!(imported.annotations.len() + skipped, items.len(), "{name}: {:?}", imported.warnings);
        for a in &imported.annotations {
            assert!(a.matches(&art), "{name}: {} is where it says", a.exact);
        }
    }
}

#[test]
fn recogito_js_anchors_ithaca_by_its_quote_and_skips_the_link() {
    let (art, _, imported) = import_corpus("recogito-js-annotations.w3c.json");
    assert_eq!(spans(&imported), [(124, 128, "Troy"), (646, 661, "death in battle"), (963, 969, "Ithaca")]);
    let ithaca = warnings_about(&imported, "#d7197c87-b45d-4217-9c4f-27573030448f");
    assert_eq!(ithaca.len(), 1, "{ithaca:?}");
    assert!(
        ithaca[0].ends_with("annotation 3 (#d7197c87-b45d-4217-9c4f-27573030448f): position 963–970 says \"Ithaca \" but the quote is \"Ithaca\"; anchored by the quote"),
        "{}",
        ithaca[0]
    );
    assert_eq!(&art.text()[imported.annotations[2].bytes(&art)], "Ithaca");
    let link = warnings_about(&imported, "#9ba844a7-e8ec-4127-ad12-1f7f16a240c6");
    assert_eq!(link.len(), 1);
    assert!(link[0].contains("no target has a text selector"), "{}", link[0]);
    assert!(
        link[0].contains("#ce0ed291-766b-4763-8e91-90ce1d04e706, #447d4bea"),
        "names what it links: {}",
        link[0]
    );
    assert!(link[0].ends_with("; skipped"));
    // Bodies: the comment becomes the note, the first tag the kind, the second tag joins the note.
    let troy = &imported.annotations[0];
    assert_eq!(troy.kind, Kind::Entity("A Tag".into()));
    assert_eq!(troy.note(), Some("This is a comment\n\nTags: Another Tag"));
    assert_eq!(imported.annotations[1].note(), Some("Another comment"));
    assert_eq!(imported.annotations[1].kind, Kind::Entity("Other".into()));
    assert_eq!(imported.warnings.len(), 3, "{:?}", imported.warnings);
}

#[test]
fn text_annotator_anchors_the_third_annotation_by_its_quote() {
    let (art, value, imported) = import_corpus("recogito-text-annotator-test-annotations.w3c.json");
    let items = annotations_in(&value);
    assert_eq!(imported.annotations.len(), 5);
    for (a, item) in imported.annotations.iter().zip(&items) {
        let quote = find_selector(&item["target"], "TextQuoteSelector", false).unwrap();
        assert_eq!(a.exact, quote["exact"].as_str().unwrap());
        assert_eq!(&art.text()[a.bytes(&art)], a.exact);
        assert_eq!(a.author, item["creator"]["id"].as_str().unwrap(), "creator without a name: its id");
        assert_eq!(a.created, item["created"].as_str().unwrap());
        assert_eq!(a.modified, a.created, "no modified: as created");
        assert_eq!((a.kind.clone(), a.note()), (Kind::Entity("Other".into()), None), "empty body");
    }
    let third = &imported.annotations[2];
    assert_eq!((third.start, third.end), (1408, 1408 + 165));
    assert_eq!(imported.warnings.len(), 1, "{:?}", imported.warnings);
    let w = &imported.warnings[0];
    assert!(
        w.contains("annotation 3 (45d77d69-b9c9-419e-b6f3-672222bb3a23): position 1408–1581 says"),
        "{w}"
    );
    assert!(w.ends_with("; anchored by the quote"), "{w}");
    let starts: Vec<usize> = imported.annotations.iter().map(|a| a.start).collect();
    assert_eq!(starts, [741, 982, 1408, 988, 970], "the others keep their positions");
}

#[test]
fn spec_examples_quote_position_and_refinement() {
    let (_, _, anno26) = import_corpus("w3c-web-annotation-2016-anno26.json");
    assert!(anno26.warnings.is_empty(), "{:?}", anno26.warnings);
    let a = &anno26.annotations[0];
    assert_eq!(
        (a.exact.as_str(), a.prefix().ends_with("this is an "), a.suffix().starts_with(" that has some")),
        ("anotation", true, true)
    );
    assert_eq!(a.note(), Some("http://example.org/comment1"), "an IRI body is kept as the note");

    let (art, _, anno27) = import_corpus("w3c-web-annotation-2016-anno27.json");
    assert_eq!(spans(&anno27), [(412, 795, "p".repeat(383).as_str())]);
    assert_eq!(art.chars(), 795 + 10 + 1);

    let (_, _, anno32) = import_corpus("w3c-web-annotation-2016-anno32.json");
    assert!(anno32.warnings.is_empty(), "{:?}", anno32.warnings);
    let a = &anno32.annotations[0];
    assert_eq!(a.exact, "Selected Text", "the FragmentSelector's refinement");
    assert!(a.prefix().ends_with("text before the ") && a.suffix().starts_with(" and text after it"));

    let (_, _, anno41) = import_corpus("w3c-web-annotation-2016-anno41.json");
    assert!(anno41.annotations.is_empty());
    assert_eq!(
        anno41.warnings,
        [format!(
            "w3c-web-annotation-2016-anno41.json: annotation 1 (http://example.org/anno41): its text position is \
             inside the fragment {:?}, which a plain-text article does not have; skipped",
            "xpointer(/doc/body/section[2]/para[1])"
        )]
    );
}

#[test]
fn the_spec_collection_imports_its_text_annotations_and_names_the_rest() {
    let (_, value, imported) = import_corpus("w3c-web-annotation-2016-collection1.json");
    let exacts: Vec<&str> = imported.annotations.iter().map(|a| a.exact.as_str()).collect();
    assert_eq!(exacts, ["anotation", &"p".repeat(383), "Selected Text"]);
    let kept = ["http://example.org/anno26", "http://example.org/anno27", "http://example.org/anno32"];
    for item in annotations_in(&value) {
        let id = item["id"].as_str().unwrap();
        let about = warnings_about(&imported, id);
        if kept.contains(&id) {
            assert!(about.is_empty(), "{about:?}");
        } else {
            assert_eq!(about.len(), 1, "{id}: {about:?}");
            assert!(about[0].ends_with("; skipped"), "{}", about[0]);
        }
    }
    assert_eq!(imported.warnings.len(), 41 - 3);
}

#[test]
fn invalid_json_is_an_error_naming_the_file() {
    let art = Article::from_text("text");
    let err = w3c::import(
        &art,
        "{\"type\": \"Annotation\",\n",
        Path::new("cut.json"),
        NumberConvention::default(),
        &stamp("a", "b"),
    )
    .unwrap_err();
    assert!(err.starts_with("cut.json:2:"), "{err}");
}
