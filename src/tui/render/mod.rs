//! Drawing: every function here reads the model and writes to a frame; none
//! changes state. The line builders (`article_frame`, `sidebar_lines`,
//! `status_line`, …) are pure and tested with `assert_eq!` on their output.

pub mod article;
pub mod popup;
pub mod sidebar;
pub mod status;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use unicode_width::UnicodeWidthStr;

use crate::core::wrap::{graphemes, simple_char};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::model::{Focus, Mode, Model};
use super::theme::{Role, Theme};

/// Draw the whole screen.
pub fn draw(frame: &mut Frame, m: &Model, theme: &Theme) {
    let panes = m.panes();
    if let Some(area) = panes.article {
        let art = article::article_frame(m, theme);
        put_lines(frame.buffer_mut(), area, &art.lines, theme.style(Role::ArticleText));
        if let (Some((x, y)), Mode::Normal) = (art.cursor, &m.mode) {
            frame.set_cursor_position((area.x + x.min(area.width.saturating_sub(1)), area.y + y));
        }
    }
    if let Some(area) = panes.sidebar {
        let focused = m.focus == Focus::Sidebar;
        let border = theme.style(if focused { Role::BorderFocused } else { Role::Border });
        let total = m.doc.annotations().len();
        // Filtered once per frame, for the title and the list.
        let listed = m.listed();
        let title = match &listed {
            _ if m.loading => " Annotations ".to_owned(),
            None => format!(" Annotations ({total}) "),
            Some(l) => format!(" {} of {total} · {} ", l.len(), m.filter.label()),
        };
        let block = Block::default()
            .borders(Borders::LEFT | Borders::TOP | Borders::BOTTOM)
            .border_style(border)
            .title(Line::styled(title, theme.style(Role::Title)));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let size = (inner.width as usize, inner.height as usize);
        let lines = sidebar::sidebar_lines(m, theme, listed.as_deref(), size);
        put_lines(frame.buffer_mut(), inner, &lines, Style::default());
    }
    if let (Some(area), Some(text)) = (panes.banner, m.banner()) {
        put_lines(
            frame.buffer_mut(),
            area,
            &[Line::styled(text, theme.style(Role::BannerError))],
            Style::default(),
        );
    }
    let (status, caret) = status::status_line(m, theme, panes.status.width as usize);
    put_lines(frame.buffer_mut(), panes.status, &[status], Style::default());
    if let Some(c) = caret {
        frame.set_cursor_position((
            panes.status.x + c.min(panes.status.width.saturating_sub(1)),
            panes.status.y,
        ));
    }
    draw_overlay(frame, m, theme);
}

/// Write `lines` into `area` cell by cell, blanks in `base` style: the cells
/// [`Paragraph`] would write for unwrapped, left-aligned lines, without its
/// reflow machinery (the panes are redrawn at every key, so this is most of
/// a frame's cost). A grapheme that does not fit is left out; the cells
/// under the second half of a wide one are reset, as ratatui does.
pub fn put_lines(buf: &mut Buffer, area: Rect, lines: &[Line], base: Style) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let width = usize::from(area.width);
    for (row, y) in (area.y..area.bottom()).enumerate() {
        let first = buf.index_of(area.x, y);
        let cells = &mut buf.content[first..first + width];
        let mut x = 0;
        if let Some(line) = lines.get(row) {
            'spans: for span in &line.spans {
                let style = base.patch(line.style).patch(span.style);
                let text: &str = &span.content;
                if text.chars().all(simple_char) {
                    // One cell per character.
                    for (i, c) in text.char_indices() {
                        if x == width {
                            break 'spans;
                        }
                        cells[x].set_symbol(&text[i..i + c.len_utf8()]).set_style(style);
                        x += 1;
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
                    cells[x].set_symbol(g).set_style(style);
                    for cell in &mut cells[x + 1..x + w] {
                        cell.reset();
                    }
                    x += w;
                }
            }
        }
        for cell in &mut cells[x..] {
            if cell.symbol() != " " {
                cell.set_symbol(" ");
            }
            cell.set_style(base);
        }
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
        Mode::Suggestion { index } => {
            // The lower third of the screen; the suggestion shows above it.
            let b = body(frame);
            let h = (b.height / 3).clamp(4, 14);
            let area = Rect::new(b.x, b.bottom().saturating_sub(h), b.width, h);
            let rows = h.saturating_sub(3) as usize;
            let skip = index.saturating_sub(rows / 2).min(m.suggestions.len().saturating_sub(rows));
            let width = area.width.saturating_sub(2) as usize;
            let lines = super::triage::lines(m, theme, *index, skip..skip + rows, width);
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
