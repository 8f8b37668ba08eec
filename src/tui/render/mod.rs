//! Drawing: every function here reads the model and writes to a frame; none
//! changes state. The line builders (`article_frame`, `sidebar_lines`,
//! `status_line`, …) are pure and tested with `assert_eq!` on their output.

pub mod article;
pub mod popup;
pub mod sidebar;
pub mod status;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::model::{Focus, Mode, Model};
use super::theme::{Role, Theme};

/// Draw the whole screen.
pub fn draw(frame: &mut Frame, m: &Model, theme: &Theme) {
    let panes = m.panes();
    if let Some(area) = panes.article {
        let art = article::article_frame(m, theme);
        frame.render_widget(Paragraph::new(art.lines).style(theme.style(Role::ArticleText)), area);
        if let (Some((x, y)), Mode::Normal) = (art.cursor, &m.mode) {
            frame.set_cursor_position((area.x + x.min(area.width.saturating_sub(1)), area.y + y));
        }
    }
    if let Some(area) = panes.sidebar {
        let focused = m.focus == Focus::Sidebar;
        let border = theme.style(if focused { Role::BorderFocused } else { Role::Border });
        let title = if m.loading {
            " Annotations ".to_owned()
        } else {
            format!(" Annotations ({}) ", m.doc.annotations().len())
        };
        let block = Block::default()
            .borders(Borders::LEFT | Borders::TOP | Borders::BOTTOM)
            .border_style(border)
            .title(Line::styled(title, theme.style(Role::Title)));
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let lines = sidebar::sidebar_lines(m, theme, inner.width as usize, inner.height as usize);
        frame.render_widget(Paragraph::new(lines), inner);
    }
    if let (Some(area), Some(text)) = (panes.banner, m.banner()) {
        frame.render_widget(Paragraph::new(Line::styled(text, theme.style(Role::BannerError))), area);
    }
    let (status, caret) = status::status_line(m, theme, panes.status.width as usize);
    frame.render_widget(Paragraph::new(status), panes.status);
    if let Some(c) = caret {
        frame.set_cursor_position((
            panes.status.x + c.min(panes.status.width.saturating_sub(1)),
            panes.status.y,
        ));
    }
    draw_overlay(frame, m, theme);
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
            let area = body(frame);
            // Keep the highlighted item in view under the header line.
            let rows = area.height.saturating_sub(3) as usize;
            let skip = (index + 1).saturating_sub(rows);
            let width = area.width.saturating_sub(2) as usize;
            let lines = super::review::lines(m, theme, *index, skip..skip + rows, width);
            popup(frame, theme, area, "Review: the article changed", lines);
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
