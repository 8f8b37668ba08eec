//! A document: an article, its annotation file, and the undo history.
//!
//! Every change to the annotations goes through [`Document::change`], which
//! records an undo snapshot and keeps the list in document order. Nothing
//! here touches the disk except [`Document::save`], [`SaveJob::run`] (the
//! same save, on another thread, when no merge is due) and
//! [`Document::sync_from_disk`], which the app loop calls.
//!
//! Saving never loses anyone's work: it takes the lock file, backs the file
//! up once per session (`.bak`), and when the file on disk changed since it
//! was read (another program, a `git pull`, a second marginote) it merges by
//! annotation id instead of overwriting. A file that cannot be read is
//! never written.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use super::anchor::{Placement, place_all};
use super::annotation::{Annotation, Id, Speaker, sort};
use super::history::History;
use super::lock::{LockState, try_lock};
use super::merge::{Base, Conflict, merge_onto};
use super::numbers::infer_convention;
use super::patch::{self, Patch};
use super::store::{self, AnnotationFile, LoadError};
use super::text::Article;

/// How long a save waits for another instance's lock.
const LOCK_WAIT: Duration = Duration::from_secs(1);

/// The annotation file as last read from or written to disk: enough to tell
/// whether it changed since and to merge with it, without its bytes (a
/// book's annotation file is megabytes).
#[derive(Debug, Clone, Default, PartialEq)]
struct DiskState {
    /// The digest of its bytes; `None`: there was no file.
    digest: Option<Digest>,
    /// What it held, as a merge base; `None`: no file, or an unreadable one.
    base: Option<Base>,
    stamp: Option<(SystemTime, u64)>,
}

/// A 128-bit XXH3 of a file's bytes: changes are noticed, not defended
/// against (a sha256 took 6 ms for 10 MB, twice a save; this takes under 1).
type Digest = u128;

fn digest(bytes: &[u8]) -> Digest {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

fn disk_stamp(path: &Path) -> Option<(SystemTime, u64)> {
    std::fs::metadata(path).ok().and_then(|m| Some((m.modified().ok()?, m.len())))
}

/// Undo steps kept per session.
const UNDO_LIMIT: usize = 1000;

/// An open article with its annotations.
#[derive(Debug, Clone)]
pub struct Document {
    /// The article file.
    pub path: PathBuf,
    /// Its annotation file (`<article>.annotations.ron`).
    pub ann_path: PathBuf,
    /// The article text (shared with background jobs such as re-anchoring).
    pub article: Arc<Article>,
    /// Shared, copied on write: the crash guard holds the state a change
    /// left without a copy (see [`Document::shared_file`]).
    file: Arc<AnnotationFile>,
    history: History<Patch>,
    /// Why saving is refused (the annotation file could not be read), if it is.
    pub load_error: Option<LoadError>,
    /// Whether there are changes not yet written.
    pub dirty: bool,
    disk: DiskState,
    backup: Backup,
    index: Index,
}

/// The backup of the annotation file as this session found it (`<file>.bak`),
/// written at the session's first save, so it is never one keystroke old.
/// The bytes are not kept meanwhile: at that save they are read from disk
/// (see [`back_up`]).
#[derive(Debug, Clone)]
enum Backup {
    /// Not written yet: the digest of the file at open (`None`: there was no file).
    Due(Option<Digest>),
    /// Written, or nothing to write.
    Done,
}

/// Lookups into the annotation list that must not scan it (every frame
/// asks them): position by id, and the longest span, which bounds how far
/// before a region an overlapping annotation can start.
#[derive(Debug, Clone, Default)]
struct Index {
    /// (hash of the id, position), sorted: no copy of each id, which made
    /// rebuilding this after each change of 20,000 annotations cost more
    /// than the change.
    by_id: Vec<(u64, usize)>,
    longest: usize,
    /// How many are `Verified`.
    verified: usize,
    /// A fresh [`revision`](super::revision) for each new list.
    revision: u64,
    /// A fresh revision whenever a span, kind or text may have changed
    /// (what suggestions are settled against); kept by an edit of a
    /// status, a note or a source.
    shape: u64,
}

/// What [`Index`] files an id under.
fn id_hash(id: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(id)
}

/// The most annotations [`Document::add`] puts in place one by one (each
/// moves the rest of the list along); more are appended and sorted.
const INSERTED_IN_PLACE: usize = 8;

impl Index {
    /// Follow annotations put into `list` at `at` (ascending), which were
    /// put before the old ones at `old_at`: the places of those after them
    /// move along, the new ones are filed.
    fn insert(&mut self, list: &[Annotation], old_at: &[usize], at: &[usize]) {
        for (_, i) in &mut self.by_id {
            *i += old_at.partition_point(|&o| o <= *i);
        }
        for &i in at {
            let (entry, len, verified) = filed(&list[i], i);
            let k = self.by_id.partition_point(|e| *e < entry);
            self.by_id.insert(k, entry);
            self.longest = self.longest.max(len);
            self.verified += verified;
        }
        self.revision = super::revision::next();
        self.shape = self.revision;
    }

    fn of(list: &[Annotation]) -> Index {
        let revision = super::revision::next();
        let mut index = Index {
            by_id: Vec::with_capacity(list.len()),
            longest: 0,
            verified: 0,
            revision,
            shape: revision,
        };
        for (i, a) in list.iter().enumerate() {
            let (entry, len, verified) = filed(a, i);
            index.by_id.push(entry);
            index.longest = index.longest.max(len);
            index.verified += verified;
        }
        index.by_id.sort_unstable();
        index
    }
}

/// What the index keeps of annotation `a`, at `i` in the list: its id's
/// entry, its span's length, and 1 if it is verified.
fn filed(a: &Annotation, i: usize) -> ((u64, usize), usize, usize) {
    let verified = usize::from(a.status == super::annotation::Status::Verified);
    ((id_hash(a.id.as_bytes()), i), a.end.saturating_sub(a.start), verified)
}

impl Document {
    /// Open an article and its annotation file. A bad annotation file does not
    /// stop the article from opening: the document is then read-only.
    pub fn open(path: &Path) -> Result<Document, String> {
        let ann_path = store::annotations_path(path);
        // The annotation file is read and parsed on a second thread while
        // this one reads and indexes the article: both take long for books.
        let (article, (stamp, read)) = std::thread::scope(|s| {
            let annotations = s.spawn(|| {
                let stamp = disk_stamp(&ann_path);
                // Only a digest and the merge base outlive the bytes.
                let read = std::fs::read(&ann_path).map(|bytes| {
                    let parsed = AnnotationFile::from_ron(&bytes, &ann_path);
                    let base = parsed.as_ref().ok().map(Base::of);
                    (digest(&bytes), base, parsed)
                });
                (stamp, read)
            });
            (Article::open(path), annotations.join().expect("reading the annotations does not panic"))
        });
        let article = article?;
        let fresh = || AnnotationFile::new(path, &article, infer_convention(article.text()));
        let mut disk = DiskState { stamp, ..DiskState::default() };
        let (file, load_error) = match read {
            Ok((digest, base, parsed)) => {
                disk.digest = Some(digest);
                disk.base = base;
                match parsed {
                    Ok(file) => (file, None),
                    Err(e) => (fresh(), Some(e)),
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (fresh(), None),
            Err(e) => (
                fresh(),
                Some(LoadError { path: ann_path.clone(), line: 1, column: 1, message: e.to_string() }),
            ),
        };
        let mut doc = Document::from_parts(path.to_owned(), ann_path, article, file, load_error);
        doc.backup = Backup::Due(disk.digest);
        doc.disk = disk;
        Ok(doc)
    }

    /// Whether the article is not the one the annotations were made on (its
    /// checksum differs), so they must be re-anchored.
    pub fn needs_reanchor(&self) -> bool {
        self.file.article.sha256 != self.article.sha256() && !self.file.annotations.is_empty()
    }

    /// Where every annotation lands in the article when it needs
    /// re-anchoring (parallel to [`Document::annotations`]); `None` when not.
    pub fn reanchor(&self) -> Option<Vec<Placement>> {
        self.needs_reanchor().then(|| place_all(&self.article, &self.file.annotations))
    }

    /// Build a document from parts already in memory (tests, benchmarks).
    pub fn from_parts(
        path: PathBuf,
        ann_path: PathBuf,
        article: Article,
        mut file: AnnotationFile,
        load_error: Option<LoadError>,
    ) -> Document {
        sort(&mut file.annotations);
        let mut doc = Document {
            path,
            ann_path,
            article: Arc::new(article),
            file: Arc::new(file),
            history: History::new(UNDO_LIMIT),
            load_error,
            dirty: false,
            disk: DiskState::default(),
            backup: Backup::Done,
            index: Index::default(),
        };
        doc.index = Index::of(&doc.file.annotations);
        doc
    }

    /// A document over text in memory, with no annotations (tests).
    pub fn scratch(name: &str, text: &str) -> Document {
        let path = PathBuf::from(name);
        let article = Article::from_text(text);
        let file = AnnotationFile::new(&path, &article, infer_convention(text));
        Document::from_parts(path.clone(), store::annotations_path(&path), article, file, None)
    }

    /// The annotation file as it stands.
    pub fn file(&self) -> &AnnotationFile {
        &self.file
    }

    /// The annotation file, shared: holding it costs nothing until the next
    /// change, which then copies it (the crash guard holds it from a change
    /// until the save that follows; a copy per change was 3 ms with 20,000
    /// annotations, 7.5 with fresh pages).
    pub fn shared_file(&self) -> Arc<AnnotationFile> {
        Arc::clone(&self.file)
    }

    /// The annotations in document order.
    pub fn annotations(&self) -> &[Annotation] {
        &self.file.annotations
    }

    /// Whether saving is refused.
    pub fn read_only(&self) -> bool {
        self.load_error.is_some()
    }

    /// Apply a change to the annotation file, with an undo step. The list is
    /// re-sorted afterwards.
    pub fn change(&mut self, f: impl FnOnce(&mut AnnotationFile)) {
        let before = Arc::clone(&self.file);
        f(Arc::make_mut(&mut self.file));
        self.reindex();
        if let Some(back) = Patch::back(&before, &self.file) {
            self.history.record(back);
            self.dirty = true;
        }
    }

    /// Add annotations, with an undo step: what [`Document::change`] does
    /// with a push, without copying the list to find what changed (with
    /// 20,000 annotations the copy and the walk were about half of a tag's
    /// update, and the copy's pages were fresh every time).
    pub fn add(&mut self, added: Vec<Annotation>) {
        let list = &self.file.annotations;
        let mut keys: Vec<(usize, usize, Id)> =
            added.iter().map(|a| (a.start, a.end, a.id.clone())).collect();
        keys.sort_unstable();
        keys.dedup();
        // One in the same place as another, with its id: left to the walk.
        let clash = keys.len() < added.len()
            || added.iter().any(|a| list.binary_search_by(|b| patch::order(b, a)).is_ok());
        if clash || added.is_empty() {
            return self.change(|f| f.annotations.extend(added));
        }
        let at: Vec<usize> = if added.len() <= INSERTED_IN_PLACE {
            self.insert(added)
        } else {
            Arc::make_mut(&mut self.file).annotations.extend(added);
            self.reindex();
            let list = &self.file.annotations;
            keys.iter()
                .map(|(s, e, id)| list.partition_point(|b| (b.start, b.end, &b.id) < (*s, *e, id)))
                .collect()
        };
        self.history.record(Patch::added(&self.file.annotations, &at));
        self.dirty = true;
    }

    /// Put `added` (none in the same place as another, nor as each other)
    /// into the list at their places, and into the index; their places in
    /// the list after. The list is not sorted again nor the index made
    /// again (hashing and sorting 20,000 ids was a sixth of a tag).
    fn insert(&mut self, mut added: Vec<Annotation>) -> Vec<usize> {
        added.sort_by(patch::order);
        let list = &mut Arc::make_mut(&mut self.file).annotations;
        // Each one's place among the old ones.
        let old_at: Vec<usize> =
            added.iter().map(|a| list.partition_point(|b| patch::order(b, a).is_lt())).collect();
        // Kept at its length (see `reindex`).
        list.reserve_exact(added.len());
        for (a, &i) in added.into_iter().zip(&old_at).rev() {
            list.insert(i, a);
        }
        let at: Vec<usize> = old_at.iter().enumerate().map(|(k, &i)| i + k).collect();
        self.index.insert(list, &old_at, &at);
        at
    }

    /// Change the annotation at `i`, with an undo step: what
    /// [`Document::change`] does for one annotation, copying only it. A
    /// change that moves it in the order (its span or id) is left to
    /// `change`.
    pub fn edit(&mut self, i: usize, f: impl FnOnce(&mut Annotation)) {
        let mut after = self.file.annotations[i].clone();
        f(&mut after);
        let before = &self.file.annotations[i];
        if patch::order(before, &after).is_ne() {
            return self.change(|file| file.annotations[i] = after);
        }
        if *before == after {
            return;
        }
        let before = std::mem::replace(&mut Arc::make_mut(&mut self.file).annotations[i], after);
        self.reindex_one(i, &before);
        self.history.record(Patch::replaced(i, before, self.file.annotations[i].clone()));
        self.dirty = true;
    }

    /// The index after the annotation at `i` took the place of `before`,
    /// equal to it in order: only the count of verified ones and the
    /// revision change (and the shape, with a new kind or text).
    fn reindex_one(&mut self, i: usize, before: &Annotation) {
        let verified = |a: &Annotation| usize::from(a.status == super::annotation::Status::Verified);
        let (index, now) = (&mut self.index, &self.file.annotations[i]);
        index.verified = index.verified + verified(now) - verified(before);
        index.revision = super::revision::next();
        if (&now.kind, &now.exact) != (&before.kind, &before.exact) {
            index.shape = index.revision;
        }
    }

    /// Undo the last change; false when there is none.
    pub fn undo(&mut self) -> bool {
        self.step(true)
    }

    /// Redo the last undone change; false when there is none.
    pub fn redo(&mut self) -> bool {
        self.step(false)
    }

    fn step(&mut self, back: bool) -> bool {
        let file = Arc::make_mut(&mut self.file);
        // An edit's step swaps one annotation in its place: the index
        // follows it as after the edit.
        let mut swapped = None;
        let apply = |p: Patch| {
            swapped = p.in_place(file).map(|i| (i, file.annotations[i].clone()));
            p.apply(file)
        };
        let done = if back { self.history.undo(apply) } else { self.history.redo(apply) };
        if done {
            match swapped {
                Some((i, before)) => self.reindex_one(i, &before),
                None => self.reindex(),
            }
            self.dirty = true;
        }
        done
    }

    /// Keep the list in document order and the index current.
    fn reindex(&mut self) {
        // Kept for the session: no room for thousands more after one more.
        let list = &mut Arc::make_mut(&mut self.file).annotations;
        list.shrink_to_fit();
        sort(list);
        self.index = Index::of(&self.file.annotations);
    }

    /// A number that changes whenever the annotations may have changed,
    /// never the same for two lists in this process (see
    /// [`revision`](super::revision)): what the screen drew from them can
    /// be kept while it stays.
    pub fn revision(&self) -> u64 {
        self.index.revision
    }

    /// A number that changes whenever an annotation's span, kind or text,
    /// or the list of turned-down suggestions, may have changed (as
    /// [`Document::revision`], but kept by other edits).
    pub fn shape(&self) -> u64 {
        self.index.shape
    }

    /// How many annotations are `Verified` (counted when they change).
    pub fn verified(&self) -> usize {
        self.index.verified
    }

    /// Index of the annotation with `id` (the later one when two share it),
    /// by binary search.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        let (ids, h) = (&self.index.by_id, id_hash(id.as_bytes()));
        let lo = ids.partition_point(|&(x, _)| x < h);
        // Ids that share a hash, if any, each checked.
        ids[lo..]
            .iter()
            .take_while(|&&(x, _)| x == h)
            .map(|&(_, i)| i)
            .filter(|&i| self.file.annotations[i].id == id)
            .last()
    }

    /// The name of a quote's speaker: the text given, or the tagged
    /// entity's text (found by id, not by a scan of the list).
    pub fn speaker_name(&self, speaker: &Speaker) -> String {
        speaker.name(|id| self.index_of(id).map(|i| &self.file.annotations[i]))
    }

    /// Indices of the annotations that may overlap the code points `chars`
    /// (a superset: check each); found by binary search, not a scan.
    pub fn around(&self, chars: Range<usize>) -> Range<usize> {
        let list = &self.file.annotations;
        let from = chars.start.saturating_sub(self.index.longest);
        list.partition_point(|a| a.start < from)..list.partition_point(|a| a.start <= chars.end)
    }

    /// How many annotations no longer match the text at their offsets.
    pub fn mismatched(&self) -> usize {
        self.file.annotations.iter().filter(|a| !a.matches(&self.article)).count()
    }

    /// The RON text that [`Document::save`] writes.
    pub fn to_ron(&self) -> String {
        self.file.to_ron()
    }

    /// Write the annotation file: under the lock, after a one-time backup,
    /// merged with what changed on disk since it was read. Returns what the
    /// merge could not decide silently. Refused when the file on disk could
    /// not be read (it would be lost).
    pub fn save(&mut self) -> Result<Vec<Conflict>, String> {
        self.refuse_if_unreadable()?;
        let _lock = lock(&self.ann_path)?;
        let now = read_disk(&self.ann_path)?;
        if let Backup::Due(Some(start)) = self.backup {
            back_up(&self.ann_path, start, now.as_deref())?;
        }
        self.backup = Backup::Done;
        let conflicts = self.merge_from(now)?;
        self.record_article();
        self.disk = write(&self.ann_path, &self.file)?;
        self.dirty = false;
        Ok(conflicts)
    }

    /// The save to run on another thread ([`SaveJob::run`]), then to hand
    /// to [`Document::finish_save`]: the annotations as they are now
    /// (shared, not copied), written when the file on disk is still the one
    /// last read or written. Changes made meanwhile are saved next time.
    pub fn save_job(&mut self) -> Result<SaveJob, String> {
        self.refuse_if_unreadable()?;
        self.record_article();
        Ok(SaveJob {
            path: self.ann_path.clone(),
            file: Arc::clone(&self.file),
            expect: self.disk.digest,
            backup: match self.backup {
                Backup::Due(start) => start,
                Backup::Done => None,
            },
        })
    }

    /// Take in what a [`SaveJob`] did. When the file on disk had changed
    /// since it was read (another program wrote it), the job wrote nothing
    /// and this saves here, merging, as [`Document::save`] does.
    pub fn finish_save(&mut self, done: SaveDone) -> Result<Vec<Conflict>, String> {
        match done.0 {
            Outcome::Written { file, disk } => {
                self.disk = disk;
                self.backup = Backup::Done;
                // Clean unless it changed while the job wrote.
                self.dirty = !Arc::ptr_eq(&file, &self.file);
                Ok(Vec::new())
            }
            Outcome::Changed => self.save(),
            Outcome::Failed(e) => Err(e),
        }
    }

    fn refuse_if_unreadable(&self) -> Result<(), String> {
        match &self.load_error {
            Some(e) => Err(format!("not saved: {e} (read-only; see README: start fresh)")),
            None => Ok(()),
        }
    }

    /// Record in the file that every annotation fits this article, and its
    /// length, when they are not recorded yet.
    fn record_article(&mut self) {
        // Asked only when the file names another article: looking at each
        // of 20,000 annotations was a quarter of a save.
        if self.file.article.sha256 != self.article.sha256()
            && self.file.annotations.iter().all(|a| a.matches(&self.article))
        {
            Arc::make_mut(&mut self.file).article.sha256 = self.article.sha256().to_owned();
        }
        // Written only when it differs: the crash guard may share the file.
        if self.file.article.sha256 == self.article.sha256()
            && self.file.article.chars != self.article.chars()
        {
            Arc::make_mut(&mut self.file).article.chars = self.article.chars();
        }
    }

    /// When the file on disk (`now`) is not what we last read or wrote, merge
    /// it into memory (by annotation id). An unreadable file stops the save.
    fn merge_from(&mut self, now: Option<Vec<u8>>) -> Result<Vec<Conflict>, String> {
        let Some(bytes) = now else { return Ok(Vec::new()) };
        let now_digest = digest(&bytes);
        if Some(now_digest) == self.disk.digest {
            return Ok(Vec::new());
        }
        let theirs = AnnotationFile::from_ron(&bytes, &self.ann_path)
            .map_err(|e| format!("not saved: the file changed on disk and cannot be read: {e}"))?;
        drop(bytes);
        let merged = match &self.disk.base {
            Some(base) => merge_onto(base, &self.file, &theirs),
            None => merge_onto(&Base::empty_like(&self.file), &self.file, &theirs),
        };
        // Undo steps hold only our own changes: undoing one past the merge
        // keeps what came from disk.
        self.file = Arc::new(merged.file);
        self.reindex();
        self.disk = DiskState {
            digest: Some(now_digest),
            base: Some(Base::of(&theirs)),
            stamp: disk_stamp(&self.ann_path),
        };
        Ok(merged.conflicts)
    }

    /// Pick up changes another program made to the file on disk while we
    /// were idle. Returns `Some(conflicts)` when something was merged in;
    /// the document is then dirty when the merge differs from the disk.
    pub fn sync_from_disk(&mut self) -> Option<Result<Vec<Conflict>, String>> {
        if self.load_error.is_some() || disk_stamp(&self.ann_path) == self.disk.stamp {
            return None;
        }
        let before = Arc::clone(&self.file);
        let result = read_disk(&self.ann_path).and_then(|now| self.merge_from(now));
        if result.is_ok() {
            self.dirty = self.dirty || self.disk.digest != Some(digest(self.to_ron().as_bytes()));
        }
        (self.file != before || result.is_err()).then_some(result)
    }
}

/// A save for another thread, made by [`Document::save_job`].
#[derive(Debug)]
pub struct SaveJob {
    path: PathBuf,
    file: Arc<AnnotationFile>,
    /// The digest of the file on disk as last read or written (`None`: none).
    expect: Option<Digest>,
    /// The digest of the file as the session found it, when its backup is
    /// still to be written.
    backup: Option<Digest>,
}

/// What a [`SaveJob`] did, for [`Document::finish_save`].
#[derive(Debug)]
pub struct SaveDone(Outcome);

impl SaveDone {
    /// The annotations the job wrote, if it wrote them.
    pub fn written(&self) -> Option<&Arc<AnnotationFile>> {
        match &self.0 {
            Outcome::Written { file, .. } => Some(file),
            _ => None,
        }
    }
}

#[derive(Debug)]
enum Outcome {
    /// Written: the annotations it wrote, and the file on disk now.
    Written {
        file: Arc<AnnotationFile>,
        disk: DiskState,
    },
    /// Nothing written: the file on disk changed since, a merge is due.
    Changed,
    Failed(String),
}

impl SaveJob {
    /// Under the lock: unless the file on disk changed since it was last
    /// read or written, the backup (at the session's first save) and the
    /// atomic write.
    pub fn run(self) -> SaveDone {
        let written = || -> Result<Outcome, String> {
            let _lock = lock(&self.path)?;
            let now = read_disk(&self.path)?;
            if now.as_deref().map(digest) != self.expect {
                return Ok(Outcome::Changed);
            }
            if let Some(start) = self.backup {
                back_up(&self.path, start, now.as_deref())?;
            }
            // Not kept while the new bytes are made (the peak: 2.6 MB on
            // War and Peace).
            drop(now);
            let disk = write(&self.path, &self.file)?;
            Ok(Outcome::Written { file: Arc::clone(&self.file), disk })
        };
        SaveDone(written().unwrap_or_else(Outcome::Failed))
    }
}

/// Take the lock file of `path`, waiting a little for another instance
/// that is saving.
fn lock(path: &Path) -> Result<super::lock::Lock, String> {
    let started = Instant::now();
    loop {
        match try_lock(path) {
            Ok(LockState::Acquired(lock)) => return Ok(lock),
            Ok(LockState::HeldByOther { pid }) if started.elapsed() > LOCK_WAIT => {
                let who = pid.map_or_else(|| "another program".to_owned(), |p| format!("process {p}"));
                return Err(format!("not saved: {who} holds {}", super::lock::lock_path(path).display()));
            }
            Ok(LockState::HeldByOther { .. }) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("not saved: cannot lock {}: {e}", path.display())),
        }
    }
}

/// The annotation file's bytes now; `None` when there is none.
fn read_disk(path: &Path) -> Result<Option<Vec<u8>>, String> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("not saved: {}: {e}", path.display())),
    }
}

/// Write the backup of the annotation file `path` as the session found it
/// (digest `start`), given what is on disk `now`. That is the same file
/// unless another program wrote it since: then the backup that program made
/// may hold it already (a second marginote backs up what it found), and is
/// kept; if not, what is on disk now, which this save replaces, is backed
/// up instead. With no file left on disk there is nothing to keep.
fn back_up(path: &Path, start: Digest, now: Option<&[u8]>) -> Result<(), String> {
    let Some(now) = now else { return Ok(()) };
    if digest(now) != start {
        let bak = super::backup::backup_path(path);
        if std::fs::read(&bak).is_ok_and(|b| digest(&b) == start) {
            return Ok(());
        }
    }
    super::backup::write_backup(path, now)
        .map(drop)
        .map_err(|e| format!("not saved: cannot back up {}: {e}", path.display()))
}

/// Write `file` to `path` atomically; what the disk then holds.
fn write(path: &Path, file: &AnnotationFile) -> Result<DiskState, String> {
    let ron = file.to_ron();
    store::write_atomic(path, ron.as_bytes()).map_err(|e| format!("not saved: {}: {e}", path.display()))?;
    Ok(DiskState {
        digest: Some(digest(ron.as_bytes())),
        base: Some(Base::of(file)),
        stamp: disk_stamp(path),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::annotation::{Kind, Stamp};

    #[test]
    fn change_undo_redo_round_trip() {
        let mut doc = Document::scratch("a.txt", "Meta and Facebook");
        let original = doc.to_ron();
        let stamp = Stamp { author: "t".into(), now: "n".into() };
        let art = doc.article.clone();
        doc.change(|f| {
            f.annotations.push(Annotation::new(&art, 9..17, Kind::Entity("Organization".into()), &stamp))
        });
        doc.change(|f| {
            f.annotations.push(Annotation::new(&art, 0..4, Kind::Entity("Organization".into()), &stamp))
        });
        assert_eq!(doc.annotations()[0].exact, "Meta", "kept in document order");
        assert_eq!(doc.file().annotations.capacity(), 2, "no room kept for more");
        let mut seen = vec![doc.revision()];
        assert!(doc.undo());
        seen.push(doc.revision());
        assert!(doc.undo());
        seen.push(doc.revision());
        assert!(!doc.undo());
        assert_eq!(doc.revision(), seen[2], "nothing undone: the same list");
        assert_eq!(doc.to_ron(), original);
        assert!(doc.redo());
        seen.push(doc.revision());
        assert_eq!(doc.annotations().len(), 1);
        seen.push(Document::scratch("b.txt", "Meta").revision());
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 5, "a new revision for every new list, in every document");
    }

    #[test]
    fn every_id_is_found_where_it_is_and_a_shared_one_at_the_later() {
        let text = "word ".repeat(300);
        let mut doc = Document::scratch("a.txt", &text);
        let art = doc.article.clone();
        let stamp = Stamp { author: "t".into(), now: "n".into() };
        doc.change(|f| {
            for i in 0..250 {
                let mut a = Annotation::new(&art, i * 5..i * 5 + 4, Kind::Entity("Other".into()), &stamp);
                a.id = format!("id-{i}").into();
                f.annotations.push(a);
            }
            // A hand-edited file can hold an id twice.
            f.annotations[100].id = "id-7".into();
        });
        for (i, a) in doc.annotations().iter().enumerate().filter(|(i, _)| *i != 7) {
            assert_eq!(doc.index_of(&a.id), Some(i), "{}", a.id);
        }
        assert_eq!(doc.index_of("id-7"), Some(100), "the later of the two");
        assert_eq!(doc.index_of("id-100"), None);
        assert_eq!(doc.index_of(""), None);
    }

    #[test]
    fn around_finds_every_overlapping_annotation_without_scanning_all() {
        let text = "word ".repeat(400);
        let mut doc = Document::scratch("a.txt", &text);
        let art = doc.article.clone();
        let stamp = Stamp { author: "t".into(), now: "n".into() };
        // Spans of 5 to 120 bytes at pseudo-random places, one very long.
        let mut x: usize = 7;
        let long: Range<usize> = 0..1500;
        let mut spans = vec![long];
        for _ in 0..200 {
            x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
            let start = x % 1800;
            spans.push(start..(start + 5 + x % 116).min(2000));
        }
        doc.change(|f| {
            for r in spans {
                f.annotations.push(Annotation::new(&art, r, Kind::Entity("Other".into()), &stamp));
            }
        });
        for region in [0..10, 700..760, 1490..1510, 1900..2000, 1999..2000] {
            let found = doc.around(region.clone());
            for (i, a) in doc.annotations().iter().enumerate() {
                if a.start < region.end && a.end > region.start {
                    assert!(found.contains(&i), "{a:?} overlaps {region:?} but is outside {found:?}");
                }
            }
        }
        assert_eq!(doc.index_of(&doc.annotations()[17].id), Some(17));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Adding records the undo step the walk over both lists finds,
        /// wherever the new ones fall: before, between, after, on the same
        /// span as others (the id decides), or with an id and span taken.
        #[test]
        fn adding_records_what_a_change_would(
            spans in proptest::collection::vec((0usize..40, 1usize..6), 0..12),
            new in proptest::collection::vec((0usize..40, 1usize..6, proptest::bool::ANY), 0..4),
        ) {
            let text = "word ".repeat(10);
            let stamp = Stamp { author: "t".into(), now: "n".into() };
            let mut doc = Document::scratch("a.txt", &text);
            let art = doc.article.clone();
            let make = |(s, n): (usize, usize)| {
                Annotation::new(&art, s..(s + n).min(text.len()), Kind::Entity("Other".into()), &stamp)
            };
            doc.change(|f| f.annotations.extend(spans.iter().copied().map(make)));
            let added: Vec<Annotation> = new
                .iter()
                .map(|&(s, n, twin)| match doc.annotations().first().filter(|_| twin) {
                    // An annotation equal in order to one in the list.
                    Some(a) => a.clone(),
                    None => make((s, n)),
                })
                .collect();
            let mut by_change = doc.clone();
            by_change.change(|f| f.annotations.extend(added.clone()));
            let before = doc.file.clone();
            doc.add(added);
            proptest::prop_assert_eq!(&doc.file, &by_change.file);
            // The index followed, as made again from the list.
            let made = Index::of(&doc.file.annotations);
            proptest::prop_assert_eq!(
                (&doc.index.by_id, doc.index.longest, doc.index.verified),
                (&made.by_id, made.longest, made.verified)
            );
            proptest::prop_assert!(doc.index.revision != by_change.index.revision);
            proptest::prop_assert_eq!(doc.history.undo_len(), by_change.history.undo_len());
            proptest::prop_assert_eq!(doc.dirty, by_change.dirty);
            if let Some(step) = Patch::back(&before, &doc.file) {
                let mut undone = (*doc.file).clone();
                step.apply(&mut undone);
                doc.undo();
                proptest::prop_assert_eq!(&*doc.file, &undone);
                proptest::prop_assert_eq!(&doc.file, &before);
                doc.redo();
                proptest::prop_assert_eq!(&doc.file, &by_change.file);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Editing one annotation records the undo step the walk finds:
        /// a new status or note in its place, a new span (it moves), the
        /// same values again (no step), among others on the same span.
        #[test]
        fn editing_one_records_what_a_change_would(
            spans in proptest::collection::vec((0usize..20, 1usize..6), 1..10),
            pick in 0usize..10,
            how in 0usize..5,
            to in 0usize..40,
        ) {
            let text = "word ".repeat(10);
            let stamp = Stamp { author: "t".into(), now: "n".into() };
            let mut doc = Document::scratch("a.txt", &text);
            let art = doc.article.clone();
            doc.change(|f| {
                for (k, &(s, n)) in spans.iter().enumerate() {
                    let span = s..(s + n).min(text.len());
                    let mut a = Annotation::new(&art, span, Kind::Entity("Other".into()), &stamp);
                    if k % 2 == 0 {
                        // Some verified already: an edit can take one away.
                        a.status = super::super::annotation::Status::Verified;
                    }
                    f.annotations.push(a);
                }
            });
            let i = pick % doc.annotations().len();
            let edit = |a: &mut Annotation| match how {
                0 => a.status = super::super::annotation::Status::Verified,
                4 => a.status = super::super::annotation::Status::Disputed,
                1 => a.set_note(Some(format!("note {to}"))),
                2 => a.set_span(&art, to..(to + 3).min(text.len())),
                _ => a.status = a.status.clone(),
            };
            doc.dirty = false;
            let mut by_change = doc.clone();
            by_change.change(|f| edit(&mut f.annotations[i]));
            let (before, steps) = (doc.file.clone(), doc.history.undo_len());
            doc.edit(i, edit);
            let fresh = Index::of(doc.annotations());
            proptest::prop_assert_eq!(
                (&doc.index.by_id, doc.index.longest, doc.index.verified),
                (&fresh.by_id, fresh.longest, fresh.verified)
            );
            proptest::prop_assert_eq!(&doc.file, &by_change.file);
            proptest::prop_assert_eq!(doc.history.undo_len(), by_change.history.undo_len());
            proptest::prop_assert_eq!(doc.dirty, by_change.dirty);
            let index_is_fresh = |doc: &Document| {
                let fresh = Index::of(doc.annotations());
                (&doc.index.by_id, doc.index.longest, doc.index.verified) == (&fresh.by_id, fresh.longest, fresh.verified)
            };
            if doc.history.undo_len() > steps {
                doc.undo();
                proptest::prop_assert_eq!(&doc.file, &before);
                proptest::prop_assert!(index_is_fresh(&doc));
                doc.redo();
                proptest::prop_assert_eq!(&doc.file, &by_change.file);
                proptest::prop_assert!(index_is_fresh(&doc));
            }
        }
    }

    #[test]
    fn the_shared_file_is_copied_only_by_a_change_made_while_it_is_held() {
        let mut doc = Document::scratch("a.txt", "Meta and Facebook");
        let (art, stamp) = (doc.article.clone(), Stamp { author: "t".into(), now: "n".into() });
        let org = || Kind::Entity("Organization".into());
        doc.add(vec![Annotation::new(&art, 0..4, org(), &stamp)]);
        let held = doc.shared_file();
        assert!(Arc::ptr_eq(&held, &doc.file), "holding it copies nothing");
        doc.edit(0, |a| a.set_note(Some("n".into())));
        assert_eq!(held.annotations[0].note(), None, "the holder keeps the state it took");
        assert_eq!(doc.annotations()[0].note(), Some("n"));
        drop(held);
        let at = Arc::as_ptr(&doc.file);
        doc.add(vec![Annotation::new(&art, 9..17, org(), &stamp)]);
        doc.edit(1, |a| a.set_note(Some("m".into())));
        assert!(doc.undo() && doc.redo());
        assert_eq!(Arc::as_ptr(&doc.file), at, "no one else holds it: changed in place");
    }

    #[test]
    fn a_change_that_changes_nothing_is_not_an_undo_step() {
        let mut doc = Document::scratch("a.txt", "x");
        doc.change(|_| {});
        assert!(!doc.undo());
        assert!(!doc.dirty);
    }
}
