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
//! An approximate match that cut into a word is then snapped to word
//! boundaries where the stored quote had them: "Nick Clegg" found in
//! "Nicholas Clegg" by edits alone would be "olas Clegg" (4 edits rather
//! than 5). Scripts written without spaces are never snapped.
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
//! a similarity of 0.65 the annotation is orphaned rather than moved to the
//! wrong words.

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use super::annotation::Annotation;
use super::text::Article;

/// Bytes searched on each side of the expected position before the whole text.
const WINDOW_BYTES: usize = 4096;
/// Similarity at which a candidate is taken without looking further away.
const CONFIDENT: f64 = 0.9;
/// Least similarity (quote and context together) for a placement.
const ACCEPT: f64 = 0.65;
/// Weight of closeness to the expected position in a candidate's score.
const POSITION_WEIGHT: f64 = 0.01;
/// Approximate matches examined per region, fewest edits first.
const FUZZY_CANDIDATES: usize = 64;
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
    let expected =
        if hint_delta == 0 { stored.start } else { art.char_to_byte(shifted(a.start, hint_delta)) };
    if let Some(p) = fast_path(art.text(), a, &stored, expected) {
        return p;
    }
    let target = Target::new(art, a, stored, expected);
    target.search().map_or_else(Placement::orphaned, |c| target.placement(c))
}

/// Re-anchor all, in document order (by stored start, then end), feeding each
/// shift found as the hint for the next. The result is parallel to `list`.
pub fn place_all(art: &Article, list: &[Annotation]) -> Vec<Placement> {
    place_all_counting(art, list, &AtomicUsize::new(0))
}

/// [`place_all`], adding one to `done` as each annotation is placed (for a
/// progress indicator in another thread).
pub fn place_all_counting(art: &Article, list: &[Annotation], done: &AtomicUsize) -> Vec<Placement> {
    let mut order: Vec<usize> = (0..list.len()).collect();
    order.sort_by_key(|&i| (list[i].start, list[i].end));
    let mut out = vec![Placement::orphaned(); list.len()];
    let mut hint = 0;
    for i in order {
        let p = place(art, &list[i], hint);
        hint = match (&p.anchor, &p.bytes) {
            (Anchor::Exact, _) => 0,
            (_, Some(r)) => signed(art.byte_to_char(r.start)).saturating_sub(signed(list[i].start)),
            (Anchor::Orphaned, None) | (_, None) => hint,
        };
        out[i] = p;
        done.fetch_add(1, Ordering::Relaxed);
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
        && text[..at].ends_with(a.prefix())
        && text[end..].starts_with(a.suffix())
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
    /// Edits between the text at `bytes` and the quote.
    edits: usize,
    /// Edits in quote and context together.
    cost: usize,
    /// `1 - cost / (quote + prefix + suffix lengths)`: agreement in 0–1.
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
    /// The prefix as written, to find where it ends.
    prefix_fwd: Pattern,
    /// The suffix backwards, to find where it starts.
    suffix_rev: Pattern,
    /// Quote, prefix and suffix lengths in code points: the similarity's denominator.
    total: usize,
    /// Whether the quote started at a word start: a word char after a
    /// non-word char or the start of the text.
    word_start: bool,
    /// Whether it ended at a word end.
    word_end: bool,
}

impl<'a> Target<'a> {
    fn new(art: &'a Article, a: &'a Annotation, stored: Range<usize>, expected: usize) -> Target<'a> {
        let quote: Vec<char> = a.exact.chars().collect();
        let prefix: Vec<char> = a.prefix().chars().collect();
        let suffix: Vec<char> = a.suffix().chars().collect();
        let rev = |v: &[char]| Pattern::new(&v.iter().rev().copied().collect::<Vec<char>>());
        Target {
            art,
            exact: &a.exact,
            stored,
            expected,
            total: quote.len() + prefix.len() + suffix.len(),
            quote: Pattern::new(&quote),
            quote_rev: rev(&quote),
            prefix: rev(&prefix),
            suffix: Pattern::new(&suffix),
            prefix_fwd: Pattern::new(&prefix),
            suffix_rev: rev(&suffix),
            word_start: quote.first().is_some_and(|&c| is_word_char(c))
                && !prefix.last().is_some_and(|&c| is_word_char(c)),
            word_end: quote.last().is_some_and(|&c| is_word_char(c))
                && !suffix.first().is_some_and(|&c| is_word_char(c)),
        }
    }

    /// Steps 2 and 3, then the acceptance test: the best candidate if it is
    /// similar enough, changes at most half the quote, and explains the text
    /// better than the quote having been deleted.
    ///
    /// An approximate candidate is first snapped to word boundaries (see
    /// [`Target::snapped`]); if the snapped span is not acceptable the span
    /// as found still may be.
    fn search(&self) -> Option<Candidate> {
        let best = self.best_candidate()?;
        let acceptable =
            |c: &Candidate| c.similarity >= ACCEPT && 2 * c.edits <= self.quote.len && !self.deleted(c.cost);
        if best.edits > 0
            && let Some(snapped) = self.snapped(&best)
            && acceptable(&snapped)
        {
            return Some(snapped);
        }
        acceptable(&best).then_some(best)
    }

    /// `c` with its start moved to a word start if the quote began at one,
    /// and its end to a word end if the quote ended at one. Each boundary
    /// that needs to move may go outwards (taking in the rest of the word it
    /// cut) or inwards (dropping that piece), at most half the quote's length;
    /// None when no boundary needs to move or none can within the edit
    /// budget. Of the spans possible, the one whose quote and context need
    /// the fewest edits wins, then the one dropping fewer pieces: for "Nick
    /// Clegg" edits in the quote alone prefer "olas Clegg" (4) to "Nicholas
    /// Clegg" (5), and "Clegg" costs 5 too; the context, when it is intact,
    /// tells. Scripts written without spaces (Chinese, Japanese, Thai...) have
    /// no word boundaries here and are never snapped.
    fn snapped(&self, c: &Candidate) -> Option<Candidate> {
        let text = self.art.text();
        let Range { start, end } = c.bytes;
        let reach = self.quote.len / 2;
        let starts = if self.word_start && !is_word_start(text, start) {
            let back = text[..start].char_indices().rev().map(|(i, _)| i);
            let forward = text[start..end].char_indices().skip(1).map(|(i, _)| start + i);
            [
                nearest(back, reach, |p| is_word_start(text, p)),
                nearest(forward, reach, |p| is_word_start(text, p)),
            ]
        } else {
            [Some(start), None]
        };
        let ends = if self.word_end && !is_word_end(text, end) {
            let forward = text[end..].char_indices().map(|(i, c)| end + i + c.len_utf8());
            let back = text[start..end].char_indices().rev().skip(1).map(|(i, c)| start + i + c.len_utf8());
            [
                nearest(forward, reach, |p| is_word_end(text, p)),
                nearest(back, reach, |p| is_word_end(text, p)),
            ]
        } else {
            [Some(end), None]
        };
        let mut best: Option<((usize, usize, f64), Candidate)> = None;
        for s in starts.iter().flatten() {
            for e in ends.iter().flatten().filter(|&e| e > s) {
                if (*s, *e) == (start, end) {
                    continue;
                }
                let edits = self.quote.distance(text[*s..*e].chars());
                if 2 * edits > self.quote.len {
                    continue;
                }
                let c = self.candidate(*s..*e, edits);
                let key = (c.cost, usize::from(*s > start) + usize::from(*e < end), -c.score);
                if best.as_ref().is_none_or(|b| key.partial_cmp(&b.0) == Some(std::cmp::Ordering::Less)) {
                    best = Some((key, c));
                }
            }
        }
        best.map(|(_, c)| c)
    }

    /// The best candidate, region by region, stopping once confident.
    fn best_candidate(&self) -> Option<Candidate> {
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
        best
    }

    /// Windows around the expected and the stored positions.
    fn windows(&self) -> Vec<Range<usize>> {
        let mut out = vec![self.window(self.expected)];
        if self.stored.start != self.expected {
            out.push(self.window(self.stored.start));
        }
        out
    }

    /// The windows, then the whole text.
    fn regions(&self) -> Vec<Range<usize>> {
        let whole = 0..self.art.len();
        let mut out = self.windows();
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

    /// Step 3: the best approximate occurrence in `region` scoring above
    /// `floor` and changing at most half the quote.
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
            let Some((span, edits)) = self.refine(end) else { continue };
            let c = self.candidate(span, edits);
            if c.score > floor {
                floor = c.score;
                best = Some(c);
            }
        }
        best
    }

    /// The span near an approximate match end whose quote and context
    /// together need the fewest edits: the start is chosen reading back from
    /// `end`, then the end reading forward from that start. Edits in the quote
    /// alone cannot place a boundary next to an edit (`...\n\n` against
    /// `...\r\n\r\n`, or a longer word at the quote's end); the context can.
    fn refine(&self, end: usize) -> Option<(Range<usize>, usize)> {
        let text = self.art.text();
        let reach = 2 * self.quote.len;
        let back = text[..end].char_indices().rev();
        let (start, _) = best_boundary(&self.quote_rev, back, reach, |s| self.before(s))?;
        let forward = text[start..].char_indices().map(|(i, c)| (start + i + c.len_utf8(), c));
        let (end, edits) = best_boundary(&self.quote, forward, reach, |e| self.after(e))?;
        Some((start..end, edits))
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

    /// Whether the quote looks deleted: near where it should be, its prefix
    /// and suffix now meet with at most `cost` minus the quote's length in
    /// edits, so "the quote is gone" explains the text at least as well as
    /// the best candidate (which costs `cost`) does.
    fn deleted(&self, cost: usize) -> bool {
        let Some(budget) = cost.checked_sub(self.quote.len) else { return false };
        self.windows()
            .into_iter()
            .flat_map(|w| self.meeting_points(w, budget))
            .any(|x| self.before(x) + self.after(x) <= budget)
    }

    /// Points in `region` where the stored prefix ends (without a prefix:
    /// where the suffix starts) with at most `budget` edits, best first.
    fn meeting_points(&self, region: Range<usize>, budget: usize) -> Vec<usize> {
        let text = &self.art.text()[region.clone()];
        let mut points = if self.prefix.len > 0 {
            let chars = text.char_indices().map(|(i, c)| (region.start + i + c.len_utf8(), c));
            search_ends(&self.prefix_fwd, chars, budget)
        } else if self.suffix.len > 0 {
            let chars = text.char_indices().rev().map(|(i, c)| (region.start + i, c));
            search_ends(&self.suffix_rev, chars, budget)
        } else {
            return vec![self.expected];
        };
        points.sort_unstable_by_key(|&(at, edits)| (edits, at.abs_diff(self.expected)));
        points.into_iter().take(FUZZY_CANDIDATES).map(|(at, _)| at).collect()
    }

    /// The highest score a candidate with `edits` in its quote could reach.
    fn best_possible(&self, edits: usize) -> f64 {
        let similarity = 1.0 - edits as f64 / self.total as f64;
        similarity * (1.0 - POSITION_WEIGHT) + POSITION_WEIGHT
    }

    /// Edits between the stored prefix and the text before byte `at`.
    fn before(&self, at: usize) -> usize {
        context_distance(&self.prefix, self.art.text()[..at].chars().rev())
    }

    /// Edits between the stored suffix and the text after byte `at`.
    fn after(&self, at: usize) -> usize {
        context_distance(&self.suffix, self.art.text()[at..].chars())
    }

    /// Score the span `bytes`, whose text is `edits` away from the quote.
    fn candidate(&self, bytes: Range<usize>, edits: usize) -> Candidate {
        let cost = edits + self.before(bytes.start) + self.after(bytes.end);
        let similarity = 1.0 - cost as f64 / self.total as f64;
        let off = bytes.start.abs_diff(self.expected) as f64 / self.art.len() as f64;
        let score = similarity * (1.0 - POSITION_WEIGHT) + (1.0 - off) * POSITION_WEIGHT;
        Candidate { bytes, edits, cost, similarity, score }
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

/// A char of a word in a script that separates words (Latin, Cyrillic,
/// Greek, Arabic, Hangul...): a letter, digit or combining mark. Chinese,
/// Japanese, Thai, Lao, Khmer, Myanmar and Tibetan are written without spaces
/// between words, so their chars count as neither words nor separators.
fn is_word_char(c: char) -> bool {
    (c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)) && !unspaced_script(c)
}

/// Whether `c` belongs to a script written without spaces between words.
fn unspaced_script(c: char) -> bool {
    matches!(
        c,
        '\u{0E00}'..='\u{0EFF}' // Thai, Lao
            | '\u{0F00}'..='\u{109F}' // Tibetan, Myanmar
            | '\u{1780}'..='\u{17FF}' // Khmer
            | '\u{2E80}'..='\u{31FF}' // CJK radicals and punctuation, kana, bopomofo
            | '\u{3400}'..='\u{4DBF}' // CJK extension A
            | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
            | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
            | '\u{FF66}'..='\u{FF9F}' // half-width katakana
            | '\u{20000}'..='\u{3FFFF}' // CJK extensions B and later
    )
}

/// Whether byte `at` of `text` starts a word: a word char after a non-word
/// char or the start of the text.
fn is_word_start(text: &str, at: usize) -> bool {
    text[at..].chars().next().is_some_and(is_word_char)
        && !text[..at].chars().next_back().is_some_and(is_word_char)
}

/// Whether byte `at` of `text` ends a word.
fn is_word_end(text: &str, at: usize) -> bool {
    text[..at].chars().next_back().is_some_and(is_word_char)
        && !text[at..].chars().next().is_some_and(is_word_char)
}

/// The first of `positions` (at most `reach` of them) that is `wanted`.
fn nearest(
    positions: impl Iterator<Item = usize>,
    reach: usize,
    wanted: impl Fn(usize) -> bool,
) -> Option<usize> {
    positions.take(reach).find(|&p| wanted(p))
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
    let mut best = usize::MAX;
    let mut ends = Vec::new();
    scan(text, pat, max_edits, |end, d| {
        if d < best {
            best = d;
            ends.retain(|&(_, e)| e <= d + edit_slack(max_edits));
        }
        if ends.len() < FUZZY_ENDS_CAP {
            ends.push((offset + end, d));
        }
        max_edits.min(best + edit_slack(max_edits))
    });
    ends
}

/// Myers' search of `pat` over all of `text`, tuned for long texts: for
/// every end (byte offset just past a char) where the edit distance is at
/// most `limit`, calls `hit(end, distance)`, which returns the new limit.
/// The same distances as [`Pattern::step`] with a match starting anywhere,
/// with ASCII chars' masks in a flat table and one block kept in registers.
fn scan(text: &str, pat: &Pattern, mut limit: usize, mut hit: impl FnMut(usize, usize) -> usize) {
    let blocks = pat.blocks;
    let mut ascii = vec![0u64; 128 * blocks];
    for (c, masks) in (0u8..128).zip(ascii.chunks_exact_mut(blocks)) {
        masks.copy_from_slice(pat.eq(char::from(c)));
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut dist = pat.len;
    if blocks == 1 {
        let last = pat.last_bit(0);
        let (mut pv, mut mv) = (!0u64, 0u64);
        while i < bytes.len() {
            let eq = if bytes[i] < 0x80 {
                i += 1;
                ascii[usize::from(bytes[i - 1])]
            } else {
                let c = text[i..].chars().next().unwrap_or_default();
                i += c.len_utf8();
                pat.eq(c)[0]
            };
            let xv = eq | mv;
            let xh = ((eq & pv).wrapping_add(pv) ^ pv) | eq;
            let ph = mv | !(xh | pv);
            let mh = pv & xh;
            if ph & last != 0 {
                dist += 1;
            } else if mh & last != 0 {
                dist -= 1;
            }
            let (ph, mh) = (ph << 1, mh << 1);
            pv = mh | !(xv | ph);
            mv = ph & xv;
            if dist <= limit {
                limit = hit(i, dist);
            }
        }
        return;
    }
    let mut col = Columns::new(pat);
    while i < bytes.len() {
        let eq = if bytes[i] < 0x80 {
            i += 1;
            let at = usize::from(bytes[i - 1]) * blocks;
            &ascii[at..at + blocks]
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            i += c.len_utf8();
            pat.eq(c)
        };
        let mut carry = 0;
        for (b, &eq) in eq.iter().enumerate() {
            carry = advance_block(&mut col.pv[b], &mut col.mv[b], eq, carry, pat.last_bit(b));
        }
        dist = dist.saturating_add_signed(isize::from(carry));
        if dist <= limit {
            limit = hit(i, dist);
        }
    }
}

/// Where `pat` ends a match that may start anywhere, with at most
/// `max_edits` edits: (boundary, edits). Each char of `chars` comes with the
/// byte offset just past it in reading order.
fn search_ends(
    pat: &Pattern,
    chars: impl Iterator<Item = (usize, char)>,
    max_edits: usize,
) -> Vec<(usize, usize)> {
    let mut col = Columns::new(pat);
    chars
        .filter_map(|(at, c)| {
            let d = pat.step(&mut col, c, 0);
            (d <= max_edits).then_some((at, d))
        })
        .collect()
}

/// Reading `chars` from a fixed point (each char with the byte offset just
/// past it in reading order, at most `reach` chars), the boundary where the
/// edits of `pat` plus `context(boundary)` are fewest; ties go to the length
/// closest to the pattern's. Returns the boundary and the edits of `pat` alone.
fn best_boundary(
    pat: &Pattern,
    chars: impl Iterator<Item = (usize, char)>,
    reach: usize,
    context: impl Fn(usize) -> usize,
) -> Option<(usize, usize)> {
    let mut col = Columns::new(pat);
    let mut best: Option<((usize, usize), usize, usize)> = None;
    for (n, (at, c)) in chars.take(reach).enumerate() {
        let edits = pat.step(&mut col, c, 1);
        if best.as_ref().is_some_and(|b| edits > b.0.0) {
            continue;
        }
        let key = (edits + context(at), (n + 1).abs_diff(pat.len));
        if best.as_ref().is_none_or(|b| key < b.0) {
            best = Some((key, at, edits));
        }
    }
    best.map(|(_, at, edits)| (at, edits))
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

    /// Edit distance between the whole pattern and `chars`.
    fn distance(&self, chars: impl Iterator<Item = char>) -> usize {
        let mut col = Columns::new(self);
        for c in chars {
            self.step(&mut col, c, 1);
        }
        col.dist
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
    use crate::core::annotation::{Context, Kind, Stamp};

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

    /// Place the annotation over `needle` in `old` on `new`: its anchor and text.
    fn replaced(old: &str, needle: &str, new: &str) -> (Anchor, Option<String>) {
        let old = Article::from_text(old);
        let new = Article::from_text(new);
        let p = place(&new, &nth(&old, needle, 0), 0);
        (p.anchor, p.bytes.map(|r| new.text()[r].to_owned()))
    }

    #[test]
    fn fuzzy_match_of_a_lengthened_name_takes_the_whole_word() {
        let old = "Britain's former deputy prime minister Nick Clegg said on Tuesday that Meta would appeal.";
        for new in [
            old.replace("Nick", "Nicholas"),
            format!("An introduction.\n\n{}", old.replace("Nick", "Nicholas")),
            old.replace("Nick", "Nicholas").replace("said on Tuesday", "told reporters"),
            old.replace("prime minister Nick", "leader Nicholas"),
        ] {
            let (anchor, text) = replaced(old, "Nick Clegg", &new);
            assert!(matches!(anchor, Anchor::Fuzzy(_)), "{new}: {anchor:?}");
            assert_eq!(text.as_deref(), Some("Nicholas Clegg"), "{new}");
        }
        // No prefix at all: the start of the text is a word boundary, and
        // without context the span keeps the word rather than drop it.
        for (old, new) in
            [("Nick Clegg said", "Nicholas Clegg said"), ("Meet Nick Clegg", "Meet Nicholas Clegg")]
        {
            let (anchor, text) = replaced(old, "Nick Clegg", new);
            assert!(matches!(anchor, Anchor::Fuzzy(_)), "{new}");
            assert_eq!(text.as_deref(), Some("Nicholas Clegg"), "{new}");
        }
        // The end too.
        let old = "Russia's prime minister Dmitri Medvedev said on Tuesday that talks would go on.";
        let (anchor, text) =
            replaced(old, "Dmitri Medvedev", &old.replace("Dmitri Medvedev", "Dmitry Medvedevich"));
        assert!(matches!(anchor, Anchor::Fuzzy(_)));
        assert_eq!(text.as_deref(), Some("Dmitry Medvedevich"));
        // A quote that began inside a word may begin inside one again.
        let (anchor, text) =
            replaced(old, "ssia's prime", &old.replace("Russia's prime", "Russia's premier"));
        assert!(matches!(anchor, Anchor::Fuzzy(_)));
        assert!(text.as_deref().is_some_and(|t| t.starts_with("ssia's pr")), "{text:?}");
    }

    #[test]
    fn word_changed_inside_a_long_quote_keeps_the_whole_quote() {
        let text = news("en-cnn-thanksgiving-storm.txt");
        let quote = "travelers and transportation authorities breathed a collective sigh of relief";
        for (word, with) in
            [("travelers", "passengers"), ("collective", "communal"), ("relief", "reassurance")]
        {
            let edited = quote.replace(word, with);
            let (anchor, found) = replaced(&text, quote, &text.replace(quote, &edited));
            assert!(matches!(anchor, Anchor::Fuzzy(s) if s > 0.8), "{word}: {anchor:?}");
            assert_eq!(found, Some(edited), "{word}");
        }
    }

    #[test]
    fn fuzzy_chinese_quote_is_not_snapped_to_punctuation() {
        let text = news("zh-hongkong-leung-chun-ying-apology.txt");
        for (quote, edited) in [
            ("梁振英强调承诺将在两周内解决", "梁振英再次承诺将在两周内解决"),
            ("不过泛民主派议员们普遍指责", "然而泛民主派议员们普遍指责"),
            ("要求他马上辞职下台", "要求他立即辞职下台"),
            ("香港民众接受", "香港市民接受"),
        ] {
            let (anchor, found) = replaced(&text, quote, &text.replacen(quote, edited, 1));
            assert!(matches!(anchor, Anchor::Fuzzy(_)), "{quote}: {anchor:?}");
            assert_eq!(found.as_deref(), Some(edited), "{quote}");
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
    fn deleted_short_word_is_not_moved_to_a_neighbour() {
        let text = news("en-cnn-thanksgiving-storm.txt");
        let old = Article::from_text(text.clone());
        for word in ["on", "the", "a", "said"] {
            for n in [0, 3, 6] {
                let at = text.match_indices(&format!(" {word} ")).nth(n).unwrap().0 + 1;
                let a = annotate(&old, at..at + word.len());
                let new = Article::from_text(format!("{}{}", &text[..at], &text[at + word.len() + 1..]));
                assert_eq!(place(&new, &a, 0).anchor, Anchor::Orphaned, "{word:?} #{n}");
                assert_eq!(place_all(&new, &[a]), vec![Placement::orphaned()]);
            }
        }
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

        #[test]
        fn whole_text_scan_equals_plain_dynamic_programming(
            pat in "[ab香c]{1,150}",
            text in "[ab香cd]{0,200}",
        ) {
            let chars: Vec<char> = pat.chars().collect();
            let p = Pattern::new(&chars);
            let mut fast = Vec::new();
            scan(&text, &p, usize::MAX, |end, d| {
                fast.push((end, d));
                usize::MAX
            });
            let ends = text.char_indices().map(|(i, c)| i + c.len_utf8());
            let text: Vec<char> = text.chars().collect();
            let naive: Vec<(usize, usize)> = ends.zip(naive_last_row(&chars, &text, false)).collect();
            prop_assert_eq!(fast, naive);
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
                exact: exact.into(),
                context: Context::new(&prefix, &suffix),
                status: Default::default(),
                author: "t".into(),
                created: "n".into(),
                modified: "n".into(),
                more: None,
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
