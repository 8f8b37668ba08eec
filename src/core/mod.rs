//! The core: everything about articles and annotations, with no terminal
//! code. The CLI, the TUI, tests and benchmarks all build on it.

pub mod anchor;
pub mod annotation;
pub mod backup;
pub mod brat;
pub mod check;
pub mod document;
pub mod export;
pub mod history;
pub mod id;
pub mod import;
pub mod index;
pub mod lock;
pub mod matches;
pub mod mentions;
pub mod merge;
pub mod motion;
pub mod numbers;
pub mod patch;
pub mod paths;
pub mod pending;
pub mod places;
pub mod reanchor;
pub mod recovery;
pub mod report;
pub mod revision;
pub mod ron_in;
pub mod ron_out;
pub mod schema;
pub mod search;
pub mod store;
pub mod suggest;
pub mod text;
pub mod viewport;
pub mod w3c;
pub mod wrap;
