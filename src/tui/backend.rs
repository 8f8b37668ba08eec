//! The terminal backend: crossterm's, with a faster `draw`.
//!
//! Profiling a PageDown showed that writing the changed cells cost more than
//! building the frame: crossterm formats every cell's `Print` and every
//! `MoveTo` through `fmt::Write`. [`FrameBackend::draw`] writes the same
//! bytes (a test compares them with `CrosstermBackend`'s on random frames)
//! into one buffer: cursor moves and symbols by hand, style changes — rare —
//! with crossterm's own commands. Everything else is crossterm's.

use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, IntoCrossterm, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::queue;
use ratatui::crossterm::style::{
    Attribute, Color as CColor, Colored, Colors, SetAttribute, SetBackgroundColor, SetColors,
    SetForegroundColor, SetUnderlineColor,
};
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

/// What the terminal was last told: where the last cell went and the
/// style in force, so that each cell writes only the cursor move and the
/// style changes it needs (in the order and form crossterm's backend uses).
pub struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
    last: Option<(u16, u16)>,
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
        Pen {
            fg: Color::Reset,
            bg: Color::Reset,
            underline: Color::Reset,
            modifier: Modifier::empty(),
            last: None,
        }
    }

    /// Write `cell` at column `x`, row `y`. A cell right after the last one
    /// needs no cursor move.
    pub fn cell(&mut self, out: &mut Vec<u8>, x: u16, y: u16, cell: &Cell) -> io::Result<()> {
        let look =
            Look { fg: cell.fg, bg: cell.bg, underline: cell.underline_color, modifier: cell.modifier };
        self.text(out, (x, y), cell.symbol(), 1, look)
    }

    /// Write `text`, `cells` cells wide, from column `x` of row `y`: the
    /// bytes [`Pen::cell`] writes for each of its cells in turn.
    pub fn text(
        &mut self,
        out: &mut Vec<u8>,
        (x, y): (u16, u16),
        text: &str,
        cells: u16,
        look: Look,
    ) -> io::Result<()> {
        if !matches!(self.last, Some((lx, ly)) if x == lx + 1 && y == ly) {
            move_to(out, x, y);
        }
        self.last = Some((x + cells.saturating_sub(1), y));
        if look.modifier != self.modifier {
            modifier_change(out, self.modifier, look.modifier);
            self.modifier = look.modifier;
        }
        let no_color = Colored::ansi_color_disabled_memoized();
        if look.fg != self.fg || look.bg != self.bg {
            if no_color {
                queue!(out, SetColors(Colors::new(look.fg.into_crossterm(), look.bg.into_crossterm())))?;
            } else {
                sgr(out, |out| {
                    colour(out, b'3', look.fg);
                    out.push(b';');
                    colour(out, b'4', look.bg);
                });
            }
            (self.fg, self.bg) = (look.fg, look.bg);
        }
        if look.underline != self.underline {
            if no_color {
                queue!(out, SetUnderlineColor(look.underline.into_crossterm()))?;
            } else {
                sgr(out, |out| colour(out, b'5', look.underline));
            }
            self.underline = look.underline;
        }
        out.extend_from_slice(text.as_bytes());
        Ok(())
    }

    /// Back to the terminal's default colours and attributes, as crossterm's
    /// backend ends a frame.
    pub fn finish(out: &mut Vec<u8>) -> io::Result<()> {
        queue!(
            out,
            SetForegroundColor(CColor::Reset),
            SetBackgroundColor(CColor::Reset),
            SetUnderlineColor(CColor::Reset),
            SetAttribute(Attribute::Reset),
        )
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
fn sgr(out: &mut Vec<u8>, params: impl FnOnce(&mut Vec<u8>)) {
    out.extend_from_slice(b"\x1b[");
    params(out);
    out.push(b'm');
}

/// A colour's SGR parameters as crossterm writes them: `kind` is `3`
/// (foreground), `4` (background) or `5` (underline); named colours go by
/// their 256-colour index.
fn colour(out: &mut Vec<u8>, kind: u8, c: Color) {
    use ratatui::crossterm::style::Color as C;
    out.push(kind);
    let c = c.into_crossterm();
    if c == C::Reset {
        out.push(b'9');
        return;
    }
    out.extend_from_slice(b"8;");
    let index = match c {
        C::Rgb { r, g, b } => {
            out.extend_from_slice(b"2;");
            for (k, v) in [r, g, b].into_iter().enumerate() {
                if k > 0 {
                    out.push(b';');
                }
                decimal(out, u32::from(v));
            }
            return;
        }
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
        C::Reset => unreachable!("handled above"),
    };
    out.extend_from_slice(b"5;");
    decimal(out, u32::from(index));
}

/// The SGR number of the attributes the pen sets (crossterm's table).
fn attribute_sgr(a: Attribute) -> u32 {
    match a {
        Attribute::Reset => 0,
        Attribute::Bold => 1,
        Attribute::Dim => 2,
        Attribute::Italic => 3,
        Attribute::Underlined => 4,
        Attribute::SlowBlink => 5,
        Attribute::RapidBlink => 6,
        Attribute::Reverse => 7,
        Attribute::Hidden => 8,
        Attribute::CrossedOut => 9,
        Attribute::NormalIntensity => 22,
        Attribute::NoItalic => 23,
        Attribute::NoUnderline => 24,
        Attribute::NoBlink => 25,
        Attribute::NoReverse => 27,
        Attribute::NoHidden => 28,
        Attribute::NotCrossedOut => 29,
        other => unreachable!("the pen never sets {other:?}"),
    }
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

/// The attributes that take the terminal from `from` to `to`, in the order
/// ratatui's crossterm backend sends them: what is removed first (bold and
/// dim share one reset, after which the one that stays is set again), then
/// what is added.
fn modifier_change(out: &mut Vec<u8>, from: Modifier, to: Modifier) {
    let removed = from - to;
    let added = to - from;
    let set = |out: &mut Vec<u8>, a: Attribute| sgr(out, |out| decimal(out, attribute_sgr(a)));
    if removed.contains(Modifier::REVERSED) {
        set(out, Attribute::NoReverse);
    }
    let intensity_reset = removed.intersects(Modifier::BOLD | Modifier::DIM);
    if intensity_reset {
        set(out, Attribute::NormalIntensity);
        if to.contains(Modifier::DIM) {
            set(out, Attribute::Dim);
        }
        if to.contains(Modifier::BOLD) {
            set(out, Attribute::Bold);
        }
    }
    for (m, a) in [
        (Modifier::ITALIC, Attribute::NoItalic),
        (Modifier::UNDERLINED, Attribute::NoUnderline),
        (Modifier::CROSSED_OUT, Attribute::NotCrossedOut),
        (Modifier::HIDDEN, Attribute::NoHidden),
    ] {
        if removed.contains(m) {
            set(out, a);
        }
    }
    if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        set(out, Attribute::NoBlink);
    }
    for (m, a, unless_reset) in [
        (Modifier::REVERSED, Attribute::Reverse, false),
        (Modifier::BOLD, Attribute::Bold, true),
        (Modifier::ITALIC, Attribute::Italic, false),
        (Modifier::UNDERLINED, Attribute::Underlined, false),
        (Modifier::DIM, Attribute::Dim, true),
        (Modifier::CROSSED_OUT, Attribute::CrossedOut, false),
        (Modifier::HIDDEN, Attribute::Hidden, false),
        (Modifier::SLOW_BLINK, Attribute::SlowBlink, false),
        (Modifier::RAPID_BLINK, Attribute::RapidBlink, false),
    ] {
        if added.contains(m) && !(unless_reset && intensity_reset) {
            set(out, a);
        }
    }
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
            pen.cell(out, x, y, cell)?;
        }
        Pen::finish(out)?;
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
        let symbol = prop_oneof![
            Just(" "),
            Just("a"),
            Just("é"),
            Just("香"),
            Just("👍🏽"),
            Just("\u{1b}"),
            Just("e\u{301}")
        ];
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
        #[test]
        fn the_same_bytes_as_crossterms_backend(
            cells in proptest::collection::vec(cell(), 24),
            changed in proptest::collection::vec(any::<bool>(), 24),
        ) {
            let mut buf = Buffer::empty(Rect::new(0, 0, 6, 4));
            for (i, c) in cells.into_iter().enumerate() {
                buf.content[i] = c;
            }
            let picked: Vec<(u16, u16, &Cell)> = buf
                .content
                .iter()
                .enumerate()
                .filter(|(i, _)| changed[*i])
                .map(|(i, c)| ((i % 6) as u16, (i / 6) as u16, c))
                .collect();
            let (theirs, ours) = (Shared::default(), Shared::default());
            CrosstermBackend::new(theirs.clone()).draw(picked.iter().copied()).unwrap();
            FrameBackend::new(ours.clone()).draw(picked.iter().copied()).unwrap();
            prop_assert!(!picked.is_empty() || ours.text().starts_with("\x1b[39m"));
            prop_assert_eq!(ours.text(), theirs.text());
        }
    }

    #[test]
    fn numbers_in_cursor_moves() {
        let mut out = Vec::new();
        move_to(&mut out, 0, 9);
        move_to(&mut out, 65534, 99);
        assert_eq!(out, b"\x1b[10;1H\x1b[100;65535H");
    }
}
