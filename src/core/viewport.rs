//! Visual rows of an article at a given width, computed only for the lines
//! asked about: the view is anchored at a text offset (the start of its top
//! row), never at a row number, so scrolling and resizing cost the same at
//! the start and at the end of a book.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use super::text::Article;
use super::wrap::{Row, row_of, wrap_line};

/// The rows of each line wrapped so far, by line index.
type Lines = HashMap<usize, Rc<[Row]>, BuildHasherDefault<LineHash>>;

/// A line index times a large odd number: line indices are not chosen by
/// anyone, so they need no keyed (SipHash) hash, and a frame makes
/// hundreds of lookups.
#[derive(Default)]
struct LineHash(u64);

impl Hasher for LineHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0 ^ n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Lines wrapped lately, for one width: moving through a book asks for the
/// same lines many times per key (the rows around the cursor, the page
/// before, the frame). Holds a few thousand lines; the article
/// never changes, so only the width invalidates it.
#[derive(Debug, Clone, Default)]
pub struct WrapCache {
    inner: RefCell<(usize, Lines)>,
}

impl WrapCache {
    /// Lines kept before the cache starts afresh.
    const LINES: usize = 4096;

    /// A line's rows, shared with the cache (a motion asks for the same
    /// lines many times: no copy each time).
    fn rows(&self, art: &Article, li: usize, width: usize) -> Rc<[Row]> {
        let mut inner = self.inner.borrow_mut();
        let (cached_width, lines) = &mut *inner;
        if *cached_width != width || lines.len() >= Self::LINES {
            *cached_width = width;
            lines.clear();
        }
        Rc::clone(lines.entry(li).or_insert_with(|| wrap(art, li, width).into()))
    }
}

fn wrap(art: &Article, li: usize, width: usize) -> Vec<Row> {
    let range = art.line_content(li);
    wrap_line(&art.text()[range.clone()], range.start, width)
}

/// An article seen through a pane `width` columns wide.
#[derive(Debug, Clone, Copy)]
pub struct Viewport<'a> {
    pub art: &'a Article,
    pub width: usize,
    cache: Option<&'a WrapCache>,
}

impl<'a> Viewport<'a> {
    /// A view of `art` wrapped at `width` columns.
    pub fn new(art: &'a Article, width: usize) -> Viewport<'a> {
        Viewport { art, width: width.max(1), cache: None }
    }

    /// A view that keeps the lines it wraps in `cache` (which must only
    /// ever be used with this article).
    pub fn cached(art: &'a Article, width: usize, cache: &'a WrapCache) -> Viewport<'a> {
        Viewport { art, width: width.max(1), cache: Some(cache) }
    }

    /// The rows of line `li`.
    pub fn line_rows(&self, li: usize) -> Rc<[Row]> {
        match self.cache {
            Some(c) => c.rows(self.art, li, self.width),
            None => wrap(self.art, li, self.width).into(),
        }
    }

    /// The graphemes of `row` with their columns, in visual order.
    pub fn layout(&self, row: Row) -> Vec<super::wrap::Placed<'a>> {
        let line = self.art.line_content(self.art.line_of(row.start));
        super::wrap::layout_row(&self.art.text()[line.clone()], line.start, row, self.width)
    }

    /// The row holding byte `b`.
    pub fn row_at(&self, b: usize) -> Row {
        let rows = self.line_rows(self.art.line_of(b));
        rows[row_of(&rows, b)]
    }

    /// The row after the one starting at `row_start`.
    pub fn next_row(&self, row_start: usize) -> Option<Row> {
        let li = self.art.line_of(row_start);
        let rows = self.line_rows(li);
        let i = row_of(&rows, row_start);
        if i + 1 < rows.len() {
            return Some(rows[i + 1]);
        }
        (li + 1 < self.art.line_count()).then(|| self.line_rows(li + 1)[0])
    }

    /// The row before the one starting at `row_start`.
    pub fn prev_row(&self, row_start: usize) -> Option<Row> {
        let li = self.art.line_of(row_start);
        let rows = self.line_rows(li);
        let i = row_of(&rows, row_start);
        if i > 0 {
            return Some(rows[i - 1]);
        }
        (li > 0).then(|| *self.line_rows(li - 1).last().expect("a line has a row"))
    }

    /// Up to `n` rows from the row holding `top`.
    pub fn rows_from(&self, top: usize, n: usize) -> Vec<Row> {
        let mut out = Vec::with_capacity(n);
        let mut li = self.art.line_of(top);
        let mut first = true;
        while out.len() < n && li < self.art.line_count() {
            let rows = self.line_rows(li);
            let skip = if first { row_of(&rows, top) } else { 0 };
            first = false;
            out.extend(rows.iter().skip(skip).take(n - out.len()));
            li += 1;
        }
        out
    }

    /// Start of the row `n` rows after (or, negative, before) the row holding `b`,
    /// stopping at the first or last row.
    pub fn offset_rows(&self, b: usize, n: isize) -> usize {
        // A line at a time: a row at a time was a hash lookup and two binary
        // searches per row, and a one-line scroll counts a page of rows.
        let mut li = self.art.line_of(b);
        let mut rows = self.line_rows(li);
        let mut i = row_of(&rows, b) as isize + n;
        while i < 0 {
            if li == 0 {
                return rows[0].start;
            }
            li -= 1;
            rows = self.line_rows(li);
            i += rows.len() as isize;
        }
        let mut i = i as usize;
        while i >= rows.len() {
            if li + 1 >= self.art.line_count() {
                return rows[rows.len() - 1].start;
            }
            i -= rows.len();
            li += 1;
            rows = self.line_rows(li);
        }
        rows[i].start
    }

    /// Rows from the row holding `from` to the row holding `to` (`to` ≥ `from`),
    /// counting at most `limit`: `Some(k)` when `to` is `k` rows down.
    pub fn distance(&self, from: usize, to: usize, limit: usize) -> Option<usize> {
        let (to_line, from_line) = (self.art.line_of(to), self.art.line_of(from));
        if to_line < from_line {
            return None;
        }
        let rows = self.line_rows(from_line);
        let first = row_of(&rows, from);
        let mut k = if to_line == from_line {
            return row_of(&rows, to).checked_sub(first).filter(|&k| k <= limit);
        } else {
            rows.len() - first
        };
        for li in from_line + 1..to_line {
            if k > limit {
                return None;
            }
            k += self.line_rows(li).len();
        }
        k += row_of(&self.line_rows(to_line), to);
        (k <= limit).then_some(k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_walk_forward_and_back_across_lines() {
        let art = Article::from_text("aaa bbb ccc\n\nddd");
        let v = Viewport::new(&art, 4);
        let rows = v.rows_from(0, 10);
        let texts: Vec<&str> = rows.iter().map(|r| &art.text()[r.start..r.end]).collect();
        assert_eq!(texts, ["aaa ", "bbb ", "ccc", "", "ddd"]);
        assert_eq!(v.next_row(rows[2].start), Some(rows[3]));
        assert_eq!(v.prev_row(rows[3].start), Some(rows[2]));
        assert_eq!(v.prev_row(0), None);
        assert_eq!(v.next_row(rows[4].start), None);
        assert_eq!(v.offset_rows(0, 3), rows[3].start);
        assert_eq!(v.offset_rows(rows[4].start, -100), 0);
        assert_eq!(v.distance(0, rows[4].start + 1, 10), Some(4));
        assert_eq!(v.distance(0, rows[4].start, 2), None);
        assert_eq!(v.rows_from(rows[1].start + 1, 2)[0], rows[1]);
    }

    /// Row by row, as `offset_rows` and `distance` once walked.
    fn walk(v: &Viewport, b: usize, n: isize) -> usize {
        let mut row = v.row_at(b);
        for _ in 0..n.unsigned_abs() {
            match if n > 0 { v.next_row(row.start) } else { v.prev_row(row.start) } {
                Some(r) => row = r,
                None => break,
            }
        }
        row.start
    }

    fn count(v: &Viewport, from: usize, to: usize, limit: usize) -> Option<usize> {
        let target = v.row_at(to).start;
        let mut row = v.row_at(from);
        for k in 0..=limit {
            if row.start == target {
                return Some(k);
            }
            row = v.next_row(row.start)?;
        }
        None
    }

    proptest::proptest! {
        #[test]
        fn a_line_at_a_time_counts_as_a_row_at_a_time(
            words in proptest::collection::vec("[a-z]{0,9}|\\n|é", 0..60),
            width in 1usize..14,
            at in proptest::prelude::any::<proptest::sample::Index>(),
            to in proptest::prelude::any::<proptest::sample::Index>(),
            n in -40isize..40,
            limit in 0usize..40,
        ) {
            let text = words.join(" ");
            let art = Article::from_text(&text);
            let cache = WrapCache::default();
            for v in [Viewport::new(&art, width), Viewport::cached(&art, width, &cache)] {
                let starts: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
                let (b, c) = (starts[at.index(starts.len())], starts[to.index(starts.len())]);
                proptest::prop_assert_eq!(v.offset_rows(b, n), walk(&v, b, n), "{:?} {} {}", text, b, n);
                proptest::prop_assert_eq!(v.distance(b, c, limit), count(&v, b, c, limit), "{:?} {} {}", text, b, c);
            }
        }
    }
}
