//! Numbers as articles write them: the two digit-grouping conventions, how to
//! tell which one an article uses, and how to read a tagged statistic.
//!
//! # The two conventions
//!
//! * [`NumberConvention::CommaThousands`] (English, Chinese, Japanese, Korean,
//!   Arabic with ASCII digits…): `1,234,567` and `3.5`.
//! * [`NumberConvention::DotThousands`] (Indonesian, German, Spanish, Dutch,
//!   Russian, …): `1.234.567` and `3,5`. Languages that group with spaces and
//!   write a decimal comma (French, Russian, Polish) are read with this one too:
//!   a space between groups of three digits is a group separator in both.
//!
//! `8.000` is eight thousand in the second and eight in the first, so the
//! convention must come from the article as a whole.
//!
//! # Inference
//!
//! [`infer_convention`] makes one pass over the bytes of the text and lets the
//! numbers vote:
//!
//! * a decimal fraction (`12,5`, `0,3`, `3.5`, `0.25`: one mark and then 1–2
//!   digits, or a leading `0`, or four and more digits) votes strongly for the
//!   convention whose decimal mark it uses;
//! * several groups of three (`1.234.567`, `1,234,567`) or a full
//!   `1.234,5`/`1,234.5` vote strongly for the convention whose group mark
//!   they use;
//! * a single group (`8.000`, `32,000`) votes weakly, since `8.000` could be
//!   an English `8.0` and `1,000` a German `1.0`.
//!
//! Noise is left out: dates and times joined with `/` or `:`, dotted dates
//! (`17.01.2022`, `17.1.`), clock times (`10.30`, `08.00`, `pukul 10.30 WIB`),
//! version numbers (`1.2.3`). When the votes tie (or there are none) the
//! language decides: Cyrillic and Greek text, and Latin-script text whose
//! function words (first [`SAMPLE_WORDS`] words) are mostly those of a
//! comma-decimal language (Indonesian/Malay, German, Spanish, Dutch,
//! Portuguese, French, Italian, Nordic, Turkish, Polish, Vietnamese), give
//! `DotThousands`; everything else (English, Chinese, Japanese, Korean,
//! Arabic…) gives `CommaThousands`.
//!
//! # Statistics
//!
//! [`parse_statistic`] finds the number in a selection (`Rp 3,2 triliun`,
//! `US$4.5 million`, `12,5 persen`, `٣٥ شخصا`), applies scale words, and names
//! its unit: `%`, a currency, or the counted thing (the word after the number).
//! Values are built as decimal text and parsed once with `str::parse::<f64>`,
//! so `3,2 triliun` is exactly `3.2e12`.

use serde::{Deserialize, Serialize};

use super::text::floor_char_boundary;

/// How an article writes digit groups and the decimal mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum NumberConvention {
    /// `1,234.5`: comma groups thousands, dot is the decimal mark (English).
    #[default]
    CommaThousands,
    /// `1.234,5`: dot groups thousands, comma is the decimal mark (Indonesian, German…).
    DotThousands,
}

impl NumberConvention {
    /// A sample number in this convention, for the status line.
    pub fn label(self) -> &'static str {
        match self {
            NumberConvention::CommaThousands => "1,234.5",
            NumberConvention::DotThousands => "1.234,5",
        }
    }

    /// The other convention.
    pub fn toggled(self) -> Self {
        match self {
            NumberConvention::CommaThousands => NumberConvention::DotThousands,
            NumberConvention::DotThousands => NumberConvention::CommaThousands,
        }
    }

    /// The character that separates the whole part from the fraction.
    pub fn decimal_mark(self) -> char {
        match self {
            NumberConvention::CommaThousands => '.',
            NumberConvention::DotThousands => ',',
        }
    }
}

// ---------------------------------------------------------------------------
// Characters of a number
// ---------------------------------------------------------------------------

/// The zero of each Unicode decimal-digit block read besides ASCII: Arabic-Indic,
/// Eastern Arabic-Indic, NKo, Devanagari, Bengali, Gurmukhi, Gujarati, Oriya,
/// Tamil, Telugu, Kannada, Malayalam, Sinhala, Thai, Lao, Tibetan, Myanmar,
/// Khmer, Mongolian and full-width digits.
const DIGIT_ZEROS: &[u32] = &[
    0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6,
    0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x17E0, 0x1810, 0xFF10,
];

/// The value of a decimal digit in any of the scripts read.
fn digit_value(c: char) -> Option<u8> {
    if c.is_ascii_digit() {
        return Some(c as u8 - b'0');
    }
    let code = c as u32;
    DIGIT_ZEROS.iter().find_map(|&zero| code.checked_sub(zero).filter(|&d| d < 10)).map(|d| d as u8)
}

/// A character that may stand between two digits of one number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separator {
    Dot,
    Comma,
    /// Space, no-break space, thin space or narrow no-break space.
    Space,
    /// Swiss `1'234'567`.
    Apostrophe,
    /// U+066B `٫`, always a decimal mark.
    ArabicDecimal,
    /// U+066C `٬`, always a group separator.
    ArabicGroup,
}

impl Separator {
    fn of(c: char) -> Option<Separator> {
        match c {
            '.' => Some(Separator::Dot),
            ',' => Some(Separator::Comma),
            ' ' | '\u{00A0}' | '\u{2009}' | '\u{202F}' => Some(Separator::Space),
            '\'' => Some(Separator::Apostrophe),
            '\u{066B}' => Some(Separator::ArabicDecimal),
            '\u{066C}' => Some(Separator::ArabicGroup),
            _ => None,
        }
    }

    fn is_decimal(self, conv: NumberConvention) -> bool {
        match self {
            Separator::Dot => conv == NumberConvention::CommaThousands,
            Separator::Comma => conv == NumberConvention::DotThousands,
            Separator::ArabicDecimal => true,
            Separator::Space | Separator::Apostrophe | Separator::ArabicGroup => false,
        }
    }
}

/// Split a leading `+`, `-` or `−` (U+2212) off `s`: (is negative, rest).
fn split_sign(s: &str) -> (bool, &str) {
    let mut chars = s.chars();
    match chars.next() {
        Some('-' | '\u{2212}') => (true, chars.as_str()),
        Some('+') => (false, chars.as_str()),
        _ => (false, s),
    }
}

/// Checks digit groups while a number is read left to right.
#[derive(Default)]
struct Grouping {
    /// The separator used between groups, once one was seen.
    separator: Option<Separator>,
    /// Whether the decimal mark was seen.
    decimal: bool,
}

impl Grouping {
    /// Accept a separator that closes a run of `run` digits (`run` > 0).
    fn accept(&mut self, sep: Separator, run: usize, conv: NumberConvention) -> bool {
        if self.decimal {
            return false;
        }
        if sep.is_decimal(conv) {
            self.decimal = true;
            return self.separator.is_none() || run == 3;
        }
        match self.separator {
            None => {
                self.separator = Some(sep);
                run <= 3
            }
            Some(first) => first == sep && run == 3,
        }
    }

    /// Whether a number may end after a last run of `run` digits (`run` > 0).
    fn may_end(&self, run: usize) -> bool {
        self.decimal || self.separator.is_none() || run == 3
    }
}

/// The unsigned number `body` written in `conv` as ASCII decimal text
/// (`"1234.5"`), or None if it is not one well-formed number.
fn decimal_text(body: &str, conv: NumberConvention) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut grouping = Grouping::default();
    let mut run = 0;
    for c in body.chars() {
        if let Some(d) = digit_value(c) {
            out.push(char::from(b'0' + d));
            run += 1;
        } else {
            let sep = Separator::of(c)?;
            if run == 0 || !grouping.accept(sep, run, conv) {
                return None;
            }
            if sep.is_decimal(conv) {
                out.push('.');
            }
            run = 0;
        }
    }
    (run > 0 && grouping.may_end(run)).then_some(out)
}

/// Parse one number written in `conv` (digits with optional sign, group
/// separators, decimal mark). None if it is not a number.
///
/// Surrounding whitespace is ignored. Digits may be ASCII, full-width,
/// Arabic-Indic, Eastern Arabic-Indic or of another Unicode decimal block;
/// spaces (plain, no-break, thin, narrow no-break), `'` and `٬` group digits in
/// either convention and `٫` is always a decimal mark. Groups must be well
/// placed: `1,23,4` is not a number. A number too large for `f64` is infinite.
pub fn parse_number(s: &str, conv: NumberConvention) -> Option<f64> {
    let (negative, body) = split_sign(s.trim());
    let digits = decimal_text(body, conv)?;
    let value: f64 = digits.parse().ok()?;
    Some(if negative { -value } else { value })
}

// ---------------------------------------------------------------------------
// Inference: votes of the numbers
// ---------------------------------------------------------------------------

/// How many words of the text's beginning are read for its language.
pub const SAMPLE_WORDS: usize = 2000;

/// Letters read for the language at most, for texts with long runs of letters.
const SAMPLE_CHARS: usize = 100_000;

/// Weight of a vote that cannot be misread (`12,5`, `1.234.567`, `1,234.5`).
const STRONG: u32 = 2;
/// Weight of a single group of three (`8.000`), which might be a decimal.
const WEAK: u32 = 1;

/// How much of a text the number evidence is read from: a book's first
/// megabyte says as much about its convention as the rest of it.
const EVIDENCE_BYTES: usize = 1 << 20;

/// Infer the convention from an article's text.
///
/// One pass over the bytes (the first megabyte) counts the evidence
/// of the numbers; when it ties, the first [`SAMPLE_WORDS`] words decide by
/// script and function words (see the module documentation). Nothing
/// proportional to the text is allocated.
pub fn infer_convention(text: &str) -> NumberConvention {
    let bytes = text.as_bytes();
    let (dot, comma) = number_votes(&bytes[..bytes.len().min(EVIDENCE_BYTES)]);
    match dot.cmp(&comma) {
        std::cmp::Ordering::Greater => NumberConvention::DotThousands,
        std::cmp::Ordering::Less => NumberConvention::CommaThousands,
        std::cmp::Ordering::Equal => language_convention(text),
    }
}

/// Votes (DotThousands, CommaThousands) of every number written with ASCII
/// digits, `.` and `,`. Bytes of other characters are never ASCII in UTF-8,
/// so scanning bytes is safe.
fn number_votes(bytes: &[u8]) -> (u32, u32) {
    let (mut dot, mut comma) = (0, 0);
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let end = token_end(bytes, i);
        match token_vote(bytes, i, end) {
            Some((NumberConvention::DotThousands, w)) => dot += w,
            Some((NumberConvention::CommaThousands, w)) => comma += w,
            None => {}
        }
        i = end;
    }
    (dot, comma)
}

/// End of the number token starting at `start`: digit runs joined by single
/// `.` or `,`.
fn token_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    while end < bytes.len() {
        if bytes[end].is_ascii_digit() {
            end += 1;
        } else if matches!(bytes[end], b'.' | b',') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
            end += 2;
        } else {
            break;
        }
    }
    end
}

/// Whether `b` joins digit runs in a token.
fn is_mark(b: &u8) -> bool {
    matches!(b, b'.' | b',')
}

/// Which convention the token `bytes[start..end]` speaks for, and how loudly.
fn token_vote(bytes: &[u8], start: usize, end: usize) -> Option<(NumberConvention, u32)> {
    let token = &bytes[start..end];
    let (before, after) = (&bytes[..start], &bytes[end..]);
    if joined_by_date_marks(before, after) {
        return None;
    }
    let mut marks = token.iter().filter(|b| is_mark(b));
    let first_mark = *marks.next()?;
    let mut runs = token.split(is_mark);
    let first = runs.next()?;
    let last = runs.next_back()?;
    let Some(&last_mark) = marks.next_back() else {
        return single_mark_vote(first, first_mark, last, before, after);
    };
    // Several marks: groups of three after a first run of one to three digits.
    if first.len() > 3 || !runs.all(|g| g.len() == 3) {
        return None;
    }
    let groups_agree = marks.all(|&b| b == first_mark);
    match (groups_agree, last_mark == first_mark) {
        // `1.234.567`
        (true, true) => (last.len() == 3).then_some((group_convention(first_mark), STRONG)),
        // `1.234,5`: the last mark is the decimal mark.
        (true, false) => Some((decimal_convention(last_mark), STRONG + 1)),
        // `1.2,3.4`
        (false, _) => None,
    }
}

/// The vote of `int<sep>fraction`, a token with a single mark.
fn single_mark_vote(
    int: &[u8],
    sep: u8,
    fraction: &[u8],
    before: &[u8],
    after: &[u8],
) -> Option<(NumberConvention, u32)> {
    if sep == b'.' && looks_like_time_or_date(int, fraction, before, after) {
        return None;
    }
    let leading_zero = int.first() == Some(&b'0');
    if fraction.len() != 3 || leading_zero {
        // `12,5`, `0,250`, `3.14159`
        Some((decimal_convention(sep), STRONG))
    } else if int.len() <= 3 {
        // `8.000`: thousands, or an English `8.0` written with zeros.
        Some((group_convention(sep), WEAK))
    } else {
        // `1234.567`
        Some((decimal_convention(sep), WEAK))
    }
}

/// The convention in which `sep` groups thousands.
fn group_convention(sep: u8) -> NumberConvention {
    if sep == b'.' { NumberConvention::DotThousands } else { NumberConvention::CommaThousands }
}

/// The convention in which `sep` is the decimal mark.
fn decimal_convention(sep: u8) -> NumberConvention {
    group_convention(sep).toggled()
}

/// Whether a number is part of a date, time or ratio: `17/1/2022`, `10:30`.
fn joined_by_date_marks(before: &[u8], after: &[u8]) -> bool {
    let joined = |mark: Option<&u8>, digit: Option<&u8>| {
        matches!(mark, Some(b'/' | b':')) && digit.is_some_and(u8::is_ascii_digit)
    };
    joined(after.first(), after.get(1)) || joined(before.last(), before.iter().rev().nth(1))
}

/// Whether `int.fraction` (dot-separated) is more likely a clock time
/// (`10.30`, `08.00`) or a dotted date (`17.1.`) than a decimal. Only `0.xx`
/// and money (`$3.50`) keep their vote among clock-shaped tokens: English text
/// that loses a `3.45` this way still wins by its language.
fn looks_like_time_or_date(int: &[u8], fraction: &[u8], before: &[u8], after: &[u8]) -> bool {
    let (Some(h), Some(m)) = (small_number(int), small_number(fraction)) else {
        return false;
    };
    let dotted_date = after.first() == Some(&b'.') && (1..=31).contains(&h) && (1..=12).contains(&m);
    if dotted_date {
        return true;
    }
    let clock = fraction.len() == 2 && h <= 24 && m <= 59 && int != b"0";
    clock && !ends_with_currency_sign(before)
}

/// The value of one or two ASCII digits.
fn small_number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 2 {
        return None;
    }
    Some(digits.iter().fold(0, |n, &d| n * 10 + u32::from(d - b'0')))
}

/// Whether the text before a number ends with `$`, `€`, `£` or `¥` (so `3.50`
/// is money, not a time).
fn ends_with_currency_sign(before: &[u8]) -> bool {
    ["$", "€", "£", "¥"].iter().any(|s| before.ends_with(s.as_bytes()))
}

// ---------------------------------------------------------------------------
// Inference: the language
// ---------------------------------------------------------------------------

/// Common function words of languages, with the convention each language uses.
/// Words frequent in English (`a`, `to`, `is`, `at`, `do`) are left out of the
/// other lists so that English text does not score for them.
const FUNCTION_WORDS: &[(NumberConvention, &[&str])] = &[
    // English
    (
        NumberConvention::CommaThousands,
        &[
            "the", "and", "of", "to", "in", "is", "that", "was", "for", "with", "are", "this", "have",
            "from", "be", "by", "were", "which", "has", "said", "not", "but", "they", "his", "had", "it",
        ],
    ),
    // Indonesian / Malay
    (
        NumberConvention::DotThousands,
        &[
            "yang", "dan", "di", "dengan", "untuk", "tidak", "ini", "itu", "dari", "dalam", "ke", "akan",
            "pada", "juga", "adalah", "oleh", "karena", "telah", "bahwa",
        ],
    ),
    // German
    (
        NumberConvention::DotThousands,
        &[
            "der", "die", "und", "das", "nicht", "mit", "ist", "den", "von", "zu", "sich", "des", "auf",
            "für", "ein", "eine", "dem", "im", "auch", "wird",
        ],
    ),
    // Spanish
    (
        NumberConvention::DotThousands,
        &[
            "el", "la", "de", "que", "y", "los", "del", "las", "por", "en", "con", "una", "se", "para", "es",
            "su", "al",
        ],
    ),
    // Dutch
    (
        NumberConvention::DotThousands,
        &["de", "het", "een", "en", "van", "niet", "dat", "op", "te", "met", "voor", "zijn", "die", "ook"],
    ),
    // Portuguese
    (
        NumberConvention::DotThousands,
        &[
            "o", "os", "de", "do", "da", "dos", "das", "que", "e", "em", "na", "um", "uma", "não", "para",
            "com",
        ],
    ),
    // French
    (
        NumberConvention::DotThousands,
        &[
            "le", "la", "les", "et", "des", "est", "du", "un", "une", "en", "que", "pour", "dans", "pas",
            "sur", "qui", "au",
        ],
    ),
    // Italian
    (
        NumberConvention::DotThousands,
        &[
            "il", "di", "che", "e", "la", "per", "un", "una", "non", "del", "della", "sono", "con", "gli",
            "le",
        ],
    ),
    // Finnish
    (
        NumberConvention::DotThousands,
        &["ja", "on", "ei", "että", "se", "oli", "hän", "mutta", "kun", "tai", "ovat", "myös"],
    ),
    // Swedish, Danish, Norwegian
    (
        NumberConvention::DotThousands,
        &[
            "och", "att", "det", "som", "en", "på", "är", "av", "för", "med", "og", "er", "til", "af",
            "ikke", "inte",
        ],
    ),
    // Turkish
    (
        NumberConvention::DotThousands,
        &["ve", "bir", "bu", "için", "ile", "da", "de", "olarak", "çok", "daha"],
    ),
    // Polish
    (NumberConvention::DotThousands, &["się", "nie", "na", "w", "z", "że", "jest", "jak", "od"]),
    // Vietnamese
    (
        NumberConvention::DotThousands,
        &["và", "của", "là", "các", "có", "được", "trong", "cho", "những", "với", "không"],
    ),
];

/// Letters of the sample by script, and function-word hits by language.
#[derive(Default)]
struct LanguageProfile {
    latin: usize,
    /// Cyrillic and Greek: languages that write a decimal comma.
    cyrillic_greek: usize,
    /// Every other script (Han, kana, Hangul, Arabic, Devanagari…).
    other: usize,
    /// Hits per entry of [`FUNCTION_WORDS`].
    hits: [usize; FUNCTION_WORDS.len()],
}

impl LanguageProfile {
    fn add(&mut self, word: &str) {
        for c in word.chars() {
            match c {
                'a'..='z' | 'A'..='Z' | '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => {
                    self.latin += 1;
                }
                '\u{0370}'..='\u{052F}' => self.cyrillic_greek += 1,
                _ => self.other += 1,
            }
        }
        if word.len() > 8 {
            return;
        }
        for (hits, (_, words)) in self.hits.iter_mut().zip(FUNCTION_WORDS) {
            if words.iter().any(|w| w.eq_ignore_ascii_case(word)) {
                *hits += 1;
            }
        }
    }

    fn letters(&self) -> usize {
        self.latin + self.cyrillic_greek + self.other
    }

    fn convention(&self) -> NumberConvention {
        if self.cyrillic_greek > self.latin && self.cyrillic_greek >= self.other {
            return NumberConvention::DotThousands;
        }
        if self.other > self.latin {
            return NumberConvention::CommaThousands;
        }
        let best = |conv: NumberConvention| {
            FUNCTION_WORDS
                .iter()
                .zip(self.hits)
                .filter(|((c, _), _)| *c == conv)
                .map(|(_, hits)| hits)
                .max()
                .unwrap_or(0)
        };
        if best(NumberConvention::DotThousands) > best(NumberConvention::CommaThousands) {
            NumberConvention::DotThousands
        } else {
            NumberConvention::CommaThousands
        }
    }
}

/// The convention of the language of the text's first words.
fn language_convention(text: &str) -> NumberConvention {
    let mut profile = LanguageProfile::default();
    let words = text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).take(SAMPLE_WORDS);
    for word in words {
        profile.add(word);
        if profile.letters() >= SAMPLE_CHARS {
            break;
        }
    }
    profile.convention()
}

// ---------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------

/// What a tagged statistic says: its value and what it counts or measures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedStatistic {
    /// The number, scale words applied (`3,2 triliun` → `3.2e12`); None when
    /// there is no number, or the digits are a date, time or ratio.
    pub value: Option<f64>,
    /// `%`, a currency (`Rp`, `US$`, `€`…) or the counted thing (`kejahatan`).
    pub unit: Option<String>,
}

/// Read the statistic the user selected: `exact` is the selected text,
/// `following` the article text right after it (only its first word or two
/// are looked at).
///
/// The first number in `exact` is read in `conv`; if it is not well formed
/// there but is in the other convention (`3.5` in an Indonesian article), it is
/// read in that one. Around it: a currency before or after (`Rp`, `US$`, `€`,
/// `USD`, `rupiah`…), scale words after (`ribu`, `million`, `bn`, `juta`, `万`…),
/// percent after (`%`, `persen`, `per cent`…). When the selection ends with the
/// number, scale, percent and currency words are also taken from `following`.
///
/// The unit is `%` for a percentage, else the currency, else the counted
/// thing: the word right after the number in `exact`, or when `exact` ends
/// there, the first word of `following`; function words (`and`, `dan`, `de`…)
/// are not counted things. Without digits, a simple number word (`tiga`,
/// `seven`) gives the value. A date like `17/1/2022` has no value.
pub fn parse_statistic(exact: &str, following: &str, conv: NumberConvention) -> ParsedStatistic {
    let span = find_number(exact, conv).or_else(|| find_number_word(exact));
    let (before, after, text) = match span {
        Some(s) => (&exact[..s.start], &exact[s.end..], s.text),
        None => (exact, "", None),
    };
    let mut currency = currency_before(before);
    let mut suffix = read_suffix(after, currency.is_some());
    let mut percent = before.trim_end().ends_with(['%', '٪']) || suffix.percent;
    currency = currency.or(suffix.currency);
    let mut counted = counted_word(suffix.rest);
    if suffix.rest.trim().is_empty() {
        let more = read_suffix(following, currency.is_some());
        suffix.exponent += more.exponent;
        percent |= more.percent;
        currency = currency.or(more.currency);
        counted = counted_word(more.rest);
    }
    let value = text.and_then(|t| scaled_value(&t, suffix.exponent));
    let unit = if percent {
        Some("%".to_string())
    } else if let Some(code) = currency {
        Some(code.to_string())
    } else {
        counted.map(str::to_string)
    };
    ParsedStatistic { value, unit }
}

/// Every statistic written with digits in `text`: the byte span of the
/// quantity — sign, currency, number, scale and percent words, a range's
/// second number, a date — without the counted noun, and what
/// [`parse_statistic`] reads there (the counted noun becomes the unit).
/// Digits glued to letters (`MH17`, `COVID-19`, `5G`) are names, not numbers.
pub fn find_statistics(text: &str, conv: NumberConvention) -> Vec<(std::ops::Range<usize>, ParsedStatistic)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find(|c: char| digit_value(c).is_some()) {
        let digits = from + found;
        let run_end = digit_run_end(text, digits);
        from = run_end.max(digits + 1);
        let before = text[..digits].chars().next_back();
        let glued_before = before.is_some_and(spaced_letter)
            || (before == Some('-') && text[..digits - 1].chars().next_back().is_some_and(spaced_letter));
        if glued_before {
            continue;
        }
        let Some(number) = find_number(&text[digits..], conv) else { continue };
        let (negative, sign_start) = sign_before(text, digits);
        let mut start = if negative || sign_start < digits { sign_start } else { digits };
        let mut end = digits + number.end;
        let mut fraction = None;
        if let Some((value, fraction_end)) = fraction_at(text, digits, end) {
            // `3/4`: one number over another, and nothing more (a date has three).
            fraction = Some(value);
            end = fraction_end;
        } else if is_date_or_time(&text[end..]) {
            end = date_end(text, end);
        } else {
            let currency_at = currency_start(&text[..start]);
            let after = &text[end..];
            let suffix = read_suffix(after, currency_at.is_some());
            end += after.len() - suffix.rest.len();
            end = text[..end].trim_end().len();
            start = currency_at.unwrap_or(start);
        }
        // A range is read as its first quantity; the unit follows the range.
        let first_end = end;
        end = range_end(text, end, conv);
        if text[end..].chars().next().is_some_and(spaced_letter) {
            from = from.max(end);
            continue;
        }
        let following_end = floor_char_boundary(text, end + 64);
        // A fraction's unit follows it; its value is the quotient.
        let read_end = if fraction.is_some() { digits + number.end } else { first_end };
        let mut parsed = parse_statistic(&text[start..read_end], &text[end..following_end], conv);
        if let Some(v) = fraction {
            parsed.value = Some(if negative { -v } else { v });
        }
        out.push((start..end, parsed));
        from = from.max(end);
    }
    out
}

/// A fraction `a/b` whose numerator is the digits at `digits..end`: its
/// value and end; `None` for anything else (`17/1/2022` is a date).
fn fraction_at(text: &str, digits: usize, end: usize) -> Option<(f64, usize)> {
    let over = text[end..].strip_prefix('/')?;
    let len = over.find(|c: char| digit_value(c).is_none()).unwrap_or(over.len());
    if len == 0
        || over[len..].starts_with(['/', '-', '.', ','])
            && over[len + 1..].starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let value = |s: &str| s.chars().try_fold(0u64, |v, c| Some(v * 10 + u64::from(digit_value(c)?)));
    let (a, b) = (value(&text[digits..end])?, value(&over[..len])?);
    // Small numbers on both sides; `24/7` and `1/2` are fractions, `2014/15` a span of years.
    (b > 0 && b <= 100 && a < 1000).then(|| (a as f64 / b as f64, end + 1 + len))
}

/// A letter of a script that separates words with spaces: digits glued to
/// one are part of a name (`MH17`). Chinese, Japanese and Korean glue
/// numbers to their counters (`31人`, `6억`), so their letters do not count.
fn spaced_letter(c: char) -> bool {
    c.is_alphabetic()
        && !matches!(c,
            '\u{1100}'..='\u{11FF}' | '\u{3040}'..='\u{30FF}' | '\u{3130}'..='\u{318F}' | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}')
}

/// Where a currency that `before` ends with starts (`US$ ` in `… US$ 4.5`).
fn currency_start(before: &str) -> Option<usize> {
    currency_at_end(before).map(|(start, _)| start)
}

/// The end of a date or time whose first number ends at `end`: digits and
/// the `/`, `-`, `:` and `.` between them.
fn date_end(text: &str, mut end: usize) -> usize {
    loop {
        let mut chars = text[end..].chars();
        match (chars.next(), chars.next()) {
            (Some('/' | '-' | ':' | '.'), Some(c)) if digit_value(c).is_some() => {
                end = digit_run_end(text, end + 1);
            }
            _ => return end,
        }
    }
}

/// The end of a range that a number ending at `end` starts (`10-20`,
/// `10 to 20`, `10 hingga 20`); `end` itself when there is none.
fn range_end(text: &str, end: usize, conv: NumberConvention) -> usize {
    let rest = &text[end..];
    let joiner = ["–", "—", "-", " to ", " hingga ", " sampai ", " - ", " – "]
        .iter()
        .find_map(|j| rest.strip_prefix(j).map(|r| (j.len(), r)));
    let Some((len, r)) = joiner else { return end };
    if !r.starts_with(|c: char| digit_value(c).is_some()) {
        return end;
    }
    match find_number(r, conv) {
        Some(n) if n.start == 0 => {
            let second = end + len + n.end;
            let suffix = read_suffix(&text[second..], false);
            let full = second + (text.len() - second - suffix.rest.len());
            text[..full].trim_end().len()
        }
        _ => end,
    }
}

/// Where a number is in a selection, and its value as decimal text.
struct NumberSpan {
    /// Byte range of the number (with its sign) in the selection.
    start: usize,
    end: usize,
    /// Signed ASCII decimal text (`"-3.5"`), None if the digits are no value.
    text: Option<String>,
}

/// The first number written with digits in `s`.
fn find_number(s: &str, conv: NumberConvention) -> Option<NumberSpan> {
    let start = s.find(|c: char| digit_value(c).is_some())?;
    let full_end = digit_run_end(s, start);
    let (negative, sign_start) = sign_before(s, start);
    let mut end = full_end;
    let text = loop {
        let token = &s[start..end];
        if let Some(text) = decimal_text(token, conv).or_else(|| decimal_text(token, conv.toggled())) {
            break Some(text);
        }
        // `2014 300`: two numbers side by side; keep the first.
        match token.rfind(|c| Separator::of(c) == Some(Separator::Space)) {
            Some(i) => end = start + i,
            None => {
                end = full_end;
                break None;
            }
        }
    };
    let text =
        text.filter(|_| !is_date_or_time(&s[end..])).map(|t| if negative { format!("-{t}") } else { t });
    Some(NumberSpan { start: sign_start, end, text })
}

/// End of the digits starting at `start`: digits and single separators
/// followed by a digit.
fn digit_run_end(s: &str, start: usize) -> usize {
    let mut end = start;
    let mut separator_pending = false;
    for (i, c) in s[start..].char_indices() {
        if digit_value(c).is_some() {
            end = start + i + c.len_utf8();
            separator_pending = false;
        } else if Separator::of(c).is_some() && !separator_pending {
            separator_pending = true;
        } else {
            break;
        }
    }
    end
}

/// A sign right before the digits at `start` (not a hyphen inside `MH-17`):
/// (is negative, where the number starts).
fn sign_before(s: &str, start: usize) -> (bool, usize) {
    let head = &s[..start];
    let Some(sign) = head.chars().next_back() else {
        return (false, start);
    };
    if !matches!(sign, '-' | '+' | '\u{2212}') {
        return (false, start);
    }
    let sign_start = start - sign.len_utf8();
    let glued = head[..sign_start].chars().next_back().is_some_and(char::is_alphanumeric);
    if glued { (false, start) } else { (sign != '+', sign_start) }
}

/// Whether the text right after a number continues a date, time or ratio:
/// `/1/2022`, `:30`, `-06-2012`.
fn is_date_or_time(after: &str) -> bool {
    let mut chars = after.chars();
    match chars.next() {
        Some('/' | ':') => chars.next().is_some_and(|c| digit_value(c).is_some()),
        Some('-') => {
            let rest = chars.as_str();
            let digits = rest.find(|c: char| digit_value(c).is_none()).unwrap_or(rest.len());
            let mut tail = rest[digits..].chars();
            digits > 0 && tail.next() == Some('-') && tail.next().is_some_and(|c| digit_value(c).is_some())
        }
        _ => false,
    }
}

/// `text × 10^exponent` as an `f64`, parsed once from decimal text.
fn scaled_value(text: &str, exponent: i32) -> Option<f64> {
    if exponent == 0 { text.parse().ok() } else { format!("{text}e{exponent}").parse().ok() }
}

/// What follows a number: scale words, percent, currency, then the rest.
struct Suffix<'a> {
    exponent: i32,
    percent: bool,
    currency: Option<&'static str>,
    rest: &'a str,
}

/// Read scale words, then a percent sign or word, then a currency off `s`.
fn read_suffix(s: &str, has_currency: bool) -> Suffix<'_> {
    let mut suffix = Suffix { exponent: 0, percent: false, currency: None, rest: s };
    // `mil millones`, `ribu juta`: scale words multiply.
    for _ in 0..3 {
        match take_scale(suffix.rest, has_currency) {
            Some((exponent, rest)) => {
                suffix.exponent += exponent;
                suffix.rest = rest;
            }
            None => break,
        }
    }
    if let Some(rest) = take_percent(suffix.rest) {
        suffix.percent = true;
        suffix.rest = rest;
    } else if let Some((code, rest)) = take_currency(suffix.rest) {
        suffix.currency = Some(code);
        suffix.rest = rest;
    }
    suffix
}

/// Scale words (space-separated) by the power of ten they multiply with.
const SCALE_WORDS: &[(i32, &str)] = &[
    (3, "thousand thousands ribu rb mil tausend tsd duizend mille mila тыс тысяча тысячи тысяч"),
    (
        6,
        "million millions mn juta jt millón millones milhão milhões millionen mio miljoen milione \
         milioni млн миллион миллиона миллионов",
    ),
    (
        9,
        "billion billions bn miliar milyar milliard milliards milliarde milliarden mrd miljard \
         bilhão bilhões млрд миллиард миллиарда миллиардов",
    ),
    (12, "trillion trillions tn trn triliun trilyun billón billones billionen biljoen"),
];

/// Abbreviated scale words whose dot belongs to them (`Mio.`, `jt.`).
const SCALE_ABBREVIATIONS: &[&str] = &["rb", "tsd", "тыс", "jt", "mio", "млн", "mrd", "млрд"];

/// A scale word at the start of `s` (after spaces): (power of ten, rest).
///
/// Single letters count only glued to the number: `5k`, and `$5m`/`$5b` with
/// a currency (a bare `5m` is five metres). CJK scale characters (`万`, `억`)
/// count only glued too.
fn take_scale(s: &str, has_currency: bool) -> Option<(i32, &str)> {
    let trimmed = s.trim_start();
    let glued = trimmed.len() == s.len();
    let first = trimmed.chars().next()?;
    if let Some(exponent) = cjk_scale(first).filter(|_| glued) {
        return Some((exponent, &trimmed[first.len_utf8()..]));
    }
    let word = first_word(trimmed)?;
    let lower = word.to_lowercase();
    let exponent = match lower.as_str() {
        "k" if glued => 3,
        "m" if glued && has_currency => 6,
        "b" if glued && has_currency => 9,
        _ => SCALE_WORDS
            .iter()
            .find(|(_, words)| words.split_whitespace().any(|w| w == lower))
            .map(|&(exponent, _)| exponent)?,
    };
    let rest = &trimmed[word.len()..];
    let rest = match rest.strip_prefix('.') {
        Some(r) if SCALE_ABBREVIATIONS.contains(&lower.as_str()) => r,
        _ => rest,
    };
    Some((exponent, rest))
}

/// The power of ten of a Chinese, Japanese or Korean scale character.
fn cjk_scale(c: char) -> Option<i32> {
    match c {
        '千' | '천' => Some(3),
        '万' | '萬' | '만' => Some(4),
        '亿' | '億' | '억' => Some(8),
        '兆' | '조' => Some(12),
        _ => None,
    }
}

/// Percent signs and words; longer phrases first.
const PERCENT_WORDS: &[&str] = &[
    "per cent",
    "percent",
    "persen",
    "prosen",
    "pct",
    "por ciento",
    "por cento",
    "pour cent",
    "per cento",
    "prozent",
    "procent",
    "процентов",
    "процента",
    "процент",
];

/// A percent sign or word at the start of `s` (after spaces): the rest.
fn take_percent(s: &str) -> Option<&str> {
    let trimmed = s.trim_start();
    if let Some(rest) = trimmed.strip_prefix(['%', '٪', '％']) {
        return Some(rest);
    }
    PERCENT_WORDS.iter().find_map(|w| strip_word(trimmed, w))
}

/// Currencies as written (case-insensitive for letters) and their unit.
/// Longer spellings come before their tails (`US$` before `$`).
const CURRENCIES: &[(&str, &str)] = &[
    ("US$", "US$"),
    ("HK$", "HK$"),
    ("S$", "S$"),
    ("A$", "A$"),
    ("C$", "C$"),
    ("R$", "R$"),
    ("Rp.", "Rp"),
    ("Rp", "Rp"),
    ("Rs.", "Rs"),
    ("Rs", "Rs"),
    ("RM", "RM"),
    ("USD", "USD"),
    ("IDR", "IDR"),
    ("EUR", "EUR"),
    ("GBP", "GBP"),
    ("JPY", "JPY"),
    ("CNY", "CNY"),
    ("$", "$"),
    ("€", "€"),
    ("£", "£"),
    ("¥", "¥"),
    ("₹", "₹"),
    ("₩", "₩"),
    ("₽", "₽"),
];

/// Currency words written after a number, and their unit.
const CURRENCY_WORDS: &[(&str, &str)] =
    &[("rupiah", "Rp"), ("euro", "€"), ("euros", "€"), ("dollar", "$"), ("dollars", "$"), ("dolar", "$")];

/// The currency that `before` (the selection before the number) ends with.
fn currency_before(before: &str) -> Option<&'static str> {
    currency_at_end(before).map(|(_, unit)| unit)
}

/// A currency written at the end of `before` (spaces after it allowed, not a
/// letter before it): where it starts, and its unit.
fn currency_at_end(before: &str) -> Option<(usize, &'static str)> {
    let trimmed = before.trim_end();
    CURRENCIES.iter().find_map(|&(written, unit)| {
        let split = trimmed.len().checked_sub(written.len())?;
        let tail = trimmed.get(split..)?;
        let ends_word = !trimmed[..split].chars().next_back().is_some_and(char::is_alphabetic);
        (tail.eq_ignore_ascii_case(written) && ends_word).then_some((split, unit))
    })
}

/// A currency at the start of `s` (after spaces): (unit, rest).
fn take_currency(s: &str) -> Option<(&'static str, &str)> {
    let trimmed = s.trim_start();
    CURRENCIES
        .iter()
        .chain(CURRENCY_WORDS)
        .find_map(|&(written, unit)| strip_word(trimmed, written).map(|rest| (unit, rest)))
}

/// `s` without a leading `word` (ASCII case-insensitive) that is not the
/// start of a longer word.
fn strip_word<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let head = s.get(..word.len())?;
    let rest = &s[word.len()..];
    let ends_word = !(word.ends_with(char::is_alphabetic) && rest.starts_with(char::is_alphabetic));
    (head.eq_ignore_ascii_case(word) && ends_word).then_some(rest)
}

/// The word at the start of `s` (after spaces): letters of any script, with
/// inner hyphens and apostrophes (`anak-anak`). In scripts written without
/// spaces (Han, kana, Hangul) only the first character, the counter (`人`).
fn first_word(s: &str) -> Option<&str> {
    let trimmed = s.trim_start();
    let first = trimmed.chars().next().filter(|c| c.is_alphabetic())?;
    if is_unspaced_script(first) {
        return Some(&trimmed[..first.len_utf8()]);
    }
    let mut end = 0;
    let mut chars = trimmed.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let joins =
            matches!(c, '-' | '\'' | '’') && chars.peek().is_some_and(|&(_, next)| next.is_alphabetic());
        if !(c.is_alphabetic() || joins) || (c.is_alphabetic() && is_unspaced_script(c)) {
            break;
        }
        end = i + c.len_utf8();
    }
    Some(&trimmed[..end])
}

/// The counted thing at the start of `s`: its first word that is not a
/// function word, unless a blank line (a new paragraph) comes first.
fn counted_word(s: &str) -> Option<&str> {
    let gap = &s[..s.len() - s.trim_start().len()];
    if gap.matches('\n').count() >= 2 {
        return None;
    }
    first_word(s).filter(|w| !is_stopword(w))
}

/// Han, Hiragana, Katakana and Hangul: scripts written without spaces.
fn is_unspaced_script(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{1100}'..='\u{11FF}'
        | '\u{3130}'..='\u{318F}')
}

/// Function words that are never the counted thing, by language.
const STOPWORDS: &[&[&str]] = &[
    // English
    &[
        "a", "an", "and", "or", "the", "of", "in", "to", "at", "on", "by", "for", "from", "with", "as", "is",
        "are", "was", "were", "be", "been", "that", "this", "than", "more", "less", "about", "over", "under",
        "into", "since", "after", "before", "but", "if", "it", "its", "which", "who", "so", "not", "per",
        "up", "out",
    ],
    // Indonesian / Malay
    &[
        "dan", "atau", "yang", "di", "ke", "dari", "untuk", "pada", "dengan", "dalam", "ini", "itu", "oleh",
        "sebagai", "akan", "adalah", "juga", "lebih", "tidak", "sejak", "hingga", "sampai", "bagi", "telah",
        "sudah",
    ],
    // Spanish
    &[
        "y", "o", "de", "del", "la", "el", "en", "los", "las", "un", "una", "que", "por", "para", "con",
        "al", "se", "es",
    ],
    // German
    &[
        "und", "oder", "der", "die", "das", "den", "dem", "des", "im", "mit", "von", "zu", "auf", "für",
        "ist", "ein", "eine",
    ],
    // Dutch
    &["of", "het", "een", "van", "op", "te", "met", "voor"],
    // French
    &["et", "ou", "le", "les", "des", "du", "à", "au", "aux", "pour", "par", "sur", "est"],
    // Portuguese
    &["e", "os", "as", "do", "da", "dos", "das", "em", "no", "na", "um", "uma", "com"],
    // Italian
    &["il", "di", "che", "gli"],
    // Russian
    &["и", "в", "на", "с", "по", "из", "к", "о", "от", "для", "до"],
];

/// Whether `word` is a function word (any case).
fn is_stopword(word: &str) -> bool {
    let lower = word.to_lowercase();
    STOPWORDS.iter().any(|list| list.contains(&lower.as_str()))
}

/// Simple number words (English, Indonesian) and their value.
const NUMBER_WORDS: &[(&str, u32)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("dozen", 12),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("hundred", 100),
    ("satu", 1),
    ("dua", 2),
    ("tiga", 3),
    ("empat", 4),
    ("lima", 5),
    ("enam", 6),
    ("tujuh", 7),
    ("delapan", 8),
    ("sembilan", 9),
    ("sepuluh", 10),
    ("sebelas", 11),
    ("seratus", 100),
    ("seribu", 1000),
    ("sejuta", 1_000_000),
];

/// The first simple number word in `s` (`tiga bulan`), when it has no digits.
fn find_number_word(s: &str) -> Option<NumberSpan> {
    let mut word_start = None;
    for (i, c) in s.char_indices().chain([(s.len(), ' ')]) {
        if c.is_alphabetic() {
            word_start.get_or_insert(i);
            continue;
        }
        let Some(start) = word_start.take() else {
            continue;
        };
        let word = &s[start..i];
        let value =
            NUMBER_WORDS.iter().find(|(w, _)| w.eq_ignore_ascii_case(word)).map(|(_, v)| v.to_string());
        if value.is_some() {
            return Some(NumberSpan { start, end: i, text: value });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_are_found_with_their_quantity_span() {
        let found = |text: &str, conv| -> Vec<(String, Option<f64>, Option<String>)> {
            find_statistics(text, conv)
                .into_iter()
                .map(|(r, p)| (text[r].to_owned(), p.value, p.unit))
                .collect()
        };
        let dot = NumberConvention::DotThousands;
        let comma = NumberConvention::CommaThousands;
        let s = |x: &str| Some(x.to_owned());
        assert_eq!(
            found("Melawan 8.000 Kejahatan, 24 anak, Rp 3,2 triliun dan 12,5 persen pada 17/1/2022.", dot),
            [
                ("8.000".into(), Some(8000.0), s("Kejahatan")),
                ("24".into(), Some(24.0), s("anak")),
                ("Rp 3,2 triliun".into(), Some(3.2e12), s("Rp")),
                ("12,5 persen".into(), Some(12.5), s("%")),
                ("17/1/2022".into(), None, None),
            ]
        );
        assert_eq!(
            found("It cost US$4.5 million, -3 degrees, 10-20 people and 2022-01-16; 49 percent.", comma),
            [
                ("US$4.5 million".into(), Some(4.5e6), s("US$")),
                ("-3".into(), Some(-3.0), s("degrees")),
                ("10-20".into(), Some(10.0), s("people")),
                ("2022-01-16".into(), None, None),
                ("49 percent".into(), Some(49.0), s("%")),
            ]
        );
        assert!(found("Flight MH17, COVID-19 and 5G networks; G20.", comma).is_empty(), "names, not numbers");
        assert_eq!(
            found("3/4 voters, and 1/2 cup on 17/1/2022", comma),
            [
                ("3/4".into(), Some(0.75), s("voters")),
                ("1/2".into(), Some(0.5), s("cup")),
                ("17/1/2022".into(), None, None)
            ]
        );
        assert_eq!(
            found("عدد ٣٠٠ شخص. １２３人", comma).iter().map(|f| f.1).collect::<Vec<_>>(),
            [Some(300.0), Some(123.0)]
        );
        assert_eq!(found("1\u{2009}234\u{2009}567 euros", comma)[0].1, Some(1_234_567.0));
    }

    #[test]
    fn every_number_in_the_news_is_found() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/news");
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let conv = infer_convention(&text);
            let spans = find_statistics(&text, conv);
            // Every digit outside names (`MH17`) is inside a found span.
            for (i, c) in text.char_indices() {
                if digit_value(c).is_none() {
                    continue;
                }
                let word_start = text[..i].rfind(|c: char| c.is_whitespace()).map_or(0, |w| w + 1);
                let in_name = text[word_start..i].chars().any(spaced_letter);
                let covered = spans.iter().any(|(r, _)| r.contains(&i));
                assert!(
                    covered || in_name,
                    "{:?} at {i}",
                    &text[word_start..floor_char_boundary(&text, i + 20)]
                );
            }
        }
    }

    use NumberConvention::{CommaThousands as Comma, DotThousands as Dot};

    const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/");

    fn corpus(path: &str) -> String {
        let full = format!("{CORPUS}{path}");
        std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
    }

    /// Assert what `parse_statistic` reads from a selection and its following text.
    #[track_caller]
    fn check(exact: &str, following: &str, conv: NumberConvention, value: Option<f64>, unit: Option<&str>) {
        let parsed = parse_statistic(exact, following, conv);
        assert_eq!((parsed.value, parsed.unit.as_deref()), (value, unit), "{exact:?} + {following:?}");
    }

    // --- the convention type -------------------------------------------------

    #[test]
    fn labels_and_toggle() {
        assert_eq!(Comma.label(), "1,234.5");
        assert_eq!(Dot.label(), "1.234,5");
        assert_eq!(Comma.toggled(), Dot);
        assert_eq!(Dot.toggled(), Comma);
        assert_eq!(NumberConvention::default(), Comma);
        assert_eq!(Dot.decimal_mark(), ',');
        assert_eq!(Comma.decimal_mark(), '.');
    }

    #[test]
    fn convention_round_trips_through_ron() {
        for conv in [Comma, Dot] {
            let text = ron::to_string(&conv).unwrap();
            assert_eq!(ron::from_str::<NumberConvention>(&text).unwrap(), conv);
        }
        assert_eq!(ron::to_string(&Dot).unwrap(), "DotThousands");
    }

    // --- parse_number ------------------------------------------------------

    #[test]
    fn dot_thousands_numbers() {
        assert_eq!(parse_number("8.000", Dot), Some(8000.0));
        assert_eq!(parse_number("3.000", Dot), Some(3000.0));
        assert_eq!(parse_number("12,5", Dot), Some(12.5));
        assert_eq!(parse_number("1.234.567,89", Dot), Some(1_234_567.89));
        assert_eq!(parse_number("-3,5", Dot), Some(-3.5));
        assert_eq!(parse_number("0,25", Dot), Some(0.25));
        assert_eq!(parse_number("1234,5", Dot), Some(1234.5));
    }

    #[test]
    fn comma_thousands_numbers() {
        assert_eq!(parse_number("3.500", Comma), Some(3.5));
        assert_eq!(parse_number("1,234,567", Comma), Some(1_234_567.0));
        assert_eq!(parse_number("3.5", Comma), Some(3.5));
        assert_eq!(parse_number("1,234.5", Comma), Some(1234.5));
        assert_eq!(parse_number("+7", Comma), Some(7.0));
        assert_eq!(parse_number("\u{2212}2.25", Comma), Some(-2.25));
    }

    #[test]
    fn plain_integers_in_both_conventions() {
        for conv in [Comma, Dot] {
            assert_eq!(parse_number("60", conv), Some(60.0));
            assert_eq!(parse_number(" 60 ", conv), Some(60.0));
            assert_eq!(parse_number("007", conv), Some(7.0));
        }
    }

    #[test]
    fn space_like_group_separators() {
        for conv in [Comma, Dot] {
            assert_eq!(parse_number("1 234 567", conv), Some(1_234_567.0));
            assert_eq!(parse_number("1\u{2009}234", conv), Some(1234.0));
            assert_eq!(parse_number("1\u{00A0}234\u{00A0}567", conv), Some(1_234_567.0));
            assert_eq!(parse_number("12\u{202F}345", conv), Some(12345.0));
            assert_eq!(parse_number("1'234'567", conv), Some(1_234_567.0));
            assert_eq!(parse_number("1 23", conv), None);
            assert_eq!(parse_number("1234 567", conv), None);
        }
        assert_eq!(parse_number("1 234,5", Dot), Some(1234.5));
        assert_eq!(parse_number("1 234.5", Comma), Some(1234.5));
    }

    #[test]
    fn other_digit_scripts() {
        for conv in [Comma, Dot] {
            assert_eq!(parse_number("１２３", conv), Some(123.0));
            assert_eq!(parse_number("٣٥", conv), Some(35.0));
            assert_eq!(parse_number("۳۵", conv), Some(35.0));
            assert_eq!(parse_number("٣٥٫٥", conv), Some(35.5));
            assert_eq!(parse_number("١٬٢٣٤٬٥٦٧", conv), Some(1_234_567.0));
            assert_eq!(parse_number("१२३", conv), Some(123.0));
        }
    }

    #[test]
    fn misplaced_separators_are_not_numbers() {
        assert_eq!(parse_number("1,23,4", Comma), None);
        assert_eq!(parse_number("1.23.4", Dot), None);
        assert_eq!(parse_number("1234,567", Comma), None);
        assert_eq!(parse_number("1.234,5.6", Dot), None);
        assert_eq!(parse_number("1,5,000", Dot), None);
        assert_eq!(parse_number("3.5", Dot), None);
        assert_eq!(parse_number("12,5", Comma), None);
        assert_eq!(parse_number("1,,000", Comma), None);
        assert_eq!(parse_number("1.234 567", Dot), None);
    }

    #[test]
    fn non_numbers() {
        for conv in [Comma, Dot] {
            for s in ["abc", "", " ", "-", "+", ".", ",", "5.", ",5", "1e5", "12abc", "--1", "١٫", "- 1"] {
                assert_eq!(parse_number(s, conv), None, "{s:?}");
            }
        }
    }

    #[test]
    fn huge_numbers_do_not_panic() {
        let digits = "9".repeat(400);
        assert_eq!(parse_number(&digits, Comma), Some(f64::INFINITY));
        let small = format!("0.{}1", "0".repeat(400));
        assert_eq!(parse_number(&small, Comma), Some(0.0));
    }

    #[test]
    fn values_are_exact_decimals() {
        assert_eq!(parse_number("0,1", Dot), Some(0.1));
        assert_eq!(parse_number("1.000.000,3", Dot), Some(1_000_000.3));
        assert_eq!(parse_number("2,000,000.000001", Comma), Some(2_000_000.000_001));
    }

    // --- infer_convention --------------------------------------------------

    #[test]
    fn decimal_evidence_decides() {
        assert_eq!(infer_convention("Inflasi naik 12,5 dan 0,3 poin."), Dot);
        assert_eq!(infer_convention("Inflation rose 3.5 and 0.25 points."), Comma);
        assert_eq!(infer_convention("The rate was 2,5 in Berlin."), Dot);
        assert_eq!(infer_convention("Angka 3.5 dan 4.75 disebut."), Comma);
        assert_eq!(infer_convention("pi is 3.14159"), Comma);
    }

    #[test]
    fn group_evidence_decides() {
        assert_eq!(infer_convention("the 1.234.567 people"), Dot);
        assert_eq!(infer_convention("und 1,234,567 Leute"), Comma);
        assert_eq!(infer_convention("the 8.000 cases"), Dot);
        assert_eq!(infer_convention("die 32,000 Fälle"), Comma);
        assert_eq!(infer_convention("1.234,5 and 1,234.5 and 1.234,5"), Dot);
    }

    #[test]
    fn decimals_outweigh_single_groups() {
        // `8.000` might be an English 8.0; a real `3.5` settles it.
        assert_eq!(infer_convention("8.000 and 3.000, but 3.5"), Comma);
        assert_eq!(infer_convention("1,000 und 2,000 aber 2,5"), Dot);
    }

    #[test]
    fn dates_and_times_are_noise() {
        let id = "Rapat pada 17/1/2022 pukul 10.30 WIB di Jakarta dan yang lain";
        assert_eq!(infer_convention(id), Dot);
        assert_eq!(infer_convention("Rapat 08.00 dengan yang ada di sini"), Dot);
        assert_eq!(infer_convention("Sitzung am 17.01.2022 und die der das"), Dot);
        assert_eq!(infer_convention("Sitzung am 17.1. und die der das"), Dot);
        assert_eq!(infer_convention("version 1.2.3 of the thing"), Comma);
        assert_eq!(infer_convention("dimulai 10.30 hingga 12.15 di kantor yang baru"), Dot);
        assert_eq!(infer_convention("at 10:30 and 12:45 the"), Comma);
    }

    #[test]
    fn money_with_two_decimals_is_not_a_time() {
        assert_eq!(infer_convention("Harganya $3.50 dan yang lain di sini"), Comma);
    }

    #[test]
    fn no_evidence_uses_the_language() {
        let cases = [
            ("Polisi mengatakan bahwa korban yang ada di rumah itu tidak ditemukan.", Dot),
            ("Die Polizei sagt, dass das Opfer nicht mit dem Auto gefahren ist.", Dot),
            ("La policía dijo que el hombre y los niños de la casa están bien.", Dot),
            ("De politie zegt dat het slachtoffer niet van de auto is gevallen.", Dot),
            ("A polícia disse que o homem não estava em casa com os filhos.", Dot),
            ("La police a dit que les enfants et le père sont dans la maison.", Dot),
            ("La polizia ha detto che il bambino non era della famiglia.", Dot),
            ("Полиция сообщила, что пострадавших нет.", Dot),
            ("The police said that the victim was not in the house.", Comma),
            ("警方表示，房屋内没有受害者。", Comma),
            ("警察によると、家の中に被害者はいなかった。", Comma),
            ("قالت الشرطة إن الضحية لم تكن في المنزل", Comma),
            ("경찰은 집 안에 피해자가 없었다고 말했다.", Comma),
            ("", Comma),
            ("12345 67", Comma),
        ];
        for (text, conv) in cases {
            assert_eq!(infer_convention(text), conv, "{text}");
        }
    }

    #[test]
    fn corpus_indonesian_seed_is_dot_thousands() {
        let text = corpus("seed/facebook-meta-nspcc-id.txt");
        assert!(text.contains("8.000") && text.contains("3.000"));
        assert_eq!(infer_convention(&text), Dot);
    }

    #[test]
    fn corpus_news_conventions() {
        let cases = [
            ("news/id-bbc-indonesia-dunia-58476696-mh17.txt", Dot),
            ("news/en-cnn-thanksgiving-storm.txt", Comma),
            ("news/en-reuters-airasia-qz8501.txt", Comma),
            ("news/es-infanta-cristina-caso-noos.txt", Dot),
            ("news/ru-wikinews-nerel-173578-afghanistan-ranger.txt", Dot),
            ("news/zh-chinadaily-china-us-summit-experts.txt", Comma),
            ("news/zh-hongkong-leung-chun-ying-apology.txt", Comma),
            ("news/ja-afpbb-nigeria-boko-haram.txt", Comma),
            ("news/ar-cnn-arabic-syria-damascus.txt", Comma),
            ("news/ko-chey-taewon-roh-soh-yeong-lawsuit.txt", Comma),
        ];
        for (path, conv) in cases {
            assert_eq!(infer_convention(&corpus(path)), conv, "{path}");
        }
    }

    #[test]
    fn corpus_brat_texts_conventions() {
        let cases = [
            ("brat/conll2002-esp.train-doc-46.txt", Dot),
            ("brat/conll2002-ned.train-doc-123.txt", Dot),
            ("brat/tdt-finnish-wn071.txt", Dot),
            ("brat/nerel-ru-dev-192856_text.txt", Dot),
            ("brat/nerel-ru-dev-598195_text.txt", Dot),
            ("brat/pgxcorpus-10070957_8.txt", Comma),
            ("brat/ncbi-disease-PMID-495634.txt", Comma),
            ("brat/brat-tutorial-news-000-introduction.txt", Comma),
        ];
        for (path, conv) in cases {
            assert_eq!(infer_convention(&corpus(path)), conv, "{path}");
        }
    }

    #[test]
    fn corpus_big_book_is_fast_and_comma_thousands() {
        let text = corpus("big/war-and-peace-gutenberg-2600.txt");
        let started = std::time::Instant::now();
        assert_eq!(infer_convention(&text), Comma);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    // --- parse_statistic ---------------------------------------------------

    #[test]
    fn statistic_counted_thing_from_following() {
        check("8.000", " kejahatan seks anak", Dot, Some(8000.0), Some("kejahatan"));
        check("24", " anak dipersiapkan", Dot, Some(24.0), Some("anak"));
        check("60", " kelompok menulis", Dot, Some(60.0), Some("kelompok"));
        check("3.000", " kata pada", Dot, Some(3000.0), Some("kata"));
        check("1,234,567", " people", Comma, Some(1_234_567.0), Some("people"));
    }

    #[test]
    fn statistic_counted_thing_inside_exact() {
        check("24 anak", " dipersiapkan", Dot, Some(24.0), Some("anak"));
        check("24 anak-anak", "", Dot, Some(24.0), Some("anak-anak"));
        check("sekitar 8.000 kejahatan", " seks", Dot, Some(8000.0), Some("kejahatan"));
        check("298 orang", ".", Dot, Some(298.0), Some("orang"));
        check("8.000", "\n\nPolisi", Dot, Some(8000.0), None);
        check("8.000", "\r\n\r\nPolisi", Dot, Some(8000.0), None);
        check("8.000", "\nkejahatan", Dot, Some(8000.0), Some("kejahatan"));
    }

    #[test]
    fn statistic_stopword_is_no_unit() {
        check("3.500", " and", Comma, Some(3.5), None);
        check("40", " dan 50", Dot, Some(40.0), None);
        check("27", " de junio", Dot, Some(27.0), None);
        check("5", " The", Comma, Some(5.0), None);
        check("8.000,", " kejahatan", Dot, Some(8000.0), None);
        check("12", "", Dot, Some(12.0), None);
        check("12", ", 13", Dot, Some(12.0), None);
    }

    #[test]
    fn statistic_percent() {
        check("12,5 persen", "", Dot, Some(12.5), Some("%"));
        check("3.5%", "", Comma, Some(3.5), Some("%"));
        check("67%", ".", Comma, Some(67.0), Some("%"));
        check("65 %", " избирателей", Dot, Some(65.0), Some("%"));
        check("4 per cent", " of", Comma, Some(4.0), Some("%"));
        check("4 percent", "", Comma, Some(4.0), Some("%"));
        check("7 prosen", "", Dot, Some(7.0), Some("%"));
        check("٣٥٪", "", Comma, Some(35.0), Some("%"));
        check("2,5 Prozent", "", Dot, Some(2.5), Some("%"));
        check("%50", "", Dot, Some(50.0), Some("%"));
        check("12,5", " persen dari", Dot, Some(12.5), Some("%"));
        check("3 percentage", " points", Comma, Some(3.0), Some("percentage"));
    }

    #[test]
    fn statistic_currency() {
        check("Rp 3,2 triliun", " untuk", Dot, Some(3.2e12), Some("Rp"));
        check("Rp. 3.000", " per", Dot, Some(3000.0), Some("Rp"));
        check("Rp3.000", "", Dot, Some(3000.0), Some("Rp"));
        check("US$4.5 million", " in aid", Comma, Some(4.5e6), Some("US$"));
        check("$100", " bill", Comma, Some(100.0), Some("$"));
        check("€5", "", Dot, Some(5.0), Some("€"));
        check("£2.5bn", "", Comma, Some(2.5e9), Some("£"));
        check("¥300", "", Comma, Some(300.0), Some("¥"));
        check("5 €", "", Dot, Some(5.0), Some("€"));
        check("100 USD", "", Comma, Some(100.0), Some("USD"));
        check("IDR 5.000", "", Dot, Some(5000.0), Some("IDR"));
        check("EUR 12,50", "", Dot, Some(12.5), Some("EUR"));
        check("3,2 triliun rupiah", "", Dot, Some(3.2e12), Some("Rp"));
        check("$5m", "", Comma, Some(5e6), Some("$"));
        check("USD", "", Comma, None, Some("USD"));
    }

    #[test]
    fn statistic_scale_words() {
        check("5 ribu", " orang", Dot, Some(5000.0), Some("orang"));
        check("2,5 juta", " penduduk", Dot, Some(2.5e6), Some("penduduk"));
        check("7 miliar", "", Dot, Some(7e9), None);
        check("7 milyar", "", Dot, Some(7e9), None);
        check("1,5 triliun", "", Dot, Some(1.5e12), None);
        check("4.5bn", "", Comma, Some(4.5e9), None);
        check("3 mn", " barrels", Comma, Some(3e6), Some("barrels"));
        check("10k", " runners", Comma, Some(1e4), Some("runners"));
        check("2 thousand", " people", Comma, Some(2000.0), Some("people"));
        check("3 trillion", "", Comma, Some(3e12), None);
        check("8", " million people", Comma, Some(8e6), Some("people"));
        check("3 mil millones", " de euros", Dot, Some(3e9), None);
        check("2,5 Mio.", " Euro", Dot, Some(2.5e6), Some("€"));
        check("5m", " away", Comma, Some(5.0), Some("m"));
    }

    #[test]
    fn statistic_cjk_counters_and_scales() {
        check("31人", "が死亡した", Comma, Some(31.0), Some("人"));
        check("31", "人が死亡した", Comma, Some(31.0), Some("人"));
        check("1000억원", "", Comma, Some(1e11), Some("원"));
        check("3万", "人", Comma, Some(30000.0), Some("人"));
    }

    #[test]
    fn statistic_arabic_digits() {
        check("٣٥", " شخصا قتلوا", Comma, Some(35.0), Some("شخصا"));
        check("٣٥ شخصا", "", Comma, Some(35.0), Some("شخصا"));
        check("۳۵", "", Comma, Some(35.0), None);
    }

    #[test]
    fn statistic_reads_the_other_convention_when_it_must() {
        check("3.5", " persen", Dot, Some(3.5), Some("%"));
        check("12,5", " percent", Comma, Some(12.5), Some("%"));
        check("1,23,4", "", Comma, None, None);
    }

    #[test]
    fn statistic_sign() {
        check("-3,5 persen", "", Dot, Some(-3.5), Some("%"));
        check("\u{2212}2", " degrees", Comma, Some(-2.0), Some("degrees"));
        check("MH-17", "", Comma, Some(17.0), None);
    }

    #[test]
    fn statistic_dates_have_no_value() {
        // A date or time is not a quantity: value None, never a panic.
        check("17/1/2022", "", Dot, None, None);
        check("(17/1/2022)", " lalu", Dot, None, None);
        check("27-06-2012", "", Dot, None, None);
        check("08:00", " WIB", Dot, None, None);
        check("10-20", " orang", Dot, Some(10.0), None);
    }

    #[test]
    fn statistic_number_words() {
        check("tiga", " bulan", Dot, Some(3.0), Some("bulan"));
        check("tiga juta orang", "", Dot, Some(3e6), Some("orang"));
        check("seven", " people", Comma, Some(7.0), Some("people"));
        check("banyak", " orang", Dot, None, Some("orang"));
    }

    #[test]
    fn statistic_two_numbers_side_by_side() {
        check("2014 300", " people", Comma, Some(2014.0), None);
        check("1 234 567", " people", Comma, Some(1_234_567.0), Some("people"));
    }

    #[test]
    fn statistic_empty_and_odd() {
        assert_eq!(parse_statistic("", "", Dot), ParsedStatistic::default());
        check("...", "", Dot, None, None);
        check("8.000", "   ", Dot, Some(8000.0), None);
    }

    #[test]
    fn nothing_panics_on_odd_input() {
        let pieces = [
            "", " ", ".", ",", "-", "+", "\u{2212}", "%", "$", "Rp", "US$", "1", "12", "123", "1234", "٫",
            "٬", "٣", "１", "\u{00A0}", "\u{202F}", "'", "/", ":", "k", "bn", "juta", "人", "万", "억", "é",
            "\u{0301}", "a", "the", "persen", "per cent", "\n", "\u{FEFF}", "𝟙", "🙂",
        ];
        let long_digits = "9".repeat(1000);
        let long_grouped = format!("1{}", ".000".repeat(200));
        let mut inputs: Vec<String> = vec![long_digits, long_grouped, "0.".repeat(500)];
        for a in pieces {
            for b in pieces {
                for c in ["", "5", ".5", ",000"] {
                    inputs.push(format!("{a}{b}{c}"));
                    inputs.push(format!("{c}{a}{b}"));
                }
            }
        }
        for input in &inputs {
            for conv in [Comma, Dot] {
                let _ = parse_number(input, conv);
                let _ = parse_statistic(input, input, conv);
                let _ = parse_statistic(input, "", conv);
                let _ = infer_convention(input);
            }
        }
        let huge = parse_statistic(&"9".repeat(400), " juta", Dot);
        assert_eq!(huge.value, Some(f64::INFINITY));
    }
}
