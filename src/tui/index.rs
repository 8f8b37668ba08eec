//! The index view: every entity with the number of its mentions (its
//! spellings folded together), then the quotes of each speaker. Enter lists
//! that entity's mentions (or that speaker's quotes) in the sidebar and goes
//! to the first; the sidebar's keys then go through them, and `X` lists
//! everything again.

use std::ops::Range;

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};

use crate::core::index::{EntityGroup, SpeakerGroup, entity_groups, speaker_groups};

use super::filter::{Filter, Scope};
use super::model::{Focus, Level, Mode, Model};
use super::render::sidebar::fit;
use super::theme::{Role, Theme};
use super::update::Effect;

/// One row of the index.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Entity(EntityGroup),
    Speaker(SpeakerGroup),
}

impl Entry {
    fn members(&self) -> &[usize] {
        match self {
            Entry::Entity(g) => &g.members,
            Entry::Speaker(g) => &g.members,
        }
    }

    /// What the sidebar's title says while it lists this entry.
    fn label(&self) -> String {
        match self {
            Entry::Entity(g) => format!("{} ({})", g.spelling, g.entity_type),
            Entry::Speaker(SpeakerGroup { name: Some(n), .. }) => format!("quotes of {n}"),
            Entry::Speaker(SpeakerGroup { name: None, .. }) => "quotes without a speaker".into(),
        }
    }
}

/// The rows: entities, most mentioned first, then speakers.
pub fn entries(m: &Model) -> Vec<Entry> {
    let all = m.doc.annotations();
    let mut out: Vec<Entry> = entity_groups(all).into_iter().map(Entry::Entity).collect();
    out.extend(speaker_groups(all).into_iter().map(Entry::Speaker));
    out
}

/// Open the index (or say there is nothing in it).
pub fn open(m: &mut Model) -> Effect {
    if entries(m).is_empty() {
        m.message = Some(("The index is empty: no entities or quotes yet".into(), Level::Info));
    } else {
        m.mode = Mode::Index { index: 0, link: None };
    }
    Effect::None
}

/// For the selected entity: unlink it if it is linked, else open the index
/// to pick the entity it is the same as.
pub fn link(m: &mut Model) -> Effect {
    let Some(i) = m.selected_index() else {
        m.message = Some(("No annotation selected".into(), Level::Info));
        return Effect::None;
    };
    let a = &m.doc.annotations()[i];
    if a.kind.entity_type().is_none() {
        m.message = Some(("Only an entity can be linked to another".into(), Level::Info));
        return Effect::None;
    }
    if a.same_as().is_some() {
        let stamp = m.stamp();
        m.doc.change(|f| {
            f.annotations[i].set_same_as(None);
            f.annotations[i].touch(&stamp);
        });
        return super::update::changed(m, "Unlinked: counted on its own again");
    }
    m.mode = Mode::Index { index: 0, link: Some(a.id.to_string()) };
    Effect::None
}

/// Link annotation `id` to the picked entity's first mention.
fn link_to(m: &mut Model, id: &str, entry: &Entry) -> Effect {
    let Entry::Entity(g) = entry else {
        m.message = Some(("Pick an entity (E), not a speaker".into(), Level::Info));
        return Effect::None;
    };
    let (Some(i), all) = (m.doc.index_of(id), m.doc.annotations()) else { return Effect::None };
    if g.members.contains(&i) {
        m.message = Some(("That is its own entry: pick another".into(), Level::Info));
        return Effect::None;
    }
    let target = all[g.members[0]].id.to_string();
    let said = format!("Linked: {:?} is the same entity as {:?}", all[i].exact, g.spelling);
    let stamp = m.stamp();
    m.doc.change(|f| {
        f.annotations[i].set_same_as(Some(target));
        f.annotations[i].touch(&stamp);
    });
    m.mode = Mode::Normal;
    super::update::changed(m, &said)
}

/// A key in the index.
pub fn key(m: &mut Model, ev: KeyEvent, index: usize, link: Option<String>) -> Effect {
    let list = entries(m);
    let last = list.len().saturating_sub(1);
    let page = m.sidebar_rows().max(2) - 1;
    let to = match ev.code {
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('i') => {
            m.mode = Mode::Normal;
            return Effect::None;
        }
        KeyCode::Enter => {
            return match (list.get(index), link.as_deref()) {
                (Some(entry), Some(id)) => link_to(m, id, entry),
                (Some(entry), None) => {
                    pick(m, entry);
                    Effect::None
                }
                (None, _) => Effect::None,
            };
        }
        KeyCode::Char('j') | KeyCode::Down => index + 1,
        KeyCode::Char('k') | KeyCode::Up => index.saturating_sub(1),
        KeyCode::Char('g') | KeyCode::Home => 0,
        KeyCode::Char('G') | KeyCode::End => last,
        KeyCode::PageDown => index + page,
        KeyCode::PageUp => index.saturating_sub(page),
        _ => index,
    };
    m.mode = Mode::Index { index: to.min(last), link };
    Effect::None
}

/// List `entry`'s annotations in the sidebar and go to the first.
fn pick(m: &mut Model, entry: &Entry) {
    let all = m.doc.annotations();
    let mut ids: Vec<String> = entry.members().iter().map(|&i| all[i].id.to_string()).collect();
    let first = ids.first().cloned();
    ids.sort();
    m.filter = Filter { scope: Scope::Picked { ids, label: entry.label() }, ..Filter::default() };
    m.mode = Mode::Normal;
    m.focus = Focus::Sidebar;
    m.selected = first;
    super::update::refiltered(m);
    if let Some(b) = m.selected_annotation().map(|a| a.bytes(&m.doc.article).start) {
        super::update::go_to(m, b);
        m.focus = Focus::Sidebar;
    }
}

/// The index's lines: a key line, then rows `shown` of the entries, row
/// `index` highlighted, `width` columns wide.
pub fn lines(
    m: &Model,
    theme: &Theme,
    index: usize,
    shown: Range<usize>,
    width: usize,
) -> Vec<Line<'static>> {
    let list = entries(m);
    let mut out = vec![Line::styled(
        "Enter list them in the sidebar (X: all again) · j/k move · Esc close".to_owned(),
        theme.style(Role::SidebarMeta),
    )];
    let name_w = width.saturating_sub(3 + 16 + 6).max(8);
    for (i, entry) in list.iter().enumerate().take(shown.end).skip(shown.start) {
        let (badge, role, name, what) = match entry {
            Entry::Entity(g) => {
                let also = if g.others.is_empty() {
                    String::new()
                } else {
                    format!(" (also {})", g.others.join(", "))
                };
                ("E", Role::BadgeEntity, format!("{}{also}", g.spelling), g.entity_type.clone())
            }
            Entry::Speaker(g) => {
                let name = g.name.clone().unwrap_or_else(|| "(no speaker)".into());
                ("Q", Role::BadgeQuote, name, "quotes".to_owned())
            }
        };
        let name = fit(&name, name_w);
        let pad = name_w.saturating_sub(unicode_width::UnicodeWidthStr::width(name.as_str()));
        let row_role = if i == index { Role::PopupSelected } else { Role::Popup };
        out.push(Line::from(vec![
            Span::styled(format!(" {badge} "), theme.style(role)),
            Span::styled(format!("{name}{} ", " ".repeat(pad)), theme.style(row_role)),
            Span::styled(format!("{:<15}", fit(&what, 15)), theme.style(Role::SidebarMeta)),
            Span::styled(format!("{:>5}", entry.members().len()), theme.style(row_role)),
        ]));
    }
    out
}
