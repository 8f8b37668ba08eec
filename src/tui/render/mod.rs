//! Drawing: every function here reads the model and writes to a frame; none
//! changes state. The line builders (`article_frame`, `sidebar_lines`,
//! `status_line`, …) are pure and tested with `assert_eq!` on their output.

pub mod article;
pub mod popup;
pub mod sidebar;
pub mod status;

use std::borrow::Cow;
use std::rc::Rc;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use unicode_width::UnicodeWidthStr;

use crate::core::wrap::{graphemes, simple_char};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::model::{Focus, Mode, Model};
use super::theme::{Role, Theme};

/// The screen under any popup, as lines: each part an area and its lines,
/// and where the cursor is. [`draw`] puts the parts into a frame's cells;
/// the app's painter ([`super::painter`]) writes the rows that changed
/// straight to the terminal.
#[derive(Debug, Clone, PartialEq)]
pub struct Composed {
    pub parts: Vec<Part>,
    pub cursor: Option<(u16, u16)>,
}

/// One part of the screen: its lines fill `area` from the top; the cells
/// they leave are blanks in `base` style. The lines are shared with the
/// [`Memo`] that kept them.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub area: Rect,
    pub base: Style,
    pub lines: Rc<[Rc<Line<'static>>]>,
}

/// What [`compose_with`] keeps from one frame for the next: the sidebar,
/// with everything it was drawn from (most keys move the article and leave
/// the sidebar as it was; building its lines again was a third of a key's
/// time), and the article's rows with theirs.
#[derive(Debug, Default)]
pub struct Memo {
    sidebar: Option<KeptSidebar>,
    article: article::Kept,
}

/// The sidebar as last drawn, with what it was drawn from.
#[derive(Debug)]
struct KeptSidebar {
    key: SidebarKey<'static>,
    lines: Rc<[Rc<Line<'static>>]>,
    rows: ItemRows,
}

/// Everything the sidebar's lines (border and title included) are drawn
/// from: the annotations and the review list by their revisions, the rest
/// by value. Borrowed to compare, owned in the [`Memo`].
#[derive(Debug, Clone, PartialEq)]
struct SidebarKey<'a> {
    annotations: u64,
    review: u64,
    filter: Cow<'a, super::filter::Filter>,
    schema: Cow<'a, crate::core::schema::Schema>,
    theme: Cow<'a, Theme>,
    loading: bool,
    selected: Option<usize>,
    focused: bool,
    top: usize,
    area: Rect,
}

/// The sidebar's rows of annotations as last drawn (border included): the
/// annotation's index, whether it was the selected one, the line. In list
/// order.
type ItemRows = Vec<(usize, bool, Rc<Line<'static>>)>;

impl SidebarKey<'_> {
    /// Whether the sidebar is drawn from the same inputs but its selection
    /// and its scroll: its rows of annotations look the same, but the
    /// selected one's.
    fn same_rows(&self, other: &SidebarKey) -> bool {
        self.annotations == other.annotations
            && self.review == other.review
            && self.filter == other.filter
            && self.schema == other.schema
            && self.theme == other.theme
            && self.loading == other.loading
            && self.focused == other.focused
            && self.area == other.area
    }

    fn of<'a>(m: &'a Model, theme: &'a Theme, area: Rect) -> SidebarKey<'a> {
        SidebarKey {
            annotations: m.doc.revision(),
            review: m.review.revision(),
            filter: Cow::Borrowed(&m.filter),
            schema: Cow::Borrowed(&m.schema),
            theme: Cow::Borrowed(theme),
            loading: m.loading,
            selected: m.selected_index(),
            focused: m.focus == Focus::Sidebar,
            top: m.sidebar_top,
            area,
        }
    }

    fn owned(self) -> SidebarKey<'static> {
        SidebarKey {
            filter: Cow::Owned(self.filter.into_owned()),
            schema: Cow::Owned(self.schema.into_owned()),
            theme: Cow::Owned(self.theme.into_owned()),
            ..self
        }
    }
}

/// Lines as a [`Part`] holds them.
pub fn shared(lines: Vec<Line<'static>>) -> Rc<[Rc<Line<'static>>]> {
    lines.into_iter().map(Rc::new).collect()
}

/// The article, the sidebar (border included), the banner and the status line.
pub fn compose(m: &Model, theme: &Theme) -> Composed {
    compose_with(m, theme, &mut Memo::default())
}

/// [`compose`], taking from `memo` what did not change since the last
/// frame composed with it, and leaving this frame's there.
pub fn compose_with(m: &Model, theme: &Theme, memo: &mut Memo) -> Composed {
    let panes = m.panes();
    let mut parts = Vec::with_capacity(4);
    let mut cursor = None;
    if let Some(area) = panes.article {
        let art = article::article_frame_with(m, theme, &mut memo.article);
        if let (Some((x, y)), Mode::Normal) = (art.cursor, &m.mode) {
            cursor = Some((area.x + x.min(area.width.saturating_sub(1)), area.y + y));
        }
        parts.push(Part { area, base: theme.style(Role::ArticleText), lines: art.lines.into() });
    }
    if let Some(area) = panes.sidebar {
        let key = SidebarKey::of(m, theme, area);
        let lines = match &memo.sidebar {
            Some(kept) if kept.key == key => Rc::clone(&kept.lines),
            kept => {
                // A move of the selection or a scroll draws again only the
                // rows it changes (a sidebar's 38 rows were 60 µs of a j).
                let reuse = match kept {
                    Some(kept) if kept.key.same_rows(&key) => &kept.rows[..],
                    _ => &[],
                };
                let (lines, rows) = sidebar_part(m, theme, area, reuse);
                let lines: Rc<[_]> = lines.into();
                memo.sidebar = Some(KeptSidebar { key: key.owned(), lines: Rc::clone(&lines), rows });
                lines
            }
        };
        parts.push(Part { area, base: Style::default(), lines });
    }
    if let (Some(area), Some(text)) = (panes.banner, m.banner()) {
        let lines = Rc::new([Rc::new(Line::styled(text, theme.style(Role::BannerError)))]);
        parts.push(Part { area, base: Style::default(), lines });
    }
    let (status, caret) = status::status_line(m, theme, panes.status.width as usize);
    if let Some(c) = caret {
        cursor = Some((panes.status.x + c.min(panes.status.width.saturating_sub(1)), panes.status.y));
    }
    parts.push(Part { area: panes.status, base: Style::default(), lines: Rc::new([Rc::new(status)]) });
    Composed { parts, cursor }
}

/// The sidebar in `area`: the list inside its border, the title on top;
/// and its rows of annotations, each taken from `reuse` when drawn there
/// for the same annotation, selected or not alike.
fn sidebar_part(
    m: &Model,
    theme: &Theme,
    area: Rect,
    reuse: &[(usize, bool, Rc<Line<'static>>)],
) -> (Vec<Rc<Line<'static>>>, ItemRows) {
    let focused = m.focus == Focus::Sidebar;
    let border = theme.style(if focused { Role::BorderFocused } else { Role::Border });
    let total = m.doc.annotations().len();
    // Filtered once, for the title and the list.
    let listed = m.listed();
    let title = match &listed {
        _ if m.loading => " Annotations ".to_owned(),
        None => format!(" Annotations ({total}) "),
        Some(l) => format!(" {} of {total} · {} ", l.len(), m.filter.label()),
    };
    let size = (area.width.saturating_sub(1) as usize, area.height.saturating_sub(2) as usize);
    let title = Span::styled(title, border.patch(theme.style(Role::Title)));
    let Some(items) = sidebar::visible_items(m, listed.as_deref(), size.1) else {
        let rows = sidebar::notice(m, theme).into_iter().map(|l| Rc::new(bordered_row(Some(l), border)));
        return (bordered(rows, title, border, area), Vec::new());
    };
    let make = sidebar::Rows::new(m, theme, size.0);
    let rows: ItemRows = items
        .into_iter()
        .map(|i| {
            let selected = make.is_selected(i);
            let kept = reuse.binary_search_by_key(&i, |r| r.0).ok().map(|k| &reuse[k]);
            match kept {
                Some((_, was, line)) if *was == selected => (i, selected, Rc::clone(line)),
                _ => (i, selected, Rc::new(bordered_row(Some(make.line(i)), border))),
            }
        })
        .collect();
    (bordered(rows.iter().map(|r| Rc::clone(&r.2)), title, border, area), rows)
}

/// The sidebar's `rows` (each inside the border on its left,
/// [`bordered_row`]) with the border on top, the title on it, and at the
/// bottom: the cells `Block` draws, as lines. Rows past the last are blank.
fn bordered(
    rows: impl IntoIterator<Item = Rc<Line<'static>>>,
    title: Span<'static>,
    border: Style,
    area: Rect,
) -> Vec<Rc<Line<'static>>> {
    let width = usize::from(area.width);
    let height = usize::from(area.height);
    let rule = |corner: &'static str, title: Option<Span<'static>>| {
        let mut spans = vec![Span::styled(corner, border)];
        let mut rest = width.saturating_sub(1);
        if let Some(t) = title {
            // The title's cells take its style even where a wide character
            // at the end did not fit (the border line shows there).
            let title_w = t.content.width().min(rest);
            let mut shown = String::new();
            let mut w = 0;
            for (_, g) in graphemes(&t.content) {
                if w + g.width() > title_w {
                    break;
                }
                shown.push_str(g);
                w += g.width();
            }
            spans.push(Span::styled(shown, t.style));
            spans.push(Span::styled("─".repeat(title_w - w), t.style));
            rest -= title_w;
        }
        spans.push(Span::styled("─".repeat(rest), border));
        Line::from(spans)
    };
    let mut lines = Vec::with_capacity(height);
    lines.push(Rc::new(rule("┌", Some(title))));
    let mut rows = rows.into_iter();
    let blank = Rc::new(bordered_row(None, border));
    for _ in 2..height {
        lines.push(rows.next().unwrap_or_else(|| Rc::clone(&blank)));
    }
    if height >= 2 {
        lines.push(Rc::new(rule("└", None)));
    }
    lines
}

/// One row inside the sidebar's border: the border, then `line`, if any.
fn bordered_row(line: Option<Line<'static>>, border: Style) -> Line<'static> {
    let mut spans = vec![Span::styled("│", border)];
    if let Some(line) = line {
        // The line's own style goes into its spans: the border keeps its own.
        spans.extend(line.spans.into_iter().map(|s| {
            let style = line.style.patch(s.style);
            s.style(style)
        }));
    }
    Line::from(spans)
}

/// Whether a popup is drawn over the panes (by [`draw`] only: the painter
/// leaves such frames to ratatui).
pub fn overlaid(m: &Model) -> bool {
    !matches!(m.mode, Mode::Normal | Mode::Search { .. } | Mode::Prompt { .. })
}

/// Draw the whole screen.
pub fn draw(frame: &mut Frame, m: &Model, theme: &Theme) {
    let composed = compose(m, theme);
    for part in &composed.parts {
        put_lines(frame.buffer_mut(), part.area, &part.lines, part.base);
    }
    if let Some(at) = composed.cursor {
        frame.set_cursor_position(at);
    }
    draw_overlay(frame, m, theme);
}

/// A stretch of one row, as [`row_cells`] hands it out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Run<'a> {
    /// Characters one cell each, and how many.
    Narrow(&'a str, usize),
    /// One grapheme over `.1` cells (wide, or not one character).
    Grapheme(&'a str, usize),
    /// This many blanks.
    Blank(usize),
}

impl Run<'_> {
    /// How many cells it covers.
    pub fn cells(&self) -> usize {
        match *self {
            Run::Narrow(_, n) | Run::Grapheme(_, n) | Run::Blank(n) => n,
        }
    }

    /// Whether it is only spaces (blanks included).
    pub fn is_spaces(&self) -> bool {
        match *self {
            Run::Narrow(text, _) | Run::Grapheme(text, _) => text.bytes().all(|b| b == b' '),
            Run::Blank(_) => true,
        }
    }

    /// Each cell's symbol and width, left to right.
    pub fn each(&self, mut f: impl FnMut(usize, &str, usize)) {
        match *self {
            Run::Narrow(text, _) => {
                for (k, (i, c)) in text.char_indices().enumerate() {
                    f(k, &text[i..i + c.len_utf8()], 1);
                }
            }
            Run::Grapheme(g, w) => f(0, g, w),
            Run::Blank(n) => (0..n).for_each(|k| f(k, " ", 1)),
        }
    }
}

/// The cells of one row of `width` cells, as `put(column, run, style)`:
/// the graphemes of `line` that fit (zero-width ones left out), then blanks
/// in `base` style — what [`Paragraph`] would write for an unwrapped,
/// left-aligned line, without its reflow machinery (the panes are redrawn
/// at every key, so this is most of a frame's cost).
pub fn row_cells(line: Option<&Line>, width: usize, base: Style, mut put: impl FnMut(usize, Run, Style)) {
    let mut x = 0;
    if let Some(line) = line {
        'spans: for span in &line.spans {
            let style = base.patch(line.style).patch(span.style);
            let text: &str = &span.content;
            if text.chars().all(simple_char) {
                // One cell per character: as many as fit, in one run.
                let (mut fit, mut n) = (text.len(), 0);
                for (i, _) in text.char_indices() {
                    if x + n == width {
                        fit = i;
                        break;
                    }
                    n += 1;
                }
                if n > 0 {
                    put(x, Run::Narrow(&text[..fit], n), style);
                    x += n;
                }
                if fit < text.len() {
                    break 'spans;
                }
                continue;
            }
            for (_, g) in graphemes(text) {
                let w = match g.as_bytes() {
                    [b' '..=b'~'] => 1,
                    _ if g.contains(char::is_control) => 0,
                    _ => g.width(),
                };
                if w == 0 {
                    continue;
                }
                if x + w > width {
                    break 'spans;
                }
                put(x, Run::Grapheme(g, w), style);
                x += w;
            }
        }
    }
    if x < width {
        put(x, Run::Blank(width - x), base);
    }
}

/// Write `lines` into `area` cell by cell ([`row_cells`]). A grapheme that
/// does not fit is left out; the cells under the second half of a wide one
/// are reset, as ratatui does.
pub fn put_lines<'a>(
    buf: &mut Buffer,
    area: Rect,
    lines: &[impl std::borrow::Borrow<Line<'a>>],
    base: Style,
) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let width = usize::from(area.width);
    for (row, y) in (area.y..area.bottom()).enumerate() {
        let first = buf.index_of(area.x, y);
        let cells = &mut buf.content[first..first + width];
        row_cells(lines.get(row).map(|l| l.borrow()), width, base, |x, run, style| {
            run.each(|k, symbol, w| {
                let cell = &mut cells[x + k];
                if cell.symbol() != symbol {
                    cell.set_symbol(symbol);
                }
                cell.set_style(style);
                for cell in &mut cells[x + k + 1..x + k + w] {
                    cell.reset();
                }
            });
        });
    }
}

fn body(frame: &Frame) -> Rect {
    let a = frame.area();
    Rect::new(a.x, a.y, a.width, a.height.saturating_sub(1))
}

fn popup(frame: &mut Frame, theme: &Theme, area: Rect, title: &str, lines: Vec<Line<'static>>) {
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .title(Line::styled(format!(" {title} "), theme.style(Role::PopupTitle)))
        .border_style(theme.style(Role::BorderFocused))
        .style(theme.style(Role::Popup));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// A list over the whole body of the screen: its area, the rows shown
/// (keeping item `index` in view under the header line) and the width
/// inside the border.
fn full_list(frame: &Frame, index: usize) -> (Rect, std::ops::Range<usize>, usize) {
    let area = body(frame);
    let rows = area.height.saturating_sub(3) as usize;
    let skip = (index + 1).saturating_sub(rows);
    (area, skip..skip + rows, area.width.saturating_sub(2) as usize)
}

fn draw_overlay(frame: &mut Frame, m: &Model, theme: &Theme) {
    match &m.mode {
        Mode::Tag(_) => {
            let lines = popup::tag_menu_lines(m, theme);
            let area = popup::centered(body(frame), 40, lines.len() as u16 + 2);
            popup(frame, theme, area, "Tag as", lines);
        }
        Mode::Speaker(p) => {
            let area = popup::centered(body(frame), 64, (p.candidates.len() as u16 + 5).clamp(6, 16));
            let lines = popup::speaker_lines(p, theme, area.height.saturating_sub(2) as usize);
            let caret = unicode_width::UnicodeWidthStr::width(&p.input.text[..p.input.caret]) as u16;
            popup(frame, theme, area, "Who said it?", lines);
            frame.set_cursor_position((
                (area.x + 1 + 9 + caret).min(area.right().saturating_sub(2)),
                area.y + 1,
            ));
        }
        Mode::Review { index } => {
            let (area, shown, width) = full_list(frame, *index);
            let lines = super::review::lines(m, theme, *index, shown, width);
            popup(frame, theme, area, "Review: the article changed", lines);
        }
        Mode::Suggestion { shown } => {
            // The lower third of the screen; the suggestion shows above it.
            let b = body(frame);
            let h = (b.height / 3).clamp(4, 14);
            let area = Rect::new(b.x, b.bottom().saturating_sub(h), b.width, h);
            let rows = h.saturating_sub(3) as usize;
            let width = area.width.saturating_sub(2) as usize;
            let lines = super::triage::lines(m, theme, shown, rows, width);
            popup(frame, theme, area, "Suggestions", lines);
        }
        Mode::Index { index, link } => {
            let (area, shown, width) = full_list(frame, *index);
            let lines = super::index::lines(m, theme, *index, shown, width);
            let title = match link.as_deref().and_then(|id| m.doc.index_of(id)) {
                Some(i) => format!(
                    "Link {:?} to the same entity as…",
                    sidebar::fit(&m.doc.annotations()[i].exact, 30)
                ),
                None => "Index: entities by mentions, quotes by speaker".to_owned(),
            };
            popup(frame, theme, area, &title, lines);
        }
        Mode::Recover => {
            let lines = super::recover::lines(m, theme);
            let area = popup::centered(body(frame), 76, lines.len() as u16 + 2);
            popup(frame, theme, area, "Unsaved annotations recovered", lines);
        }
        Mode::Help { scroll } => {
            let area = body(frame);
            let lines = popup::help_lines(m, theme);
            let max = lines.len().saturating_sub(area.height.saturating_sub(2) as usize);
            let shown: Vec<Line> = lines.into_iter().skip((*scroll).min(max)).collect();
            popup(frame, theme, area, "Help — Esc closes, j/k scroll", shown);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};
    use ratatui::widgets::{Borders, Widget};

    /// The sidebar's border and title as lines come out cell for cell as
    /// ratatui's `Block` draws them, whatever the size and however long the title.
    #[test]
    fn bordered_lines_are_the_cells_block_draws() {
        let border = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
        let title_style = Style::new().fg(Color::Cyan).remove_modifier(Modifier::BOLD);
        let inner = |n: usize| -> Vec<Line<'static>> {
            (0..n)
                .map(|i| {
                    Line::from(vec![
                        Span::raw(format!("row {i} ")),
                        Span::styled("香港 x", Style::new().fg(Color::Red)),
                    ])
                    .style(Style::new().bg(Color::Blue))
                })
                .collect()
        };
        for (w, h) in [(0, 0), (1, 1), (2, 1), (3, 2), (5, 3), (12, 4), (30, 8), (60, 12)] {
            for title in [" Annotations (3) ", " 2 of 31 · Person ", "香港香港香港"] {
                let area = Rect::new(2, 1, w, h);
                let mut theirs = Buffer::empty(Rect::new(0, 0, 64, 14));
                let block = Block::default()
                    .borders(Borders::LEFT | Borders::TOP | Borders::BOTTOM)
                    .border_style(border)
                    .title(Line::styled(title, title_style));
                let inside = block.inner(area);
                block.render(area, &mut theirs);
                put_lines(&mut theirs, inside, &inner(h as usize), Style::default());
                let mut ours = Buffer::empty(theirs.area);
                let rows = inner(h as usize).into_iter().map(|l| Rc::new(bordered_row(Some(l), border)));
                let lines = bordered(rows, Span::styled(title, border.patch(title_style)), border, area);
                put_lines(&mut ours, area, &lines, Style::default());
                assert_eq!(ours, theirs, "{w}x{h} {title:?}");
            }
        }
    }
}
