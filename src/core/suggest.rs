//! Suggestions: quotes, names and numbers found in the text by rules and by
//! the text's own evidence, with no network and no model.
//!
//! - **Quotes**: text between paired quotation marks of many languages
//!   (“…”, „…“, «…», »…«, ‹…›, 「…」, 『…』, ‘…’ without taking apostrophes,
//!   straight "…"), a quote that runs over paragraphs when the next paragraph
//!   opens with the same mark, and the speaker when the text says who ("kata
//!   X", "X mengatakan:", "said X", "X said", "according to X").
//! - **Statistics**: every number written with digits, in the article's
//!   convention ([`find_statistics`]).
//! - **Entities**: runs of capitalised words, with honorifics and
//!   organisation markers deciding the type, acronyms, and a short list of
//!   countries and cities; a capitalised word that the text also writes in
//!   lower case is taken for an ordinary word. Scripts without capitals get
//!   quotes and numbers only.
//! - **Propagation**: every other occurrence of a string the user tagged as
//!   an entity, with the same type.
//!
//! Nothing that overlaps an annotation of the same kind is suggested.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use super::annotation::{Annotation, Kind, Speaker};
use super::numbers::{NumberConvention, find_statistics};
use super::store::Rejected;
use super::text::{Article, ceil_char_boundary, floor_char_boundary};

/// One suggested annotation.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// Byte range in the article, as u32 (an article is at most
    /// [`MAX_BYTES`](super::text::MAX_BYTES)): 16 bytes a suggestion, not
    /// 24, and the 50 MB text has half a million of them.
    start: u32,
    end: u32,
    /// Shared by every mention of a tagged name: a book can have millions
    /// of suggestions, and a kind of its own each was most of their memory.
    pub kind: Arc<Kind>,
}

impl Suggestion {
    /// A suggestion of `kind` over `bytes` of an article.
    pub fn new(bytes: Range<usize>, kind: Arc<Kind>) -> Suggestion {
        let at = |b: usize| u32::try_from(b).expect("an article's offsets fit in u32 (text::MAX_BYTES)");
        Suggestion { start: at(bytes.start), end: at(bytes.end), kind }
    }

    /// Byte range in the article.
    pub fn bytes(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// Everything suggested in `doc` and not annotated or turned down, in
/// document order: what the rules find and every other mention of a tagged
/// name (the command line; tests).
pub fn suggest(doc: &super::document::Document) -> Vec<Suggestion> {
    let found = by_rules(&doc.article, doc.file().article.numbers, &tagged_names(doc.annotations()));
    let mut pending = super::pending::Pending::new(doc);
    pending.arrived(found);
    pending.all()
}

/// The (text, id) of each entity annotation: a quote's speaker of that
/// name links to the first.
pub fn tagged_names(existing: &[Annotation]) -> Vec<(String, String)> {
    existing
        .iter()
        .filter(|a| matches!(a.kind, Kind::Entity(_)))
        .map(|a| (a.exact.to_string(), a.id.to_string()))
        .collect()
}

/// What the rules find in `art` (quotes, numbers, names), by (start, end),
/// a speaker linked to the entity of that name in `names` (see
/// [`tagged_names`]). What is annotated or turned down is left in:
/// [`super::pending`] settles that against the annotations of the moment.
/// Mentions of tagged names are not in it ([`super::pending`] finds them
/// where asked).
pub fn by_rules(art: &Article, conv: NumberConvention, names: &[(String, String)]) -> Vec<Suggestion> {
    let text = art.text();
    let mut out: Vec<Suggestion> = Vec::new();
    // The first tagged entity of each name, for linking speakers.
    let mut entities_by_name: HashMap<&str, &str> = HashMap::new();
    for (exact, id) in names {
        entities_by_name.entry(exact.as_str()).or_insert(id.as_str());
    }
    // One kind per speaker, shared (a book has thousands of quotes).
    let mut speakers: HashMap<Option<String>, Arc<Kind>> = HashMap::new();
    out.extend(quotes(text).into_iter().map(|q| {
        let kind = speakers.entry(q.speaker).or_insert_with_key(|name| {
            let speaker = name.as_ref().map(|n| speaker_for(n, &entities_by_name));
            Arc::new(Kind::Quote { speaker })
        });
        Suggestion::new(q.inner, Arc::clone(kind))
    }));
    out.extend(find_statistics(text, conv).into_iter().map(|(bytes, p)| {
        Suggestion::new(bytes, Arc::new(Kind::Statistic { value: p.value, unit: p.unit }))
    }));
    // One kind per entity type, shared.
    let mut types: HashMap<&str, Arc<Kind>> = HashMap::new();
    for_each_entity(text, |bytes, t| {
        let kind = types.entry(t).or_insert_with(|| Arc::new(Kind::Entity(t.into())));
        out.push(Suggestion::new(bytes, Arc::clone(kind)));
    });
    out.sort_by_key(|s| (s.start, s.end));
    out.dedup_by(|a, b| (a.start, a.end) == (b.start, b.end) && a.kind.name() == b.kind.name());
    out.shrink_to_fit();
    out
}

/// Whether the user turned `s` down: its text as this kind, there or
/// everywhere.
pub fn is_rejected(art: &Article, s: &Suggestion, rejected: &[Rejected]) -> bool {
    let exact = &art.text()[s.bytes()];
    rejected.iter().any(|r| {
        r.exact == exact
            && r.kind == s.kind.name()
            && r.start.is_none_or(|at| at == art.byte_to_char(s.bytes().start))
    })
}

/// The speaker called `name`: the (first) tagged entity of that name if there is one.
fn speaker_for(name: &str, entities_by_name: &HashMap<&str, &str>) -> Speaker {
    entities_by_name
        .get(name)
        .map_or_else(|| Speaker::Text(name.to_owned()), |id| Speaker::Entity((*id).to_owned()))
}

// ------------------------------------------------------------------ quotes

/// A quotation found in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    /// The quoted words, marks and surrounding spaces excluded.
    pub inner: Range<usize>,
    /// The speaker's name when the text gives it next to the quote.
    pub speaker: Option<String>,
}

/// Opening marks and the closing marks they pair with.
const PAIRS: &[(char, &[char])] = &[
    ('“', &['”']),
    ('„', &['“', '”']),
    ('«', &['»']),
    ('»', &['«']),
    ('‹', &['›']),
    ('「', &['」']),
    ('『', &['』']),
    ('‘', &['’']),
    ('"', &['"']),
];

/// Longest quote looked for, in bytes.
const MAX_QUOTE: usize = 6000;

/// Every top-level quotation in `text`.
pub fn quotes(text: &str) -> Vec<Quote> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let Some((open_at, open)) = text[at..].char_indices().find(|&(_, c)| is_opening(c)) else {
            break;
        };
        let open_at = at + open_at;
        let after_open = open_at + open.len_utf8();
        match closing(text, after_open, open) {
            Some(close_at) => {
                let inner = trim(text, after_open..close_at);
                if text[inner.clone()].chars().any(char::is_alphanumeric) {
                    // The speaker is named within a few words of the quote.
                    let after = &text[close_at..floor_char_boundary(text, close_at + 200)];
                    let before = &text[ceil_char_boundary(text, open_at.saturating_sub(200))..open_at];
                    let speaker = speaker_after(after).or_else(|| speaker_before(before));
                    out.push(Quote { inner, speaker });
                }
                at = close_at + text[close_at..].chars().next().map_or(1, char::len_utf8);
            }
            None => at = after_open,
        }
    }
    out
}

fn closers(open: char) -> &'static [char] {
    PAIRS.iter().find(|(o, _)| *o == open).map_or(&[], |(_, c)| c)
}

/// Whether `c` is an opening mark (whether it opens a quote here is
/// decided with its neighbours by [`closing`]).
fn is_opening(c: char) -> bool {
    !closers(c).is_empty()
}

/// The closing mark for `open` after `from`, crossing a paragraph break only
/// when the next paragraph opens with the same mark.
fn closing(text: &str, from: usize, open: char) -> Option<usize> {
    let closers = closers(open);
    if text[..from - open.len_utf8()].chars().next_back().is_some_and(|c| glued(open, c)) {
        return None;
    }
    let limit = (from + MAX_QUOTE).min(text.len());
    let mut prev = '\0';
    for (i, c) in text[from..].char_indices() {
        let at = from + i;
        if at >= limit {
            return None;
        }
        if c == '\n' && paragraph_break(&text[at..]) {
            let next = text[at..].trim_start();
            if !next.starts_with(open) {
                return None;
            }
        }
        if closers.contains(&c)
            && !(c == '’' && is_apostrophe(prev, text[at + c.len_utf8()..].chars().next()))
        {
            let next = text[at + c.len_utf8()..].chars().next();
            let glued_after = next.is_some_and(|n| glued(open, n));
            let empty = at == from;
            // A straight quote after a space opens the next quotation instead.
            let reopens = open == '"' && prev.is_whitespace();
            if !(glued_after || empty || reopens) {
                return Some(at);
            }
        }
        prev = c;
    }
    None
}

/// Whether `neighbour`, right outside a mark, glues it to a word so that it
/// is no quotation mark: a letter next to `‘ ’` (an apostrophe) or a Latin
/// letter or digit next to `"` (inches, a typo). Other marks may touch
/// words: Chinese, Japanese, Korean and Arabic write them so.
fn glued(open: char, neighbour: char) -> bool {
    match open {
        '‘' => neighbour.is_alphanumeric(),
        '"' => neighbour.is_ascii_alphanumeric(),
        _ => false,
    }
}

/// Whether the text at a line break is a paragraph break (a blank line).
fn paragraph_break(s: &str) -> bool {
    let rest = &s[1..];
    let line_end = rest.find('\n').unwrap_or(rest.len());
    rest[..line_end].trim().is_empty()
}

/// `’` between two letters (`don’t`) or after `s` at a word end is an apostrophe.
fn is_apostrophe(prev: char, next: Option<char>) -> bool {
    prev.is_alphanumeric() && next.is_some_and(char::is_alphanumeric)
}

fn trim(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let start = r.start + (s.len() - s.trim_start().len());
    let end = r.end - (s.len() - s.trim_end().len());
    start..end.max(start)
}

/// Verbs of saying that come before the speaker ("kata X", "said X").
const SAID_BEFORE_NAME: &[&str] = &[
    "kata",
    "ujar",
    "ucap",
    "tutur",
    "jelas",
    "ungkap",
    "tambah",
    "tegas",
    "said",
    "says",
    "added",
    "told",
    "according to",
    "menurut",
    "dijo",
    "afirmó",
    "explicó",
    "señaló",
    "añadió",
    "zei",
    "aldus",
    "sagte",
    "a déclaré",
    "a dit",
    "заявил",
    "сказал",
    "сообщил",
];
/// Verbs of saying that come after the speaker ("X said", "X mengatakan").
const SAID_AFTER_NAME: &[&str] = &[
    "said",
    "says",
    "added",
    "told",
    "mengatakan",
    "menyatakan",
    "berkata",
    "menegaskan",
    "menjelaskan",
    "dijo",
    "afirmó",
    "explicó",
    "zei",
    "sagte",
    "заявил",
    "сказал",
];

/// "…," kata X / said X / X said, right after the closing mark.
fn speaker_after(after_close: &str) -> Option<String> {
    let rest = after_close.chars().skip(1).collect::<String>();
    let rest = rest.trim_start_matches([',', ' ', '\u{a0}']);
    for verb in SAID_BEFORE_NAME {
        if let Some(r) = strip_ci(rest, verb)
            && let Some(name) = leading_name(r.trim_start())
        {
            return Some(name);
        }
    }
    let name = leading_name(rest)?;
    let after = rest[name.len()..].trim_start();
    SAID_AFTER_NAME.iter().any(|v| strip_ci(after, v).is_some()).then_some(name)
}

/// X mengatakan: / X said, right before the opening mark.
fn speaker_before(before_open: &str) -> Option<String> {
    let head = before_open.trim_end().trim_end_matches([':', ',']).trim_end();
    for verb in SAID_AFTER_NAME {
        let Some(stem) = head.strip_suffix(verb) else { continue };
        if !stem.ends_with(' ') {
            continue;
        }
        return trailing_name(stem.trim_end());
    }
    None
}

/// `s` without a leading `word` (case-insensitive) followed by a non-letter.
fn strip_ci<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let head = s.get(..word.len())?;
    let rest = &s[word.len()..];
    (head.to_lowercase() == word.to_lowercase() && !rest.starts_with(char::is_alphabetic)).then_some(rest)
}

/// Capitalised words at the start of `s` (at most five), up to the first
/// punctuation.
fn leading_name(s: &str) -> Option<String> {
    let mut words = Vec::new();
    for w in s.split(' ').take(5) {
        if HONORIFICS.contains(&w) && words.is_empty() {
            continue;
        }
        if !w.chars().next().is_some_and(char::is_uppercase) {
            break;
        }
        let bare = w.trim_end_matches(|c: char| !c.is_alphanumeric());
        words.push(bare);
        if bare.len() != w.len() {
            break;
        }
    }
    let name = words.join(" ");
    (!name.is_empty()).then_some(name)
}

/// Capitalised words at the end of `s` (at most five), back to the first
/// punctuation; a title before the name is left out.
fn trailing_name(s: &str) -> Option<String> {
    let mut words = Vec::new();
    for (k, w) in s.rsplit(' ').take(5).enumerate() {
        let w = if k == 0 { w.trim_end_matches(|c: char| !c.is_alphanumeric()) } else { w };
        if !w.chars().next().is_some_and(char::is_uppercase) || w.ends_with(|c: char| !c.is_alphanumeric()) {
            break;
        }
        if HONORIFICS.contains(&w) {
            break;
        }
        words.push(w);
    }
    words.reverse();
    let name = words.join(" ");
    (!name.is_empty()).then_some(name)
}

// ---------------------------------------------------------------- entities

/// Titles before a person's name (not part of the name).
const HONORIFICS: &[&str] = &[
    "Sir",
    "Dame",
    "Lord",
    "Lady",
    "Dr",
    "Dr.",
    "Mr",
    "Mr.",
    "Mrs",
    "Mrs.",
    "Ms",
    "Ms.",
    "Prof",
    "Prof.",
    "Bapak",
    "Pak",
    "Ibu",
    "Bu",
    "Sr.",
    "Sra.",
    "Don",
    "Doña",
    "Herr",
    "Frau",
    "Mme",
    "Mevrouw",
    "Meneer",
    "President",
    "Presiden",
    "Menteri",
    "Minister",
    "Senator",
    "Gubernur",
    "Governor",
];
/// Words that make a name an organisation's.
const ORG_MARKERS: &[&str] = &[
    "PT",
    "Yayasan",
    "Inc",
    "Inc.",
    "Ltd",
    "Ltd.",
    "Corp",
    "Corp.",
    "Company",
    "Co.",
    "Foundation",
    "University",
    "Universidad",
    "Universitas",
    "Universiteit",
    "Bank",
    "Ministry",
    "Kementerian",
    "Ministerio",
    "Association",
    "Asociación",
    "Group",
    "Grupo",
    "Party",
    "Partido",
    "Partai",
    "Agency",
    "Badan",
    "Council",
    "Commission",
    "Comisión",
    "Airlines",
    "Airways",
    "Air",
    "News",
    "Times",
    "Post",
    "SA",
    "S.A.",
    "NV",
    "BV",
    "GmbH",
    "AG",
    "Institute",
    "Instituto",
    "Institut",
    "Society",
    "Club",
    "Court",
    "Tribunal",
    "Police",
    "Polisi",
    "Army",
    "Federation",
    "Union",
    "Unión",
    "Committee",
    "Komisi",
    "Department",
    "Departemen",
    "Organization",
    "Organisation",
    "Organización",
];
/// Organisation markers that open a name (`PT Maju Jaya`): a joiner before
/// one ends the name before it.
const LEADING_MARKERS: &[&str] =
    &["PT", "Yayasan", "Universitas", "Kementerian", "Badan", "Komisi", "Partai", "Departemen"];
/// Countries, continents and major cities, in the languages marginote's
/// users write where the names differ. Only those: no names picked from the
/// articles it is tested on.
const PLACES: &[&str] = &[
    "Indonesia",
    "Jakarta",
    "Malaysia",
    "Singapore",
    "Singapura",
    "Australia",
    "China",
    "Tiongkok",
    "Japan",
    "Jepang",
    "Korea",
    "India",
    "Pakistan",
    "Afghanistan",
    "Iran",
    "Iraq",
    "Irak",
    "Syria",
    "Suriah",
    "Siria",
    "Damascus",
    "Israel",
    "Palestine",
    "Palestina",
    "Egypt",
    "Mesir",
    "Turkey",
    "Turki",
    "Russia",
    "Rusia",
    "Moscow",
    "Moskow",
    "Ukraine",
    "Ukraina",
    "Kyiv",
    "Germany",
    "Jerman",
    "Alemania",
    "Berlin",
    "France",
    "Prancis",
    "Francia",
    "Paris",
    "Spain",
    "Spanyol",
    "España",
    "Madrid",
    "Barcelona",
    "Italy",
    "Italia",
    "Rome",
    "Roma",
    "Britain",
    "Inggris",
    "England",
    "London",
    "Londres",
    "Scotland",
    "Ireland",
    "Netherlands",
    "Belanda",
    "Nederland",
    "Amsterdam",
    "Belgium",
    "België",
    "Brussel",
    "Brussels",
    "Bruselas",
    "Europe",
    "Eropa",
    "Europa",
    "America",
    "Amerika",
    "América",
    "United States",
    "United Kingdom",
    "Washington",
    "New York",
    "Chicago",
    "Los Angeles",
    "Canada",
    "Kanada",
    "Mexico",
    "Meksiko",
    "México",
    "Brazil",
    "Brasil",
    "Argentina",
    "Nigeria",
    "Kenya",
    "Africa",
    "Afrika",
    "Asia",
    "Beijing",
    "Shanghai",
    "Hong Kong",
    "Tokyo",
    "Seoul",
    "Bangkok",
    "Thailand",
    "Vietnam",
    "Philippines",
    "Filipina",
    "Manila",
    "Surabaya",
    "Bandung",
    "Valencia",
    "Sevilla",
    "Rotterdam",
    "Россия",
    "Москва",
    "США",
    "Украина",
    "Киев",
    "Афганистан",
];
/// Lower-case words that may join the parts of a name (`Bank of England`).
const JOINERS: &[&str] = &[
    "of", "de", "del", "la", "van", "der", "den", "von", "bin", "binti", "da", "di", "al", "dello", "della",
    "dos", "das",
];
/// Months and days: capitalised in many languages, but no names.
const CALENDAR: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Januari",
    "Februari",
    "Maret",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "Oktober",
    "Desember",
    "Senin",
    "Selasa",
    "Rabu",
    "Kamis",
    "Jumat",
    "Sabtu",
    "Minggu",
    "Enero",
    "Febrero",
    "Marzo",
    "Abril",
    "Mayo",
    "Junio",
    "Julio",
    "Agosto",
    "Septiembre",
    "Octubre",
    "Noviembre",
    "Diciembre",
    "Lunes",
    "Martes",
    "Miércoles",
    "Jueves",
    "Viernes",
    "Sábado",
    "Domingo",
    "Maandag",
    "Dinsdag",
    "Woensdag",
    "Donderdag",
    "Vrijdag",
    "Zaterdag",
    "Zondag",
    "Maart",
    "Augustus",
];
/// Capitalised words that start sentences and are no names.
const NOT_NAMES: &str = "The A An In On At But And Or If When It He She They We This That These Those His Her Their Its \
    Our There Here As For After Before While Dia Ia Para Ini Itu Dan Yang Di Ke Dari Saat Namun \
    Sementara Menurut Jika Saya Kami Kita Seorang Mereka El La Los Las Un Una En Con Por Pero Según \
    De Het Een Die Der Das Ein Eine Le Les Des Du Il Lo Gli I Deze Dit Dat Maar Bij Volgens Terwijl \
    Nochtans Buiten Hij Zij Ook Toch Want Omdat Als Asimismo Aunque Ello Nada Nuestro Nuestra Además \
    También";

/// Whether `w` is one of [`NOT_NAMES`].
fn not_name(w: &str) -> bool {
    NOT_NAMES.split_whitespace().any(|n| n == w)
}

/// A word of the text: its byte range, whether a sentence starts there, and
/// whether it sits in a title-case line (a headline).
struct Word {
    bytes: Range<usize>,
    sentence_start: bool,
    in_title: bool,
    /// On a line of two words or more with no lower-case letter (`CHAPTER
    /// II`, `BOOK ONE: 1805`): a heading, where every word looks like an acronym.
    in_caps: bool,
}

/// The words of the line `line` (no line break inside it) into `out`,
/// headlines marked. A line break opens a sentence, so each line's words
/// are the same found alone as in the whole text.
fn words(text: &str, line: Range<usize>, out: &mut Vec<Word>) {
    out.clear();
    let mut sentence_start = true;
    let mut start: Option<usize> = None;
    let mut last_end = line.start;
    let chars = text[line.clone()].char_indices().map(|(i, c)| (line.start + i, c));
    for (i, c) in chars.chain(std::iter::once((line.end, '\n'))) {
        let inner_mark = matches!(c, '\'' | '’' | '-' | '.')
            && start.is_some()
            && text[i + c.len_utf8().min(text.len() - i)..].starts_with(char::is_alphanumeric);
        if c.is_alphanumeric() || inner_mark {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            // A final dot stays with abbreviations like `Dr.` and `S.A.`.
            let end = if c == '.' && (HONORIFICS.contains(&&text[s..=i]) || text[s..i].contains('.')) {
                i + 1
            } else {
                i
            };
            out.push(Word { bytes: s..end, sentence_start, in_title: false, in_caps: false });
            sentence_start = false;
            last_end = end;
        }
        if i >= last_end && matches!(c, '.' | '!' | '?' | '\n' | ':' | '…' | '。' | '！' | '？') {
            sentence_start = true;
        }
    }
    mark_titles(text, out);
}

/// The lines of `text`, line breaks left out.
fn lines(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = 0;
    text.split('\n').map(move |line| {
        let r = at..at + line.len();
        at = r.end + 1;
        r
    })
}

/// Mark the words of lines written in title case (four words or more, three
/// quarters of them capitalised) or in capitals (two words or more):
/// headlines say nothing about what is a name.
fn mark_titles(text: &str, words: &mut [Word]) {
    let mut i = 0;
    while i < words.len() {
        let line_end =
            text[words[i].bytes.start..].find('\n').map_or(text.len(), |n| words[i].bytes.start + n);
        let j = i + words[i..].iter().take_while(|w| w.bytes.start < line_end).count();
        let caps = words[i..j].iter().filter(|w| capitalised(&text[w.bytes.clone()])).count();
        if j - i >= 4 && caps * 4 >= (j - i) * 3 {
            words[i..j].iter_mut().for_each(|w| w.in_title = true);
        }
        let shouted = |w: &Word| !text[w.bytes.clone()].chars().any(char::is_lowercase);
        let has_letters = words[i..j].iter().any(|w| text[w.bytes.clone()].chars().any(char::is_uppercase));
        if j - i >= 2 && has_letters && words[i..j].iter().all(shouted) {
            words[i..j].iter_mut().for_each(|w| (w.in_title, w.in_caps) = (true, true));
        }
        i = j.max(i + 1);
    }
}

fn capitalised(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

/// Whether `w` is a Roman numeral (`II`, `XIV`, `MMXXII`): a chapter or a
/// regnal number, never a name by itself.
fn roman(w: &str) -> bool {
    let value = |c| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    let Some(digits) = w.chars().map(value).collect::<Option<Vec<u32>>>() else { return false };
    // Written back the standard way, the number must give `w` again.
    let mut n: u32 = 0;
    for (k, d) in digits.iter().enumerate() {
        if digits.get(k + 1).is_some_and(|next| next > d) {
            n = n.wrapping_sub(*d)
        } else {
            n = n.wrapping_add(*d)
        }
    }
    let mut back = String::new();
    let mut rest = n;
    for (v, s) in [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ] {
        while rest >= v && rest < 4000 {
            back.push_str(s);
            rest -= v;
        }
    }
    !w.is_empty() && back == w
}

fn acronym(w: &str) -> bool {
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    (2..=6).contains(&letters) && w.chars().all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '.')
}

/// Names in `text` with a type guess: (bytes, type).
pub fn entities(text: &str) -> Vec<(Range<usize>, &'static str)> {
    let mut out = Vec::new();
    for_each_entity(text, |bytes, t| out.push((bytes, t)));
    out
}

/// [`entities`], one at a time: a line's words are all that is kept of the
/// text besides what it says of each word (a list of every word of a 50 MB
/// text took four times its size).
pub fn for_each_entity(text: &str, mut f: impl FnMut(Range<usize>, &'static str)) {
    let mut words_buf = Vec::new();
    // Words the text writes in lower case somewhere: ordinary words.
    let mut lower: HashSet<&str> = HashSet::new();
    // Words the text capitalises in mid-sentence outside headlines: names.
    let mut named: HashSet<&str> = HashSet::new();
    for line in lines(text) {
        words(text, line, &mut words_buf);
        for w in &words_buf {
            let t = &text[w.bytes.clone()];
            if t.chars().next().is_some_and(char::is_lowercase) {
                lower.insert(t);
            } else if !w.sentence_start && !w.in_title && capitalised(t) {
                named.insert(t);
            }
        }
    }
    for line in lines(text) {
        words(text, line, &mut words_buf);
        names_in_line(text, &words_buf, &Evidence { lower: &lower, named: &named }, &mut f);
    }
}

/// What the whole text says of its words.
struct Evidence<'a> {
    lower: &'a HashSet<&'a str>,
    named: &'a HashSet<&'a str>,
}

/// The names among one line's `words`.
fn names_in_line(text: &str, words: &[Word], ev: &Evidence, f: &mut impl FnMut(Range<usize>, &'static str)) {
    let Evidence { lower, named } = ev;
    let ordinary =
        |w: &str| not_name(w) || CALENDAR.contains(&w) || lower.contains(w.to_lowercase().as_str());
    let mut i = 0;
    while i < words.len() {
        let w = &text[words[i].bytes.clone()];
        if !capitalised(w) {
            i += 1;
            continue;
        }
        // A run of capitalised words, joined by single spaces and joiners.
        let mut j = i + 1;
        while j < words.len() {
            let gap = &text[words[j - 1].bytes.end..words[j].bytes.start];
            let title = &text[words[j].bytes.clone()];
            // A title inside a run starts a new name (`NSPCC Sir Peter Wanless`).
            if gap != " " || words[j].sentence_start || HONORIFICS.contains(&title) {
                break;
            }
            let next = &text[words[j].bytes.clone()];
            if capitalised(next) {
                j += 1;
            } else if JOINERS.contains(&next)
                && !HONORIFICS.contains(&w)
                && words.get(j + 1).is_some_and(|n| {
                    let after = &text[n.bytes.clone()];
                    capitalised(after)
                        && !LEADING_MARKERS.contains(&after)
                        && &text[words[j].bytes.end..n.bytes.start] == " "
                })
            {
                j += 2;
            } else {
                break;
            }
        }
        let run: Vec<&Word> = words[i..j].iter().collect();
        i = j;
        // Titles and sentence-initial ordinary words are not part of the name.
        let mut first = 0;
        let mut person = false;
        while first < run.len() {
            let w = &text[run[first].bytes.clone()];
            if HONORIFICS.contains(&w) {
                person = true;
                first += 1;
            } else if first + 1 < run.len() && (not_name(w) || (run[first].sentence_start && ordinary(w))) {
                // A function word before a name (`Bij Hoverspeed`), or an
                // ordinary word opening the sentence (`Kepala NSPCC`).
                first += 1;
            } else {
                break;
            }
        }
        // Function words after a name (`Geert Sciot Terwijl`) open the next
        // sentence, its full stop lost.
        let mut end = run.len();
        while end > first + 1 && not_name(&text[run[end - 1].bytes.clone()]) {
            end -= 1;
        }
        let run = &run[..end];
        let Some(head) = run.get(first) else { continue };
        let last = run.last().expect("a run has a word");
        let bytes = head.bytes.start..last.bytes.end;
        let name = &text[bytes.clone()];
        let single = first + 1 == run.len();
        if (single && ordinary(name) && !acronym(name)) || (single && roman(name)) {
            continue;
        }
        // Without evidence from elsewhere in the text, a headline word or a
        // lone word opening a sentence is not taken for a name. In a line of
        // capitals every word looks like an acronym: there only the same
        // word written as a name elsewhere counts (`LEO TOLSTOY`, `Leo Tolstoy`).
        let evidence = |w: &&Word| {
            let t = &text[w.bytes.clone()];
            if w.in_caps {
                let mut chars = t.chars();
                let title: String =
                    chars.next().into_iter().chain(chars.flat_map(char::to_lowercase)).collect();
                named.contains(t) || named.contains(title.as_str())
            } else {
                named.contains(t) || acronym(t)
            }
        };
        let in_title = run[first..].iter().any(|w| w.in_title);
        if (in_title && !run[first..].iter().all(evidence))
            || (single && head.sentence_start && !evidence(head) && !PLACES.contains(&name))
        {
            continue;
        }
        let kind = if person {
            "Person"
        } else if run[first..].iter().any(|w| ORG_MARKERS.contains(&&text[w.bytes.clone()])) {
            "Organization"
        } else if PLACES.contains(&name) {
            "Place"
        } else if single && acronym(name) {
            "Organization"
        } else if single {
            "Other"
        } else {
            "Person"
        };
        f(bytes, kind);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus(rel: &str) -> String {
        std::fs::read_to_string(format!("{}/../shared/corpus/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn a_suggestion_keeps_its_range_in_sixteen_bytes() {
        let kind = Arc::new(Kind::Entity("Person".into()));
        let s = Suggestion::new(3..4_000_000_000, Arc::clone(&kind));
        assert_eq!(s.bytes(), 3..4_000_000_000);
        assert_eq!(std::mem::size_of::<Suggestion>(), 16);
    }

    #[test]
    fn quotes_in_eight_languages_and_scripts() {
        // Pairs of quotation marks in each article, counted by hand.
        let expected = [
            ("news/ar-cnn-arabic-syria-damascus.txt", 7),
            ("news/en-cnn-thanksgiving-storm.txt", 20),
            ("news/en-reuters-airasia-qz8501.txt", 6),
            ("news/id-bbc-indonesia-dunia-58476696-mh17.txt", 10),
            ("news/ja-afpbb-nigeria-boko-haram.txt", 6),
            ("news/ko-chey-taewon-roh-soh-yeong-lawsuit.txt", 11),
            ("news/ru-wikinews-nerel-173578-afghanistan-ranger.txt", 9),
            ("news/zh-chinadaily-china-us-summit-experts.txt", 5),
            ("seed/facebook-meta-nspcc-id.txt", 7),
        ];
        for (file, n) in expected {
            let text = corpus(file);
            let found = quotes(&text);
            assert_eq!(found.len(), n, "{file}");
            for q in &found {
                let inner = &text[q.inner.clone()];
                assert!(
                    !inner.starts_with(char::is_whitespace) && !inner.ends_with(char::is_whitespace),
                    "{inner:?}"
                );
            }
        }
    }

    #[test]
    fn apostrophes_are_no_quotes_and_quotes_can_span_paragraphs() {
        let text = "Don’t say ‘never’, he said. “First paragraph.\n\n“Second one,” said Ann Lee.";
        let found: Vec<(&str, Option<String>)> =
            quotes(text).into_iter().map(|q| (&text[q.inner], q.speaker)).collect();
        assert_eq!(
            found,
            [("never", None), ("First paragraph.\n\n“Second one,", Some("Ann Lee".to_owned()))]
        );
    }

    #[test]
    fn speakers_are_read_from_the_text() {
        let text = corpus("seed/facebook-meta-nspcc-id.txt");
        let speakers: Vec<String> = quotes(&text).into_iter().filter_map(|q| q.speaker).collect();
        assert_eq!(speakers, ["Peter Wanless", "Meta"]);
        let text = corpus("news/en-cnn-thanksgiving-storm.txt");
        let speakers: Vec<String> = quotes(&text).into_iter().filter_map(|q| q.speaker).collect();
        assert!(
            speakers.contains(&"Steve Cowan".to_owned()) && speakers.contains(&"Sarah Martini".to_owned())
        );
    }

    #[test]
    fn names_with_their_type_and_without_ordinary_words() {
        let text = corpus("seed/facebook-meta-nspcc-id.txt");
        let found: Vec<(&str, &str)> = entities(&text).into_iter().map(|(r, t)| (&text[r], t)).collect();
        for want in [
            ("Mark Zuckerberg", "Person"),
            ("Nick Clegg", "Person"),
            ("NSPCC", "Organization"),
            ("Meta", "Other"),
        ] {
            assert!(found.contains(&want), "{want:?} in {found:?}");
        }
        for not in ["November", "Minggu", "Senin", "Facebook Tak Bertindak Melawan", "Saya", "Seorang"] {
            assert!(found.iter().all(|(n, _)| *n != not), "{not:?} is no name");
        }
        let text = "Dr. Siti Rahma of PT Maju Jaya met officials in Jakarta and at the UN.";
        let found: Vec<(&str, &str)> = entities(text).into_iter().map(|(r, t)| (&text[r], t)).collect();
        assert_eq!(
            found,
            [
                ("Siti Rahma", "Person"),
                ("PT Maju Jaya", "Organization"),
                ("Jakarta", "Place"),
                ("UN", "Organization")
            ]
        );
    }

    #[test]
    fn headings_in_capitals_and_roman_numerals_are_no_names() {
        let text = "WAR AND PEACE\n\nBy Leo Tolstoy\n\nBOOK ONE: 1805\n\nCHAPTER II\n\nLEO TOLSTOY wrote it by hand. \
                    Louis XIV was king, and the NSPCC said so. Part II follows, a part of the book.";
        let found: Vec<&str> = entities(text).into_iter().map(|(r, _)| &text[r]).collect();
        assert_eq!(found, ["Leo Tolstoy", "LEO TOLSTOY", "Louis XIV", "NSPCC"]);
        for (w, is) in
            [("II", true), ("XIV", true), ("MMXXII", true), ("IIII", false), ("VX", false), ("MIX", true)]
        {
            assert_eq!(roman(w), is, "{w}");
        }
    }

    #[test]
    fn tagged_names_propagate_and_tagged_text_is_not_suggested_again() {
        let text = "Meta said no. The Metaverse is Meta's. Ask Meta.";
        let mut doc = crate::core::document::Document::scratch("a.txt", text);
        let stamp = crate::core::annotation::Stamp { author: "t".into(), now: "n".into() };
        let meta = Annotation::new(&doc.article, 0..4, Kind::Entity("Organization".into()), &stamp);
        doc.change(|f| f.annotations.push(meta));
        let found = suggest(&doc);
        let orgs: Vec<&str> = found
            .iter()
            .filter(|s| *s.kind == Kind::Entity("Organization".into()))
            .map(|s| &text[s.bytes()])
            .collect();
        assert_eq!(orgs, ["Meta", "Meta"], "the other two whole-word Metas; not Metaverse");
        assert!(found.iter().all(|s| s.bytes().start != 0 || !matches!(*s.kind, Kind::Entity(_))));
    }
}
