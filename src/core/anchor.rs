//! Re-anchoring: finding every annotation again after its article changed.
//!
//! An annotation keeps code point offsets and, like the W3C text quote
//! selector, the quoted text (`exact`) with up to 32 code points of context on
//! each side (`prefix`, `suffix`). When the article's sha256 no longer matches
//! the file's, each annotation is placed again the way the Hypothesis web
//! annotator does it, and ends in one of four states ([`Anchor`]):
//!
//! - **Exact**: the text at the stored offsets still equals the quote.
//! - **Moved**: the identical quote, found at other offsets.
//! - **Fuzzy(score)**: a close but not identical quote, with a score in 0–1.
//! - **Orphaned**: nothing in the text is close enough; the annotation keeps
//!   its stored data but has no place in the article.
//!
//! The search goes from cheap to expensive and stops as soon as it is sure:
//!
//! 1. *Fast path.* The quote with its whole prefix and suffix at the stored
//!    offsets is `Exact`; at the expected offsets (stored start plus the hint,
//!    the shift found for the previous annotation) it is `Moved`. After an
//!    insertion this settles all but the first annotation in O(1) each.
//! 2. *Exact occurrences* of the quote (memchr's `memmem`), each scored by how
//!    well the text around it agrees with the stored context.
//! 3. *Approximate occurrences*: Myers' bit-parallel edit distance over code
//!    points (in blocks of 64 for longer quotes) finds where the quote ends
//!    with at most half its length in edits; the same algorithm, run backwards
//!    from each end, finds its start.
//!
//! Steps 2 and 3 run in a window of a few KiB around the expected position,
//! then around the stored position, and only then over the whole text; a
//! candidate that is confidently right ends the search early.
//!
//! A candidate's similarity counts edits over quote and context together:
//! `1 - (quote edits + prefix edits + suffix edits) / (quote + prefix + suffix
//! lengths)`, in code points. Context is compared from the quote outwards and
//! its far end may float, so a word inserted in the prefix costs only that
//! word. Long quotes thus carry themselves, while a short name such as
//! "Pierre", found hundreds of times, lands where its context agrees. A small
//! weight for closeness to the expected position breaks ties. Below
//! [`ACCEPT`] similarity the annotation is orphaned rather than moved to the
//! wrong words.

use std::collections::BTreeSet;
use std::ops::Range;

use serde::Serialize;

use super::annotation::Annotation;
use super::text::Article;

/// Bytes searched on each side of the expected position before the whole text.
const WINDOW_BYTES: usize = 4096;
/// Similarity at which a candidate is taken without looking further away.
const CONFIDENT: f64 = 0.9;
/// Least similarity (quote and context together) for a placement.
pub const ACCEPT: f64 = 0.6;
/// Weight of closeness to the expected position in a candidate's score.
const POSITION_WEIGHT: f64 = 0.01;
/// Approximate matches examined per region, fewest edits first.
const FUZZY_CANDIDATES: usize = 64;
/// Equally good boundaries tried for each end of an approximate match.
const MAX_TIES: usize = 4;
/// Approximate match ends kept while scanning one region.
const FUZZY_ENDS_CAP: usize = 1 << 16;
/// Pattern code points per block of the bit-parallel matcher.
const WORD: usize = 64;

/// How an annotation was found in the current text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Anchor {
    /// At its stored offsets: the text there still equals the quote.
    Exact,
    /// The identical quote at other offsets.
    Moved,
    /// A similar quote; the score (0–1) combines quote similarity, context
    /// agreement and closeness to the expected position.
    Fuzzy(f64),
    /// Not found: nothing in the text is close enough.
    Orphaned,
}

impl Anchor {
    /// `"exact"`, `"moved"`, `"fuzzy"` or `"orphaned"`.
    pub fn name(&self) -> &'static str {
        match self {
            Anchor::Exact => "exact",
            Anchor::Moved => "moved",
            Anchor::Fuzzy(_) => "fuzzy",
            Anchor::Orphaned => "orphaned",
        }
    }

    /// Confidence in 0–1: 1 for `Exact` and `Moved` (the quote is identical),
    /// the score for `Fuzzy`, none for `Orphaned`.
    pub fn score(&self) -> Option<f64> {
        match self {
            Anchor::Exact | Anchor::Moved => Some(1.0),
            Anchor::Fuzzy(s) => Some(*s),
            Anchor::Orphaned => None,
        }
    }
}

/// Where an annotation landed in the current article.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// How it was found.
    pub anchor: Anchor,
    /// Byte range in the new article (None when orphaned).
    pub bytes: Option<Range<usize>>,
}

impl Placement {
    fn found(anchor: Anchor, bytes: Range<usize>) -> Placement {
        Placement { anchor, bytes: Some(bytes) }
    }

    fn orphaned() -> Placement {
        Placement { anchor: Anchor::Orphaned, bytes: None }
    }
}

/// Re-anchor one annotation. `hint_delta` is a guess of how far (in code
/// points, signed) text moved near it (e.g. the shift found for the previous
/// annotation); 0 if unknown.
pub fn place(art: &Article, a: &Annotation, hint_delta: isize) -> Placement {
    if a.exact.is_empty() || art.is_empty() {
        return Placement::orphaned();
    }
    let stored = a.bytes(art);
    let expected = art.char_to_byte(shifted(a.start, hint_delta));
    if let Some(p) = fast_path(art.text(), a, &stored, expected) {
        return p;
    }
    let target = Target::new(art, a, stored, expected);
    target.search().map_or_else(Placement::orphaned, |c| target.placement(c))
}

/// Re-anchor all, in document order (by stored start, then end), feeding each
/// shift found as the hint for the next. The result is parallel to `list`.
pub fn place_all(art: &Article, list: &[Annotation]) -> Vec<Placement> {
    let mut order: Vec<usize> = (0..list.len()).collect();
    order.sort_by_key(|&i| (list[i].start, list[i].end));
    let mut out = vec![Placement::orphaned(); list.len()];
    let mut hint = 0;
    for i in order {
        let p = place(art, &list[i], hint);
        if let Some(r) = &p.bytes {
            hint = signed(art.byte_to_char(r.start)).saturating_sub(signed(list[i].start));
        }
        out[i] = p;
    }
    out
}

fn signed(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

/// `start + delta`, floored at 0.
fn shifted(start: usize, delta: isize) -> usize {
    signed(start).saturating_add(delta).max(0) as usize
}

/// The quote with all its stored context at byte `at`.
fn intact(text: &str, a: &Annotation, at: usize) -> bool {
    let end = at.saturating_add(a.exact.len());
    text.get(at..end) == Some(a.exact.as_str())
        && text[..at].ends_with(a.prefix.as_str())
        && text[end..].starts_with(a.suffix.as_str())
}

/// Step 1: quote and context unchanged at the stored or the expected offsets.
fn fast_path(text: &str, a: &Annotation, stored: &Range<usize>, expected: usize) -> Option<Placement> {
    if stored.len() == a.exact.len() && intact(text, a, stored.start) {
        return Some(Placement::found(Anchor::Exact, stored.clone()));
    }
    if expected != stored.start && intact(text, a, expected) {
        return Some(Placement::found(Anchor::Moved, expected..expected + a.exact.len()));
    }
    None
}

/// A possible place for the annotation.
#[derive(Debug, Clone)]
struct Candidate {
    bytes: Range<usize>,
    /// Quote and context agreement, 0–1 (see the module doc).
    similarity: f64,
    /// `similarity` with a little weight for closeness to the expected position.
    score: f64,
}

/// Keep the better-scoring of `best` and `c`.
fn keep_better(best: &mut Option<Candidate>, c: Option<Candidate>) {
    if let Some(c) = c
        && best.as_ref().is_none_or(|b| c.score > b.score)
    {
        *best = Some(c);
    }
}

/// What the search looks for, prepared once per annotation for the slow path.
struct Target<'a> {
    art: &'a Article,
    exact: &'a str,
    stored: Range<usize>,
    expected: usize,
    quote: Pattern,
    /// The quote backwards, to find where a match starts.
    quote_rev: Pattern,
    /// The stored prefix backwards (read from the quote outwards).
    prefix: Pattern,
    suffix: Pattern,
    /// Quote, prefix and suffix lengths in code points: the similarity's denominator.
    total: usize,
}

impl<'a> Target<'a> {
    fn new(art: &'a Article, a: &'a Annotation, stored: Range<usize>, expected: usize) -> Target<'a> {
        let quote: Vec<char> = a.exact.chars().collect();
        let quote_rev: Vec<char> = quote.iter().rev().copied().collect();
        let prefix: Vec<char> = a.prefix.chars().rev().collect();
        let suffix: Vec<char> = a.suffix.chars().collect();
        Target {
            art,
            exact: &a.exact,
            stored,
            expected,
            total: quote.len() + prefix.len() + suffix.len(),
            quote: Pattern::new(&quote),
            quote_rev: Pattern::new(&quote_rev),
            prefix: Pattern::new(&prefix),
            suffix: Pattern::new(&suffix),
        }
    }

    /// Steps 2 and 3, region by region; the best acceptable candidate.
    fn search(&self) -> Option<Candidate> {
        let mut best = None;
        if self.art.text().get(self.stored.clone()) == Some(self.exact) {
            best = Some(self.candidate(self.stored.clone(), 0));
        }
        for region in self.regions() {
            keep_better(&mut best, self.exact_in(region.clone()));
            if is_confident(&best) {
                return best;
            }
            let floor = best.as_ref().map_or(f64::NEG_INFINITY, |c| c.score);
            keep_better(&mut best, self.fuzzy_in(region, floor));
            if is_confident(&best) {
                return best;
            }
        }
        best.filter(|c| c.similarity >= ACCEPT)
    }

    /// Around the expected position, around the stored one, then everything.
    fn regions(&self) -> Vec<Range<usize>> {
        let whole = 0..self.art.len();
        let mut out = vec![self.window(self.expected)];
        if self.stored.start != self.expected {
            out.push(self.window(self.stored.start));
        }
        out.retain(|w| *w != whole);
        out.push(whole);
        out
    }

    fn window(&self, at: usize) -> Range<usize> {
        let reach = WINDOW_BYTES.max(4 * self.exact.len());
        let lo = self.art.floor_char_boundary(at.saturating_sub(reach));
        let hi = self.art.floor_char_boundary(at.saturating_add(self.exact.len() + reach));
        lo..hi
    }

    /// Step 2: the best exact occurrence of the quote in `region`.
    fn exact_in(&self, region: Range<usize>) -> Option<Candidate> {
        let hay = &self.art.text().as_bytes()[region.clone()];
        memchr::memmem::find_iter(hay, self.exact.as_bytes())
            .map(|at| region.start + at)
            .map(|s| self.candidate(s..s + self.exact.len(), 0))
            .max_by(|a, b| a.score.total_cmp(&b.score))
    }

    /// Step 3: the best approximate occurrence in `region` scoring above `floor`.
    fn fuzzy_in(&self, region: Range<usize>, mut floor: f64) -> Option<Candidate> {
        let max_edits = self.quote.len / 2;
        if max_edits == 0 {
            return None;
        }
        let text = self.art.text();
        let ends = match_ends(&text[region.clone()], region.start, &self.quote, max_edits);
        let mut best = None;
        for (end, edits) in self.spread(ends) {
            if self.best_possible(edits) <= floor {
                break;
            }
            for (span, edits) in self.spans_ending_at(end, max_edits) {
                let c = self.candidate(span, edits);
                if c.score > floor {
                    floor = c.score;
                    best = Some(c);
                }
            }
        }
        best
    }

    /// The best alignments of the quote around an approximate match end:
    /// every start with the fewest edits back from `end`, and for each, every
    /// end with the fewest edits forward from it. Edits alone often cannot
    /// tell where a boundary goes (`...\n\n` against `...\r\n\r\n`); the
    /// context decides among these spans when they are scored.
    fn spans_ending_at(&self, end: usize, max_edits: usize) -> Vec<(Range<usize>, usize)> {
        let text = self.art.text();
        let reach = self.quote.len + max_edits;
        let back = text[..end].char_indices().rev();
        let (starts, _) = closest_alignments(&self.quote_rev, back, reach);
        let mut out = Vec::new();
        for start in starts {
            let forward = text[start..].char_indices().map(|(i, c)| (start + i + c.len_utf8(), c));
            let (ends, edits) = closest_alignments(&self.quote, forward, reach);
            out.extend(ends.into_iter().filter(|&e| e > start).map(|e| (start..e, edits)));
        }
        out
    }

    /// Approximate match ends worth examining, fewest edits and nearest first,
    /// at most one per quote length of text. Exact ends (already scored by
    /// [`Target::exact_in`]) only keep their neighbours out.
    fn spread(&self, mut ends: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
        let expected_end = self.expected + self.exact.len();
        ends.sort_unstable_by_key(|&(end, edits)| (edits, end.abs_diff(expected_end)));
        let radius = self.exact.len();
        let mut taken = BTreeSet::new();
        let mut out = Vec::new();
        for (end, edits) in ends {
            if taken.range(end.saturating_sub(radius)..=end.saturating_add(radius)).next().is_some() {
                continue;
            }
            taken.insert(end);
            if edits > 0 {
                out.push((end, edits));
                if out.len() == FUZZY_CANDIDATES {
                    break;
                }
            }
        }
        out
    }

    /// The highest score a candidate with `edits` in its quote could reach.
    fn best_possible(&self, edits: usize) -> f64 {
        let similarity = 1.0 - edits as f64 / self.total as f64;
        similarity * (1.0 - POSITION_WEIGHT) + POSITION_WEIGHT
    }

    /// Score the span `bytes`, whose text is `edits` away from the quote.
    fn candidate(&self, bytes: Range<usize>, edits: usize) -> Candidate {
        let text = self.art.text();
        let before = context_distance(&self.prefix, text[..bytes.start].chars().rev());
        let after = context_distance(&self.suffix, text[bytes.end..].chars());
        let similarity = 1.0 - (edits + before + after) as f64 / self.total as f64;
        let off = bytes.start.abs_diff(self.expected) as f64 / text.len() as f64;
        let score = similarity * (1.0 - POSITION_WEIGHT) + (1.0 - off) * POSITION_WEIGHT;
        Candidate { bytes, similarity, score }
    }

    fn placement(&self, c: Candidate) -> Placement {
        let anchor = if self.art.text()[c.bytes.clone()] != *self.exact {
            Anchor::Fuzzy(c.score)
        } else if c.bytes == self.stored {
            Anchor::Exact
        } else {
            Anchor::Moved
        };
        Placement::found(anchor, c.bytes)
    }
}

fn is_confident(best: &Option<Candidate>) -> bool {
    best.as_ref().is_some_and(|c| c.similarity >= CONFIDENT)
}

/// How many more edits than the best so far an approximate end may have and
/// still be kept: a better context can make up for a few.
fn edit_slack(max_edits: usize) -> usize {
    2 + max_edits / 4
}

/// Ends (byte offsets, plus `offset`) of approximate matches of `pat` in
/// `text` with at most `max_edits` edits, and their edit counts. Ends far worse
/// than the best found are dropped as the scan goes.
fn match_ends(text: &str, offset: usize, pat: &Pattern, max_edits: usize) -> Vec<(usize, usize)> {
    let mut col = Columns::new(pat);
    let (mut best, mut limit) = (usize::MAX, max_edits);
    let mut ends = Vec::new();
    for (i, c) in text.char_indices() {
        let d = pat.step(&mut col, c, 0);
        if d > limit {
            continue;
        }
        if d < best {
            best = d;
            limit = limit.min(d + edit_slack(max_edits));
            ends.retain(|&(_, e)| e <= limit);
        }
        if ends.len() < FUZZY_ENDS_CAP {
            ends.push((offset + i + c.len_utf8(), d));
        }
    }
    ends
}

/// The boundaries where `pat`, matched from a fixed point over `chars`
/// (each char with the byte offset just past it in reading order), has the
/// fewest edits, reading at most `reach` chars: up to [`MAX_TIES`] boundaries,
/// lengths closest to the pattern's first, and the edit count.
fn closest_alignments(
    pat: &Pattern,
    chars: impl Iterator<Item = (usize, char)>,
    reach: usize,
) -> (Vec<usize>, usize) {
    let mut col = Columns::new(pat);
    let mut edits = pat.len;
    let mut ties: Vec<(usize, usize)> = Vec::new();
    for (n, (at, c)) in chars.take(reach).enumerate() {
        let d = pat.step(&mut col, c, 1);
        if d < edits {
            edits = d;
            ties.clear();
        }
        if d == edits {
            ties.push(((n + 1).abs_diff(pat.len), at));
        }
    }
    ties.sort_unstable();
    (ties.into_iter().take(MAX_TIES).map(|(_, at)| at).collect(), edits)
}

/// Edit distance between stored context `pat` and the text next to a
/// candidate (`chars`), both read from the candidate outwards. The far end
/// floats: the best over all lengths of text up to half as long again.
fn context_distance(pat: &Pattern, chars: impl Iterator<Item = char>) -> usize {
    if pat.len == 0 {
        return 0;
    }
    let mut col = Columns::new(pat);
    let mut best = pat.len;
    for c in chars.take(pat.len + pat.len / 2 + 1) {
        best = best.min(pat.step(&mut col, c, 1));
        if best == 0 {
            break;
        }
    }
    best
}

/// A pattern prepared for Myers' bit-parallel edit distance over code points,
/// in blocks of [`WORD`] rows.
struct Pattern {
    /// Length in code points.
    len: usize,
    blocks: usize,
    /// Row in `masks` of each ASCII char; row 0 (all zeros) for chars not in the pattern.
    ascii: [u32; 128],
    /// Rows of the other chars, sorted by char.
    other: Vec<(char, u32)>,
    /// `blocks` words per row: bit `i % 64` of word `i / 64` is set where the pattern has that char.
    masks: Vec<u64>,
}

impl Pattern {
    fn new(chars: &[char]) -> Pattern {
        let blocks = chars.len().div_ceil(WORD).max(1);
        let mut p =
            Pattern { len: chars.len(), blocks, ascii: [0; 128], other: Vec::new(), masks: vec![0; blocks] };
        for (i, &c) in chars.iter().enumerate() {
            let row = p.row_or_insert(c);
            p.masks[row * blocks + i / WORD] |= 1 << (i % WORD);
        }
        p
    }

    fn row(&self, c: char) -> usize {
        if c.is_ascii() {
            return self.ascii[c as usize] as usize;
        }
        self.other.binary_search_by_key(&c, |&(k, _)| k).map_or(0, |i| self.other[i].1 as usize)
    }

    fn row_or_insert(&mut self, c: char) -> usize {
        let row = self.row(c);
        if row != 0 {
            return row;
        }
        let row = self.masks.len() / self.blocks;
        self.masks.resize(self.masks.len() + self.blocks, 0);
        if c.is_ascii() {
            self.ascii[c as usize] = row as u32;
        } else {
            let at = self.other.partition_point(|&(k, _)| k < c);
            self.other.insert(at, (c, row as u32));
        }
        row
    }

    /// The match masks of `c`, one word per block.
    fn eq(&self, c: char) -> &[u64] {
        let row = self.row(c);
        &self.masks[row * self.blocks..(row + 1) * self.blocks]
    }

    /// The bit of block `b` holding the pattern's last row in that block.
    fn last_bit(&self, b: usize) -> u64 {
        if b + 1 < self.blocks { 1 << (WORD - 1) } else { 1 << ((self.len.max(1) - 1) % WORD) }
    }

    /// Read one more text char; returns the edit distance at the last row.
    /// `top` is the change along the first row: 0 when a match may start
    /// anywhere (search), 1 when it must start at the first char read.
    fn step(&self, col: &mut Columns, c: char, top: i8) -> usize {
        let eq = self.eq(c);
        let mut carry = top;
        for (b, &eq) in eq.iter().enumerate() {
            carry = advance_block(&mut col.pv[b], &mut col.mv[b], eq, carry, self.last_bit(b));
        }
        col.dist = col.dist.saturating_add_signed(isize::from(carry));
        col.dist
    }
}

/// One text column of the edit distance matrix, as vertical deltas per block.
struct Columns {
    /// Rows where the distance grows by one going down.
    pv: Vec<u64>,
    /// Rows where it shrinks by one.
    mv: Vec<u64>,
    /// The distance at the last row.
    dist: usize,
}

impl Columns {
    /// The column before any text: distance `i` at row `i`.
    fn new(p: &Pattern) -> Columns {
        Columns { pv: vec![!0; p.blocks], mv: vec![0; p.blocks], dist: p.len }
    }
}

/// Myers' step for one block (Myers 1999, fig. 7): update the vertical deltas
/// `pv`/`mv` for a text char with match mask `eq`, given the horizontal delta
/// `h_in` entering at the block's top row; returns the delta leaving at the row
/// marked by `last`.
fn advance_block(pv: &mut u64, mv: &mut u64, eq: u64, h_in: i8, last: u64) -> i8 {
    let (p, m) = (*pv, *mv);
    let eq = if h_in < 0 { eq | 1 } else { eq };
    let xv = eq | m;
    let xh = ((eq & p).wrapping_add(p) ^ p) | eq;
    let mut ph = m | !(xh | p);
    let mut mh = p & xh;
    let h_out = if ph & last != 0 {
        1
    } else if mh & last != 0 {
        -1
    } else {
        0
    };
    ph <<= 1;
    mh <<= 1;
    if h_in < 0 {
        mh |= 1;
    } else if h_in > 0 {
        ph |= 1;
    }
    *pv = mh | !(xv | ph);
    *mv = ph & xv;
    h_out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::core::annotation::{Kind, Stamp};

    fn news(name: &str) -> String {
        let path = format!("{}/../shared/corpus/news/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn annotate(art: &Article, bytes: Range<usize>) -> Annotation {
        Annotation::new(
            art,
            bytes,
            Kind::Entity("Person".into()),
            &Stamp { author: "t".into(), now: "n".into() },
        )
    }

    /// The annotation over the `n`th occurrence of `needle`.
    fn nth(art: &Article, needle: &str, n: usize) -> Annotation {
        let s = art.text().match_indices(needle).nth(n).unwrap_or_else(|| panic!("{needle:?} #{n}")).0;
        annotate(art, s..s + needle.len())
    }

    /// Annotations of 1 to 6 words, one every `every` words.
    fn every_nth_words(art: &Article, every: usize) -> Vec<Annotation> {
        let text = art.text();
        let words: Vec<Range<usize>> = text
            .split_ascii_whitespace()
            .map(|w| {
                let s = w.as_ptr() as usize - text.as_ptr() as usize;
                s..s + w.len()
            })
            .collect();
        (0..words.len())
            .step_by(every)
            .map(|i| annotate(art, words[i].start..words[(i + i % 6).min(words.len() - 1)].end))
            .collect()
    }

    /// Code point offsets of a placement.
    fn chars_of(art: &Article, p: &Placement) -> (usize, usize) {
        let r = p.bytes.clone().expect("placed");
        (art.byte_to_char(r.start), art.byte_to_char(r.end))
    }

    #[test]
    fn unchanged_text_is_all_exact_at_the_same_offsets() {
        let art = Article::from_text(news("en-cnn-thanksgiving-storm.txt"));
        let list = every_nth_words(&art, 7);
        assert!(list.len() > 100);
        for (a, p) in list.iter().zip(place_all(&art, &list)) {
            assert_eq!(p.anchor, Anchor::Exact, "{:?}", a.exact);
            assert_eq!(p.bytes, Some(a.bytes(&art)));
        }
    }

    #[test]
    fn paragraph_inserted_at_the_start_moves_everything_by_its_length() {
        let text = news("en-cnn-thanksgiving-storm.txt");
        let old = Article::from_text(text.clone());
        let list = every_nth_words(&old, 5);
        let inserted = "Editor’s note: this story was updated at 9 p.m. — “Thanksgiving” edition.\n\n";
        let new = Article::from_text(format!("{inserted}{text}"));
        let shift = inserted.chars().count();
        for (a, p) in list.iter().zip(place_all(&new, &list)) {
            assert_eq!(p.anchor, Anchor::Moved, "{:?}", a.exact);
            assert_eq!(chars_of(&new, &p), (a.start + shift, a.end + shift));
            assert_eq!(new.text()[p.bytes.unwrap()], a.exact);
        }
    }

    #[test]
    fn word_added_inside_a_quote_is_fuzzy_over_the_edited_quote() {
        let text = news("en-cnn-thanksgiving-storm.txt");
        let old = Article::from_text(text.clone());
        let mut list = every_nth_words(&old, 9);
        list.push(nth(&old, "the worst of holiday travel fears", 0));
        let new = Article::from_text(text.replace("worst of holiday travel", "worst of the holiday travel"));
        let placed = place_all(&new, &list);
        let p = placed.last().unwrap();
        let Anchor::Fuzzy(score) = p.anchor else { panic!("{p:?}") };
        assert!((0.8..1.0).contains(&score), "{score}");
        assert_eq!(p.anchor.score(), Some(score));
        assert_eq!(&new.text()[p.bytes.clone().unwrap()], "the worst of the holiday travel fears");
        for (a, p) in list.iter().zip(&placed).take(list.len() - 1) {
            if a.exact.contains("of holiday") {
                assert_eq!(p.anchor.name(), "fuzzy", "{:?}", a.exact);
            } else {
                assert!(["exact", "moved"].contains(&p.anchor.name()), "{:?}: {p:?}", a.exact);
                assert_eq!(new.text()[p.bytes.clone().unwrap()], a.exact);
            }
        }
    }

    #[test]
    fn deleted_quote_is_orphaned_and_its_neighbours_are_not() {
        let text = news("en-cnn-thanksgiving-storm.txt");
        let old = Article::from_text(text.clone());
        let sentence = "\"We dodged a bullet,\" said Steve Cowan, a spokesman for the Pennsylvania Department of Transportation.\n\n";
        let list = vec![
            nth(&old, "We dodged a bullet", 0),
            nth(&old, "Steve Cowan", 0),
            nth(&old, "a spokesman for the Pennsylvania Department of Transportation", 0),
            nth(&old, "breathed a collective sigh of relief", 0),
            nth(&old, "The Pennsylvania official", 0),
        ];
        let new = Article::from_text(text.replace(sentence, ""));
        let placed = place_all(&new, &list);
        for p in &placed[..3] {
            assert_eq!(*p, Placement { anchor: Anchor::Orphaned, bytes: None });
        }
        assert_eq!(placed[3].anchor, Anchor::Moved);
        assert_eq!(placed[4].anchor, Anchor::Exact);
        // Only the quoted words gone, their context still there.
        let new = Article::from_text(text.replace("\"We dodged a bullet,\" said", "\"\" said"));
        assert_eq!(place(&new, &list[0], 0).anchor, Anchor::Orphaned);
        assert_eq!(place(&new, &list[1], 0).anchor, Anchor::Moved);
    }

    #[test]
    fn moved_paragraph_takes_its_annotations_along() {
        let text = news("en-cnn-thanksgiving-storm.txt");
        let old = Article::from_text(text.clone());
        let para = text.split("\n\n").find(|p| p.starts_with("Abney said Wednesday")).unwrap().to_owned();
        let mut list = every_nth_words(&old, 6);
        list.push(nth(&old, "Reagan National Airport", 0));
        let cut = text.replacen(&format!("{para}\n\n"), "", 1);
        let last = cut.trim_end().rfind("\n\n").unwrap() + 2;
        let new = Article::from_text(format!("{}{para}\n\n{}", &cut[..last], &cut[last..]));
        assert_eq!(new.len(), old.len());
        let para_old = text.find(&para).unwrap();
        let para_new = new.text().find(&para).unwrap();
        assert!(para_new > para_old + 1000);
        let mut inside = 0;
        for (a, p) in list.iter().zip(place_all(&new, &list)) {
            let r = p.bytes.clone().unwrap_or_else(|| panic!("{:?} orphaned", a.exact));
            assert_eq!(new.text()[r.clone()], a.exact);
            let b = a.bytes(&old);
            if b.start >= para_old && b.end <= para_old + para.len() {
                inside += 1;
                assert_eq!(p.anchor, Anchor::Moved);
                assert_eq!(r.start, b.start - para_old + para_new, "{:?}", a.exact);
            }
        }
        assert!(inside >= 3, "{inside}");
    }

    #[test]
    fn unrelated_text_orphans_everything() {
        let old = Article::from_text(news("en-cnn-thanksgiving-storm.txt"));
        let list: Vec<Annotation> =
            every_nth_words(&old, 4).into_iter().filter(|a| a.exact.chars().count() >= 4).collect();
        for other in ["en-reuters-airasia-qz8501.txt", "es-infanta-cristina-caso-noos.txt"] {
            let new = Article::from_text(news(other));
            for (a, p) in list.iter().zip(place_all(&new, &list)) {
                assert_eq!(
                    p.anchor,
                    Anchor::Orphaned,
                    "{:?} in {other}: {:?}",
                    a.exact,
                    p.bytes.map(|r| &new.text()[r])
                );
            }
        }
    }

    /// 28 lines, each naming Meta once; subjects repeat every 7 lines and
    /// objects every 4, so no two lines are alike but many share one side.
    fn meta_text() -> String {
        let subjects = [
            "Kepala NSPCC menuduh",
            "Seorang juru bicara",
            "Penelitian menunjukkan",
            "Menurut dokumen internal,",
            "Pemerintah Inggris meminta",
            "Dalam pernyataan tertulis,",
            "Para orang tua mendesak",
        ];
        let objects = [
            "\"dalam penyangkalan\" soal keamanan anak.",
            "bekerja sama dengan polisi setempat.",
            "menerima ribuan laporan setiap bulan.",
            "tahu tentang masalah itu sejak 2019.",
        ];
        (0..28).map(|i| format!("{i}. {} Meta {}\n\n", subjects[i % 7], objects[i % 4])).collect()
    }

    #[test]
    fn repeated_short_name_lands_on_its_own_occurrence() {
        let text = meta_text();
        let old = Article::from_text(text.clone());
        let list: Vec<Annotation> = (0..28).map(|n| nth(&old, "Meta", n)).collect();
        let inserted = "Laporan ini diperbarui: Meta menanggapi.\n\n";
        let new = Article::from_text(format!("{inserted}{text}"));
        let shift = inserted.chars().count();
        for (a, p) in list.iter().zip(place_all(&new, &list)) {
            assert_eq!(p.anchor, Anchor::Moved);
            assert_eq!(chars_of(&new, &p), (a.start + shift, a.end + shift));
        }
        // Without a hint, or with a wrong one, the context alone decides.
        for hint in [0, 300, -40] {
            for a in &list {
                let p = place(&new, a, hint);
                assert_eq!(chars_of(&new, &p), (a.start + shift, a.end + shift), "hint {hint}");
            }
        }
        // A word changed just before one occurrence: it still wins on the rest of its context.
        let edited = new.text().replacen("16. Penelitian menunjukkan", "16. Riset menunjukkan", 1);
        let edited = Article::from_text(edited);
        let p = place(&edited, &list[16], 0);
        assert_eq!(p.anchor, Anchor::Moved);
        let s = p.bytes.unwrap().start;
        assert!(edited.text()[..s].ends_with("16. Riset menunjukkan "), "{}", &edited.text()[s - 30..s]);
    }

    #[test]
    fn code_point_offsets_stay_right_in_chinese_and_arabic() {
        for (file, inserted, needles) in [
            (
                "zh-hongkong-leung-chun-ying-apology.txt",
                "【更新】本文于周三修订。\n\n",
                ["梁振英", "违章建筑"],
            ),
            ("ar-cnn-arabic-syria-damascus.txt", "تحديث: أضيفت فقرة جديدة.\n\n", ["دمشق", "سوريا"]),
        ] {
            let text = news(file);
            let old = Article::from_text(text.clone());
            let mut list: Vec<Annotation> = Vec::new();
            for needle in needles {
                let count = text.matches(needle).count();
                assert!(count >= 2, "{needle} in {file}");
                list.extend((0..count).map(|n| nth(&old, needle, n)));
            }
            list.extend(every_nth_words(&old, 11));
            let new = Article::from_text(format!("{inserted}{text}"));
            let shift = inserted.chars().count();
            for (a, p) in list.iter().zip(place_all(&new, &list)) {
                assert_eq!(p.anchor, Anchor::Moved, "{file}: {:?}", a.exact);
                assert_eq!(chars_of(&new, &p), (a.start + shift, a.end + shift), "{file}: {:?}", a.exact);
            }
        }
    }

    #[test]
    fn crlf_line_ends_shift_offsets_by_one_per_line() {
        let text = news("zh-hongkong-leung-chun-ying-apology.txt") + &news("en-cnn-thanksgiving-storm.txt");
        let old = Article::from_text(text.clone());
        let list = every_nth_words(&old, 3);
        let new = Article::from_text(text.replace('\n', "\r\n"));
        let mut fuzzy = 0;
        for (a, p) in list.iter().zip(place_all(&new, &list)) {
            let lines_before = text[..a.bytes(&old).start].matches('\n').count();
            let (s, e) = chars_of(&new, &p);
            assert_eq!(s, a.start + lines_before, "{:?}", a.exact);
            if a.exact.contains('\n') {
                fuzzy += 1;
                assert_eq!(p.anchor.name(), "fuzzy");
                assert_eq!(new.text()[p.bytes.unwrap()], a.exact.replace('\n', "\r\n"));
            } else {
                let expected = if lines_before == 0 { Anchor::Exact } else { Anchor::Moved };
                assert_eq!(p.anchor, expected, "{:?}", a.exact);
                assert_eq!(e - s, a.end - a.start);
            }
        }
        assert!(fuzzy > 0);
        // And back: CRLF annotations on the LF text.
        let list = every_nth_words(&new, 3);
        for (a, p) in list.iter().zip(place_all(&old, &list)) {
            assert_ne!(p.anchor, Anchor::Orphaned, "{:?}", a.exact);
        }
    }

    #[test]
    fn short_names_in_the_big_book_land_on_their_own_occurrence() {
        let path =
            concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/big/war-and-peace-gutenberg-2600.txt");
        let text = std::fs::read_to_string(path).unwrap();
        let old = Article::from_text(text.clone());
        let list: Vec<Annotation> = (0..1900).step_by(97).map(|n| nth(&old, "Pierre", n)).collect();
        let inserted = "Translator’s note: names are given in their French forms.\r\n\r\n";
        let pos = text.find("BOOK ONE").unwrap();
        let new = Article::from_text(format!("{}{inserted}{}", &text[..pos], &text[pos..]));
        let shift = inserted.chars().count();
        for (a, p) in list.iter().zip(place_all(&new, &list)) {
            assert_eq!(chars_of(&new, &p), (a.start + shift, a.end + shift));
        }
        for a in list.iter().step_by(4) {
            let p = place(&new, a, -5000);
            assert_eq!(chars_of(&new, &p), (a.start + shift, a.end + shift), "without a useful hint");
        }
    }

    #[test]
    fn hostile_offsets_and_empty_inputs_do_not_panic() {
        let art = Article::from_text("香港特首梁振英道歉\r\n");
        let mut a = nth(&art, "梁振英", 0);
        assert_eq!(place(&art, &a, 0).anchor, Anchor::Exact);
        for (start, end) in [(7, 4), (900, 950), (0, usize::MAX), (usize::MAX, 3), (5, 5)] {
            a.start = start;
            a.end = end;
            let p = place(&art, &a, isize::MIN);
            assert_eq!(p.anchor, Anchor::Moved, "{start}..{end}");
            assert_eq!(p.bytes, Some(12..21));
            assert_eq!(place(&art, &a, isize::MAX).bytes, Some(12..21));
        }
        a.exact.clear();
        assert_eq!(place(&art, &a, 0).anchor, Anchor::Orphaned);
        let empty = Article::from_text("");
        let a = nth(&art, "梁振英", 0);
        assert_eq!(place_all(&empty, &[a]), vec![Placement { anchor: Anchor::Orphaned, bytes: None }]);
        assert!(place_all(&art, &[]).is_empty());
    }

    #[test]
    fn anchor_names_scores_and_json() {
        assert_eq!(Anchor::Exact.name(), "exact");
        assert_eq!(Anchor::Moved.score(), Some(1.0));
        assert_eq!(Anchor::Fuzzy(0.75).name(), "fuzzy");
        assert_eq!(Anchor::Fuzzy(0.75).score(), Some(0.75));
        assert_eq!(Anchor::Orphaned.score(), None);
        assert_eq!(serde_json::to_string(&Anchor::Fuzzy(0.5)).unwrap(), r#"{"Fuzzy":0.5}"#);
        assert_eq!(serde_json::to_string(&Anchor::Orphaned).unwrap(), r#""Orphaned""#);
    }

    #[test]
    #[ignore]
    fn calibrate() {
        let files = [
            "en-cnn-thanksgiving-storm.txt",
            "en-reuters-airasia-qz8501.txt",
            "id-bbc-indonesia-dunia-58476696-mh17.txt",
            "es-infanta-cristina-caso-noos.txt",
        ];
        for f in files {
            let text = news(f);
            let art = Article::from_text(text.clone());
            let words: Vec<Range<usize>> = text
                .split_ascii_whitespace()
                .map(|w| {
                    let s = w.as_ptr() as usize - text.as_ptr() as usize;
                    s..s + w.len()
                })
                .collect();
            let (mut del_bad, mut del_n, mut edit_ok, mut edit_orph, mut edit_wrong, mut edit_n) =
                (0, 0, 0, 0, 0, 0);
            let mut bad_sims = Vec::new();
            for i in (0..words.len().saturating_sub(14)).step_by(3) {
                let n = 1 + i % 12;
                let span = words[i].start..words[i + n - 1].end;
                let a = annotate(&art, span.clone());
                // deletion of the span only
                let new = Article::from_text(format!("{}{}", &text[..span.start], &text[span.end..]));
                let p = place(&new, &a, 0);
                del_n += 1;
                if p.anchor != Anchor::Orphaned {
                    del_bad += 1;
                    let r = p.bytes.clone().unwrap();
                    bad_sims.push(format!("DEL {:?} -> {:?} {:?}", a.exact, &new.text()[r], p.anchor));
                }
                // one word replaced inside (if n >= 3)
                if n >= 3 {
                    let w = words[i + n / 2].clone();
                    let edited = format!("{}{}{}", &text[..w.start], "replacement", &text[w.end..]);
                    let new = Article::from_text(edited.clone());
                    let want = span.start..span.end + "replacement".len() - w.len();
                    let p = place(&new, &a, 0);
                    edit_n += 1;
                    match p.bytes.clone() {
                        None => {
                            edit_orph += 1;
                            bad_sims.push(format!("ORPH {:?}", a.exact));
                        }
                        Some(r) if r == want => edit_ok += 1,
                        Some(r) => {
                            edit_wrong += 1;
                            bad_sims.push(format!(
                                "EDIT {:?} -> {:?} want {:?}",
                                a.exact,
                                &new.text()[r],
                                &new.text()[want]
                            ));
                        }
                    }
                }
            }
            // unrelated
            let mut unrel_bad = 0;
            let mut unrel_n = 0;
            for g in files {
                if g == f {
                    continue;
                }
                let other = Article::from_text(news(g));
                for i in (0..words.len().saturating_sub(14)).step_by(5) {
                    let n = 1 + i % 8;
                    let a = annotate(&art, words[i].start..words[i + n - 1].end);
                    if a.exact.chars().count() < 4 {
                        continue;
                    }
                    unrel_n += 1;
                    let p = place(&other, &a, 0);
                    if p.anchor != Anchor::Orphaned {
                        unrel_bad += 1;
                        bad_sims.push(format!(
                            "UNREL {:?} -> {:?} {:?}",
                            a.exact,
                            &other.text()[p.bytes.unwrap()],
                            p.anchor
                        ));
                    }
                }
            }
            eprintln!(
                "{f}: deleted wrongly placed {del_bad}/{del_n}; edit ok {edit_ok} orph {edit_orph} wrong {edit_wrong} of {edit_n}; unrelated placed {unrel_bad}/{unrel_n}"
            );
            for b in bad_sims.iter().take(25) {
                eprintln!("   {b}");
            }
        }
    }
    /// Plain dynamic programming: the last row of the edit distance matrix,
    /// for a match starting anywhere (`anchored == false`) or at the first char.
    fn naive_last_row(pat: &[char], text: &[char], anchored: bool) -> Vec<usize> {
        let mut col: Vec<usize> = (0..=pat.len()).collect();
        let mut out = Vec::new();
        for (j, &t) in text.iter().enumerate() {
            let mut next = vec![if anchored { j + 1 } else { 0 }];
            for i in 1..=pat.len() {
                let sub = col[i - 1] + usize::from(pat[i - 1] != t);
                next.push(sub.min(col[i] + 1).min(next[i - 1] + 1));
            }
            out.push(next[pat.len()]);
            col = next;
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn bit_parallel_distance_equals_plain_dynamic_programming(
            pat in "[ab香c]{1,150}",
            text in "[ab香cd]{0,200}",
            anchored in any::<bool>(),
        ) {
            let pat: Vec<char> = pat.chars().collect();
            let text: Vec<char> = text.chars().collect();
            let p = Pattern::new(&pat);
            let mut col = Columns::new(&p);
            let fast: Vec<usize> = text.iter().map(|&c| p.step(&mut col, c, i8::from(anchored))).collect();
            prop_assert_eq!(fast, naive_last_row(&pat, &text, anchored));
        }
    }

    fn arbitrary_annotation() -> impl Strategy<Value = Annotation> {
        let offset = prop_oneof![0usize..300, Just(usize::MAX), any::<usize>()];
        let snippet = "[a-c香é\r\n ]{0,40}";
        (offset.clone(), offset, snippet, snippet, snippet).prop_map(|(start, end, exact, prefix, suffix)| {
            Annotation {
                id: "x".into(),
                kind: Kind::Entity("Person".into()),
                start,
                end,
                exact,
                prefix,
                suffix,
                note: None,
                source: None,
                status: Default::default(),
                author: "t".into(),
                created: "n".into(),
                modified: "n".into(),
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn place_all_never_panics_and_stays_on_char_boundaries(
            text in "[a-c香é🙂\r\n ]{0,300}",
            list in proptest::collection::vec(arbitrary_annotation(), 0..8),
        ) {
            let art = Article::from_text(text.clone());
            let placed = place_all(&art, &list);
            prop_assert_eq!(placed.len(), list.len());
            for (a, p) in list.iter().zip(placed) {
                match (&p.anchor, p.bytes) {
                    (Anchor::Orphaned, None) => {}
                    (anchor, Some(r)) => {
                        prop_assert!(r.start < r.end && r.end <= text.len());
                        prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                        let identical = text[r] == a.exact;
                        prop_assert_eq!(identical, !matches!(anchor, Anchor::Fuzzy(_)));
                    }
                    other => prop_assert!(false, "{:?}", other),
                }
            }
        }
    }
}
