//! The article: one immutable UTF-8 buffer with a line index and a
//! byte ↔ code point mapping that never scans from the start of the text.
//!
//! Internally every position is a byte offset into [`Article::text`] (always
//! on a char boundary). Files on disk count code points (`start`/`end` in the
//! annotation file), so conversions happen only at the storage boundary via
//! [`Article::char_to_byte`] and [`Article::byte_to_char`].
//!
//! A leading byte-order mark is removed from the text and not counted; a CR LF
//! pair counts as two code points, as brat and the W3C model count them.

use std::fmt;
use std::ops::Range;
use std::path::Path;

use sha2::{Digest, Sha256};

/// Lines between two marks of the line index: it keeps where every 8th
/// line starts, and a line between is reached by looking for at most 7
/// newlines from there (a few hundred bytes). A mark per line took 264 KB
/// of War and Peace's memory, this 33 KB.
const LINES_PER_MARK: usize = 8;

/// Code points between two checkpoints of the offset map.
const CHECKPOINT_CHARS: usize = 512;

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The largest text, in bytes: the indexes hold offsets as `u32`, which
/// halves them (a 50 MB text's million lines took 8.5 MB as `usize`).
pub const MAX_BYTES: usize = u32::MAX as usize;

/// Why a file cannot be opened as an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArticleError {
    /// The file is empty (or holds only a byte-order mark).
    Empty,
    /// The bytes are not UTF-8: `line`/`column` (1-based, column in bytes) of the first bad byte.
    NotUtf8 { line: usize, column: usize },
    /// A NUL byte: this is a binary file, not an article.
    Binary { line: usize, column: usize },
    /// Over [`MAX_BYTES`].
    TooLarge { bytes: usize },
}

impl fmt::Display for ArticleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArticleError::Empty => write!(f, "the file is empty: there is nothing to annotate"),
            ArticleError::NotUtf8 { line, column } => write!(
                f,
                "{line}:{column}: not valid UTF-8 (marginote reads UTF-8 text; convert it first, e.g. with iconv)"
            ),
            ArticleError::Binary { line, column } => {
                write!(f, "{line}:{column}: NUL byte: this looks like a binary file, not text")
            }
            ArticleError::TooLarge { bytes } => {
                write!(f, "{bytes} bytes: marginote opens texts of up to 4 GiB ({MAX_BYTES} bytes)")
            }
        }
    }
}

impl std::error::Error for ArticleError {}

/// An article's text with its indexes. Immutable once built.
#[derive(Debug, Clone)]
pub struct Article {
    text: String,
    had_bom: bool,
    /// Byte offset of the start of every [`LINES_PER_MARK`]th line;
    /// `line_marks[0] == 0`.
    line_marks: Vec<u32>,
    /// Number of lines.
    lines: usize,
    /// `checkpoints[k]` is the byte offset of code point `k * CHECKPOINT_CHARS`.
    checkpoints: Vec<u32>,
    chars: usize,
    sha256: String,
}

impl Article {
    /// Build an article from a file's bytes. The sha256 is of the bytes as given.
    pub fn from_bytes(bytes: &[u8]) -> Result<Article, ArticleError> {
        Article::from_vec(bytes.to_vec())
    }

    /// [`Article::from_bytes`] without copying the buffer. The checksum is
    /// computed on a second thread while this one indexes the text.
    pub fn from_vec(mut bytes: Vec<u8>) -> Result<Article, ArticleError> {
        let had_bom = bytes.starts_with(BOM);
        if had_bom {
            bytes.drain(..BOM.len());
        }
        if bytes.is_empty() {
            return Err(ArticleError::Empty);
        }
        if bytes.len() > MAX_BYTES {
            return Err(ArticleError::TooLarge { bytes: bytes.len() });
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            let (line, column) = line_col(e.as_bytes(), e.utf8_error().valid_up_to());
            ArticleError::NotUtf8 { line, column }
        })?;
        if let Some(nul) = memchr::memchr(0, text.as_bytes()) {
            let (line, column) = line_col(text.as_bytes(), nul);
            return Err(ArticleError::Binary { line, column });
        }
        let bom: &[u8] = if had_bom { BOM } else { b"" };
        let (sha256, ((line_marks, lines), (checkpoints, chars))) = std::thread::scope(|s| {
            let sha = s.spawn(|| sha256_hex_parts(&[bom, text.as_bytes()]));
            let index = (line_index(&text), build_checkpoints(&text));
            (sha.join().expect("sha256 does not panic"), index)
        });
        Ok(Article { text, had_bom, line_marks, lines, checkpoints, chars, sha256 })
    }

    /// Build an article from text already in memory (tests, benchmarks, a
    /// large file's first page); panics over [`MAX_BYTES`].
    pub fn from_text(text: impl Into<String>) -> Article {
        let text = text.into();
        assert!(text.len() <= MAX_BYTES, "{}", ArticleError::TooLarge { bytes: text.len() });
        let (line_marks, lines) = line_index(&text);
        let (checkpoints, chars) = build_checkpoints(&text);
        let sha256 = sha256_hex(text.as_bytes());
        Article { text, had_bom: false, line_marks, lines, checkpoints, chars, sha256 }
    }

    /// Read an article from a file. Errors name the path.
    pub fn open(path: &Path) -> Result<Article, String> {
        if path.is_dir() {
            return Err(format!("{}: is a directory, not an article", path.display()));
        }
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Article::from_vec(bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The whole text (without a byte-order mark).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Whether the file started with a byte-order mark.
    pub fn had_bom(&self) -> bool {
        self.had_bom
    }

    /// Number of code points.
    pub fn chars(&self) -> usize {
        self.chars
    }

    /// Hex sha256 of the file's bytes.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Number of lines (a final newline does not start another line).
    pub fn line_count(&self) -> usize {
        self.lines
    }

    /// The line holding byte `b`.
    pub fn line_of(&self, b: usize) -> usize {
        let k = self.line_marks.partition_point(|&s| s as usize <= b).saturating_sub(1);
        let from = self.line_marks[k] as usize;
        let bytes = self.text.as_bytes();
        // The next mark starts after `b`: fewer than LINES_PER_MARK newlines.
        let newlines = memchr::memchr_iter(b'\n', &bytes[from..b.clamp(from, bytes.len())]).count();
        (k * LINES_PER_MARK + newlines).min(self.lines - 1)
    }

    /// [`line_of`](Self::line_of) when byte `b` is likely on line `near` or
    /// the one after (reading rows in order): those two are tried before a
    /// search of the whole index.
    pub fn line_of_near(&self, b: usize, near: usize) -> usize {
        if near < self.lines {
            let start = self.line_start(near);
            if start <= b {
                let next = self.next_line_start(start);
                if next.is_none_or(|n| b < n) {
                    return near;
                }
                if next.is_some_and(|n| self.next_line_start(n).is_none_or(|m| b < m)) {
                    return near + 1;
                }
            }
        }
        self.line_of(b)
    }

    /// Where the line after the one starting at `start` starts, if there
    /// is one (a final newline does not start another line).
    fn next_line_start(&self, start: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let next = start + memchr::memchr(b'\n', &bytes[start..])? + 1;
        (next < bytes.len()).then_some(next)
    }

    /// Byte range of line `i` without its `\n` or `\r\n`.
    pub fn line_content(&self, i: usize) -> Range<usize> {
        let start = self.line_start(i);
        let bytes = self.text.as_bytes();
        let (mut end, terminated) = match memchr::memchr(b'\n', &bytes[start..]) {
            Some(n) => (start + n, true),
            None => (bytes.len(), false),
        };
        if terminated && end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        start..end
    }

    /// Byte offset of the start of line `i`; panics past the last line.
    pub fn line_start(&self, i: usize) -> usize {
        assert!(i < self.lines, "line {i} of {}", self.lines);
        let bytes = self.text.as_bytes();
        let mark = self.line_marks[i / LINES_PER_MARK] as usize;
        match i % LINES_PER_MARK {
            0 => mark,
            k => memchr::memchr_iter(b'\n', &bytes[mark..]).nth(k - 1).map_or(mark, |n| mark + n + 1),
        }
    }

    /// Whether line `i` holds only white space.
    pub fn line_is_blank(&self, i: usize) -> bool {
        self.text[self.line_content(i)].trim().is_empty()
    }

    /// Code point index of byte `b` (clamped to the text, floored to a char boundary).
    pub fn byte_to_char(&self, b: usize) -> usize {
        let b = self.floor_char_boundary(b);
        let k = self.checkpoints.partition_point(|&c| c as usize <= b).saturating_sub(1);
        k * CHECKPOINT_CHARS + count_chars(&self.text.as_bytes()[self.checkpoints[k] as usize..b])
    }

    /// Byte offset of code point `c` (clamped to the end of the text).
    pub fn char_to_byte(&self, c: usize) -> usize {
        if c >= self.chars {
            return self.text.len();
        }
        let k = c / CHECKPOINT_CHARS;
        let from = self.checkpoints[k] as usize;
        let skip = c - k * CHECKPOINT_CHARS;
        self.text[from..].char_indices().nth(skip).map_or(self.text.len(), |(i, _)| from + i)
    }

    /// Byte range of a code point range (clamped, start ≤ end).
    pub fn char_range_to_bytes(&self, start: usize, end: usize) -> Range<usize> {
        let s = self.char_to_byte(start);
        let e = self.char_to_byte(end.max(start));
        s..e
    }

    /// Largest char boundary ≤ `b` (clamped to the length).
    pub fn floor_char_boundary(&self, b: usize) -> usize {
        floor_char_boundary(&self.text, b)
    }
}

/// Largest char boundary of `s` at or before `b` (clamped to its length).
pub fn floor_char_boundary(s: &str, b: usize) -> usize {
    let mut b = b.min(s.len());
    while !s.is_char_boundary(b) {
        b -= 1;
    }
    b
}

/// Smallest char boundary of `s` at or after `b` (clamped to its length).
pub fn ceil_char_boundary(s: &str, b: usize) -> usize {
    let mut b = b.min(s.len());
    while !s.is_char_boundary(b) {
        b += 1;
    }
    b
}

/// Code points starting in `bytes`: bytes that are not UTF-8 continuation
/// bytes (`10xxxxxx`), counted eight at a time.
fn count_chars(bytes: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let words = bytes.chunks_exact(8);
    let rest = words.remainder();
    let continuations: u32 = words
        .map(|w| {
            let w = u64::from_le_bytes(w.try_into().expect("8 bytes"));
            // Bit 7 set and bit 6 clear, per byte.
            (w & !(w << 1) & HIGH).count_ones()
        })
        .sum();
    let rest = rest.iter().filter(|&&b| (b as i8) < -0x40).count();
    bytes.len() - continuations as usize - rest
}

/// The line marks ([`LINES_PER_MARK`]: byte offsets, the text being at
/// most [`MAX_BYTES`]) and the number of lines.
fn line_index(text: &str) -> (Vec<u32>, usize) {
    let mut marks = vec![0];
    let mut lines = 1;
    for i in memchr::memchr_iter(b'\n', text.as_bytes()) {
        // A final newline does not start another line.
        if i + 1 == text.len() {
            break;
        }
        if lines % LINES_PER_MARK == 0 {
            marks.push((i + 1) as u32);
        }
        lines += 1;
    }
    marks.shrink_to_fit();
    (marks, lines)
}

/// Bytes counted at a time while building checkpoints: counting code point
/// starts over a whole chunk vectorises; only chunks where a checkpoint falls
/// are walked byte by byte.
const CHUNK: usize = 64;

fn build_checkpoints(text: &str) -> (Vec<u32>, usize) {
    let bytes = text.as_bytes();
    let mut checkpoints = Vec::with_capacity(bytes.len() / CHECKPOINT_CHARS + 1);
    let mut chars = 0;
    let mut next = 0;
    for (k, chunk) in bytes.chunks(CHUNK).enumerate() {
        let n = count_chars(chunk);
        if chars + n > next {
            let mut c = chars;
            for (i, &b) in chunk.iter().enumerate() {
                if (b as i8) >= -0x40 {
                    if c == next {
                        checkpoints.push((k * CHUNK + i) as u32);
                        next += CHECKPOINT_CHARS;
                    }
                    c += 1;
                }
            }
        }
        chars += n;
    }
    if checkpoints.is_empty() {
        checkpoints.push(0);
    }
    (checkpoints, chars)
}

/// 1-based line and byte column of byte `at` in `bytes`.
pub fn line_col(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let col = before.len() - memchr::memrchr(b'\n', before).map_or(0, |i| i + 1) + 1;
    (line, col)
}

/// Hex sha256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    sha256_hex_parts(&[bytes])
}

/// Hex sha256 of some byte slices one after the other.
fn sha256_hex_parts(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_of_near_agrees_with_line_of_whatever_the_hint() {
        let art = Article::from_text("one\r\ntwo\n\nfour\nlast line without end");
        for b in 0..=art.len() {
            for hint in [0, 1, 2, 3, 4, 5, 9, usize::MAX] {
                assert_eq!(art.line_of_near(b, hint), art.line_of(b), "byte {b}, hint {hint}");
            }
        }
    }

    /// Where every line starts, the plain way.
    fn every_line_start(text: &str) -> Vec<usize> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1).filter(|&s| s < text.len()));
        starts
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// The marks every few lines answer as an index of every line does.
        #[test]
        fn the_line_marks_agree_with_every_line_start(
            pieces in proptest::collection::vec(0usize..7, 1..200),
            hint in 0usize..80,
        ) {
            const PIECES: [&str; 7] = ["a", "word ", "\n", "\r\n", "é", "香", "\n\n"];
            let text: String = pieces.iter().map(|&i| PIECES[i]).collect();
            let art = Article::from_text(text.clone());
            let starts = every_line_start(&text);
            proptest::prop_assert_eq!(art.line_count(), starts.len());
            for (i, &s) in starts.iter().enumerate() {
                proptest::prop_assert_eq!(art.line_start(i), s, "start of line {}", i);
                let end = starts.get(i + 1).map_or(text.len(), |&n| n);
                let line = text[s..end].strip_suffix('\n').map_or(&text[s..end], |l| l.strip_suffix('\r').unwrap_or(l));
                proptest::prop_assert_eq!(&text[art.line_content(i)], line, "line {}", i);
            }
            for b in 0..=text.len() + 2 {
                let want = starts.partition_point(|&s| s <= b) - 1;
                proptest::prop_assert_eq!(art.line_of(b), want, "line of byte {}", b);
                proptest::prop_assert_eq!(art.line_of_near(b, hint), want, "byte {}, hint {}", b, hint);
                proptest::prop_assert_eq!(art.line_of_near(b, want.saturating_sub(1)), want, "byte {}", b);
            }
        }
    }

    #[test]
    fn checkpoints_match_a_plain_count_across_many_chunks() {
        // 1- to 4-byte code points in a pattern that lands checkpoints at
        // every position inside the 64-byte chunks.
        let pieces = ["a", "é", "香", "🇮", "\r\n", "bc", "ü香"];
        let text: String = (0..9000).map(|i| pieces[(i * 7 + i / 13) % pieces.len()]).collect();
        let art = Article::from_text(text.as_str());
        assert_eq!(art.chars(), text.chars().count());
        for (ci, (bi, _)) in text.char_indices().enumerate() {
            assert_eq!(art.char_to_byte(ci), bi, "code point {ci}");
            assert_eq!(art.byte_to_char(bi), ci, "byte {bi}");
        }
        let from_file = Article::from_bytes(format!("\u{feff}{text}").as_bytes()).unwrap();
        assert!(from_file.had_bom());
        assert_eq!(from_file.text(), text);
        assert_eq!(from_file.sha256(), sha256_hex(format!("\u{feff}{text}").as_bytes()));
    }

    #[test]
    fn offsets_round_trip_with_cjk_emoji_and_combining_marks() {
        let text = "a香港🇮🇩e\u{301}\r\nz";
        let art = Article::from_text(text);
        assert_eq!(art.chars(), text.chars().count());
        for (ci, (bi, _)) in text.char_indices().enumerate() {
            assert_eq!(art.char_to_byte(ci), bi);
            assert_eq!(art.byte_to_char(bi), ci);
        }
        assert_eq!(art.char_to_byte(art.chars()), text.len());
        assert_eq!(art.char_to_byte(art.chars() + 10), text.len());
    }

    #[test]
    fn offsets_are_right_far_past_many_checkpoints() {
        let text: String = "ß香a🙂".repeat(5000);
        let art = Article::from_text(text.clone());
        for (ci, (bi, _)) in text.char_indices().enumerate().step_by(97) {
            assert_eq!(art.char_to_byte(ci), bi, "char {ci}");
            assert_eq!(art.byte_to_char(bi), ci, "byte {bi}");
        }
    }

    #[test]
    fn byte_inside_a_multibyte_char_floors_instead_of_panicking() {
        let art = Article::from_text("香港");
        assert_eq!(art.byte_to_char(1), 0);
        assert_eq!(art.byte_to_char(4), 1);
        assert_eq!(art.byte_to_char(999), 2);
    }

    #[test]
    fn bom_is_not_counted_and_crlf_counts_two() {
        let bytes = b"\xEF\xBB\xBFab\r\ncd\r\n";
        let art = Article::from_bytes(bytes).unwrap();
        assert!(art.had_bom());
        assert_eq!(art.text(), "ab\r\ncd\r\n");
        assert_eq!(art.chars(), 8);
        assert_eq!(art.line_count(), 2);
        assert_eq!(&art.text()[art.line_content(0)], "ab");
        assert_eq!(&art.text()[art.line_content(1)], "cd");
        assert_eq!(art.sha256(), sha256_hex(bytes));
    }

    #[test]
    fn lines_without_final_newline_and_blank_lines() {
        let art = Article::from_text("one\n\nthree");
        assert_eq!(art.line_count(), 3);
        assert!(art.line_is_blank(1));
        assert_eq!(&art.text()[art.line_content(2)], "three");
        assert_eq!(art.line_of(4), 1);
        assert_eq!(art.line_of(5), 2);
        assert_eq!(art.line_of(999), 2);
    }

    #[test]
    fn bad_files_give_clear_errors_with_positions() {
        assert_eq!(Article::from_bytes(b"").unwrap_err(), ArticleError::Empty);
        assert_eq!(Article::from_bytes(b"\xEF\xBB\xBF").unwrap_err(), ArticleError::Empty);
        assert_eq!(
            Article::from_bytes(b"ok\nab\xFFc").unwrap_err(),
            ArticleError::NotUtf8 { line: 2, column: 3 }
        );
        assert_eq!(Article::from_bytes(b"x\0y").unwrap_err(), ArticleError::Binary { line: 1, column: 2 });
        let msg = ArticleError::NotUtf8 { line: 2, column: 3 }.to_string();
        assert!(msg.starts_with("2:3: not valid UTF-8"), "{msg}");
    }
}
