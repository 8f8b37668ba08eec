//! Fault tests: crashes, full and read-only disks, odd files and concurrent
//! writers must never lose an annotation or leave a file that does not load.
//!
//! Tests that need another process re-run this test binary as the child:
//! `<this binary> --exact child_… --ignored --nocapture`, with an environment
//! variable telling the child what to do. The `child_…` tests are `#[ignore]`d
//! and return at once when that variable is missing.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use marginote::core::annotation::{Annotation, Kind, Stamp, sort};
use marginote::core::backup;
use marginote::core::document::Document;
use marginote::core::lock::{self, LockState};
use marginote::core::merge::merge;
use marginote::core::numbers::NumberConvention;
use marginote::core::store::{self, AnnotationFile};
use marginote::core::text::Article;
use proptest::prelude::*;

/// The annotation file a child works on.
const FILE_VAR: &str = "MARGINOTE_FAULTS_FILE";
/// The folder a child works in (a private mount).
const DIR_VAR: &str = "MARGINOTE_FAULTS_DIR";
/// The tag a concurrent child writes into its notes.
const TAG_VAR: &str = "MARGINOTE_FAULTS_TAG";
/// Annotations in state A and state B of the kill test.
const A_COUNT: usize = 20;
const B_COUNT: usize = 21;
/// Rounds per child in the concurrent test.
const ROUNDS: usize = 50;
/// No child runs longer than this, whatever happens to its parent.
const CHILD_DEADLINE: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------- helpers

/// An article of numbered words, `kata0 kata1 …`.
fn article_text() -> String {
    (0..300).map(|i| format!("kata{i}")).collect::<Vec<_>>().join(" ")
}

fn article() -> Article {
    Article::from_text(article_text())
}

/// An annotation over word `i`, with a fixed id and stamp.
fn word_annotation(art: &Article, i: usize, id: String) -> Annotation {
    let word = format!("kata{i}");
    let start = art.text().match_indices(' ').nth(i.wrapping_sub(1)).map_or(0, |(s, _)| s + 1);
    let stamp = Stamp { author: "faults \"tester\"".into(), now: "2026-11-28T10:15:00Z".into() };
    let mut a = Annotation::new(art, start..start + word.len(), Kind::Entity("Person".into()), &stamp);
    assert_eq!(a.exact, word);
    a.id = id.into();
    a
}

/// A valid annotation file with `n` annotations, the same every time.
fn file_with(n: usize) -> AnnotationFile {
    let art = article();
    let mut file = AnnotationFile::new(Path::new("a.txt"), &art, NumberConvention::DotThousands);
    file.annotations = (0..n).map(|i| word_annotation(&art, i, format!("01FAULTS{i:018}"))).collect();
    if let Some(first) = file.annotations.first_mut() {
        first.set_note(Some("line one\nline two \\ with ) and \" and 🙂".into()));
    }
    file
}

fn ann_path(dir: &Path) -> PathBuf {
    dir.join("a.txt.annotations.ron")
}

fn load(path: &Path) -> AnnotationFile {
    match store::load(path) {
        Ok(Some(file)) => file,
        Ok(None) => panic!("{}: missing", path.display()),
        Err(e) => panic!("does not load: {e}"),
    }
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// A command that runs the ignored test `name` of this binary as a child.
fn child_command(name: &str) -> Command {
    let mut c = Command::new(std::env::current_exe().expect("the test binary"));
    c.args(["--exact", name, "--ignored", "--nocapture", "--test-threads=1"]);
    c
}

/// A child process that is killed when dropped (e.g. when the parent test panics).
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Spawn a child test with piped stdout and wait until it prints `marker`.
fn spawn_until(mut command: Command, marker: &str) -> KillOnDrop {
    let child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("spawn child");
    let mut child = KillOnDrop(child);
    let stdout = child.0.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    loop {
        match lines.next() {
            Some(Ok(line)) if line.trim_end().ends_with(marker) => return child,
            Some(Ok(_)) => {}
            _ => panic!("child exited before printing {marker:?}"),
        }
    }
}

/// A tiny xorshift generator, seeded from the clock (no rand crate).
struct XorShift(u64);

impl XorShift {
    fn from_time() -> XorShift {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        XorShift((nanos as u64) | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Run the child test `name` in a user + mount namespace after `setup` (shell,
/// with `$1` = `dir`). `None` (with a message on stderr) when the namespace or
/// the mount cannot be made here: the test is then skipped.
fn in_private_mount(dir: &Path, setup: &str, name: &str) -> Option<Output> {
    let script = format!("{setup} && shift && exec \"$@\"");
    let exe = std::env::current_exe().expect("the test binary");
    let output = Command::new("unshare")
        .args([OsStr::new("-rm"), OsStr::new("sh"), OsStr::new("-c"), OsStr::new(&script), OsStr::new("sh")])
        .arg(dir)
        .arg(exe)
        .args(["--exact", name, "--ignored", "--nocapture", "--test-threads=1"])
        .env(DIR_VAR, dir)
        .output();
    let skip = |why: String| {
        eprintln!(
            "SKIPPED {name}: cannot make a private mount with `unshare -rm` ({why}); run as root or allow user namespaces"
        );
        None
    };
    let output = match output {
        Ok(o) => o,
        Err(e) => return skip(e.to_string()),
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !stdout.contains("running 1 test") {
        return skip(String::from_utf8_lossy(&output.stderr).trim().to_owned());
    }
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "child {name} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    Some(output)
}

// ------------------------------------------------------------ kill -9

fn kill_during_saves(runs: usize) {
    let dir = tempfile::tempdir().unwrap();
    let p = ann_path(dir.path());
    let (a, b) = (file_with(A_COUNT), file_with(B_COUNT));
    store::write_atomic(&p, a.to_ron().as_bytes()).unwrap();
    let mut rng = XorShift::from_time();
    let seed = rng.0;
    let (mut seen_b, mut temps_left) = (0, 0);
    for run in 0..runs {
        let mut command = child_command("child_saves_forever");
        command.env(FILE_VAR, &p);
        let mut child = spawn_until(command, "saving");
        std::thread::sleep(Duration::from_millis(rng.below(21)));
        child.0.kill().unwrap();
        child.0.wait().unwrap();
        let got = load(&p);
        assert!(got == a || got == b, "run {run} (seed {seed}): the file is neither A nor B");
        seen_b += usize::from(got == b);
        let removed = backup::remove_stale_temps(&p).unwrap();
        temps_left += removed.len();
        assert_eq!(names(dir.path()), ["a.txt.annotations.ron"], "run {run}: stale temp files removed");
    }
    eprintln!(
        "kill -9: {runs} runs, B found {seen_b} times, {temps_left} temp files left by a kill (removed)"
    );
    assert!(seen_b > 0, "the child never completed a save: the test proves nothing");
}

#[test]
fn kill_9_during_saves_leaves_a_or_b() {
    kill_during_saves(300);
}

#[test]
#[ignore = "heavy: 3,000 kills (about 20 s of CPU; 3 minutes on a loaded machine)"]
fn kill_9_during_saves_leaves_a_or_b_heavy() {
    kill_during_saves(3000);
}

#[test]
#[ignore = "child process of kill_9_during_saves_leaves_a_or_b"]
fn child_saves_forever() {
    let Some(p) = std::env::var_os(FILE_VAR) else { return };
    let (a, b) = (file_with(A_COUNT).to_ron(), file_with(B_COUNT).to_ron());
    println!("saving");
    let start = Instant::now();
    while start.elapsed() < CHILD_DEADLINE {
        store::write_atomic(Path::new(&p), b.as_bytes()).unwrap();
        store::write_atomic(Path::new(&p), a.as_bytes()).unwrap();
    }
}

// ------------------------------------------------------------ disk full

#[test]
fn a_full_disk_fails_the_save_and_keeps_the_file() {
    let dir = tempfile::tempdir().unwrap();
    in_private_mount(dir.path(), r#"mount -t tmpfs -o size=64k tmpfs "$1""#, "child_disk_full");
}

/// Fill the file system holding `path` until a write fails.
fn fill(path: &Path) {
    use std::io::Write;
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = [b'x'; 4096];
    while f.write_all(&chunk).and_then(|()| f.sync_all()).is_ok() {}
}

#[test]
#[ignore = "child process of a_full_disk_fails_the_save_and_keeps_the_file"]
fn child_disk_full() {
    let Some(dir) = std::env::var_os(DIR_VAR).map(PathBuf::from) else { return };
    let p = ann_path(&dir);
    let (small, large) = (file_with(2), file_with(60));
    assert!(large.to_ron().len() > 16 * 1024 && large.to_ron().len() < 40 * 1024);
    store::write_atomic(&p, small.to_ron().as_bytes()).unwrap();
    let filler = dir.join("filler");
    fill(&filler);
    let err = store::write_atomic(&p, large.to_ron().as_bytes()).expect_err("a save on a full disk fails");
    assert_eq!(err.kind(), std::io::ErrorKind::StorageFull, "{err}");
    assert_eq!(load(&p), small, "the original is intact");
    assert_eq!(names(&dir), ["a.txt.annotations.ron", "filler"], "no temp file left");
    std::fs::remove_file(&filler).unwrap();
    store::write_atomic(&p, large.to_ron().as_bytes()).expect("the retry succeeds");
    assert_eq!(load(&p), large);
    assert_eq!(names(&dir), ["a.txt.annotations.ron"]);
    document_save_on_a_full_disk(&dir);
}

/// The same through `Document::save`: an error, still dirty, file intact.
fn document_save_on_a_full_disk(dir: &Path) {
    let article_path = dir.join("a.txt");
    std::fs::write(&article_path, article_text()).unwrap();
    store::write_atomic(&ann_path(dir), file_with(2).to_ron().as_bytes()).unwrap();
    let mut doc = Document::open(&article_path).unwrap();
    let before = doc.file().clone();
    let art = doc.article.clone();
    doc.change(|f| f.annotations.extend((100..110).map(|i| word_annotation(&art, i, format!("doc{i}")))));
    fill(&dir.join("filler"));
    let err = doc.save().expect_err("save on a full disk");
    assert!(err.contains("not saved"), "{err}");
    assert!(doc.dirty, "still marked unsaved");
    assert_eq!(load(&ann_path(dir)), before);
    std::fs::remove_file(dir.join("filler")).unwrap();
    doc.save().expect("the retry succeeds");
    assert_eq!(&load(&ann_path(dir)), doc.file());
}

// ------------------------------------------------------- read-only mount

#[test]
fn a_read_only_mount_fails_the_save_and_keeps_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = ann_path(dir.path());
    let a = file_with(3);
    store::write_atomic(&p, a.to_ron().as_bytes()).unwrap();
    let setup = r#"mount --bind "$1" "$1" && mount -o remount,ro,bind "$1""#;
    if in_private_mount(dir.path(), setup, "child_read_only_mount").is_some() {
        assert_eq!(load(&p), a, "intact, seen from outside the namespace too");
        assert_eq!(names(dir.path()), ["a.txt.annotations.ron"]);
    }
}

#[test]
#[ignore = "child process of a_read_only_mount_fails_the_save_and_keeps_the_file"]
fn child_read_only_mount() {
    let Some(dir) = std::env::var_os(DIR_VAR).map(PathBuf::from) else { return };
    let p = ann_path(&dir);
    let before = load(&p);
    let err = store::write_atomic(&p, file_with(5).to_ron().as_bytes()).expect_err("a read-only mount");
    assert_eq!(err.kind(), std::io::ErrorKind::ReadOnlyFilesystem, "{err}");
    assert_eq!(load(&p), before);
    assert!(backup::write_backup(&p, b"x").is_err(), "no backup can be written either");
    assert_eq!(names(&dir), ["a.txt.annotations.ron"], "no temp or backup file");
}

// ------------------------------------------------ permissions and links

#[test]
fn a_read_only_file_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let p = ann_path(dir.path());
    let a = file_with(3);
    store::write_atomic(&p, a.to_ron().as_bytes()).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).unwrap();
    let result = store::write_atomic(&p, file_with(4).to_ron().as_bytes());
    assert!(result.is_err(), "a save over a read-only file is refused");
    assert_eq!(load(&p), a, "the file is untouched");
    assert_eq!(mode(&p), 0o444);
    assert_eq!(names(dir.path()), ["a.txt.annotations.ron"], "no temp file left");
}

#[test]
fn a_save_keeps_the_file_mode() {
    let dir = tempfile::tempdir().unwrap();
    let p = ann_path(dir.path());
    for m in [0o640, 0o600, 0o664] {
        store::write_atomic(&p, file_with(1).to_ron().as_bytes()).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).unwrap();
        store::write_atomic(&p, file_with(2).to_ron().as_bytes()).unwrap();
        assert_eq!(mode(&p), m, "mode {m:o}");
        assert_eq!(load(&p), file_with(2));
    }
}

#[test]
fn a_save_through_a_symlink_keeps_the_link_and_writes_the_target() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    let (link, target) = (dir.path().join("a.ron"), dir.path().join("real/a.ron"));
    store::write_atomic(&target, file_with(1).to_ron().as_bytes()).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("real/a.ron", &link).unwrap();
    store::write_atomic(&link, file_with(2).to_ron().as_bytes()).unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "still a symlink");
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("real/a.ron"));
    assert_eq!(load(&target), file_with(2));
    assert_eq!(mode(&target), 0o640);
    assert_eq!(names(dir.path()), ["a.ron", "real"]);
    assert_eq!(names(&dir.path().join("real")), ["a.ron"], "no temp file left");
}

#[test]
fn a_save_through_a_dangling_symlink_creates_the_target() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    let link = dir.path().join("a.ron");
    std::os::unix::fs::symlink("real/a.ron", &link).unwrap();
    store::write_atomic(&link, file_with(1).to_ron().as_bytes()).unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "still a symlink");
    assert_eq!(load(&dir.path().join("real/a.ron")), file_with(1));
}

#[test]
fn undo_after_a_merge_keeps_annotations_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let article_path = dir.path().join("a.txt");
    std::fs::write(&article_path, article_text()).unwrap();
    let mut doc = Document::open(&article_path).unwrap();
    let art = doc.article.clone();
    doc.change(|f| f.annotations.push(word_annotation(&art, 1, "ours-1".into())));
    assert!(doc.save().is_ok());
    let mut other = load(&ann_path(dir.path()));
    other.annotations.push(word_annotation(&art, 2, "theirs".into()));
    store::write_atomic(&ann_path(dir.path()), other.to_ron().as_bytes()).unwrap();
    doc.change(|f| f.annotations.push(word_annotation(&art, 3, "ours-2".into())));
    assert!(doc.save().is_ok());
    assert!(doc.index_of("theirs").is_some(), "merged in on save");
    assert!(doc.undo(), "undo ours-2");
    assert!(doc.save().is_ok());
    let ids: Vec<String> =
        load(&ann_path(dir.path())).annotations.into_iter().map(|a| a.id.to_string()).collect();
    assert_eq!(ids, ["ours-1", "theirs"], "undo removes only our own change");
}

// ------------------------------------------- truncated and malformed files

#[test]
fn every_byte_prefix_fails_with_file_line_and_column() {
    let ron = file_with(3).to_ron();
    let complete = ron.trim_end().len();
    let path = Path::new("dir/a.txt.annotations.ron");
    for i in 0..complete {
        let prefix = &ron.as_bytes()[..i];
        let e = AnnotationFile::from_ron(prefix, path).expect_err("a truncated file does not load");
        let lines = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
        assert!(e.line >= 1 && e.line <= lines + 1 && e.column >= 1, "prefix {i}: {e}");
        let head = format!("{}:{}:{}: ", path.display(), e.line, e.column);
        assert!(e.to_string().starts_with(&head) && e.message.len() > 3, "prefix {i}: {e}");
    }
    for i in complete..=ron.len() {
        assert!(AnnotationFile::from_ron(&ron.as_bytes()[..i], path).is_ok(), "prefix {i}");
    }
}

#[test]
fn a_truncated_file_on_disk_is_reported_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let p = ann_path(dir.path());
    let ron = file_with(3).to_ron();
    std::fs::write(&p, &ron.as_bytes()[..ron.len() / 2]).unwrap();
    let e = store::load(&p).expect_err("truncated");
    assert!(e.to_string().starts_with(&format!("{}:", p.display())), "{e}");
    std::fs::write(dir.path().join("a.txt"), article_text()).unwrap();
    let mut doc = Document::open(&dir.path().join("a.txt")).unwrap();
    assert!(doc.read_only(), "a file that does not load makes the document read-only");
    assert!(doc.save().is_err());
    assert_eq!(std::fs::read(&p).unwrap(), &ron.as_bytes()[..ron.len() / 2], "never overwritten");
}

fn round_trip_offsets(art: &Article, offsets: &[usize]) {
    let text = art.text();
    for &raw in offsets {
        let c = raw % (art.chars() + 3);
        let b = art.char_to_byte(c);
        assert!(text.is_char_boundary(b), "char {c} → byte {b}");
        assert_eq!(art.byte_to_char(b), c.min(art.chars()), "char {c}");
        let b = raw % (text.len() + 3);
        let c = art.byte_to_char(b);
        assert!(c <= art.chars());
        assert_eq!(art.char_to_byte(c), art.floor_char_boundary(b), "byte {b}");
        let r = art.char_range_to_bytes(c, raw % (art.chars() + 2));
        assert!(r.start <= r.end && text.get(r).is_some());
    }
}

/// Text made of what RON is made of, and now and then any other character:
/// each byte picks a character.
fn ron_text(bytes: &[u8]) -> String {
    const RON: &[char] = &[
        '(', ')', '[', ']', '{', '}', ':', ',', '"', '\'', '\\', ' ', '\n', '\r', '\t', 'a', 'r', '#', '0',
        '1', '9', '.', '-', '+', 'e', 'E', '_', 'x', 'S', 'o', 'm', 'N', 'u', 'l', 'v', 'i', 'n', 't', 'f',
        's', 'b', '/', '*',
    ];
    const OTHER: &[char] = &['é', '🙂', '\u{feff}', '\0', '香', '\u{10ffff}', '\u{7f}', '\u{2028}', 'İ'];
    let pick =
        |b: u8| if b < 224 { RON[usize::from(b) % RON.len()] } else { OTHER[usize::from(b) % OTHER.len()] };
    bytes.iter().map(|&b| pick(b)).collect()
}

/// A small valid file's RON text, built once.
fn small_ron() -> &'static str {
    static RON: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    RON.get_or_init(|| file_with(2).to_ron())
}

fn cases() -> ProptestConfig {
    ProptestConfig { cases: 5000, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn arbitrary_bytes_never_panic_the_ron_reader(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = AnnotationFile::from_ron(&bytes, Path::new("x.ron"));
    }

    #[test]
    fn arbitrary_text_never_panics_the_ron_reader(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let text = ron_text(&bytes);
        let _ = AnnotationFile::from_ron(text.as_bytes(), Path::new("x.ron"));
    }

    #[test]
    fn a_damaged_valid_file_never_panics_the_ron_reader(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
    ) {
        let mut bytes = small_ron().as_bytes().to_vec();
        for (at, byte) in edits {
            let at = at % bytes.len();
            bytes[at] = byte;
        }
        bytes.truncate(bytes.len() - cut % 8);
        if let Err(e) = AnnotationFile::from_ron(&bytes, Path::new("x.ron")) {
            prop_assert!(e.line >= 1 && e.column >= 1, "{}", e);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_article_reader(
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
        offsets in proptest::collection::vec(any::<usize>(), 0..16),
    ) {
        if let Ok(art) = Article::from_bytes(&bytes) {
            round_trip_offsets(&art, &offsets);
        }
    }

    #[test]
    fn offsets_round_trip_in_arbitrary_text(
        chars in proptest::collection::vec(any::<char>(), 0..40),
        repeat in 1..30usize,
        offsets in proptest::collection::vec(any::<usize>(), 0..16),
    ) {
        // Repeated so that texts cross the offset map's checkpoints (every 512 code points).
        let text: String = chars.into_iter().collect::<String>().repeat(repeat);
        if let Ok(art) = Article::from_bytes(text.as_bytes()) {
            let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
            prop_assert_eq!(art.chars(), body.chars().count(), "a leading BOM is not counted");
            round_trip_offsets(&art, &offsets);
        }
    }
}

// ----------------------------------------------------------- concurrency

/// Take the lock, retrying with short sleeps while another process holds it.
fn lock_waiting(p: &Path) -> lock::Lock {
    let start = Instant::now();
    loop {
        match lock::try_lock(p).unwrap() {
            LockState::Acquired(l) => return l,
            LockState::HeldByOther { .. } if start.elapsed() < Duration::from_secs(20) => {
                std::thread::sleep(Duration::from_millis(1));
            }
            LockState::HeldByOther { pid } => panic!("lock held by {pid:?} for 20 s"),
        }
    }
}

#[test]
fn two_processes_saving_concurrently_keep_every_annotation() {
    let dir = tempfile::tempdir().unwrap();
    let p = ann_path(dir.path());
    store::write_atomic(&p, file_with(0).to_ron().as_bytes()).unwrap();
    let children: Vec<KillOnDrop> = ["x", "y"]
        .iter()
        .map(|tag| {
            let mut command = child_command("child_adds_annotations");
            command.env(FILE_VAR, &p).env(TAG_VAR, tag).stdout(Stdio::null());
            KillOnDrop(command.spawn().unwrap())
        })
        .collect();
    for mut child in children {
        assert!(child.0.wait().unwrap().success(), "a child failed");
    }
    let file = load(&p);
    let mut notes: Vec<String> =
        file.annotations.iter().filter_map(|a| a.note().map(str::to_owned)).collect();
    notes.sort();
    let mut expected: Vec<String> =
        ["x", "y"].iter().flat_map(|t| (0..ROUNDS).map(move |r| format!("{t}-{r}"))).collect();
    expected.sort();
    assert_eq!(notes, expected, "all {} annotations kept", 2 * ROUNDS);
    assert_eq!(file.annotations.len(), 2 * ROUNDS);
}

#[test]
#[ignore = "child process of two_processes_saving_concurrently_keep_every_annotation"]
fn child_adds_annotations() {
    let (Some(p), Ok(tag)) = (std::env::var_os(FILE_VAR), std::env::var(TAG_VAR)) else { return };
    let p = PathBuf::from(p);
    let art = article();
    let mut rng = XorShift::from_time();
    let mut base = load(&p);
    for round in 0..ROUNDS {
        let mut ours = base.clone();
        let mut a = word_annotation(&art, round, ulid::Ulid::new().to_string());
        a.set_note(Some(format!("{tag}-{round}")));
        ours.annotations.push(a);
        sort(&mut ours.annotations);
        let held = lock_waiting(&p);
        let theirs = load(&p);
        let merged = merge(&base, &ours, &theirs);
        assert!(merged.conflicts.is_empty(), "{:?}", merged.conflicts);
        store::write_atomic(&p, merged.file.to_ron().as_bytes()).unwrap();
        drop(held);
        base = merged.file;
        std::thread::sleep(Duration::from_micros(rng.below(2000)));
    }
}

#[test]
fn a_lock_held_by_a_killed_process_is_released() {
    let dir = tempfile::tempdir().unwrap();
    let p = ann_path(dir.path());
    let mut command = child_command("child_holds_the_lock");
    command.env(FILE_VAR, &p);
    let mut child = spawn_until(command, "locked");
    match lock::try_lock(&p).unwrap() {
        LockState::HeldByOther { pid } => assert_eq!(pid, Some(child.0.id())),
        LockState::Acquired(_) => panic!("the lock was granted twice"),
    }
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    assert!(lock::lock_path(&p).exists(), "the dead holder's lock file is still there");
    assert!(matches!(lock::try_lock(&p).unwrap(), LockState::Acquired(_)), "and does not block");
}

#[test]
#[ignore = "child process of a_lock_held_by_a_killed_process_is_released"]
fn child_holds_the_lock() {
    let Some(p) = std::env::var_os(FILE_VAR) else { return };
    let LockState::Acquired(_held) = lock::try_lock(Path::new(&p)).unwrap() else { panic!("not acquired") };
    println!("locked");
    std::thread::sleep(CHILD_DEADLINE);
}
