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
/// builds a row's spans in place: a string for each part of a row and
/// another for each span were most of its time.)
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
    match visible_items(m, listed, height) {
        Some(items) => {
            let rows = Rows::new(m, theme, width);
            items.into_iter().map(|i| rows.line(i)).collect()
        }
        None => notice(m, theme),
    }
}

/// The indexes of the annotations the list shows in `height` rows, or
/// `None` when it shows a notice instead ([`notice`]).
pub fn visible_items(m: &Model, listed: Option<&[usize]>, height: usize) -> Option<Vec<usize>> {
    if m.loading || m.doc.annotations().is_empty() || listed.is_some_and(<[usize]>::is_empty) {
        return None;
    }
    Some(match listed {
        None => (m.sidebar_top..m.doc.annotations().len()).take(height).collect(),
        Some(l) => l.iter().copied().skip(m.sidebar_top).take(height).collect(),
    })
}

/// What the list says when it lists nothing: loading, no annotations,
/// none passing the filter.
pub fn notice(m: &Model, theme: &Theme) -> Vec<Line<'static>> {
    let hint = |s: &str| Line::styled(s.to_owned(), theme.style(Role::SidebarMeta));
    if m.loading {
        return vec![hint("Loading…")];
    }
    if m.doc.annotations().is_empty() {
        return vec![
            hint("No annotations yet."),
            hint(""),
            hint("Select text with v (or /search),"),
            hint("then press t to tag it."),
        ];
    }
    vec![hint("Nothing passes the filter."), hint(""), hint("X lists every annotation again.")]
}

/// What every row of the list is drawn with.
pub struct Rows<'a> {
    m: &'a Model,
    theme: &'a Theme,
    width: usize,
    /// The badge column fits the widest badge the schema gives a type.
    badge_w: usize,
    selected: Option<usize>,
    focused: bool,
}

impl<'a> Rows<'a> {
    /// Rows `width` cells wide.
    pub fn new(m: &'a Model, theme: &'a Theme, width: usize) -> Rows<'a> {
        let badge_w = m
            .schema
            .entity_types
            .iter()
            .filter_map(|t| t.badge.as_deref())
            .map(str::width)
            .max()
            .unwrap_or(1)
            .max(1);
        Rows { m, theme, width, badge_w, selected: m.selected_index(), focused: m.focus == Focus::Sidebar }
    }

    /// Whether annotation `i` is the selected one (its row looks it).
    pub fn is_selected(&self, i: usize) -> bool {
        self.selected == Some(i)
    }

    /// The row of annotation `i`: badge, status mark, text, meta.
    pub fn line(&self, i: usize) -> Line<'static> {
        let Rows { m, theme, width, badge_w, .. } = *self;
        let a = &m.doc.annotations()[i];
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
        if self.is_selected(i) {
            line = line.patch_style(theme.style(Role::SidebarSelected));
            if !self.focused {
                line = line.patch_style(Style::default().add_modifier(Modifier::DIM));
            }
        }
        line
    }
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
