//! The article pane as styled lines: a pure function of the model.

use std::ops::Range;

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::core::annotation::Kind;

use super::super::model::{Focus, Model};
use super::super::theme::{Role, Theme};

/// The article pane's lines and where the terminal cursor goes (column, row
/// inside the pane).
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleFrame {
    pub lines: Vec<Line<'static>>,
    pub cursor: Option<(u16, u16)>,
}

/// An annotation on screen: its bytes, how it looks, and whether it is the
/// one selected in the sidebar.
struct Mark {
    bytes: Range<usize>,
    style: Style,
    selected: bool,
}

/// How far before the screen a suggestion may start and still reach it (a
/// long quote); suggestions are sorted by start, so the ones on screen are
/// found by binary search.
const SUGGESTION_REACH: usize = 8192;

/// The style of a kind: the theme's colours plus a modifier the theme cannot
/// take away, so kinds differ by more than colour in every theme.
pub fn kind_style(theme: &Theme, kind: &Kind) -> Style {
    match kind {
        Kind::Quote { .. } => theme.style(Role::AnnotationQuote).add_modifier(Modifier::ITALIC),
        Kind::Entity(_) => theme.style(Role::AnnotationEntity).add_modifier(Modifier::UNDERLINED),
        Kind::Statistic { .. } => theme.style(Role::AnnotationStatistic).add_modifier(Modifier::BOLD),
    }
}

fn marks_in(m: &Model, theme: &Theme, region: Range<usize>) -> Vec<Mark> {
    let art = &m.doc.article;
    let (cs, ce) = (art.byte_to_char(region.start), art.byte_to_char(region.end));
    let list = m.doc.annotations();
    let selected = m.selected.as_deref();
    // Annotations waiting for review are drawn where they landed (orphans
    // nowhere), never on whatever text now sits at their old offsets.
    // A discontinuous span (imported from brat) marks only its fragments.
    let mut marks: Vec<Mark> = Vec::new();
    for a in &list[m.doc.around(cs..ce)] {
        if a.end < cs || a.end <= a.start || m.review.of(&a.id).is_some() {
            continue;
        }
        let style = kind_style(theme, &a.kind);
        let selected = Some(a.id.as_str()) == selected;
        if a.fragments.is_empty() {
            marks.push(Mark { bytes: a.bytes(art), style, selected });
        } else {
            for &(s, e) in &a.fragments {
                marks.push(Mark { bytes: art.char_range_to_bytes(s, e), style, selected });
            }
        }
    }
    // Suggestions, dimmed, under the annotations (which patch over them).
    let suggested = theme.style(Role::AnnotationSuggested);
    let from = region.start.saturating_sub(SUGGESTION_REACH);
    let lo = m.suggestions.partition_point(|s| s.bytes.start < from);
    for s in m.suggestions[lo..].iter().take_while(|s| s.bytes.start < region.end) {
        if s.bytes.end > region.start {
            marks.push(Mark { bytes: s.bytes.clone(), style: suggested, selected: false });
        }
    }
    for p in m.review.overlapping(region) {
        let (Some(bytes), Some(i)) = (p.placement.bytes.clone(), m.doc.index_of(&p.id)) else { continue };
        marks.push(Mark {
            bytes,
            style: kind_style(theme, &list[i].kind),
            selected: Some(p.id.as_str()) == selected,
        });
    }
    // Outer spans first, so inner ones paint over them and both stay visible.
    marks.sort_by_key(|k| std::cmp::Reverse(k.bytes.len()));
    marks
}

/// Build the visible lines of the article.
pub fn article_frame(m: &Model, theme: &Theme) -> ArticleFrame {
    let rows = m.visible_rows();
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return ArticleFrame { lines: Vec::new(), cursor: None };
    };
    let marks = marks_in(m, theme, first.start..last.end);
    let selection = m.selection();
    // Matches are in text order and do not overlap: the visible ones by binary search.
    let lo = m.matches.partition_point(|r| r.end <= first.start);
    let hi = m.matches.partition_point(|r| r.start < last.end);
    let matches = &m.matches[lo..hi.max(lo)];
    let base = theme.style(Role::ArticleText);
    let show_cursor = m.focus == Focus::Article;
    let mut cursor = None;
    let mut lines = Vec::with_capacity(rows.len());
    let view = m.viewport();
    for (y, row) in rows.iter().enumerate() {
        let mut spans: Vec<Span<'static>> = Vec::new();
        let mut col = 0;
        let mut run = String::new();
        let mut run_style = base;
        if row.start == m.cursor && show_cursor {
            cursor = Some((0, y as u16));
        }
        for placed in view.layout(*row) {
            let i = placed.byte;
            if placed.col > col {
                run.push_str(&" ".repeat(placed.col - col));
                col = placed.col;
            }
            if i == m.cursor && show_cursor {
                cursor = Some((col as u16, y as u16));
            }
            let mut style = base;
            for mk in marks.iter().filter(|k| k.bytes.start <= i && i < k.bytes.end) {
                style = style.patch(mk.style);
                if mk.selected {
                    style = style.patch(theme.style(Role::AnnotationSelected));
                }
            }
            if matches.iter().any(|r| r.start <= i && i < r.end) {
                style = style.patch(theme.style(Role::SearchMatch));
            }
            if selection.as_ref().is_some_and(|r| r.start <= i && i < r.end) {
                style = style.patch(theme.style(Role::Selection));
            }
            if placed.cell.control {
                style = style.patch(theme.style(Role::ArticleControl));
            }
            if style != run_style && !run.is_empty() {
                spans.push(Span::styled(std::mem::take(&mut run), run_style));
            }
            run_style = style;
            run.push_str(&placed.cell.symbol);
            col += placed.cell.width;
        }
        if !run.is_empty() {
            spans.push(Span::styled(run, run_style));
        }
        lines.push(Line::from(spans));
    }
    ArticleFrame { lines, cursor }
}
