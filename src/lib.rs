//! marginote: read and annotate articles in the terminal.
//!
//! Map of the crate:
//! - [`core`] — no terminal code. [`core::text`] (the article buffer, line
//!   index, byte ↔ code point mapping), [`core::motion`] (grapheme, word,
//!   sentence, paragraph motions), [`core::wrap`] and [`core::viewport`]
//!   (display widths, control pictures, word wrap of visible lines only,
//!   cached by width), [`core::annotation`] (the annotation model, with
//!   [`core::id`] for its ids),
//!   [`core::numbers`] (number conventions and statistic parsing),
//!   [`core::store`] (the RON file, atomic saves), [`core::document`]
//!   (article + annotations + undo, saving under [`core::lock`] with
//!   [`core::backup`] and [`core::merge`]), [`core::history`] (undo) with
//!   [`core::patch`] (an undo step the size of its change),
//!   [`core::anchor`] and [`core::reanchor`] (finding annotations again after
//!   the article changed, in the background), [`core::recovery`] (unsaved
//!   annotations kept after a crash), [`core::suggest`] (quotes, names and
//!   numbers found by rules), [`core::mentions`] (other occurrences of
//!   tagged texts, found where asked), [`core::pending`] (the suggestions
//!   still open, settled against the annotations of the moment),
//!   [`core::search`] (normalisation-
//!   insensitive, smart-case search) with [`core::matches`] (its matches,
//!   8 bytes each), [`core::export`] (`list --json`,
//!   annotations placed for export), [`core::brat`] (brat standoff in and
//!   out), [`core::w3c`] (W3C Web Annotation in and out), [`core::report`]
//!   (CSV and the Markdown report), [`core::import`] (adding imported
//!   annotations to a file), [`core::index`] (entity mentions, quotes by
//!   speaker), [`core::schema`] (`marginote.ron`: tag set, statuses, rules),
//!   [`core::check`] (the rules, for `marginote check`), [`core::paths`]
//!   (data and config dirs), [`core::revision`] (numbers that tell a frame
//!   its inputs did not change).
//! - [`tui`] — the terminal UI on top: [`tui::action`] (the vocabulary),
//!   [`tui::keymap`], [`tui::model`], [`tui::update`] (pure), [`tui::render`]
//!   (pure), [`tui::review`] (after the article changed), [`tui::filter`] and
//!   [`tui::index`] (what the sidebar lists; the index view), [`tui::recover`]
//!   (the recovery offer), [`tui::theme`], [`tui::config`],
//!   [`tui::painter`] (writes the rows that changed) over [`tui::backend`]
//!   (the bytes), [`tui::app`] (the loop and the effects), [`tui::memory`]
//!   (what it asks of glibc's malloc).
//! - [`cli`] — the command line (`marginote [ARTICLE]`, `list`, `suggest`,
//!   `export`, `import`, `check`, `completions`).

pub mod cli;
pub mod core;
pub mod tui;
