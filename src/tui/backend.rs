//! The terminal backend: crossterm's, with a faster `draw`, and the [`Pen`]
//! that writes cells for it and for the painter.
//!
//! Profiling a PageDown showed that writing the changed cells cost more than
//! building the frame: crossterm formats every cell's `Print` and every
//! `MoveTo` through `fmt::Write`, and sends each attribute and colour change
//! as its own escape sequence. The pen writes cursor moves and symbols by
//! hand, and each change of style as one SGR sequence holding only what
//! changed (or a reset and the new style, when that is shorter), the
//! sixteen colours in their short form where it looks the same; it moves
//! along a row with `CSI n C` and blanks runs of cells with an erase
//! (`CSI n X`). On a page where suggestions dim every other word that is
//! under half of crossterm's bytes, and a PageDown in the middle of War
//! and Peace fits the 4 KB a pseudo-terminal passes in one read. A test
//! reads the bytes back with a small terminal (`tui::vt`) and checks every
//! cell's symbol and look. Everything else is crossterm's.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, IntoCrossterm, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::style::Colored;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier, Style};

/// [`CrosstermBackend`] with a faster [`Backend::draw`].
pub struct FrameBackend<W: Write> {
    inner: CrosstermBackend<W>,
    /// The bytes of one `draw`, reused.
    out: Vec<u8>,
}

impl<W: Write> FrameBackend<W> {
    pub fn new(writer: W) -> FrameBackend<W> {
        FrameBackend { inner: CrosstermBackend::new(writer), out: Vec::new() }
    }
}

/// What the terminal was last told: where its cursor is (when known) and
/// the style in force, so that each cell writes only the cursor move and
/// the style change it needs.
pub struct Pen {
    look: Look,
    /// The cursor's column and row, when the bytes so far say where it is:
    /// past the last narrow cell written, or where an erase left it; not
    /// after a wide character, on which the terminal may disagree.
    at: Option<(u16, u16)>,
}

/// How a cell looks: what a ratatui `Cell` holds besides its symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    pub fg: Color,
    pub bg: Color,
    pub underline: Color,
    pub modifier: Modifier,
}

impl Look {
    /// The terminal's defaults.
    pub const PLAIN: Look =
        Look { fg: Color::Reset, bg: Color::Reset, underline: Color::Reset, modifier: Modifier::empty() };

    /// Whether a blank in this look looks like a cell of a cleared screen:
    /// no background, nothing drawn across it (its colour and weight do
    /// not show).
    pub fn looks_blank(&self) -> bool {
        let drawn = Modifier::REVERSED | Modifier::UNDERLINED | Modifier::CROSSED_OUT;
        self.bg == Color::Reset && !self.modifier.intersects(drawn)
    }

    /// A blank cell given `style` (as `Cell::set_style` on a reset cell).
    pub fn of(style: Style) -> Look {
        Look {
            fg: style.fg.unwrap_or(Color::Reset),
            bg: style.bg.unwrap_or(Color::Reset),
            underline: style.underline_color.unwrap_or(Color::Reset),
            modifier: style.add_modifier - style.sub_modifier,
        }
    }
}

impl Default for Pen {
    fn default() -> Pen {
        Pen::new()
    }
}

impl Pen {
    /// A pen at the terminal's defaults, before any cell.
    pub fn new() -> Pen {
        Pen { look: Look::PLAIN, at: None }
    }

    /// Write `cell` at column `x`, row `y`. A cell right after the last one
    /// needs no cursor move.
    pub fn cell(&mut self, out: &mut Vec<u8>, x: u16, y: u16, cell: &Cell) {
        let look =
            Look { fg: cell.fg, bg: cell.bg, underline: cell.underline_color, modifier: cell.modifier };
        let symbol = cell.symbol();
        if unicode_width::UnicodeWidthStr::width(symbol) == 1 {
            self.text(out, (x, y), symbol, 1, look);
        } else {
            self.grapheme(out, (x, y), symbol, look);
        }
    }

    /// Write `text`, `cells` narrow cells, from column `x` of row `y`: the
    /// bytes [`Pen::cell`] writes for each of its cells in turn.
    pub fn text(&mut self, out: &mut Vec<u8>, at: (u16, u16), text: &str, cells: u16, look: Look) {
        self.go(out, at, look);
        out.extend_from_slice(text.as_bytes());
        self.at = Some((at.0 + cells, at.1));
    }

    /// Write one grapheme that is not a narrow cell (wide, or none wide):
    /// where the cursor ends depends on the terminal, so the next cell
    /// moves it.
    pub fn grapheme(&mut self, out: &mut Vec<u8>, at: (u16, u16), g: &str, look: Look) {
        self.go(out, at, look);
        out.extend_from_slice(g.as_bytes());
        self.at = None;
    }

    /// Blank `n` cells from column `x` of row `y` without writing them: an
    /// erase (ECH, `CSI n X`, as ncurses sends it for xterm), which leaves
    /// the cursor where it is. For blanks that look like a cleared screen's
    /// ([`Look::looks_blank`]): the erased cells take the background in
    /// force, which is then the default.
    pub fn erase(&mut self, out: &mut Vec<u8>, at: (u16, u16), n: u16, look: Look) {
        debug_assert!(look.looks_blank());
        if self.look.bg == Color::Reset {
            // Only the background shows on erased cells: no style to change.
            self.go(out, at, self.look);
        } else {
            self.go(out, at, look);
        }
        out.extend_from_slice(b"\x1b[");
        decimal(out, u32::from(n));
        out.push(b'X');
        self.at = Some(at);
    }

    /// Put the cursor at `(x, y)` (forward along its row when it is on it:
    /// shorter than a move there) and the style in force to `look`.
    fn go(&mut self, out: &mut Vec<u8>, (x, y): (u16, u16), look: Look) {
        match self.at {
            Some(at) if at == (x, y) => {}
            Some((cx, cy)) if cy == y && cx < x => {
                out.extend_from_slice(b"\x1b[");
                if x - cx > 1 {
                    decimal(out, u32::from(x - cx));
                }
                out.push(b'C');
            }
            _ => move_to(out, x, y),
        }
        let look = if Colored::ansi_color_disabled_memoized() {
            // NO_COLOR: attributes only.
            Look { modifier: look.modifier, ..Look::PLAIN }
        } else {
            look
        };
        if look != self.look {
            restyle(out, self.look, look);
            self.look = look;
        }
    }

    /// The style in force.
    pub fn look(&self) -> Look {
        self.look
    }

    /// Move rows `top..bottom` (the whole width of the screen) up `by` rows,
    /// or down when `by` is negative; the rows this uncovers are blank, in
    /// the terminal's default colours. The terminal does it: a scrolling
    /// region (DECSTBM) and as many index (`ESC D`) or reverse index
    /// (`ESC M`) as rows moved, all VT100, then the region back to the whole
    /// screen. Setting the region sends the cursor home, so the next cell
    /// moves it.
    pub fn scroll(&mut self, out: &mut Vec<u8>, (top, bottom): (u16, u16), by: i16) {
        debug_assert!(top + 1 < bottom && by != 0 && by.unsigned_abs() < bottom - top);
        // The uncovered rows take the background in force.
        self.finish(out);
        out.extend_from_slice(b"\x1b[");
        decimal(out, u32::from(top) + 1);
        out.push(b';');
        decimal(out, u32::from(bottom));
        out.push(b'r');
        // An index on the region's last row moves the region up; a reverse
        // index on its first moves it down.
        let (row, step) = if by > 0 { (bottom - 1, b"\x1bD") } else { (top, b"\x1bM") };
        move_to(out, 0, row);
        for _ in 0..by.unsigned_abs() {
            out.extend_from_slice(step);
        }
        out.extend_from_slice(b"\x1b[r");
        self.at = None;
    }

    /// Back to the terminal's default colours and attributes, as a frame
    /// ends (nothing to write when they are in force).
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if self.look != Look::PLAIN {
            out.extend_from_slice(b"\x1b[m");
            self.look = Look::PLAIN;
        }
    }
}

/// One `CSI … m` that takes the terminal from `from` to `to`: what changed
/// (attributes removed, then added, then colours), or a reset and all of
/// `to`, whichever is shorter (a reset alone is `CSI m`). A dimmed word in
/// plain text costs 13 bytes this way, where crossterm's separate commands
/// wrote 41. The underline colour goes in a sequence of its own, as
/// crossterm sends it: a terminal that does not know `58` could read the
/// `5` after it as blinking.
fn restyle(out: &mut Vec<u8>, from: Look, to: Look) {
    let mut underline = from.underline;
    if (from.modifier, from.fg, from.bg) != (to.modifier, to.fg, to.bg) {
        let start = out.len();
        sgr(out, |p| changes(p, from, to));
        let changed = out.len();
        sgr(out, |p| {
            if to != Look::PLAIN {
                p.num(0);
            }
            changes(p, Look::PLAIN, to);
        });
        let reset = out.len() - changed;
        if reset < changed - start {
            out.copy_within(changed.., start);
            out.truncate(start + reset);
            underline = Color::Reset;
        } else {
            out.truncate(changed);
        }
    }
    if underline != to.underline {
        sgr(out, |p| p.colour(b'5', to.underline, false));
    }
}

/// The SGR parameters from `from` to `to`, the underline colour aside:
/// bold and dim share one reset (22), after which the one that stays is
/// set again, as do the two blinks (25). Colours go in the short form when
/// it looks the same ([`colour`]); a bold foreground of the first eight
/// never does, and is written again when bold comes on over one that may
/// have been.
fn changes(p: &mut Params, from: Look, to: Look) {
    let removed = from.modifier - to.modifier;
    let mut added = to.modifier - from.modifier;
    for (gone, off) in
        [(Modifier::BOLD | Modifier::DIM, 22), (Modifier::SLOW_BLINK | Modifier::RAPID_BLINK, 25)]
    {
        if removed.intersects(gone) {
            p.num(off);
            added |= to.modifier & gone;
        }
    }
    for (m, off) in [
        (Modifier::ITALIC, 23),
        (Modifier::UNDERLINED, 24),
        (Modifier::REVERSED, 27),
        (Modifier::HIDDEN, 28),
        (Modifier::CROSSED_OUT, 29),
    ] {
        if removed.contains(m) {
            p.num(off);
        }
    }
    for (m, on) in [
        (Modifier::BOLD, 1),
        (Modifier::DIM, 2),
        (Modifier::ITALIC, 3),
        (Modifier::UNDERLINED, 4),
        (Modifier::SLOW_BLINK, 5),
        (Modifier::RAPID_BLINK, 6),
        (Modifier::REVERSED, 7),
        (Modifier::HIDDEN, 8),
        (Modifier::CROSSED_OUT, 9),
    ] {
        if added.contains(m) {
            p.num(on);
        }
    }
    let bold = to.modifier.contains(Modifier::BOLD);
    let was_short = !from.modifier.contains(Modifier::BOLD) && palette(to.fg).is_some_and(|i| i < 8);
    if from.fg != to.fg || (bold && was_short) {
        p.colour(b'3', to.fg, !bold);
    }
    if from.bg != to.bg {
        p.colour(b'4', to.bg, true);
    }
}

/// SGR parameters being written: numbers and colours, `;` between them.
struct Params<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl Params<'_> {
    fn next(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.out.push(b';');
        }
    }

    fn num(&mut self, n: u32) {
        self.next();
        decimal(self.out, n);
    }

    fn colour(&mut self, kind: u8, c: Color, short: bool) {
        self.next();
        colour(self.out, kind, c, short);
    }
}

/// `CSI row;col H`, as crossterm's `MoveTo` writes it (1-based).
pub fn move_to(out: &mut Vec<u8>, x: u16, y: u16) {
    out.extend_from_slice(b"\x1b[");
    decimal(out, u32::from(y) + 1);
    out.push(b';');
    decimal(out, u32::from(x) + 1);
    out.push(b'H');
}

/// `CSI … m` around what `params` writes.
fn sgr(out: &mut Vec<u8>, params: impl FnOnce(&mut Params)) {
    out.extend_from_slice(b"\x1b[");
    params(&mut Params { out, first: true });
    out.push(b'm');
}

/// A colour's SGR parameters: `kind` is `3` (foreground), `4` (background)
/// or `5` (underline). The sixteen colours go in their short form (30-37
/// and 90-97, 40-47 and 100-107) when `short` says it looks the same, as
/// ncurses writes them for `xterm-256color`; else as crossterm writes
/// them, named ones by their 256-colour index. (A terminal may show a bold
/// 30-37 in the bright colour, but not a bold `38;5;0`-`7`: the caller
/// knows what is bold.)
fn colour(out: &mut Vec<u8>, kind: u8, c: Color, short: bool) {
    if c == Color::Reset {
        out.extend_from_slice(&[kind, b'9']);
        return;
    }
    if let Some(index) = palette(c) {
        match index {
            0..8 if short && kind != b'5' => out.extend_from_slice(&[kind, b'0' + index]),
            8..16 if short && kind == b'3' => out.extend_from_slice(&[b'9', b'0' + index - 8]),
            8..16 if short && kind == b'4' => out.extend_from_slice(&[b'1', b'0', b'0' + index - 8]),
            _ => {
                out.extend_from_slice(&[kind, b'8', b';', b'5', b';']);
                decimal(out, u32::from(index));
            }
        }
        return;
    }
    let Color::Rgb(r, g, b) = c else { unreachable!("every other colour has an index") };
    out.extend_from_slice(&[kind, b'8', b';', b'2', b';']);
    for (k, v) in [r, g, b].into_iter().enumerate() {
        if k > 0 {
            out.push(b';');
        }
        decimal(out, u32::from(v));
    }
}

/// A colour's index in the terminal's 256-colour palette (the sixteen named
/// ones first, as crossterm numbers them); none for RGB and the default.
fn palette(c: Color) -> Option<u8> {
    use ratatui::crossterm::style::Color as C;
    Some(match c.into_crossterm() {
        C::Reset | C::Rgb { .. } => return None,
        C::AnsiValue(v) => v,
        C::Black => 0,
        C::DarkRed => 1,
        C::DarkGreen => 2,
        C::DarkYellow => 3,
        C::DarkBlue => 4,
        C::DarkMagenta => 5,
        C::DarkCyan => 6,
        C::Grey => 7,
        C::DarkGrey => 8,
        C::Red => 9,
        C::Green => 10,
        C::Yellow => 11,
        C::Blue => 12,
        C::Magenta => 13,
        C::Cyan => 14,
        C::White => 15,
    })
}

fn decimal(out: &mut Vec<u8>, n: u32) {
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

impl<W: Write> Backend for FrameBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let out = &mut self.out;
        out.clear();
        let mut pen = Pen::new();
        for (x, y, cell) in content {
            pen.cell(out, x, y, cell);
        }
        pen.finish(out);
        self.inner.write_all(out)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// A writer whose bytes the test can read after the backend took it.
    #[derive(Clone, Default)]
    struct Shared(Rc<RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().write(buf)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.borrow()).into_owned()
        }
    }

    fn color() -> impl Strategy<Value = Color> {
        let named = [
            Color::Reset,
            Color::Black,
            Color::Red,
            Color::Green,
            Color::Yellow,
            Color::Blue,
            Color::Magenta,
            Color::Cyan,
            Color::Gray,
            Color::DarkGray,
            Color::LightRed,
            Color::LightGreen,
            Color::LightYellow,
            Color::LightBlue,
            Color::LightMagenta,
            Color::LightCyan,
            Color::White,
        ];
        prop_oneof![
            proptest::sample::select(named.to_vec()),
            any::<u8>().prop_map(Color::Indexed),
            (any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(r, g, b)| Color::Rgb(r, g, b)),
        ]
    }

    fn cell() -> impl Strategy<Value = Cell> {
        let symbol = prop_oneof![Just(" "), Just("a"), Just("é"), Just("香"), Just("👍🏽"), Just("e\u{301}")];
        (symbol, color(), color(), color(), 0u16..0x1ff).prop_map(|(s, fg, bg, ul, m)| {
            let mut c = Cell::new(s);
            c.fg = fg;
            c.bg = bg;
            c.underline_color = ul;
            c.modifier = Modifier::from_bits_truncate(m);
            c
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        /// Read by a terminal, the backend's bytes leave every cell drawn
        /// with its symbol and look, and the defaults in force at the end,
        /// in no more bytes than crossterm's backend writes. (Not the screen
        /// crossterm's leaves: taking one of two blinks away, it turns off
        /// both.)
        #[test]
        fn each_cell_as_it_looks(
            cells in proptest::collection::vec(cell(), 24),
            changed in proptest::collection::vec(any::<bool>(), 24),
        ) {
            let mut buf = Buffer::empty(Rect::new(0, 0, 6, 4));
            for (i, c) in cells.into_iter().enumerate() {
                buf.content[i] = c;
            }
            // As ratatui's diff: never the cell behind a wide one.
            let mut behind_wide = false;
            let picked: Vec<(u16, u16, &Cell)> = buf
                .content
                .iter()
                .enumerate()
                .filter(|&(i, c)| {
                    let skip = std::mem::replace(&mut behind_wide, false) && i % 6 != 0;
                    let pick = changed[i] && !skip;
                    behind_wide = pick && unicode_width::UnicodeWidthStr::width(c.symbol()) > 1;
                    pick
                })
                .map(|(i, c)| ((i % 6) as u16, (i / 6) as u16, c))
                .collect();
            let (theirs, ours) = (Shared::default(), Shared::default());
            CrosstermBackend::new(theirs.clone()).draw(picked.iter().copied()).unwrap();
            FrameBackend::new(ours.clone()).draw(picked.iter().copied()).unwrap();
            let mut screen = crate::tui::vt::Screen::new(8, 4);
            screen.feed(&ours.0.borrow());
            let mut expected = crate::tui::vt::Screen::new(8, 4);
            for &(x, y, c) in &picked {
                let (fg, bg, underline) = (wire(c.fg), wire(c.bg), wire(c.underline_color));
                let look = Look { fg, bg, underline, modifier: c.modifier };
                expected.cursor = (x, y);
                expected.look = look;
                expected.put(c.symbol());
            }
            expected.look = Look::PLAIN;
            expected.cursor = screen.cursor;
            prop_assert_eq!(screen, expected);
            prop_assert!(ours.0.borrow().len() <= theirs.0.borrow().len(), "{:?}\n{:?}", ours.text(), theirs.text());
        }
    }

    /// A colour as the terminal reads it back: named ones by their index.
    fn wire(c: Color) -> Color {
        let mut out = b"\x1b[".to_vec();
        colour(&mut out, b'3', c, false);
        out.push(b'm');
        let mut s = crate::tui::vt::Screen::new(1, 1);
        s.feed(&out);
        s.look.fg
    }

    /// Colours are written as crossterm writes them, or, when the short
    /// form looks the same, as the xterm-256color terminfo's `setaf` and
    /// `setab` write them.
    #[test]
    fn colours_as_crossterm_and_terminfo_write_them() {
        use ratatui::crossterm::style::{SetBackgroundColor, SetForegroundColor, SetUnderlineColor};
        let named = [Color::Reset, Color::Black, Color::Red, Color::Green, Color::Yellow, Color::Blue];
        let more = [Color::Magenta, Color::Cyan, Color::Gray, Color::DarkGray, Color::LightRed];
        let light = [Color::LightGreen, Color::LightYellow, Color::LightBlue, Color::LightMagenta];
        let other = [Color::LightCyan, Color::White, Color::Indexed(200), Color::Rgb(1, 22, 255)];
        let indexed = (0..=16).map(Color::Indexed);
        for c in named.into_iter().chain(more).chain(light).chain(other).chain(indexed) {
            let ours = |kind, short| {
                let mut out = b"\x1b[".to_vec();
                colour(&mut out, kind, c, short);
                out.push(b'm');
                String::from_utf8(out).unwrap()
            };
            let cc = c.into_crossterm();
            let ansi = |cmd: &dyn Fn(&mut String) -> std::fmt::Result| {
                let mut s = String::new();
                cmd(&mut s).unwrap();
                s
            };
            use ratatui::crossterm::Command;
            let fg = ansi(&|s| SetForegroundColor(cc).write_ansi(s));
            let bg = ansi(&|s| SetBackgroundColor(cc).write_ansi(s));
            assert_eq!(ours(b'3', false), fg, "{c:?}");
            assert_eq!(ours(b'4', false), bg, "{c:?}");
            assert_eq!(ours(b'5', false), ansi(&|s| SetUnderlineColor(cc).write_ansi(s)), "{c:?}");
            assert_eq!(ours(b'5', true), ours(b'5', false), "no short underline colour: {c:?}");
            // setaf=\E[%?%p1%{8}%<%t3%p1%d%e%p1%{16}%<%t9%p1%{8}%-%d%e38;5;%p1%d%;m
            let (setaf, setab) = match palette(c) {
                Some(i @ 0..8) => (format!("\x1b[3{i}m"), format!("\x1b[4{i}m")),
                Some(i @ 8..16) => (format!("\x1b[9{}m", i - 8), format!("\x1b[10{}m", i - 8)),
                _ => (fg, bg),
            };
            assert_eq!(ours(b'3', true), setaf, "{c:?}");
            assert_eq!(ours(b'4', true), setab, "{c:?}");
        }
    }

    /// Bold never goes over a foreground of the first eight set by its
    /// short form (the terminal may brighten it): set bold over one, the
    /// colour is sent again in full.
    #[test]
    fn bold_over_a_short_foreground_sends_it_again() {
        let cyan = Look { fg: Color::Cyan, ..Look::PLAIN };
        let bold = Look { modifier: Modifier::BOLD, ..cyan };
        let mut out = Vec::new();
        let mut pen = Pen::new();
        pen.text(&mut out, (0, 0), "a", 1, cyan);
        pen.text(&mut out, (1, 0), "b", 1, bold);
        pen.text(&mut out, (2, 0), "c", 1, cyan);
        pen.finish(&mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "\x1b[1;1H\x1b[36ma\x1b[1;38;5;6mb\x1b[22mc\x1b[m");
    }

    /// A dimmed, underlined word in plain text: one SGR on, a reset off.
    #[test]
    fn one_sgr_for_a_style_change() {
        let word = Look { fg: Color::Gray, modifier: Modifier::DIM | Modifier::UNDERLINED, ..Look::PLAIN };
        let mut out = Vec::new();
        let mut pen = Pen::new();
        pen.text(&mut out, (0, 0), "the", 3, word);
        pen.text(&mut out, (3, 0), " ", 1, Look::PLAIN);
        pen.text(&mut out, (4, 0), "x", 1, Look { modifier: Modifier::DIM, ..word });
        pen.finish(&mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "\x1b[1;1H\x1b[2;4;37mthe\x1b[m \x1b[2;37mx\x1b[m");
    }

    #[test]
    fn numbers_in_cursor_moves() {
        let mut out = Vec::new();
        move_to(&mut out, 0, 9);
        move_to(&mut out, 65534, 99);
        assert_eq!(out, b"\x1b[10;1H\x1b[100;65535H");
    }
}
