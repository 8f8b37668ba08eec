//! The terminal UI: a thin layer over the core. `action` is the vocabulary,
//! `keymap` binds keys to it, `model` holds the state, `update` changes it
//! (pure), `render` draws it (pure), `painter` writes the rows that changed,
//! `app` runs the loop and the effects.

pub mod action;
pub mod app;
pub mod backend;
pub mod config;
pub mod filter;
pub mod folder;
pub mod index;
pub mod keymap;
pub mod memory;
pub mod model;
pub mod painter;
pub mod recover;
pub mod render;
pub mod review;
pub mod theme;
pub mod triage;
pub mod update;
#[cfg(test)]
pub mod vt;
