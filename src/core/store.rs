//! The annotation file: `<article>.annotations.ron` beside the article.
//!
//! Reading never guesses: a file that does not parse, is not UTF-8 or has a
//! newer `version` is reported with its path, line and column, and the caller
//! must not write to it. Writing is atomic: a temp file in the same folder,
//! fsync, rename over the target, fsync of the folder.

use std::fmt;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::annotation::Annotation;
use super::brat::Standoff;
use super::numbers::NumberConvention;
use super::text::{Article, line_col};

/// The newest format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// What the file says about the article it annotates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleMeta {
    /// The article's file name (no folder), for humans.
    pub file: String,
    /// Hex sha256 of the article's bytes when the file was written.
    pub sha256: String,
    /// Code points in the article then.
    pub chars: usize,
    /// The article's number convention (inferred, or set by the user).
    pub numbers: NumberConvention,
}

/// A suggestion the user turned down: it is not suggested again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// The suggested text.
    pub exact: String,
    /// `"quote"`, `"entity"` or `"statistic"`.
    pub kind: String,
    /// Where it was turned down (code point offset); `None`: everywhere.
    #[serde(default)]
    pub start: Option<usize>,
}

/// The whole annotation file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnotationFile {
    pub version: u32,
    pub article: ArticleMeta,
    /// Suggestions turned down (written only when there are any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<Rejected>,
    /// Lines of an imported brat file that are not annotations (events,
    /// relations, …), kept for export (written only when there are any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standoff: Vec<Standoff>,
    pub annotations: Vec<Annotation>,
}

impl AnnotationFile {
    /// An empty file for `art` at `article_path`.
    pub fn new(article_path: &Path, art: &Article, numbers: NumberConvention) -> AnnotationFile {
        AnnotationFile {
            version: FORMAT_VERSION,
            article: ArticleMeta {
                file: article_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                sha256: art.sha256().to_owned(),
                chars: art.chars(),
                numbers,
            },
            rejected: Vec::new(),
            standoff: Vec::new(),
            annotations: Vec::new(),
        }
    }

    /// The RON text of this file (`ron`'s pretty printing with four-space
    /// indents, written by [`ron_out`](super::ron_out) for speed).
    pub fn to_ron(&self) -> String {
        super::ron_out::to_ron(self)
    }

    /// Parse RON text. `path` is only used in error messages.
    pub fn from_ron(bytes: &[u8], path: &Path) -> Result<AnnotationFile, LoadError> {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = std::str::from_utf8(body).map_err(|e| {
            let (line, column) = line_col(body, e.valid_up_to());
            LoadError::at(path, line, column, "not valid UTF-8")
        })?;
        if text.trim().is_empty() {
            return Err(LoadError::at(path, 1, 1, "the file is empty"));
        }
        let mut file: AnnotationFile = match super::ron_in::parse(text) {
            Some(file) => file,
            None => ron::from_str(text)
                .map_err(|e| LoadError::at(path, e.span.start.line, e.span.start.col, &e.code.to_string()))?,
        };
        // The list is kept for the session: no room left over from growing it.
        file.annotations.shrink_to_fit();
        if file.version > FORMAT_VERSION {
            let (line, column) = find_line_col(text, "version");
            return Err(LoadError::at(
                path,
                line,
                column,
                &format!(
                    "format version {} is newer than this marginote understands ({FORMAT_VERSION}); upgrade marginote",
                    file.version
                ),
            ));
        }
        Ok(file)
    }
}

fn find_line_col(text: &str, needle: &str) -> (usize, usize) {
    text.find(needle).map_or((1, 1), |i| line_col(text.as_bytes(), i))
}

/// Why an annotation file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl LoadError {
    pub(crate) fn at(path: &Path, line: usize, column: usize, message: &str) -> LoadError {
        LoadError { path: path.to_owned(), line, column, message: message.to_owned() }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.path.display(), self.line, self.column, self.message)
    }
}

impl std::error::Error for LoadError {}

/// `report.txt` → `report.txt.annotations.ron`, in the same folder.
pub fn annotations_path(article: &Path) -> PathBuf {
    let mut name = article.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".annotations.ron");
    article.with_file_name(name)
}

/// Read the annotation file at `path`; `Ok(None)` when there is none yet.
pub fn load(path: &Path) -> Result<Option<AnnotationFile>, LoadError> {
    match std::fs::read(path) {
        Ok(bytes) => AnnotationFile::from_ron(&bytes, path).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(LoadError::at(path, 1, 1, &e.to_string())),
    }
}

/// Write `contents` to `path` atomically: temp file in the same folder, fsync,
/// rename over `path` (following a symlink to its target), fsync the folder.
/// Keeps the permissions of an existing file, and refuses to replace one
/// that has no write permission at all (a rename would, even as root).
///
/// The temp file of an existing target is created private (0600) and given
/// the target's owner, group and mode only once written, so a private file's
/// content is never readable by others, not even for a moment. Changing the
/// owner needs root; a user who cannot keeps the file as theirs (as any
/// editor saving by rename does).
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let target = write_target(path);
    let existing = std::fs::metadata(&target).ok().filter(std::fs::Metadata::is_file);
    if existing.as_ref().is_some_and(|m| m.permissions().readonly()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the file is read-only: not replaced (make it writable, or save elsewhere)",
        ));
    }
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        // Always a new file: a temp left with our pid by a crashed process (or
        // a link planted at its name) is removed, never reused or written
        // through, and the mode applies only to a file being created.
        remove_if_there(&tmp)?;
        let mode = if existing.is_some() { 0o600 } else { 0o666 };
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(mode).open(&tmp)?;
        f.write_all(contents)?;
        if let Some(meta) = &existing {
            match std::os::unix::fs::fchown(&f, Some(meta.uid()), Some(meta.gid())) {
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {}
                other => other?,
            }
            f.set_permissions(meta.permissions())?;
        }
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, &target)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Make `path` exist with `mode` before [`write_atomic`] replaces it (which
/// keeps the mode of the file it replaces): a file that must never be more
/// readable than `mode` is created private, empty, and given `mode`.
pub(crate) fn prepare_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    match std::fs::File::options().write(true).create_new(true).mode(0o600).open(path) {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(e),
        _ => {}
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

/// Remove a file; one already gone (another instance cleaning up) is fine.
pub(crate) fn remove_if_there(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// The file [`write_atomic`] replaces when asked to write `path`: symlinks
/// resolved, also a dangling one (its target, which the save creates, so the
/// link stays a link); `path` itself when it does not exist.
pub(crate) fn write_target(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| match std::fs::read_link(path) {
        Ok(t) if t.is_absolute() => t,
        Ok(t) => path.parent().unwrap_or(Path::new(".")).join(t),
        Err(_) => path.to_owned(),
    })
}

/// Move a file that could not be read aside (`X` → `X.bad-<unix seconds>`),
/// so that starting fresh loses nothing. An earlier bad file is never
/// overwritten: when that name is taken, `-1`, `-2` … is added. Returns the
/// new path.
pub fn move_aside(path: &Path) -> std::io::Result<PathBuf> {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let aside = reserve_aside(path, secs)?;
    // Replaces only the empty file we have just created.
    if let Err(e) = std::fs::rename(path, &aside) {
        let _ = std::fs::remove_file(&aside);
        return Err(e);
    }
    Ok(aside)
}

/// How many names [`reserve_aside`] tries before it gives up.
const ASIDE_TRIES: u32 = 1000;

/// Claim the first free name among `X.bad-<secs>`, `X.bad-<secs>-1` … by
/// creating it empty and exclusively (`O_EXCL`), so that no other process,
/// nor a second move in the same second, can claim it too.
fn reserve_aside(path: &Path, secs: u64) -> std::io::Result<PathBuf> {
    for n in 0..ASIDE_TRIES {
        let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        name.push(format!(".bad-{secs}"));
        if n > 0 {
            name.push(format!("-{n}"));
        }
        let aside = path.with_file_name(name);
        match std::fs::File::options().write(true).create_new(true).mode(0o600).open(&aside) {
            Ok(_) => return Ok(aside),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!("{ASIDE_TRIES} files named {}.bad-{secs}…: not moved aside", path.display()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::annotation::{Kind, Speaker, Stamp, Status};

    fn sample_file() -> AnnotationFile {
        let text = "Dia berkata: \"Kami \\ tidak\tsetuju\" 🙂\r\nbaris\u{1b} baru 12,5 persen";
        let art = Article::from_text(text);
        let mut file = AnnotationFile::new(Path::new("a.txt"), &art, NumberConvention::DotThousands);
        let stamp = Stamp { author: "Siti \"S\" Rahma".into(), now: "2026-11-28T10:15:00Z".into() };
        let q = text.find('"').unwrap();
        let mut quote = Annotation::new(
            &art,
            q..q + 22,
            Kind::Quote { speaker: Some(Speaker::Text("Seorang juru bicara \"Meta\"".into())) },
            &stamp,
        );
        quote.set_note(Some("line one\nline two\\ with ) and \"".into()));
        quote.status = Status::Other("Checked by desk".into());
        let s = text.find("12,5").unwrap();
        let stat = Annotation::new(
            &art,
            s..s + 4,
            Kind::Statistic { value: Some(12.5), unit: Some("%".into()) },
            &stamp,
        );
        file.annotations = vec![quote, stat];
        file
    }

    #[test]
    fn ron_round_trip_keeps_awkward_strings() {
        let file = sample_file();
        let ron = file.to_ron();
        let back = AnnotationFile::from_ron(ron.as_bytes(), Path::new("x.ron")).unwrap();
        assert_eq!(back, file);
        assert!(ron.contains("kind: Quote("), "{ron}");
        assert!(ron.contains("numbers: DotThousands"), "{ron}");
    }

    #[test]
    fn bom_and_crlf_load() {
        let file = sample_file();
        let ron = file.to_ron().replace('\n', "\r\n");
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(ron.as_bytes());
        assert_eq!(AnnotationFile::from_ron(&bytes, Path::new("x")).unwrap(), file);
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let bad = "(\n    version: 1,\n    article: oops,\n)";
        let e = AnnotationFile::from_ron(bad.as_bytes(), Path::new("r.ron")).unwrap_err();
        assert_eq!((e.line, e.column), (3, 14), "{e}");
        assert!(e.to_string().starts_with("r.ron:3:14: "), "{e}");
        let e = AnnotationFile::from_ron(b"  \n", Path::new("r.ron")).unwrap_err();
        assert!(e.to_string().contains("empty"));
        let e = AnnotationFile::from_ron(b"(\n\xFF", Path::new("r.ron")).unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        let newer = sample_file().to_ron().replace("version: 1", "version: 9");
        let e = AnnotationFile::from_ron(newer.as_bytes(), Path::new("r.ron")).unwrap_err();
        assert!(e.message.contains("newer"), "{e}");
        assert_eq!(e.line, 2);
    }

    #[test]
    fn every_prefix_of_a_valid_file_errors_without_panicking() {
        let ron = sample_file().to_ron();
        let complete = ron.trim_end().len();
        for (i, _) in ron.char_indices().take_while(|&(i, _)| i < complete) {
            assert!(AnnotationFile::from_ron(&ron.as_bytes()[..i], Path::new("p")).is_err(), "prefix {i}");
        }
    }

    #[test]
    fn atomic_write_keeps_owner_and_group() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt.annotations.ron");
        std::fs::write(&p, "old").unwrap();
        if std::os::unix::fs::chown(&p, Some(1234), Some(5678)).is_err() {
            eprintln!("skipped: only root can give a file away");
            return;
        }
        write_atomic(&p, b"new").unwrap();
        let meta = std::fs::metadata(&p).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (1234, 5678));
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
    }

    #[test]
    fn a_stale_temp_with_our_name_is_replaced_not_reused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.ron");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        // A temp of ours (same pid) left behind, world-readable, and a link
        // planted at that name: neither is written through.
        let tmp = dir.path().join(format!(".a.ron.tmp-{}", std::process::id()));
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, "untouched").unwrap();
        std::os::unix::fs::symlink(&elsewhere, &tmp).unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "untouched");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        assert!(!tmp.exists());
    }

    #[test]
    fn atomic_write_replaces_and_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt.annotations.ron");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o640);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temp file left");
    }

    #[test]
    fn a_read_only_file_is_refused_not_replaced() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.ron");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).unwrap();
        let e = write_atomic(&p, b"new").unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::PermissionDenied);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temp file left");
    }

    #[test]
    fn a_symlink_stays_a_link_and_its_target_is_written() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        let real = dir.path().join("real/a.ron");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("a.ron");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }

    #[test]
    fn the_write_target_resolves_links_even_dangling_ones() {
        let dir = tempfile::tempdir().unwrap();
        let d = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir(d.join("real")).unwrap();
        std::fs::write(d.join("real/a.ron"), "data").unwrap();
        std::os::unix::fs::symlink("real/a.ron", d.join("a.ron")).unwrap();
        assert_eq!(write_target(&d.join("a.ron")), d.join("real/a.ron"), "a link");
        std::os::unix::fs::symlink("real/b.ron", d.join("b.ron")).unwrap();
        assert_eq!(write_target(&d.join("b.ron")), d.join("real/b.ron"), "dangling, relative");
        std::os::unix::fs::symlink(d.join("real/c.ron"), d.join("c.ron")).unwrap();
        assert_eq!(write_target(&d.join("c.ron")), d.join("real/c.ron"), "dangling, absolute");
        assert_eq!(write_target(&d.join("new.ron")), d.join("new.ron"), "no file yet");
    }

    #[test]
    fn moving_aside_never_overwrites_an_earlier_bad_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.ron");
        let bad = |secs: u64| dir.path().join(format!("a.ron.bad-{secs}"));
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        // Taken, whichever second the moves below fall in.
        for secs in now..now + 3 {
            std::fs::write(bad(secs), format!("older {secs}")).unwrap();
        }
        std::fs::write(&p, "first").unwrap();
        let first = move_aside(&p).unwrap();
        std::fs::write(&p, "second").unwrap();
        let second = move_aside(&p).unwrap();
        assert!(!p.exists());
        assert_eq!(std::fs::read_to_string(&first).unwrap(), "first");
        assert_eq!(std::fs::read_to_string(&second).unwrap(), "second");
        for secs in now..now + 3 {
            assert_eq!(std::fs::read_to_string(bad(secs)).unwrap(), format!("older {secs}"));
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 5);
    }

    #[test]
    fn annotations_path_sits_beside_the_article() {
        assert_eq!(annotations_path(Path::new("/x/report.txt")), Path::new("/x/report.txt.annotations.ron"));
        assert_eq!(annotations_path(Path::new("notes.md")), Path::new("notes.md.annotations.ron"));
    }
}
