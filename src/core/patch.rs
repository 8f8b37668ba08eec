//! What one change did to an annotation file, as the annotations it
//! replaced and the ones it put in their place: an undo step the size of
//! the change. (A copy of the whole file for each step took 10 MB a
//! keystroke with 20,000 annotations, and the undo history kept a thousand.)

use std::cmp::Ordering;

use super::annotation::{Annotation, sort};
use super::store::AnnotationFile;

/// The difference between two states of an annotation file.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    /// Annotations of the earlier state that the later one does not have,
    /// with their places in the earlier list.
    old: Vec<(usize, Annotation)>,
    /// Annotations of the later state that the earlier one does not have,
    /// with their places in the later list.
    new: Vec<(usize, Annotation)>,
    /// The rest of the earlier file (turned-down suggestions, brat lines,
    /// the article's details), annotations left out, when it changed.
    rest: Option<AnnotationFile>,
}

/// The order of a sorted annotation list.
pub fn order(a: &Annotation, b: &Annotation) -> Ordering {
    (a.start, a.end, &a.id).cmp(&(b.start, b.end, &b.id))
}

fn rest_of(f: &AnnotationFile) -> AnnotationFile {
    AnnotationFile {
        version: f.version,
        article: f.article.clone(),
        rejected: f.rejected.clone(),
        standoff: f.standoff.clone(),
        annotations: Vec::new(),
    }
}

fn same_rest(a: &AnnotationFile, b: &AnnotationFile) -> bool {
    a.version == b.version && a.article == b.article && a.rejected == b.rejected && a.standoff == b.standoff
}

impl Patch {
    /// What takes `after` back to the list without the annotations at
    /// `at` (places in `after`, ascending, none equal in order to another
    /// annotation): what [`Patch::back`] finds when those were added, found
    /// without walking the two lists.
    pub fn added(after: &[Annotation], at: &[usize]) -> Patch {
        Patch { old: Vec::new(), new: at.iter().map(|&j| (j, after[j].clone())).collect(), rest: None }
    }

    /// What takes a list back after the annotation at `i` changed from
    /// `before` to `after` in its place (equal in order): what
    /// [`Patch::back`] finds for that change.
    pub fn replaced(i: usize, before: Annotation, after: Annotation) -> Patch {
        Patch { old: vec![(i, before)], new: vec![(i, after)], rest: None }
    }

    /// The place of the one annotation this patch swaps for another equal
    /// to it in order, when that is all it does and `file` holds the one
    /// to take out there (an edit's step, undone or redone).
    pub fn in_place(&self, file: &AnnotationFile) -> Option<usize> {
        match (&self.old[..], &self.new[..], &self.rest) {
            ([(i, put)], [(j, out)], None)
                if i == j && order(put, out).is_eq() && file.annotations.get(*j) == Some(out) =>
            {
                Some(*i)
            }
            _ => None,
        }
    }

    /// What takes `after` back to `before` (both with sorted annotation
    /// lists), or `None` when they are the same.
    pub fn back(before: &AnnotationFile, after: &AnnotationFile) -> Option<Patch> {
        let (mut old, mut new) = (Vec::new(), Vec::new());
        let (a, b) = (&before.annotations, &after.annotations);
        let (mut i, mut j) = (0, 0);
        // A walk over both lists in order: a change touches few of them.
        while i < a.len() || j < b.len() {
            let o = match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) => order(x, y),
                (Some(_), None) => Ordering::Less,
                _ => Ordering::Greater,
            };
            match o {
                Ordering::Less => {
                    old.push((i, a[i].clone()));
                    i += 1;
                }
                Ordering::Greater => {
                    new.push((j, b[j].clone()));
                    j += 1;
                }
                Ordering::Equal => {
                    if a[i] != b[j] {
                        old.push((i, a[i].clone()));
                        new.push((j, b[j].clone()));
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
        let rest = (!same_rest(before, after)).then(|| rest_of(before));
        (!old.is_empty() || !new.is_empty() || rest.is_some()).then_some(Patch { old, new, rest })
    }

    /// Apply the patch to `file` (sorted), and return the one that takes it
    /// back. Each annotation goes back to its place, so the list is the
    /// same to the byte. An annotation to take out that is no longer where
    /// it was (the file changed on disk meanwhile) is looked for by its id.
    pub fn apply(self, file: &mut AnnotationFile) -> Patch {
        if let Some(i) = self.in_place(file) {
            // One annotation back in its place (an edit's step): what the
            // walk below does, without moving the rest of the list.
            let put = self.old.into_iter().next().expect("in_place: one old").1;
            let taken = std::mem::replace(&mut file.annotations[i], put.clone());
            return Patch { old: vec![(i, taken)], new: vec![(i, put)], rest: None };
        }
        self.walk(file)
    }

    /// [`Patch::apply`] for any patch: the list rebuilt with the patch's
    /// annotations taken out and put in at their places.
    fn walk(self, file: &mut AnnotationFile) -> Patch {
        let list = std::mem::take(&mut file.annotations);
        let mut gone = vec![false; list.len()];
        let mut taken = Vec::with_capacity(self.new.len());
        for (j, n) in &self.new {
            let at = Some(*j)
                .filter(|&k| k < list.len() && list[k] == *n)
                .or_else(|| list.binary_search_by(|a| order(a, n)).ok().filter(|&k| list[k] == *n))
                .filter(|&k| !gone[k])
                .or_else(|| (0..list.len()).find(|&k| !gone[k] && list[k].id == n.id));
            if let Some(k) = at {
                gone[k] = true;
            }
        }
        // The rest in order, with the patch's annotations at their places.
        let mut out = Vec::with_capacity(list.len() + self.old.len());
        let mut put = self.old.into_iter().peekable();
        let mut back_new = Vec::new();
        for (k, a) in list.into_iter().enumerate() {
            if gone[k] {
                taken.push((k, a));
                continue;
            }
            while let Some((_, b)) = put.next_if(|(i, _)| *i <= out.len()) {
                back_new.push((out.len(), b.clone()));
                out.push(b);
            }
            out.push(a);
        }
        for (_, b) in put {
            back_new.push((out.len(), b.clone()));
            out.push(b);
        }
        if !out.is_sorted_by(|a, b| order(a, b) != Ordering::Greater) {
            // Places moved by what changed on disk: found again by id.
            sort(&mut out);
            let ids: std::collections::HashSet<&str> = back_new.iter().map(|(_, b)| b.id.as_str()).collect();
            let moved: Vec<(usize, Annotation)> = out
                .iter()
                .enumerate()
                .filter(|(_, a)| ids.contains(a.id.as_str()))
                .map(|(k, a)| (k, a.clone()))
                .collect();
            back_new = moved;
        }
        file.annotations = out;
        // The rest swapped in; what it replaces takes it back.
        let rest = self.rest.map(|mut r| {
            std::mem::swap(&mut file.version, &mut r.version);
            std::mem::swap(&mut file.article, &mut r.article);
            std::mem::swap(&mut file.rejected, &mut r.rejected);
            std::mem::swap(&mut file.standoff, &mut r.standoff);
            r
        });
        Patch { old: taken, new: back_new, rest }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::annotation::{Kind, Stamp, Status};
    use crate::core::store::Rejected;
    use crate::core::text::Article;
    use proptest::prelude::*;

    fn file_with(n: usize) -> (Article, AnnotationFile) {
        let text = "word ".repeat(40);
        let art = Article::from_text(text);
        let mut f = AnnotationFile::new(std::path::Path::new("a.txt"), &art, Default::default());
        let stamp = Stamp { author: "t".into(), now: "n".into() };
        for i in 0..n {
            let mut a = Annotation::new(&art, i * 5..i * 5 + 4, Kind::Entity("Other".into()), &stamp);
            a.id = format!("id-{i:03}").into();
            f.annotations.push(a);
        }
        sort(&mut f.annotations);
        (art, f)
    }

    /// A change made of steps: 0 deletes, 1 edits a note, 2 adds, 3 turns
    /// down, 4 adds a copy with the same id (merged files keep those).
    fn change(f: &mut AnnotationFile, art: &Article, ops: &[(u8, usize)]) {
        let stamp = Stamp { author: "t".into(), now: "n".into() };
        for &(op, at) in ops {
            let n = f.annotations.len();
            match op {
                0 if n > 0 => {
                    f.annotations.remove(at % n);
                }
                1 if n > 0 => {
                    let a = &mut f.annotations[at % n];
                    a.set_note(Some(format!("note {at}")));
                    a.status = Status::Verified;
                }
                2 => {
                    let s = (at % 39) * 5;
                    let mut a = Annotation::new(art, s..s + 4, Kind::Quote { speaker: None }, &stamp);
                    a.id = format!("new-{at}").into();
                    f.annotations.push(a);
                }
                3 => {
                    f.rejected.push(Rejected { exact: "word".into(), kind: "entity".into(), start: Some(at) })
                }
                4 if n > 0 => {
                    let a = f.annotations[at % n].clone();
                    f.annotations.push(a);
                }
                _ => {}
            }
        }
        sort(&mut f.annotations);
    }

    proptest! {
        /// An edit's step swapped in place leaves what the walk leaves,
        /// and returns the same step back.
        #[test]
        fn a_step_in_place_is_what_the_walk_makes(n in 1usize..12, at in 0usize..12, dup in proptest::bool::ANY) {
            let (_, mut before) = file_with(n);
            if dup {
                // A copy with the same id and span beside it (merged files).
                let a = before.annotations[at % n].clone();
                before.annotations.push(a);
                sort(&mut before.annotations);
            }
            let mut after = before.clone();
            let i = at % after.annotations.len();
            after.annotations[i].status = Status::Disputed;
            after.annotations[i].set_note(Some("x".into()));
            let step = Patch::back(&before, &after).expect("a change");
            prop_assert_eq!(step.in_place(&after), Some(i));
            let (mut fast, mut walked) = (after.clone(), after.clone());
            let back_fast = step.clone().apply(&mut fast);
            let back_walked = step.walk(&mut walked);
            prop_assert_eq!(&fast, &walked);
            prop_assert_eq!(&fast, &before);
            prop_assert_eq!(back_fast, back_walked);
        }
    }

    proptest! {
        /// Undoing a change gives the file before it exactly, and redoing
        /// gives the file after it: the patch holds only what changed.
        #[test]
        fn undo_and_redo_give_each_state_back(
            n in 0usize..12,
            ops in proptest::collection::vec((0u8..5, 0usize..100), 0..8),
        ) {
            let (art, before) = file_with(n);
            let mut after = before.clone();
            change(&mut after, &art, &ops);
            let Some(back) = Patch::back(&before, &after) else {
                prop_assert_eq!(&before, &after);
                return Ok(());
            };
            prop_assert!(back.old.len() + back.new.len() <= 2 * ops.len(), "only what changed");
            let mut f = after.clone();
            let forth = back.apply(&mut f);
            prop_assert_eq!(&f, &before);
            let back = forth.apply(&mut f);
            prop_assert_eq!(&f, &after);
            back.apply(&mut f);
            prop_assert_eq!(&f, &before);
        }
    }

    #[test]
    fn undo_leaves_what_changed_elsewhere() {
        // Ours adds one; the disk then adds another (merged in); undo takes
        // out only ours.
        let (art, before) = file_with(3);
        let mut after = before.clone();
        change(&mut after, &art, &[(2, 7)]);
        let back = Patch::back(&before, &after).unwrap();
        let mut now = after.clone();
        change(&mut now, &art, &[(2, 20)]);
        back.apply(&mut now);
        let ids: Vec<&str> = now.annotations.iter().map(|a| a.id.as_str()).collect();
        assert!(ids.contains(&"new-20") && !ids.contains(&"new-7"), "{ids:?}");
    }
}
