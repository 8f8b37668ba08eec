//! Reviewing annotations after the article changed: what moved, what changed
//! (old and new quote side by side) and what is orphaned. The user accepts,
//! re-attaches (selects the new text) or deletes each one; nothing moves
//! until they do, and orphans stay in the file unchanged meanwhile.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};

use std::collections::HashMap;
use std::ops::Range;

use crate::core::anchor::{Anchor, Placement, place_all};
use crate::core::annotation::Annotation;
use crate::core::document::Document;

use super::model::{Level, Mode, Model};
use super::theme::{Role, Theme};
use super::update::Effect;

/// One annotation waiting for review.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub id: String,
    pub placement: Placement,
}

/// The review list, with lookups by id and by region that do not scan it
/// (the article and the sidebar ask them every frame). Reads as a slice.
#[derive(Debug, Clone, Default)]
pub struct ReviewList {
    items: Vec<Pending>,
    by_id: HashMap<String, usize>,
    /// Items with a placement, by placement start.
    by_start: Vec<(Range<usize>, usize)>,
    /// The longest placement in bytes.
    longest: usize,
    /// A fresh [`revision`](crate::core::revision) for each new list (0
    /// for the empty default).
    revision: u64,
}

/// Equal when the items are (the rest is built from them).
impl PartialEq for ReviewList {
    fn eq(&self, other: &ReviewList) -> bool {
        self.items == other.items
    }
}

impl ReviewList {
    pub fn new(items: Vec<Pending>) -> ReviewList {
        let by_id = items.iter().enumerate().map(|(i, p)| (p.id.clone(), i)).collect();
        let mut by_start: Vec<(Range<usize>, usize)> =
            items.iter().enumerate().filter_map(|(i, p)| Some((p.placement.bytes.clone()?, i))).collect();
        by_start.sort_by_key(|(r, _)| (r.start, r.end));
        let longest = by_start.iter().map(|(r, _)| r.len()).max().unwrap_or(0);
        ReviewList { items, by_id, by_start, longest, revision: crate::core::revision::next() }
    }

    /// A number that changes whenever the list may have changed.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The item for annotation `id`.
    pub fn of(&self, id: &str) -> Option<&Pending> {
        self.by_id.get(id).map(|&i| &self.items[i])
    }

    /// Items whose placement overlaps the bytes `region`.
    pub fn overlapping(&self, region: Range<usize>) -> impl Iterator<Item = &Pending> {
        let from = region.start.saturating_sub(self.longest);
        let lo = self.by_start.partition_point(|(r, _)| r.start < from);
        let hi = self.by_start.partition_point(|(r, _)| r.start < region.end);
        self.by_start[lo..hi.max(lo)]
            .iter()
            .filter(move |(r, _)| r.end > region.start)
            .map(|&(_, i)| &self.items[i])
    }

    /// Keep only the items `keep` says to (the list, and its revision, stay
    /// as they were when it keeps them all).
    pub fn retain(&mut self, mut keep: impl FnMut(&Pending) -> bool) {
        let keeps: Vec<bool> = self.items.iter().map(&mut keep).collect();
        if keeps.iter().all(|&k| k) {
            return;
        }
        let items = std::mem::take(&mut self.items);
        *self = ReviewList::new(items.into_iter().zip(keeps).filter_map(|(p, k)| k.then_some(p)).collect());
    }
}

impl std::ops::Deref for ReviewList {
    type Target = [Pending];

    fn deref(&self) -> &[Pending] {
        &self.items
    }
}

/// Annotations that are not exactly where they were, with where they landed.
/// Empty when the article is the one they were made on. Only annotations
/// whose text no longer sits at their offsets are searched for, so this is
/// cheap once most have been reviewed.
pub fn pending(doc: &Document) -> ReviewList {
    if !doc.needs_reanchor() {
        return ReviewList::default();
    }
    let unsure: Vec<Annotation> =
        doc.annotations().iter().filter(|a| !a.matches(&doc.article)).cloned().collect();
    let placements = place_all(&doc.article, &unsure);
    collect(&unsure, placements)
}

/// The review items of `list` placed at `placements` (parallel to it).
fn collect(list: &[Annotation], placements: Vec<Placement>) -> ReviewList {
    ReviewList::new(
        placements
            .into_iter()
            .zip(list)
            .filter(|(p, _)| p.anchor != Anchor::Exact)
            .map(|(placement, a)| Pending { id: a.id.to_string(), placement })
            .collect(),
    )
}

/// Take the result of a background re-anchoring of the whole list: the
/// review list, and the end of the progress indicator. Recomputed here when
/// the list changed meanwhile (it cannot while edits wait, but a result for
/// another list must never be paired with this one).
pub fn anchored(m: &mut Model, placements: Vec<Placement>) {
    m.anchoring = None;
    if m.message.as_ref().is_some_and(|(text, _)| text.starts_with(WAIT)) {
        m.message = Some(("Re-anchoring done: changes are possible again".into(), Level::Info));
    }
    m.review = if placements.len() == m.doc.annotations().len() {
        collect(m.doc.annotations(), placements)
    } else {
        pending(&m.doc)
    };
}

/// Drop the items a change settled: annotations deleted, or now sitting on
/// their text again (accepted, re-attached).
pub fn refresh(m: &mut Model) {
    let (doc, review) = (&m.doc, &mut m.review);
    review.retain(|p| doc.index_of(&p.id).is_some_and(|i| !doc.annotations()[i].matches(&doc.article)));
}

/// How a refused change starts its message while re-anchoring runs.
pub const WAIT: &str = "Wait: re-anchoring";

/// The banner line while annotations are being re-anchored (with progress)
/// or wait for review.
pub fn banner(m: &Model) -> Option<String> {
    if let Some((done, total)) = m.anchoring {
        return Some(format!(
            "The article changed since it was annotated: re-anchoring {done} of {total} annotations…"
        ));
    }
    let items = &m.review;
    if items.is_empty() {
        return None;
    }
    let count = |f: fn(&Anchor) -> bool| items.iter().filter(|p| f(&p.placement.anchor)).count();
    let moved = count(|a| *a == Anchor::Moved);
    let fuzzy = count(|a| matches!(a, Anchor::Fuzzy(_)));
    let orphaned = count(|a| *a == Anchor::Orphaned);
    let parts: Vec<String> = [(moved, "moved"), (fuzzy, "changed"), (orphaned, "orphaned")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    Some(format!("The article changed since it was annotated: {} — R to review", parts.join(", ")))
}

/// Open the review list.
pub fn open(m: &mut Model) -> Effect {
    m.review = pending(&m.doc);
    if m.review.is_empty() {
        m.message = Some(("Nothing to review: every annotation is where it was".into(), Level::Info));
    } else {
        m.mode = Mode::Review { index: 0 };
    }
    Effect::None
}

/// A key in the review list.
pub fn key(m: &mut Model, ev: KeyEvent, index: usize) -> Effect {
    let n = m.review.len();
    let Some(item) = m.review.get(index).cloned() else {
        m.mode = Mode::Normal;
        return Effect::None;
    };
    let effect = match ev.code {
        KeyCode::Esc | KeyCode::Char('q') => {
            m.mode = Mode::Normal;
            return Effect::None;
        }
        KeyCode::Char('j') | KeyCode::Down => {
            m.mode = Mode::Review { index: (index + 1).min(n - 1) };
            return Effect::None;
        }
        KeyCode::Char('k') | KeyCode::Up => {
            m.mode = Mode::Review { index: index.saturating_sub(1) };
            return Effect::None;
        }
        KeyCode::Enter => {
            let b = item.placement.bytes.clone().map_or_else(
                || m.doc.index_of(&item.id).map_or(0, |i| m.doc.annotations()[i].bytes(&m.doc.article).start),
                |r| r.start,
            );
            m.mode = Mode::Normal;
            super::update::go_to(m, b);
            return Effect::None;
        }
        KeyCode::Char('a') => accept(m, &[item]),
        KeyCode::Char('A') => {
            let all: Vec<Pending> =
                m.review.iter().filter(|p| p.placement.bytes.is_some()).cloned().collect();
            accept(m, &all)
        }
        KeyCode::Char('d') => {
            let Some(i) = m.doc.index_of(&item.id) else { return Effect::None };
            m.doc.change(|f| {
                f.annotations.remove(i);
            });
            m.message = Some(("Deleted (u undoes)".into(), Level::Info));
            Effect::Save
        }
        KeyCode::Char('r') => {
            m.mode = Mode::Normal;
            m.reattach = Some(item.id.clone());
            if let Some(b) = item.placement.bytes.map(|r| r.start) {
                super::update::go_to(m, b);
            }
            m.message = Some((
                "Select the new text (v, motions or /search), then press Enter; Esc cancels".into(),
                Level::Info,
            ));
            return Effect::None;
        }
        _ => return Effect::None,
    };
    refresh(m);
    m.mode = if m.review.is_empty() {
        Mode::Normal
    } else {
        Mode::Review { index: index.min(m.review.len() - 1) }
    };
    effect
}

/// Move each reviewed annotation to where it landed.
fn accept(m: &mut Model, items: &[Pending]) -> Effect {
    let art = m.doc.article.clone();
    let stamp = m.stamp();
    let mut moved = 0;
    m.doc.change(|f| {
        for p in items {
            let (Some(r), Some(a)) =
                (p.placement.bytes.clone(), f.annotations.iter_mut().find(|a| a.id == p.id))
            else {
                continue;
            };
            a.set_span(&art, r);
            a.touch(&stamp);
            moved += 1;
        }
    });
    m.message = Some(if moved == 0 {
        ("Nothing to accept: re-attach it (r) or delete it (d)".into(), Level::Info)
    } else {
        (format!("Accepted {moved} (u undoes)"), Level::Info)
    });
    if moved == 0 { Effect::None } else { Effect::Save }
}

/// The review list as lines: a header, then for the items `shown`: state,
/// old quote, new quote.
pub fn lines(
    m: &Model,
    theme: &Theme,
    index: usize,
    shown: Range<usize>,
    width: usize,
) -> Vec<Line<'static>> {
    let half = width.saturating_sub(16) / 2;
    let mut out = vec![Line::styled(
        "a accept · A accept all found · r re-attach · d delete · Enter show · Esc close".to_owned(),
        theme.style(Role::SidebarMeta),
    )];
    let shown = shown.start.min(m.review.len())..shown.end.min(m.review.len());
    for (i, p) in m.review[shown.clone()].iter().enumerate().map(|(k, p)| (shown.start + k, p)) {
        let Some(a) = m.doc.index_of(&p.id).map(|i| &m.doc.annotations()[i]) else { continue };
        let state = match p.placement.anchor {
            Anchor::Fuzzy(s) => format!("changed {:.0}%", s * 100.0),
            ref other => other.name().to_owned(),
        };
        let now = p
            .placement
            .bytes
            .clone()
            .map_or_else(|| "—".to_owned(), |r| super::render::sidebar::fit(&m.doc.article.text()[r], half));
        let role = if i == index { Role::PopupSelected } else { Role::Popup };
        out.push(Line::from(vec![
            Span::styled(format!(" {state:<12} "), theme.style(Role::PopupKey)),
            Span::styled(
                format!("{:<half$}", super::render::sidebar::fit(&a.exact, half)),
                theme.style(role),
            ),
            Span::styled(" → ", theme.style(Role::SidebarMeta)),
            Span::styled(now, theme.style(role)),
        ]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, bytes: Option<Range<usize>>) -> Pending {
        let anchor = if bytes.is_some() { Anchor::Moved } else { Anchor::Orphaned };
        Pending { id: id.into(), placement: Placement { anchor, bytes } }
    }

    #[test]
    fn review_list_finds_by_id_and_by_region() {
        let list = ReviewList::new(vec![
            item("c", Some(50..60)),
            item("a", Some(0..40)),
            item("o", None),
            item("b", Some(30..35)),
        ]);
        assert_eq!(list.len(), 4);
        assert_eq!(list.of("o").unwrap().placement.anchor, Anchor::Orphaned);
        assert!(list.of("zz").is_none());
        let ids = |r: Range<usize>| list.overlapping(r).map(|p| p.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(36..38), ["a"], "found although it starts long before the region");
        assert_eq!(ids(32..55), ["a", "b", "c"]);
        assert!(ids(40..50).is_empty());
        let mut list = list;
        list.retain(|p| p.id != "a");
        assert!(list.of("a").is_none());
        assert_eq!(ids_after(&list, 0..100), ["b", "c"]);
    }

    #[test]
    fn the_revision_changes_with_the_items_only() {
        let mut list = ReviewList::new(vec![item("a", Some(0..4)), item("b", None)]);
        let first = list.revision();
        list.retain(|_| true);
        assert_eq!(list.revision(), first, "nothing dropped: the same list");
        list.retain(|p| p.id == "b");
        assert_ne!(list.revision(), first);
        assert_eq!(list.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["b"]);
        assert_ne!(ReviewList::new(vec![item("b", None)]).revision(), list.revision(), "never shared");
        assert_eq!(ReviewList::new(vec![item("b", None)]), list, "equal by their items");
    }

    fn ids_after(list: &ReviewList, r: Range<usize>) -> Vec<String> {
        list.overlapping(r).map(|p| p.id.clone()).collect()
    }
}
