//! Where the user stopped: per article, the top of the view, the cursor and
//! an optional "reviewed up to here" marker, remembered in one file in the
//! user's data directory (`<data dir>/places.ron`).
//!
//! Articles are keyed by their canonical path; each place also keeps the
//! article's sha256, so a place recorded on an older version of the article
//! is recognised and its offsets are clamped to the text as it is now.
//! Offsets count code points, as the annotation file does.
//!
//! The file is small and shared by every running instance: saving takes a
//! lock (`places.ron.lock`), reads the file again and merges, so that two
//! instances never lose each other's entries, and then writes atomically.
//! Only the [`LIMIT`] most recently opened articles are kept. A file that
//! cannot be read is never written: [`Places::save`] refuses and says why.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};

use super::lock::{LockState, try_lock};
use super::text::Article;

/// Articles remembered at most: the most recently opened are kept.
pub const LIMIT: usize = 500;

/// The newest format version of the file this build reads and writes.
const VERSION: u32 = 1;

/// How long a save waits for another instance's lock.
const LOCK_WAIT: Duration = Duration::from_secs(1);

/// Where the user was in one article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// Hex sha256 of the article's bytes when the place was recorded.
    pub sha256: String,
    /// Code point offset of the start of the top row of the view.
    pub top: usize,
    /// Code point offset of the cursor.
    pub cursor: usize,
    /// Code point offset up to which the user marked the article reviewed.
    #[serde(default)]
    pub reviewed_upto: Option<usize>,
    /// When the article was last opened, in seconds since the Unix epoch.
    pub opened: u64,
}

/// A [`Place`] in byte offsets of an article as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restored {
    /// Byte offset of the top of the view (a character boundary).
    pub top: usize,
    /// Byte offset of the cursor (a character boundary).
    pub cursor: usize,
    /// Byte offset of the "reviewed up to here" marker.
    pub reviewed_upto: Option<usize>,
    /// Whether the article changed since the place was recorded (its offsets
    /// were clamped to the text, but may point at different words).
    pub changed: bool,
}

impl Place {
    /// The place at byte offsets `top`, `cursor` and `reviewed_upto` of
    /// `art`, opened now.
    pub fn at(art: &Article, top: usize, cursor: usize, reviewed_upto: Option<usize>) -> Place {
        Place {
            sha256: art.sha256().to_owned(),
            top: art.byte_to_char(top),
            cursor: art.byte_to_char(cursor),
            reviewed_upto: reviewed_upto.map(|b| art.byte_to_char(b)),
            opened: now(),
        }
    }

    /// Whether this is where an article opens by default: the top and the
    /// cursor at its start, and no review marker.
    pub fn is_start(&self) -> bool {
        self.top == 0 && self.cursor == 0 && self.reviewed_upto.is_none()
    }

    /// This place in `art` as byte offsets, each clamped to the text (an
    /// article that changed may have become shorter).
    pub fn in_article(&self, art: &Article) -> Restored {
        Restored {
            top: art.char_to_byte(self.top),
            cursor: art.char_to_byte(self.cursor),
            reviewed_upto: self.reviewed_upto.map(|c| art.char_to_byte(c)),
            changed: self.sha256 != art.sha256(),
        }
    }
}

/// Seconds since the Unix epoch now (0 when the clock is before it).
fn now() -> u64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The file as stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct PlacesFile {
    version: u32,
    /// Canonical article path → its place.
    places: BTreeMap<String, Place>,
}

/// The remembered places, as read from their file, with this session's
/// changes.
#[derive(Debug, Clone)]
pub struct Places {
    path: PathBuf,
    places: BTreeMap<String, Place>,
    /// Keys set since loading: on save these win over the file on disk.
    changed: BTreeSet<String>,
    /// Why the file could not be read (then it is never written).
    error: Option<String>,
}

/// `<data dir>/places.ron`, when there is a data directory.
pub fn default_path() -> Option<PathBuf> {
    super::paths::data_dir().map(|d| d.join("places.ron"))
}

/// The key of an article: its canonical path (its absolute path when it
/// cannot be resolved, e.g. when it is gone).
pub fn key(article: &Path) -> String {
    let path = std::fs::canonicalize(article)
        .or_else(|_| std::path::absolute(article))
        .unwrap_or_else(|_| article.to_owned());
    path.to_string_lossy().into_owned()
}

/// Read and parse the file at `path`: `Ok(None)` when there is none.
fn read(path: &Path) -> Result<Option<PlacesFile>, String> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let text = std::str::from_utf8(&bytes).map_err(|_| format!("{}: not valid UTF-8", path.display()))?;
    let file: PlacesFile = ron::from_str(text)
        .map_err(|e| format!("{}:{}:{}: {}", path.display(), e.span.start.line, e.span.start.col, e.code))?;
    if file.version > VERSION {
        return Err(format!(
            "{}: format version {} is newer than this marginote understands ({VERSION})",
            path.display(),
            file.version
        ));
    }
    Ok(Some(file))
}

/// Keep only the `LIMIT` most recently opened places (ties: by key).
fn bound(places: &mut BTreeMap<String, Place>) {
    if places.len() <= LIMIT {
        return;
    }
    let mut by_age: Vec<(u64, String)> = places.iter().map(|(k, p)| (p.opened, k.clone())).collect();
    by_age.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    for (_, k) in by_age.into_iter().skip(LIMIT) {
        places.remove(&k);
    }
}

impl Places {
    /// Read the places stored at `path`. A missing file is an empty store;
    /// so is one that cannot be read, but then [`Places::error`] says why
    /// and [`Places::save`] refuses to write over it.
    pub fn load(path: &Path) -> Places {
        let (places, error) = match read(path) {
            Ok(file) => (file.map(|f| f.places).unwrap_or_default(), None),
            Err(e) => (BTreeMap::new(), Some(e)),
        };
        Places { path: path.to_owned(), places, changed: BTreeSet::new(), error }
    }

    /// Why the file could not be read, if it could not.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// How many articles have a place.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// Whether no article has a place.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// The place remembered for `article`.
    pub fn get(&self, article: &Path) -> Option<Place> {
        self.places.get(&key(article)).cloned()
    }

    /// Remember `place` for `article` (written by [`Places::save`]).
    pub fn set(&mut self, article: &Path, place: Place) {
        let k = key(article);
        self.places.insert(k.clone(), place);
        self.changed.insert(k);
    }

    /// Write the places: under the lock, merged with what another instance
    /// wrote meanwhile (this session's entries win for the articles it set),
    /// bounded to [`LIMIT`], atomically. Refused when the file could not be
    /// read, at load or now.
    pub fn save(&mut self) -> Result<(), String> {
        if let Some(e) = &self.error {
            return Err(format!("not saved: {e}"));
        }
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("not saved: {}: {e}", dir.display()))?;
        }
        let _lock = self.lock()?;
        let mut merged = read(&self.path).map_err(|e| format!("not saved: {e}"))?.unwrap_or_default().places;
        for k in &self.changed {
            if let Some(p) = self.places.get(k) {
                merged.insert(k.clone(), p.clone());
            }
        }
        bound(&mut merged);
        let file = PlacesFile { version: VERSION, places: merged };
        let text = ron::ser::to_string_pretty(&file, ron::ser::PrettyConfig::default())
            .map_err(|e| format!("not saved: {e}"))?;
        super::store::write_atomic(&self.path, (text + "\n").as_bytes())
            .map_err(|e| format!("not saved: {}: {e}", self.path.display()))?;
        self.places = file.places;
        self.changed.clear();
        Ok(())
    }

    /// Take the lock beside the file, waiting a little for another instance.
    fn lock(&self) -> Result<super::lock::Lock, String> {
        let started = Instant::now();
        loop {
            match try_lock(&self.path) {
                Ok(LockState::Acquired(lock)) => return Ok(lock),
                Ok(LockState::HeldByOther { .. }) if started.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Ok(LockState::HeldByOther { pid }) => {
                    let who = pid.map_or_else(|| "another program".to_owned(), |p| format!("process {p}"));
                    return Err(format!("not saved: {who} holds the lock on {}", self.path.display()));
                }
                Err(e) => return Err(format!("not saved: cannot lock {}: {e}", self.path.display())),
            }
        }
    }
}

/// Remember `place` for `article` in the store at `path` (load, set, save).
/// A place at the very start, for an article that has none, is not written
/// (the article opens there anyway): a glance at an article leaves no trace.
pub fn record(path: &Path, article: &Path, place: Place) -> Result<(), String> {
    let mut places = Places::load(path);
    if place.is_start() && places.error().is_none() && places.get(article).is_none() {
        return Ok(());
    }
    places.set(article, place);
    places.save()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(top: usize, opened: u64) -> Place {
        Place { sha256: "abc".into(), top, cursor: top + 5, reviewed_upto: Some(top + 2), opened }
    }

    /// A temp dir with an article file `a.txt` holding `text`.
    fn setup(text: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("a.txt");
        std::fs::write(&article, text).unwrap();
        let store = dir.path().join("data/places.ron");
        (dir, article, store)
    }

    #[test]
    fn a_place_round_trips_through_the_file() {
        let (_dir, article, store) = setup("text");
        let mut places = Places::load(&store);
        assert!(places.is_empty() && places.error().is_none(), "a missing file is an empty store");
        places.set(&article, place(40, 7));
        places.save().unwrap();
        let again = Places::load(&store);
        assert_eq!(again.get(&article), Some(place(40, 7)));
        assert_eq!(again.len(), 1);
        // The same article by another name of its path.
        let dotted = article.parent().unwrap().join(".").join("a.txt");
        assert_eq!(again.get(&dotted), Some(place(40, 7)));
    }

    #[test]
    fn byte_offsets_become_code_points_and_back() {
        let art = Article::from_text("Ünïcode çafé\nzweite Zeile");
        let cursor = art.text().find("zweite").unwrap();
        let p = Place::at(&art, 0, cursor, Some(cursor));
        assert_eq!(p.cursor, art.text()[..cursor].chars().count());
        assert_ne!(p.cursor, cursor, "code points, not bytes");
        let r = p.in_article(&art);
        assert_eq!((r.top, r.cursor, r.reviewed_upto, r.changed), (0, cursor, Some(cursor), false));
    }

    #[test]
    fn only_the_most_recently_opened_are_kept() {
        let (dir, _article, store) = setup("text");
        let mut places = Places::load(&store);
        for i in 0..LIMIT + 20 {
            let a = dir.path().join(format!("article-{i:04}.txt"));
            places.set(&a, place(i, 1000 + i as u64));
        }
        places.save().unwrap();
        let again = Places::load(&store);
        assert_eq!(again.len(), LIMIT);
        assert_eq!(again.get(&dir.path().join("article-0019.txt")), None, "the oldest are dropped");
        let newest = dir.path().join(format!("article-{:04}.txt", LIMIT + 19));
        assert_eq!(again.get(&newest).map(|p| p.top), Some(LIMIT + 19));
        assert!(again.get(&dir.path().join("article-0020.txt")).is_some());
    }

    #[test]
    fn an_unreadable_file_is_reported_and_never_overwritten() {
        let (_dir, article, store) = setup("text");
        std::fs::create_dir_all(store.parent().unwrap()).unwrap();
        let bad = "(version: 1, places: {\"/x\": (sha256: \"a\", top: oops";
        std::fs::write(&store, bad).unwrap();
        let mut places = Places::load(&store);
        assert!(places.is_empty());
        let why = places.error().expect("the error is reported").to_owned();
        assert!(why.contains("places.ron:1:"), "{why}");
        places.set(&article, place(1, 1));
        let err = places.save().unwrap_err();
        assert!(err.contains("not saved"), "{err}");
        assert_eq!(std::fs::read_to_string(&store).unwrap(), bad, "left as it was");
        assert!(record(&store, &article, place(1, 1)).is_err());
        assert_eq!(std::fs::read_to_string(&store).unwrap(), bad);
    }

    #[test]
    fn a_newer_format_is_not_overwritten() {
        let (_dir, article, store) = setup("text");
        std::fs::create_dir_all(store.parent().unwrap()).unwrap();
        let newer = "(version: 99, places: {})";
        std::fs::write(&store, newer).unwrap();
        assert!(record(&store, &article, place(1, 1)).unwrap_err().contains("version 99"));
        assert_eq!(std::fs::read_to_string(&store).unwrap(), newer);
    }

    #[test]
    fn two_instances_keep_each_others_entries() {
        let (dir, article, store) = setup("text");
        let other = dir.path().join("b.txt");
        let mut first = Places::load(&store);
        let mut second = Places::load(&store);
        first.set(&article, place(10, 5));
        second.set(&other, place(20, 6));
        first.save().unwrap();
        second.save().unwrap();
        let both = Places::load(&store);
        assert_eq!(both.get(&article), Some(place(10, 5)));
        assert_eq!(both.get(&other), Some(place(20, 6)));
        // A later save of an entry replaces it; the others stay.
        record(&store, &article, place(30, 9)).unwrap();
        let after = Places::load(&store);
        assert_eq!(after.get(&article).map(|p| p.top), Some(30));
        assert_eq!(after.get(&other), Some(place(20, 6)));
    }

    #[test]
    fn a_place_at_the_start_is_written_only_over_an_earlier_one() {
        let (dir, article, store) = setup("text");
        let start = Place { top: 0, cursor: 0, reviewed_upto: None, ..place(0, 3) };
        assert!(start.is_start() && !place(0, 3).is_start());
        record(&store, &article, start.clone()).unwrap();
        assert!(!store.exists(), "nothing written for a glance");
        assert!(!store.parent().unwrap().exists(), "not even the folder");
        record(&store, &article, place(40, 4)).unwrap();
        record(&store, &article, start.clone()).unwrap();
        assert_eq!(Places::load(&store).get(&article), Some(start), "back at the start is remembered");
        drop(dir);
    }

    #[test]
    fn a_changed_article_clamps_the_place_to_its_text() {
        let long = Article::from_text("a long article, ".repeat(50));
        let end = long.text().len() - 3;
        let p = Place::at(&long, end - 10, end, Some(end));
        let short = Article::from_text("now short");
        let r = p.in_article(&short);
        assert!(r.changed, "another sha256");
        let len = short.text().len();
        assert_eq!((r.top, r.cursor, r.reviewed_upto), (len, len, Some(len)));
        let same = p.in_article(&long);
        assert!(!same.changed);
        assert_eq!((same.top, same.cursor), (end - 10, end));
    }
}
