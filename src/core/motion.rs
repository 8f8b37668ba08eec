//! Cursor motions over an [`Article`]: graphemes, words, sentences and
//! paragraphs. Every function takes and returns byte offsets and only looks
//! at the lines it needs, so motions cost the same anywhere in a book.
//!
//! A cursor rests on the start of a grapheme cluster of a line's content, or
//! on the start of an empty line; it never rests inside an emoji sequence or
//! between a letter and its combining accent.

use std::ops::Range;

use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

use super::text::Article;

/// Start of the grapheme after the one at `b` within its line; stays on the
/// last grapheme of the line.
pub fn grapheme_right(art: &Article, b: usize) -> usize {
    let line = art.line_content(art.line_of(b));
    let next = next_boundary(art.text(), line.clone(), b);
    if next >= line.end { b } else { next }
}

/// Start of the grapheme before `b` within its line.
pub fn grapheme_left(art: &Article, b: usize) -> usize {
    let line = art.line_content(art.line_of(b));
    if b <= line.start {
        return line.start;
    }
    prev_boundary(art.text(), line, b)
}

/// End of the grapheme that starts at `b` (the next line's start at a line end).
pub fn grapheme_end(art: &Article, b: usize) -> usize {
    let li = art.line_of(b);
    let line = art.line_content(li);
    if b >= line.end {
        return if li + 1 < art.line_count() { art.line_start(li + 1) } else { art.len() };
    }
    next_boundary(art.text(), line, b)
}

/// Snap `b` to a valid cursor position: the grapheme start at or before it
/// within its line content.
pub fn snap(art: &Article, b: usize) -> usize {
    let b = art.floor_char_boundary(b);
    let line = art.line_content(art.line_of(b));
    if b >= line.end {
        return if line.is_empty() { line.start } else { prev_boundary(art.text(), line.clone(), line.end) };
    }
    let mut cur = GraphemeCursor::new(b - line.start, line.len(), true);
    let chunk = &art.text()[line.clone()];
    if cur.is_boundary(chunk, 0).unwrap_or(true) { b } else { prev_boundary(art.text(), line, b) }
}

fn next_boundary(text: &str, line: Range<usize>, b: usize) -> usize {
    let chunk = &text[line.clone()];
    let mut cur = GraphemeCursor::new(b.saturating_sub(line.start).min(chunk.len()), chunk.len(), true);
    match cur.next_boundary(chunk, 0) {
        Ok(Some(n)) => line.start + n,
        _ => line.end,
    }
}

fn prev_boundary(text: &str, line: Range<usize>, b: usize) -> usize {
    let chunk = &text[line.clone()];
    let mut cur = GraphemeCursor::new(b.saturating_sub(line.start).min(chunk.len()), chunk.len(), true);
    match cur.prev_boundary(chunk, 0) {
        Ok(Some(p)) => line.start + p,
        _ => line.start,
    }
}

/// A word: a run that UAX #29 calls a word and that holds a letter or digit.
fn words_in_line(art: &Article, li: usize) -> impl Iterator<Item = Range<usize>> + '_ {
    let line = art.line_content(li);
    art.text()[line.clone()]
        .split_word_bound_indices()
        .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
        .map(move |(i, w)| line.start + i..line.start + i + w.len())
}

/// Words whose end is after `from`, in document order, from `from`'s line on.
pub fn words_forward(art: &Article, from: usize) -> impl Iterator<Item = Range<usize>> + '_ {
    (art.line_of(from)..art.line_count())
        .flat_map(move |li| words_in_line(art, li))
        .filter(move |w| w.end > from)
}

/// Words whose start is before `before`, last first.
pub fn words_backward(art: &Article, before: usize) -> impl Iterator<Item = Range<usize>> + '_ {
    (0..=art.line_of(before)).rev().flat_map(move |li| {
        let mut v: Vec<_> = words_in_line(art, li).filter(|w| w.start < before).collect();
        v.reverse();
        v
    })
}

/// `w`: the start of the next word.
pub fn word_forward(art: &Article, b: usize) -> usize {
    words_forward(art, b).find(|w| w.start > b).map_or_else(|| last_position(art), |w| w.start)
}

/// `b`: the start of the previous word (or of the word the cursor is inside).
pub fn word_backward(art: &Article, b: usize) -> usize {
    words_backward(art, b).next().map_or(0, |w| w.start)
}

/// `e`: the last grapheme of the current or next word.
pub fn word_end(art: &Article, b: usize) -> usize {
    let after = grapheme_end(art, b);
    words_forward(art, after)
        .find(|w| w.end > after)
        .map_or_else(|| last_position(art), |w| grapheme_left(art, w.end))
}

/// The last valid cursor position of the text.
pub fn last_position(art: &Article) -> usize {
    let li = art.line_count() - 1;
    snap(art, art.line_content(li).end)
}

/// Sentence starts of line `li` (UAX #29 sentence boundaries).
fn sentences_in_line(art: &Article, li: usize) -> impl Iterator<Item = usize> + '_ {
    let line = art.line_content(li);
    art.text()[line.clone()]
        .split_sentence_bound_indices()
        .filter(|(_, s)| !s.trim().is_empty())
        .map(move |(i, s)| line.start + i + (s.len() - s.trim_start().len()))
}

/// `)`: the start of the next sentence.
pub fn sentence_forward(art: &Article, b: usize) -> usize {
    (art.line_of(b)..art.line_count())
        .flat_map(|li| sentences_in_line(art, li))
        .find(|&s| s > b)
        .unwrap_or_else(|| last_position(art))
}

/// `(`: the start of this sentence, or of the previous one when already there.
pub fn sentence_backward(art: &Article, b: usize) -> usize {
    (0..=art.line_of(b))
        .rev()
        .find_map(|li| sentences_in_line(art, li).filter(|&s| s < b).last())
        .unwrap_or(0)
}

fn is_paragraph_start(art: &Article, li: usize) -> bool {
    !art.line_is_blank(li) && (li == 0 || art.line_is_blank(li - 1))
}

/// `}`: the start of the next paragraph (a non-blank line after a blank one).
pub fn paragraph_forward(art: &Article, b: usize) -> usize {
    (art.line_of(b) + 1..art.line_count())
        .find(|&li| is_paragraph_start(art, li))
        .map_or_else(|| last_position(art), |li| art.line_start(li))
}

/// `{`: the start of this paragraph, or of the previous one when already there.
pub fn paragraph_backward(art: &Article, b: usize) -> usize {
    let li = art.line_of(b);
    let here = art.line_start(li);
    let from = if b > here && is_paragraph_start(art, li) { li + 1 } else { li };
    (0..from).rev().find(|&l| is_paragraph_start(art, l)).map_or(0, |l| art.line_start(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graphemes_keep_emoji_sequences_and_accents_whole() {
        let text = "a👨‍👩‍👧e\u{301}b";
        let art = Article::from_text(text);
        let p1 = grapheme_right(&art, 0);
        assert_eq!(p1, 1);
        let p2 = grapheme_right(&art, p1);
        assert_eq!(&text[p1..p2], "👨‍👩‍👧");
        let p3 = grapheme_right(&art, p2);
        assert_eq!(&text[p2..p3], "e\u{301}");
        assert_eq!(grapheme_right(&art, p3), p3, "stays on the last grapheme");
        assert_eq!(grapheme_left(&art, p3), p2);
        assert_eq!(snap(&art, p2 + 1), p2, "inside e+accent snaps to the e");
        assert_eq!(snap(&art, p1 + 3), p1, "inside the family emoji snaps to its start");
    }

    #[test]
    fn left_and_right_stay_on_their_line() {
        let art = Article::from_text("ab\r\ncd");
        assert_eq!(grapheme_right(&art, 1), 1, "no moving onto the CR LF");
        assert_eq!(grapheme_left(&art, 4), 4);
        assert_eq!(grapheme_end(&art, 1), 2);
    }

    #[test]
    fn word_motions_cross_lines_and_skip_punctuation() {
        let text = "Mark Zuckerberg, (Foto: AP)\n\nKoalisi global";
        let art = Article::from_text(text);
        let w1 = word_forward(&art, 0);
        assert_eq!(&text[w1..], &text[5..]);
        let w2 = word_forward(&art, w1);
        assert_eq!(&text[w2..w2 + 4], "Foto");
        let w4 = word_forward(&art, word_forward(&art, w2));
        assert_eq!(&text[w4..w4 + 7], "Koalisi");
        assert_eq!(word_backward(&art, w4), text.find("AP").unwrap());
        let e = word_end(&art, 0);
        assert_eq!(&text[e..e + 1], "k");
        assert_eq!(word_end(&art, e), text.find("g,").unwrap());
    }

    #[test]
    fn sentence_and_paragraph_motions() {
        let text = "One two. Three four! Five.\n\nSecond para. Next.\nSame para.\n\nThird.";
        let art = Article::from_text(text);
        let s1 = sentence_forward(&art, 0);
        assert_eq!(&text[s1..s1 + 5], "Three");
        let s2 = sentence_forward(&art, s1);
        assert_eq!(&text[s2..s2 + 4], "Five");
        let s3 = sentence_forward(&art, s2);
        assert_eq!(&text[s3..s3 + 6], "Second");
        assert_eq!(sentence_backward(&art, s3), s2);
        assert_eq!(sentence_backward(&art, s2 + 2), s2);
        let p1 = paragraph_forward(&art, 0);
        assert_eq!(p1, s3);
        let p2 = paragraph_forward(&art, p1);
        assert_eq!(&text[p2..], "Third.");
        assert_eq!(paragraph_backward(&art, p2), p1);
        assert_eq!(paragraph_backward(&art, p2 + 3), p2);
        assert_eq!(paragraph_forward(&art, p2), last_position(&art));
    }

    #[test]
    fn cjk_words_are_single_ideographs() {
        let text = "香港特首";
        let art = Article::from_text(text);
        assert_eq!(word_forward(&art, 0), 3);
    }
}
