//! Screen tests: `TestBackend` snapshots of the sample (insta) and cell
//! assertions for styles, tabs, control pictures and wide characters.

mod common;

use common::{Harness, SAMPLE};
use marginote::tui::render::{article::article_frame, draw};
use marginote::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

fn screen(h: &Harness, theme: &str) -> Buffer {
    let (w, hgt) = h.m.size;
    let mut term = Terminal::new(TestBackend::new(w, hgt)).unwrap();
    let theme = Theme::builtin(theme).unwrap();
    term.draw(|f| draw(f, &h.m, &theme)).unwrap();
    term.backend().buffer().clone()
}

fn text_of(buf: &Buffer) -> String {
    let area = buf.area;
    (0..area.height)
        .map(|y| {
            let mut row = String::new();
            let mut skip = 0;
            for x in 0..area.width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let sym = buf[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
                row.push_str(sym);
            }
            row.trim_end().to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Screen position of the first occurrence of `needle` on screen.
fn find(buf: &Buffer, needle: &str) -> (u16, u16) {
    for y in 0..buf.area.height {
        let mut row = String::new();
        let mut xs = Vec::new();
        for x in 0..buf.area.width {
            xs.push((row.len(), x));
            row.push_str(buf[(x, y)].symbol());
        }
        if let Some(i) = row.find(needle) {
            let x = xs.iter().rev().find(|(b, _)| *b <= i).unwrap().1;
            return (x, y);
        }
    }
    panic!("{needle:?} not on screen:\n{}", text_of(buf));
}

/// The sample with a quote holding a person, an organisation, two
/// statistics and a note; search highlights cleared.
fn annotated_sample(size: (u16, u16)) -> Harness {
    let mut h = Harness::open(SAMPLE, size);
    h.keys("/bos Facebook Mark Zuckerberg dan eksekutif<Enter>tq<Esc>");
    h.keys("/Mark Zuckerberg dan<Enter>bhhtp");
    h.keys("g/Facebook<Enter>tog/60<Enter>tsg/8.000<Enter>ts<Esc>");
    h.keys("<Tab>ga<C-u>cek angka<Enter>G<Up>s<Enter><Tab>");
    h
}

/// Screen position of the article's byte `b` (which must be on screen).
fn screen_pos(h: &Harness, b: usize) -> (u16, u16) {
    let area = h.m.panes().article.unwrap();
    let rows = h.m.visible_rows();
    let y = rows.iter().rposition(|r| r.start <= b).expect("on screen");
    let col = marginote::core::wrap::measure(&h.m.doc.article.text()[rows[y].start..b]);
    (area.x + col as u16, area.y + y as u16)
}

#[test]
fn sample_at_80x24() {
    let h = annotated_sample((80, 24));
    insta::assert_snapshot!(text_of(&screen(&h, "dark")));
}

#[test]
fn sample_at_120x40_with_sidebar_focused() {
    let mut h = annotated_sample((120, 40));
    h.keys("<Tab>j");
    insta::assert_snapshot!(text_of(&screen(&h, "dark")));
}

#[test]
fn narrow_terminal_shows_one_pane_at_a_time() {
    let mut h = annotated_sample((50, 16));
    insta::assert_snapshot!("narrow_article", text_of(&screen(&h, "dark")));
    h.keys("<Tab>");
    insta::assert_snapshot!("narrow_sidebar", text_of(&screen(&h, "dark")));
}

#[test]
fn tag_menu_speaker_picker_and_help() {
    let mut h = annotated_sample((80, 24));
    h.keys("g/Nick Clegg<Enter>t");
    insta::assert_snapshot!("tag_menu", text_of(&screen(&h, "dark")));
    h.keys("p/menuntut mereka<Enter>tq");
    insta::assert_snapshot!("speaker_picker", text_of(&screen(&h, "dark")));
    h.keys("<Esc>?");
    insta::assert_snapshot!("help", text_of(&screen(&h, "dark")));
    let theme = Theme::builtin("dark").unwrap();
    let help: Vec<String> =
        marginote::tui::render::popup::help_lines(&h.m, &theme).iter().map(ToString::to_string).collect();
    assert!(help.iter().any(|l| l.contains("/") && l.contains("search forward")), "{help:#?}");
    assert!(help.iter().any(|l| l.contains("C-r") && l.contains("redo")), "{help:#?}");
}

#[test]
fn kinds_are_styled_by_more_than_colour() {
    let mut h = annotated_sample((120, 40));
    h.keys("<Tab>");
    for theme in Theme::builtin_names() {
        let buf = screen(&h, theme);
        let quote = SAMPLE.find("bos Facebook Mark Zuckerberg").unwrap();
        // The person inside the quote: underlined (entity) and italic (quote) at once.
        let cell = &buf[screen_pos(&h, quote + "bos Facebook ".len())];
        assert!(cell.modifier.contains(Modifier::UNDERLINED | Modifier::ITALIC), "{theme}: {cell:?}");
        let quote_only = &buf[screen_pos(&h, quote)];
        assert!(quote_only.modifier.contains(Modifier::ITALIC), "{theme}: quote is italic");
        assert!(!quote_only.modifier.contains(Modifier::UNDERLINED), "{theme}: outside the entity");
        let (x, y) = screen_pos(&h, SAMPLE.find("60 kelompok").unwrap());
        assert!(buf[(x, y)].modifier.contains(Modifier::BOLD), "{theme}: statistic is bold");
        assert!(!buf[(x + 3, y)].modifier.contains(Modifier::BOLD), "{theme}: the counted noun is not");
    }
}

#[test]
fn mono_theme_uses_no_colour_at_all() {
    let h = annotated_sample((100, 30));
    let buf = screen(&h, "mono");
    for cell in buf.content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{cell:?}");
    }
    // The selected sidebar item and the selected annotation's span stand out by reverse video.
    let (x, y) = find(&buf, " Q ");
    assert!(
        buf[(x + 4, y)].modifier.contains(Modifier::REVERSED)
            || buf[(x, y)].modifier.contains(Modifier::BOLD)
    );
}

#[test]
fn selected_annotation_is_emphasised_in_the_article() {
    let mut h = annotated_sample((100, 30));
    h.keys("<Tab>g");
    let sel = h.m.selected_annotation().unwrap().exact.clone();
    let buf = screen(&h, "dark");
    let (x, y) = find(&buf, &sel);
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED), "{:?}", buf[(x, y)]);
    h.keys("j");
    let buf = screen(&h, "dark");
    let (x, y) = find(&buf, &sel);
    assert!(!buf[(x, y)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn tabs_expand_to_eight_column_stops() {
    let h = Harness::open("a\tb\tc\n\tx\n", (80, 10));
    let buf = screen(&h, "dark");
    let x0 = h.m.panes().article.unwrap().x;
    assert_eq!(buf[(x0, 0)].symbol(), "a");
    assert_eq!(buf[(x0 + 8, 0)].symbol(), "b");
    assert_eq!(buf[(x0 + 16, 0)].symbol(), "c");
    assert_eq!(buf[(x0 + 8, 1)].symbol(), "x");
}

#[test]
fn control_characters_become_visible_pictures() {
    let text = "Title\u{1b}]2;pwned\u{7} and \u{1b}[31mred\u{1b}[0m\u{8}x \u{202e}abc\r\n";
    let h = Harness::open(text, (80, 10));
    let buf = screen(&h, "dark");
    let row = text_of(&buf).lines().next().unwrap().to_owned();
    assert!(row.contains("Title␛]2;pwned␇ and ␛[31mred␛[0m␈x \u{fffd}abc"), "{row}");
    assert!(!row.contains('\u{1b}') && !row.contains('\r'));
    let (x, y) = find(&buf, "␛");
    assert_ne!(buf[(x, y)].style(), Style::default(), "control pictures are styled apart");
}

#[test]
fn wide_characters_take_two_cells_and_wrap_whole() {
    let text = "香港特首梁振英就僭建问题道歉";
    let h = Harness::open(text, (40, 10));
    let buf = screen(&h, "dark");
    let x0 = h.m.panes().article.unwrap().x;
    assert_eq!(buf[(x0, 0)].symbol(), "香");
    assert_eq!(buf[(x0 + 2, 0)].symbol(), "港");
    // The narrow layout gives the article 38 columns: 19 ideographs fit; all 14 on one row.
    assert!(text_of(&buf).lines().next().unwrap().contains("香港特首梁振英就僭建问题道歉"));
    let h = Harness::open(&text.repeat(3), (40, 10));
    let rows: Vec<String> = text_of(&screen(&h, "dark")).lines().take(3).map(str::to_owned).collect();
    assert!(rows.iter().all(|r| r.trim().chars().count() == 19 || r.trim().chars().count() == 4), "{rows:?}");
}

#[test]
fn article_lines_are_plain_data() {
    let mut h = Harness::open("Meta dan Facebook.\n", (80, 10));
    h.keys("/Meta<Enter>to<Esc><Tab><Tab>");
    let theme = Theme::builtin("mono").unwrap();
    let frame = article_frame(&h.m, &theme);
    let entity =
        theme.style(marginote::tui::theme::Role::AnnotationEntity).add_modifier(Modifier::UNDERLINED);
    let selected = entity.patch(theme.style(marginote::tui::theme::Role::AnnotationSelected));
    assert_eq!(
        *frame.lines[0],
        Line::from(vec![Span::styled("Meta", selected), Span::raw(" dan Facebook.")])
    );
    assert_eq!(frame.cursor, Some((3, 0)), "on the last grapheme of the match");
}

/// An entity inside a quote that starts where it does: the quote (the
/// outer span) is painted first, the entity over it, on every row.
#[test]
fn inner_spans_paint_over_outer_ones() {
    use marginote::tui::theme::Role;
    let mut h = Harness::open("Meta said it would act on the report.\n", (80, 10));
    h.keys("/Meta said it would act<Enter>tq<Enter>/Meta<Enter>to<Esc><Tab>");
    let theme = Theme::builtin("dark").unwrap();
    let (quote, entity) = (theme.style(Role::AnnotationQuote), theme.style(Role::AnnotationEntity));
    assert_ne!(quote.fg, entity.fg, "the test needs two colours");
    let frame = article_frame(&h.m, &theme);
    let spans = &frame.lines[0].spans;
    let at = |text: &str| spans.iter().find(|s| s.content.starts_with(text)).unwrap().style;
    assert_eq!(at("Meta").fg, entity.fg, "{spans:?}");
    assert!(at("Meta").add_modifier.contains(Modifier::ITALIC | Modifier::UNDERLINED), "{spans:?}");
    assert_eq!(at(" said").fg, quote.fg, "{spans:?}");
}

#[test]
fn a_long_message_takes_the_place_of_the_details() {
    let mut h = Harness::open(SAMPLE, (80, 24));
    let msg = "Sample article copied to /home/someone/.local/share/marginote/x.txt";
    h.m.message = Some((msg.into(), marginote::tui::model::Level::Info));
    let shown = text_of(&screen(&h, "dark"));
    let status = shown.lines().last().unwrap();
    assert!(status.contains(msg), "{status}");
    h.m.message = Some(("Saved".into(), marginote::tui::model::Level::Info));
    let shown = text_of(&screen(&h, "dark"));
    assert!(shown.lines().last().unwrap().contains("sample.txt"), "short messages keep the details");
}

#[test]
fn suggestions_are_dimmed_and_listed_with_their_context() {
    let mut h = Harness::open(SAMPLE, (100, 30));
    h.suggest();
    h.keys("x");
    let text = text_of(&screen(&h, "dark"));
    assert!(text.contains("Counting: y accept"), "{text}");
    h.count();
    let buf = screen(&h, "dark");
    let text = text_of(&buf);
    assert!(text.contains("┌ Suggestions"), "{text}");
    let n = h.pending().len();
    assert!(text.contains(&format!("{n} left: y accept · Y all of this text · n turn down")), "{text}");
    assert!(
        text.contains(" S statistic    …ernet, Facebook Tak Bertindak Melawan 8.000 Kejahatan Seks Anak"),
        "{text}"
    );
    // In the article, a suggestion not selected is dimmed and underlined.
    let (x, y) = find(&buf, "Sementara Facebook");
    let cell = &buf[(x + "Sementara ".len() as u16, y)];
    assert_eq!(cell.symbol(), "F");
    assert!(
        cell.modifier.contains(Modifier::DIM) && cell.modifier.contains(Modifier::UNDERLINED),
        "{cell:?}"
    );
}

#[test]
fn latin_rows_of_a_right_to_left_paragraph_are_still_laid_out_right_to_left() {
    // A paragraph that opens in Arabic is right-to-left, and its rows are
    // aligned to the right even when a row holds only Latin text.
    let text =
        "قال المتحدث باسم الشركة إن hello world this row is latin only and long enough to wrap twice over";
    let h = Harness::open(text, (60, 10));
    let buf = screen(&h, "dark");
    let shown = text_of(&buf);
    let rows: Vec<&str> = shown.lines().take(3).collect();
    let arabic = |c: char| ('\u{600}'..='\u{6ff}').contains(&c);
    let latin_row =
        rows.iter().find(|r| !r.contains(arabic)).unwrap_or_else(|| panic!("no Latin row in {rows:?}"));
    let latin_row = latin_row.split('│').next().unwrap();
    let frame = article_frame(&h.m, &Theme::builtin("dark").unwrap());
    let article_width = frame.lines.iter().map(|l| l.width()).max().unwrap();
    let latin_line = frame.lines.iter().find(|l| l.to_string().trim() == latin_row.trim()).unwrap();
    assert_eq!(latin_line.width(), article_width, "right-aligned: {rows:?}");
    assert!(latin_line.to_string().starts_with(' '), "{rows:?}");
}

#[test]
fn index_and_filtered_sidebar_at_80x24() {
    let mut h = annotated_sample((80, 24));
    h.keys("<Tab>gcjc<Tab>i");
    insta::assert_snapshot!("index_view", text_of(&screen(&h, "dark")));
    h.keys("<Esc><Tab>ff");
    insta::assert_snapshot!("sidebar_filtered_to_entities", text_of(&screen(&h, "dark")));
    // The review marks take the theme's roles.
    let buf = screen(&h, "dark");
    let theme = Theme::builtin("dark").unwrap();
    let verified = theme.style(marginote::tui::theme::Role::ReviewVerified);
    let (x, y) = find(&buf, "✓");
    assert_eq!(buf[(x, y)].fg, verified.fg.unwrap());
}

#[test]
fn a_one_column_terminal_draws_without_panicking() {
    let mut h = annotated_sample((80, 24));
    h.keys("<Tab>");
    for (w, hgt) in [(1, 10), (0, 5), (2, 1), (1, 1)] {
        h.input(marginote::tui::update::Input::Resize(w, hgt));
        let _ = screen(&h, "dark");
    }
}

/// A terminal as a buffer: what the painter's cells do to a screen (a wide
/// character covers the cell after it).
struct Shadow {
    buf: Buffer,
    cursor: Option<(u16, u16)>,
    /// How many times rows were moved.
    scrolls: usize,
}

impl marginote::tui::painter::Sink for Shadow {
    fn clear(&mut self) {
        self.buf.reset();
    }

    fn scroll(&mut self, (top, bottom): (u16, u16), by: i16) {
        self.scrolls += 1;
        let width = self.buf.area.width;
        let rows: Vec<Vec<_>> =
            (top..bottom).map(|y| (0..width).map(|x| self.buf[(x, y)].clone()).collect()).collect();
        for (k, y) in (top..bottom).enumerate() {
            let from = k.checked_add_signed(isize::from(by)).filter(|&f| f < rows.len());
            for x in 0..width {
                match from {
                    Some(f) => self.buf[(x, y)] = rows[f][usize::from(x)].clone(),
                    None => self.buf[(x, y)].reset(),
                }
            }
        }
    }

    fn run(&mut self, x: u16, y: u16, run: marginote::tui::render::Run, style: Style) {
        run.each(|k, symbol, width| {
            let x = x + k as u16;
            let cell = &mut self.buf[(x, y)];
            cell.reset();
            cell.set_symbol(symbol).set_style(style);
            for dx in 1..width as u16 {
                self.buf[(x + dx, y)].reset();
            }
        });
    }

    fn cursor(&mut self, at: Option<(u16, u16)>) {
        self.cursor = at;
    }
}

/// A buffer as a person sees it: blanks with no background and nothing
/// drawn across them look alike (the painter leaves a cleared screen's
/// blanks where a row's padding goes).
fn seen(buf: &Buffer) -> Buffer {
    let drawn = Modifier::REVERSED | Modifier::UNDERLINED | Modifier::CROSSED_OUT;
    let mut b = buf.clone();
    for c in &mut b.content {
        if c.symbol() == " " && c.bg == Color::Reset && !c.modifier.intersects(drawn) {
            c.reset();
        }
    }
    b
}

/// Key by key, the rows the painter writes leave the screen as ratatui
/// draws the frame (cells, styles and cursor), in four scripts, each in one
/// of the four themes, through scrolling (one-line scrolls have the
/// terminal move the rows), selecting, searching, the sidebar, resizes and
/// popups (left to ratatui: the painter paints whole after them), with the
/// memo the app composes with.
#[test]
fn the_painter_leaves_the_screen_as_draw_does() {
    use marginote::tui::painter::Painter;
    use marginote::tui::render::{Memo, compose_with, overlaid};
    use marginote::tui::update::Input;

    let steps: &[&str] = &[
        "",
        "<PageDown>",
        "<PageDown>",
        "jjj",
        "<C-e>",
        "<C-e>",
        "<C-y>",
        "<C-e><C-e>",
        "<C-y><C-y><C-y>",
        "<C-e><C-e><C-e><C-e>",
        "vllllw",
        "<Esc>",
        "/a<Enter>",
        "nn",
        "<Esc>",
        "G",
        "<PageUp>",
        "gg",
        "vwwt",
        "o",
        "<Tab>",
        "j",
        "c",
        "resize 50x16",
        "<Tab>",
        "<PageDown>",
        "?",
        "<Esc>",
        "resize 120x30",
        "<Tab>",
        "fff",
        "X",
        "/zz",
        "<BS><BS>",
        "<Esc>",
        "i",
        "<Esc>",
        "<Tab>",
        "M",
    ];
    let mut scrolls = Vec::new();
    for (theme, article) in ["dark", "light", "high-contrast", "mono"].into_iter().zip([
        SAMPLE.to_owned(),
        common::corpus("news/ar-cnn-arabic-syria-damascus.txt"),
        common::corpus("news/ja-afpbb-nigeria-boko-haram.txt"),
        common::corpus("news/zh-hongkong-leung-chun-ying-apology.txt"),
    ]) {
        let theme = Theme::builtin(theme).unwrap();
        let mut h = Harness::open(&article, (80, 24));
        let mut painter = Painter::default();
        let mut memo = Memo::default();
        let mut shadow =
            Shadow { buf: Buffer::empty(ratatui::layout::Rect::new(0, 0, 80, 24)), cursor: None, scrolls: 0 };
        for step in steps {
            if let Some(size) = step.strip_prefix("resize ") {
                let (w, hgt) = size.split_once('x').unwrap();
                let (w, hgt) = (w.parse().unwrap(), hgt.parse().unwrap());
                h.input(Input::Resize(w, hgt));
                shadow.buf = Buffer::empty(ratatui::layout::Rect::new(0, 0, w, hgt));
                painter.invalidate();
            } else {
                h.keys(step);
            }
            if overlaid(&h.m) {
                painter.invalidate();
                continue;
            }
            painter.paint(compose_with(&h.m, &theme, &mut memo), &mut shadow);
            let (w, hgt) = h.m.size;
            let mut term = Terminal::new(TestBackend::new(w, hgt)).unwrap();
            term.draw(|f| draw(f, &h.m, &theme)).unwrap();
            assert_eq!(seen(&shadow.buf), seen(term.backend().buffer()), "after {step:?}");
            if let Some((x, y)) = shadow.cursor {
                assert_eq!(term.get_cursor_position().unwrap(), (x, y).into(), "cursor after {step:?}");
            }
        }
        scrolls.push(shadow.scrolls);
    }
    // Rows were moved by the terminal, not only written: in the sample at
    // each one-line scroll (the Japanese and Chinese articles are short
    // enough that a move spares less than the sidebar's rows cost).
    assert!(scrolls[0] >= 5 && scrolls.iter().sum::<usize>() >= 7, "{scrolls:?}");
}

/// Key by key, with what the app looks up ahead while idle
/// (`Model::prepare`), the frame is the one composed by a copy of the model
/// that looked nothing up (a copy starts without): through scrolling a
/// page and a line, jumps to both ends, tagging (the tagged text is then
/// suggested elsewhere), turning a suggestion down, and undo.
#[test]
fn what_is_looked_up_ahead_draws_what_a_lookup_draws() {
    use marginote::tui::render::compose;

    let theme = Theme::builtin("dark").unwrap();
    let text = format!("{SAMPLE}\n\n{SAMPLE}\n\n{SAMPLE}");
    let mut h = Harness::open(&text, (90, 20));
    h.suggest();
    for keys in
        ["<PageDown>", "<C-e>", "<C-e>", "G", "gg", "/Meta<Enter>to", "<PageDown><C-e>", "x", "u", "u"]
    {
        for key in common::parse_keys(keys) {
            h.m.prepare();
            h.input(marginote::tui::update::Input::Key(key));
            let fresh = h.m.clone();
            assert_eq!(compose(&h.m, &theme), compose(&fresh, &theme), "{key:?} of {keys:?}");
        }
    }
}

/// A move of the sidebar's selection draws again only the rows it moves
/// between; the other annotations' rows are the last frame's.
#[test]
fn a_move_in_the_sidebar_draws_again_only_its_two_rows() {
    use marginote::tui::render::{Memo, compose, compose_with};
    use std::rc::Rc;

    let theme = Theme::builtin("dark").unwrap();
    let mut h = Harness::open(SAMPLE, (100, 30));
    h.keys("/Mark Zuckerberg<Enter>tp/Nick Clegg<Enter>tp/Facebook<Enter>to<Tab>g");
    let mut memo = Memo::default();
    let sidebar = |c: &marginote::tui::render::Composed| Rc::clone(&c.parts[1].lines);
    let before = sidebar(&compose_with(&h.m, &theme, &mut memo));
    h.keys("j");
    let frame = compose_with(&h.m, &theme, &mut memo);
    assert_eq!(frame, compose(&h.m, &theme));
    let after = sidebar(&frame);
    // Row 0 is the border with the title; rows 1-3 the three annotations.
    let kept: Vec<bool> = (1..=3).map(|k| Rc::ptr_eq(&before[k], &after[k])).collect();
    assert_eq!(kept, [false, false, true], "{:?}", after.iter().map(|l| l.to_string()).collect::<Vec<_>>());
}

/// Key by key, a frame composed with the memo (which keeps the sidebar
/// and the article's rows while their inputs stay) equals one composed
/// from nothing: through tagging, notes, statuses, deleting, undo and
/// redo, filters, the sidebar's focus and scrolling, suggestions, resizes,
/// the reviewed mark, another theme, a second document (a folder's next
/// article), the review after the article changed, and a third document
/// whose rows fall where the last one's did.
#[test]
fn the_memo_never_keeps_a_stale_sidebar() {
    use marginote::tui::render::{Memo, compose, compose_with};
    use marginote::tui::update::Input;

    let theme = Theme::builtin("dark").unwrap();
    let mut memo = Memo::default();
    let mut check = |h: &mut Harness, keys: &str| {
        if let Some(name) = keys.strip_prefix("theme ") {
            let other = Theme::builtin(name).unwrap();
            assert_eq!(compose_with(&h.m, &other, &mut memo), compose(&h.m, &other), "in {name}");
            return;
        }
        if let Some(size) = keys.strip_prefix("resize ") {
            let (w, hgt) = size.split_once('x').unwrap();
            h.input(Input::Resize(w.parse().unwrap(), hgt.parse().unwrap()));
            assert_eq!(compose_with(&h.m, &theme, &mut memo), compose(&h.m, &theme), "after {keys}");
            return;
        }
        for key in common::parse_keys(keys) {
            h.input(Input::Key(key));
            assert_eq!(compose_with(&h.m, &theme, &mut memo), compose(&h.m, &theme), "{key:?} of {keys:?}");
        }
        assert_eq!(compose_with(&h.m, &theme, &mut memo), compose(&h.m, &theme), "after {keys:?}");
    };
    let mut h = Harness::open(SAMPLE, (100, 30));
    h.suggest();
    for keys in [
        "",
        "/Mark Zuckerberg<Enter>tp",
        "/Nick Clegg<Enter>tp",
        "/dalam penyangkalan<Enter>tq<Enter>",
        "g/8.000<Enter>ts",
        "<PageDown>jj<C-e>G",
        "ggjjlllM",
        "<C-e>jM<C-y>",
        "M",
        "/dan<Enter>",
        "theme mono",
        "",
        "theme light",
        "<Esc>",
        "<Tab>jjkcc",
        "a<C-u>cek<Enter>",
        "Sx<Enter>",
        ">>.",
        "ffF",
        "X",
        // The quote alone passes; then only the filter changes, twice.
        "/penyangkalan<Enter>",
        "X",
        "f",
        "X",
        "s<Esc>",
        "jd",
        "u<C-r>u",
        "G<Enter>",
        "resize 50x16",
        "<Tab><Tab>",
        "resize 120x40",
        "resize 100x30",
        "x",
        "y",
        "xn",
        "<Esc>i<Esc>",
        "*",
    ] {
        check(&mut h, keys);
    }

    // The article changes on disk and opens again, as a folder's next
    // article does, with the same memo: the review list comes and goes.
    let edited =
        format!("BERITA TERBARU: paragraf baru.\n\n{}", SAMPLE.replace("Nick Clegg", "Nicholas Clegg"));
    std::fs::write(&h.article, edited).unwrap();
    let (dir, article) = (h.dir, h.article);
    let mut h = Harness::reopen_anchoring(dir, article, (100, 30));
    check(&mut h, "");
    // The review list arrives from the background alone (the annotations stay).
    let placements = h.m.doc.reanchor().unwrap();
    h.input(Input::Anchored(placements));
    assert!(!h.m.review.is_empty(), "the changed article has something to review");
    for keys in ["", "R", "a", "<Esc>", "<Tab>j", "RA", "<Esc>", "u"] {
        check(&mut h, keys);
    }

    // Another text of the same length, lines and words: the same rows, and
    // no annotations either way; only the letters differ.
    let mut h = Harness::open(&SAMPLE.replace('a', "o"), (100, 30));
    check(&mut h, "");
    let mut h = Harness::open(SAMPLE, (100, 30));
    check(&mut h, "");
}
