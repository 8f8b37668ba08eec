//! Revision numbers: a fresh number for each new state of something that a
//! frame is drawn from, so a drawing can be kept while its inputs keep the
//! numbers they had. Numbers are never reused within a process, so two
//! different documents (a folder's articles, one after the other) never
//! share one.

use std::sync::atomic::{AtomicU64, Ordering};

static NEXT: AtomicU64 = AtomicU64::new(1);

/// A number no earlier call returned (0 is never returned).
pub fn next() -> u64 {
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_fresh() {
        let a = next();
        let b = next();
        assert!(a != 0 && b > a);
    }
}
