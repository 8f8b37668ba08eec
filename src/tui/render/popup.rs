//! Small windows over the article: the tag menu, the speaker picker and the
//! help screen. Their contents are built as lines from the model and keymap.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::super::action::{Action, Context};
use super::super::model::{Model, SpeakerPicker};
use super::super::theme::{Role, Theme};

/// The tag menu: quote, the schema's entity types (their keys, in their
/// colours), statistic; quote and statistic keys come from the keymap.
pub fn tag_menu_lines(m: &Model, theme: &Theme) -> Vec<Line<'static>> {
    let line = |key: String, text: String, style| {
        Line::from(vec![
            Span::styled(format!(" {key} "), theme.style(Role::PopupKey)),
            Span::styled(text, style),
        ])
    };
    let popup = theme.style(Role::Popup);
    let action = |a: Action| {
        let key = m.keymap.hint(Context::TagMenu, a)?;
        Some(line(key, a.description().to_owned(), popup))
    };
    let mut out: Vec<Line<'static>> = action(Action::TagQuote).into_iter().collect();
    for t in &m.schema.entity_types {
        let style = super::super::theme::in_type_colour(popup, Some(t));
        out.push(line(t.key.to_string(), t.name.clone(), style));
    }
    out.extend(action(Action::TagStatistic));
    out
}

/// The speaker picker: the typed text, then the candidates.
pub fn speaker_lines(p: &SpeakerPicker, theme: &Theme, height: usize) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        Span::styled("Speaker: ", theme.style(Role::PopupTitle)),
        Span::styled(p.input.text.clone(), theme.style(Role::Input)),
    ])];
    if p.candidates.is_empty() {
        lines.push(Line::styled(
            " (no person or organisation tagged yet: type a name)",
            theme.style(Role::SidebarMeta),
        ));
    }
    let skip = p.highlight.map_or(0, |h| (h + 1).saturating_sub(height.saturating_sub(3)));
    for (i, (_, text)) in p.candidates.iter().enumerate().skip(skip).take(height.saturating_sub(3)) {
        let role = if Some(i) == p.highlight { Role::PopupSelected } else { Role::Popup };
        lines.push(Line::styled(format!(" {} ", super::sidebar::fit(text, 60)), theme.style(role)));
    }
    lines.push(Line::styled(
        "Enter: take · type: free text · ↑↓: choose · Esc: no speaker",
        theme.style(Role::SidebarMeta),
    ));
    lines
}

/// Keys of the text fields, which are fixed (not remappable).
const FIELD_KEYS: [(&str, &str); 5] = [
    ("Enter", "accept (search: select the match)"),
    ("Esc", "cancel"),
    ("← → Home End", "move in the field"),
    ("C-u", "clear to the start"),
    ("↑ ↓", "choose a speaker in the picker"),
];

/// The help screen, generated from the bindings in force.
pub fn help_lines(m: &Model, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut last = None;
    for (ctx, action, keys) in m.keymap.bindings() {
        if last != Some(ctx) {
            if last.is_some() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(ctx.title().to_owned(), theme.style(Role::HelpSection)));
            last = Some(ctx);
        }
        let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<16}", keys.join(" ")), theme.style(Role::HelpKey)),
            Span::raw(format!("{}  ", action.description())),
            Span::styled(format!("({})", action.name()), theme.style(Role::SidebarMeta)),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Text fields (search, notes, speaker)".to_owned(),
        theme.style(Role::HelpSection),
    ));
    for (k, d) in FIELD_KEYS {
        lines.push(Line::from(vec![
            Span::styled(format!("  {k:<16}"), theme.style(Role::HelpKey)),
            Span::raw(d.to_owned()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Mouse: click places the cursor, drag selects, wheel scrolls, click in the list selects.",
        theme.style(Role::SidebarMeta),
    ));
    lines
}

/// A `w`×`h` rectangle centred in `area` (clamped to it).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
}
