//! The terminal painter: the screen written straight from its lines.
//!
//! ratatui draws a frame by putting every cell into a buffer, comparing the
//! whole buffer with the last one and writing the cells that differ; after
//! reading a key, that was most of what a PageDown cost. The painter keeps
//! the last frame as lines ([`Composed`]) instead, and writes only the rows
//! whose line changed, each cell through [`row_cells`] (the cells
//! [`render::draw`](super::render::draw) puts into a buffer) and the same
//! [`Pen`] as the backend. When the rows moved up or down a few (a line's
//! scroll, a wheel step), the terminal moves them ([`Sink::scroll`]) and
//! only what that leaves wrong is written: the new rows, and the rows of a
//! pane beside that did not move with them. Long runs of blanks are erased
//! (or, on a screen just cleared, skipped), and spaces keep the style in
//! force when they would look the same in theirs. Frames with a popup over the
//! panes are left to ratatui; the app tells the painter when the screen
//! was drawn by someone else ([`Painter::invalidate`]).

use std::rc::Rc;

use ratatui::style::Style;
use ratatui::text::Line;

use super::backend::{Look, Pen, move_to};
use super::render::{Composed, Part, Run, row_cells};

/// Where painted cells go: the terminal's bytes ([`Bytes`]), or a buffer in tests.
pub trait Sink {
    /// The screen is blank again.
    fn clear(&mut self);
    /// Rows `top..bottom`, the whole width of the screen, move up `by` rows
    /// (down when negative); the rows uncovered are blank, in the default
    /// colours.
    fn scroll(&mut self, rows: (u16, u16), by: i16);
    /// Cells from column `x` of row `y`, in `style`.
    fn run(&mut self, x: u16, y: u16, run: Run, style: Style);
    /// The cursor's place, or hidden.
    fn cursor(&mut self, at: Option<(u16, u16)>);
}

/// The last frame painted, if the screen still shows it.
#[derive(Debug, Default)]
pub struct Painter {
    shown: Option<Composed>,
    /// For each part and row of `shown`: the column from which the row on
    /// screen holds only blanks that look like its part's padding.
    ends: Vec<Vec<usize>>,
}

impl Painter {
    /// Something else drew on the screen: the next frame is painted whole.
    pub fn invalidate(&mut self) {
        self.shown = None;
    }

    /// Paint `now` over the last frame: every row whose line differs, the
    /// whole screen (cleared first) when the layout changed or nothing was
    /// painted before, and the cursor when it moved. When most rows moved
    /// up or down a little, the terminal moves them first (`scroll_for`).
    /// A row's padding is written only where the screen holds something
    /// else. Returns whether anything was written.
    pub fn paint(&mut self, now: Composed, sink: &mut impl Sink) -> bool {
        let before = self.shown.take().filter(|b| same_layout(b, &now));
        let mut wrote = before.is_none();
        if wrote {
            sink.clear();
            // A cleared screen is padding already where padding looks blank.
            self.ends = now
                .parts
                .iter()
                .map(|p| vec![cleared_end(p.base, p.area.width); usize::from(p.area.height)])
                .collect();
        }
        let shift = before.as_ref().and_then(|b| scroll_for(b, &now));
        if let Some(shift) = &shift {
            sink.scroll(shift.rows, shift.by);
            wrote = true;
            for (k, part) in now.parts.iter().enumerate().filter(|(_, p)| shift.moves(p)) {
                // What the screen holds past each row's text moved with it.
                let ends = &mut self.ends[k];
                let n = usize::from(shift.by.unsigned_abs());
                let blank = cleared_end(part.base, part.area.width);
                if shift.by > 0 {
                    ends.rotate_left(n);
                    let len = ends.len();
                    ends[len - n..].fill(blank);
                } else {
                    ends.rotate_right(n);
                    ends[..n].fill(blank);
                }
            }
        }
        for (k, part) in now.parts.iter().enumerate() {
            let by = shift.as_ref().filter(|s| s.moves(part)).map_or(0, |s| s.by);
            if by == 0 && before.as_ref().is_some_and(|b| Rc::ptr_eq(&b.parts[k].lines, &part.lines)) {
                // The same lines as last time (kept by the memo), where they were.
                continue;
            }
            let width = usize::from(part.area.width);
            for row in 0..usize::from(part.area.height) {
                let line = part.lines.get(row);
                if before.as_ref().and_then(|b| on_screen(&b.parts[k], row, by)) == Some(line) {
                    continue;
                }
                wrote = true;
                let y = part.area.y + row as u16;
                let mut padded_from = width;
                row_cells(line.map(|l| &**l), width, part.base, |x, run, style| match run {
                    Run::Blank(_) => padded_from = x,
                    _ => sink.run(part.area.x + x as u16, y, run, style),
                });
                // The padding, only over what the row held past it.
                let old = std::mem::replace(&mut self.ends[k][row], padded_from);
                if old > padded_from {
                    sink.run(part.area.x + padded_from as u16, y, Run::Blank(old - padded_from), part.base);
                }
            }
        }
        if wrote || before.as_ref().is_some_and(|b| b.cursor != now.cursor) {
            sink.cursor(now.cursor);
            wrote = true;
        }
        self.shown = Some(now);
        wrote
    }
}

/// The most rows a scroll moves: a line's scroll is one, a wheel step three.
const MOST_MOVED: u16 = 3;

/// Rows of the screen, the whole width, moved up `by` rows (down when negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shift {
    /// The first row and the row past the last.
    rows: (u16, u16),
    by: i16,
}

impl Shift {
    /// Whether `part` is in the rows that move (then it fills them).
    fn moves(&self, part: &Part) -> bool {
        part.area.y == self.rows.0
    }
}

/// What row `row` of `part` shows on screen after its rows moved `by`: its
/// line from before (`Some(None)` past the last line: padding), or `None`
/// for a row the move uncovered.
fn on_screen(part: &Part, row: usize, by: i16) -> Option<Option<&Rc<Line<'static>>>> {
    let from = row.checked_add_signed(isize::from(by))?;
    (from < usize::from(part.area.height)).then(|| part.lines.get(from))
}

/// Whether the terminal should move rows before `now` is painted over
/// `before`, and which: the rows of the tallest part, when every part
/// beside it fills the same rows (the terminal moves whole rows) and
/// moving them up or down by at most [`MOST_MOVED`] spares writing more
/// than it costs: rows of the article move into place, but a sidebar
/// beside it that stayed has its rows moved too, and they are written
/// again. Rows are weighed by about the bytes they take ([`cost`]): a
/// sidebar's rows are text, padding and styles from end to end.
fn scroll_for(before: &Composed, now: &Composed) -> Option<Shift> {
    let tallest = now.parts.iter().max_by_key(|p| p.area.height)?;
    let (top, height) = (tallest.area.y, tallest.area.height);
    let bottom = top + height;
    let beside = |p: &Part| p.area.y < bottom && p.area.bottom() > top;
    let band = || before.parts.iter().zip(&now.parts).filter(|(_, p)| beside(p));
    if height <= 2 * MOST_MOVED || !band().all(|(_, p)| p.area.y == top && p.area.height == height) {
        return None;
    }
    // A part whose lines changed (none: nothing moved). A move is looked
    // at closely only if three of its rows, where any move leaves a row
    // from before, are the ones it brings: most frames (a page down, an
    // edit) are not moves, and this is all they pay.
    let (b, n) = band().find(|(b, n)| !Rc::ptr_eq(&b.lines, &n.lines))?;
    let h = usize::from(height);
    let most = usize::from(MOST_MOVED);
    let looks_moved =
        |by: i16| [most, h / 2, h - 1 - most].iter().all(|&r| on_screen(b, r, by) == Some(n.lines.get(r)));
    // What would not need writing after a move of `by` rows (0: none), as
    // about the bytes it takes to write.
    let spared = |by: i16| -> usize {
        band()
            .flat_map(|(b, n)| {
                (0..h)
                    .filter(move |&r| on_screen(b, r, by) == Some(n.lines.get(r)))
                    .map(|r| n.lines.get(r).map_or(0, |l| cost(l)))
            })
            .sum()
    };
    let (moved, by) = (1..=MOST_MOVED as i16)
        .flat_map(|n| [n, -n])
        .filter(|&by| looks_moved(by))
        .map(|by| (spared(by), by))
        .max()?;
    (moved > spared(0) + WORTH).then_some(Shift { rows: (top, bottom), by })
}

/// Bytes a move must spare to be worth its own (about 20).
const WORTH: usize = 32;

/// About the bytes that writing `line` takes: its text and a change of
/// style for each span (its padding is written only over old text).
fn cost(line: &Line) -> usize {
    line.spans.iter().map(|s| s.content.len() + 8).sum()
}

/// Whether a blank in `style` looks like a cell of a cleared screen
/// ([`Look::looks_blank`]).
fn blank_as_cleared(style: Style) -> bool {
    Look::of(style).looks_blank()
}

/// The column from which a row just cleared looks like `base`'s padding:
/// the first, or none when the padding shows (a background, a line).
fn cleared_end(base: Style, width: u16) -> usize {
    if blank_as_cleared(base) { 0 } else { usize::from(width) }
}

/// The same parts in the same places: rows can be compared one to one.
fn same_layout(a: &Composed, b: &Composed) -> bool {
    a.parts.len() == b.parts.len()
        && a.parts.iter().zip(&b.parts).all(|(p, q)| p.area == q.area && p.base == q.base)
}

/// Blanks in a row at least this many are erased, not written (the erase
/// and the move past it take up to 10 bytes).
const ERASED_FROM: usize = 12;

/// The bytes of one frame for the terminal.
#[derive(Default)]
pub struct Bytes {
    pub out: Vec<u8>,
    pen: Pen,
    /// Whether the screen was cleared for this frame: what is not written
    /// yet is blank.
    cleared: bool,
}

impl Bytes {
    /// A frame's bytes, written into `out` (emptied first; kept for its capacity).
    pub fn new(mut out: Vec<u8>) -> Bytes {
        out.clear();
        Bytes { out, pen: Pen::new(), cleared: false }
    }

    /// Narrow `text` from column `x` of row `y`, its long runs of spaces
    /// erased (a sidebar's columns, a centred title), or skipped on a
    /// screen just cleared: `look` shows nothing on a blank.
    fn spaced(&mut self, (mut x, y): (u16, u16), text: &str, cells: usize, look: Look) {
        let mut rest = text;
        while let Some((start, end)) = long_spaces(rest.as_bytes()) {
            let before = &rest[..start];
            if !before.is_empty() {
                let n = before.chars().count() as u16;
                self.pen.text(&mut self.out, (x, y), before, n, look);
                x += n;
            }
            if !self.cleared {
                self.pen.erase(&mut self.out, (x, y), (end - start) as u16, look);
            }
            x += (end - start) as u16;
            rest = &rest[end..];
        }
        if rest.len() == text.len() {
            self.pen.text(&mut self.out, (x, y), text, cells as u16, look);
        } else if !rest.is_empty() {
            self.pen.text(&mut self.out, (x, y), rest, rest.chars().count() as u16, look);
        }
    }
}

/// The first run of at least [`ERASED_FROM`] spaces in `text`: its start
/// and end. Such a run holds one of every `ERASED_FROM`th bytes, so only
/// those are looked at until one is a space.
fn long_spaces(text: &[u8]) -> Option<(usize, usize)> {
    let mut at = ERASED_FROM - 1;
    while at < text.len() {
        if text[at] == b' ' {
            let start = text[..at].iter().rposition(|&b| b != b' ').map_or(0, |i| i + 1);
            let end = text[at..].iter().position(|&b| b != b' ').map_or(text.len(), |i| at + i);
            if end - start >= ERASED_FROM {
                return Some((start, end));
            }
            at = end;
        }
        at += ERASED_FROM;
    }
    None
}

impl Sink for Bytes {
    fn clear(&mut self) {
        self.out.extend_from_slice(b"\x1b[2J");
        self.cleared = true;
    }

    fn scroll(&mut self, rows: (u16, u16), by: i16) {
        self.pen.scroll(&mut self.out, rows, by);
    }

    fn run(&mut self, x: u16, y: u16, run: Run, style: Style) {
        let mut look = Look::of(style);
        let erasable = look.looks_blank();
        if erasable && self.pen.look().looks_blank() && run.is_spaces() {
            // Spaces look the same in the style in force: no change of style.
            look = self.pen.look();
        }
        match run {
            Run::Narrow(text, cells) if erasable => self.spaced((x, y), text, cells, look),
            Run::Narrow(text, cells) => self.pen.text(&mut self.out, (x, y), text, cells as u16, look),
            Run::Grapheme(g, 1) => self.pen.text(&mut self.out, (x, y), g, 1, look),
            // Each cell after a wide one starts with a cursor move, as
            // ratatui's diff writes it (the terminal may disagree on widths).
            Run::Grapheme(g, _) => self.pen.grapheme(&mut self.out, (x, y), g, look),
            Run::Blank(n) if erasable && n >= ERASED_FROM => {
                self.pen.erase(&mut self.out, (x, y), n as u16, look)
            }
            Run::Blank(n) => {
                self.pen.text(&mut self.out, (x, y), " ", n as u16, look);
                self.out.resize(self.out.len() + n - 1, b' ');
            }
        }
    }

    /// Ends the frame as ratatui does: colours and attributes back to the
    /// defaults after the cells, then the cursor shown where it goes, or hidden.
    fn cursor(&mut self, at: Option<(u16, u16)>) {
        self.pen.finish(&mut self.out);
        match at {
            Some((x, y)) => {
                self.out.extend_from_slice(b"\x1b[?25h");
                move_to(&mut self.out, x, y);
            }
            None => self.out.extend_from_slice(b"\x1b[?25l"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::render::{Part, shared};
    use crate::tui::vt::Screen;
    use proptest::prelude::*;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Modifier};
    use ratatui::text::{Line, Span};
    use unicode_width::UnicodeWidthStr;

    fn frame(status: &str, cursor: Option<(u16, u16)>) -> Composed {
        Composed {
            parts: vec![
                Part {
                    area: Rect::new(1, 0, 8, 2),
                    base: Style::new().fg(Color::Gray),
                    lines: shared(vec![
                        Line::raw("香港 ab"),
                        Line::styled("xyz", Style::new().fg(Color::Red)),
                    ]),
                },
                Part {
                    area: Rect::new(0, 2, 10, 1),
                    base: Style::default(),
                    lines: shared(vec![Line::raw(status.to_owned())]),
                },
            ],
            cursor,
        }
    }

    fn paint(p: &mut Painter, c: Composed) -> String {
        let mut b = Bytes::new(Vec::new());
        p.paint(c, &mut b);
        String::from_utf8(b.out).unwrap()
    }

    #[test]
    fn the_first_frame_clears_and_writes_every_row_and_the_cursor() {
        let out = paint(&mut Painter::default(), frame("10%", Some((3, 1))));
        assert!(out.starts_with("\x1b[2J\x1b[1;2H"), "{out:?}");
        for text in ["香", "港", "ab", "xyz", "10%"] {
            assert!(out.contains(text), "{text} in {out:?}");
        }
        assert!(out.ends_with("\x1b[?25h\x1b[2;4H"), "{out:?}");
        let mut screen = crate::tui::vt::Screen::new(10, 3);
        screen.feed(out.as_bytes());
        assert_eq!((screen.look, screen.cursor, screen.shown), (Look::PLAIN, (3, 1), true), "{out:?}");
        assert_eq!(screen.cells[1][1].1.fg, Color::Indexed(1), "xyz in red");
    }

    #[test]
    fn only_the_rows_that_changed_are_written_again() {
        let mut p = Painter::default();
        paint(&mut p, frame("10%", None));
        let out = paint(&mut p, frame("11%", None));
        assert!(out.starts_with("\x1b[3;1H"), "only the status row: {out:?}");
        assert!(out.contains("11%") && !out.contains("xyz") && !out.contains("\x1b[2J"), "{out:?}");
        assert_eq!(paint(&mut p, frame("11%", None)), "", "nothing changed, nothing written");
        assert_eq!(paint(&mut p, frame("11%", Some((0, 0)))), "\x1b[?25h\x1b[1;1H", "the cursor alone");
        p.invalidate();
        assert!(paint(&mut p, frame("11%", Some((0, 0)))).contains("\x1b[2J"), "whole again");
    }

    /// The screen a blank `width` x `height` terminal shows after the
    /// backend writes `frame` whole, cell by cell (those ratatui's diff would
    /// send for a blank screen: every cell but the second half of a wide one).
    fn whole(frame: &Composed, width: u16, height: u16) -> Screen {
        let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
        for part in &frame.parts {
            let lines: Vec<Line> = part.lines.iter().map(|l| (**l).clone()).collect();
            crate::tui::render::put_lines(&mut buf, part.area, &lines, part.base);
        }
        let mut bytes = b"\x1b[2J".to_vec();
        let mut pen = Pen::new();
        for part in &frame.parts {
            let area = part.area;
            for y in area.top()..area.bottom() {
                let mut x = area.left();
                while x < area.right() {
                    let cell = &buf[(x, y)];
                    pen.cell(&mut bytes, x, y, cell);
                    x += cell.symbol().width().max(1) as u16;
                }
            }
        }
        pen.finish(&mut bytes);
        bytes.extend(b"\x1b[?25l");
        let mut screen = Screen::new(width, height);
        screen.feed(&bytes);
        screen
    }

    fn style() -> impl Strategy<Value = Style> {
        let colour =
            prop_oneof![Just(None), Just(Some(Color::Red)), (0u8..255).prop_map(|i| Some(Color::Indexed(i)))];
        (colour.clone(), colour, 0u16..0x1ff, 0u16..0x1ff).prop_map(|(fg, bg, add, sub)| Style {
            fg,
            bg,
            add_modifier: Modifier::from_bits_truncate(add),
            sub_modifier: Modifier::from_bits_truncate(sub),
            ..Style::default()
        })
    }

    fn line() -> impl Strategy<Value = Line<'static>> {
        // Long runs of spaces too: erased, not written, where they look blank.
        let text = prop_oneof![
            4 => proptest::string::string_regex("[a-z 香é\u{301}\t👍🏽]{0,8}").unwrap(),
            1 => proptest::string::string_regex("[a ]{0,3} {11,16}[a香 ]{0,3}").unwrap(),
        ];
        (proptest::collection::vec((text, style()), 0..5), style()).prop_map(|(spans, s)| {
            Line::from(spans.into_iter().map(|(t, st)| Span::styled(t, st)).collect::<Vec<_>>()).style(s)
        })
    }

    proptest! {
        /// The first long run of spaces, found looking at every 12th byte,
        /// is the one a plain search finds.
        #[test]
        fn long_spaces_as_a_plain_search_finds_them(
            text in proptest::collection::vec(prop_oneof![Just("a".to_owned()), (0usize..16).prop_map(|n| " ".repeat(n))], 0..8)
                .prop_map(|v| v.concat())
        ) {
            let plain = text.find(&" ".repeat(ERASED_FROM)).map(|start| {
                let end = text[start..].find('a').map_or(text.len(), |n| start + n);
                (start, end)
            });
            prop_assert_eq!(long_spaces(text.as_bytes()), plain);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Frame after frame, the screen the painter's bytes leave is the
        /// one the backend's leave when it writes the last frame whole, cell
        /// by cell (those ratatui's diff would send for a blank screen:
        /// every cell but the second half of a wide one); blanks that look
        /// alike count as alike.
        #[test]
        fn the_screen_of_the_backend(frames in proptest::collection::vec(proptest::collection::vec(line(), 0..4), 1..4), base in style()) {
            let area = Rect::new(2, 1, 30, 3);
            let mut painter = Painter::default();
            let mut screen = Screen::new(34, 5);
            for lines in &frames {
                let frame = Composed { parts: vec![Part { area, base, lines: shared(lines.clone()) }], cursor: None };
                let mut ours = Bytes::new(Vec::new());
                painter.paint(frame, &mut ours);
                screen.feed(&ours.out);
            }
            let last = Composed { parts: vec![Part { area, base, lines: shared(frames.last().unwrap().clone()) }], cursor: None };
            let expected = whole(&last, 34, 5);
            prop_assert_eq!(screen.seen(), expected.seen());
        }
    }

    /// A window of 7 rows over `text` from row `top`, at x 1 (the article),
    /// beside `side` at x 26 (a sidebar that stays), over a status line.
    fn window(text: &[Line<'static>], top: usize, side: &Rc<[Rc<Line<'static>>]>, base: Style) -> Composed {
        let rows = text.iter().skip(top).take(7).cloned().collect();
        Composed {
            parts: vec![
                Part { area: Rect::new(1, 0, 24, 7), base, lines: shared(rows) },
                Part { area: Rect::new(26, 0, 3, 7), base: Style::default(), lines: Rc::clone(side) },
                Part {
                    area: Rect::new(0, 7, 29, 1),
                    base: Style::default(),
                    lines: shared(vec![Line::raw(format!("{top}"))]),
                },
            ],
            cursor: None,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Scrolling a window over lines beside a pane that stays, a row or a
        /// few at a time: the rows the terminal moves and those written
        /// after leave the screen the backend leaves writing the frame whole.
        #[test]
        fn moved_rows_leave_the_screen_of_the_backend(
            text in proptest::collection::vec(line(), 10..24),
            side in proptest::collection::vec(line(), 0..8),
            moves in proptest::collection::vec(-4i32..=4, 1..8),
            base in style(),
        ) {
            let side = shared(side);
            let mut painter = Painter::default();
            let mut screen = Screen::new(29, 8);
            let mut top = 0usize;
            for by in std::iter::once(0).chain(moves) {
                top = top.saturating_add_signed(by as isize).min(text.len() - 7);
                let frame = window(&text, top, &side, base);
                let expected = whole(&frame, 29, 8);
                let mut ours = Bytes::new(Vec::new());
                painter.paint(frame, &mut ours);
                screen.feed(&ours.out);
                prop_assert_eq!(screen.seen(), expected.seen(), "top {}", top);
            }
        }
    }

    #[test]
    fn a_row_scrolled_is_moved_by_the_terminal_and_the_new_row_written() {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let text: Vec<Line<'static>> = (0..20)
            .map(|n| Line::from(vec![Span::raw("row "), Span::styled(format!("{n:02}"), bold)]))
            .collect();
        let side = shared((0..7).map(|n| Line::raw(format!("s{n}"))).collect());
        let mut p = Painter::default();
        paint(&mut p, window(&text, 0, &side, Style::default()));
        let out = paint(&mut p, window(&text, 1, &side, Style::default()));
        // Rows 1-6 up one, then the new row, the side pane's rows (which
        // moved with them) and the status line.
        assert!(out.starts_with("\x1b[1;7r\x1b[7;1H\x1bD\x1b[r"), "{out:?}");
        assert!(out.contains("07") && !out.contains("06"), "{out:?}");
        assert_eq!(out.matches('s').count(), 7, "each of the side pane's rows: {out:?}");
        let back = paint(&mut p, window(&text, 0, &side, Style::default()));
        assert!(back.starts_with("\x1b[1;7r\x1b[1;1H\x1bM\x1b[r") && back.contains("00"), "{back:?}");
        // Further than a wheel step: written, not moved.
        let far = paint(&mut p, window(&text, 4, &side, Style::default()));
        assert!(!far.contains("\x1b[1;7r"), "{far:?}");
        // Beside a pane whose rows cost more to write again than the move
        // spares: written, not moved.
        let dense = shared((0..7).map(|n| Line::from(vec![Span::styled(format!("{n}"), bold); 3])).collect());
        paint(&mut p, window(&text, 4, &dense, Style::default()));
        let beside_dense = paint(&mut p, window(&text, 5, &dense, Style::default()));
        assert!(!beside_dense.contains("\x1b[1;7r") && beside_dense.contains("11"), "{beside_dense:?}");
    }

    #[test]
    fn a_new_layout_is_painted_whole() {
        let mut p = Painter::default();
        paint(&mut p, frame("10%", None));
        let mut moved = frame("10%", None);
        moved.parts[0].area.x = 2;
        let out = paint(&mut p, moved);
        assert!(out.starts_with("\x1b[2J") && out.contains("xyz"), "{out:?}");
    }
}
