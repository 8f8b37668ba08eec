//! `marginote check`: every annotation that breaks the rules of the
//! article's [`Schema`], with where it is in the article now.
//!
//! A finding is printed like a compiler's message, so editors and CI jump to
//! it:
//!
//! ```text
//! report.txt:12:5: quote "Kami tidak setuju" has no speaker [quote-needs-speaker]
//! ```
//!
//! Lines and columns are 1-based; columns count code points. When the
//! article changed since it was annotated, an annotation is reported where
//! it is found now; an orphaned one (its text is gone) on the line its old
//! offset falls on, or line 1 when the article is now shorter than that.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::anchor::Placement;
use super::annotation::{Annotation, Kind, Speaker, Status};
use super::document::Document;
use super::schema::Schema;
use super::text::Article;

/// A quote must name its speaker.
pub const QUOTE_NEEDS_SPEAKER: &str = "quote-needs-speaker";
/// A statistic must be `Verified` or give a source.
pub const STATISTIC_NEEDS_VERIFIED_OR_SOURCE: &str = "statistic-needs-verified-or-source";
/// An annotation must still be found in the article.
pub const NO_ORPHANS: &str = "no-orphans";
/// An entity's type must be one of the schema's.
pub const ENTITY_TYPE_KNOWN: &str = "entity-type-known";
/// A status must be built in or one of the schema's.
pub const STATUS_KNOWN: &str = "status-known";
/// A disputed annotation must have a note.
pub const DISPUTED_NEEDS_NOTE: &str = "disputed-needs-note";

/// Longest quote in a message, in code points (longer ones end in `…`).
const QUOTE_MAX: usize = 60;

/// One annotation breaking one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The article, as the caller named it.
    #[serde(serialize_with = "lossy_path")]
    pub article: PathBuf,
    /// 1-based line in the article where the annotation starts now.
    pub line: usize,
    /// 1-based column there, in code points.
    pub column: usize,
    /// The rule's name, e.g. `"quote-needs-speaker"`.
    pub rule: &'static str,
    /// The annotation's id.
    pub id: String,
    /// The annotated text, whole.
    pub exact: String,
    /// What is wrong, quoting the text (shortened).
    pub message: String,
}

impl fmt::Display for Finding {
    /// `report.txt:12:5: quote "…" has no speaker [quote-needs-speaker]`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {} [{}]",
            self.article.display(),
            self.line,
            self.column,
            self.message,
            self.rule
        )
    }
}

/// Serialize a path as a string, replacing what is not UTF-8.
fn lossy_path<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}

/// Every rule `doc`'s annotations break under `schema`, in document order
/// (by where they are in the article now; an annotation's findings in the
/// order of the rules). A document whose annotation file could not be read
/// (`load_error`) has no annotations, hence no findings: check that first.
pub fn check(doc: &Document, schema: &Schema) -> Vec<Finding> {
    let placements = doc.reanchor();
    let all = doc.annotations();
    let mut found = Vec::new();
    for (i, a) in all.iter().enumerate() {
        let placement = placements.as_ref().and_then(|p| p.get(i));
        let (line, column) = position(&doc.article, a, placement);
        for (rule, message) in broken(a, all, placement, schema) {
            found.push(Finding {
                article: doc.path.clone(),
                line,
                column,
                rule,
                id: a.id.to_string(),
                exact: a.exact.to_string(),
                message,
            });
        }
    }
    found.sort_by_key(|f| (f.line, f.column));
    found
}

/// Check the article at `path` under the schema found for it: the findings,
/// or why the schema, the article or its annotation file could not be read
/// (`path:line:column: message` where there is a position). An article
/// without an annotation file has no findings.
pub fn check_file(path: &Path) -> Result<Vec<Finding>, String> {
    let (schema, _) = Schema::find(path)?;
    let doc = Document::open(path)?;
    match &doc.load_error {
        Some(e) => Err(e.to_string()),
        None => Ok(check(&doc, &schema)),
    }
}

/// 1-based line and code point column where `a` starts now: at its
/// placement when the article changed; for an orphan, column 1 of the line
/// its old offset falls on (line 1 when that is past the end).
fn position(art: &Article, a: &Annotation, placement: Option<&Placement>) -> (usize, usize) {
    let byte = match placement {
        Some(Placement { bytes: Some(b), .. }) => b.start,
        Some(Placement { bytes: None, .. }) if a.start >= art.chars() => return (1, 1),
        Some(Placement { bytes: None, .. }) => return (art.line_of(art.char_to_byte(a.start)) + 1, 1),
        None => art.char_to_byte(a.start),
    };
    let line = art.line_of(byte);
    let column = art.byte_to_char(byte) - art.byte_to_char(art.line_start(line)) + 1;
    (line + 1, column)
}

/// The rules `a` breaks, each with its message, in the order of the rules.
fn broken(
    a: &Annotation,
    all: &[Annotation],
    placement: Option<&Placement>,
    schema: &Schema,
) -> Vec<(&'static str, String)> {
    let rules = schema.rules;
    let what = format!("{} \"{}\"", a.kind.name(), shorten(&a.exact));
    let checks = [
        (rules.no_orphans, NO_ORPHANS, orphaned(placement)),
        (rules.quote_needs_speaker, QUOTE_NEEDS_SPEAKER, speaker_missing(a, all)),
        (rules.statistic_needs_verified_or_source, STATISTIC_NEEDS_VERIFIED_OR_SOURCE, unsourced(a)),
        (rules.entity_types_known, ENTITY_TYPE_KNOWN, unknown_type(a, schema)),
        (rules.statuses_known, STATUS_KNOWN, unknown_status(a, schema)),
        (rules.note_required_for_disputed, DISPUTED_NEEDS_NOTE, disputed_without_note(a)),
    ];
    checks
        .into_iter()
        .filter_map(|(on, rule, problem)| problem.filter(|_| on).map(|p| (rule, format!("{what} {p}"))))
        .collect()
}

/// For an annotation whose text is gone from the article.
fn orphaned(placement: Option<&Placement>) -> Option<String> {
    placement
        .is_some_and(|p| p.bytes.is_none())
        .then(|| "is orphaned: its text is no longer in the article".to_owned())
}

/// For a quote with no speaker, an empty one, or one linked to an entity
/// that is no longer annotated.
fn speaker_missing(a: &Annotation, all: &[Annotation]) -> Option<String> {
    match &a.kind {
        Kind::Quote { speaker: None } => Some("has no speaker".to_owned()),
        Kind::Quote { speaker: Some(Speaker::Text(t)) } if t.trim().is_empty() => {
            Some("has no speaker".to_owned())
        }
        Kind::Quote { speaker: Some(Speaker::Entity(id)) } if !all.iter().any(|e| &e.id == id) => {
            Some(format!("has a speaker that is no longer annotated (id {id})"))
        }
        _ => None,
    }
}

/// For a statistic neither `Verified` nor given a (non-blank) source.
fn unsourced(a: &Annotation) -> Option<String> {
    let sourced = a.source().is_some_and(|s| !s.trim().is_empty());
    (matches!(a.kind, Kind::Statistic { .. }) && a.status != Status::Verified && !sourced)
        .then(|| format!("is neither Verified nor given a source (status: {})", a.status.name()))
}

/// For an entity whose type the schema does not list.
fn unknown_type(a: &Annotation, schema: &Schema) -> Option<String> {
    let t = a.kind.entity_type()?;
    schema.entity_type(t).is_none().then(|| format!("has the type {t:?}, which the schema does not list"))
}

/// For a status that is neither built in nor the schema's.
fn unknown_status(a: &Annotation, schema: &Schema) -> Option<String> {
    (!schema.knows_status(&a.status))
        .then(|| format!("has the status {:?}, which the schema does not list", a.status.name()))
}

/// For a `Disputed` annotation without a (non-blank) note.
fn disputed_without_note(a: &Annotation) -> Option<String> {
    let noted = a.note().is_some_and(|n| !n.trim().is_empty());
    (a.status == Status::Disputed && !noted).then(|| "is Disputed without a note saying why".to_owned())
}

/// The line `marginote check` ends with: `3 problems in 2 of 5 articles`,
/// and how many could not be checked, if any.
pub fn summary(problems: usize, with_problems: usize, articles: usize, unreadable: usize) -> String {
    let mut said = match problems {
        0 => format!("no problems in {}", plural(articles, "article")),
        n => format!("{} in {with_problems} of {}", plural(n, "problem"), plural(articles, "article")),
    };
    if unreadable > 0 {
        said += &format!("; {unreadable} could not be checked");
    }
    said
}

/// `1 article`, `2 articles`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// `s` on one line (white space and control characters as single spaces),
/// at most `QUOTE_MAX` code points, ending in `…` when cut.
pub fn shorten(s: &str) -> String {
    let one_line = s.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty());
    let one_line = one_line.collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= QUOTE_MAX {
        return one_line;
    }
    one_line.chars().take(QUOTE_MAX - 1).collect::<String>() + "…"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::annotation::Stamp;
    use crate::core::numbers::NumberConvention;
    use crate::core::store::{self, AnnotationFile};

    const TEXT: &str =
        "Judul\n\nDia berkata \"kami tidak setuju\" kemarin.\nAda 8.000 kasus dan 12 persen.\n";

    /// An annotation of `kind` over the first `needle` in `art`.
    fn annotate(art: &Article, needle: &str, kind: Kind) -> Annotation {
        let s = art.text().find(needle).unwrap_or_else(|| panic!("{needle}"));
        let stamp = Stamp { author: "t".into(), now: "2026-11-28T10:15:00Z".into() };
        Annotation::new(art, s..s + needle.len(), kind, &stamp)
    }

    /// A document of `now` holding `annotations` made on `then`.
    fn doc(then: &Article, now: &str, annotations: Vec<Annotation>) -> Document {
        let path = PathBuf::from("report.txt");
        let mut file = AnnotationFile::new(&path, then, NumberConvention::DotThousands);
        file.annotations = annotations;
        Document::from_parts(
            path.clone(),
            store::annotations_path(&path),
            Article::from_text(now),
            file,
            None,
        )
    }

    fn stat() -> Kind {
        Kind::Statistic { value: None, unit: None }
    }

    fn lines(found: &[Finding]) -> Vec<String> {
        found.iter().map(Finding::to_string).collect()
    }

    #[test]
    fn the_default_rules_find_speakerless_quotes_and_unsourced_statistics() {
        let art = Article::from_text(TEXT);
        let quote = annotate(&art, "kami tidak setuju", Kind::Quote { speaker: None });
        let mut sourced = annotate(&art, "8.000", stat());
        sourced.set_source(Some("BPS 2025".into()));
        let unsourced = annotate(&art, "12 persen", stat());
        let mut verified = annotate(&art, "Ada", stat());
        verified.status = Status::Verified;
        let found = check(&doc(&art, TEXT, vec![unsourced, sourced, quote, verified]), &Schema::builtin());
        assert_eq!(
            lines(&found),
            [
                "report.txt:3:14: quote \"kami tidak setuju\" has no speaker [quote-needs-speaker]",
                "report.txt:4:21: statistic \"12 persen\" is neither Verified nor given a source \
                 (status: Unreviewed) [statistic-needs-verified-or-source]",
            ]
        );
        assert_eq!(found[0].exact, "kami tidak setuju");
    }

    #[test]
    fn a_speaker_must_be_named_and_still_annotated() {
        let art = Article::from_text(TEXT);
        let dia = annotate(&art, "Dia", Kind::Entity("Person".into()));
        let linked =
            annotate(&art, "kami", Kind::Quote { speaker: Some(Speaker::Entity(dia.id.to_string())) });
        let blank = annotate(&art, "tidak", Kind::Quote { speaker: Some(Speaker::Text(" ".into())) });
        let named = annotate(&art, "setuju", Kind::Quote { speaker: Some(Speaker::Text("Dia".into())) });
        let dangling =
            annotate(&art, "kemarin", Kind::Quote { speaker: Some(Speaker::Entity("gone".into())) });
        let found = check(&doc(&art, TEXT, vec![dia, linked, blank, named, dangling]), &Schema::builtin());
        let what: Vec<(&str, &str)> = found.iter().map(|f| (f.exact.as_str(), f.message.as_str())).collect();
        assert_eq!(
            what,
            [
                ("tidak", "quote \"tidak\" has no speaker"),
                ("kemarin", "quote \"kemarin\" has a speaker that is no longer annotated (id gone)")
            ]
        );
    }

    #[test]
    fn changed_articles_report_where_annotations_are_now_and_orphans() {
        let art = Article::from_text(TEXT);
        let quote = annotate(&art, "kami tidak setuju", Kind::Quote { speaker: None });
        let gone = annotate(&art, "12 persen", Kind::Entity("Other".into()));
        let now = format!("Baru\n\n{}", TEXT.replace("12 persen", "banyak"));
        let found = check(&doc(&art, &now, vec![quote, gone.clone()]), &Schema::builtin());
        assert_eq!(
            lines(&found),
            [
                "report.txt:5:14: quote \"kami tidak setuju\" has no speaker [quote-needs-speaker]"
                    .to_owned(),
                // Its old offset (68) now falls on line 6, the line it was on moved down.
                "report.txt:6:1: entity \"12 persen\" is orphaned: its text is no longer in the article \
                 [no-orphans]"
                    .to_owned(),
            ]
        );
        // An article now shorter than the orphan's old offset: line 1.
        let found = check(&doc(&art, "Pendek.", vec![gone]), &Schema::builtin());
        assert_eq!((found[0].line, found[0].column, found[0].rule), (1, 1, NO_ORPHANS));
    }

    #[test]
    fn the_optional_rules_apply_only_when_the_schema_turns_them_on() {
        let art = Article::from_text(TEXT);
        let mut law = annotate(&art, "Judul", Kind::Entity("Law".into()));
        law.status = Status::Other("Checkd".into());
        let mut disputed = annotate(&art, "Dia", Kind::Entity("Person".into()));
        disputed.status = Status::Disputed;
        let mut explained = annotate(&art, "kasus", Kind::Entity("Other".into()));
        explained.status = Status::Disputed;
        explained.set_note(Some("the ministry says 7.000".into()));
        let d = doc(&art, TEXT, vec![law, disputed, explained]);
        assert_eq!(check(&d, &Schema::builtin()), []);
        let mut schema = Schema::builtin();
        schema.statuses.push("Checked".into());
        schema.rules.entity_types_known = true;
        schema.rules.statuses_known = true;
        schema.rules.note_required_for_disputed = true;
        let rules: Vec<(usize, &str)> = check(&d, &schema).iter().map(|f| (f.line, f.rule)).collect();
        assert_eq!(rules, [(1, ENTITY_TYPE_KNOWN), (1, STATUS_KNOWN), (3, DISPUTED_NEEDS_NOTE)]);
    }

    #[test]
    fn rules_turned_off_find_nothing() {
        let art = Article::from_text(TEXT);
        let d = doc(
            &art,
            TEXT,
            vec![annotate(&art, "kami", Kind::Quote { speaker: None }), annotate(&art, "8.000", stat())],
        );
        assert_eq!(check(&d, &Schema::builtin()).len(), 2);
        let mut schema = Schema::builtin();
        schema.rules.quote_needs_speaker = false;
        schema.rules.statistic_needs_verified_or_source = false;
        assert_eq!(check(&d, &schema), []);
    }

    #[test]
    fn columns_count_code_points_and_long_quotes_are_shortened() {
        let text = format!("香港特首 «{}»\n", "kata ".repeat(30));
        let art = Article::from_text(text.as_str());
        let quote = annotate(&art, text.trim_end(), Kind::Quote { speaker: None });
        let far = annotate(&art, "特首", Kind::Quote { speaker: None });
        let found = check(&doc(&art, &text, vec![quote, far]), &Schema::builtin());
        assert_eq!((found[1].line, found[1].column), (1, 3), "code points, not bytes");
        let shown = found[0].message.split('"').nth(1).unwrap();
        assert_eq!(shown.chars().count(), QUOTE_MAX);
        assert!(shown.ends_with('…') && shown.starts_with("香港特首 «kata kata"), "{shown}");
        assert_eq!(shorten("a\n\tb\u{1b}c  "), "a b c");
    }

    #[test]
    fn the_summary_counts_problems_articles_and_failures() {
        assert_eq!(summary(3, 2, 5, 0), "3 problems in 2 of 5 articles");
        assert_eq!(summary(1, 1, 1, 0), "1 problem in 1 of 1 article");
        assert_eq!(summary(0, 0, 1, 0), "no problems in 1 article");
        assert_eq!(summary(0, 0, 2, 1), "no problems in 2 articles; 1 could not be checked");
    }

    #[test]
    fn findings_serialize_for_scripts() {
        let art = Article::from_text(TEXT);
        let found = check(&doc(&art, TEXT, vec![annotate(&art, "8.000", stat())]), &Schema::builtin());
        let json = serde_json::to_value(&found).unwrap();
        assert_eq!(json[0]["article"], "report.txt");
        assert_eq!((json[0]["line"].as_u64(), json[0]["column"].as_u64()), (Some(4), Some(5)));
        assert_eq!(json[0]["rule"], STATISTIC_NEEDS_VERIFIED_OR_SOURCE);
        assert_eq!(json[0]["exact"], "8.000");
        assert_eq!(json[0]["id"], found[0].id.as_str());
    }
}
