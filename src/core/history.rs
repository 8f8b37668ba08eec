//! Undo and redo as whole snapshots of the annotation file.
//!
//! A snapshot is small next to the article (annotations only), and restoring
//! one gives back exactly the earlier state, so undoing every change writes
//! the original file again byte for byte.

/// Undo and redo stacks of snapshots of `T`.
#[derive(Debug, Clone)]
pub struct History<T> {
    undo: Vec<T>,
    redo: Vec<T>,
    limit: usize,
}

impl<T: Clone> History<T> {
    /// Keep at most `limit` undo steps.
    pub fn new(limit: usize) -> History<T> {
        History { undo: Vec::new(), redo: Vec::new(), limit: limit.max(1) }
    }

    /// Remember `before`, the state just before a change; clears redo.
    pub fn record(&mut self, before: T) {
        if self.undo.len() == self.limit {
            self.undo.remove(0);
        }
        self.undo.push(before);
        self.redo.clear();
    }

    /// Step back: returns the state to restore, given the current one.
    pub fn undo(&mut self, current: T) -> Option<T> {
        let prev = self.undo.pop()?;
        self.redo.push(current);
        Some(prev)
    }

    /// Step forward again after an undo.
    pub fn redo(&mut self, current: T) -> Option<T> {
        let next = self.redo.pop()?;
        self.undo.push(current);
        Some(next)
    }

    /// Change every remembered state (e.g. to merge in what changed on disk,
    /// so that undoing past a merge does not drop the merged-in work).
    pub fn rebase(&mut self, mut f: impl FnMut(&T) -> T) {
        for s in self.undo.iter_mut().chain(self.redo.iter_mut()) {
            *s = f(s);
        }
    }

    /// Steps that can be undone.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    /// Steps that can be redone.
    pub fn redo_len(&self) -> usize {
        self.redo.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_redo_and_new_change_clears_redo() {
        let mut h = History::new(10);
        let mut s = 0;
        for next in 1..=3 {
            h.record(s);
            s = next;
        }
        s = h.undo(s).unwrap();
        assert_eq!(s, 2);
        s = h.undo(s).unwrap();
        assert_eq!(s, 1);
        s = h.redo(s).unwrap();
        assert_eq!(s, 2);
        h.record(s);
        s = 9;
        assert_eq!(h.redo(s), None);
        assert_eq!(h.undo(s), Some(2));
    }

    #[test]
    fn limit_drops_the_oldest() {
        let mut h = History::new(2);
        h.record(1);
        h.record(2);
        h.record(3);
        assert_eq!(h.undo(4), Some(3));
        assert_eq!(h.undo(3), Some(2));
        assert_eq!(h.undo(2), None);
    }
}
