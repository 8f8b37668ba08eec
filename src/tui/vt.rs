//! A small terminal for tests: the cells and looks that bytes leave on a
//! screen. It reads what the backends write (cursor moves, SGR, text,
//! clears and erases, scrolling regions, the cursor shown or hidden) and
//! panics on anything else, so a test of the bytes' meaning cannot pass by
//! skipping what it does not know; and on text in bold over a foreground
//! set by 30-37, which some terminals would show brighter.

use ratatui::style::{Color, Modifier};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::backend::Look;

/// A screen: `cells[y][x]` is a symbol and its look (`""` behind a wide one).
#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    pub cells: Vec<Vec<(String, Look)>>,
    pub cursor: (u16, u16),
    pub shown: bool,
    /// The look in force for the next text.
    pub look: Look,
    /// The scrolling region: its first and last rows.
    pub region: (u16, u16),
    /// Whether the foreground in force was set as one of the first eight
    /// by its short form (30-37), which a terminal may brighten in bold.
    pub short_fg: bool,
}

impl Screen {
    /// A blank `width` x `height` screen at the terminal's defaults.
    pub fn new(width: u16, height: u16) -> Screen {
        let blank = vec![(" ".to_owned(), Look::PLAIN); usize::from(width)];
        Screen {
            cells: vec![blank; usize::from(height)],
            cursor: (0, 0),
            shown: true,
            look: Look::PLAIN,
            region: (0, height.saturating_sub(1)),
            short_fg: false,
        }
    }

    /// The screen as a person sees it: blanks with no background and
    /// nothing drawn across them look alike, whatever their colour and
    /// weight, and a hidden cursor is nowhere.
    pub fn seen(&self) -> Screen {
        let mut s = self.clone();
        if !s.shown {
            s.cursor = (0, 0);
        }
        for (symbol, look) in s.cells.iter_mut().flatten() {
            if symbol == " " && look.looks_blank() {
                *look = Look::PLAIN;
            }
        }
        s
    }

    /// What `bytes` do to the screen.
    pub fn feed(&mut self, bytes: &[u8]) {
        let text = std::str::from_utf8(bytes).expect("UTF-8 from the backend");
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("\x1b[") {
                let end = after.find(|c: char| c.is_ascii_alphabetic()).expect("a final byte");
                self.command(&after[..end], after.as_bytes()[end]);
                rest = &after[end + 1..];
            } else if let Some(after) = rest.strip_prefix("\x1bD") {
                self.index(1);
                rest = after;
            } else if let Some(after) = rest.strip_prefix("\x1bM") {
                self.index(-1);
                rest = after;
            } else {
                assert!(!rest.starts_with('\x1b'), "the test terminal does not know {rest:.4?}");
                let end = rest.find('\x1b').unwrap_or(rest.len());
                for g in rest[..end].graphemes(true) {
                    self.put(g);
                }
                rest = &rest[end..];
            }
        }
    }

    /// `g` at the cursor in the look in force; the cursor moves past it.
    pub fn put(&mut self, g: &str) {
        let (x, y) = (usize::from(self.cursor.0), usize::from(self.cursor.1));
        let width = g.width().max(1);
        assert!(
            !(self.short_fg && self.look.modifier.contains(Modifier::BOLD)),
            "{g:?} in bold over a foreground set by 30-37: some terminals brighten it"
        );
        self.cells[y][x] = (g.to_owned(), self.look);
        for dx in 1..width {
            if let Some(cell) = self.cells[y].get_mut(x + dx) {
                *cell = (String::new(), self.look);
            }
        }
        self.cursor.0 += width as u16;
    }

    /// A cell erased or uncovered now: blank, in the background in force.
    fn erased(&self) -> (String, Look) {
        (" ".to_owned(), Look { bg: self.look.bg, ..Look::PLAIN })
    }

    /// An index (`by` 1: down a row) or a reverse index (-1: up a row):
    /// at the edge of the scrolling region it moves the region's rows the
    /// other way instead, and the row it uncovers is blank in the
    /// background in force.
    fn index(&mut self, by: i16) {
        let (top, bottom) = (usize::from(self.region.0), usize::from(self.region.1));
        let y = usize::from(self.cursor.1);
        let blank = vec![self.erased(); self.cells[0].len()];
        match by {
            1 if y == bottom => {
                self.cells[top..=bottom].rotate_left(1);
                self.cells[bottom] = blank;
            }
            -1 if y == top => {
                self.cells[top..=bottom].rotate_right(1);
                self.cells[top] = blank;
            }
            1 => self.cursor.1 = (self.cursor.1 + 1).min(self.cells.len() as u16 - 1),
            _ => self.cursor.1 = self.cursor.1.saturating_sub(1),
        }
    }

    fn command(&mut self, params: &str, last: u8) {
        match (params, last) {
            ("?25", b'h') => self.shown = true,
            ("?25", b'l') => self.shown = false,
            ("2", b'J') => {
                let blank = self.erased();
                for row in &mut self.cells {
                    row.fill(blank.clone());
                }
            }
            (_, b'H') => {
                let (row, col) = params.split_once(';').expect("row;col");
                self.cursor = (col.parse::<u16>().unwrap() - 1, row.parse::<u16>().unwrap() - 1);
            }
            (_, b'm') => self.sgr(params),
            (_, b'X') => {
                // The cursor stays.
                let n: usize = params.parse().expect("a count");
                let (x, y) = (usize::from(self.cursor.0), usize::from(self.cursor.1));
                let blank = self.erased();
                let row = &mut self.cells[y];
                let end = (x + n).min(row.len());
                row[x..end].fill(blank);
            }
            (_, b'C') => {
                let n: u16 = if params.is_empty() { 1 } else { params.parse().expect("a count") };
                assert!(n > 0, "a move forward by none");
                let last = self.cells[0].len() as u16 - 1;
                self.cursor.0 = (self.cursor.0 + n).min(last);
            }
            (_, b'r') => {
                // The scrolling region (the whole screen when no rows are
                // given); the cursor goes home.
                let last = self.cells.len() as u16 - 1;
                self.region = match params.split_once(';') {
                    Some((top, bottom)) => {
                        (top.parse::<u16>().unwrap() - 1, bottom.parse::<u16>().unwrap() - 1)
                    }
                    None if params.is_empty() => (0, last),
                    None => panic!("a scrolling region of {params:?}"),
                };
                assert!(self.region.0 < self.region.1 && self.region.1 <= last, "{params:?}");
                self.cursor = (0, 0);
            }
            _ => panic!("the test terminal does not know CSI {params:?} {}", last as char),
        }
    }

    fn sgr(&mut self, params: &str) {
        let mut nums = params.split(';').map(|p| if p.is_empty() { 0 } else { p.parse::<u16>().unwrap() });
        let look = &mut self.look;
        let short_fg = &mut self.short_fg;
        while let Some(n) = nums.next() {
            match n {
                0 | 38 | 39 | 90..=97 => *short_fg = false,
                30..=37 => *short_fg = true,
                _ => {}
            }
            let bit = |n| match n {
                1 | 22 => Modifier::BOLD,
                2 => Modifier::DIM,
                3 | 23 => Modifier::ITALIC,
                4 | 24 => Modifier::UNDERLINED,
                5 => Modifier::SLOW_BLINK,
                6 => Modifier::RAPID_BLINK,
                7 | 27 => Modifier::REVERSED,
                8 | 28 => Modifier::HIDDEN,
                9 | 29 => Modifier::CROSSED_OUT,
                _ => unreachable!(),
            };
            let mut colour = || match nums.next() {
                Some(5) => Color::Indexed(nums.next().unwrap() as u8),
                Some(2) => {
                    let mut c = || nums.next().unwrap() as u8;
                    Color::Rgb(c(), c(), c())
                }
                other => panic!("a colour of kind {other:?}"),
            };
            let short = |n: u16| Color::Indexed(n as u8);
            match n {
                0 => *look = Look::PLAIN,
                1..=9 => look.modifier.insert(bit(n)),
                22 => look.modifier.remove(Modifier::BOLD | Modifier::DIM),
                25 => look.modifier.remove(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK),
                23 | 24 | 27 | 28 | 29 => look.modifier.remove(bit(n)),
                30..=37 => look.fg = short(n - 30),
                90..=97 => look.fg = short(n - 90 + 8),
                40..=47 => look.bg = short(n - 40),
                100..=107 => look.bg = short(n - 100 + 8),
                38 => look.fg = colour(),
                48 => look.bg = colour(),
                58 => {
                    // A terminal that does not know 58 could read what
                    // follows it as attributes: it must be alone.
                    assert!(params.starts_with("58;"), "the underline colour follows others in {params:?}");
                    look.underline = colour();
                    assert!(nums.next().is_none(), "the underline colour is followed in {params:?}");
                }
                39 => look.fg = Color::Reset,
                49 => look.bg = Color::Reset,
                59 => look.underline = Color::Reset,
                _ => panic!("the test terminal does not know SGR {n} in {params:?}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_moves_styles_and_wide_text() {
        let mut s = Screen::new(6, 2);
        s.feed("\x1b[2;2H香\x1b[1;2;38;5;1mx\x1b[22;48;2;1;2;3my\x1b[0m\x1b[?25l".as_bytes());
        assert_eq!(s.cells[1][1].0, "香");
        assert_eq!(s.cells[1][2].0, "");
        let x = s.cells[1][3].1;
        assert_eq!((x.modifier, x.fg), (Modifier::BOLD | Modifier::DIM, Color::Indexed(1)));
        let y = s.cells[1][4].1;
        assert_eq!((y.modifier, y.fg, y.bg), (Modifier::empty(), Color::Indexed(1), Color::Rgb(1, 2, 3)));
        assert_eq!((s.look, s.shown, s.cursor), (Look::PLAIN, false, (5, 1)));
    }

    #[test]
    fn scrolls_a_region_up_and_down() {
        let mut s = Screen::new(1, 4);
        s.feed(b"\x1b[1;1Ha\x1b[2;1Hb\x1b[3;1Hc\x1b[4;1Hd");
        let column = |s: &Screen| s.cells.iter().map(|r| r[0].0.clone()).collect::<String>();
        // An index on the region's last row: its rows up, in the background in force.
        s.feed(b"\x1b[48;5;1m\x1b[2;3r\x1b[3;1H\x1bD\x1b[r\x1b[0m");
        assert_eq!(
            (column(&s), s.cells[2][0].1.bg, s.cursor),
            ("ac d".to_owned(), Color::Indexed(1), (0, 0))
        );
        // A reverse index on its first row: down.
        s.feed(b"\x1b[2;3r\x1b[2;1H\x1bM\x1b[r");
        assert_eq!((column(&s), s.cells[1][0].1.bg), ("a cd".to_owned(), Color::Reset));
        // Elsewhere they only move the cursor.
        s.feed(b"\x1b[1;1H\x1bD\x1bDx\x1b[3;1H\x1bMy");
        assert_eq!(column(&s), "ayxd");
    }

    #[test]
    #[should_panic(expected = "does not know SGR 53")]
    fn refuses_what_it_does_not_know() {
        Screen::new(2, 1).feed(b"\x1b[53m");
    }
}
