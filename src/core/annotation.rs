//! Annotations: what the user tagged, where, and what they said about it.
//!
//! Offsets (`start`, `end`) count code points from the start of the text, end
//! exclusive. `exact`, `prefix` and `suffix` keep the quoted text and up to
//! [`CONTEXT_CHARS`] code points of context on each side, so an annotation can
//! be found again after the article changes.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

pub use super::id::Id;
use super::numbers::{NumberConvention, parse_statistic};
use super::text::Article;

/// Code points of context kept before and after an annotation.
pub const CONTEXT_CHARS: usize = 32;

/// Built-in entity types; any other name is kept verbatim.
pub const ENTITY_TYPES: [&str; 4] = ["Person", "Organization", "Place", "Other"];

/// Who said a quote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Speaker {
    /// A tagged person or organisation, by annotation id.
    Entity(String),
    /// Free text, e.g. "Seorang juru bicara Meta".
    Text(String),
}

impl Speaker {
    /// The speaker as a display name: the text given, or the text of the
    /// entity `find` returns for its id.
    pub fn name<'a>(&self, find: impl FnOnce(&str) -> Option<&'a Annotation>) -> String {
        match self {
            Speaker::Text(t) => t.clone(),
            Speaker::Entity(id) => {
                find(id).map_or_else(|| format!("(missing {id})"), |a| a.exact.to_string())
            }
        }
    }
}

/// What kind of thing an annotation marks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Kind {
    /// A quotation, with its speaker when known.
    Quote { speaker: Option<Speaker> },
    /// A named entity; the type is an open name (`Person`, `Organization`, …),
    /// kept inline (a book's thousands of entities had a heap block each
    /// for `Person`).
    Entity(CompactString),
    /// A number with its parsed value and unit or counted thing.
    Statistic { value: Option<f64>, unit: Option<String> },
}

impl Kind {
    /// `"quote"`, `"entity"` or `"statistic"`.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Quote { .. } => "quote",
            Kind::Entity(_) => "entity",
            Kind::Statistic { .. } => "statistic",
        }
    }

    /// The entity type, for entities.
    pub fn entity_type(&self) -> Option<&str> {
        match self {
            Kind::Entity(t) => Some(t),
            _ => None,
        }
    }

    /// Whether this kind can speak a quote (a person or an organisation).
    pub fn can_speak(&self) -> bool {
        matches!(self, Kind::Entity(t) if t == "Person" || t == "Organization")
    }
}

/// Review state of an annotation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Status {
    #[default]
    Unreviewed,
    Verified,
    Disputed,
    NeedsSource,
    /// A status defined by a schema.
    Other(String),
}

impl Status {
    /// The status of this name ([`Status::name`] read back); any other name
    /// is kept as [`Status::Other`].
    pub fn named(name: &str) -> Status {
        match name {
            "Unreviewed" => Status::Unreviewed,
            "Verified" => Status::Verified,
            "Disputed" => Status::Disputed,
            "NeedsSource" => Status::NeedsSource,
            other => Status::Other(other.to_owned()),
        }
    }

    /// A short name for lists and JSON.
    pub fn name(&self) -> &str {
        match self {
            Status::Unreviewed => "Unreviewed",
            Status::Verified => "Verified",
            Status::Disputed => "Disputed",
            Status::NeedsSource => "NeedsSource",
            Status::Other(s) => s,
        }
    }
}

/// One annotation, as stored in the RON file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "Stored")]
pub struct Annotation {
    pub id: Id,
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    pub exact: CompactString,
    /// The prefix and suffix ([`Annotation::prefix`], [`Annotation::suffix`]).
    pub context: Context,
    pub status: Status,
    pub author: CompactString,
    pub created: CompactString,
    pub modified: CompactString,
    /// What most annotations leave empty: fragments, same_as, note and
    /// source (read them with their getters, set them with their setters).
    /// Boxed, and `None` when all are empty: 8 bytes instead of 96 an
    /// annotation (War and Peace's 5,000 took 0.44 MB).
    pub more: Option<Box<More>>,
}

/// An annotation's (fragments, same_as, note, source): see
/// [`Annotation::more_fields`].
pub type MoreFields<'a> = (&'a [(usize, usize)], Option<&'a str>, Option<&'a str>, Option<&'a str>);

/// The fields of an [`Annotation`] that are usually empty. Made only by
/// [`More::of`] and the setters, which never box an empty one: equal
/// annotations compare equal.
#[derive(Debug, Clone, PartialEq)]
pub struct More {
    fragments: Vec<(usize, usize)>,
    same_as: Option<String>,
    note: Option<String>,
    source: Option<String>,
}

impl More {
    /// These fields boxed, or `None` when all are empty.
    pub fn of(
        fragments: Vec<(usize, usize)>,
        same_as: Option<String>,
        note: Option<String>,
        source: Option<String>,
    ) -> Option<Box<More>> {
        let more = More { fragments, same_as, note, source };
        let empty = more.fragments.is_empty()
            && more.same_as.is_none()
            && more.note.is_none()
            && more.source.is_none();
        (!empty).then(|| Box::new(more))
    }
}

/// An annotation's context: up to [`CONTEXT_CHARS`] code points before it
/// and after it, in one heap block. As two `String`s they were 48 bytes and
/// two blocks an annotation (0.36 MB of War and Peace's 5,000).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Context {
    /// The prefix, then the suffix.
    both: Box<str>,
    /// Where the suffix starts in `both`.
    split: usize,
}

impl Context {
    /// The context `prefix` .. `suffix`.
    pub fn new(prefix: &str, suffix: &str) -> Context {
        let mut both = String::with_capacity(prefix.len() + suffix.len());
        both.push_str(prefix);
        both.push_str(suffix);
        Context { both: both.into_boxed_str(), split: prefix.len() }
    }

    /// [`Context::new`], reusing `prefix`'s block.
    pub fn from_parts(mut prefix: String, suffix: &str) -> Context {
        let split = prefix.len();
        prefix.push_str(suffix);
        Context { both: prefix.into_boxed_str(), split }
    }

    /// The text just before the annotation.
    pub fn prefix(&self) -> &str {
        &self.both[..self.split]
    }

    /// The text just after the annotation.
    pub fn suffix(&self) -> &str {
        &self.both[self.split..]
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context").field("prefix", &self.prefix()).field("suffix", &self.suffix()).finish()
    }
}

/// An annotation as the file has it (prefix and suffix apart), for reading.
#[derive(Deserialize)]
#[serde(rename = "Annotation")]
struct Stored {
    id: Id,
    kind: Kind,
    start: usize,
    end: usize,
    #[serde(default)]
    fragments: Vec<(usize, usize)>,
    #[serde(default)]
    same_as: Option<String>,
    exact: CompactString,
    prefix: String,
    suffix: String,
    note: Option<String>,
    source: Option<String>,
    #[serde(default)]
    status: Status,
    author: CompactString,
    created: CompactString,
    modified: CompactString,
}

impl From<Stored> for Annotation {
    fn from(s: Stored) -> Annotation {
        Annotation {
            id: s.id,
            kind: s.kind,
            start: s.start,
            end: s.end,
            exact: s.exact,
            context: Context::from_parts(s.prefix, &s.suffix),
            status: s.status,
            author: s.author,
            created: s.created,
            modified: s.modified,
            more: More::of(s.fragments, s.same_as, s.note, s.source),
        }
    }
}

/// Written field by field as `Stored` reads them: `fragments` and
/// `same_as` only when there are some.
impl Serialize for Annotation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (fragments, same_as) = (!self.fragments().is_empty(), self.same_as().is_some());
        let mut out = s.serialize_struct("Annotation", 13 + usize::from(fragments) + usize::from(same_as))?;
        out.serialize_field("id", &self.id)?;
        out.serialize_field("kind", &self.kind)?;
        out.serialize_field("start", &self.start)?;
        out.serialize_field("end", &self.end)?;
        if fragments {
            out.serialize_field("fragments", self.fragments())?;
        } else {
            out.skip_field("fragments")?;
        }
        if same_as {
            out.serialize_field("same_as", &self.same_as())?;
        } else {
            out.skip_field("same_as")?;
        }
        out.serialize_field("exact", &self.exact)?;
        out.serialize_field("prefix", self.prefix())?;
        out.serialize_field("suffix", self.suffix())?;
        out.serialize_field("note", &self.note())?;
        out.serialize_field("source", &self.source())?;
        out.serialize_field("status", &self.status)?;
        out.serialize_field("author", &self.author)?;
        out.serialize_field("created", &self.created)?;
        out.serialize_field("modified", &self.modified)?;
        out.end()
    }
}

/// Who and when, for new and edited annotations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub author: CompactString,
    pub now: CompactString,
}

/// The user's login name: `$USER`, `$LOGNAME`, else the home folder's name.
fn login_name() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| {
            directories::BaseDirs::new()
                .and_then(|d| d.home_dir().file_name().map(|n| n.to_string_lossy().into_owned()))
        })
        .unwrap_or_else(|| "unknown".into())
}

impl Stamp {
    /// `author` (or `$USER`) and the time now, RFC 3339 in UTC to the second.
    pub fn now(author: Option<&str>) -> Stamp {
        let author = author.map(str::to_owned).unwrap_or_else(login_name);
        let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
        Stamp { author: author.into(), now: now.into() }
    }
}

impl Annotation {
    /// A new annotation over the byte range `bytes` of `art`, with a fresh ULID.
    pub fn new(art: &Article, bytes: std::ops::Range<usize>, kind: Kind, stamp: &Stamp) -> Annotation {
        let mut a = Annotation::unplaced(kind, stamp);
        a.set_span(art, bytes);
        a
    }

    /// A new annotation (fresh id, unreviewed, made now) with no span yet.
    pub fn unplaced(kind: Kind, stamp: &Stamp) -> Annotation {
        Annotation {
            id: Id::from(ulid::Ulid::new().to_string()),
            kind,
            start: 0,
            end: 0,
            exact: CompactString::default(),
            context: Context::default(),
            status: Status::Unreviewed,
            author: stamp.author.clone(),
            created: stamp.now.clone(),
            modified: stamp.now.clone(),
            more: None,
        }
    }

    /// Move the annotation to the byte range `bytes`, refreshing offsets and
    /// context. The fragments of a discontinuous span move with it when its
    /// length is unchanged; otherwise the span becomes continuous.
    pub fn set_span(&mut self, art: &Article, bytes: std::ops::Range<usize>) {
        let text = art.text();
        let (start, end) = (art.byte_to_char(bytes.start), art.byte_to_char(bytes.end));
        if end - start == self.end.saturating_sub(self.start) {
            if let Some(more) = &mut self.more {
                for f in &mut more.fragments {
                    *f = (f.0.saturating_sub(self.start) + start, f.1.saturating_sub(self.start) + start);
                }
            }
        } else {
            self.set_fragments(Vec::new());
        }
        self.start = start;
        self.end = end;
        self.exact = CompactString::from(&text[bytes.clone()]);
        let pre_start = art.char_to_byte(self.start.saturating_sub(CONTEXT_CHARS));
        let suf_end = art.char_to_byte(self.end + CONTEXT_CHARS);
        self.context = Context::new(&text[pre_start..bytes.start], &text[bytes.end..suf_end]);
    }

    /// The pieces of a discontinuous span (brat's `0 6;19 26`): code point
    /// ranges in the order the source listed them, inside `start..end`;
    /// empty for a continuous span, which is what marginote itself makes.
    pub fn fragments(&self) -> &[(usize, usize)] {
        self.more.as_ref().map_or(&[], |m| &m.fragments)
    }

    /// For an entity: the id of another entity the user linked it to as the
    /// same one ("Clegg" and "Nick Clegg"); the index counts them together.
    pub fn same_as(&self) -> Option<&str> {
        self.more.as_ref()?.same_as.as_deref()
    }

    /// The user's note.
    pub fn note(&self) -> Option<&str> {
        self.more.as_ref()?.note.as_deref()
    }

    /// Where the claim can be checked (a URL, a document).
    pub fn source(&self) -> Option<&str> {
        self.more.as_ref()?.source.as_deref()
    }

    /// The usually empty fields at once: (fragments, same_as, note,
    /// source). What reads every field (fingerprints, the RON writer) goes
    /// through here, so a new one changes this tuple and fails to compile
    /// there.
    pub fn more_fields(&self) -> MoreFields<'_> {
        match self.more.as_deref() {
            None => (&[], None, None, None),
            Some(More { fragments, same_as, note, source }) => {
                (fragments, same_as.as_deref(), note.as_deref(), source.as_deref())
            }
        }
    }

    /// Change the usually empty fields through `f`.
    fn change_more(&mut self, f: impl FnOnce(&mut More)) {
        let mut more = match self.more.take() {
            Some(b) => *b,
            None => More { fragments: Vec::new(), same_as: None, note: None, source: None },
        };
        f(&mut more);
        let More { fragments, same_as, note, source } = more;
        self.more = More::of(fragments, same_as, note, source);
    }

    /// Set the [fragments](Annotation::fragments).
    pub fn set_fragments(&mut self, fragments: Vec<(usize, usize)>) {
        self.change_more(|m| m.fragments = fragments);
    }

    /// Set (or clear) [`same_as`](Annotation::same_as).
    pub fn set_same_as(&mut self, id: Option<String>) {
        self.change_more(|m| m.same_as = id);
    }

    /// Set (or clear) the [note](Annotation::note).
    pub fn set_note(&mut self, note: Option<String>) {
        self.change_more(|m| m.note = note);
    }

    /// Set (or clear) the [source](Annotation::source).
    pub fn set_source(&mut self, source: Option<String>) {
        self.change_more(|m| m.source = source);
    }

    /// Up to [`CONTEXT_CHARS`] code points of the text before the annotation.
    pub fn prefix(&self) -> &str {
        self.context.prefix()
    }

    /// Up to [`CONTEXT_CHARS`] code points of the text after the annotation.
    pub fn suffix(&self) -> &str {
        self.context.suffix()
    }

    /// Byte range in `art` (clamped to the text).
    pub fn bytes(&self, art: &Article) -> std::ops::Range<usize> {
        art.char_range_to_bytes(self.start, self.end)
    }

    /// The code point ranges the annotation marks: its fragments, or its one span.
    pub fn spans(&self) -> Vec<(usize, usize)> {
        if self.fragments().is_empty() { vec![(self.start, self.end)] } else { self.fragments().to_vec() }
    }

    /// Whether the text at the stored offsets still equals `exact`.
    pub fn matches(&self, art: &Article) -> bool {
        art.text().get(self.bytes(art)) == Some(self.exact.as_str())
    }

    /// Mark as changed now.
    pub fn touch(&mut self, stamp: &Stamp) {
        self.modified = stamp.now.clone();
    }
}

/// A statistic kind for the text at `bytes`, its value parsed in `conv`.
pub fn statistic_kind(art: &Article, bytes: std::ops::Range<usize>, conv: NumberConvention) -> Kind {
    let text = art.text();
    let following_end = (bytes.end + 64).min(text.len());
    let following_end = art.floor_char_boundary(following_end);
    let parsed = parse_statistic(&text[bytes.clone()], &text[bytes.end..following_end], conv);
    Kind::Statistic { value: parsed.value, unit: parsed.unit }
}

/// Keep annotations in document order: by start, then end, then id.
pub fn sort(list: &mut [Annotation]) {
    list.sort_by(|a, b| (a.start, a.end, &a.id).cmp(&(b.start, b.end, &b.id)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp() -> Stamp {
        Stamp { author: "t".into(), now: "2026-11-28T10:15:00Z".into() }
    }

    #[test]
    fn the_usually_empty_fields_box_only_when_set() {
        let art = Article::from_text("Meta and Nick Clegg.");
        let plain = Annotation::new(&art, 0..4, Kind::Entity("Organization".into()), &stamp());
        assert!(plain.more.is_none());
        let mut a = plain.clone();
        a.set_note(Some("checked".into()));
        a.set_source(Some("The Sun".into()));
        a.set_same_as(Some("other".into()));
        a.set_fragments(vec![(0, 2), (3, 4)]);
        assert_eq!(a.more_fields(), (&[(0, 2), (3, 4)][..], Some("other"), Some("checked"), Some("The Sun")));
        assert_ne!(a, plain);
        a.set_note(None);
        a.set_source(None);
        a.set_same_as(None);
        assert!(a.more.is_some(), "the fragments are still there");
        a.set_fragments(Vec::new());
        assert!(a.more.is_none(), "nothing left: unboxed");
        assert_eq!(a, plain, "and equal to one never set");
        assert!(More::of(Vec::new(), None, None, None).is_none());
        assert!(More::of(Vec::new(), None, Some(String::new()), None).is_some(), "an empty note is a note");
    }

    #[test]
    fn new_annotation_counts_code_points_and_keeps_context() {
        let text = "Kepala NSPCC menuduh Meta \"dalam penyangkalan\". Penelitian";
        let art = Article::from_text(text);
        let s = text.find("Meta").unwrap();
        let a = Annotation::new(&art, s..s + 4, Kind::Entity("Organization".into()), &stamp());
        assert_eq!((a.start, a.end), (21, 25));
        assert_eq!(a.exact, "Meta");
        assert_eq!(a.prefix(), "Kepala NSPCC menuduh ");
        assert_eq!(a.suffix(), " \"dalam penyangkalan\". Penelitia");
        assert_eq!(a.suffix().chars().count(), CONTEXT_CHARS);
        assert!(a.matches(&art));
        assert_eq!(a.id.len(), 26, "a ULID");
    }

    #[test]
    fn offsets_are_code_points_with_multibyte_text() {
        let text = "香港特首梁振英道歉";
        let art = Article::from_text(text);
        let s = text.find("梁振英").unwrap();
        let a = Annotation::new(&art, s..s + "梁振英".len(), Kind::Entity("Person".into()), &stamp());
        assert_eq!((a.start, a.end), (4, 7));
        assert_eq!(a.prefix(), "香港特首");
        assert_eq!(a.bytes(&art), s..s + 9);
    }

    #[test]
    fn statistic_kind_reads_value_and_counted_thing() {
        let text = "menuduh 8.000 kejahatan seks";
        let art = Article::from_text(text);
        let s = text.find("8.000").unwrap();
        let k = statistic_kind(&art, s..s + 5, NumberConvention::DotThousands);
        assert_eq!(k, Kind::Statistic { value: Some(8000.0), unit: Some("kejahatan".into()) });
    }
}
