//! `update(&mut Model, Input) -> Effect`: every key, click and resize goes
//! through here. It changes the model and asks for effects (save, quit); it
//! never does I/O itself, so key-sequence tests drive it directly.

use std::ops::Range;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use crate::core::anchor::Placement;
use crate::core::annotation::{Annotation, Kind, Speaker, statistic_kind};
use crate::core::motion;
use crate::core::numbers::parse_number;
use crate::core::wrap::{byte_at, col_of};

use super::action::{Action, Context};
use super::model::{
    Focus, Level, Mode, Model, PromptField, SpeakerPicker, SpeakerTarget, TagTarget, TextInput,
};

/// Something from the terminal, or news from a background job.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    Paste(String),
    /// Re-anchoring has placed this many annotations so far.
    Anchoring(usize),
    /// Re-anchoring finished: placements parallel to the annotations.
    Anchored(Vec<Placement>),
    /// What the rules found, computed in the background.
    Suggested(Vec<crate::core::suggest::Suggestion>),
    /// How many suggestions are pending, counted at a revision of them.
    Counted(u64, usize),
    /// Every match of a search query, found in the background.
    Matched(String, crate::core::matches::Matches),
}

/// What the app loop must do after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    None,
    /// Write the annotation file.
    Save,
    /// Write the annotations to another file (when the usual one cannot be written).
    SaveAs(std::path::PathBuf),
    /// Save, then quit.
    Quit,
    /// Recovered annotations were restored: save, and once saved, retire the
    /// recovery file.
    Restored,
    /// Retire the recovery file unused.
    DiscardRecovery,
    /// Draw the whole screen again, not only what changed.
    Redraw,
}

/// Rows kept between the cursor and the top or bottom edge.
const SCROLL_OFF: usize = 2;
/// Rows a wheel notch scrolls.
const WHEEL_ROWS: isize = 3;

/// Apply one input to the model.
pub fn update(m: &mut Model, input: Input) -> Effect {
    let effect = apply_input(m, input);
    // The pending suggestions follow the annotations (cheap when unchanged).
    m.pending.refresh(&m.doc);
    effect
}

fn apply_input(m: &mut Model, input: Input) -> Effect {
    match input {
        Input::Resize(w, h) => {
            m.size = (w, h);
            m.top = m.viewport().row_at(m.top).start;
            scroll_to_cursor(m);
            clamp_sidebar(m);
            Effect::None
        }
        Input::Mouse(ev) => mouse(m, ev),
        Input::Paste(s) => {
            if let Some(input) = text_input(m) {
                insert(input, &s.replace(['\n', '\r'], " "));
                after_search_edit(m);
            }
            Effect::None
        }
        Input::Anchoring(done) => {
            if let Some((_, total)) = m.anchoring {
                m.anchoring = Some((done.min(total), total));
            }
            Effect::None
        }
        Input::Anchored(placements) => {
            super::review::anchored(m, placements);
            Effect::None
        }
        Input::Suggested(list) => {
            super::triage::arrived(m, list);
            Effect::None
        }
        Input::Counted(revision, n) => {
            m.pending.counted(revision, n);
            Effect::None
        }
        Input::Matched(q, list) => {
            matched(m, q, list);
            Effect::None
        }
        Input::Key(ev) if ev.kind == KeyEventKind::Release => Effect::None,
        Input::Key(ev) => key(m, ev),
    }
}

fn text_input(m: &mut Model) -> Option<&mut TextInput> {
    match &mut m.mode {
        Mode::Search { input, .. } | Mode::Prompt { input, .. } => Some(input),
        Mode::Speaker(p) => Some(&mut p.input),
        _ => None,
    }
}

fn key(m: &mut Model, ev: KeyEvent) -> Effect {
    // A failed save arms quit; only an immediate second quit leaves without saving.
    m.quit_armed = m.quit_armed && matches!(m.mode, Mode::Normal) && is_quit(m, &ev);
    match m.mode.clone() {
        Mode::Normal => {
            m.message = None;
            let ctx = if m.focus == Focus::Sidebar { Context::Sidebar } else { Context::Article };
            match m.keymap.lookup(ctx, &ev) {
                Some(a) => apply(m, a),
                None => Effect::None,
            }
        }
        Mode::Help { scroll } => {
            help_key(m, ev, scroll);
            Effect::None
        }
        Mode::Tag(target) => match m.keymap.lookup(Context::TagMenu, &ev) {
            // The schema's entity types come first: their keys are the schema's.
            _ if schema_type(m, &ev).is_some() => {
                let name = schema_type(m, &ev).unwrap_or_default();
                tag_as(m, target, Kind::Entity(name.into()))
            }
            Some(Action::Cancel) => {
                m.mode = Mode::Normal;
                Effect::None
            }
            // A built-in entity type the schema does not list is no choice.
            Some(a) if builtin_type(a).is_some_and(|t| m.schema.entity_type(t).is_none()) => Effect::None,
            Some(a) => tag(m, target, a),
            None if ev.code == KeyCode::Esc => {
                m.mode = Mode::Normal;
                Effect::None
            }
            None => Effect::None,
        },
        Mode::Review { index } => super::review::key(m, ev, index),
        Mode::Recover => super::recover::key(m, ev),
        Mode::Suggestion { shown } => super::triage::key_pressed(m, ev, shown.clone()),
        Mode::Index { index, link } => super::index::key(m, ev, index, link),
        Mode::Search { .. } => search_key(m, ev),
        Mode::Prompt { .. } => prompt_key(m, ev),
        Mode::Speaker(_) => speaker_key(m, ev),
    }
}

fn is_quit(m: &Model, ev: &KeyEvent) -> bool {
    let ctx = if m.focus == Focus::Sidebar { Context::Sidebar } else { Context::Article };
    matches!(m.keymap.lookup(ctx, ev), Some(Action::Quit | Action::BackToList))
}

/// Whether `a` must wait because re-anchoring runs (it changes the
/// annotations); says so when it must.
pub(crate) fn must_wait(m: &mut Model, a: Action) -> bool {
    let Some((done, total)) = m.anchoring.filter(|_| a.changes_annotations()) else { return false };
    say(m, format!("{} the annotations ({done} of {total})", super::review::WAIT), Level::Info);
    true
}

/// Apply one action (in normal mode).
pub fn apply(m: &mut Model, a: Action) -> Effect {
    use Action::*;
    if must_wait(m, a) {
        return Effect::None;
    }
    let effect = match a {
        Help => {
            m.mode = Mode::Help { scroll: 0 };
            Effect::None
        }
        Quit if m.anchor.is_some() && m.focus == Focus::Article => {
            m.anchor = None;
            Effect::None
        }
        Quit => {
            m.going_back = false;
            Effect::Quit
        }
        Save => Effect::Save,
        Redraw => Effect::Redraw,
        SaveAs => {
            let suggestion = format!("{}.copy", m.doc.ann_path.display());
            m.mode = Mode::Prompt {
                field: PromptField::SaveAs,
                id: String::new(),
                input: TextInput::with(&suggestion),
            };
            Effect::None
        }
        Undo => undo_redo(m, true),
        Redo => undo_redo(m, false),
        FocusNext => {
            m.focus = if m.focus == Focus::Article { Focus::Sidebar } else { Focus::Article };
            let listed = m.listed();
            if m.focus == Focus::Sidebar
                && m.selected_index().and_then(|i| position(listed.as_deref(), i)).is_none()
            {
                m.selected = listed_id(m, listed.as_deref(), 0);
            }
            clamp_sidebar(m);
            Effect::None
        }
        ToggleNumbers => toggle_numbers(m),
        Review => super::review::open(m),
        Reattach => reattach(m),
        Cancel => {
            m.anchor = None;
            forget_matches(m);
            m.reattach = None;
            Effect::None
        }
        Select => {
            m.anchor = if m.anchor.is_some() { None } else { Some(m.cursor) };
            Effect::None
        }
        Tag => open_tag_menu(m),
        Search => {
            m.mode = Mode::Search { input: TextInput::default(), origin: (m.cursor, m.top) };
            Effect::None
        }
        SearchNext | SearchPrev => {
            search_again(m, a == SearchPrev);
            Effect::None
        }
        SidebarDown | SidebarUp | SidebarFirst | SidebarLast => {
            sidebar_move(m, a);
            Effect::None
        }
        PageDown | PageUp if m.focus == Focus::Sidebar => {
            sidebar_move(m, a);
            Effect::None
        }
        Jump => {
            jump_to_selected(m);
            Effect::None
        }
        Delete => delete_selected(m),
        EditNote | EditSource | EditValue | EditSpeaker => edit_selected(m, a),
        GrowStart | ShrinkStart | GrowEnd | ShrinkEnd => move_edge(m, a),
        TagQuote | TagPerson | TagOrganization | TagPlace | TagOther | TagStatistic => Effect::None,
        CycleStatus => cycle_status(m),
        FilterKind | FilterStatus | FilterText | ClearFilter => filter_action(m, a),
        EntityIndex => super::index::open(m),
        LinkEntity => super::index::link(m),
        MarkReviewed => mark_reviewed(m),
        GotoReviewed => {
            match m.reviewed_upto {
                Some(b) => go_to(m, motion::snap(&m.doc.article, b.min(m.doc.article.len()))),
                None => say(m, "No reviewed mark yet (M sets it at the cursor)", Level::Info),
            }
            Effect::None
        }
        // Leaving for the list saves as quitting does (a failed save arms it).
        BackToList if m.from_folder => {
            m.going_back = true;
            Effect::Quit
        }
        BackToList => {
            say(m, "No list to go back to: marginote opened this article itself", Level::Info);
            Effect::None
        }
        NextSuggestion => super::triage::next(m),
        AnnotateAll => super::triage::all_occurrences(m),
        AcceptSuggestion | AcceptAllSame | RejectSuggestion | RejectAllSame | SkipSuggestion => Effect::None,
        motion_action => {
            motion(m, motion_action);
            Effect::None
        }
    };
    if !matches!(a, MoveUp | MoveDown | PageDown | PageUp | ScrollDown | ScrollUp) {
        m.want_col = None;
    }
    effect
}

fn say(m: &mut Model, text: impl Into<String>, level: Level) {
    m.message = Some((text.into(), level));
}

/// Record a change to the annotations; returns the effect that saves it.
pub(crate) fn changed(m: &mut Model, what: &str) -> Effect {
    super::review::refresh(m);
    say(m, what.to_owned(), Level::Info);
    if m.doc.read_only() { Effect::None } else { Effect::Save }
}

fn undo_redo(m: &mut Model, undo: bool) -> Effect {
    let ok = if undo { m.doc.undo() } else { m.doc.redo() };
    if !ok {
        say(m, if undo { "Nothing to undo" } else { "Nothing to redo" }, Level::Info);
        return Effect::None;
    }
    m.review = super::review::pending(&m.doc);
    if m.selected_index().is_none() {
        m.selected = m.doc.annotations().first().map(|a| a.id.to_string());
    }
    clamp_sidebar(m);
    changed(m, if undo { "Undone" } else { "Redone" })
}

fn toggle_numbers(m: &mut Model) -> Effect {
    let old = m.doc.file().article.numbers;
    let new = old.toggled();
    let art = m.doc.article.clone();
    m.doc.change(|f| {
        f.article.numbers = new;
        for a in &mut f.annotations {
            if let Kind::Statistic { value, unit } = &a.kind {
                // Re-parse only values that still say what the old convention read.
                let b = a.bytes(&art);
                if let Kind::Statistic { value: old_v, .. } = statistic_kind(&art, b.clone(), old)
                    && old_v == *value
                {
                    let unit = unit.clone();
                    if let Kind::Statistic { value: v, .. } = statistic_kind(&art, b, new) {
                        a.kind = Kind::Statistic { value: v, unit };
                    }
                }
            }
        }
    });
    changed(m, &format!("Numbers read as {}", new.label()))
}

// ---------------------------------------------------------------- motions

fn motion(m: &mut Model, a: Action) {
    use Action::*;
    let art = &m.doc.article;
    let c = m.cursor;
    let new = match a {
        MoveLeft => motion::grapheme_left(art, c),
        MoveRight => motion::grapheme_right(art, c),
        MoveUp | MoveDown => return vertical(m, if a == MoveUp { -1 } else { 1 }),
        WordForward => motion::word_forward(art, c),
        WordBackward => motion::word_backward(art, c),
        WordEnd => motion::word_end(art, c),
        SentenceForward => motion::sentence_forward(art, c),
        SentenceBackward => motion::sentence_backward(art, c),
        ParagraphForward => motion::paragraph_forward(art, c),
        ParagraphBackward => motion::paragraph_backward(art, c),
        LineStart => art.line_content(art.line_of(c)).start,
        LineEnd => motion::snap(art, art.line_content(art.line_of(c)).end),
        GotoStart => 0,
        GotoEnd => motion::last_position(art),
        PageDown | PageUp => return page(m, a == PageDown),
        ScrollDown | ScrollUp => return scroll(m, if a == ScrollDown { 1 } else { -1 }),
        NextAnnotation | PrevAnnotation => return annotation_hop(m, a == NextAnnotation),
        _ => return,
    };
    set_cursor(m, new);
}

/// Move the cursor and bring it into view.
fn set_cursor(m: &mut Model, b: usize) {
    m.cursor = motion::snap(&m.doc.article, b);
    scroll_to_cursor(m);
}

/// Keep the cursor's row on screen, `SCROLL_OFF` rows from the edges.
fn scroll_to_cursor(m: &mut Model) {
    let (_, h) = m.article_size();
    let off = SCROLL_OFF.min(h.saturating_sub(1) / 2);
    let v = m.viewport();
    let cur = v.row_at(m.cursor).start;
    let top = v.row_at(m.top).start;
    m.top = if cur < top {
        v.offset_rows(cur, -(off as isize))
    } else {
        match v.distance(top, cur, h) {
            Some(d) if d < off => v.offset_rows(cur, -(off as isize)),
            Some(d) if d + off < h => top,
            _ => v.offset_rows(cur, -((h - 1 - off) as isize)),
        }
    };
}

fn cursor_col(m: &Model) -> usize {
    let v = m.viewport();
    col_of(&v.layout(v.row_at(m.cursor)), m.cursor).unwrap_or(0)
}

fn vertical(m: &mut Model, dir: isize) {
    let col = m.want_col.unwrap_or_else(|| cursor_col(m));
    let v = m.viewport();
    let row = v.row_at(m.cursor);
    let next = if dir > 0 { v.next_row(row.start) } else { v.prev_row(row.start) };
    if let Some(r) = next {
        let b = byte_at(&v.layout(r), col).unwrap_or(r.start);
        set_cursor(m, b);
    }
    m.want_col = Some(col);
}

fn page(m: &mut Model, down: bool) {
    let (_, h) = m.article_size();
    let step = h.saturating_sub(2).max(1) as isize;
    let v = m.viewport();
    let rows_from_top = v.distance(m.top, m.cursor, h).unwrap_or(0) as isize;
    let new_top = v.offset_rows(m.top, if down { step } else { -step });
    if new_top == v.row_at(m.top).start {
        let end = if down { motion::last_position(&m.doc.article) } else { 0 };
        set_cursor(m, end);
        return;
    }
    m.top = new_top;
    let target = m.viewport().offset_rows(new_top, rows_from_top);
    m.cursor = motion::snap(&m.doc.article, target);
    scroll_to_cursor(m);
}

fn scroll(m: &mut Model, rows: isize) {
    let (_, h) = m.article_size();
    let v = m.viewport();
    let new_top = v.offset_rows(m.top, rows);
    let last_top = v.offset_rows(motion::last_position(&m.doc.article), -((h as isize) - 1));
    m.top = if rows > 0 { new_top.min(last_top.max(m.top)) } else { new_top };
    let top = m.top;
    let v = m.viewport();
    let bottom = v.offset_rows(top, h as isize - 1);
    if m.cursor < top {
        m.cursor = top;
    } else if v.row_at(m.cursor).start > bottom {
        m.cursor = motion::snap(&m.doc.article, bottom);
    }
}

fn annotation_hop(m: &mut Model, forward: bool) {
    let art = &m.doc.article;
    let c = art.byte_to_char(m.cursor);
    // The list is in order of start: the search starts beside the cursor
    // (a scan from the list's start cost more the further into the book).
    let list = m.doc.annotations();
    let hit = if forward {
        list[list.partition_point(|a| a.start <= c)..].iter().find(|a| m.shows(a))
    } else {
        list[..list.partition_point(|a| a.start < c)].iter().rev().find(|a| m.shows(a))
    };
    match hit {
        Some(a) => {
            let (b, id) = (a.bytes(art).start, a.id.to_string());
            m.selected = Some(id);
            set_cursor(m, b);
            clamp_sidebar(m);
        }
        None => say(
            m,
            if forward { "No annotation after the cursor" } else { "No annotation before the cursor" },
            Level::Info,
        ),
    }
}

// ---------------------------------------------------------------- search

fn search_key(m: &mut Model, ev: KeyEvent) -> Effect {
    let Mode::Search { origin, .. } = m.mode.clone() else { return Effect::None };
    match ev.code {
        KeyCode::Esc => {
            (m.cursor, m.top) = origin;
            m.mode = Mode::Normal;
        }
        KeyCode::Enter => {
            let Mode::Search { input, .. } = std::mem::replace(&mut m.mode, Mode::Normal) else {
                unreachable!()
            };
            if input.text.is_empty() {
                search_again(m, false);
            } else {
                (m.cursor, m.top) = origin;
                m.last_search = Some(input.text);
                search_from(m, origin.0, false, true);
            }
        }
        _ => {
            if let Some(input) = text_input(m) {
                edit_text(input, &ev);
            }
            after_search_edit(m);
        }
    }
    Effect::None
}

/// Incremental search: show the first match from where the search started.
fn after_search_edit(m: &mut Model) {
    let Mode::Search { input, origin } = m.mode.clone() else { return };
    (m.cursor, m.top) = origin;
    if input.text.is_empty() {
        return;
    }
    if let Some(r) = m.search_from(&input.text, origin.0.saturating_sub(1), false) {
        set_cursor(m, r.start);
    }
}

fn search_again(m: &mut Model, backward: bool) {
    match m.last_search.clone() {
        Some(_) => {
            // Backward starts before the current match, forward after it.
            let from = if backward { m.anchor.map_or(m.cursor, |a| a.min(m.cursor)) } else { m.cursor };
            search_from(m, from, backward, false)
        }
        None => say(m, "No previous search: press / to search", Level::Info),
    }
}

/// No search's matches: none highlighted, none kept, none being found.
fn forget_matches(m: &mut Model) {
    m.matches = Default::default();
    m.matches_of = None;
    m.matching = None;
}

/// What the status line says while a search's matches are counted.
fn counting(q: &str) -> String {
    format!("/{q}  counting the matches…")
}

/// "/q  match n of N", for the selection among the matches of `q`.
fn say_nth(m: &mut Model, q: &str) {
    let at = m.anchor.unwrap_or(m.cursor);
    let i = m.matches.partition_point(|x| x.start < at);
    let nth = if m.matches.get(i).is_some_and(|x| x.start == at) { i + 1 } else { 0 };
    say(m, format!("/{q}  match {nth} of {}", m.matches.len()), Level::Info);
}

/// Every match of `q` arrived: kept when they are still wanted, and
/// counted on the status line when it still says they are being counted.
fn matched(m: &mut Model, q: String, list: crate::core::matches::Matches) {
    if m.matching.as_deref() != Some(q.as_str()) {
        return;
    }
    m.matching = None;
    m.matches = list;
    let still = m.message.as_ref().is_some_and(|(t, _)| *t == counting(&q));
    if still {
        say_nth(m, &q);
    }
    m.matches_of = Some(q);
}

/// Find the next match from `from` and select it.
fn search_from(m: &mut Model, from: usize, backward: bool, include_from: bool) {
    let Some(q) = m.last_search.clone() else { return };
    let from = if include_from { from.saturating_sub(1) } else { from };
    match m.search_from(&q, from, backward) {
        Some(r) => {
            select_range(m, r);
            // `n` and `N` reuse the matches of the same query. Finding
            // them all takes tens of milliseconds for a common word in a
            // book: the app loop finds them on a thread while the first
            // is on screen.
            if m.matches_of.as_deref() == Some(q.as_str()) {
                say_nth(m, &q);
            } else {
                if m.matching.as_deref() != Some(q.as_str()) {
                    forget_matches(m);
                    m.matching = Some(q.clone());
                }
                say(m, counting(&q), Level::Info);
            }
        }
        None => {
            forget_matches(m);
            say(m, format!("Not found: {q}"), Level::Error);
        }
    }
}

/// Make `r` the selection (anchor at its start, cursor on its last grapheme).
pub(crate) fn select_range(m: &mut Model, r: Range<usize>) {
    let art = &m.doc.article;
    let last = if r.end > r.start { motion::snap(art, r.end - 1) } else { r.start };
    m.anchor = Some(r.start);
    set_cursor(m, last);
}

// ---------------------------------------------------------------- tagging

fn trimmed(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let start = r.start + (s.len() - s.trim_start().len());
    let end = r.end - (s.len() - s.trim_end().len());
    start..end.max(start)
}

fn open_tag_menu(m: &mut Model) -> Effect {
    let target = match m.focus {
        Focus::Article => match m.selection() {
            Some(r) => {
                let r = trimmed(m.doc.article.text(), r);
                if r.is_empty() {
                    say(m, "The selection is only white space", Level::Error);
                    return Effect::None;
                }
                TagTarget::Selection(r)
            }
            None => {
                say(m, "Select text first: v, then move (or / to search)", Level::Info);
                return Effect::None;
            }
        },
        Focus::Sidebar => match m.selected.clone().filter(|_| m.selected_index().is_some()) {
            Some(id) => TagTarget::Annotation(id),
            None => return Effect::None,
        },
    };
    m.mode = Mode::Tag(target);
    Effect::None
}

/// The entity type a built-in tag action names.
fn builtin_type(a: Action) -> Option<&'static str> {
    match a {
        Action::TagPerson => Some("Person"),
        Action::TagOrganization => Some("Organization"),
        Action::TagPlace => Some("Place"),
        Action::TagOther => Some("Other"),
        _ => None,
    }
}

fn kind_for(m: &Model, a: Action, bytes: Range<usize>) -> Option<Kind> {
    if let Some(t) = builtin_type(a) {
        return Some(Kind::Entity(t.into()));
    }
    match a {
        Action::TagStatistic => Some(statistic_kind(&m.doc.article, bytes, m.doc.file().article.numbers)),
        _ => None,
    }
}

/// The schema's entity type whose tag-menu key `ev` is, if any.
fn schema_type(m: &Model, ev: &KeyEvent) -> Option<String> {
    match ev.code {
        KeyCode::Char(c) if !ev.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
            m.schema.by_key(c).map(|t| t.name.clone())
        }
        _ => None,
    }
}

/// Tag the target as `kind` (an entity of a schema type).
fn tag_as(m: &mut Model, target: TagTarget, kind: Kind) -> Effect {
    m.mode = Mode::Normal;
    match target {
        TagTarget::Selection(r) => add_annotation(m, r, kind),
        TagTarget::Annotation(id) => {
            let Some(i) = m.doc.index_of(&id) else { return Effect::None };
            let stamp = m.stamp();
            m.doc.edit(i, |a| {
                a.kind = kind;
                a.touch(&stamp);
            });
            changed(m, "Re-tagged")
        }
    }
}

fn tag(m: &mut Model, target: TagTarget, a: Action) -> Effect {
    m.mode = Mode::Normal;
    if a == Action::TagQuote {
        let st = match target {
            TagTarget::Selection(r) => SpeakerTarget::NewQuote(r),
            TagTarget::Annotation(id) => SpeakerTarget::Existing(id),
        };
        open_speaker_picker(m, st);
        return Effect::None;
    }
    match target {
        TagTarget::Selection(r) => {
            let Some(kind) = kind_for(m, a, r.clone()) else { return Effect::None };
            add_annotation(m, r, kind)
        }
        TagTarget::Annotation(id) => {
            let Some(i) = m.doc.index_of(&id) else { return Effect::None };
            let r = m.doc.annotations()[i].bytes(&m.doc.article);
            let Some(kind) = kind_for(m, a, r) else { return Effect::None };
            let stamp = m.stamp();
            m.doc.edit(i, |ann| {
                // Only an entity is linked to another as the same one.
                if kind.entity_type().is_none() {
                    ann.set_same_as(None);
                }
                ann.kind = kind;
                ann.touch(&stamp);
            });
            changed(m, "Re-tagged")
        }
    }
}

fn add_annotation(m: &mut Model, r: Range<usize>, kind: Kind) -> Effect {
    let art = &m.doc.article;
    let (start, end) = (art.byte_to_char(r.start), art.byte_to_char(r.end));
    if let Some(twin) = m.doc.annotations().iter().find(|a| {
        (a.start, a.end) == (start, end) && std::mem::discriminant(&a.kind) == std::mem::discriminant(&kind)
    }) {
        let id = twin.id.to_string();
        m.selected = Some(id);
        m.anchor = None;
        say(m, "Already tagged: re-tag it from the sidebar (Tab, then t)", Level::Info);
        return Effect::None;
    }
    let stamp = m.stamp();
    let ann = Annotation::new(&m.doc.article, r, kind, &stamp);
    let (id, label) = (ann.id.to_string(), ann.kind.name());
    let exact = shorten(&ann.exact, 40);
    m.doc.add(vec![ann]);
    m.selected = Some(id);
    m.anchor = None;
    clamp_sidebar(m);
    changed(m, &format!("Tagged {label}: {exact}"))
}

/// `s` on one line (white space folded), cut to `max` characters with `…`.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    one_line.chars().take(max.saturating_sub(1)).collect::<String>() + "…"
}

// ---------------------------------------------------------------- speaker

fn open_speaker_picker(m: &mut Model, target: SpeakerTarget) {
    let art = &m.doc.article;
    let here = match &target {
        SpeakerTarget::NewQuote(r) => art.byte_to_char(r.start),
        SpeakerTarget::Existing(id) => m.doc.index_of(id).map_or(0, |i| m.doc.annotations()[i].start),
    };
    let mut found: Vec<&Annotation> = m.doc.annotations().iter().filter(|a| a.kind.can_speak()).collect();
    found.sort_by_key(|a| a.start.abs_diff(here));
    let mut candidates: Vec<(String, String)> = Vec::new();
    for a in found {
        if !candidates.iter().any(|(_, t)| t == a.exact) {
            candidates.push((a.id.to_string(), a.exact.to_string()));
        }
    }
    let highlight = (!candidates.is_empty()).then_some(0);
    m.mode = Mode::Speaker(SpeakerPicker { target, candidates, highlight, input: TextInput::default() });
}

fn speaker_key(m: &mut Model, ev: KeyEvent) -> Effect {
    let Mode::Speaker(mut p) = m.mode.clone() else { return Effect::None };
    match ev.code {
        KeyCode::Esc => {
            m.mode = Mode::Normal;
            return set_speaker(m, p.target, None);
        }
        KeyCode::Enter => {
            m.mode = Mode::Normal;
            let typed = p.input.text.trim().to_owned();
            let speaker = match p.highlight {
                Some(i) => Some(Speaker::Entity(p.candidates[i].0.clone())),
                None if typed.is_empty() => None,
                None => Some(
                    p.candidates
                        .iter()
                        .find(|(_, t)| t.to_lowercase() == typed.to_lowercase())
                        .map_or(Speaker::Text(typed), |(id, _)| Speaker::Entity(id.clone())),
                ),
            };
            return set_speaker(m, p.target, speaker);
        }
        KeyCode::Down | KeyCode::Up if !p.candidates.is_empty() => {
            let n = p.candidates.len();
            p.highlight = Some(match (p.highlight, ev.code) {
                (None, _) => 0,
                (Some(i), KeyCode::Down) => (i + 1) % n,
                (Some(i), _) => (i + n - 1) % n,
            });
        }
        _ => {
            if edit_text(&mut p.input, &ev) {
                p.highlight = None;
            }
        }
    }
    m.mode = Mode::Speaker(p);
    Effect::None
}

fn set_speaker(m: &mut Model, target: SpeakerTarget, speaker: Option<Speaker>) -> Effect {
    match target {
        SpeakerTarget::NewQuote(r) => add_annotation(m, r, Kind::Quote { speaker }),
        SpeakerTarget::Existing(id) => {
            let Some(i) = m.doc.index_of(&id) else { return Effect::None };
            let stamp = m.stamp();
            m.doc.edit(i, |a| {
                a.kind = Kind::Quote { speaker };
                a.touch(&stamp);
            });
            changed(m, "Speaker set")
        }
    }
}

// ---------------------------------------------------------------- sidebar

/// Where the annotation at `index` (in the document's list) is among the
/// `listed` ones (`None` listed: all are).
fn position(listed: Option<&[usize]>, index: usize) -> Option<usize> {
    match listed {
        None => Some(index),
        Some(l) => l.binary_search(&index).ok(),
    }
}

/// Keep the selected item inside the visible part of the list.
pub fn clamp_sidebar(m: &mut Model) {
    let listed = m.listed();
    let rows = m.sidebar_rows();
    let n = listed.as_ref().map_or(m.doc.annotations().len(), |l| l.len());
    let sel = m.selected_index().and_then(|i| position(listed.as_deref(), i)).unwrap_or(0);
    if sel < m.sidebar_top {
        m.sidebar_top = sel;
    } else if sel >= m.sidebar_top + rows {
        m.sidebar_top = sel + 1 - rows;
    }
    m.sidebar_top = m.sidebar_top.min(n.saturating_sub(rows));
}

/// The annotation at position `pos` of the list (filtered or not).
fn listed_id(m: &Model, listed: Option<&[usize]>, pos: usize) -> Option<String> {
    let i = match listed {
        None => pos,
        Some(l) => *l.get(pos)?,
    };
    m.doc.annotations().get(i).map(|a| a.id.to_string())
}

fn sidebar_move(m: &mut Model, a: Action) {
    let listed = m.listed();
    let n = listed.as_ref().map_or(m.doc.annotations().len(), |l| l.len());
    if n == 0 {
        return;
    }
    let cur = m.selected_index().and_then(|i| position(listed.as_deref(), i));
    let page = m.sidebar_rows().saturating_sub(1).max(1);
    let pos = match (a, cur) {
        (Action::SidebarFirst, _) | (_, None) => 0,
        (Action::SidebarLast, _) => n - 1,
        (Action::SidebarDown, Some(c)) => (c + 1).min(n - 1),
        (Action::SidebarUp, Some(c)) => c.saturating_sub(1),
        (Action::PageDown, Some(c)) => (c + page).min(n - 1),
        (Action::PageUp, Some(c)) => c.saturating_sub(page),
        (_, Some(c)) => c,
    };
    m.selected = listed_id(m, listed.as_deref(), pos);
    clamp_sidebar(m);
    reveal_selected(m);
}

/// After the filter changed: keep the selection if it is still listed,
/// else select the first listed annotation; say how many are listed.
pub(crate) fn refiltered(m: &mut Model) {
    let listed = m.listed();
    let still = m.selected_index().and_then(|i| position(listed.as_deref(), i)).is_some();
    if !still {
        m.selected = listed_id(m, listed.as_deref(), 0);
    }
    m.sidebar_top = 0;
    clamp_sidebar(m);
    let total = m.doc.annotations().len();
    let text = match listed {
        None => format!("All {total} annotations listed"),
        Some(l) => format!("{} of {total} listed: {}", l.len(), m.filter.label()),
    };
    say(m, text, Level::Info);
}

fn filter_action(m: &mut Model, a: Action) -> Effect {
    match a {
        Action::FilterKind => {
            m.filter.scope = super::filter::next_scope(&m.filter.scope, m.doc.annotations());
        }
        Action::FilterStatus => {
            m.filter.status = super::filter::next_status_filter(&m.filter.status, &m.schema.statuses);
        }
        Action::FilterText => {
            m.mode = Mode::Prompt {
                field: PromptField::Filter,
                id: String::new(),
                input: TextInput::with(&m.filter.text),
            };
            return Effect::None;
        }
        _ => m.filter = Default::default(),
    }
    refiltered(m);
    Effect::None
}

fn cycle_status(m: &mut Model) -> Effect {
    let Some(i) = m.selected_index() else {
        say(m, "No annotation selected", Level::Info);
        return Effect::None;
    };
    let next = super::filter::next_status(&m.doc.annotations()[i].status, &m.schema.statuses);
    let stamp = m.stamp();
    let name = next.name().to_owned();
    m.doc.edit(i, |a| {
        a.status = next;
        a.touch(&stamp);
    });
    changed(m, &format!("Status: {name}"))
}

/// Set the "reviewed up to here" mark at the cursor, or remove it when the
/// cursor is on it.
fn mark_reviewed(m: &mut Model) -> Effect {
    if m.reviewed_upto == Some(m.cursor) {
        m.reviewed_upto = None;
        say(m, "Reviewed mark removed", Level::Info);
    } else {
        m.reviewed_upto = Some(m.cursor);
        let pct = m.cursor * 100 / m.doc.article.len().max(1);
        say(m, format!("Reviewed up to here ({pct}%)"), Level::Info);
    }
    Effect::None
}

/// Move the article's cursor to the selected annotation, so it is in view.
fn reveal_selected(m: &mut Model) {
    if let Some(b) = m.selected_annotation().map(|a| a.bytes(&m.doc.article).start) {
        set_cursor(m, b);
    }
}

/// Show byte `b` in the article, with the focus there and no selection.
pub fn go_to(m: &mut Model, b: usize) {
    m.focus = Focus::Article;
    m.anchor = None;
    set_cursor(m, b);
}

/// Finish a re-attach from the review list: the selection becomes the span.
fn reattach(m: &mut Model) -> Effect {
    let Some(id) = m.reattach.clone() else { return Effect::None };
    let (Some(r), Some(i)) = (m.selection(), m.doc.index_of(&id)) else {
        say(m, "Select the new text first (v, motions or /search), then Enter", Level::Info);
        return Effect::None;
    };
    let r = trimmed(m.doc.article.text(), r);
    let (art, stamp) = (m.doc.article.clone(), m.stamp());
    m.doc.edit(i, |a| {
        a.set_span(&art, r);
        a.touch(&stamp);
    });
    m.reattach = None;
    m.anchor = None;
    m.selected = Some(id);
    changed(m, "Re-attached")
}

fn jump_to_selected(m: &mut Model) {
    if let Some(a) = m.selected_annotation() {
        let b = a.bytes(&m.doc.article).start;
        m.focus = Focus::Article;
        m.anchor = None;
        set_cursor(m, b);
    }
}

fn delete_selected(m: &mut Model) -> Effect {
    let Some(i) = m.selected_index() else { return Effect::None };
    let exact = shorten(&m.doc.annotations()[i].exact, 40);
    m.doc.change(|f| {
        f.annotations.remove(i);
    });
    // The next one the list shows (the one before, at its end): a filter
    // may hide the neighbours in the whole list.
    let listed = m.listed();
    let n = m.doc.annotations().len();
    let next = match &listed {
        None => (n > 0).then(|| i.min(n - 1)),
        Some(l) => l.iter().find(|&&k| k >= i).or(l.last()).copied(),
    };
    m.selected = next.map(|k| m.doc.annotations()[k].id.to_string());
    clamp_sidebar(m);
    changed(m, &format!("Deleted: {exact}  (u undoes)"))
}

fn edit_selected(m: &mut Model, a: Action) -> Effect {
    let Some(ann) = m.selected_annotation().cloned() else {
        say(m, "No annotation selected", Level::Info);
        return Effect::None;
    };
    let (field, text) = match (a, &ann.kind) {
        (Action::EditNote, _) => (PromptField::Note, ann.note().unwrap_or_default().to_owned()),
        (Action::EditSource, _) => (PromptField::Source, ann.source().unwrap_or_default().to_owned()),
        (Action::EditSpeaker, Kind::Quote { .. }) => {
            open_speaker_picker(m, SpeakerTarget::Existing(ann.id.to_string()));
            return Effect::None;
        }
        (Action::EditSpeaker, _) => {
            say(m, "Only quotes have a speaker (t q makes this a quote)", Level::Info);
            return Effect::None;
        }
        (_, Kind::Statistic { value, .. }) => {
            (PromptField::Value, value.map(format_value).unwrap_or_default())
        }
        (_, Kind::Entity(t)) => (PromptField::EntityType, t.to_string()),
        (_, Kind::Quote { .. }) => {
            open_speaker_picker(m, SpeakerTarget::Existing(ann.id.to_string()));
            return Effect::None;
        }
    };
    m.mode = Mode::Prompt { field, id: ann.id.to_string(), input: TextInput::with(&text) };
    Effect::None
}

/// A value as the user would type it back (no `.0` on whole numbers).
pub fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") }
}

fn prompt_key(m: &mut Model, ev: KeyEvent) -> Effect {
    let Mode::Prompt { field, id, mut input } = m.mode.clone() else { return Effect::None };
    match ev.code {
        KeyCode::Esc if field == PromptField::Filter => {
            m.mode = Mode::Normal;
            m.filter.text.clear();
            refiltered(m);
            Effect::None
        }
        KeyCode::Esc => {
            m.mode = Mode::Normal;
            Effect::None
        }
        KeyCode::Enter if field == PromptField::Filter => {
            m.mode = Mode::Normal;
            refiltered(m);
            Effect::None
        }
        KeyCode::Enter if field == PromptField::SaveAs => {
            m.mode = Mode::Normal;
            match input.text.trim() {
                "" => Effect::None,
                path => Effect::SaveAs(std::path::PathBuf::from(path)),
            }
        }
        KeyCode::Enter => {
            m.mode = Mode::Normal;
            commit_prompt(m, field, &id, input.text.trim())
        }
        _ => {
            edit_text(&mut input, &ev);
            if field == PromptField::Filter {
                m.filter.text = input.text.clone();
                m.sidebar_top = 0;
            }
            m.mode = Mode::Prompt { field, id, input };
            Effect::None
        }
    }
}

fn commit_prompt(m: &mut Model, field: PromptField, id: &str, text: &str) -> Effect {
    let Some(i) = m.doc.index_of(id) else { return Effect::None };
    let opt = (!text.is_empty()).then(|| text.to_owned());
    let value = if field == PromptField::Value && !text.is_empty() {
        match text.parse::<f64>().ok().or_else(|| parse_number(text, m.doc.file().article.numbers)) {
            Some(v) => Some(v),
            None => {
                say(m, format!("Not a number: {text}"), Level::Error);
                return Effect::None;
            }
        }
    } else {
        None
    };
    if field == PromptField::EntityType && opt.is_none() {
        say(m, "An entity needs a type", Level::Error);
        return Effect::None;
    }
    let stamp = m.stamp();
    m.doc.edit(i, |a| {
        match field {
            PromptField::SaveAs | PromptField::Filter => {}
            PromptField::Note => a.set_note(opt),
            PromptField::Source => a.set_source(opt),
            PromptField::EntityType => a.kind = Kind::Entity(text.into()),
            PromptField::Value => {
                if let Kind::Statistic { value: v, .. } = &mut a.kind {
                    *v = value;
                }
            }
            PromptField::Unit => {
                if let Kind::Statistic { unit, .. } = &mut a.kind {
                    *unit = opt;
                }
            }
        }
        a.touch(&stamp);
    });
    if field == PromptField::Value {
        let unit = match &m.doc.annotations()[i].kind {
            Kind::Statistic { unit, .. } => unit.clone().unwrap_or_default(),
            _ => String::new(),
        };
        m.mode = Mode::Prompt { field: PromptField::Unit, id: id.to_owned(), input: TextInput::with(&unit) };
    }
    changed(m, &format!("{} saved", field.label()))
}

fn move_edge(m: &mut Model, a: Action) -> Effect {
    let Some(i) = m.selected_index() else { return Effect::None };
    let art = m.doc.article.clone();
    let r = m.doc.annotations()[i].bytes(&art);
    let new = match a {
        Action::GrowStart => motion::words_backward(&art, r.start).next().map(|w| w.start..r.end),
        Action::ShrinkStart => motion::words_forward(&art, r.start)
            .find(|w| w.start > r.start)
            .filter(|w| w.start < r.end)
            .map(|w| w.start..r.end),
        Action::GrowEnd => motion::words_forward(&art, r.end).find(|w| w.end > r.end).map(|w| r.start..w.end),
        Action::ShrinkEnd => motion::words_backward(&art, r.end)
            .find(|w| w.end < r.end)
            .filter(|w| w.end > r.start)
            .map(|w| r.start..w.end),
        _ => None,
    };
    let Some(new) = new else {
        say(m, "The span cannot move further that way", Level::Info);
        return Effect::None;
    };
    let stamp = m.stamp();
    m.doc.edit(i, |ann| {
        ann.set_span(&art, new);
        ann.touch(&stamp);
    });
    reveal_selected(m);
    changed(m, "Span changed")
}

// ---------------------------------------------------------------- text fields

fn insert(input: &mut TextInput, s: &str) {
    input.text.insert_str(input.caret, s);
    input.caret += s.len();
}

/// Edit a text field with a key; true if the text changed.
fn edit_text(input: &mut TextInput, ev: &KeyEvent) -> bool {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let prev = |i: &TextInput| i.text[..i.caret].char_indices().last().map_or(0, |(p, _)| p);
    let next = |i: &TextInput| i.text[i.caret..].chars().next().map_or(i.caret, |c| i.caret + c.len_utf8());
    match ev.code {
        KeyCode::Char('u') if ctrl => {
            input.text.replace_range(..input.caret, "");
            input.caret = 0;
            true
        }
        KeyCode::Char('a') if ctrl => {
            input.caret = 0;
            false
        }
        KeyCode::Char('e') if ctrl => {
            input.caret = input.text.len();
            false
        }
        KeyCode::Char(c) if !ctrl => {
            insert(input, c.encode_utf8(&mut [0; 4]));
            true
        }
        KeyCode::Backspace if input.caret > 0 => {
            let p = prev(input);
            input.text.replace_range(p..input.caret, "");
            input.caret = p;
            true
        }
        KeyCode::Delete if input.caret < input.text.len() => {
            let n = next(input);
            input.text.replace_range(input.caret..n, "");
            true
        }
        KeyCode::Left => {
            input.caret = prev(input);
            false
        }
        KeyCode::Right => {
            input.caret = next(input);
            false
        }
        KeyCode::Home => {
            input.caret = 0;
            false
        }
        KeyCode::End => {
            input.caret = input.text.len();
            false
        }
        _ => false,
    }
}

// ---------------------------------------------------------------- help

fn help_key(m: &mut Model, ev: KeyEvent, scroll: usize) {
    let close = matches!(ev.code, KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('?') | KeyCode::F(1));
    m.mode = if close {
        Mode::Normal
    } else {
        let s = match ev.code {
            KeyCode::Char('j') | KeyCode::Down => scroll + 1,
            KeyCode::Char('k') | KeyCode::Up => scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => scroll + 10,
            KeyCode::PageUp => scroll.saturating_sub(10),
            KeyCode::Char('g') | KeyCode::Home => 0,
            _ => scroll,
        };
        Mode::Help { scroll: s }
    };
}

// ---------------------------------------------------------------- mouse

fn mouse(m: &mut Model, ev: MouseEvent) -> Effect {
    if !matches!(m.mode, Mode::Normal) {
        return Effect::None;
    }
    let panes = m.panes();
    let inside = |r: Option<ratatui::layout::Rect>| {
        r.filter(|r| {
            ev.column >= r.x && ev.column < r.x + r.width && ev.row >= r.y && ev.row < r.y + r.height
        })
    };
    if let Some(side) = inside(panes.sidebar) {
        match ev.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                let row = usize::from(ev.row.saturating_sub(side.y + 1));
                let listed = m.listed();
                let id = listed_id(m, listed.as_deref(), m.sidebar_top + row);
                if let (true, Some(id)) = (ev.row > side.y, id) {
                    m.selected = Some(id);
                    m.focus = Focus::Sidebar;
                    clamp_sidebar(m);
                    reveal_selected(m);
                }
            }
            MouseEventKind::ScrollDown => sidebar_move(m, Action::SidebarDown),
            MouseEventKind::ScrollUp => sidebar_move(m, Action::SidebarUp),
            _ => {}
        }
        return Effect::None;
    }
    let Some(area) = panes.article else { return Effect::None };
    match ev.kind {
        MouseEventKind::ScrollDown => scroll(m, WHEEL_ROWS),
        MouseEventKind::ScrollUp => scroll(m, -WHEEL_ROWS),
        MouseEventKind::Down(MouseButton::Left) | MouseEventKind::Drag(MouseButton::Left) => {
            let rows = m.visible_rows();
            let y = usize::from(ev.row.saturating_sub(area.y)).min(rows.len().saturating_sub(1));
            let Some(r) = rows.get(y) else { return Effect::None };
            let col = usize::from(ev.column.saturating_sub(area.x));
            let b = motion::snap(&m.doc.article, byte_at(&m.viewport().layout(*r), col).unwrap_or(r.start));
            m.focus = Focus::Article;
            if matches!(ev.kind, MouseEventKind::Down(_)) {
                m.drag_origin = Some(b);
                m.anchor = None;
            } else if let Some(o) = m.drag_origin {
                m.anchor = Some(o);
            }
            m.cursor = b;
            scroll_to_cursor(m);
        }
        MouseEventKind::Up(MouseButton::Left) => m.drag_origin = None,
        _ => {}
    }
    Effect::None
}
