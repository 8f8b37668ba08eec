//! What a line of text looks like in a terminal, without a terminal: the
//! display form of every grapheme (tabs expanded to 8-column stops, control
//! characters as visible symbols) and word wrapping at a width.
//!
//! Control characters and bidi overrides never reach the terminal raw: a file
//! must not be able to change the terminal's title, colours or screen. C0
//! controls become Unicode Control Pictures (`␛` for ESC), DEL becomes `␡`,
//! and C1 controls and bidi formatting characters become `�`.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Columns between tab stops.
pub const TAB_STOP: usize = 8;

/// How one grapheme is drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell<'a> {
    /// What to draw: the grapheme itself, spaces for a tab, or a symbol.
    pub symbol: Cow<'a, str>,
    /// Columns it takes.
    pub width: usize,
    /// Whether it stands for a control character (styled differently).
    pub control: bool,
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn control_picture(c: char) -> char {
    match c {
        '\u{0}'..='\u{1F}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
        '\u{7F}' => '\u{2421}',
        _ => '\u{FFFD}',
    }
}

/// Whether `c` is a grapheme and one cell on its own wherever it stands:
/// printable ASCII, the Latin-1 and Latin Extended letters and signs, and
/// general punctuation (curly quotes, dashes, the ellipsis). A row of such
/// characters needs no grapheme or width work: one character, one cell.
/// (Soft hyphen, combining marks, spacing modifiers and the zero-width and
/// bidi marks of U+200B–U+200F are outside.)
pub fn simple_char(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{a1}'..='\u{ac}' | '\u{ae}'..='\u{2af}' | '\u{2010}'..='\u{2027}')
}

/// The display form of grapheme `g` when it starts at column `col`.
pub fn display_cell(g: &str, col: usize) -> Cell<'_> {
    if let [b' '..=b'~'] = g.as_bytes() {
        return Cell { symbol: Cow::Borrowed(g), width: 1, control: false };
    }
    if g == "\t" {
        let width = TAB_STOP - col % TAB_STOP;
        return Cell { symbol: Cow::Owned(" ".repeat(width)), width, control: false };
    }
    if g.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        let symbol: String =
            g.chars().filter(|&c| c.is_control() || is_bidi_control(c)).map(control_picture).collect();
        let width = symbol.chars().count();
        return Cell { symbol: Cow::Owned(symbol), width, control: true };
    }
    Cell { symbol: Cow::Borrowed(g), width: g.width(), control: false }
}

/// One visual row: a byte range of the text and the columns it fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// First byte of the row.
    pub start: usize,
    /// Byte after the row (the next row's start, or the line content's end).
    pub end: usize,
}

/// Characters a row must not start with (closing punctuation, small kana).
const NO_BREAK_BEFORE: &str =
    "、。，．：；？！）］｝〉》」』】〕〗’”・ー々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ";
/// Characters a row must not end with (opening brackets).
const NO_BREAK_AFTER: &str = "（［｛〈《「『【〔〖‘“";

fn first_char_in(g: &str, set: &str) -> bool {
    g.chars().next().is_some_and(|c| set.contains(c))
}

/// The graphemes of `s` with their byte offsets, as
/// `s.grapheme_indices(true)` gives them, but without running the
/// segmentation over ASCII: an ASCII byte followed by another ASCII byte (or
/// the end) is a grapheme of its own, except CR before LF.
pub fn graphemes(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        let b = *bytes.get(i)?;
        let next = bytes.get(i + 1);
        let len = if b.is_ascii() && next.is_none_or(|n| n.is_ascii() && !(b == b'\r' && *n == b'\n')) {
            1
        } else {
            s[i..].graphemes(true).next().map_or(1, str::len)
        };
        let at = i;
        i += len;
        Some((at, &s[at..i]))
    })
}

/// Word-wrap one line's content (`content` starts at byte `base` of the text)
/// into rows of at most `width` columns. An empty line is one empty row.
/// Breaks after white space, and between wide (CJK) characters except before
/// closing punctuation or after opening brackets; a word longer than the row
/// is cut at a grapheme boundary. White space at a break hangs past the edge.
pub fn wrap_line(content: &str, base: usize, width: usize) -> Vec<Row> {
    let width = width.max(1);
    if content.bytes().all(|b| matches!(b, b' '..=b'~')) {
        return wrap_ascii(content.as_bytes(), base, width);
    }
    wrap_graphemes(content, base, width)
}

/// [`wrap_line`] of printable ASCII: a byte a column, breaks after spaces.
fn wrap_ascii(content: &[u8], base: usize, width: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    let (mut row_start, mut last_break) = (0, None);
    for (i, &b) in content.iter().enumerate() {
        if b != b' ' && i - row_start >= width {
            // A break is always past the row's start: it is forgotten at a cut.
            let cut = last_break.unwrap_or(i);
            rows.push(Row { start: base + row_start, end: base + cut });
            row_start = cut;
            last_break = None;
        }
        if b == b' ' {
            last_break = Some(i + 1);
        }
    }
    rows.push(Row { start: base + row_start, end: base + content.len() });
    rows
}

/// [`wrap_line`] grapheme by grapheme.
fn wrap_graphemes(content: &str, base: usize, width: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut row_start = 0;
    let mut col = 0;
    let mut last_break: Option<usize> = None; // a byte where the row may end
    let mut prev_wide = false;
    let mut prev_opening = false;
    for (i, g) in graphemes(content) {
        // Printable ASCII (most text): one column, no tab stop, in neither
        // set of characters that keep a break away.
        let ascii = matches!(g.as_bytes(), [b' '..=b'~']);
        let w = if ascii { 1 } else { display_cell(g, col).width };
        let is_space = if ascii { g == " " } else { g.chars().all(char::is_whitespace) };
        let wide = w >= 2;
        if i > row_start && (wide || prev_wide) && !prev_opening && !first_char_in(g, NO_BREAK_BEFORE) {
            last_break = Some(i);
        }
        if col + w > width && !is_space && col > 0 {
            let cut = match last_break {
                Some(b) if b > row_start => b,
                _ => i,
            };
            rows.push(Row { start: base + row_start, end: base + cut });
            row_start = cut;
            last_break = None;
            // Tabs after the cut sit at other columns now: re-measure the rest.
            col = measure(&content[row_start..i]);
        }
        col += if ascii { 1 } else { display_cell(g, col).width };
        if is_space {
            last_break = Some(i + g.len());
        }
        prev_wide = wide;
        prev_opening = !ascii && first_char_in(g, NO_BREAK_AFTER);
    }
    rows.push(Row { start: base + row_start, end: base + content.len() });
    rows
}

/// A grapheme placed on a screen row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed<'a> {
    /// Its first byte in the text.
    pub byte: usize,
    /// Its first column in the row.
    pub col: usize,
    /// How it is drawn.
    pub cell: Cell<'a>,
}

/// Bidi_Mirrored pairs: shown swapped inside right-to-left runs.
const MIRRORED: [(&str, &str); 9] = [
    ("(", ")"),
    ("[", "]"),
    ("{", "}"),
    ("<", ">"),
    ("«", "»"),
    ("‹", "›"),
    ("⟨", "⟩"),
    ("〈", "〉"),
    ("⁅", "⁆"),
];

fn mirror(g: &str) -> Option<&'static str> {
    MIRRORED.iter().find_map(|&(a, b)| match g {
        _ if g == a => Some(b),
        _ if g == b => Some(a),
        _ => None,
    })
}

/// Whether `s` holds right-to-left script (Hebrew, Arabic, …): its line is
/// then laid out with the bidirectional algorithm.
pub fn has_rtl(s: &str) -> bool {
    use unicode_bidi::{BidiClass, bidi_class};
    // Every character from U+0590 on starts with a byte of 0xD6 or more.
    s.bytes().any(|b| b >= 0xD6)
        && s.chars().any(|c| c >= '\u{590}' && matches!(bidi_class(c), BidiClass::R | BidiClass::AL))
}

/// Lay out one row of a line: every grapheme with its column, in visual order.
/// `line` is the line's content and `base` its first byte in the text; `row`
/// is a row of that line. Left-to-right text is placed as it comes; a line
/// holding right-to-left script (Arabic, Hebrew) is reordered with the
/// Unicode Bidirectional Algorithm, and a right-to-left paragraph is aligned
/// to the right edge of `width`.
pub fn layout_row<'a>(line: &'a str, base: usize, row: Row, width: usize) -> Vec<Placed<'a>> {
    let rel = row.start - base..row.end - base;
    // (byte in the line, grapheme, inside a right-to-left run), in visual order.
    let mut order: Vec<(usize, &'a str, bool)> = Vec::new();
    let mut right_aligned = false;
    if has_rtl(line) {
        let info = unicode_bidi::ParagraphBidiInfo::new(line, None);
        right_aligned = info.paragraph_level.is_rtl();
        let (levels, runs) = info.visual_runs(rel.clone());
        for run in runs {
            let rtl = levels[run.start].is_rtl();
            let graphemes: Vec<(usize, &str, bool)> =
                line[run.clone()].grapheme_indices(true).map(|(i, g)| (run.start + i, g, rtl)).collect();
            if rtl {
                order.extend(graphemes.into_iter().rev());
            } else {
                order.extend(graphemes);
            }
        }
    } else {
        order.extend(graphemes(&line[rel]).map(|(i, g)| (row.start - base + i, g, false)));
    }
    let mut placed = Vec::with_capacity(order.len());
    let mut col = 0;
    for (i, g, rtl) in order {
        let g = if rtl { mirror(g).unwrap_or(g) } else { g };
        let cell = display_cell(g, col);
        let w = cell.width;
        placed.push(Placed { byte: base + i, col, cell });
        col += w;
    }
    if right_aligned {
        // Trailing white space hangs off the left edge of a right-to-left row.
        let used =
            placed.iter().filter(|p| !p.cell.symbol.trim().is_empty()).map(|p| p.col + p.cell.width).max();
        let shift = width.saturating_sub(used.unwrap_or(0));
        for p in &mut placed {
            p.col += shift;
        }
    }
    placed
}

/// The column of the grapheme at `byte` in a laid-out row.
pub fn col_of(placed: &[Placed], byte: usize) -> Option<usize> {
    placed.iter().find(|p| p.byte == byte).map(|p| p.col)
}

/// The grapheme under column `col` (or the nearest one) in a laid-out row.
pub fn byte_at(placed: &[Placed], col: usize) -> Option<usize> {
    placed
        .iter()
        .find(|p| col >= p.col && col < p.col + p.cell.width.max(1))
        .or_else(|| placed.iter().min_by_key(|p| p.col.abs_diff(col)))
        .map(|p| p.byte)
}

/// Columns taken by `s` starting at column 0.
pub fn measure(s: &str) -> usize {
    let mut col = 0;
    for (_, g) in graphemes(s) {
        col += display_cell(g, col).width;
    }
    col
}

/// Which row of `rows` holds byte `b` (the last row for the line's end).
pub fn row_of(rows: &[Row], b: usize) -> usize {
    rows.iter().rposition(|r| r.start <= b).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_characters_are_one_grapheme_and_one_cell_wherever_they_stand() {
        let simple: Vec<char> =
            (0..0x3000u32).filter_map(char::from_u32).filter(|&c| simple_char(c)).collect();
        assert_eq!(simple.len(), 95 + 12 + 514 + 24);
        for &c in &simple {
            let s = c.to_string();
            let cell = display_cell(&s, 3);
            assert_eq!((cell.symbol.as_ref(), cell.width, cell.control), (s.as_str(), 1, false), "{c:?}");
            for other in ['a', 'é', '“', ' ', c] {
                let pair = format!("{other}{c}");
                let split: Vec<&str> = pair.graphemes(true).collect();
                assert_eq!(split.len(), 2, "{c:?} joins {other:?} into one grapheme");
            }
        }
    }

    #[test]
    fn fast_graphemes_agree_with_unicode_segmentation() {
        let mut texts: Vec<String> = [
            "plain ascii\tline",
            "a\r\nb\rc\n",
            "e\u{301}x\u{308}y Jose\u{301}",
            "🇮🇩🇯🇵x🇮",
            "👩‍👩‍👧 ok",
            "각각 한국어 ᄀᄀ",
            "“quoted” ’tis",
            "ascii then \u{300} a mark at the start of a run",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/news");
        texts.extend(
            std::fs::read_dir(dir).unwrap().map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()),
        );
        for t in &texts {
            let fast: Vec<(usize, &str)> = graphemes(t).collect();
            let slow: Vec<(usize, &str)> = t.grapheme_indices(true).collect();
            assert_eq!(fast, slow, "{t:?}");
        }
    }

    proptest::proptest! {
        /// Printable ASCII wraps byte by byte as it does grapheme by grapheme.
        #[test]
        fn ascii_wraps_as_graphemes_do(text in "[a-c .,-]{0,60}", width in 1usize..20) {
            proptest::prop_assert_eq!(wrap_ascii(text.as_bytes(), 7, width), wrap_graphemes(&text, 7, width));
        }
    }

    fn texts<'a>(s: &'a str, rows: &[Row]) -> Vec<&'a str> {
        rows.iter().map(|r| &s[r.start..r.end]).collect()
    }

    #[test]
    fn wraps_at_spaces_and_cuts_long_words() {
        let s = "Mark Zuckerberg dan eksekutif";
        assert_eq!(texts(s, &wrap_line(s, 0, 16)), ["Mark Zuckerberg ", "dan eksekutif"]);
        assert_eq!(texts(s, &wrap_line(s, 0, 12)), ["Mark ", "Zuckerberg ", "dan ", "eksekutif"]);
        let url = "https://example.com/a/very/long/path";
        let rows = wrap_line(url, 0, 10);
        assert!(rows.iter().all(|r| measure(&url[r.start..r.end]) <= 10));
        assert_eq!(texts(url, &rows).concat(), url);
    }

    #[test]
    fn wide_characters_never_split_across_the_edge() {
        let s = "香港特首梁振英";
        let rows = wrap_line(s, 0, 5);
        assert_eq!(texts(s, &rows), ["香港", "特首", "梁振", "英"]);
    }

    #[test]
    fn japanese_breaks_between_characters_but_not_before_closing_punctuation() {
        let s = "【6月18日 AFP】ナイジェリア北東部ボルノ州で16日夜、攻撃が起きた。その他";
        let rows = wrap_line(s, 0, 20);
        let t = texts(s, &rows);
        assert!(t[0].starts_with("【6月18日 AFP】ナイ"), "{t:?}");
        for r in &t {
            assert!(measure(r) <= 20, "{t:?}");
            assert!(!r.starts_with(['。', '、', '」']), "{t:?}");
            assert!(!r.ends_with('【'), "{t:?}");
        }
        assert_eq!(t.concat(), s);
    }

    #[test]
    fn arabic_rows_read_right_to_left_and_align_right() {
        let line = "قال المرصد 2013 السوري";
        let rows = wrap_line(line, 0, 40);
        let placed = layout_row(line, 0, rows[0], 40);
        let shown: String = placed.iter().map(|p| p.cell.symbol.as_ref()).collect();
        // Visual order: the last word first (leftmost), digits stay left to right.
        assert!(shown.starts_with("يروسلا 2013 دصرملا"), "{shown}");
        let with_parens = "دمشق (CNN) سوريا";
        let p = layout_row(with_parens, 0, wrap_line(with_parens, 0, 40)[0], 40);
        let shown: String = p.iter().map(|p| p.cell.symbol.as_ref()).collect();
        assert!(shown.contains("(CNN)"), "brackets are mirrored in right-to-left runs: {shown}");
        assert_eq!(placed.iter().map(|p| p.col + p.cell.width).max(), Some(40), "right-aligned");
        // Every byte is still there once, and columns increase left to right.
        assert_eq!(placed.len(), line.chars().count());
        assert!(placed.windows(2).all(|w| w[0].col < w[1].col));
        let first = placed.iter().find(|p| p.byte == 0).unwrap();
        assert_eq!(byte_at(&placed, first.col), Some(0));
    }

    #[test]
    fn latin_rows_are_placed_in_order() {
        let line = "ab\tc";
        let placed = layout_row(line, 10, Row { start: 10, end: 14 }, 20);
        let cols: Vec<(usize, usize)> = placed.iter().map(|p| (p.byte, p.col)).collect();
        assert_eq!(cols, [(10, 0), (11, 1), (12, 2), (13, 8)]);
        assert_eq!(col_of(&placed, 13), Some(8));
        assert_eq!(byte_at(&placed, 5), Some(12));
        assert_eq!(byte_at(&placed, 99), Some(13));
    }

    #[test]
    fn tabs_expand_to_stops_and_controls_become_pictures() {
        assert_eq!(display_cell("\t", 0).width, 8);
        assert_eq!(display_cell("\t", 3).width, 5);
        assert_eq!(measure("ab\tc"), 9);
        let esc = display_cell("\u{1b}", 0);
        assert_eq!((esc.symbol.as_ref(), esc.control), ("␛", true));
        assert_eq!(display_cell("\u{7}", 0).symbol, "␇");
        assert_eq!(display_cell("\u{202E}", 0).symbol, "\u{FFFD}");
        assert_eq!(display_cell("\u{9B}", 0).symbol, "\u{FFFD}");
        assert_eq!(display_cell("e\u{301}", 0).width, 1);
    }

    #[test]
    fn empty_line_is_one_row_and_offsets_are_absolute() {
        assert_eq!(wrap_line("", 10, 20), vec![Row { start: 10, end: 10 }]);
        assert_eq!(wrap_line("ab cd", 100, 3), [Row { start: 100, end: 103 }, Row { start: 103, end: 105 }]);
    }
}
