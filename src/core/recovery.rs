//! Recovery files: annotations that could not be saved when marginote
//! ended abruptly (a panic, a hang-up while the annotation file could not be
//! written) or was told to quit without saving after a failed save.
//!
//! They live in the user's data directory (`<data>/recovery/`), not beside
//! the article: the usual reason they exist is that the article's folder
//! could not be written. One file per annotation file, named after it and a
//! hash of its absolute path, holding that path, the time, and the whole
//! annotation file. The next start on that article offers to restore it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::store::{AnnotationFile, LoadError, prepare_mode, write_atomic};
use super::text::sha256_hex;

/// What a recovery file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recovery {
    /// The annotation file these annotations belong to.
    pub annotation_file: PathBuf,
    /// When it was written (RFC 3339, UTC).
    pub written: String,
    /// The annotations as they were in memory.
    pub file: AnnotationFile,
}

/// The recovery file for `ann_path` in the folder `dir`.
pub fn path_for(dir: &Path, ann_path: &Path) -> PathBuf {
    let absolute = std::path::absolute(ann_path).unwrap_or_else(|_| ann_path.to_owned());
    let hash = sha256_hex(absolute.as_os_str().as_encoded_bytes());
    let short = &hash[..16];
    let name = ann_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    dir.join(format!("{name}-{short}.ron"))
}

/// Write `file` as the recovery of `ann_path` into `dir` (created if need
/// be). Readable by the user only. Returns the file's path.
pub fn write(dir: &Path, ann_path: &Path, file: &AnnotationFile) -> std::io::Result<PathBuf> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    let path = path_for(dir, ann_path);
    let recovery = Recovery {
        annotation_file: std::path::absolute(ann_path).unwrap_or_else(|_| ann_path.to_owned()),
        written: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        file: file.clone(),
    };
    let config = ron::ser::PrettyConfig::new().indentor("    ").new_line("\n");
    let ron = ron::ser::to_string_pretty(&recovery, config).map_err(std::io::Error::other)?;
    prepare_mode(&path, 0o600)?;
    write_atomic(&path, ron.as_bytes())?;
    Ok(path)
}

/// The recovery for `ann_path` in `dir`, if there is one: `Err` when it
/// exists but cannot be read (it is then left alone).
pub fn find(dir: &Path, ann_path: &Path) -> Option<Result<Recovery, LoadError>> {
    let path = path_for(dir, ann_path);
    let bytes = std::fs::read(&path).ok()?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(_) => return Some(Err(LoadError::at(&path, 1, 1, "not valid UTF-8"))),
    };
    Some(
        ron::from_str::<Recovery>(text)
            .map_err(|e| LoadError::at(&path, e.span.start.line, e.span.start.col, &e.code.to_string())),
    )
}

/// Done with the recovery for `ann_path`: restored and saved, or discarded
/// by the user. Kept as `<name>.discarded` (replacing an older one), so a
/// wrong key press can still be undone by hand.
pub fn retire(dir: &Path, ann_path: &Path) -> std::io::Result<()> {
    let path = path_for(dir, ann_path);
    let mut aside = path.clone().into_os_string();
    aside.push(".discarded");
    std::fs::rename(&path, aside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::annotation::{Annotation, Kind, Stamp};
    use crate::core::text::Article;

    fn file_with_one() -> AnnotationFile {
        let art = Article::from_text("Meta and Facebook");
        let mut f = AnnotationFile::new(Path::new("a.txt"), &art, Default::default());
        let stamp = Stamp { author: "t".into(), now: "n".into() };
        f.annotations.push(Annotation::new(&art, 0..4, Kind::Entity("Organization".into()), &stamp));
        f
    }

    #[test]
    fn written_recovery_is_found_private_and_retired() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let rec_dir = dir.path().join("recovery");
        let ann = dir.path().join("a.txt.annotations.ron");
        assert!(find(&rec_dir, &ann).is_none());
        let file = file_with_one();
        let path = write(&rec_dir, &ann, &file).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(&rec_dir).unwrap().permissions().mode() & 0o777, 0o700);
        let found = find(&rec_dir, &ann).unwrap().unwrap();
        assert_eq!(found.file, file);
        assert_eq!(found.annotation_file, ann);
        // Another annotation file of the same name elsewhere has its own.
        let other = dir.path().join("sub/a.txt.annotations.ron");
        assert!(find(&rec_dir, &other).is_none());
        retire(&rec_dir, &ann).unwrap();
        assert!(find(&rec_dir, &ann).is_none());
        assert_eq!(std::fs::read_dir(&rec_dir).unwrap().count(), 1, "kept as .discarded");
    }

    #[test]
    fn a_broken_recovery_file_is_an_error_with_its_position() {
        let dir = tempfile::tempdir().unwrap();
        let ann = dir.path().join("a.txt.annotations.ron");
        std::fs::write(path_for(dir.path(), &ann), "(annotation_file: \"x\",\n  oops").unwrap();
        let e = find(dir.path(), &ann).unwrap().unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }
}
