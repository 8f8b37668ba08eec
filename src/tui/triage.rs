//! Going through suggestions: `x` shows the next one (selected in the
//! article, described in the status line), then accept it, accept every
//! suggestion of the same text and kind, turn it down (remembered in the
//! annotation file, so it does not come back) or skip it.

use std::ops::Range;
use std::sync::Arc;

use ratatui::crossterm::event::KeyEvent;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use crate::core::annotation::{Annotation, Kind};
use crate::core::pending::key;
use crate::core::store::Rejected;
use crate::core::suggest::Suggestion;

use super::action::{Action, Context};
use super::model::{Level, Mode, Model};
use super::theme::{Role, Theme};
use super::update::Effect;

/// Take what the rules found (on a thread of their own).
pub fn arrived(m: &mut Model, list: Vec<Suggestion>) {
    m.pending.arrived(list);
}

/// Every other whole-word occurrence of the selected annotation's text
/// becomes a suggestion of its kind, and the first one after it is shown:
/// the user answers each (`y`, `n`, `x`) or all at once (`Y`).
pub fn all_occurrences(m: &mut Model) -> Effect {
    let Some(a) = m.selected_annotation().cloned() else {
        m.message =
            Some(("Tag the text first (t), or select an annotation in the sidebar".into(), Level::Info));
        return Effect::None;
    };
    m.pending.find_everywhere(&m.doc, &a.exact, Arc::new(a.kind.clone()));
    let probe = Suggestion::new(a.bytes(&m.doc.article), Arc::new(a.kind.clone()));
    let others = m.pending.same_as(&probe);
    let end = probe.bytes().end;
    let Some(first) = others.iter().find(|s| s.bytes().start >= end).or(others.first()).cloned() else {
        m.message = Some((format!("No other occurrence of “{}”", exact_short(&a.exact)), Level::Info));
        return Effect::None;
    };
    m.focus = super::model::Focus::Article;
    show(m, first);
    m.message = Some((
        format!(
            "{} other occurrence(s) of “{}”: y take this one, Y take all, n turn down, x skip",
            others.len(),
            exact_short(&a.exact)
        ),
        Level::Info,
    ));
    Effect::None
}

fn exact_short(s: &str) -> String {
    super::render::sidebar::fit(s, 40)
}

/// The triage list: a header, then `rows` suggestions around `shown`
/// (marked), each as its kind and the line of text around it with the
/// suggested words marked.
pub fn lines(m: &Model, theme: &Theme, shown: &Suggestion, rows: usize, width: usize) -> Vec<Line<'static>> {
    let k = |a| m.keymap.hint(Context::Suggestion, a).unwrap_or_else(|| "?".into());
    let left = m.pending.count().map_or_else(|| "Counting".to_owned(), |n| format!("{n} left"));
    let header = format!(
        "{left}: {} accept · {} all of this text · {} turn down · {} everywhere · {} skip · {} done",
        k(Action::AcceptSuggestion),
        k(Action::AcceptAllSame),
        k(Action::RejectSuggestion),
        k(Action::RejectAllSame),
        k(Action::SkipSuggestion),
        k(Action::Cancel),
    );
    let mut out = vec![Line::styled(header, theme.style(Role::SidebarMeta))];
    let text = m.doc.article.text();
    for s in &around(m, shown, rows) {
        let (letter, role) = super::render::sidebar::badge(&s.kind);
        let row = if key(s) == key(shown) { Role::PopupSelected } else { Role::Popup };
        let label = match &*s.kind {
            Kind::Entity(t) => t.to_string(),
            other => other.name().to_owned(),
        };
        let label = format!("{label:<12.12}");
        let room = width.saturating_sub(label.chars().count() + 4);
        let (before, word, after) = context(text, s.bytes(), room);
        out.push(Line::from(vec![
            Span::styled(format!(" {letter} "), theme.style(role)),
            Span::styled(format!("{label} "), theme.style(Role::SidebarMeta)),
            Span::styled(before, theme.style(row)),
            Span::styled(word, theme.style(row).add_modifier(Modifier::BOLD | Modifier::UNDERLINED)),
            Span::styled(after, theme.style(row)),
        ]));
    }
    out
}

/// The line around `bytes`, fitted to `room` columns: (before, the
/// suggested words, after), white space folded, spaces kept only where the
/// text has them (Chinese and Japanese have none).
fn context(text: &str, bytes: Range<usize>, room: usize) -> (String, String, String) {
    use unicode_width::UnicodeWidthStr;
    let line_start = text[..bytes.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[bytes.end..].find('\n').map_or(text.len(), |i| bytes.end + i);
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let word = super::render::sidebar::fit(&text[bytes.clone()], room.saturating_sub(8).max(8));
    let space_before = text[line_start..bytes.start].ends_with(char::is_whitespace);
    let space_after = text[bytes.end..line_end].starts_with(char::is_whitespace);
    let left = room.saturating_sub(word.width()) / 2;
    let mut before = fold(&text[line_start..bytes.start]);
    if before.width() > left {
        // Keep the end of it, behind an ellipsis.
        let mut kept = String::new();
        for c in before.chars().rev() {
            if kept.width() + unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) + 1 > left {
                break;
            }
            kept.insert(0, c);
        }
        before = format!("…{kept}");
    }
    if space_before && !before.is_empty() {
        before.push(' ');
    }
    let right = room.saturating_sub(word.width() + before.width() + usize::from(space_after));
    let mut after = super::render::sidebar::fit(&fold(&text[bytes.end..line_end]), right);
    if space_after && !after.is_empty() {
        after.insert(0, ' ');
    }
    (before, word, after)
}

/// The `rows` suggestions to list around `shown`: as many before it as
/// after, fewer before near the start.
fn around(m: &Model, shown: &Suggestion, rows: usize) -> Vec<Suggestion> {
    let mut after = m.pending.after(key(shown), rows.saturating_sub(1));
    let want_before = rows.saturating_sub(1 + after.len().min(rows / 2)).max(rows / 2);
    let mut out = m.pending.before(key(shown), want_before);
    let room_after = rows.saturating_sub(out.len() + 1);
    after.truncate(room_after);
    out.push(shown.clone());
    out.extend(after);
    let skip = out.len().saturating_sub(rows);
    out.drain(..skip);
    out
}

/// Show the first suggestion after the cursor (wrapping round).
pub fn next(m: &mut Model) -> Effect {
    if !m.pending.is_found() {
        m.message = Some(("Still looking for suggestions: try again in a moment".into(), Level::Info));
        return Effect::None;
    }
    match m.pending.first_from(m.cursor + 1) {
        Some(s) => show(m, s),
        None => {
            m.mode = Mode::Normal;
            m.message =
                Some(("No suggestions: every quote, name and number found is annotated".into(), Level::Info));
        }
    }
    Effect::None
}

fn show(m: &mut Model, s: Suggestion) {
    super::update::select_range(m, s.bytes());
    // Keep it in the upper part of the pane: the list covers the lower part.
    let (_, h) = m.article_size();
    let v = m.viewport();
    m.top = v.offset_rows(s.bytes().start, -((h / 4) as isize));
    let same = m.pending.same_as(&s).len();
    let more = if same > 1 { format!("  ({same} of this text: Y takes all)") } else { String::new() };
    m.message = Some((format!("Suggested {}: {}{more}", describe(&s.kind), exact(m, &s)), Level::Info));
    m.mode = Mode::Suggestion { shown: s };
}

fn describe(kind: &Kind) -> String {
    match kind {
        Kind::Entity(t) => format!("entity {t}"),
        Kind::Quote { speaker: Some(sp) } => {
            let name = match sp {
                crate::core::annotation::Speaker::Entity(_) => "a tagged entity".to_owned(),
                crate::core::annotation::Speaker::Text(t) => t.clone(),
            };
            format!("quote by {name}")
        }
        Kind::Quote { speaker: None } => "quote".into(),
        Kind::Statistic { value, unit } => {
            let v = value.map_or_else(|| "?".into(), super::update::format_value);
            format!("statistic = {v}{}", unit.as_ref().map_or_else(String::new, |u| format!(" {u}")))
        }
    }
}

fn exact(m: &Model, s: &Suggestion) -> String {
    super::render::sidebar::fit(&m.doc.article.text()[s.bytes()], 50)
}

/// A key while `s` is shown.
pub fn key_pressed(m: &mut Model, ev: KeyEvent, s: Suggestion) -> Effect {
    let action = m.keymap.lookup(Context::Suggestion, &ev);
    if action.is_some_and(|a| super::update::must_wait(m, a)) {
        return Effect::None;
    }
    match action {
        Some(Action::AcceptSuggestion) => accept(m, std::slice::from_ref(&s), &s),
        Some(Action::AcceptAllSame) => {
            // Every whole-word occurrence of a name, also those not
            // suggested on their own.
            if matches!(*s.kind, Kind::Entity(_)) {
                let exact = m.doc.article.text()[s.bytes()].to_owned();
                m.pending.find_everywhere(&m.doc, &exact, s.kind.clone());
            }
            let all = m.pending.same_as(&s);
            accept(m, &all, &s)
        }
        Some(a @ (Action::RejectSuggestion | Action::RejectAllSame)) => {
            let everywhere = a == Action::RejectAllSame;
            let art = &m.doc.article;
            let rejected = Rejected {
                exact: art.text()[s.bytes()].to_owned(),
                kind: s.kind.name().into(),
                start: (!everywhere).then(|| art.byte_to_char(s.bytes().start)),
            };
            let gone = if everywhere { m.pending.same_as(&s).len() } else { 1 };
            m.doc.change(|f| f.rejected.push(rejected));
            after_change(m, &s);
            let what =
                if everywhere { format!("{gone} suggestion(s) of this text") } else { "this one".into() };
            m.message = Some((format!("Turned down {what}; u undoes"), Level::Info));
            Effect::Save
        }
        Some(Action::SkipSuggestion) => {
            let next = m.pending.next_after(key(&s));
            match next {
                Some(n) => show(m, n),
                None => m.mode = Mode::Normal,
            }
            Effect::None
        }
        Some(Action::Cancel) => {
            m.mode = Mode::Normal;
            m.anchor = None;
            m.message = None;
            Effect::None
        }
        // What the message after a choice offers ("u undoes"): back to
        // reading, with the choice undone.
        Some(a @ (Action::Quit | Action::Help | Action::Undo | Action::Redo)) => {
            m.mode = Mode::Normal;
            super::update::apply(m, a)
        }
        _ => Effect::None,
    }
}

/// Turn `items` into annotations (one undo step), then show what follows
/// `shown`.
fn accept(m: &mut Model, items: &[Suggestion], shown: &Suggestion) -> Effect {
    let art = m.doc.article.clone();
    let stamp = m.stamp();
    let made: Vec<Annotation> =
        items.iter().map(|s| Annotation::new(&art, s.bytes(), Kind::clone(&s.kind), &stamp)).collect();
    let first_id = made.first().map(|a| a.id.to_string());
    // A name accepted here is suggested wherever else it occurs: it is an
    // entity annotation now, and the pending mentions follow those.
    m.doc.add(made);
    m.selected = first_id;
    let n = items.len();
    after_change(m, shown);
    m.message = Some((format!("Accepted {n} (u undoes)"), Level::Info));
    Effect::Save
}

/// After accepting or turning down: the next suggestion from here, or back
/// to reading when none is left.
fn after_change(m: &mut Model, shown: &Suggestion) {
    super::review::refresh(m);
    m.pending.refresh(&m.doc);
    let next = m.pending.next_after(key(shown));
    match next {
        Some(s) => show(m, s),
        None => {
            m.mode = Mode::Normal;
            m.anchor = None;
        }
    }
}
