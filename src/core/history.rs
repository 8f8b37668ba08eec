//! Undo and redo stacks. A step is whatever undoes one change (for the
//! annotation file, a [`Patch`](super::patch::Patch) of the annotations it
//! touched), and undoing it gives the step that redoes it.

/// Undo and redo stacks of steps `P`.
#[derive(Debug, Clone)]
pub struct History<P> {
    undo: Vec<P>,
    redo: Vec<P>,
    limit: usize,
}

impl<P> History<P> {
    /// Keep at most `limit` undo steps.
    pub fn new(limit: usize) -> History<P> {
        History { undo: Vec::new(), redo: Vec::new(), limit: limit.max(1) }
    }

    /// Remember the step that undoes a change just made; clears redo.
    pub fn record(&mut self, step: P) {
        self.push_undo(step);
        self.redo.clear();
    }

    fn push_undo(&mut self, step: P) {
        if self.undo.len() == self.limit {
            self.undo.remove(0);
        }
        self.undo.push(step);
    }

    /// Step back: `apply` undoes the last change and returns what redoes it.
    pub fn undo(&mut self, apply: impl FnOnce(P) -> P) -> bool {
        let Some(step) = self.undo.pop() else { return false };
        self.redo.push(apply(step));
        true
    }

    /// Step forward again after an undo: `apply` redoes the change and
    /// returns what undoes it.
    pub fn redo(&mut self, apply: impl FnOnce(P) -> P) -> bool {
        let Some(step) = self.redo.pop() else { return false };
        let back = apply(step);
        self.push_undo(back);
        true
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

    /// Steps over a number: each adds its value; the opposite step subtracts it.
    fn apply(s: &mut i64) -> impl FnMut(i64) -> i64 + '_ {
        move |d| {
            *s += d;
            -d
        }
    }

    #[test]
    fn undo_redo_and_new_change_clears_redo() {
        let mut h = History::new(10);
        let mut s = 0;
        for d in [1, 2, 3] {
            s += d;
            h.record(-d);
        }
        assert!(h.undo(apply(&mut s)));
        assert_eq!(s, 3);
        assert!(h.undo(apply(&mut s)));
        assert_eq!(s, 1);
        assert!(h.redo(apply(&mut s)));
        assert_eq!(s, 3);
        s += 10;
        h.record(-10);
        assert!(!h.redo(apply(&mut s)));
        assert!(h.undo(apply(&mut s)));
        assert_eq!(s, 3);
    }

    #[test]
    fn limit_drops_the_oldest() {
        let mut h = History::new(2);
        let mut s = 0;
        for d in [1, 2, 3] {
            s += d;
            h.record(-d);
        }
        assert!(h.undo(apply(&mut s)));
        assert!(h.undo(apply(&mut s)));
        assert!(!h.undo(apply(&mut s)));
        assert_eq!(s, 1);
        assert_eq!((h.undo_len(), h.redo_len()), (0, 2));
    }
}
