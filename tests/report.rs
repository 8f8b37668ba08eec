//! Reports of the bundled sample: CSV and Markdown snapshots (insta), the
//! CSV read back with a small RFC 4180 reader, and the Markdown's structure.

use std::path::Path;

use marginote::core::annotation::{Annotation, Kind, Speaker, Stamp, Status};
use marginote::core::document::Document;
use marginote::core::numbers::infer_convention;
use marginote::core::report::{CSV_COLUMNS, csv, markdown, sentence_around};
use marginote::core::store::AnnotationFile;
use marginote::core::suggest::suggest;
use marginote::core::text::Article;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/facebook-meta-nspcc-id.txt");

/// A note with everything that needs quoting in CSV and escaping in Markdown.
const AWKWARD_NOTE: &str =
    "Checked with the NSPCC, see \"press release\" *p. 2*.\nSecond line: ask the editor";

/// The discontinuous statistic: its first piece, the words skipped, its last piece.
const PIECES: (&str, &str, &str) = ("24 anak", " dipersiapkan ", "setiap Minggu");

fn stamp() -> Stamp {
    Stamp { author: "test".into(), now: "2026-01-01T00:00:00Z".into() }
}

/// The sample annotated as a user would: every name and number suggested
/// (companies typed as organisations), then the quotes suggested with
/// their speakers linked to the names, then a few made by hand; ids are
/// `a01`, `a02`, … in the order made.
fn sample() -> (Article, AnnotationFile) {
    let path = Path::new(SAMPLE);
    let art = Article::open(path).expect("sample article");
    let conv = infer_convention(art.text());
    let mut file = AnnotationFile::new(path, &art, conv);
    let (first, gap, last) = PIECES;
    let pieces_at = art.text().find(&format!("{first}{gap}{last}")).expect("24 anak in the sample");
    let pieces = pieces_at..pieces_at + first.len() + gap.len() + last.len();

    let doc = |file: &AnnotationFile| {
        Document::from_parts(path.into(), path.into(), art.clone(), file.clone(), None)
    };
    for s in suggest(&doc(&file)) {
        let bytes = s.bytes();
        let kind = match std::sync::Arc::unwrap_or_clone(s.kind) {
            Kind::Quote { .. } => continue,
            Kind::Statistic { .. } if bytes.start < pieces.end && pieces.start < bytes.end => continue,
            Kind::Entity(_)
                if ["Meta", "Facebook", "Instagram", "WhatsApp"].contains(&&art.text()[bytes.clone()]) =>
            {
                Kind::Entity("Organization".into())
            }
            other => other,
        };
        add(&mut file, Annotation::new(&art, bytes, kind, &stamp()));
    }
    for s in suggest(&doc(&file)) {
        if matches!(*s.kind, Kind::Quote { .. }) {
            add(&mut file, Annotation::new(&art, s.bytes(), Kind::clone(&s.kind), &stamp()));
        }
    }

    let id_of = |file: &AnnotationFile, exact: &str| {
        file.annotations.iter().find(|a| a.exact == exact).map(|a| a.id.to_string()).expect("tagged")
    };
    let head = id_of(&file, "Kepala NSPCC");
    edit(&mut file, "Mark Zuckerberg", |a| a.status = Status::Verified);
    edit(&mut file, "Nick Clegg", |a| a.status = Status::Verified);
    edit(&mut file, "Meta", |a| a.set_note(Some("Facebook's parent company since 2021".into())));
    edit(&mut file, "3.000", |a| a.status = Status::Other("Checked by editor".into()));
    edit(&mut file, "dalam penyangkalan", |a| {
        a.kind = Kind::Quote { speaker: Some(Speaker::Entity(head.clone())) };
        a.status = Status::Disputed;
        a.set_note(Some("Which head? The article does not say.".into()));
    });
    edit(&mut file, "muak", |a| {
        a.kind = Kind::Quote { speaker: Some(Speaker::Text("Seorang wanita".into())) }
    });
    edit(&mut file, "Saya ingin", |a| {
        a.kind = Kind::Quote { speaker: Some(Speaker::Text("Seorang wanita".into())) }
    });
    edit(&mut file, "Jika Meta", |a| {
        a.status = Status::Verified;
        a.set_note(Some(AWKWARD_NOTE.into()));
        a.set_source(Some("https://www.nspcc.org.uk/".into()));
    });
    edit(&mut file, "Surat kami", |a| {
        a.kind = Kind::Quote { speaker: Some(Speaker::Text("Meta".into())) };
        a.status = Status::NeedsSource;
    });

    let unit = Some("anak per minggu".to_owned());
    let mut stat = Annotation::new(&art, pieces, Kind::Statistic { value: Some(24.0), unit }, &stamp());
    let skipped = first.chars().count() + gap.chars().count();
    stat.set_fragments(vec![(stat.start, stat.start + 7), (stat.start + skipped, stat.end)]);
    stat.status = Status::Verified;
    stat.set_note(Some("Per week, not in all".into()));
    add(&mut file, stat);
    (art, file)
}

/// Add `a` to the file with the next fixed id.
fn add(file: &mut AnnotationFile, mut a: Annotation) {
    a.id = format!("a{:02}", file.annotations.len() + 1).into();
    file.annotations.push(a);
}

/// Change the first annotation whose text starts with `exact`.
fn edit(file: &mut AnnotationFile, exact: &str, change: impl FnOnce(&mut Annotation)) {
    let a = file.annotations.iter_mut().find(|a| a.exact.starts_with(exact)).expect("annotated");
    change(a);
}

#[test]
fn the_sample_set_covers_what_the_reports_must_show() {
    let (_, file) = sample();
    let all = &file.annotations;
    for status in [Status::Unreviewed, Status::Verified, Status::Disputed, Status::NeedsSource] {
        assert!(all.iter().any(|a| a.status == status), "{status:?}");
    }
    assert!(all.iter().any(|a| matches!(a.status, Status::Other(_))));
    let speakers: Vec<&Speaker> = all
        .iter()
        .filter_map(|a| match &a.kind {
            Kind::Quote { speaker } => speaker.as_ref(),
            _ => None,
        })
        .collect();
    assert!(speakers.iter().any(|s| matches!(s, Speaker::Entity(_))), "a linked speaker");
    assert!(speakers.iter().any(|s| matches!(s, Speaker::Text(_))), "a free-text speaker");
    assert!(all.iter().any(|a| !a.fragments().is_empty()), "a discontinuous span");
}

#[test]
fn csv_of_the_sample() {
    let (art, file) = sample();
    insta::assert_snapshot!("csv", csv(&art, &file));
}

#[test]
fn markdown_of_the_sample() {
    let (art, file) = sample();
    insta::assert_snapshot!("markdown", markdown(&art, &file));
}

/// Records of an RFC 4180 text: fields split on commas outside quotes,
/// `""` inside quotes read as one quote, records ended by CR LF. Panics on
/// a bare LF or CR outside quotes, or text after the last record.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF after record {}", records.len());
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, '\n') => panic!("bare LF ending record {}", records.len()),
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted && record.is_empty() && field.is_empty(), "text after the last CR LF");
    records
}

#[test]
fn csv_reads_back_field_for_field() {
    let (art, file) = sample();
    let text = csv(&art, &file);
    assert!(!text.starts_with('\u{feff}'));
    let rows = parse_csv(&text);
    assert_eq!(rows.len(), file.annotations.len() + 1);
    assert_eq!(rows[0], CSV_COLUMNS);
    let col = |name: &str| CSV_COLUMNS.iter().position(|c| *c == name).unwrap();
    let mut last_start = 0;
    for row in &rows[1..] {
        assert_eq!(row.len(), CSV_COLUMNS.len(), "{row:?}");
        let a = file.annotations.iter().find(|a| a.id == row[col("id")]).expect("id of an annotation");
        assert_eq!(row[col("kind")], a.kind.name());
        assert_eq!(row[col("start")], a.start.to_string());
        assert_eq!(row[col("end")], a.end.to_string());
        assert_eq!(row[col("status")], a.status.name());
        assert_eq!(row[col("note")], a.note().unwrap_or_default());
        assert!(a.start >= last_start, "document order");
        last_start = a.start;
        if a.fragments().is_empty() {
            assert_eq!(row[col("exact")], a.exact);
            assert!(row[col("sentence")].contains(a.exact.as_str()), "{row:?}");
        }
    }
    let row_of = |exact: &str| rows.iter().find(|r| r[col("exact")].starts_with(exact)).expect("row");
    assert_eq!(row_of("Jika Meta")[col("note")], AWKWARD_NOTE);
    assert_eq!(row_of("Jika Meta")[col("speaker")], "Peter Wanless", "linked speaker by name");
    assert_eq!(row_of("muak")[col("speaker")], "Seorang wanita");
    let (first, _, last) = PIECES;
    let pieces = row_of(first);
    assert_eq!(pieces[col("exact")], format!("{first} {last}"));
    assert_eq!((pieces[col("value")].as_str(), pieces[col("unit")].as_str()), ("24", "anak per minggu"));
    assert_eq!(row_of("Meta")[col("type")], "Organization");
}

#[test]
fn csv_quotes_only_the_fields_that_need_it() {
    let (art, file) = sample();
    let text = csv(&art, &file);
    let header = CSV_COLUMNS.join(",") + "\r\n";
    assert!(text.starts_with(&header), "{}", &text[..200]);
    assert!(text.contains(
        ",\"Checked with the NSPCC, see \"\"press release\"\" *p. 2*.\nSecond line: ask the editor\","
    ));
    assert!(text.contains(",Seorang wanita,"), "no quotes around a plain field");
}

#[test]
fn markdown_groups_quotes_by_speaker_and_counts_everything() {
    let (art, file) = sample();
    let md = markdown(&art, &file);
    let count = |kind: &str| file.annotations.iter().filter(|a| a.kind.name() == kind).count();
    let summary = format!(
        "{} annotations: {} quotes, {} entities, {} statistics; ",
        file.annotations.len(),
        count("quote"),
        count("entity"),
        count("statistic")
    );
    assert!(md.contains(&summary), "{summary}\n{md}");
    let section = |name: &str| {
        let from = md.find(&format!("## {name}\n")).expect("section");
        let rest = &md[from + 3..];
        &rest[..rest.find("\n## ").unwrap_or(rest.len())]
    };
    let quotes = section("Quotes");
    let headings: Vec<&str> = quotes.lines().filter_map(|l| l.strip_prefix("### ")).collect();
    assert_eq!(headings.last(), Some(&"Unattributed"));
    let mut sorted = headings.clone();
    sorted.dedup();
    assert_eq!(sorted.len(), headings.len(), "one heading per speaker");
    let meta = &quotes[quotes.find("### Meta\n").expect("Meta speaks")..];
    let meta = &meta[..meta[4..].find("### ").map_or(meta.len(), |i| i + 4)];
    assert_eq!(meta.matches("\nStatus: ").count(), 2, "linked and free-text Meta together:\n{meta}");
    let blockquotes = quotes.lines().filter(|l| l.starts_with("> ")).count();
    assert_eq!(blockquotes, count("quote"));
    assert!(quotes.contains("\\*p. 2\\*.\\\nSecond line"), "note escaped, its line break kept");

    let stats = section("Statistics");
    let rows: Vec<&str> = stats.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(rows.len(), count("statistic") + 2);
    for row in rows {
        assert_eq!(row.matches('|').count() - row.matches("\\|").count(), 6, "{row}");
    }
    let notes = section("Notes");
    let noted = file.annotations.iter().filter(|a| a.note().is_some()).count();
    assert_eq!(notes.lines().filter(|l| l.starts_with("- ")).count(), noted);
}

#[test]
fn markdown_index_counts_names_case_insensitively() {
    let (art, file) = sample();
    let md = markdown(&art, &file);
    let meta = file.annotations.iter().filter(|a| a.exact.to_lowercase() == "meta").count();
    assert!(meta > 1);
    assert!(md.contains(&format!("\n- Meta ({meta})\n")), "{md}");
}

#[test]
fn markdown_escapes_article_text_and_says_none_for_empty_sections() {
    let text = "# Judul *penting*\n\n> Kata [dia](x) _pelan_ <b>\n";
    let art = Article::from_text(text);
    let mut file = AnnotationFile::new(Path::new("a_b.txt"), &art, infer_convention(text));
    let md = markdown(&art, &file);
    assert!(
        md.starts_with("# Annotations of a\\_b.txt\n\n0 annotations: 0 quotes, 0 entities, 0 statistics.\n")
    );
    assert_eq!(md.matches("\nNone.\n").count(), 4, "{md}");

    let at = text.find("Kata").unwrap();
    let quote = Annotation::new(&art, at..text.len() - 1, Kind::Quote { speaker: None }, &stamp());
    let heading = Annotation::new(&art, 0..text.find('\n').unwrap(), Kind::Entity("Other".into()), &stamp());
    file.annotations = vec![quote, heading];
    let md = markdown(&art, &file);
    assert!(md.contains("\n> Kata \\[dia\\](x) \\_pelan\\_ \\<b>\n"), "{md}");
    assert!(md.contains("\n- \\# Judul \\*penting\\* (1)\n"), "{md}");
    assert_eq!(md.matches("\nNone.\n").count(), 2, "statistics and notes: {md}");
}

#[test]
fn sentence_around_finds_indonesian_sentences_in_the_sample() {
    let art = Article::open(Path::new(SAMPLE)).unwrap();
    let at = art.text().find("24 anak").unwrap();
    let s = sentence_around(&art, at..at + 7);
    assert_eq!(
        &art.text()[s],
        "Para juru kampanye khawatir 24 anak dipersiapkan setiap Minggu di situs milik raksasa teknologi Meta."
    );
}
