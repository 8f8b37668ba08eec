//! Placeholder: the re-anchoring benchmark lands with core::anchor.
fn main() {}
