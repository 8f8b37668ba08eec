//! The whole state of the app, and the small pure computations on it that
//! both `update` and the render functions need (layout, the selection, the
//! visible rows).

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use ratatui::layout::Rect;

use crate::core::annotation::{Annotation, Stamp};
use crate::core::document::Document;
use crate::core::matches::Matches;
use crate::core::motion;
use crate::core::viewport::{Viewport, WrapCache};
use crate::core::wrap::Row;

use super::keymap::Keymap;

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Article,
    Sidebar,
}

/// A one-line text field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    pub text: String,
    /// Byte offset of the caret in `text`.
    pub caret: usize,
}

impl TextInput {
    /// A field holding `text`, caret at the end.
    pub fn with(text: &str) -> TextInput {
        TextInput { text: text.to_owned(), caret: text.len() }
    }
}

/// What the tag menu applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagTarget {
    /// New annotation over this byte range.
    Selection(Range<usize>),
    /// Re-tag the annotation with this id.
    Annotation(String),
}

/// Where the speaker picker puts its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpeakerTarget {
    /// A new quote over this byte range, created when the picker closes.
    NewQuote(Range<usize>),
    /// An existing quote (by id) becomes or stays a quote with this speaker.
    Existing(String),
}

/// The speaker picker: tagged people and organisations, nearest first.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeakerPicker {
    pub target: SpeakerTarget,
    /// `(annotation id, text)` of candidate speakers.
    pub candidates: Vec<(String, String)>,
    /// The highlighted candidate; `None` once the user types free text.
    pub highlight: Option<usize>,
    pub input: TextInput,
}

/// Which field a prompt edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptField {
    Note,
    Source,
    Value,
    Unit,
    EntityType,
    /// Where to write the annotations instead (after a failed save).
    SaveAs,
    /// The sidebar's text filter (applied as it is typed).
    Filter,
}

impl PromptField {
    /// The label before the input.
    pub fn label(self) -> &'static str {
        match self {
            PromptField::Note => "Note",
            PromptField::Source => "Source",
            PromptField::Value => "Value",
            PromptField::Unit => "Unit",
            PromptField::EntityType => "Entity type",
            PromptField::SaveAs => "Save annotations as",
            PromptField::Filter => "Filter",
        }
    }
}

/// What has the keyboard besides the panes.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// Reading, moving, selecting.
    Normal,
    /// Typing a search; `origin` is where the cursor and view were.
    Search { input: TextInput, origin: (usize, usize) },
    /// The tag menu is open.
    Tag(TagTarget),
    /// The speaker picker is open.
    Speaker(SpeakerPicker),
    /// A one-line prompt for a field of the annotation `id`.
    Prompt { field: PromptField, id: String, input: TextInput },
    /// The help screen, scrolled by `scroll` lines.
    Help { scroll: usize },
    /// The list of annotations to review after the article changed.
    Review { index: usize },
    /// Offering to restore annotations a previous session could not save.
    Recover,
    /// Going through suggestions; `shown` is the one shown.
    Suggestion { shown: crate::core::suggest::Suggestion },
    /// The index of entities and speakers; `index` is the highlighted row.
    /// With `link`, Enter links that annotation (an entity) to the picked one.
    Index { index: usize, link: Option<String> },
}

/// How a status message looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

/// The last list [`Model::listed`] built, with the annotations' revision
/// and the filter it was built for: a filter over a book's annotations
/// (a text filter formats each one) is not run again at every key.
#[derive(Debug, Clone, Default)]
pub struct ListedMemo(RefCell<Option<Listed>>);

/// A list of annotation indexes, with the revision and filter it is for.
type Listed = (u64, super::filter::Filter, Rc<[usize]>);

/// The app's state.
#[derive(Debug, Clone)]
pub struct Model {
    pub doc: Document,
    pub keymap: Keymap,
    /// Fixed author and time for new annotations (tests); `None` uses the clock.
    pub fixed_stamp: Option<Stamp>,
    /// Author for new annotations (from the config); `None` uses `$USER`.
    pub author: Option<String>,
    /// Cursor, a byte offset on a grapheme start.
    pub cursor: usize,
    /// The other end of the selection, when one is being made.
    pub anchor: Option<usize>,
    /// Start of the top visual row of the article pane.
    pub top: usize,
    /// Column the cursor wants when moving up and down.
    pub want_col: Option<usize>,
    pub focus: Focus,
    /// Id of the annotation selected in the sidebar.
    pub selected: Option<String>,
    /// First sidebar item shown (a position in [`Model::listed`]).
    pub sidebar_top: usize,
    /// What the sidebar lists and the article highlights.
    pub filter: super::filter::Filter,
    /// The tag set and rules (`marginote.ron` found above the article, or the built-in one).
    pub schema: crate::core::schema::Schema,
    /// Opened from a folder's list: `back_to_list` goes back to it.
    pub from_folder: bool,
    /// The last quit was `back_to_list` (the app shows the list again).
    pub going_back: bool,
    /// "Reviewed up to here": a byte offset in the article, restored from
    /// and saved to [`crate::core::places`] (by `cli` at open, `app` at quit).
    pub reviewed_upto: Option<usize>,
    pub mode: Mode,
    /// The last search query, as typed.
    pub last_search: Option<String>,
    /// Every match of the last search (highlighted in the article).
    pub matches: Matches,
    /// The query `matches` were found for.
    pub matches_of: Option<String>,
    /// The query whose matches are wanted: the app loop finds them on a
    /// thread and brings them as [`Input::Matched`](super::update::Input).
    pub matching: Option<String>,
    /// Wrapped lines of the article at the pane's width.
    pub wraps: WrapCache,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    pub message: Option<(String, Level)>,
    /// Set when the user asked to quit and saving succeeded or was not needed.
    pub quit: bool,
    /// A second quit request quits even though saving failed.
    pub quit_armed: bool,
    /// Where a mouse drag started.
    pub drag_origin: Option<usize>,
    /// Annotations waiting for review after the article changed.
    pub review: super::review::ReviewList,
    /// The annotation to move to the next selection (re-attach from the review).
    pub reattach: Option<String>,
    /// Re-anchoring under way after the article changed: (placed, total).
    /// Changes to the annotations wait until it ends; reading does not.
    pub anchoring: Option<(usize, usize)>,
    /// Where recovery files go (`<data dir>/recovery`); `None` without a home.
    pub recovery_dir: Option<std::path::PathBuf>,
    /// A preview of a large article's start, drawn while it loads.
    pub loading: bool,
    /// Quotes, names and numbers suggested and not yet annotated (what the
    /// rules found arrives from the background; until then, `x` says to wait).
    pub pending: crate::core::pending::Pending,
    /// A recovery file on offer (see [`Mode::Recover`]).
    pub recovered: Option<crate::core::recovery::Recovery>,
    /// What passed the filter last ([`Model::listed`]).
    pub listed_memo: ListedMemo,
}

/// Where each part of the screen is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    /// The article's text (inside its margins).
    pub article: Option<Rect>,
    /// The sidebar block (border included).
    pub sidebar: Option<Rect>,
    /// A warning line above the status line, when there is something to warn about.
    pub banner: Option<Rect>,
    /// The status line.
    pub status: Rect,
}

/// Below this width only the focused pane is shown.
pub const NARROW: u16 = 60;

impl Model {
    /// A model for `doc` at the terminal size `size`.
    pub fn new(doc: Document, keymap: Keymap, size: (u16, u16)) -> Model {
        let pending = crate::core::pending::Pending::new(&doc);
        let mut m = Model {
            doc,
            keymap,
            fixed_stamp: None,
            author: None,
            cursor: 0,
            anchor: None,
            top: 0,
            want_col: None,
            focus: Focus::Article,
            selected: None,
            sidebar_top: 0,
            filter: Default::default(),
            schema: crate::core::schema::Schema::builtin(),
            from_folder: false,
            going_back: false,
            reviewed_upto: None,
            mode: Mode::Normal,
            last_search: None,
            matches: Matches::default(),
            matching: None,
            matches_of: None,
            wraps: WrapCache::default(),
            size,
            message: None,
            quit: false,
            quit_armed: false,
            drag_origin: None,
            review: Default::default(),
            reattach: None,
            anchoring: None,
            recovery_dir: None,
            recovered: None,
            listed_memo: ListedMemo::default(),
            loading: false,
            pending,
        };
        if m.doc.needs_reanchor() {
            m.anchoring = Some((0, m.doc.annotations().len()));
        }
        m.selected = m.doc.annotations().first().map(|a| a.id.to_string());
        m
    }

    /// Author and time for a change made now.
    pub fn stamp(&self) -> Stamp {
        self.fixed_stamp.clone().unwrap_or_else(|| Stamp::now(self.author.as_deref()))
    }

    /// Whether a warning banner is shown.
    pub fn banner(&self) -> Option<String> {
        if let Some(e) = &self.doc.load_error {
            return Some(format!(
                "READ-ONLY: {e} — nothing will be written there. Fix the file, or start fresh: marginote --start-fresh {}",
                self.doc.path.display()
            ));
        }
        super::review::banner(self)
    }

    /// The screen layout.
    pub fn panes(&self) -> Panes {
        let (w, h) = self.size;
        let banner_h = u16::from(self.banner().is_some() && h >= 4);
        let status = Rect::new(0, h.saturating_sub(1), w, h.min(1));
        let banner = (banner_h == 1).then(|| Rect::new(0, h - 2, w, 1));
        let body_h = h.saturating_sub(1 + banner_h);
        if w < NARROW {
            let full = Rect::new(0, 0, w, body_h);
            return match self.focus {
                Focus::Article => Panes { article: Some(margins(full)), sidebar: None, banner, status },
                Focus::Sidebar => Panes { article: None, sidebar: Some(full), banner, status },
            };
        }
        let side_w = (w * 2 / 5).clamp(28, 60);
        let art = Rect::new(0, 0, w - side_w, body_h);
        let side = Rect::new(w - side_w, 0, side_w, body_h);
        Panes { article: Some(margins(art)), sidebar: Some(side), banner, status }
    }

    /// The article's text width and height (at least 1×1 for motions).
    pub fn article_size(&self) -> (usize, usize) {
        let r = self.panes().article.unwrap_or_else(|| {
            let (w, h) = self.size;
            margins(Rect::new(0, 0, w, h.saturating_sub(1)))
        });
        (usize::from(r.width).max(1), usize::from(r.height).max(1))
    }

    /// The article wrapped at the pane width.
    pub fn viewport(&self) -> Viewport<'_> {
        Viewport::cached(&self.doc.article, self.article_size().0, &self.wraps)
    }

    /// The rows on screen.
    pub fn visible_rows(&self) -> Vec<Row> {
        let (_, h) = self.article_size();
        self.viewport().rows_from(self.top, h)
    }

    /// Look up ahead of time what the next keys will draw (the app loop
    /// calls this when no key waits): the pending suggestions around the
    /// view ([`Pending::prepare`](crate::core::pending::Pending::prepare)),
    /// so that a page or a line away they are taken from memory, not
    /// looked up while a key waits; and the first and last pages wrapped.
    pub fn prepare(&self) {
        let rows = self.visible_rows();
        if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
            self.pending.prepare(first.start..last.end);
        }
        // The first and the last page's lines wrapped, for `gg` and `G`.
        let (view, h) = (self.viewport(), self.article_size().1 as isize);
        view.offset_rows(0, h);
        view.offset_rows(self.doc.article.len(), -h);
    }

    /// The selected byte range (the cursor's grapheme included), if any.
    pub fn selection(&self) -> Option<Range<usize>> {
        let a = self.anchor?;
        let (lo, hi) = if a <= self.cursor { (a, self.cursor) } else { (self.cursor, a) };
        Some(lo..motion::grapheme_end(&self.doc.article, hi))
    }

    /// Index of the selected annotation in the document's list.
    pub fn selected_index(&self) -> Option<usize> {
        self.selected.as_deref().and_then(|id| self.doc.index_of(id))
    }

    /// Indexes (in the document's list) of the annotations the sidebar
    /// lists, those passing the filter; `None` when there is no filter (all).
    pub fn listed(&self) -> Option<Rc<[usize]>> {
        if !self.filter.is_active() {
            return None;
        }
        let revision = self.doc.revision();
        if let Some((r, f, list)) = &*self.listed_memo.0.borrow()
            && *r == revision
            && *f == self.filter
        {
            return Some(Rc::clone(list));
        }
        let all = self.doc.annotations();
        let list: Rc<[usize]> =
            (0..all.len()).filter(|&i| self.filter.passes(&all[i], |s| self.doc.speaker_name(s))).collect();
        *self.listed_memo.0.borrow_mut() = Some((revision, self.filter.clone(), Rc::clone(&list)));
        Some(list)
    }

    /// Whether annotation `a` passes the filter (is listed and highlighted).
    pub fn shows(&self, a: &Annotation) -> bool {
        !self.filter.is_active() || self.filter.passes(a, |s| self.doc.speaker_name(s))
    }

    /// The selected annotation.
    pub fn selected_annotation(&self) -> Option<&Annotation> {
        self.selected_index().map(|i| &self.doc.annotations()[i])
    }

    /// Rows of the sidebar list (inside its border).
    pub fn sidebar_rows(&self) -> usize {
        self.panes().sidebar.map_or(1, |r| usize::from(r.height.saturating_sub(2)).max(1))
    }

    /// The next (or previous) match of `query` after byte `from`, wrapping.
    pub fn search_from(&self, query: &str, from: usize, backward: bool) -> Option<Range<usize>> {
        crate::core::search::next_match(self.doc.article.text(), query, from, backward)
    }
}

/// Longest row of article text: wider rows are hard to read.
pub const MAX_TEXT_WIDTH: u16 = 100;

/// One column of margin left and right of the article; on wide panes the
/// text is at most `MAX_TEXT_WIDTH` columns, centred.
fn margins(r: Rect) -> Rect {
    if r.width <= 4 {
        return r;
    }
    let inner = r.width - 2;
    let w = inner.min(MAX_TEXT_WIDTH);
    Rect::new(r.x + 1 + (inner - w) / 2, r.y, w, r.height)
}
