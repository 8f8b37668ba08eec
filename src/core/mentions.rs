//! Mentions: the other whole-word occurrences of texts the user tagged,
//! found where they are asked for (a page on screen, the next one after the
//! cursor) and never listed for the whole text. A name tagged in a book can
//! occur tens of thousands of times; a list of every mention of every
//! tagged text was most of the memory a book's suggestions took.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::Arc;

use super::annotation::{Annotation, Kind};
use super::suggest::Suggestion;
use super::text::ceil_char_boundary;

/// The texts to find, each with the kind its mentions are suggested as.
///
/// Compact, because a book has thousands of tagged texts and this is
/// rebuilt whenever one is added: the texts are one string, a pattern is
/// two `u32`s, and the lookup tables map a word's hash to a run of pattern
/// numbers (a hash that two words share only adds candidates, each checked
/// against the text). For War and Peace's 5,000 annotations that is 250 KB
/// in six blocks, against 607 KB in 12,000 with a `String` per text and per
/// word.
#[derive(Debug, Clone, Default)]
pub struct Mentions {
    /// Every pattern's text, one after another, in pattern order.
    texts: String,
    /// Sorted by text, then kind name and entity type; no two alike.
    patterns: Vec<Pattern>,
    /// The patterns' kinds: one per entity type, shared by its names.
    kinds: Vec<Arc<Kind>>,
    /// The patterns by their first word (or first character, when it is
    /// not a letter or digit): a mention starts where a word does, so a
    /// region is looked up a word at a time. (An Aho-Corasick automaton
    /// stopped at every `a` and `he` inside other words: 130 µs for 6 KB of
    /// War and Peace with 3,386 texts tagged, against 85 µs this way.)
    heads: Table,
    /// Patterns of two words or more, by their first two words (see
    /// [`key_of`]): a common first word (`the`) does not try them all.
    pairs: Table,
    /// The longest pattern, in bytes: how far before a region a mention
    /// that reaches into it can start.
    longest: usize,
    /// Whether a pattern starts with something other than a letter or digit
    /// (then every other character is looked up too).
    odd_heads: bool,
}

/// One text to find: where its text ends in [`Mentions::texts`] (it starts
/// where the one before ends) and its kind in [`Mentions::kinds`].
#[derive(Debug, Clone, Copy)]
struct Pattern {
    end: u32,
    kind: u32,
}

/// Pattern numbers by the hash of a key (a word, or two).
#[derive(Debug, Clone, Default)]
struct Table {
    /// Hash of the key -> [`Run`] of [`Table::numbers`].
    runs: HashMap<u64, Run, BuildHasherDefault<Hashed>>,
    /// The pattern numbers, each key's together.
    numbers: Vec<u32>,
}

/// Where a key's pattern numbers are in [`Table::numbers`], and (for a
/// first word) whether longer patterns start with it.
#[derive(Debug, Clone, Copy)]
struct Run {
    from: u32,
    len: u32,
    longer: bool,
}

impl Table {
    /// A table of `keys`: (hash, pattern number or `None` for a first word
    /// that only starts longer patterns).
    fn of(mut keys: Vec<(u64, Option<u32>)>) -> Table {
        // By hash, each hash's `None` first: a key's numbers are one run.
        keys.sort_unstable();
        let numbers: Vec<u32> = keys.iter().filter_map(|&(_, n)| n).collect();
        let by_hash = || keys.chunk_by(|a, b| a.0 == b.0);
        let mut runs = HashMap::with_capacity_and_hasher(by_hash().count(), Default::default());
        let mut from = 0;
        for group in by_hash() {
            let len = group.iter().filter(|(_, n)| n.is_some()).count() as u32;
            runs.insert(group[0].0, Run { from, len, longer: (len as usize) < group.len() });
            from += len;
        }
        Table { runs, numbers }
    }

    fn get(&self, key: &str) -> Option<(&[u32], bool)> {
        let run = self.runs.get(&fnv(key.as_bytes()))?;
        let from = run.from as usize;
        Some((&self.numbers[from..from + run.len as usize], run.longer))
    }

    fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
}

/// The FNV-1a hash of `bytes`: fit for short words (with the standard
/// hasher, looking up 6 KB of words took 136 µs instead of 85).
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// A hasher for keys that are hashes already.
#[derive(Debug, Clone, Copy, Default)]
struct Hashed(u64);

impl Hasher for Hashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys come here (write_u64); anything else is folded in.
        self.0 = bytes.iter().fold(self.0, |h, &b| h.rotate_left(8) ^ u64::from(b));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Sort key of a pattern: its text, its kind's name and its entity type.
fn key<'a>(exact: &'a str, kind: &'a Kind) -> (&'a str, &'static str, &'a str) {
    let t = match kind {
        Kind::Entity(t) => t.as_str(),
        _ => "",
    };
    (exact, kind.name(), t)
}

/// The texts whose mentions `list` asks for: those tagged as entities.
/// `extra` adds texts of any kind (the user asked for every occurrence of
/// an annotation's text).
pub fn patterns<'a>(list: &'a [Annotation], extra: &'a [(String, Arc<Kind>)]) -> Vec<(&'a str, &'a Kind)> {
    let mut out: Vec<(&str, &Kind)> = list
        .iter()
        .filter(|a| matches!(a.kind, Kind::Entity(_)) && !a.exact.trim().is_empty())
        .map(|a| (a.exact.as_str(), &a.kind))
        .chain(extra.iter().filter(|(e, _)| !e.trim().is_empty()).map(|(e, k)| (e.as_str(), &**k)))
        .collect();
    out.sort_by(|a, b| key(a.0, a.1).cmp(&key(b.0, b.1)));
    out.dedup_by(|a, b| key(a.0, a.1) == key(b.0, b.1));
    out
}

impl Mentions {
    /// Mentions of `patterns` (as [`patterns`] gives them: sorted, unique).
    pub fn new(patterns: &[(&str, &Kind)]) -> Mentions {
        let bytes = patterns.iter().map(|(e, _)| e.len()).sum();
        let mut m = Mentions {
            texts: String::with_capacity(bytes),
            patterns: Vec::with_capacity(patterns.len()),
            ..Mentions::default()
        };
        // Patterns of one entity type share its kind: a book's thousands of
        // tagged names have a handful of kinds.
        let mut types: HashMap<&str, u32> = HashMap::new();
        let (mut heads, mut pairs) = (Vec::new(), Vec::new());
        for (i, &(e, k)) in patterns.iter().enumerate() {
            let mut new_kind = || {
                m.kinds.push(Arc::new(k.clone()));
                m.kinds.len() as u32 - 1
            };
            let kind = match k {
                Kind::Entity(t) => *types.entry(t).or_insert_with(new_kind),
                _ => new_kind(),
            };
            m.texts.push_str(e);
            m.patterns.push(Pattern { end: m.texts.len() as u32, kind });
            m.longest = m.longest.max(e.len());
            // A text tagged with two entity types is found once.
            let again = i > 0 && {
                let (a, ka) = patterns[i - 1];
                a == e && ka.name() == k.name()
            };
            if again || e.is_empty() {
                continue;
            }
            let (one, two) = key_of(e);
            m.odd_heads |= !e.starts_with(char::is_alphanumeric);
            let head = fnv(&e.as_bytes()[..one]);
            match two {
                Some(two) => {
                    heads.push((head, None));
                    pairs.push((fnv(&e.as_bytes()[..two]), Some(i as u32)));
                }
                None => heads.push((head, Some(i as u32))),
            }
        }
        m.kinds.shrink_to_fit();
        (m.heads, m.pairs) = (Table::of(heads), Table::of(pairs));
        m
    }

    /// The text of pattern `i`.
    fn text(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.patterns[i - 1].end as usize };
        &self.texts[start..self.patterns[i].end as usize]
    }

    /// The kind of pattern `i`.
    fn kind(&self, i: usize) -> &Arc<Kind> {
        &self.kinds[self.patterns[i].kind as usize]
    }

    /// Whether these are the mentions of `patterns`.
    pub fn is_for(&self, patterns: &[(&str, &Kind)]) -> bool {
        self.patterns.len() == patterns.len()
            && patterns.iter().enumerate().all(|(i, (e, k))| self.text(i) == *e && **self.kind(i) == **k)
    }

    /// Whether there is no text to find.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The longest text, in bytes.
    pub fn longest(&self) -> usize {
        self.longest
    }

    /// Whether `exact` is a text found as `kind`'s kind (the rules' own
    /// suggestion of it gives way to the mention, which has the kind the
    /// user tagged).
    pub fn covers(&self, exact: &str, kind: &Kind) -> bool {
        self.pattern(exact, kind).is_some()
    }

    /// The (first) pattern of text `exact` and `kind`'s kind.
    fn pattern(&self, exact: &str, kind: &Kind) -> Option<usize> {
        let name = kind.name();
        let at = |i: usize| (self.text(i), self.kind(i).name());
        let (mut lo, mut hi) = (0, self.patterns.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if at(mid) < (exact, name) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo < self.patterns.len() && at(lo) == (exact, name)).then_some(lo)
    }

    /// Every mention that starts in `starts`, whole words only, in no
    /// particular order (overlapping ones included: `Meta` inside `Meta
    /// Platforms`), as (bytes, kind).
    pub fn each_starting_in(
        &self,
        text: &str,
        starts: Range<usize>,
        mut f: impl FnMut(Range<usize>, &Arc<Kind>),
    ) {
        if self.heads.is_empty() {
            return;
        }
        let from = ceil_char_boundary(text, starts.start);
        let to = starts.end.min(text.len());
        if from >= to {
            return;
        }
        let mut found = |at: usize, list: &[u32]| {
            for &i in list {
                let e = self.text(i as usize);
                let stop = at + e.len();
                if text[at..].starts_with(e)
                    && !text[stop..].chars().next().is_some_and(char::is_alphanumeric)
                {
                    f(at..stop, self.kind(i as usize));
                }
            }
        };
        // A word at a time, each with the one after it (two-word keys).
        let glued = text[..from].chars().next_back().is_some_and(char::is_alphanumeric);
        // A word cut by `from` belongs to the text before it.
        let first = if glued { from + word_len(&text[from..]) } else { from };
        let mut word = next_word(text, first);
        while let Some(w) = word.take().filter(|w| w.start < to) {
            let after = next_word(text, w.end);
            if let Some((alone, longer)) = self.heads.get(&text[w.clone()]) {
                found(w.start, alone);
                if let Some(n) = after.as_ref().filter(|n| longer && n.end - w.start <= self.longest)
                    && let Some((list, _)) = self.pairs.get(&text[w.start..n.end])
                {
                    found(w.start, list);
                }
            }
            word = after;
        }
        // Patterns that start with a mark, not a word: every mark not glued
        // to a word before it.
        if self.odd_heads {
            let mut glued = glued;
            for (k, c) in text[from..ceil_char_boundary(text, to)].char_indices() {
                let alnum = c.is_alphanumeric();
                if !glued && !alnum {
                    let at = from + k;
                    if let Some((alone, _)) = self.heads.get(&text[at..at + c.len_utf8()]) {
                        found(at, alone);
                    }
                }
                glued = alnum;
            }
        }
    }

    /// Every mention of `exact` as `kind`'s kind, in order.
    pub fn of<'a>(&'a self, text: &'a str, exact: &'a str, kind: &Kind) -> Vec<Suggestion> {
        let Some(i) = self.pattern(exact, kind) else { return Vec::new() };
        occurrences(text, exact).map(|bytes| Suggestion::new(bytes, Arc::clone(self.kind(i)))).collect()
    }
}

/// Where `e`'s lookup keys end: after its first word (letters and digits)
/// or, when it starts with anything else, its first character; and after
/// its second word, when it has one.
fn key_of(e: &str) -> (usize, Option<usize>) {
    let Some(c) = e.chars().next() else { return (0, None) };
    if !c.is_alphanumeric() {
        return (c.len_utf8(), None);
    }
    let one = word_len(e);
    let gap = e[one..].find(char::is_alphanumeric).map(|g| one + g);
    (one, gap.map(|g| g + word_len(&e[g..])))
}

/// The first word (run of letters and digits) at or after `from`.
fn next_word(text: &str, from: usize) -> Option<Range<usize>> {
    let b = text.as_bytes();
    let mut at = from;
    while at < b.len() {
        if b[at].is_ascii() {
            if b[at].is_ascii_alphanumeric() {
                break;
            }
            at += 1;
        } else {
            match text[at..].chars().next() {
                Some(c) if c.is_alphanumeric() => break,
                Some(c) => at += c.len_utf8(),
                None => break,
            }
        }
    }
    (at < b.len()).then(|| at..at + word_len(&text[at..]))
}

/// Bytes of the run of letters and digits `s` starts with.
fn word_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut n = 0;
    while n < b.len() {
        if b[n].is_ascii() {
            if !b[n].is_ascii_alphanumeric() {
                break;
            }
            n += 1;
        } else {
            match s[n..].chars().next() {
                Some(c) if c.is_alphanumeric() => n += c.len_utf8(),
                _ => break,
            }
        }
    }
    n
}

/// Whether no letter or digit is glued to either side of `r`.
pub fn whole_words(text: &str, r: Range<usize>) -> bool {
    let before = text[..r.start].chars().next_back().is_some_and(char::is_alphanumeric);
    let after = text[r.end..].chars().next().is_some_and(char::is_alphanumeric);
    !before && !after
}

/// Byte ranges of `exact` in `text` where it stands as whole words (no
/// letter or digit glued on either side), overlapping ones included.
pub fn occurrences<'a>(text: &'a str, exact: &'a str) -> impl Iterator<Item = Range<usize>> + 'a {
    let finder = memchr::memmem::Finder::new(exact.as_bytes());
    let mut at = 0;
    std::iter::from_fn(move || {
        if exact.is_empty() {
            return None;
        }
        let hit = at + finder.find(&text.as_bytes()[at.min(text.len())..])?;
        // The next one may start inside this one (`, ,` in `, , ,`).
        at = hit + text[hit..].chars().next().map_or(1, char::len_utf8);
        Some(hit..hit + exact.len())
    })
    .filter(|r| whole_words(text, r.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::annotation::Stamp;
    use crate::core::text::Article;

    fn org() -> Kind {
        Kind::Entity("Organization".into())
    }

    /// The mentions that start in `starts`, as byte ranges in order.
    fn starting_in(m: &Mentions, text: &str, starts: Range<usize>) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        m.each_starting_in(text, starts, |bytes, _| out.push(bytes));
        out.sort_by_key(|r| (r.start, r.end));
        out
    }

    #[test]
    fn whole_words_only_overlapping_included() {
        let text = "Meta said no. The Metaverse is Meta's. Ask Meta Platforms.";
        let kinds = [org(), Kind::Entity("Organization".into())];
        let m = Mentions::new(&[("Meta", &kinds[0]), ("Meta Platforms", &kinds[1])]);
        let mut found: Vec<&str> =
            starting_in(&m, text, 0..text.len()).into_iter().map(|r| &text[r]).collect();
        found.sort();
        assert_eq!(found, ["Meta", "Meta", "Meta", "Meta Platforms"]);
        // Only those that start in the range; one that runs past its end counts.
        let at = text.find("Meta Platforms").unwrap();
        let found: Vec<&str> = starting_in(&m, text, at..at + 1).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn patterns_come_from_entities_and_extras_once_each() {
        let text = "Meta said 12. Meta.";
        let art = Article::from_text(text);
        let stamp = Stamp { author: "t".into(), now: "n".into() };
        let list = vec![
            Annotation::new(&art, 0..4, org(), &stamp),
            Annotation::new(&art, 14..18, org(), &stamp),
            Annotation::new(&art, 10..12, Kind::Statistic { value: Some(12.0), unit: None }, &stamp),
        ];
        let extra = vec![("12".to_owned(), Arc::new(Kind::Statistic { value: Some(12.0), unit: None }))];
        let p = patterns(&list, &[]);
        assert_eq!(p.len(), 1, "the statistic is not propagated; Meta once");
        let m = Mentions::new(&p);
        assert!(m.is_for(&p) && m.covers("Meta", &Kind::Entity("Other".into())));
        assert!(!m.covers("Meta", &Kind::Quote { speaker: None }));
        let p2 = patterns(&list, &extra);
        assert_eq!(p2.len(), 2);
        assert!(!m.is_for(&p2));
        assert_eq!(Mentions::new(&p2).of(text, "12", &extra[0].1).len(), 1);
    }

    #[test]
    fn names_of_one_entity_type_share_one_kind() {
        let text = "Meta and Alphabet; Paris.";
        let (org2, place) = (org(), Kind::Entity("Place".into()));
        let m = Mentions::new(&[("Alphabet", &org2), ("Meta", &org()), ("Paris", &place)]);
        let mut kinds: Vec<(Range<usize>, Arc<Kind>)> = Vec::new();
        m.each_starting_in(text, 0..text.len(), |r, k| kinds.push((r, Arc::clone(k))));
        kinds.sort_by_key(|(r, _)| r.start);
        let [(_, meta), (_, alphabet), (_, paris)] = &kinds[..] else { panic!("{kinds:?}") };
        assert!(Arc::ptr_eq(meta, alphabet), "one Organization for both names");
        assert!(!Arc::ptr_eq(meta, paris));
        assert_eq!(**paris, place);
    }

    #[test]
    fn words_that_share_a_hash_only_add_candidates() {
        let text = "Meta met Paris in Meta Platforms.";
        let (o, place) = (org(), Kind::Entity("Place".into()));
        let mut m = Mentions::new(&[("Meta", &o), ("Meta Platforms", &o), ("Paris", &place)]);
        // As if every word hashed alike, and every two words: each looks
        // up every pattern of its table.
        let every = |keys: &[&str], numbers: &[Option<u32>]| {
            Table::of(
                keys.iter().flat_map(|k| numbers.iter().map(move |&n| (fnv(k.as_bytes()), n))).collect(),
            )
        };
        m.heads = every(&["Meta", "met", "Paris", "in", "Platforms"], &[Some(0), Some(2), None]);
        m.pairs = every(&["Meta met", "met Paris", "Paris in", "in Meta", "Meta Platforms"], &[Some(1)]);
        let found: Vec<&str> = starting_in(&m, text, 0..text.len()).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, ["Meta", "Paris", "Meta", "Meta Platforms"]);
    }

    #[test]
    fn no_patterns_find_nothing() {
        let m = Mentions::new(&[]);
        assert!(m.is_empty());
        assert!(starting_in(&m, "anything", 0..8).is_empty());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// A word at a time finds what looking for every text everywhere
        /// finds: whole words, overlapping, once each, from any start.
        #[test]
        fn the_same_as_every_occurrence_of_every_text(
            pieces in proptest::collection::vec(0usize..12, 1..60),
            picks in proptest::collection::vec((0usize..60, 1usize..5), 1..6),
            cut in (0usize..200, 0usize..200),
        ) {
            const PIECES: [&str; 12] = ["Meta", " ", "the", "é", "Ödön", ", ", "“", "”", "a", "\n", "12", "."];
            let text: String = pieces.iter().map(|&i| PIECES[i]).collect();
            // Texts taken from the text itself, a few pieces long, trimmed.
            let exacts: Vec<String> = picks
                .iter()
                .map(|&(at, n)| {
                    let at = at % pieces.len();
                    let n = n.min(pieces.len() - at);
                    pieces[at..at + n].iter().map(|&i| PIECES[i]).collect::<String>().trim().to_owned()
                })
                .filter(|e| !e.is_empty())
                .collect();
            let kind = Kind::Entity("Other".into());
            let list: Vec<(&str, &Kind)> = {
                let mut l: Vec<(&str, &Kind)> = exacts.iter().map(|e| (e.as_str(), &kind)).collect();
                l.sort_by_key(|(e, _)| *e);
                l.dedup_by_key(|(e, _)| *e);
                l
            };
            let m = Mentions::new(&list);
            let (a, b) = (cut.0.min(text.len()), cut.1.min(text.len()));
            let starts = a.min(b)..a.max(b);
            let got = starting_in(&m, &text, starts.clone());
            let mut want: Vec<Range<usize>> = list
                .iter()
                .flat_map(|(e, _)| occurrences(&text, e).collect::<Vec<_>>())
                .filter(|r| starts.contains(&r.start))
                .collect();
            want.sort_by_key(|r| (r.start, r.end));
            proptest::prop_assert_eq!(got, want, "{:?} in {:?}", list, text);
        }
    }
}
