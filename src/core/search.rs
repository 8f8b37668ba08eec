//! Search that ignores Unicode normalisation and is smart about case.
//!
//! "José" typed with a composed `é` finds "Jose\u{301}" written with a
//! combining accent, and the other way round: both the text and the query are
//! compared in NFC, grapheme by grapheme. A query with no upper-case letter
//! ignores case; one with an upper-case letter matches case exactly.
//!
//! An ASCII query is searched for in the text itself ([`AsciiSearch`]);
//! others in folded copies of about a megabyte of it at a time
//! ([`ChunkSearch`]). Only graphemes whose folded form differs in length are
//! recorded in a fold's offset map, so for most text the map stays tiny.

use std::ops::Range;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

use super::matches::Matches;

/// The text folded one way, with the map back to the original offsets.
#[derive(Debug, Clone)]
pub struct Folded {
    ignore_case: bool,
    folded: String,
    /// `(folded offset, original offset)` at every point where the two drift apart.
    map: Vec<(usize, usize)>,
}

fn fold_grapheme(g: &str, ignore_case: bool, out: &mut String) {
    if g.is_ascii() {
        if ignore_case {
            out.extend(g.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            out.push_str(g);
        }
    } else if ignore_case {
        out.extend(g.nfc().flat_map(char::to_lowercase));
    } else {
        out.extend(g.nfc());
    }
}

/// Fold `stretch` (in NFC already; it starts at original byte `at`) as
/// [`fold_grapheme`] would, without segmenting it: the result is the same
/// because NFC text needs no normalising.
fn fold_nfc(stretch: &str, at: usize, ignore_case: bool, out: &mut String, map: &mut Vec<(usize, usize)>) {
    if !ignore_case {
        out.push_str(stretch);
        return;
    }
    for (k, c) in stretch.char_indices() {
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.len()) {
            (Some(l), 0) if l.len_utf8() == c.len_utf8() => out.push(l),
            (first, _) => {
                let before = out.len();
                out.extend(first.into_iter().chain(lower));
                map.push((before, at + k));
                map.push((out.len(), at + k + c.len_utf8()));
            }
        }
    }
}

/// Fold a query the way the text is folded.
pub fn fold_query(q: &str, ignore_case: bool) -> String {
    let mut out = String::with_capacity(q.len());
    for g in q.graphemes(true) {
        fold_grapheme(g, ignore_case, &mut out);
    }
    out
}

/// Smart case: ignore case unless the query has an upper-case letter.
pub fn ignores_case(query: &str) -> bool {
    !query.chars().any(char::is_uppercase)
}

impl Folded {
    /// Fold `text` once. Runs of ASCII are copied (or lower-cased) byte by
    /// byte; only the stretches around non-ASCII text go through grapheme
    /// segmentation and NFC, so folding a book takes milliseconds.
    pub fn new(text: &str, ignore_case: bool) -> Folded {
        let bytes = text.as_bytes();
        let mut folded = String::with_capacity(text.len());
        let mut map = vec![(0, 0)];
        let mut i = 0;
        while i < bytes.len() {
            let run_end = i + bytes[i..].iter().position(|&b| !b.is_ascii()).unwrap_or(bytes.len() - i);
            // The last ASCII character before non-ASCII text may take a combining mark.
            let ascii_end = if run_end < bytes.len() && run_end > i { run_end - 1 } else { run_end };
            let from = folded.len();
            folded.push_str(&text[i..ascii_end]);
            if ignore_case {
                folded[from..].make_ascii_lowercase();
            }
            if ascii_end == bytes.len() {
                break;
            }
            // A mixed stretch ends where two ASCII bytes meet (always a grapheme boundary).
            let mut j = run_end;
            while j < bytes.len() && !(bytes[j].is_ascii() && bytes.get(j + 1).is_none_or(u8::is_ascii)) {
                j += 1;
            }
            let stretch = &text[ascii_end..j];
            if is_nfc_quick(stretch.chars()) == IsNormalized::Yes {
                // Already NFC (curly quotes, accented letters as typed by
                // most editors): case folding is all there is, char by char.
                fold_nfc(stretch, ascii_end, ignore_case, &mut folded, &mut map);
            } else {
                for (k, g) in stretch.grapheme_indices(true) {
                    let at = ascii_end + k;
                    let before = folded.len();
                    fold_grapheme(g, ignore_case, &mut folded);
                    if folded.len() - before != g.len() {
                        map.push((before, at));
                        map.push((folded.len(), at + g.len()));
                    }
                }
            }
            i = j;
        }
        Folded { ignore_case, folded, map }
    }

    /// Whether this fold ignores case.
    pub fn ignore_case(&self) -> bool {
        self.ignore_case
    }

    fn to_original(&self, f: usize) -> usize {
        let k = self.map.partition_point(|&(fo, _)| fo <= f) - 1;
        let (fo, o) = self.map[k];
        o + (f - fo)
    }

    fn to_folded(&self, o: usize) -> usize {
        let k = self.map.partition_point(|&(_, oo)| oo <= o) - 1;
        let (fo, oo) = self.map[k];
        fo + (o - oo)
    }

    /// The original byte range of a folded match, if it starts and ends on
    /// grapheme boundaries of `text` and really folds to `query`.
    fn confirm(&self, text: &str, query: &str, f: Range<usize>) -> Option<Range<usize>> {
        let s = self.to_original(f.start);
        let e = self.to_original(f.end);
        let ok = e <= text.len()
            && s <= e
            && text.is_char_boundary(s)
            && text.is_char_boundary(e)
            && is_grapheme_boundary(text, s)
            && is_grapheme_boundary(text, e)
            && fold_query(&text[s..e], self.ignore_case) == query;
        ok.then_some(s..e)
    }

    /// Every match of `query` (already folded) in original offsets, in
    /// order, overlapping ones included.
    fn each<'s>(&'s self, text: &'s str, query: &'s str) -> impl Iterator<Item = Range<usize>> + 's {
        starts_forward(self.folded.as_bytes(), query.as_bytes())
            .filter_map(move |f| self.confirm(text, query, f..f + query.len()))
    }

    /// All matches of `query` (already folded) in original offsets, in
    /// order, each starting after the one before ends.
    pub fn find_all(&self, text: &str, query: &str) -> Vec<Range<usize>> {
        let mut all: Vec<Range<usize>> = self.each(text, query).collect();
        all.dedup_by(|r, kept| r.start < kept.end);
        all
    }

    /// The first match starting after original byte `after` (wrapping to the
    /// start), or before it when `backward`.
    pub fn find_from(&self, text: &str, query: &str, after: usize, backward: bool) -> Option<Range<usize>> {
        if query.is_empty() {
            return None;
        }
        let hay = self.folded.as_bytes();
        let needle = query.as_bytes();
        let f0 = self.to_folded(after.min(text.len()));
        // Overlapping candidates count: in "iii̇" (from "iiİ") the "ii" at
        // 1 ends inside İ and fails, and the one at 0 must still be seen.
        if backward {
            let head = (f0 + needle.len() - 1).min(hay.len());
            let found = starts_backward(&hay[..head], needle)
                .filter(|&f| f < f0)
                .chain(starts_backward(hay, needle).filter(|&f| f >= f0))
                .find_map(|f| self.confirm(text, query, f..f + needle.len()));
            return found;
        }
        let from = (f0 + 1).min(hay.len());
        starts_forward(&hay[from..], needle)
            .map(|f| f + from)
            .chain(starts_forward(&hay[..(from + needle.len() - 1).min(hay.len())], needle))
            .find_map(|f| self.confirm(text, query, f..f + needle.len()))
    }
}

/// Every place `needle` starts in `hay`, first to last, overlapping ones
/// included (memchr's `find_iter` skips those).
fn starts_forward<'h>(hay: &'h [u8], needle: &'h [u8]) -> impl Iterator<Item = usize> + 'h {
    let finder = memchr::memmem::Finder::new(needle);
    let mut from = 0;
    std::iter::from_fn(move || {
        if needle.is_empty() {
            return None;
        }
        let f = from + finder.find(hay.get(from..)?)?;
        from = f + 1;
        Some(f)
    })
}

/// [`starts_forward`], last to first.
fn starts_backward<'h>(hay: &'h [u8], needle: &'h [u8]) -> impl Iterator<Item = usize> + 'h {
    let finder = memchr::memmem::FinderRev::new(needle);
    let mut end = hay.len();
    std::iter::from_fn(move || {
        if needle.is_empty() {
            return None;
        }
        let f = finder.rfind(&hay[..end])?;
        // The next one starts before this one: it ends before this one's last byte.
        end = f + needle.len() - 1;
        Some(f)
    })
}

/// Bytes of text folded at a time by [`ChunkSearch`].
const CHUNK: usize = 1 << 20;

/// A non-ASCII query searched chunk by chunk: each stretch of about a
/// megabyte is folded ([`Folded`]), searched and dropped. The first match
/// after the cursor costs the chunks up to it, and no folded copy of the
/// whole text (as large as the text) is ever kept; all matches are found
/// on two threads.
pub struct ChunkSearch<'a> {
    text: &'a str,
    query: &'a str,
    ignore_case: bool,
    /// Where chunks start (0 first), each at a [`split_at_or_after`] point.
    starts: Vec<usize>,
}

/// The first place at or after byte `b` where folding can start afresh:
/// between two ASCII bytes other than CR LF (never inside a grapheme, and
/// the fold of what follows does not depend on what came before), or the
/// end of the text.
fn split_at_or_after(text: &str, b: usize) -> usize {
    let bytes = text.as_bytes();
    let from = b.max(1);
    if from >= bytes.len() {
        return bytes.len();
    }
    // Windows from the byte before `from`: a split at `i` sits between bytes i-1 and i.
    bytes[from - 1..]
        .windows(2)
        .position(|w| w[0].is_ascii() && w[1].is_ascii() && w != b"\r\n")
        .map_or(bytes.len(), |k| from + k)
}

impl<'a> ChunkSearch<'a> {
    /// `query` must be folded ([`fold_query`]) the way `ignore_case` says.
    pub fn new(text: &'a str, query: &'a str, ignore_case: bool) -> ChunkSearch<'a> {
        ChunkSearch::with_chunk(text, query, ignore_case, CHUNK)
    }

    fn with_chunk(text: &'a str, query: &'a str, ignore_case: bool, chunk: usize) -> ChunkSearch<'a> {
        let mut starts = vec![0];
        loop {
            let next = split_at_or_after(text, starts[starts.len() - 1] + chunk);
            if next >= text.len() {
                break;
            }
            starts.push(next);
        }
        ChunkSearch { text, query, ignore_case, starts }
    }

    /// The matches that start in chunk `k`, in order, overlapping ones
    /// included. The chunk is folded with what follows it up to well past
    /// a match's length (its text may be longer than the query: decomposed
    /// letters, the Kelvin sign).
    fn matches_in(&self, k: usize) -> Vec<Range<usize>> {
        let (start, end) = (self.starts[k], self.starts.get(k + 1).copied().unwrap_or(self.text.len()));
        let reach = split_at_or_after(self.text, end + 4 * self.query.len() + 256);
        let stretch = &self.text[start..reach];
        let folded = Folded::new(stretch, self.ignore_case);
        folded
            .each(stretch, self.query)
            .map(|r| r.start + start..r.end + start)
            .take_while(|r| r.start < end)
            .collect()
    }

    /// The chunk holding byte `b`.
    fn chunk_of(&self, b: usize) -> usize {
        self.starts.partition_point(|&s| s <= b) - 1
    }

    /// Every match, in order, each starting after the one before ends.
    /// The second half of the text is searched on a thread of its own.
    pub fn find_all(&self) -> Matches {
        let n = self.starts.len();
        let half = n.div_ceil(2);
        let (mut first, second) = std::thread::scope(|scope| {
            let later = scope.spawn(|| Matches::apart((half..n).flat_map(|k| self.matches_in(k))));
            let first = Matches::apart((0..half).flat_map(|k| self.matches_in(k)));
            (first, later.join().expect("the search thread"))
        });
        first.extend(second.iter());
        first
    }

    /// The first match starting after byte `after` (wrapping to the start),
    /// or the last one starting before it when `backward` (wrapping to the
    /// end).
    pub fn find_from(&self, after: usize, backward: bool) -> Option<Range<usize>> {
        let after = after.min(self.text.len());
        let here = self.chunk_of(after);
        let n = self.starts.len();
        if backward {
            let before =
                (0..=here).rev().find_map(|k| self.matches_in(k).into_iter().rfind(|r| r.start < after));
            return before.or_else(|| (here..n).rev().find_map(|k| self.matches_in(k).pop()));
        }
        let next = (here..n).find_map(|k| self.matches_in(k).into_iter().find(|r| r.start > after));
        next.or_else(|| (0..=here).find_map(|k| self.matches_in(k).into_iter().next()))
    }
}

/// Searching for an ASCII query needs no folded copy of the text (a book's
/// worth of memory): its matches are ASCII runs equal to it, ignoring ASCII
/// case when asked, on grapheme boundaries. (Text that folds to ASCII only
/// through normalisation, such as the Kelvin sign, is found by typing it.)
pub struct AsciiSearch<'a> {
    text: &'a str,
    query: &'a [u8],
    ignore_case: bool,
    /// The query byte to look for first: its rarest letter.
    anchor: usize,
}

impl<'a> AsciiSearch<'a> {
    /// `query` must be ASCII and folded (lower case when ignoring case).
    pub fn new(text: &'a str, query: &'a str, ignore_case: bool) -> AsciiSearch<'a> {
        // English letter frequencies, commonest first; other bytes rank as rare.
        const COMMON: &[u8] = b" etaoinsrhldcumfpgwybvkxjqz";
        let rank = |b: &u8| COMMON.iter().position(|c| c == b).unwrap_or(COMMON.len());
        let anchor = query.as_bytes().iter().enumerate().max_by_key(|(_, b)| rank(b)).map_or(0, |(i, _)| i);
        AsciiSearch { text, query: query.as_bytes(), ignore_case, anchor }
    }

    fn is_match(&self, at: usize) -> bool {
        let hay = self.text.as_bytes();
        let Some(run) = hay.get(at..at + self.query.len()) else { return false };
        let same = if self.ignore_case { run.eq_ignore_ascii_case(self.query) } else { run == self.query };
        same && is_grapheme_boundary(self.text, at) && is_grapheme_boundary(self.text, at + self.query.len())
    }

    /// Match starts in `from..to`, in order (backwards when `backward`).
    fn starts(&self, from: usize, to: usize, backward: bool) -> Box<dyn Iterator<Item = usize> + '_> {
        let n = self.query.len();
        if n == 0 || from >= to {
            return Box::new(std::iter::empty());
        }
        let hay = self.text.as_bytes();
        let k = self.anchor;
        // Anchor bytes lie in from+k .. to+k (clamped): a match starts k before one.
        let lo = (from + k).min(hay.len());
        let hi = (to + k).min(hay.len());
        let region = &hay[lo..hi];
        let a = self.query[k];
        let (x, y) = if self.ignore_case { (a.to_ascii_lowercase(), a.to_ascii_uppercase()) } else { (a, a) };
        let hits: Box<dyn Iterator<Item = usize>> = if backward {
            Box::new(memchr::memchr2_iter(x, y, region).rev())
        } else {
            Box::new(memchr::memchr2_iter(x, y, region))
        };
        Box::new(hits.map(move |i| lo + i - k).filter(move |&at| self.is_match(at)))
    }

    /// Every match, in order.
    pub fn find_all(&self) -> Matches {
        let n = self.query.len();
        Matches::apart(self.starts(0, self.text.len(), false).map(|at| at..at + n))
    }

    /// The first match starting after byte `after` (wrapping to the start),
    /// or the last one before it when `backward`.
    pub fn find_from(&self, after: usize, backward: bool) -> Option<Range<usize>> {
        let (n, len) = (self.query.len(), self.text.len());
        let after = after.min(len);
        let at = if backward {
            self.starts(0, after, true).next().or_else(|| self.starts(after, len, true).next())
        } else {
            self.starts(after + 1, len, false).next().or_else(|| self.starts(0, after + 1, false).next())
        };
        at.map(|a| a..a + n)
    }
}

fn is_grapheme_boundary(text: &str, b: usize) -> bool {
    GraphemeCursor::new(b, text.len(), true).is_boundary(text, 0).unwrap_or(false)
}

/// All matches of `query` (as typed) in `text`, folding as smart case
/// says: an ASCII query searches the text itself, others folded copies of
/// it, a chunk at a time.
pub fn all_matches(text: &str, query: &str) -> Matches {
    let ic = ignores_case(query);
    let q = fold_query(query, ic);
    if q.is_ascii() {
        return AsciiSearch::new(text, &q, ic).find_all();
    }
    ChunkSearch::new(text, &q, ic).find_all()
}

/// The next (or previous, `backward`) match of `query` (as typed) after
/// byte `from`, wrapping, searched as [`all_matches`] searches.
pub fn next_match(text: &str, query: &str, from: usize, backward: bool) -> Option<Range<usize>> {
    let ic = ignores_case(query);
    let q = fold_query(query, ic);
    if q.is_ascii() {
        return AsciiSearch::new(text, &q, ic).find_from(from, backward);
    }
    ChunkSearch::new(text, &q, ic).find_from(from, backward)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find<'a>(text: &'a str, q: &str) -> Vec<&'a str> {
        let ic = ignores_case(q);
        let f = Folded::new(text, ic);
        f.find_all(text, &fold_query(q, ic)).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn composed_query_finds_decomposed_text_and_back() {
        let text = "Jose\u{301} Mari\u{301}a and José";
        assert_eq!(find(text, "José"), ["Jose\u{301}", "José"]);
        assert_eq!(find(text, "Jose\u{301}"), ["Jose\u{301}", "José"]);
        assert_eq!(find(text, "maría"), ["Mari\u{301}a"]);
    }

    #[test]
    fn smart_case() {
        let text = "Meta and meta and META";
        assert_eq!(find(text, "meta").len(), 3);
        assert_eq!(find(text, "Meta"), ["Meta"]);
        assert_eq!(find("ÉCOLE école", "école").len(), 2);
    }

    #[test]
    fn never_matches_half_a_grapheme() {
        let text = "cafe\u{301} cafe";
        assert_eq!(find(text, "cafe"), ["cafe"]);
    }

    #[test]
    fn find_from_wraps_both_ways() {
        let text = "Meta x Meta y Meta";
        let f = Folded::new(text, true);
        let q = fold_query("meta", true);
        assert_eq!(f.find_from(text, &q, 0, false), Some(7..11));
        assert_eq!(f.find_from(text, &q, 14, false), Some(0..4));
        assert_eq!(f.find_from(text, &q, 7, true), Some(0..4));
        assert_eq!(f.find_from(text, &q, 0, true), Some(14..18));
        let one = "xx Meta";
        let f1 = Folded::new(one, true);
        assert_eq!(f1.find_from(one, &q, 3, false), Some(3..7), "the only match is found again");
        assert_eq!(f1.find_from(one, &q, 5, true), Some(3..7));
    }

    #[test]
    fn ascii_search_agrees_with_the_folded_search() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");
        let mut texts: Vec<String> = std::fs::read_dir(format!("{dir}/news"))
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        texts.push(std::fs::read_to_string(format!("{dir}/seed/facebook-meta-nspcc-id.txt")).unwrap());
        texts.push("aaa AAA aAa e\u{301}e ee\u{301} x".to_owned());
        let queries = ["the", "The", "a", "aa", "e", "Meta", "said", " ", "2022", "AAA", "zzz", "e e"];
        for text in &texts {
            for q in queries {
                let ic = ignores_case(q);
                let folded = fold_query(q, ic);
                let f = Folded::new(text, ic);
                let a = AsciiSearch::new(text, &folded, ic);
                assert_eq!(a.find_all().iter().collect::<Vec<_>>(), f.find_all(text, &folded), "{q:?}");
                for after in [0, 1, text.len() / 3, text.len() / 2, text.len().saturating_sub(1), text.len()]
                {
                    for back in [false, true] {
                        assert_eq!(
                            a.find_from(after, back),
                            f.find_from(text, &folded, after, back),
                            "{q:?} after {after} backward {back}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn fast_fold_agrees_with_grapheme_by_grapheme_folding() {
        let text = "Natásha said \"Ah!\" to Pierre\r\nJose\u{301} é 香港 ÉCOLE x\u{308}y\u{1F600} end \
                    İSTANBUL “Straße” ΣΑΣ Å\u{30a} Ǆ";
        for ic in [true, false] {
            let f = Folded::new(text, ic);
            assert_eq!(f.folded, fold_query(text, ic));
            for q in ["natásha", "Natásha", "josé", "école", "ÉCOLE", "ẍy", "pierre\r\njosé", "香港"]
            {
                let q = fold_query(q, ic);
                for r in f.find_all(text, &q) {
                    assert_eq!(fold_query(&text[r], ic), q);
                }
            }
        }
        // Real articles of eight languages and scripts, both case modes.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/news");
        for entry in std::fs::read_dir(dir).unwrap() {
            let article = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for ic in [true, false] {
                assert_eq!(Folded::new(&article, ic).folded, fold_query(&article, ic));
            }
        }
        let f = Folded::new(text, true);
        assert_eq!(f.find_all(text, &fold_query("josé", true)).len(), 1);
        assert_eq!(f.find_all(text, &fold_query("école", true)).len(), 1);
    }

    #[test]
    fn a_candidate_overlapping_one_that_fails_is_still_seen() {
        // "iiİ" folds to "iii\u{307}": the "ii" at 1 ends inside İ and is no
        // match; the one at 0 is, from either direction and wrapping.
        let text = "iiİ";
        let f = Folded::new(text, true);
        for (after, backward) in [(0, true), (0, false), (2, true), (4, false)] {
            assert_eq!(
                f.find_from(text, "ii", after, backward),
                Some(0..2),
                "from {after} backward {backward}"
            );
        }
        assert_eq!(f.find_all(text, "ii"), vec![Range { start: 0, end: 2 }]);
    }

    #[test]
    fn cjk_and_offsets_after_changed_graphemes() {
        let text = "Ö\u{308}香港 Zuckerberg 香港";
        assert_eq!(find(text, "zuckerberg"), ["Zuckerberg"]);
        assert_eq!(find(text, "香港").len(), 2);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        /// Chunk by chunk (chunks of a few bytes here), the matches are
        /// those of the whole text folded at once, and so is the next or
        /// previous match from any grapheme boundary.
        #[test]
        fn chunks_find_what_the_whole_fold_finds(
            text in "(ab|Ab|é|e\u{301}|\r\n|\n| |\u{212a}|k|K|İ|i|香|ä|A\u{308}){0,40}",
            query in "(ab|é|e\u{301}|k|i|香|ä| |\n){1,3}",
            chunk in 1usize..24,
            picks in proptest::collection::vec(0usize..200, 4),
        ) {
            let ic = ignores_case(&query);
            let q = fold_query(&query, ic);
            let whole = Folded::new(&text, ic);
            let chunked = ChunkSearch::with_chunk(&text, &q, ic, chunk);
            proptest::prop_assert_eq!(chunked.find_all().iter().collect::<Vec<_>>(), whole.find_all(&text, &q));
            let bounds: Vec<usize> = text.grapheme_indices(true).map(|(i, _)| i).chain([text.len()]).collect();
            for pick in picks {
                let after = bounds[pick % bounds.len()];
                for backward in [false, true] {
                    proptest::prop_assert_eq!(
                        chunked.find_from(after, backward),
                        whole.find_from(&text, &q, after, backward),
                        "from {} backward {}", after, backward
                    );
                }
            }
        }
    }

    #[test]
    fn chunks_start_between_two_ascii_bytes_never_inside_cr_lf() {
        let text = "a\r\nb é\u{301}cd";
        assert_eq!(split_at_or_after(text, 0), 1, "between a and CR");
        assert_eq!(split_at_or_after(text, 2), 3, "not between CR and LF: between LF and b");
        assert_eq!(split_at_or_after(text, 6), 10, "after the accents: between c and d");
        assert_eq!(split_at_or_after(text, 10), 10);
        assert_eq!(split_at_or_after(text, 11), text.len());
        let starts = ChunkSearch::with_chunk(text, "b", true, 2).starts;
        assert_eq!(starts, [0, 3, 10]);
    }
}
