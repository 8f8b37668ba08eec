//! Offering a recovery file at start: what it holds compared with the
//! annotation file, and the keys to restore it (`r`), discard it (`d`) or
//! decide later (`Esc`, it is offered again next time).

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};

use crate::core::recovery::Recovery;
use crate::core::store::LoadError;

use super::model::{Level, Mode, Model};
use super::theme::{Role, Theme};
use super::update::Effect;

/// Show what [`recovery::find`](crate::core::recovery::find) found, if anything.
pub fn offer(m: &mut Model, found: Option<Result<Recovery, LoadError>>) {
    match found {
        None => {}
        Some(Ok(r)) if m.doc.read_only() => {
            let why = format!(
                "Unsaved annotations were recovered ({}), but the annotation file cannot be read: fix it first",
                r.written
            );
            m.message = Some((why, Level::Error));
        }
        Some(Ok(r)) => {
            m.recovered = Some(r);
            m.mode = Mode::Recover;
        }
        Some(Err(e)) => {
            m.message = Some((format!("A recovery file cannot be read (left as it is): {e}"), Level::Error));
        }
    }
}

/// A key while the offer is shown.
pub fn key(m: &mut Model, ev: KeyEvent) -> Effect {
    match ev.code {
        KeyCode::Char('r') if m.anchoring.is_some() => {
            m.message = Some((format!("{} the annotations", super::review::WAIT), Level::Info));
            Effect::None
        }
        KeyCode::Char('r') => {
            m.mode = Mode::Normal;
            let Some(r) = m.recovered.take() else { return Effect::None };
            let n = r.file.annotations.len();
            m.doc.change(|f| f.annotations = r.file.annotations);
            m.review = super::review::pending(&m.doc);
            m.selected = m.doc.annotations().first().map(|a| a.id.to_string());
            m.message = Some((format!("Restored {n} annotations (u undoes)"), Level::Info));
            Effect::Restored
        }
        KeyCode::Char('d') => {
            m.mode = Mode::Normal;
            m.recovered = None;
            m.message = Some(("Recovered annotations discarded".into(), Level::Info));
            Effect::DiscardRecovery
        }
        KeyCode::Esc | KeyCode::Char('q') => {
            m.mode = Mode::Normal;
            m.recovered = None;
            m.message =
                Some(("The recovered annotations will be offered again next time".into(), Level::Info));
            Effect::None
        }
        _ => Effect::None,
    }
}

/// How the recovered annotations differ from those in the file, by id.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Difference {
    /// In the recovery only.
    pub added: Vec<String>,
    /// In the file only.
    pub missing: Vec<String>,
    /// In both, but not the same.
    pub changed: Vec<String>,
}

/// Compare the recovered annotations with the document's (quotes listed).
pub fn difference(m: &Model, r: &Recovery) -> Difference {
    let mine = m.doc.annotations();
    let find = |id: &str| mine.iter().find(|a| a.id == id);
    let mut d = Difference::default();
    for a in &r.file.annotations {
        match find(&a.id) {
            None => d.added.push(a.exact.to_string()),
            Some(b) if b != a => d.changed.push(a.exact.to_string()),
            Some(_) => {}
        }
    }
    let theirs = |id: &str| r.file.annotations.iter().any(|a| a.id == id);
    d.missing = mine.iter().filter(|a| !theirs(&a.id)).map(|a| a.exact.to_string()).collect();
    d
}

/// The offer's lines.
pub fn lines(m: &Model, theme: &Theme) -> Vec<Line<'static>> {
    let Some(r) = &m.recovered else { return Vec::new() };
    let d = difference(m, r);
    let text = theme.style(Role::Popup);
    let key = theme.style(Role::HelpKey);
    let mut out = vec![
        Line::styled(format!("marginote ended at {} before these changes were saved:", r.written), text),
        Line::default(),
    ];
    for (what, list) in [("added", &d.added), ("changed", &d.changed), ("deleted", &d.missing)] {
        if list.is_empty() {
            continue;
        }
        let shown: Vec<String> =
            list.iter().take(3).map(|q| format!("“{}”", super::update::shorten(q, 30))).collect();
        let more = if list.len() > 3 { format!(" and {} more", list.len() - 3) } else { String::new() };
        out.push(Line::styled(format!("  {} {what}: {}{more}", list.len(), shown.join(", ")), text));
    }
    if d == Difference::default() {
        out.push(Line::styled("  (the annotation file already holds the same annotations)", text));
    }
    out.push(Line::default());
    out.push(Line::from(vec![
        Span::styled("  r", key),
        Span::styled(" restore them   ", text),
        Span::styled("d", key),
        Span::styled(" discard them   ", text),
        Span::styled("Esc", key),
        Span::styled(" decide next time", text),
    ]));
    out
}
