//! The status line (mode, file, position, number convention, hints or a
//! message) and the line editor it turns into while typing.

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::super::model::{Focus, Level, Mode, Model, TextInput};
use super::super::theme::{Role, Theme};

/// The mode's name as the status line shows it.
pub fn mode_name(m: &Model) -> &'static str {
    match &m.mode {
        _ if m.loading => "LOADING",
        Mode::Normal if m.focus == Focus::Sidebar => "SIDEBAR",
        Mode::Normal if m.anchor.is_some() => "VISUAL",
        Mode::Normal => "NORMAL",
        Mode::Search { .. } => "SEARCH",
        Mode::Tag(_) => "TAG",
        Mode::Speaker(_) => "SPEAKER",
        Mode::Prompt { .. } => "EDIT",
        Mode::Help { .. } => "HELP",
        Mode::Review { .. } => "REVIEW",
        Mode::Recover => "RECOVER",
        Mode::Suggestion { .. } => "SUGGEST",
        Mode::Index { .. } => "INDEX",
    }
}

/// The hints the status line shows in each mode.
mod hints {
    use super::super::super::action::{Action::*, Context::*};
    use super::super::super::keymap::Hint::{self, Bound, Fixed};

    pub type List = &'static [(Hint, &'static str)];
    pub static SELECTING: List = &[(Bound(Article, Tag), "tag"), (Bound(Article, Cancel), "cancel")];
    pub static ARTICLE: List = &[
        (Bound(Article, Select), "select"),
        (Bound(Article, Search), "search"),
        (Bound(Article, FocusNext), "sidebar"),
        (Bound(Article, Help), "help"),
        (Bound(Article, Quit), "quit"),
    ];
    pub static SIDEBAR: List = &[
        (Bound(Sidebar, Jump), "go to"),
        (Bound(Sidebar, CycleStatus), "status"),
        (Bound(Sidebar, EditNote), "note"),
        (Bound(Sidebar, FilterKind), "filter"),
        (Bound(Sidebar, Delete), "delete"),
        (Bound(Sidebar, Help), "help"),
    ];
    pub static TAG: List = &[(Fixed("Esc"), "cancel")];
    pub static HELP: List = &[(Fixed("Esc"), "close"), (Fixed("j/k"), "scroll")];
    pub static SUGGESTION: List = &[
        (Bound(Suggestion, AcceptSuggestion), "accept"),
        (Bound(Suggestion, RejectSuggestion), "reject"),
        (Bound(Suggestion, SkipSuggestion), "skip"),
        (Bound(Suggestion, Cancel), "done"),
    ];
    pub static LINKING: List = &[(Fixed("Enter"), "the same entity"), (Fixed("Esc"), "cancel")];
    pub static INDEX: List = &[(Fixed("Enter"), "list its mentions"), (Fixed("Esc"), "close")];
    pub static RECOVER: List = &[(Fixed("r"), "restore"), (Fixed("d"), "discard"), (Fixed("Esc"), "later")];
    pub static REVIEW: List = &[(Fixed("a"), "accept"), (Fixed("r"), "re-attach"), (Fixed("d"), "delete")];
    pub static OTHER: List = &[(Fixed("Enter"), "ok"), (Fixed("Esc"), "cancel")];
}

fn hints(m: &Model) -> String {
    let list = match (&m.mode, m.focus) {
        (Mode::Normal, Focus::Article) if m.anchor.is_some() => hints::SELECTING,
        (Mode::Normal, Focus::Article) => hints::ARTICLE,
        (Mode::Normal, Focus::Sidebar) => hints::SIDEBAR,
        (Mode::Tag(_), _) => hints::TAG,
        (Mode::Help { .. }, _) => hints::HELP,
        (Mode::Suggestion { .. }, _) => hints::SUGGESTION,
        (Mode::Index { link: Some(_), .. }, _) => hints::LINKING,
        (Mode::Index { .. }, _) => hints::INDEX,
        (Mode::Recover, _) => hints::RECOVER,
        (Mode::Review { .. }, _) => hints::REVIEW,
        _ => hints::OTHER,
    };
    m.keymap.hint_line(list)
}

/// The text field line: `label` then the input; returns the caret column.
fn field_line(label: &str, input: &TextInput, theme: &Theme, width: usize) -> (Line<'static>, u16) {
    let caret_col = label.width() + input.text[..input.caret].width();
    // Scroll long input so the caret stays visible.
    let skip = caret_col.saturating_sub(width.saturating_sub(1));
    let full = format!("{label}{}", input.text);
    let shown: String = full
        .chars()
        .scan(0, |w, c| {
            *w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            Some((*w, c))
        })
        .filter(|(w, _)| *w > skip)
        .map(|(_, c)| c)
        .collect();
    let line =
        Line::from(vec![Span::styled(shown, theme.style(Role::Input))]).style(theme.style(Role::Input));
    (line, (caret_col - skip) as u16)
}

/// The status line, and the caret column when it is a text field.
pub fn status_line(m: &Model, theme: &Theme, width: usize) -> (Line<'static>, Option<u16>) {
    match &m.mode {
        Mode::Search { input, .. } => {
            let (l, c) = field_line("/", input, theme, width);
            return (l, Some(c));
        }
        Mode::Prompt { field, input, .. } => {
            let (l, c) = field_line(&format!("{}: ", field.label()), input, theme, width);
            return (l, Some(c));
        }
        _ => {}
    }
    let bar = theme.style(Role::StatusBar);
    let name = m
        .doc
        .path
        .file_name()
        .map_or_else(|| m.doc.path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let left = if m.loading {
        // A preview: its place in the start of the text, and its (lack of)
        // annotations, would say nothing about the article.
        format!(" {name}  loading the whole text… ")
    } else {
        let art = &m.doc.article;
        let pct = if art.len() <= 1 { 100 } else { m.cursor * 100 / (art.len() - 1).max(1) }.min(100);
        let ro = if m.doc.read_only() { " [read-only]" } else { "" };
        let total = m.doc.annotations().len();
        let counts = match m.doc.verified() {
            _ if total == 0 => "no annotations".to_owned(),
            v => format!("{v} of {total} verified"),
        };
        let reviewed = m
            .reviewed_upto
            .map_or_else(String::new, |b| format!("  reviewed {}%", b * 100 / art.len().max(1)));
        format!(" {name}{ro}  {pct}%{reviewed}  {}  {counts} ", m.doc.file().article.numbers.label())
    };
    let (right, right_role) = match &m.message {
        Some((msg, Level::Error)) => (msg.clone(), Role::StatusError),
        Some((msg, Level::Info)) => (msg.clone(), Role::StatusMessage),
        None => (hints(m), Role::StatusHint),
    };
    let mode = format!(" {} ", mode_name(m));
    // A message that does not fit beside the details takes their place.
    let left = if m.message.is_some() && mode.width() + left.width() + right.width() + 1 > width {
        String::from(" ")
    } else {
        left
    };
    let used = mode.width() + left.width();
    let room = width.saturating_sub(used + 1);
    let right = super::sidebar::fit(&right, room);
    let pad = width.saturating_sub(used + right.width() + 1);
    let line = Line::from(vec![
        Span::styled(mode, theme.style(Role::StatusMode)),
        Span::styled(left, bar),
        Span::styled(" ".repeat(pad), bar),
        Span::styled(right, theme.style(right_role)),
        Span::styled(" ", bar),
    ])
    .style(bar);
    (line, None)
}
