//! Re-anchoring in the background: [`place_all`](super::anchor::place_all)
//! on a thread of its own, with a counter the UI reads for its progress
//! indicator. The article is shared (`Arc`), the annotations are a copy, so
//! the UI keeps reading and scrolling meanwhile.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError, channel};
use std::time::Duration;

use super::anchor::{Placement, place_all_counting};
use super::annotation::Annotation;
use super::text::Article;

/// A re-anchoring under way.
#[derive(Debug)]
pub struct Job {
    done: Arc<AtomicUsize>,
    total: usize,
    result: Receiver<Vec<Placement>>,
}

/// What [`Job::poll`] found.
#[derive(Debug, PartialEq)]
pub enum Poll {
    /// Still working: this many of the total placed.
    Running(usize),
    /// Finished: placements parallel to the list the job was given.
    Done(Vec<Placement>),
}

impl Job {
    /// Start re-anchoring `list` on `article`.
    pub fn start(article: Arc<Article>, list: Vec<Annotation>) -> Job {
        let done = Arc::new(AtomicUsize::new(0));
        let (tx, result) = channel();
        let total = list.len();
        let counter = Arc::clone(&done);
        std::thread::spawn(move || {
            // The receiver may be gone (the app quit): nothing to tell then.
            let _ = tx.send(place_all_counting(&article, &list, &counter));
        });
        Job { done, total, result }
    }

    /// How many annotations the job places in all.
    pub fn total(&self) -> usize {
        self.total
    }

    /// Progress or the result, without blocking.
    pub fn poll(&self) -> Poll {
        match self.result.try_recv() {
            Ok(p) => Poll::Done(p),
            Err(TryRecvError::Empty) => Poll::Running(self.done.load(Ordering::Relaxed)),
            Err(TryRecvError::Disconnected) => panic!("the re-anchoring thread died"),
        }
    }

    /// Wait up to `limit` for the result: small jobs finish before the first
    /// frame and never flash a progress indicator.
    pub fn wait(&self, limit: Duration) -> Poll {
        match self.result.recv_timeout(limit) {
            Ok(p) => Poll::Done(p),
            Err(RecvTimeoutError::Timeout) => Poll::Running(self.done.load(Ordering::Relaxed)),
            Err(RecvTimeoutError::Disconnected) => panic!("the re-anchoring thread died"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::anchor::{Anchor, place_all};
    use crate::core::annotation::{Kind, Stamp};

    #[test]
    fn the_job_gives_what_place_all_gives_and_counts_to_the_total() {
        let old = Article::from_text("Alpha beta gamma. Delta epsilon.");
        let stamp = Stamp { author: "t".into(), now: "n".into() };
        let list: Vec<Annotation> = [0..5, 18..23, 11..16]
            .into_iter()
            .map(|r| Annotation::new(&old, r, Kind::Entity("Other".into()), &stamp))
            .collect();
        let new = Arc::new(Article::from_text("Intro. Alpha beta gamma. Delta epsilon."));
        let job = Job::start(Arc::clone(&new), list.clone());
        assert_eq!(job.total(), 3);
        let placements = loop {
            match job.wait(Duration::from_secs(10)) {
                Poll::Done(p) => break p,
                Poll::Running(n) => assert!(n <= 3),
            }
        };
        assert_eq!(placements, place_all(&new, &list));
        assert!(placements.iter().all(|p| p.anchor == Anchor::Moved));
        assert_eq!(job.done.load(Ordering::Relaxed), 3);
    }
}
