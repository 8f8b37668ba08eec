//! The terminal painter: the screen written straight from its lines.
//!
//! ratatui draws a frame by putting every cell into a buffer, comparing the
//! whole buffer with the last one and writing the cells that differ; after
//! reading a key, that was most of what a PageDown cost. The painter keeps
//! the last frame as lines ([`Composed`]) instead, and writes only the rows
//! whose line changed, each cell through [`row_cells`] (the cells
//! [`render::draw`](super::render::draw) puts into a buffer) and the same
//! [`Pen`] as the backend. Frames with a popup over the panes are left to
//! ratatui; the app tells the painter when the screen was drawn by someone
//! else ([`Painter::invalidate`]).

use ratatui::style::Style;

use super::backend::{Look, Pen, move_to};
use super::render::{Composed, Run, row_cells};

/// Where painted cells go: the terminal's bytes ([`Bytes`]), or a buffer in tests.
pub trait Sink {
    /// The screen is blank again.
    fn clear(&mut self);
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
    /// painted before, and the cursor when it moved. A row's padding is
    /// written only where the screen holds something else. Returns whether
    /// anything was written.
    pub fn paint(&mut self, now: Composed, sink: &mut impl Sink) -> bool {
        let before = self.shown.take().filter(|b| same_layout(b, &now));
        let mut wrote = before.is_none();
        if wrote {
            sink.clear();
            // A cleared screen is padding already where padding looks blank.
            self.ends = now
                .parts
                .iter()
                .map(|p| {
                    let end = if blank_as_cleared(p.base) { 0 } else { usize::from(p.area.width) };
                    vec![end; usize::from(p.area.height)]
                })
                .collect();
        }
        for (k, part) in now.parts.iter().enumerate() {
            if before.as_ref().is_some_and(|b| std::rc::Rc::ptr_eq(&b.parts[k].lines, &part.lines)) {
                // The same lines as last time (kept by the memo).
                continue;
            }
            let width = usize::from(part.area.width);
            for row in 0..usize::from(part.area.height) {
                let line = part.lines.get(row);
                if before.as_ref().is_some_and(|b| b.parts[k].lines.get(row) == line) {
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

/// Whether a blank in `style` looks like a cell of a cleared screen: no
/// background, nothing drawn across it. (Its colour and weight do not show.)
fn blank_as_cleared(style: Style) -> bool {
    use ratatui::style::{Color, Modifier};
    let drawn = Modifier::REVERSED | Modifier::UNDERLINED | Modifier::CROSSED_OUT;
    style.bg.is_none_or(|bg| bg == Color::Reset)
        && !(style.add_modifier - style.sub_modifier).intersects(drawn)
}

/// The same parts in the same places: rows can be compared one to one.
fn same_layout(a: &Composed, b: &Composed) -> bool {
    a.parts.len() == b.parts.len()
        && a.parts.iter().zip(&b.parts).all(|(p, q)| p.area == q.area && p.base == q.base)
}

/// The bytes of one frame for the terminal.
#[derive(Default)]
pub struct Bytes {
    pub out: Vec<u8>,
    pen: Pen,
}

impl Bytes {
    /// A frame's bytes, written into `out` (emptied first; kept for its capacity).
    pub fn new(mut out: Vec<u8>) -> Bytes {
        out.clear();
        Bytes { out, pen: Pen::new() }
    }
}

impl Sink for Bytes {
    fn clear(&mut self) {
        self.out.extend_from_slice(b"\x1b[2J");
    }

    fn run(&mut self, x: u16, y: u16, run: Run, style: Style) {
        let look = Look::of(style);
        let cells = run.cells() as u16;
        match run {
            Run::Narrow(text, _) => self.pen.text(&mut self.out, (x, y), text, cells, look),
            // Each cell after a wide one starts with a cursor move, as
            // ratatui's diff writes it (the terminal may disagree on widths).
            Run::Grapheme(g, _) => self.pen.text(&mut self.out, (x, y), g, 1, look),
            Run::Blank(n) => {
                self.pen.text(&mut self.out, (x, y), " ", cells, look);
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
        let text = proptest::string::string_regex("[a-z 香é\u{301}\t👍🏽]{0,8}").unwrap();
        (proptest::collection::vec((text, style()), 0..5), style()).prop_map(|(spans, s)| {
            Line::from(spans.into_iter().map(|(t, st)| Span::styled(t, st)).collect::<Vec<_>>()).style(s)
        })
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
            let area = Rect::new(2, 1, 9, 3);
            let mut painter = Painter::default();
            let mut screen = Screen::new(12, 5);
            for lines in &frames {
                let frame = Composed { parts: vec![Part { area, base, lines: shared(lines.clone()) }], cursor: None };
                let mut ours = Bytes::new(Vec::new());
                painter.paint(frame, &mut ours);
                screen.feed(&ours.out);
            }
            let mut buf = Buffer::empty(Rect::new(0, 0, 12, 5));
            crate::tui::render::put_lines(&mut buf, area, frames.last().unwrap(), base);
            let mut theirs = b"\x1b[2J".to_vec();
            let mut pen = Pen::new();
            for y in area.top()..area.bottom() {
                let mut x = area.left();
                while x < area.right() {
                    let cell = &buf[(x, y)];
                    pen.cell(&mut theirs, x, y, cell);
                    x += cell.symbol().width().max(1) as u16;
                }
            }
            pen.finish(&mut theirs);
            theirs.extend(b"\x1b[?25l");
            let mut expected = Screen::new(12, 5);
            expected.feed(&theirs);
            prop_assert_eq!(screen.seen(), expected.seen());
        }
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
