//! The annotation sidebar: one line per annotation, in document order,
//! built only for the visible part of the list.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use crate::core::anchor::Anchor;
use crate::core::annotation::{Annotation, Kind, Status};
use crate::core::document::Document;

use super::super::model::{Focus, Model};
use super::super::theme::{Role, Theme};
use super::super::update::format_value;

/// The badge letter and role of a kind.
pub fn badge(kind: &Kind) -> (&'static str, Role) {
    match kind {
        Kind::Quote { .. } => ("Q", Role::BadgeQuote),
        Kind::Entity(_) => ("E", Role::BadgeEntity),
        Kind::Statistic { .. } => ("S", Role::BadgeStatistic),
    }
}

/// The review status mark after the badge: `✓` verified, `✗` disputed,
/// `?` needs a source, `•` a schema's status, blank when unreviewed.
pub fn status_mark(status: &Status) -> (&'static str, Role) {
    match status {
        Status::Unreviewed => (" ", Role::SidebarMeta),
        Status::Verified => ("✓", Role::ReviewVerified),
        Status::Disputed => ("✗", Role::ReviewDisputed),
        Status::NeedsSource => ("?", Role::ReviewNeedsSource),
        Status::Other(_) => ("•", Role::SidebarMeta),
    }
}

/// What follows the quoted text: entity type, speaker or value, and markers.
pub fn meta(a: &Annotation, doc: &Document) -> String {
    let mut s = match &a.kind {
        Kind::Entity(t) => t.to_string(),
        Kind::Quote { speaker: Some(sp) } => format!("— {}", doc.speaker_name(sp)),
        Kind::Quote { speaker: None } => "— ?".to_owned(),
        Kind::Statistic { value, unit } => {
            let v = value.map_or_else(|| "?".to_owned(), format_value);
            match unit {
                Some(u) => format!("= {v} {u}"),
                None => format!("= {v}"),
            }
        }
    };
    if a.note().is_some() {
        s.push_str(" ✎");
    }
    if a.source().is_some() {
        s.push_str(" ↗");
    }
    s
}

/// Cut `s` to `max` columns, ending with `…` when cut; white space folded.
pub fn fit(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len());
    push_fit(&mut out, s, max);
    out
}

/// [`fit`] pushed onto `out`; returns the width it takes. (The sidebar
/// builds a row's spans in place: a list of words, a string for each part
/// and one more for each span were most of its time.)
pub fn push_fit(out: &mut String, s: &str, max: usize) -> usize {
    let start = out.len();
    for word in s.split_whitespace() {
        if out.len() > start {
            out.push(' ');
        }
        out.push_str(word);
    }
    let width = out[start..].width();
    if width <= max {
        return width;
    }
    let mut w = 0;
    let mut keep = out.len();
    for (i, c) in out[start..].char_indices() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > max {
            keep = start + i;
            break;
        }
        w += cw;
    }
    out.truncate(keep);
    out.push('…');
    out[start..].width()
}

/// `n` blanks pushed onto `out`.
fn push_blanks(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// The visible lines of the list, `(width, height)` cells: of the
/// annotations `listed` ([`Model::listed`]: those passing the filter, `None`
/// for all).
pub fn sidebar_lines(
    m: &Model,
    theme: &Theme,
    listed: Option<&[usize]>,
    (width, height): (usize, usize),
) -> Vec<Line<'static>> {
    let all = m.doc.annotations();
    if m.loading {
        return vec![Line::styled("Loading…", theme.style(Role::SidebarMeta))];
    }
    if all.is_empty() {
        let hint = |s: &str| Line::styled(s.to_owned(), theme.style(Role::SidebarMeta));
        return vec![
            hint("No annotations yet."),
            hint(""),
            hint("Select text with v (or /search),"),
            hint("then press t to tag it."),
        ];
    }
    if listed.is_some_and(<[usize]>::is_empty) {
        let hint = |s: &str| Line::styled(s.to_owned(), theme.style(Role::SidebarMeta));
        return vec![hint("Nothing passes the filter."), hint(""), hint("X lists every annotation again.")];
    }
    let selected = m.selected_index();
    let focused = m.focus == Focus::Sidebar;
    // The badge column fits the widest badge the schema gives a type.
    let badge_w = m
        .schema
        .entity_types
        .iter()
        .filter_map(|t| t.badge.as_deref())
        .map(str::width)
        .max()
        .unwrap_or(1)
        .max(1);
    let positions: Box<dyn Iterator<Item = usize>> = match &listed {
        None => Box::new(m.sidebar_top..all.len()),
        Some(l) => Box::new(l.iter().copied().skip(m.sidebar_top)),
    };
    positions
        .take(height)
        .map(|i| (i, &all[i]))
        .map(|(i, a)| {
            let (letter, role) = badge(&a.kind);
            let own = a.kind.entity_type().and_then(|t| m.schema.entity_type(t));
            let letter = own.and_then(|t| t.badge.as_deref()).unwrap_or(letter);
            let mut lead = String::with_capacity(1 + letter.len() + badge_w);
            lead.push(' ');
            lead.push_str(letter);
            push_blanks(&mut lead, badge_w.saturating_sub(letter.width()));
            let badge_style = super::super::theme::in_type_colour(theme.style(role), own);
            let (mark, mark_role) = status_mark(&a.status);
            let meta = match m.review.of(&a.id).map(|p| &p.placement.anchor) {
                Some(Anchor::Orphaned) => format!("orphaned! {}", meta(a, &m.doc)),
                Some(Anchor::Fuzzy(_)) => format!("changed? {}", meta(a, &m.doc)),
                Some(_) => format!("moved {}", meta(a, &m.doc)),
                None => meta(a, &m.doc),
            };
            let meta_w = meta.width().min(width * 9 / 20);
            let lead_w = 3 + badge_w;
            let text_w = width.saturating_sub(lead_w + 1 + meta_w + 1);
            let mut text = String::with_capacity(a.exact.len().min(4 * width) + width);
            let quoted_w = push_fit(&mut text, &a.exact, text_w);
            push_blanks(&mut text, width.saturating_sub(lead_w + quoted_w + 1 + meta_w));
            let mut tail = String::with_capacity(meta.len() + 4);
            push_fit(&mut tail, &meta, meta_w);
            tail.push(' ');
            let mut line = Line::from(vec![
                Span::styled(lead, badge_style),
                Span::styled([mark, " "].concat(), theme.style(mark_role)),
                Span::styled(text, theme.style(Role::SidebarText)),
                Span::styled(tail, theme.style(Role::SidebarMeta)),
            ]);
            if Some(i) == selected {
                line = line.patch_style(theme.style(Role::SidebarSelected));
                if !focused {
                    line = line.patch_style(Style::default().add_modifier(Modifier::DIM));
                }
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What `fit` did before it was one pass: fold, measure, cut.
    fn fit_by_words(s: &str, max: usize) -> String {
        let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if one.width() <= max {
            return one;
        }
        let mut out = String::new();
        let mut w = 0;
        for c in one.chars() {
            let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if w + cw + 1 > max {
                break;
            }
            out.push(c);
            w += cw;
        }
        out.push('…');
        out
    }

    proptest! {
        #[test]
        fn fit_folds_and_cuts_as_before(s in "[a-zé香 \t\n\u{1b}\u{301}👍🏽]{0,30}", max in 0usize..25) {
            prop_assert_eq!(fit(&s, max), fit_by_words(&s, max));
        }

        #[test]
        fn push_fit_adds_the_fitted_text_and_its_width(
            before in "[a-z香 ]{0,5}",
            s in "[a-zé香 \t\n\u{1b}\u{301}👍🏽]{0,30}",
            max in 0usize..25,
        ) {
            let mut out = before.clone();
            let w = push_fit(&mut out, &s, max);
            let fitted = fit_by_words(&s, max);
            prop_assert_eq!(w, fitted.width());
            prop_assert_eq!(out, before + &fitted);
        }
    }

    #[test]
    fn fit_examples() {
        assert_eq!(fit("  Mark \n Zuckerberg  ", 20), "Mark Zuckerberg");
        assert_eq!(fit("Mark Zuckerberg", 8), "Mark Zu…");
        assert_eq!(fit("香港香港", 5), "香港…");
        assert_eq!(fit("abc", 0), "…");
    }
}
