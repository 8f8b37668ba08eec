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
use crate::core::store::Rejected;
use crate::core::suggest::{Suggestion, is_rejected, occurrences};

use super::action::{Action, Context};
use super::model::{Level, Mode, Model};
use super::theme::{Role, Theme};
use super::update::Effect;

/// Take freshly computed suggestions, without those that the annotations
/// made or the suggestions turned down meanwhile have settled.
pub fn arrived(m: &mut Model, mut list: Vec<Suggestion>, revision: u64) {
    // The list leaves out what was annotated or turned down when it was
    // found: it is checked again only when the annotations changed since
    // (a book's millions of suggestions took seconds of the UI thread).
    if revision != m.doc.revision() {
        list.retain(|s| still_open(m, s));
    }
    m.suggestions = list;
    m.suggestions_found = true;
}

/// Whether `s` is neither annotated (an annotation of its kind overlaps
/// it) nor turned down.
fn still_open(m: &Model, s: &Suggestion) -> bool {
    let art = &m.doc.article;
    let (cs, ce) = (art.byte_to_char(s.bytes.start), art.byte_to_char(s.bytes.end));
    let list = m.doc.annotations();
    let taken = list[m.doc.around(cs..ce)]
        .iter()
        .any(|a| a.kind.name() == s.kind.name() && a.start < ce && cs < a.end);
    !taken && !is_rejected(art, s, &m.doc.file().rejected)
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
    propagate(m, &a.exact, Arc::new(a.kind.clone()));
    let text = m.doc.article.text();
    let others: Vec<usize> = (0..m.suggestions.len())
        .filter(|&i| {
            let s = &m.suggestions[i];
            s.kind.name() == a.kind.name() && text[s.bytes.clone()] == a.exact
        })
        .collect();
    let Some(&first) = others
        .iter()
        .find(|&&i| m.suggestions[i].bytes.start >= a.bytes(&m.doc.article).end)
        .or(others.first())
    else {
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

/// The triage list: a header, then the suggestions `shown`, each as its
/// kind and the line of text around it with the suggested words marked.
pub fn lines(
    m: &Model,
    theme: &Theme,
    index: usize,
    shown: Range<usize>,
    width: usize,
) -> Vec<Line<'static>> {
    let k = |a| m.keymap.hint(Context::Suggestion, a).unwrap_or_else(|| "?".into());
    let header = format!(
        "{} left: {} accept · {} all of this text · {} turn down · {} everywhere · {} skip · {} done",
        m.suggestions.len(),
        k(Action::AcceptSuggestion),
        k(Action::AcceptAllSame),
        k(Action::RejectSuggestion),
        k(Action::RejectAllSame),
        k(Action::SkipSuggestion),
        k(Action::Cancel),
    );
    let mut out = vec![Line::styled(header, theme.style(Role::SidebarMeta))];
    let text = m.doc.article.text();
    let shown = shown.start.min(m.suggestions.len())..shown.end.min(m.suggestions.len());
    for (i, s) in m.suggestions[shown.clone()].iter().enumerate().map(|(k, s)| (shown.start + k, s)) {
        let (letter, role) = super::render::sidebar::badge(&s.kind);
        let row = if i == index { Role::PopupSelected } else { Role::Popup };
        let label = match &*s.kind {
            Kind::Entity(t) => t.clone(),
            other => other.name().to_owned(),
        };
        let label = format!("{label:<12.12}");
        let room = width.saturating_sub(label.chars().count() + 4);
        let (before, word, after) = context(text, s.bytes.clone(), room);
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

/// Show the first suggestion after the cursor (wrapping round).
pub fn next(m: &mut Model) -> Effect {
    if !m.suggestions_found {
        m.message = Some(("Still looking for suggestions: try again in a moment".into(), Level::Info));
        return Effect::None;
    }
    if m.suggestions.is_empty() {
        m.mode = Mode::Normal;
        m.message =
            Some(("No suggestions: every quote, name and number found is annotated".into(), Level::Info));
        return Effect::None;
    }
    let after = m.cursor + 1;
    let i = m.suggestions.iter().position(|s| s.bytes.start >= after).unwrap_or(0);
    show(m, i);
    Effect::None
}

fn show(m: &mut Model, index: usize) {
    let Some(s) = m.suggestions.get(index).cloned() else {
        m.mode = Mode::Normal;
        return;
    };
    m.mode = Mode::Suggestion { index };
    super::update::select_range(m, s.bytes.clone());
    // Keep it in the upper part of the pane: the list covers the lower part.
    let (_, h) = m.article_size();
    let v = m.viewport();
    m.top = v.offset_rows(s.bytes.start, -((h / 4) as isize));
    let same = m.suggestions.iter().filter(|o| same_as(m, o, &s)).count();
    let more = if same > 1 { format!("  ({same} of this text: Y takes all)") } else { String::new() };
    m.message = Some((format!("Suggested {}: {}{more}", describe(&s.kind), exact(m, &s)), Level::Info));
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
    super::render::sidebar::fit(&m.doc.article.text()[s.bytes.clone()], 50)
}

fn same_as(m: &Model, a: &Suggestion, b: &Suggestion) -> bool {
    let text = m.doc.article.text();
    a.kind.name() == b.kind.name() && text[a.bytes.clone()] == text[b.bytes.clone()]
}

/// A key while a suggestion is shown.
pub fn key(m: &mut Model, ev: KeyEvent, index: usize) -> Effect {
    let Some(s) = m.suggestions.get(index).cloned() else {
        m.mode = Mode::Normal;
        return Effect::None;
    };
    let action = m.keymap.lookup(Context::Suggestion, &ev);
    if action.is_some_and(|a| super::update::must_wait(m, a)) {
        return Effect::None;
    }
    match action {
        Some(Action::AcceptSuggestion) => accept(m, &[s], index),
        Some(Action::AcceptAllSame) => {
            // Every whole-word occurrence, also those not suggested on their own.
            if matches!(*s.kind, Kind::Entity(_)) {
                let exact = m.doc.article.text()[s.bytes.clone()].to_owned();
                propagate(m, &exact, s.kind.clone());
            }
            let all: Vec<Suggestion> = m.suggestions.iter().filter(|o| same_as(m, o, &s)).cloned().collect();
            accept(m, &all, index)
        }
        Some(a @ (Action::RejectSuggestion | Action::RejectAllSame)) => {
            let everywhere = a == Action::RejectAllSame;
            let art = &m.doc.article;
            let rejected = Rejected {
                exact: art.text()[s.bytes.clone()].to_owned(),
                kind: s.kind.name().into(),
                start: (!everywhere).then(|| art.byte_to_char(s.bytes.start)),
            };
            m.doc.change(|f| f.rejected.push(rejected));
            let before = m.suggestions.len();
            let list = std::mem::take(&mut m.suggestions);
            m.suggestions = list.into_iter().filter(|o| o != &s && still_open(m, o)).collect();
            let gone = before - m.suggestions.len();
            after_change(m, index);
            let what =
                if everywhere { format!("{gone} suggestion(s) of this text") } else { "this one".into() };
            m.message = Some((format!("Turned down {what}; u undoes"), Level::Info));
            Effect::Save
        }
        Some(Action::SkipSuggestion) => {
            show(m, (index + 1) % m.suggestions.len());
            Effect::None
        }
        Some(Action::Cancel) => {
            m.mode = Mode::Normal;
            m.anchor = None;
            m.message = None;
            Effect::None
        }
        Some(a @ (Action::Quit | Action::Help)) => {
            m.mode = Mode::Normal;
            super::update::apply(m, a)
        }
        _ => Effect::None,
    }
}

/// Turn `items` into annotations (one undo step), then show what follows.
fn accept(m: &mut Model, items: &[Suggestion], index: usize) -> Effect {
    let art = m.doc.article.clone();
    let stamp = m.stamp();
    let made: Vec<Annotation> =
        items.iter().map(|s| Annotation::new(&art, s.bytes.clone(), Kind::clone(&s.kind), &stamp)).collect();
    let first_id = made.first().map(|a| a.id.clone());
    m.doc.change(|f| f.annotations.extend(made));
    m.suggestions.retain(|o| !items.contains(o));
    // A name accepted here is suggested wherever else it occurs.
    if let Some(Suggestion { kind, bytes }) = items.first()
        && matches!(**kind, Kind::Entity(_))
    {
        propagate(m, &art.text()[bytes.clone()], Arc::clone(kind));
    }
    m.selected = first_id;
    let n = items.len();
    after_change(m, index);
    m.message = Some((format!("Accepted {n} (u undoes)"), Level::Info));
    Effect::Save
}

/// Suggest `kind` at every other whole-word occurrence of `exact` that is
/// neither annotated nor suggested already.
fn propagate(m: &mut Model, exact: &str, kind: Arc<Kind>) {
    // Suggestions of the same text and kind take the type the user chose
    // (a name suggested as Other, tagged as an organisation).
    let text = m.doc.article.text();
    for s in &mut m.suggestions {
        if s.kind.name() == kind.name() && text[s.bytes.clone()] == *exact {
            s.kind = Arc::clone(&kind);
        }
    }
    // Suggested already: found by binary search (the list is in order).
    let suggested = |r: &Range<usize>| {
        let from = m.suggestions.partition_point(|o| (o.bytes.start, o.bytes.end) < (r.start, r.end));
        m.suggestions[from..].iter().take_while(|o| o.bytes == *r).any(|o| o.kind.name() == kind.name())
    };
    let mut found: Vec<Suggestion> = occurrences(text, exact)
        .filter(|r| !suggested(r))
        .map(|bytes| Suggestion { bytes, kind: Arc::clone(&kind) })
        .collect();
    found.retain(|s| still_open(m, s));
    m.suggestions.extend(found);
    m.suggestions.sort_by_key(|s| (s.bytes.start, s.bytes.end));
}

/// After accepting or turning down: the next suggestion from here, or back
/// to reading when none is left.
fn after_change(m: &mut Model, index: usize) {
    super::review::refresh(m);
    // What the new annotations cover is settled (a longer name around one).
    let list = std::mem::take(&mut m.suggestions);
    m.suggestions = list.into_iter().filter(|s| still_open(m, s)).collect();
    if m.suggestions.is_empty() {
        m.mode = Mode::Normal;
        m.anchor = None;
    } else {
        let at = m.cursor;
        let next = m
            .suggestions
            .iter()
            .position(|s| s.bytes.start >= at)
            .unwrap_or(index.min(m.suggestions.len() - 1));
        show(m, next);
    }
}
