//! Annotations: what the user tagged, where, and what they said about it.
//!
//! Offsets (`start`, `end`) count code points from the start of the text, end
//! exclusive. `exact`, `prefix` and `suffix` keep the quoted text and up to
//! [`CONTEXT_CHARS`] code points of context on each side, so an annotation can
//! be found again after the article changes.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Annotation {
    pub id: String,
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// The pieces of a discontinuous span (brat's `0 6;19 26`): code point
    /// ranges in the order the source listed them, inside `start..end`;
    /// empty for a continuous span, which is what marginote itself makes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fragments: Vec<(usize, usize)>,
    /// For an entity: the id of another entity the user linked it to as the
    /// same one ("Clegg" and "Nick Clegg"); the index counts them together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_as: Option<String>,
    pub exact: CompactString,
    pub prefix: String,
    pub suffix: String,
    pub note: Option<String>,
    pub source: Option<String>,
    #[serde(default)]
    pub status: Status,
    pub author: CompactString,
    pub created: CompactString,
    pub modified: CompactString,
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
            id: ulid::Ulid::new().to_string(),
            kind,
            start: 0,
            end: 0,
            fragments: Vec::new(),
            same_as: None,
            exact: CompactString::default(),
            prefix: String::new(),
            suffix: String::new(),
            note: None,
            source: None,
            status: Status::Unreviewed,
            author: stamp.author.clone(),
            created: stamp.now.clone(),
            modified: stamp.now.clone(),
        }
    }

    /// Move the annotation to the byte range `bytes`, refreshing offsets and
    /// context. The fragments of a discontinuous span move with it when its
    /// length is unchanged; otherwise the span becomes continuous.
    pub fn set_span(&mut self, art: &Article, bytes: std::ops::Range<usize>) {
        let text = art.text();
        let (start, end) = (art.byte_to_char(bytes.start), art.byte_to_char(bytes.end));
        if end - start == self.end.saturating_sub(self.start) {
            for f in &mut self.fragments {
                *f = (f.0.saturating_sub(self.start) + start, f.1.saturating_sub(self.start) + start);
            }
        } else {
            self.fragments.clear();
        }
        self.start = start;
        self.end = end;
        self.exact = CompactString::from(&text[bytes.clone()]);
        let pre_start = art.char_to_byte(self.start.saturating_sub(CONTEXT_CHARS));
        self.prefix = text[pre_start..bytes.start].to_owned();
        let suf_end = art.char_to_byte(self.end + CONTEXT_CHARS);
        self.suffix = text[bytes.end..suf_end].to_owned();
    }

    /// Byte range in `art` (clamped to the text).
    pub fn bytes(&self, art: &Article) -> std::ops::Range<usize> {
        art.char_range_to_bytes(self.start, self.end)
    }

    /// The code point ranges the annotation marks: its fragments, or its one span.
    pub fn spans(&self) -> Vec<(usize, usize)> {
        if self.fragments.is_empty() { vec![(self.start, self.end)] } else { self.fragments.clone() }
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
    fn new_annotation_counts_code_points_and_keeps_context() {
        let text = "Kepala NSPCC menuduh Meta \"dalam penyangkalan\". Penelitian";
        let art = Article::from_text(text);
        let s = text.find("Meta").unwrap();
        let a = Annotation::new(&art, s..s + 4, Kind::Entity("Organization".into()), &stamp());
        assert_eq!((a.start, a.end), (21, 25));
        assert_eq!(a.exact, "Meta");
        assert_eq!(a.prefix, "Kepala NSPCC menuduh ");
        assert_eq!(a.suffix, " \"dalam penyangkalan\". Penelitia");
        assert_eq!(a.suffix.chars().count(), CONTEXT_CHARS);
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
        assert_eq!(a.prefix, "香港特首");
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
