//! Reports for people and spreadsheets: CSV and Markdown.
//!
//! Both are pure functions of the article and its annotation file: no I/O,
//! no clock, the same input gives the same bytes.
//!
//! - [`csv`]: one RFC 4180 record per annotation, for spreadsheets and NLP
//!   tools, with the sentence around each annotation.
//! - [`markdown`]: a report for humans: counts, quotes by speaker, an index
//!   of entities, a table of statistics and every note.
//! - [`sentence_around`]: the sentence (or sentences) holding a span, in any
//!   script, bounded in length.

use std::fmt::Write as _;
use std::ops::Range;

use super::annotation::{Annotation, ENTITY_TYPES, Kind, Status};
use super::export::speaker_name;
use super::index::{collapse, entity_groups, marked_text, speaker_groups};
use super::store::AnnotationFile;
use super::text::{Article, floor_char_boundary};

// --------------------------------------------------------------- sentences

/// Code points looked at on each side of a span for the end of its sentence.
pub const SENTENCE_REACH: usize = 400;

/// Code points a cut sentence may give up to end on a word boundary.
const WORD_SLACK: usize = 40;

/// Marks that end a sentence when white space (or the end of the text)
/// follows, possibly after closing quotes or brackets.
const TERMINATORS: &[char] =
    &['.', '!', '?', '…', '‼', '⁇', '⁈', '⁉', '؟', '۔', '।', '॥', '。', '！', '？', '｡'];

/// Full stops of scripts written without spaces: they end a sentence even
/// when text follows directly (unless a closing quote follows them).
const CJK_TERMINATORS: &[char] = &['。', '！', '？', '｡'];

/// Closing quotes and brackets that may stand between a terminator and the
/// space after it (`."`, `。」`, `?)`).
const CLOSERS: &[char] = &[
    '"', '\'', '”', '’', '“', '»', '«', '›', '‹', ')', ']', '}', '」', '』', '）', '］', '】', '〕', '〉',
    '》',
];

/// Words that end with a dot without ending the sentence (`Dr. Smith`).
const ABBREVIATIONS: &[&str] = &["Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Jl", "Tn", "Ny", "Sdr"];

/// A sentence found around a span: its byte range, and on which sides it
/// was cut short because no sentence end was found within reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte range in the text, white space trimmed.
    pub bytes: Range<usize>,
    /// The range starts inside a sentence (cut at [`SENTENCE_REACH`]).
    pub cut_start: bool,
    /// The range ends inside a sentence (cut at [`SENTENCE_REACH`]).
    pub cut_end: bool,
}

/// The byte range of the sentence holding the byte range `bytes` of `art`:
/// see [`sentence_in`].
pub fn sentence_around(art: &Article, bytes: Range<usize>) -> Range<usize> {
    sentence_in(art.text(), bytes).bytes
}

/// The sentence holding `bytes` as text, with `…` where it was cut short.
pub fn sentence_text(art: &Article, bytes: Range<usize>) -> String {
    excerpt(art.text(), &sentence_in(art.text(), bytes))
}

/// The text of `s` in `text`, with `…` on the sides where it was cut.
fn excerpt(text: &str, s: &Sentence) -> String {
    let mut out = String::new();
    if s.cut_start {
        out.push('…');
    }
    out.push_str(&text[s.bytes.clone()]);
    if s.cut_end {
        out.push('…');
    }
    out
}

/// The sentence holding `bytes` in `text`: extended left and right to the
/// nearest sentence ends (a terminator of any script followed by white
/// space, possibly after closing quotes or brackets; a CJK full stop even
/// without space), never across a blank line, white space trimmed. A span
/// over several sentences gives all of them. When no end is found within
/// [`SENTENCE_REACH`] code points, the sentence is cut there, on a word
/// boundary when one is near, so the work is bounded whatever the text.
pub fn sentence_in(text: &str, bytes: Range<usize>) -> Sentence {
    let s = floor_char_boundary(text, bytes.start);
    let e = floor_char_boundary(text, bytes.end).max(s);
    let (start, cut_start) = sentence_start(text, s);
    let (end, cut_end) = sentence_end(text, e);
    Sentence { bytes: trim(text, start..end), cut_start, cut_end }
}

/// Where the sentence holding byte `s` starts, and whether it was cut.
fn sentence_start(text: &str, s: usize) -> (usize, bool) {
    if is_end(text, s) {
        return (s, false);
    }
    for (n, (i, _)) in text[..s].char_indices().rev().enumerate() {
        if i == 0 || is_end(text, i) {
            return (i, false);
        }
        if n + 1 >= SENTENCE_REACH {
            return (word_after(text, i, s), true);
        }
    }
    (0, false)
}

/// Where the sentence holding byte `e` ends, and whether it was cut.
fn sentence_end(text: &str, e: usize) -> (usize, bool) {
    for (n, (i, _)) in text[e..].char_indices().enumerate() {
        if is_end(text, e + i) {
            return (e + i, false);
        }
        if n >= SENTENCE_REACH {
            return (word_before(text, e, e + i), true);
        }
    }
    (text.len(), false)
}

/// Just after the first white space in the first [`WORD_SLACK`] code points
/// of `from..limit`, else `from`.
fn word_after(text: &str, from: usize, limit: usize) -> usize {
    text[from..limit]
        .char_indices()
        .take(WORD_SLACK)
        .find(|(_, c)| c.is_whitespace())
        .map_or(from, |(i, c)| from + i + c.len_utf8())
}

/// The last white space in the last [`WORD_SLACK`] code points of
/// `limit..to`, else `to`.
fn word_before(text: &str, limit: usize, to: usize) -> usize {
    text[limit..to]
        .char_indices()
        .rev()
        .take(WORD_SLACK)
        .find(|(_, c)| c.is_whitespace())
        .map_or(to, |(i, _)| limit + i)
}

/// `r` without white space at either end.
fn trim(text: &str, r: Range<usize>) -> Range<usize> {
    let inner = &text[r.clone()];
    let start = r.start + (inner.len() - inner.trim_start().len());
    let end = (r.end - (inner.len() - inner.trim_end().len())).max(start);
    start..end
}

/// Whether a sentence ends at byte `p`: the end of the text, a blank line
/// starting here, a terminator (and closers) before white space, or a CJK
/// full stop before anything but a closer.
fn is_end(text: &str, p: usize) -> bool {
    let Some(next) = text[p..].chars().next() else {
        return true;
    };
    if is_paragraph_break(&text[p..]) {
        return true;
    }
    if next.is_whitespace() {
        return ends_with_terminator(&text[..p]);
    }
    !CLOSERS.contains(&next)
        && text[..p].chars().next_back().is_some_and(|c| CJK_TERMINATORS.contains(&c))
        && !inside_cjk_quote(&text[..p])
}

/// Whether the end of `before` is inside an open `「…」`, `『…』` or `“…”`
/// of its line (looking back at most [`SENTENCE_REACH`] code points): a
/// full stop there ends a sentence of the quote, not of the text.
fn inside_cjk_quote(before: &str) -> bool {
    for c in before.chars().rev().take(SENTENCE_REACH) {
        match c {
            '「' | '『' | '“' => return true,
            '」' | '』' | '”' | '\n' => return false,
            _ => {}
        }
    }
    false
}

/// Whether `rest` starts with a line break followed by a blank line (only
/// spaces, tabs and carriage returns on the way).
fn is_paragraph_break(rest: &str) -> bool {
    let mut breaks = 0;
    for b in rest.bytes() {
        match b {
            b'\n' => {
                breaks += 1;
                if breaks == 2 {
                    return true;
                }
            }
            b' ' | b'\t' | b'\r' => {}
            _ => return false,
        }
    }
    false
}

/// Whether `before` ends with a sentence terminator, possibly followed by
/// up to three closers, that is not the dot of an abbreviation or initial.
fn ends_with_terminator(before: &str) -> bool {
    let mut chars = before.char_indices().rev();
    for _ in 0..4 {
        match chars.next() {
            Some((_, c)) if CLOSERS.contains(&c) => continue,
            Some((i, '.')) => return !is_abbreviation(&before[..i]),
            Some((_, c)) => return TERMINATORS.contains(&c),
            None => return false,
        }
    }
    false
}

/// Whether `word_end` (the text before a dot) ends with an initial (`A`,
/// `e.g`) or a known abbreviation (`Dr`).
fn is_abbreviation(word_end: &str) -> bool {
    let word_start =
        word_end.char_indices().rev().find(|(_, c)| !c.is_alphabetic()).map_or(0, |(i, c)| i + c.len_utf8());
    let word = &word_end[word_start..];
    let mut chars = word.chars();
    let single = matches!((chars.next(), chars.next()), (Some(_), None));
    let before = word_end[..word_start].chars().next_back();
    (single && (word.chars().all(char::is_uppercase) || before == Some('.'))) || ABBREVIATIONS.contains(&word)
}

// ------------------------------------------------------------- annotations

/// The annotations in document order: by start, then end, then id.
fn in_order(all: &[Annotation]) -> Vec<&Annotation> {
    let mut list: Vec<&Annotation> = all.iter().collect();
    list.sort_by(|a, b| (a.start, a.end, &a.id).cmp(&(b.start, b.end, &b.id)));
    list
}

/// The sentence around `a` (with `…` where cut), or nothing when the
/// article no longer holds the annotation's text at its offsets.
fn sentence_of(art: &Article, a: &Annotation) -> String {
    if a.matches(art) { sentence_text(art, a.bytes(art)) } else { String::new() }
}

/// The speaker's display name of a quote, if it has one.
fn speaker_of(a: &Annotation, all: &[Annotation]) -> Option<String> {
    match &a.kind {
        Kind::Quote { speaker: Some(s) } => Some(speaker_name(s, all)),
        _ => None,
    }
}

// --------------------------------------------------------------------- CSV

/// The CSV columns, in order: those of the issue first, then the parsed
/// value and unit of a statistic, the source and the annotation's id.
pub const CSV_COLUMNS: [&str; 13] = [
    "kind", "type", "exact", "start", "end", "status", "note", "speaker", "sentence", "value", "unit",
    "source", "id",
];

/// All annotations as CSV (RFC 4180): a header row of [`CSV_COLUMNS`], then
/// one record per annotation in document order. Records end in CR LF (line
/// breaks inside a quoted field are kept as they are); UTF-8 without a
/// byte-order mark. Fields holding `,`, `"`, CR or LF are quoted, with
/// quotes doubled. Empty fields stand for "none". `exact` of a
/// discontinuous span is its fragments joined by one space; `speaker` is
/// the display name; `start`/`end` count code points; `sentence` is the
/// article's text around the annotation, `…` where cut short.
pub fn csv(art: &Article, file: &AnnotationFile) -> String {
    let mut out = String::new();
    push_record(&mut out, CSV_COLUMNS.iter().map(|c| (*c).to_owned()));
    for a in in_order(&file.annotations) {
        push_record(&mut out, csv_row(art, a, &file.annotations).into_iter());
    }
    out
}

/// The fields of one annotation, in the order of [`CSV_COLUMNS`].
fn csv_row(art: &Article, a: &Annotation, all: &[Annotation]) -> [String; 13] {
    let (value, unit) = match &a.kind {
        Kind::Statistic { value, unit } => (value.map(|v| v.to_string()), unit.clone()),
        _ => (None, None),
    };
    [
        a.kind.name().to_owned(),
        a.kind.entity_type().unwrap_or_default().to_owned(),
        marked_text(a),
        a.start.to_string(),
        a.end.to_string(),
        a.status.name().to_owned(),
        a.note().unwrap_or_default().to_owned(),
        speaker_of(a, all).unwrap_or_default(),
        sentence_of(art, a),
        value.unwrap_or_default(),
        unit.unwrap_or_default(),
        a.source().unwrap_or_default().to_owned(),
        a.id.to_string(),
    ]
}

/// Append one CSV record and its CR LF.
fn push_record(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if f.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&f);
        }
    }
    out.push_str("\r\n");
}

// ---------------------------------------------------------------- Markdown

/// Code points of an annotation's text shown where a note is listed.
const NOTE_CONTEXT: usize = 80;

/// A report for humans, in CommonMark with a GitHub table: a title with the
/// article's file name and the counts, then four sections, each always
/// present and saying "None." when empty:
///
/// - **Quotes** grouped by speaker (speakers in order of their first quote,
///   unattributed quotes last), each as a blockquote with its status, note
///   and source;
/// - **Entities** by type, each name once with its number of mentions (the
///   text case-folded and white space collapsed; most mentioned first, the
///   most frequent spelling shown, other spellings named);
/// - **Statistics** as a table: text, value, unit, status, sentence;
/// - **Notes**: every annotation with a note, with what it is attached to.
///
/// Text from the article and from the annotations is escaped so that it
/// shows as written (`*`, `_`, `` ` ``, `[`, `<`, a leading `#`, `>`, `-`, …).
pub fn markdown(art: &Article, file: &AnnotationFile) -> String {
    let ordered: Vec<Annotation> = in_order(&file.annotations).into_iter().cloned().collect();
    let all: Vec<&Annotation> = ordered.iter().collect();
    let mut out = String::new();
    match file.article.file.as_str() {
        "" => out.push_str("# Annotations\n\n"),
        name => {
            let _ = writeln!(out, "# Annotations of {}\n", escape(name));
        }
    }
    let _ = writeln!(out, "{}\n", summary(&all));
    quotes_section(&mut out, &ordered);
    entities_section(&mut out, &ordered);
    statistics_section(&mut out, art, &all);
    notes_section(&mut out, &all);
    out
}

/// "31 annotations: 12 quotes, 14 entities, 5 statistics; 12 verified, 19 unreviewed."
fn summary(all: &[&Annotation]) -> String {
    let of = |kind: &str| all.iter().filter(|a| a.kind.name() == kind).count();
    let mut line = format!(
        "{}: {}, {}, {}",
        plural(all.len(), "annotation", "annotations"),
        plural(of("quote"), "quote", "quotes"),
        plural(of("entity"), "entity", "entities"),
        plural(of("statistic"), "statistic", "statistics"),
    );
    let statuses: Vec<String> = status_counts(all)
        .into_iter()
        .map(|(s, n)| match s {
            Status::Other(_) => format!("{n} {}", status_label(&s)),
            _ => format!("{n} {}", status_label(&s).to_lowercase()),
        })
        .collect();
    if !statuses.is_empty() {
        let _ = write!(line, "; {}", statuses.join(", "));
    }
    line.push('.');
    line
}

/// How many annotations have each status, in the order verified, disputed,
/// needs source, other statuses by name, unreviewed; none with zero.
fn status_counts(all: &[&Annotation]) -> Vec<(Status, usize)> {
    let mut others: Vec<String> = all
        .iter()
        .filter_map(|a| match &a.status {
            Status::Other(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    others.sort();
    others.dedup();
    let order = [Status::Verified, Status::Disputed, Status::NeedsSource]
        .into_iter()
        .chain(others.into_iter().map(Status::Other))
        .chain([Status::Unreviewed]);
    order
        .map(|s| {
            let n = all.iter().filter(|a| a.status == s).count();
            (s, n)
        })
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// `1 quote`, `2 quotes`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A status for people: `Verified`, `Needs source`, a schema's own name escaped.
fn status_label(s: &Status) -> String {
    match s {
        Status::NeedsSource => "Needs source".to_owned(),
        Status::Other(name) => escape(name),
        other => other.name().to_owned(),
    }
}

/// `## Quotes`: the quotes grouped by speaker.
fn quotes_section(out: &mut String, all: &[Annotation]) {
    out.push_str("## Quotes\n\n");
    let groups = speaker_groups(all);
    if groups.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    for g in groups {
        let heading = g.name.map_or_else(|| "Unattributed".to_owned(), |n| escape(&n));
        let _ = writeln!(out, "### {heading}\n");
        for &q in &g.members {
            push_quote(out, &all[q]);
        }
    }
}

/// One quote: its text as a blockquote, then its status, note and source,
/// each on a line of its own (hard breaks).
fn push_quote(out: &mut String, q: &Annotation) {
    for line in marked_text(q).lines() {
        match escape(line.trim()) {
            l if l.is_empty() => out.push_str(">\n"),
            l => {
                let _ = writeln!(out, "> {l}");
            }
        }
    }
    let _ = write!(out, "\nStatus: {}.", status_label(&q.status));
    if let Some(note) = q.note() {
        let _ = write!(out, "\\\nNote: {}", multiline(note, ""));
    }
    if let Some(source) = q.source() {
        let _ = write!(out, "\\\nSource: {}", multiline(source, ""));
    }
    out.push_str("\n\n");
}

/// `## Entities`: each type, then each name with its number of mentions.
fn entities_section(out: &mut String, all: &[Annotation]) {
    out.push_str("## Entities\n\n");
    let groups = entity_groups(all);
    let mut types: Vec<&str> = groups.iter().map(|g| g.entity_type.as_str()).collect();
    types.sort_by_key(|t| (type_rank(t), *t));
    types.dedup();
    if types.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    for t in types {
        let _ = writeln!(out, "### {}\n", escape(t));
        for name in groups.iter().filter(|g| g.entity_type == t) {
            let _ = write!(out, "- {} ({}", escape(&name.spelling), name.members.len());
            if !name.others.is_empty() {
                let others: Vec<String> = name.others.iter().map(|o| escape(o)).collect();
                let _ = write!(out, "; also written {}", others.join(", "));
            }
            out.push_str(")\n");
        }
        out.push('\n');
    }
}

/// Built-in types in their usual order, other types after them, `Other` last.
fn type_rank(t: &str) -> usize {
    match ENTITY_TYPES.iter().position(|b| *b == t) {
        Some(i) if t != "Other" => i,
        Some(_) => usize::MAX,
        None => ENTITY_TYPES.len(),
    }
}

/// `## Statistics`: a table of text, value, unit, status and sentence.
fn statistics_section(out: &mut String, art: &Article, all: &[&Annotation]) {
    out.push_str("## Statistics\n\n");
    let stats: Vec<&&Annotation> = all.iter().filter(|a| matches!(a.kind, Kind::Statistic { .. })).collect();
    if stats.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    out.push_str("| Text | Value | Unit | Status | Sentence |\n|---|---:|---|---|---|\n");
    for a in stats {
        let Kind::Statistic { value, unit } = &a.kind else { continue };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            cell(&marked_text(a)),
            value.map(|v| v.to_string()).unwrap_or_default(),
            cell(unit.as_deref().unwrap_or_default()),
            cell(&status_label(&a.status)),
            cell(&collapse(&sentence_of(art, a))),
        );
    }
    out.push('\n');
}

/// `## Notes`: every annotation with a note, with what it is attached to.
fn notes_section(out: &mut String, all: &[&Annotation]) {
    out.push_str("## Notes\n\n");
    let noted: Vec<&&Annotation> = all.iter().filter(|a| a.note().is_some()).collect();
    if noted.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    for a in noted {
        let what = match &a.kind {
            Kind::Entity(t) => format!("Entity ({})", escape(t)),
            Kind::Quote { .. } => "Quote".to_owned(),
            Kind::Statistic { .. } => "Statistic".to_owned(),
        };
        let text = shorten(&collapse(&marked_text(a)), NOTE_CONTEXT);
        let note = multiline(a.note().unwrap_or_default(), "  ");
        let _ = writeln!(out, "- {what} “{}”: {note}", escape(&text));
    }
    out.push('\n');
}

/// `s` cut to `max` code points, at a word boundary when one is near,
/// with `…` when cut.
fn shorten(s: &str, max: usize) -> String {
    let Some((i, _)) = s.char_indices().nth(max) else {
        return s.to_owned();
    };
    let cut = word_before(s, 0, i);
    let cut = if cut == 0 { i } else { cut };
    format!("{}…", s[..cut].trim_end())
}

/// Text that may hold line breaks, for a paragraph or list item: each line
/// escaped, lines after the first indented by `indent` and joined with hard
/// breaks (a backslash at the end of a line).
fn multiline(s: &str, indent: &str) -> String {
    let lines: Vec<String> = s.lines().map(|l| escape(l.trim())).collect();
    lines.join(&format!("\\\n{indent}"))
}

/// Whether a line starting with `line` would start a block instead of a
/// paragraph: a blockquote (`>`), a heading (`# `), a bullet (`- `, `+ `)
/// or a setext underline or thematic break (`---`, `===`). Escaping its
/// first character keeps it text. (`*`, `_` and ordered lists are escaped
/// where they occur.)
fn makes_block(line: &str) -> bool {
    let after = |prefix: &str| line[prefix.len()..].chars().next().is_none_or(char::is_whitespace);
    let hashes = line.len() - line.trim_start_matches('#').len();
    match line.chars().next() {
        Some('>') => true,
        Some('#') => hashes <= 6 && after(&line[..hashes]),
        Some(c @ ('-' | '+' | '=')) => after(&line[..1]) || line.chars().all(|d| d == c || d == ' '),
        _ => false,
    }
}

/// Whether `rest` (the text after a `&`) would make an HTML entity: `amp;`, `#38;`.
fn is_entity(rest: &str) -> bool {
    let name = rest.strip_prefix('#').unwrap_or(rest);
    let len = name.len() - name.trim_start_matches(|c: char| c.is_ascii_alphanumeric()).len();
    len > 0 && name[len..].starts_with(';')
}

/// Text for a table cell: escaped, `|` escaped, line breaks as `<br>`.
fn cell(s: &str) -> String {
    let lines: Vec<String> = s.lines().map(|l| escape(l.trim()).replace('|', "\\|")).collect();
    lines.join("<br>")
}

/// One line of text escaped so that Markdown shows it as written: the
/// characters that make emphasis, code, links, HTML, strikethrough or
/// entities are backslash-escaped, and so is a line start that would make
/// a heading, a blockquote, a list item or a setext underline.
fn escape(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    if makes_block(line) {
        out.push('\\');
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let marker_ends = |i: usize| line[i + 1..].chars().next().is_none_or(char::is_whitespace);
    for (i, c) in line.char_indices() {
        let ordered_list =
            i == digits && (1..=9).contains(&digits) && (c == '.' || c == ')') && marker_ends(i);
        let entity = c == '&' && is_entity(&line[i + 1..]);
        if ordered_list || entity || matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sentence around the first occurrence of `needle` in `text`.
    fn around(text: &str, needle: &str) -> String {
        let at = text.find(needle).expect("needle in text");
        let s = sentence_in(text, at..at + needle.len());
        excerpt(text, &s)
    }

    #[test]
    fn chinese_sentences_end_at_full_stops_without_spaces() {
        let text = "中美合作共赢是大势所趋\n\n美中合作基金会执行主席约翰·米勒-怀特认为，共同繁荣还是互相毁灭，\
                    这是两国面临的抉择。众所周知，21世纪的金融往来和军事技术发展让超级大国也无法在冲突中成为赢家。\n";
        assert_eq!(
            around(text, "约翰"),
            "美中合作基金会执行主席约翰·米勒-怀特认为，共同繁荣还是互相毁灭，这是两国面临的抉择。"
        );
        assert_eq!(
            around(text, "超级大国"),
            "众所周知，21世纪的金融往来和军事技术发展让超级大国也无法在冲突中成为赢家。"
        );
        assert_eq!(around(text, "大势"), "中美合作共赢是大势所趋", "a heading ends at the blank line");
    }

    #[test]
    fn japanese_full_stop_inside_a_quote_does_not_end_the_sentence() {
        let text = "数回の自爆の後、襲撃者らは自爆攻撃の現場に集まった群集の中に携行式ロケット弾を撃ち込み、死傷者がさらに増えた。\n\n\
                    地元の民兵指導者は「昨夜ダンボアで2度の自爆攻撃とロケット弾による爆発があり、31人が死亡した。\
                    その他に数人が負傷した」と語り、ボコ・ハラムの犯行であることは明らかだと述べた。\n";
        let whole = "地元の民兵指導者は「昨夜ダンボアで2度の自爆攻撃とロケット弾による爆発があり、31人が死亡した。\
                     その他に数人が負傷した」と語り、ボコ・ハラムの犯行であることは明らかだと述べた。";
        assert_eq!(around(text, "31人"), whole);
        assert_eq!(around(text, "明らか"), whole);
        assert!(around(text, "群集").starts_with("数回の自爆の後"));
    }

    #[test]
    fn arabic_sentences_stop_at_dots_and_blank_lines() {
        let first = "دمشق، سوريا (CNN) -- أكدت جهات سورية معارضة أن فصائل مسلحة معارضة لنظام الرئيس بشار الأسد \
                     وعلى صلة بـ\"الجيش الحر\" تمكنت من السيطرة على مستودعات للأسلحة بريف دمشق، في الوقت الذي حض \
                     فيه الائتلاف الوطني السوري المعارض الفصائل الكردية والإسلامية إلى \"ضبط النفس.\"";
        let second =
            "وبحسب المرصد فقد اغتنم مقاتلو الكتائب المقاتلة أسلحة مضادة للدروع في منطقة السيدة زينب.";
        let third =
            "وفي محافظة الحسكة شمال شرقي البلاد، أفاد المرصد عن اشتباكات دارت بعد منتصف ليل الجمعة - السبت.";
        let text = format!("{first}\n\n{second} {third}\n");
        assert_eq!(around(&text, "بشار الأسد"), first);
        assert_eq!(around(&text, "السيدة زينب"), second);
        assert_eq!(around(&text, "الحسكة"), third);
    }

    #[test]
    fn initials_and_titles_do_not_end_a_sentence() {
        let text = "Спустя день, 13 июля, Министерство обороны США назвало погибшего — это 32-летний сержант \
                    Кристофер Селиз (Christopher A. Celiz) из Южной Каролины. Он получил ранения из стрелкового \
                    оружия противника. Kepala eksekutif NSPCC Sir Peter Wanless, kata Dr. Smith, setuju.";
        assert!(around(text, "Южной").starts_with("Спустя день"));
        assert!(around(text, "Южной").ends_with("Каролины."));
        assert_eq!(around(text, "ранения"), "Он получил ранения из стрелкового оружия противника.");
        assert_eq!(
            around(text, "Smith"),
            "Kepala eksekutif NSPCC Sir Peter Wanless, kata Dr. Smith, setuju."
        );
    }

    #[test]
    fn a_quote_over_two_sentences_gives_both_with_its_closing_mark() {
        let text = "Kepala NSPCC menuduh Meta \"dalam penyangkalan\". Meta meminta maaf atas keterlambatannya: \
                    “Surat kami awalnya dirancang pada bulan November tetapi karena kesalahan administrasi di pihak \
                    kami, surat itu tidak dikirim. Kami telah berbagi lebih banyak informasi dengan peneliti dan \
                    akademisi daripada platform lainnya.”\r\n\r\nMenurut Meta, selain membuat rujukan.";
        let inner_start = text.find("Surat").unwrap();
        let inner_end = text.find("lainnya.").unwrap() + "lainnya.".len();
        let s = sentence_in(text, inner_start..inner_end);
        assert_eq!(&text[s.bytes.start..s.bytes.start + 4], "Meta");
        assert!(text[s.bytes.clone()].ends_with("lainnya.”"), "{:?}", &text[s.bytes.clone()]);
        assert!(!s.cut_start && !s.cut_end);
        assert_eq!(around(text, "penyangkalan"), "Kepala NSPCC menuduh Meta \"dalam penyangkalan\".");
    }

    #[test]
    fn text_without_punctuation_is_cut_on_word_boundaries_and_bounded() {
        let text = "kata tanpa titik ".repeat(200_000);
        let mid = text.len() / 2;
        let at = floor_char_boundary(&text, mid);
        let s = sentence_in(&text, at..at + 4);
        assert!(s.cut_start && s.cut_end);
        let chars = text[s.bytes.clone()].chars().count();
        assert!(chars <= 2 * SENTENCE_REACH + 4 && chars > SENTENCE_REACH, "{chars}");
        assert!(text[..s.bytes.start].ends_with(' ') && text[s.bytes.end..].starts_with(' '));
        let shown = excerpt(&text, &s);
        assert!(shown.starts_with('…') && shown.ends_with('…'));

        let cjk = "没有标点的中文".repeat(100_000);
        let s = sentence_in(&cjk, 3_000..3_003);
        assert!(s.cut_start && s.cut_end);
        assert!(cjk[s.bytes].chars().count() <= 2 * SENTENCE_REACH + 1);
    }

    #[test]
    fn spans_at_the_edges_and_past_the_end_are_clamped() {
        let text = "Meta minta maaf. Kami menyesal";
        assert_eq!(around(text, "Meta"), "Meta minta maaf.");
        assert_eq!(around(text, "menyesal"), "Kami menyesal");
        assert_eq!(sentence_in(text, 999..1000).bytes, text.len()..text.len());
        assert_eq!(sentence_in("香港", 1..2).bytes, 0..6, "inside a code point");
    }

    fn annotation(text: &str, kind: Kind, fragments: Vec<(usize, usize)>) -> Annotation {
        let art = Article::from_text(text);
        let stamp =
            super::super::annotation::Stamp { author: "t".into(), now: "2026-01-01T00:00:00Z".into() };
        let mut a = Annotation::new(&art, 0..text.len(), kind, &stamp);
        a.set_fragments(fragments);
        a
    }

    #[test]
    fn fragments_are_cut_from_exact_and_joined_by_a_space() {
        let a = annotation("Mark dan Nick Clegg", Kind::Entity("Person".into()), vec![(0, 4), (14, 19)]);
        assert_eq!(marked_text(&a), "Mark Clegg");
        let b = annotation("Mark dan Nick Clegg", Kind::Entity("Person".into()), vec![]);
        assert_eq!(marked_text(&b), "Mark dan Nick Clegg");
    }

    #[test]
    fn escape_keeps_markdown_from_taking_text_for_markup() {
        assert_eq!(
            escape("# 1*2_3 `x` [a](b) <b> ~s~ &amp;"),
            "\\# 1\\*2\\_3 \\`x\\` \\[a\\](b) \\<b> \\~s\\~ \\&amp;"
        );
        assert_eq!(escape("> kata"), "\\> kata");
        assert_eq!(escape("2022. Tahun"), "2022\\. Tahun");
        assert_eq!(escape("- daftar"), "\\- daftar");
        assert_eq!(escape("AT&T a-b 3.5"), "AT&T a-b 3.5");
        assert_eq!(escape("8.000 anak, #1, -5, +3, ==, ---"), "8.000 anak, #1, -5, +3, ==, ---");
        assert_eq!(escape("==="), "\\===");
        assert_eq!(escape("#"), "\\#");
        assert_eq!(
            (escape("-5 anak"), escape("#1 di"), escape("1.5 juta")),
            ("-5 anak".into(), "#1 di".into(), "1.5 juta".into())
        );
        assert_eq!(shorten("satu dua tiga", 10), "satu dua…");
        assert_eq!(shorten("中美合作共赢", 3), "中美合…");
        assert_eq!(cell("a|b\nc"), "a\\|b<br>c");
    }

    #[test]
    fn entity_names_group_spellings_and_sort_by_mentions() {
        let kind = || Kind::Entity("Organization".into());
        let list = [
            annotation("NSPCC", kind(), vec![]),
            annotation("Meta", kind(), vec![]),
            annotation("META", kind(), vec![]),
            annotation("Meta", kind(), vec![]),
            annotation("The  Sun", kind(), vec![]),
            annotation("the sun", kind(), vec![]),
        ];
        let names = entity_groups(&list);
        let shown: Vec<(&str, usize, usize)> =
            names.iter().map(|n| (n.spelling.as_str(), n.members.len(), n.others.len())).collect();
        assert_eq!(shown, [("Meta", 3, 1), ("The Sun", 2, 1), ("NSPCC", 1, 0)]);
    }
}
