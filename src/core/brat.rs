//! brat standoff (`.ann` beside a `.txt`): import into annotations and
//! export back, losing nothing.
//!
//! Mapping (offsets are code points, as in marginote):
//!
//! | brat | marginote |
//! |---|---|
//! | `T` with type `Quote` / `Statistic` | a quote / a statistic |
//! | `T` with any other type (`Person`, `Organization`, `Place`, `Other`, `Protein`, …) | an entity of that type, kept verbatim |
//! | `T` fragments `0 6;19 26` | [`Annotation::fragments`], in the order given |
//! | `A Status T1 Verified` | the review status (`Unreviewed` writes nothing) |
//! | `A Value T1 12.5`, `#1 Unit T1\tpersen` | a statistic's value and unit, when they differ from what the text says |
//! | `#1 AnnotatorNotes T1\ttext` | the note, one line per note line |
//! | `#1 Source T1\ttext` | the source |
//! | `R1 Speaker Arg1:T1 Arg2:T2` | the quote T1 was said by the entity T2 |
//! | `#1 Speaker T1\ttext` | the quote T1 was said by someone not tagged |
//! | `* Equiv T1 T2 T3` (entities) | T2 and T3 are the same entity as T1 ([`Annotation::same_as`]) |
//! | every other line (`E`, `N`, `*`, other `R`, `A`, `M`, `#`) | a [`Standoff`] line kept in the file and written back |

use serde::{Deserialize, Serialize};

/// A brat line marginote has no kind for (an event, a relation, a
/// normalisation, an equivalence, an attribute or a note on one of those),
/// kept in the annotation file so that an export gives it back. References
/// to annotations are by annotation id, so they survive edits; a line whose
/// annotation was deleted is left out of the export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standoff {
    /// Its brat id (`E1`, `R3`, `N2`, `#4`, or `*` for equivalences).
    pub id: String,
    /// The second column, word by word.
    pub fields: Vec<Field>,
    /// The third column (a note's text, a normalisation's name), if any.
    pub text: Option<String>,
}

/// One word of a [`Standoff`] line's second column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    /// A type, an attribute value, a database key: written as is.
    Word(String),
    /// An annotation, by id, with its role (`Arg1`, `Theme`) if it has one.
    Annotation(Option<String>, String),
    /// Another kept line, by brat id, with its role if it has one.
    Line(Option<String>, String),
}

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use super::annotation::{Annotation, Kind, Speaker, Stamp, Status, statistic_kind};
use super::numbers::NumberConvention;
use super::store::AnnotationFile;
use super::text::Article;

/// Something in a `.ann` file that was not imported as written: its line
/// (1-based) and what is wrong. Shown as `file.ann:LINE: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub line: usize,
    pub message: String,
}

/// What an import gives: the annotations, the lines kept as they are, and
/// what could not be taken as written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Imported {
    pub annotations: Vec<Annotation>,
    pub standoff: Vec<Standoff>,
    pub warnings: Vec<Warning>,
}

/// One line of a `.ann` file, split into its columns.
#[derive(Debug, Clone, PartialEq)]
struct Line<'a> {
    /// 1-based line number.
    no: usize,
    id: &'a str,
    body: Body<'a>,
}

#[derive(Debug, Clone, PartialEq)]
enum Body<'a> {
    /// `T1<TAB>Type 0 5;7 9<TAB>text`.
    Text { kind: &'a str, fragments: Vec<(usize, usize)>, text: Option<&'a str> },
    /// Any other line: the second column's words and the third column.
    Other { fields: Vec<&'a str>, text: Option<&'a str> },
}

/// Whether `id` is a brat id: a letter of `TERAMN` or `#` and a number,
/// or `*` (equivalences, which have no number).
fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    match chars.next() {
        Some('*') => id.len() == 1,
        Some('T' | 'E' | 'R' | 'A' | 'M' | 'N' | '#') => {
            let rest = chars.as_str();
            !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        }
        _ => false,
    }
}

/// Whether a word of a line is written like a reference: a brat id letter
/// and digits (`T3`, `E12`); `Name` or `L1` are values.
fn reference_like(word: &str) -> bool {
    valid_id(word) && word != "*" && word[1..].bytes().all(|b| b.is_ascii_digit())
}

/// `0 5;7 9` as code point ranges.
fn parse_fragments(s: &str) -> Result<Vec<(usize, usize)>, String> {
    let mut out = Vec::new();
    for piece in s.split(';') {
        let mut nums = piece.split_whitespace().map(str::parse::<usize>);
        match (nums.next(), nums.next(), nums.next()) {
            (Some(Ok(a)), Some(Ok(b)), None) if a <= b => out.push((a, b)),
            (Some(Ok(a)), Some(Ok(b)), None) => return Err(format!("the offsets {a} {b} run backwards")),
            _ => return Err(format!("\"{}\" is not a pair of offsets", piece.trim())),
        }
    }
    Ok(out)
}

/// Split a `.ann` file into lines; what cannot be read becomes a warning.
fn parse(ann: &str) -> (Vec<Line<'_>>, Vec<Warning>) {
    let mut lines = Vec::new();
    let mut warnings = Vec::new();
    for (i, raw) in ann.split('\n').enumerate() {
        let no = i + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.trim().is_empty() {
            continue;
        }
        let mut warn = |message: String| warnings.push(Warning { line: no, message });
        let Some((id, rest)) = raw.split_once('\t') else {
            warn("no tab after the id; brat lines are ID<TAB>ANNOTATION[<TAB>TEXT]".into());
            continue;
        };
        let id = id.trim();
        if !valid_id(id) {
            warn(format!("\"{id}\" is not a brat id (T1, E1, R1, A1, M1, N1, #1 or *)"));
            continue;
        }
        let (middle, text) = match rest.split_once('\t') {
            Some((m, t)) => (m, Some(t)),
            None => (rest, None),
        };
        if id.starts_with('T') {
            let middle = middle.trim();
            let Some((kind, offsets)) = middle.split_once(' ') else {
                warn(format!("{id} has no offsets after its type \"{middle}\""));
                continue;
            };
            match parse_fragments(offsets) {
                Ok(fragments) => lines.push(Line { no, id, body: Body::Text { kind, fragments, text } }),
                Err(e) => warn(format!("{id}: {e}")),
            }
        } else {
            let fields: Vec<&str> = middle.split_whitespace().collect();
            if fields.is_empty() {
                warn(format!("{id} is empty"));
                continue;
            }
            let text = text.filter(|t| !t.is_empty() || id.starts_with('#'));
            lines.push(Line { no, id, body: Body::Other { fields, text } });
        }
    }
    (lines, warnings)
}

/// The text brat shows for `fragments`: each fragment's text, joined by one
/// space, line breaks as spaces (a text column is one line).
fn column_text(art: &Article, fragments: &[(usize, usize)]) -> String {
    let pieces: Vec<&str> =
        fragments.iter().map(|&(s, e)| &art.text()[art.char_range_to_bytes(s, e)]).collect();
    pieces.join(" ").replace(['\r', '\n'], " ")
}

/// Whether `fragments`, in order, are one span cut only at line breaks
/// (as brat cuts a selection that crosses one): then it is imported as one.
fn cut_at_line_breaks(art: &Article, fragments: &[(usize, usize)]) -> bool {
    fragments.windows(2).all(|w| {
        let gap = &art.text()[art.char_range_to_bytes(w[0].1, w[1].0)];
        w[0].0 < w[0].1 && w[1].0 < w[1].1 && !gap.is_empty() && gap.bytes().all(|b| b == b'\n' || b == b'\r')
    })
}

/// The fragments brat needs for `a`: its own, or its span cut at every
/// run of line breaks (a brat text column cannot hold one).
fn brat_fragments(art: &Article, a: &Annotation) -> Vec<(usize, usize)> {
    if !a.fragments().is_empty() {
        return a.fragments().to_vec();
    }
    let bytes = a.bytes(art);
    let text = &art.text()[bytes.clone()];
    let mut out = Vec::new();
    let mut piece_start = None;
    for (i, c) in text.char_indices() {
        let at = bytes.start + i;
        match (c == '\n' || c == '\r', piece_start) {
            (false, None) => piece_start = Some(at),
            (true, Some(s)) => {
                out.push((art.byte_to_char(s), art.byte_to_char(at)));
                piece_start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = piece_start {
        out.push((art.byte_to_char(s), a.end));
    }
    if out.is_empty() {
        out.push((a.start, a.end));
    }
    out
}

/// The brat type of a kind: `Quote`, `Statistic`, or the entity type (with
/// white space as `_`, which a brat type cannot hold).
pub fn type_name(kind: &Kind) -> String {
    match kind {
        Kind::Quote { .. } => "Quote".into(),
        Kind::Statistic { .. } => "Statistic".into(),
        Kind::Entity(t) => t.split_whitespace().collect::<Vec<_>>().join("_"),
    }
}

fn kind_of(name: &str, art: &Article, bytes: std::ops::Range<usize>, conv: NumberConvention) -> Kind {
    match name {
        "Quote" => Kind::Quote { speaker: None },
        "Statistic" => statistic_kind(art, bytes, conv),
        other => Kind::Entity(other.into()),
    }
}

/// Read a `.ann` file written for `art`: T lines become annotations (by
/// their offsets, also when the text column disagrees, with a warning),
/// status, notes, sources and speakers become their fields, and every other
/// line is kept as [`Standoff`]. A line that cannot be read is reported and
/// the rest imported.
pub fn import(art: &Article, ann: &str, conv: NumberConvention, stamp: &Stamp) -> Imported {
    let (lines, mut warnings) = parse(ann);
    let mut seen = HashSet::new();
    let lines: Vec<Line> = lines
        .into_iter()
        .filter(|l| {
            let fresh = l.id == "*" || seen.insert(l.id);
            if !fresh {
                warnings.push(Warning {
                    line: l.no,
                    message: format!("{} is defined twice; the first is kept", l.id),
                });
            }
            fresh
        })
        .collect();
    let (annotations, index) = text_bound(art, &lines, conv, stamp, &mut warnings);
    let mut out = Imported { annotations, standoff: Vec::new(), warnings: Vec::new() };
    let mut taken = Taken::default();
    let referenced = referenced_ids(&lines);
    for l in &lines {
        let Body::Other { fields, text } = &l.body else { continue };
        if let Some(missing) = undefined_reference(l, fields, &seen, &index) {
            warnings.push(Warning {
                line: l.no,
                message: format!("{} refers to {missing}, which was not imported; left out", l.id),
            });
            continue;
        }
        if referenced.contains(l.id) || !taken.take(&mut out.annotations, &index, l.id, fields, *text) {
            out.standoff.push(kept(l.id, fields, *text, &seen, &index, &out.annotations));
        }
    }
    for (i, note) in taken.notes {
        out.annotations[i].set_note(Some(note.join("\n")));
    }
    drop_dangling(&mut out.standoff, |id, why| {
        warnings.push(Warning { line: 0, message: format!("{id} left out: {why}") })
    });
    warnings.sort_by_key(|w| w.line);
    out.warnings = warnings;
    out
}

/// The annotations of the T lines, and which annotation each T id became.
fn text_bound<'a>(
    art: &Article,
    lines: &[Line<'a>],
    conv: NumberConvention,
    stamp: &Stamp,
    warnings: &mut Vec<Warning>,
) -> (Vec<Annotation>, HashMap<&'a str, usize>) {
    let chars = art.chars();
    let mut annotations = Vec::new();
    let mut index = HashMap::new();
    for l in lines {
        let Body::Text { kind, fragments, text } = &l.body else { continue };
        let mut warn = |message: String| warnings.push(Warning { line: l.no, message });
        if let Some(&(s, e)) = fragments.iter().find(|f| f.1 > chars) {
            warn(format!(
                "{}: the offsets {s} {e} are past the end of the article ({chars} characters); left out",
                l.id
            ));
            continue;
        }
        let actual = column_text(art, fragments);
        match text {
            None => warn(format!("{} has no text column; imported by its offsets", l.id)),
            Some(t) if t.trim_end() != actual.trim_end() => warn(format!(
                "{}: the text column \"{t}\" does not match the text at its offsets, \"{actual}\"; imported by the offsets",
                l.id
            )),
            Some(_) => {}
        }
        let start = fragments.iter().map(|f| f.0).min().unwrap_or(0);
        let end = fragments.iter().map(|f| f.1).max().unwrap_or(0);
        let bytes = art.char_range_to_bytes(start, end);
        let mut a = Annotation::new(art, bytes.clone(), kind_of(kind, art, bytes, conv), stamp);
        if fragments.len() > 1 && !cut_at_line_breaks(art, fragments) {
            a.set_fragments(fragments.clone());
        }
        index.insert(l.id, annotations.len());
        annotations.push(a);
    }
    (annotations, index)
}

/// Ids that other lines refer to: such a line is kept as it is, never
/// folded into a field (the reference would then lead nowhere).
fn referenced_ids<'a>(lines: &[Line<'a>]) -> HashSet<&'a str> {
    let mut out = HashSet::new();
    for l in lines {
        if let Body::Other { fields, .. } = &l.body {
            for f in fields.iter().skip(usize::from(!l.id.starts_with('E'))) {
                out.insert(f.split_once(':').map_or(*f, |(_, id)| id));
            }
        }
    }
    out
}

/// The reference in `fields` to a T line that was not imported or to an id
/// that is not defined, if any.
fn undefined_reference<'a>(
    l: &Line,
    fields: &[&'a str],
    defined: &HashSet<&str>,
    index: &HashMap<&str, usize>,
) -> Option<&'a str> {
    fields.iter().skip(usize::from(!l.id.starts_with('E'))).find_map(|f| {
        let id = f.split_once(':').map_or(*f, |(_, id)| id);
        let missing =
            reference_like(id) && (!defined.contains(id) || (id.starts_with('T') && !index.contains_key(id)));
        missing.then_some(id)
    })
}

/// A line kept as it is, its references to T lines turned into annotation ids.
fn kept(
    id: &str,
    fields: &[&str],
    text: Option<&str>,
    defined: &HashSet<&str>,
    index: &HashMap<&str, usize>,
    list: &[Annotation],
) -> Standoff {
    let field = |i: usize, f: &str| {
        if i == 0 && !id.starts_with('E') {
            return Field::Word(f.to_owned());
        }
        let (role, target) = match f.split_once(':') {
            Some((role, target)) => (Some(role.to_owned()), target),
            None => (None, f),
        };
        if let Some(&k) = index.get(target) {
            Field::Annotation(role, list[k].id.to_string())
        } else if defined.contains(target) && !target.starts_with('T') {
            Field::Line(role, target.to_owned())
        } else {
            Field::Word(f.to_owned())
        }
    };
    Standoff {
        id: id.to_owned(),
        fields: fields.iter().enumerate().map(|(i, f)| field(i, f)).collect(),
        text: text.map(str::to_owned),
    }
}

/// Leave out kept lines that refer to a line that is not there (itself left
/// out, or never defined), until none does; `report` hears of each.
fn drop_dangling(lines: &mut Vec<Standoff>, mut report: impl FnMut(&str, String)) {
    loop {
        let ids: HashSet<String> = lines.iter().map(|l| l.id.clone()).collect();
        let before = lines.len();
        lines.retain(|l| {
            let missing = l.fields.iter().find_map(|f| match f {
                Field::Line(_, id) if !ids.contains(id) => Some(id.clone()),
                _ => None,
            });
            if let Some(id) = &missing {
                report(&l.id, format!("it refers to {id}, which is not there"));
            }
            missing.is_none()
        });
        if lines.len() == before {
            return;
        }
    }
}

/// The id after `role:` in `field`, if it has that role.
fn role<'a>(field: &'a str, role: &str) -> Option<&'a str> {
    field.strip_prefix(role)?.strip_prefix(':')
}

/// Which fields of which annotations lines have set, so that a second
/// line for the same field is kept rather than overwriting the first.
#[derive(Default)]
struct Taken {
    set: HashSet<(usize, &'static str)>,
    notes: std::collections::BTreeMap<usize, Vec<String>>,
}

impl Taken {
    /// Fold the line into an annotation's field if it is one of marginote's
    /// (status, value, unit, source, note, speaker); `false` to keep it.
    fn take(
        &mut self,
        list: &mut [Annotation],
        index: &HashMap<&str, usize>,
        id: &str,
        fields: &[&str],
        text: Option<&str>,
    ) -> bool {
        let target = |f: Option<&&str>| f.and_then(|t| index.get(*t)).copied();
        match (id.as_bytes()[0], fields) {
            (b'A' | b'M', [name, t, value]) => {
                let Some(i) = target(Some(t)) else { return false };
                match (*name, &mut list[i].kind) {
                    ("Status", _) if self.first(i, "status") => list[i].status = Status::named(value),
                    ("Value", Kind::Statistic { value: v, .. }) if self.first(i, "value") => {
                        *v = match *value {
                            "none" => None,
                            n => match n.parse::<f64>() {
                                Ok(n) => Some(n),
                                Err(_) => return false,
                            },
                        }
                    }
                    _ => return false,
                }
                true
            }
            (b'#', [name, t]) => {
                let Some(i) = target(Some(t)) else { return false };
                let text = text.unwrap_or("").to_owned();
                match (*name, &mut list[i].kind) {
                    ("AnnotatorNotes", _) => self.notes.entry(i).or_default().push(text),
                    ("Source", _) if self.first(i, "source") => list[i].set_source(Some(text)),
                    ("Status", _) if self.first(i, "status") => list[i].status = Status::named(&text),
                    ("Unit", Kind::Statistic { unit, .. }) if self.first(i, "unit") => {
                        *unit = Some(text).filter(|u| !u.is_empty())
                    }
                    ("Speaker", Kind::Quote { speaker }) if self.first(i, "speaker") => {
                        *speaker = Some(Speaker::Text(text))
                    }
                    _ => return false,
                }
                true
            }
            (b'*', [name, first, rest @ ..]) if *name == "Equiv" && !rest.is_empty() => {
                let Some(f) = index.get(first).copied() else { return false };
                let others: Option<Vec<usize>> = rest.iter().map(|t| index.get(t).copied()).collect();
                let Some(others) = others else { return false };
                let entities = std::iter::once(f)
                    .chain(others.iter().copied())
                    .all(|i| list[i].kind.entity_type().is_some());
                if !entities || !others.iter().all(|&i| !self.set.contains(&(i, "same_as"))) {
                    return false;
                }
                let target = list[f].id.to_string();
                for i in others {
                    self.set.insert((i, "same_as"));
                    list[i].set_same_as(Some(target.clone()));
                }
                true
            }
            (b'R', [name, a, b]) if *name == "Speaker" => {
                let (q, s) = match (role(a, "Arg1"), role(b, "Arg2")) {
                    (Some(q), Some(s)) => (q, s),
                    _ => match (role(b, "Arg1"), role(a, "Arg2")) {
                        (Some(q), Some(s)) => (q, s),
                        _ => return false,
                    },
                };
                let (Some(q), Some(s)) = (index.get(q).copied(), index.get(s).copied()) else { return false };
                let speaker_id = list[s].id.to_string();
                match &mut list[q].kind {
                    Kind::Quote { speaker } if self.first(q, "speaker") => {
                        *speaker = Some(Speaker::Entity(speaker_id))
                    }
                    _ => return false,
                }
                true
            }
            _ => false,
        }
    }

    /// Whether `field` of annotation `i` is still unset (and now set).
    fn first(&mut self, i: usize, field: &'static str) -> bool {
        self.set.insert((i, field))
    }
}

/// A `.ann` file and what could not be written into it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Exported {
    pub text: String,
    /// Kept lines left out, speakers that could not be linked.
    pub warnings: Vec<String>,
}

/// Ids for new lines of one kind (`A`, `R`, `#`), after the highest number
/// the kept lines use.
struct Numbers(HashMap<char, usize>);

impl Numbers {
    fn after(kept: &[Standoff]) -> Numbers {
        let mut max = HashMap::new();
        for l in kept {
            let mut chars = l.id.chars();
            if let (Some(p), Ok(n)) = (chars.next(), chars.as_str().parse::<usize>()) {
                let m = max.entry(p).or_insert(0);
                *m = n.max(*m);
            }
        }
        Numbers(max)
    }

    fn next(&mut self, prefix: char) -> String {
        let n = self.0.entry(prefix).or_insert(0);
        *n += 1;
        format!("{prefix}{n}")
    }
}

/// The `.ann` file for `file`'s annotations on `art` (which must be the
/// article they are placed on). T ids follow the annotations' order; kept
/// lines keep their ids; default values write nothing.
pub fn export(art: &Article, file: &AnnotationFile) -> Exported {
    let mut out = Exported::default();
    let mut t_of: HashMap<&str, String> = HashMap::new();
    for (i, a) in file.annotations.iter().enumerate() {
        let t = format!("T{}", i + 1);
        let fragments = brat_fragments(art, a);
        let offsets: Vec<String> = fragments.iter().map(|(s, e)| format!("{s} {e}")).collect();
        let _ = writeln!(
            out.text,
            "{t}\t{} {}\t{}",
            type_name(&a.kind),
            offsets.join(";"),
            column_text(art, &fragments)
        );
        t_of.insert(&a.id, t);
    }
    let mut kept = file.standoff.clone();
    kept.retain(|l| {
        let gone =
            l.fields.iter().any(|f| matches!(f, Field::Annotation(_, id) if !t_of.contains_key(id.as_str())));
        if gone {
            out.warnings
                .push(format!("{} left out: it refers to an annotation that is no longer there", l.id));
        }
        !gone
    });
    drop_dangling(&mut kept, |id, why| out.warnings.push(format!("{id} left out: {why}")));
    for l in &kept {
        write_kept(&mut out.text, l, &t_of);
    }
    let mut w =
        FieldWriter { art, conv: file.article.numbers, t_of: &t_of, numbers: Numbers::after(&kept), out };
    for a in &file.annotations {
        w.fields_of(a);
    }
    same_entities(&mut w.out, &file.annotations, &t_of);
    w.out
}

/// One `*\tEquiv` line per entity others were linked to as the same one:
/// `* Equiv T1 T4 T9` (the target first, then those linked to it).
fn same_entities(out: &mut Exported, list: &[Annotation], t_of: &HashMap<&str, String>) {
    let mut targets: Vec<&str> = Vec::new();
    let mut members: HashMap<&str, Vec<&str>> = HashMap::new();
    for a in list {
        let Some(target) = a.same_as().filter(|_| a.kind.entity_type().is_some()) else { continue };
        let own = t_of[a.id.as_str()].as_str();
        if !t_of.contains_key(target) {
            out.warnings
                .push(format!("{own}: the entity it is linked to is not among the annotations; left out"));
            continue;
        }
        let m = members.entry(target).or_default();
        if m.is_empty() {
            targets.push(target);
        }
        m.push(own);
    }
    for target in targets {
        let _ = writeln!(out.text, "*\tEquiv {} {}", t_of[target], members[target].join(" "));
    }
}

fn write_kept(out: &mut String, l: &Standoff, t_of: &HashMap<&str, String>) {
    out.push_str(&l.id);
    out.push('\t');
    for (i, f) in l.fields.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let (role, target) = match f {
            Field::Word(w) => (None, w.as_str()),
            Field::Annotation(role, id) => (role.as_deref(), t_of[id.as_str()].as_str()),
            Field::Line(role, id) => (role.as_deref(), id.as_str()),
        };
        if let Some(role) = role {
            out.push_str(role);
            out.push(':');
        }
        out.push_str(target);
    }
    if let Some(text) = &l.text {
        out.push('\t');
        out.push_str(&text.replace(['\r', '\n'], " "));
    }
    out.push('\n');
}

/// Writes the lines for annotations' own fields.
struct FieldWriter<'a> {
    art: &'a Article,
    conv: NumberConvention,
    t_of: &'a HashMap<&'a str, String>,
    numbers: Numbers,
    out: Exported,
}

impl FieldWriter<'_> {
    /// The lines for `a`'s own fields, where they are not the defaults.
    fn fields_of(&mut self, a: &Annotation) {
        let FieldWriter { art, conv, t_of, numbers, out } = self;
        let t = &t_of[a.id.as_str()];
        let one_line = |s: &str| s.replace(['\r', '\n'], " ");
        let text = &mut out.text;
        let name = a.status.name();
        if a.status != Status::Unreviewed {
            if name.contains(char::is_whitespace) || name.is_empty() {
                let _ = writeln!(text, "{}\tStatus {t}\t{}", numbers.next('#'), one_line(name));
            } else {
                let _ = writeln!(text, "{}\tStatus {t} {name}", numbers.next('A'));
            }
        }
        if let Kind::Statistic { value, unit } = &a.kind {
            let (derived_value, derived_unit) = match statistic_kind(art, a.bytes(art), *conv) {
                Kind::Statistic { value, unit } => (value, unit),
                _ => (None, None),
            };
            if *value != derived_value {
                let v = value.map_or_else(|| "none".to_owned(), |v| v.to_string());
                let _ = writeln!(text, "{}\tValue {t} {v}", numbers.next('A'));
            }
            if *unit != derived_unit {
                let _ = writeln!(
                    text,
                    "{}\tUnit {t}\t{}",
                    numbers.next('#'),
                    one_line(unit.as_deref().unwrap_or(""))
                );
            }
        }
        if let Some(source) = a.source() {
            let _ = writeln!(text, "{}\tSource {t}\t{}", numbers.next('#'), one_line(source));
        }
        match &a.kind {
            Kind::Quote { speaker: Some(Speaker::Entity(id)) } => match t_of.get(id.as_str()) {
                Some(s) => {
                    let _ = writeln!(text, "{}\tSpeaker Arg1:{t} Arg2:{s}", numbers.next('R'));
                }
                None => {
                    out.warnings.push(format!("{t}: its speaker {id} is not among the annotations; left out"))
                }
            },
            Kind::Quote { speaker: Some(Speaker::Text(name)) } => {
                let _ = writeln!(text, "{}\tSpeaker {t}\t{}", numbers.next('#'), one_line(name));
            }
            _ => {}
        }
        if let Some(note) = a.note() {
            for line in note.split('\n') {
                let line = line.strip_suffix('\r').unwrap_or(line);
                let _ = writeln!(out.text, "{}\tAnnotatorNotes {t}\t{line}", numbers.next('#'));
            }
        }
    }
}

/// Where a `.ann` file breaks brat's rules for `art`: lines that do not
/// parse, ids defined twice, text columns that are not the text at the
/// offsets (fragments joined by one space), offsets past the end, and
/// references to ids that are not defined.
pub fn problems(art: &Article, ann: &str) -> Vec<Warning> {
    let (lines, mut out) = parse(ann);
    let mut defined = HashSet::new();
    for l in &lines {
        if l.id != "*" && !defined.insert(l.id) {
            out.push(Warning { line: l.no, message: format!("{} is defined twice", l.id) });
        }
    }
    for l in &lines {
        match &l.body {
            Body::Text { fragments, text, .. } => {
                if fragments.iter().any(|f| f.1 > art.chars()) {
                    out.push(Warning { line: l.no, message: format!("{}: offsets past the end", l.id) });
                } else if *text != Some(column_text(art, fragments).as_str()) {
                    out.push(Warning {
                        line: l.no,
                        message: format!("{}: the text column is not the text", l.id),
                    });
                }
            }
            Body::Other { fields, .. } => {
                for f in fields.iter().skip(usize::from(!l.id.starts_with('E'))) {
                    let id = f.split_once(':').map_or(*f, |(_, id)| id);
                    if reference_like(id) && !defined.contains(id) {
                        out.push(Warning { line: l.no, message: format!("{}: {id} is not defined", l.id) });
                    }
                }
            }
        }
    }
    out.sort_by_key(|w| w.line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn stamp() -> Stamp {
        Stamp { author: "t".into(), now: "2026-01-01T00:00:00Z".into() }
    }

    fn import_str(text: &str, ann: &str) -> (Article, Imported) {
        let art = Article::from_text(text);
        let imported = import(&art, ann, NumberConvention::CommaThousands, &stamp());
        (art, imported)
    }

    fn file_of(art: &Article, imported: &Imported) -> AnnotationFile {
        let mut file = AnnotationFile::new(Path::new("a.txt"), art, NumberConvention::CommaThousands);
        file.annotations = imported.annotations.clone();
        file.standoff = imported.standoff.clone();
        file
    }

    #[test]
    fn bad_lines_are_reported_with_their_line_and_the_rest_imported() {
        let ann = "T1\tPerson 0 4\tJohn\nnonsense line\nX1\tFoo T1\nT2\tPlace 10 x\tParis\nT3\tPlace 9 4\tx\nT4\tPlace 50 60\tfar\nT5\tPerson\n\nT6\tPlace 10 15\tParis";
        let (_, imp) = import_str("John went Paris.", ann);
        let lines: Vec<usize> = imp.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [2, 3, 4, 5, 6, 7]);
        assert!(imp.warnings[0].message.contains("no tab"), "{:?}", imp.warnings);
        assert!(imp.warnings[1].message.contains("\"X1\" is not a brat id"));
        assert!(imp.warnings[2].message.contains("\"10 x\" is not a pair of offsets"));
        assert!(imp.warnings[3].message.contains("run backwards"));
        assert!(imp.warnings[4].message.contains("past the end of the article (16 characters)"));
        assert!(imp.warnings[5].message.contains("no offsets"));
        let texts: Vec<&str> = imp.annotations.iter().map(|a| a.exact.as_str()).collect();
        assert_eq!(texts, ["John", "Paris"], "line 9 has no final newline and still counts");
    }

    #[test]
    fn ids_used_before_they_are_defined_trailing_tabs_and_notes_without_text() {
        let ann = "E1\tMove:T2 Agent:T1\t\nR1\tNear Arg1:T1 Arg2:T2\t\n#1\tAnnotatorNotes T1\nT1\tPerson 0 4\tJohn\nT2\tMove 5 9\twent\t\n";
        let (art, imp) = import_str("John went home", ann);
        assert_eq!(imp.warnings, vec![]);
        assert_eq!(imp.annotations[0].note(), Some(""));
        let ids: Vec<&str> = imp.standoff.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["E1", "R1"]);
        assert_eq!(
            imp.standoff[0].fields[0],
            Field::Annotation(Some("Move".into()), imp.annotations[1].id.to_string())
        );
        let out = export(&art, &file_of(&art, &imp));
        assert_eq!(
            out.text,
            "T1\tPerson 0 4\tJohn\nT2\tMove 5 9\twent\nE1\tMove:T2 Agent:T1\nR1\tNear Arg1:T1 Arg2:T2\n#1\tAnnotatorNotes T1\t\n"
        );
        assert_eq!(problems(&art, &out.text), vec![]);
    }

    #[test]
    fn references_to_what_is_not_there_are_reported_and_left_out() {
        let ann = "T1\tPerson 0 4\tJohn\nR1\tKnows Arg1:T1 Arg2:T9\nA1\tSure R1\nN1\tReference T1 Wikidata:Q1\tJohn\n";
        let (_, imp) = import_str("John went home", ann);
        let ids: Vec<&str> = imp.standoff.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(ids, ["N1"], "R1 refers to a T that is not defined, and A1 to R1");
        assert_eq!(imp.warnings.len(), 2, "{:?}", imp.warnings);
        assert!(imp.warnings.iter().any(|w| w.line == 2 && w.message.contains("T9")));
        assert!(imp.warnings.iter().any(|w| w.message.contains("A1 left out: it refers to R1")));
    }

    #[test]
    fn marginotes_own_fields_go_out_and_come_back() {
        let text = "Dia berkata: \"Kami tidak setuju.\"\nJumlahnya 12,5 persen dari 300 anak.";
        let art = Article::from_text(text);
        let conv = NumberConvention::DotThousands;
        let s = stamp();
        let speaker = Annotation::new(&art, 0..3, Kind::Entity("Person".into()), &s);
        let mut quote = Annotation::new(
            &art,
            13..33,
            Kind::Quote { speaker: Some(Speaker::Entity(speaker.id.to_string())) },
            &s,
        );
        quote.status = Status::Verified;
        quote.set_note(Some("line one\n\nline three".into()));
        quote.set_source(Some("https://example.org/x y".into()));
        let mut other = Annotation::new(
            &art,
            14..18,
            Kind::Quote { speaker: Some(Speaker::Text("juru bicara".into())) },
            &s,
        );
        other.status = Status::Other("Needs a second look".into());
        let b = text.find("12,5").unwrap();
        let mut stat = Annotation::new(&art, b..b + 4, statistic_kind(&art, b..b + 4, conv), &s);
        stat.kind = Kind::Statistic { value: Some(12.5), unit: Some("persen dari anak".into()) };
        stat.status = Status::NeedsSource;
        let b = text.find("300").unwrap();
        let plain = Annotation::new(&art, b..b + 3, statistic_kind(&art, b..b + 3, conv), &s);
        let mut file = AnnotationFile::new(Path::new("a.txt"), &art, conv);
        file.annotations = vec![speaker, quote, other, stat, plain];
        super::super::annotation::sort(&mut file.annotations);
        let out = export(&art, &file);
        assert_eq!(out.warnings, Vec::<String>::new());
        assert_eq!(problems(&art, &out.text), vec![]);
        let plain_t = format!("T{}", file.annotations.iter().position(|a| a.exact == "300").unwrap() + 1);
        assert!(
            !out.text.lines().any(|l| !l.starts_with('T') && l.contains(&format!(" {plain_t}"))),
            "{}",
            out.text
        );
        let back = import(&art, &out.text, conv, &s);
        assert_eq!(back.warnings, vec![]);
        assert_eq!(back.standoff, vec![]);
        assert_eq!(back.annotations.len(), file.annotations.len());
        for (a, b) in file.annotations.iter().zip(&back.annotations) {
            let same_speaker = match (&a.kind, &b.kind) {
                (
                    Kind::Quote { speaker: Some(Speaker::Entity(x)) },
                    Kind::Quote { speaker: Some(Speaker::Entity(y)) },
                ) => {
                    let name = |list: &[Annotation], id: &str| {
                        list.iter().find(|a| a.id == id).unwrap().exact.clone()
                    };
                    name(&file.annotations, x) == name(&back.annotations, y)
                }
                (x, y) => x == y,
            };
            assert!(same_speaker, "{:?} came back as {:?}", a.kind, b.kind);
            assert_eq!(
                (a.start, a.end, &a.exact, &a.status, a.note()),
                (b.start, b.end, &b.exact, &b.status, b.note())
            );
            assert_eq!(a.source().map(|s| s.replace('\n', " ")).as_deref(), b.source());
        }
    }

    #[test]
    fn a_span_across_a_line_break_is_cut_there_and_joined_again_on_import() {
        let text = "Satu dua\r\n\r\ntiga empat";
        let art = Article::from_text(text);
        let a = Annotation::new(&art, 5..16, Kind::Quote { speaker: None }, &stamp());
        let mut file = AnnotationFile::new(Path::new("a.txt"), &art, NumberConvention::CommaThousands);
        file.annotations = vec![a];
        let out = export(&art, &file);
        assert_eq!(out.text, "T1\tQuote 5 8;12 16\tdua tiga\n");
        let back = import(&art, &out.text, NumberConvention::CommaThousands, &stamp());
        assert_eq!((back.annotations[0].start, back.annotations[0].end), (5, 16));
        assert_eq!(back.annotations[0].fragments(), []);
    }

    #[test]
    fn a_deleted_annotation_takes_its_kept_lines_with_it() {
        let ann = "T1\tPerson 0 4\tJohn\nT2\tPlace 10 14\thome\nR1\tLives Arg1:T1 Arg2:T2\n#1\tAnnotatorNotes R1\tsure?\nN1\tReference T2 Geo:1\thome\n";
        let (art, imp) = import_str("John went home", ann);
        let mut file = file_of(&art, &imp);
        file.annotations.remove(0);
        let out = export(&art, &file);
        assert_eq!(out.text, "T1\tPlace 10 14\thome\nN1\tReference T1 Geo:1\thome\n");
        assert_eq!(out.warnings.len(), 2, "{:?}", out.warnings);
        assert_eq!(problems(&art, &out.text), vec![]);
    }
}
