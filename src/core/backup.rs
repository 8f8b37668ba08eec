//! Safety nets around saving: a backup of the annotation file as it was when
//! the session started, and clean-up of temp files left by a crash.
//!
//! A "session" is the life of this process: [`backup_once`] copies a given
//! annotation file at most once per process, however often it is called.

use std::collections::BTreeSet;
use std::fs::{File, Permissions};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use super::store;

/// Annotation files already seen by [`backup_once`] in this process.
static BACKED_UP: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// `x.annotations.ron` → `x.annotations.ron.bak`.
pub fn backup_path(ann_path: &Path) -> PathBuf {
    let mut name = ann_path.as_os_str().to_owned();
    name.push(".bak");
    PathBuf::from(name)
}

/// Copy the annotation file as it was when the session started to `<file>.bak`,
/// once per session: call it before every save; only the first call for a
/// path copies anything. A no-op (returning `None`) when the file does not
/// exist, and later calls stay no-ops, so the backup never holds a file this
/// session wrote. Atomic (via [`store::write_atomic`]); the backup gets the
/// file's permissions. Returns the backup's path when one was written.
pub fn backup_once(ann_path: &Path) -> std::io::Result<Option<PathBuf>> {
    // Not canonicalize: it fails until the file exists, and the key must not
    // change when this session's first save creates the file.
    let key = std::path::absolute(ann_path).unwrap_or_else(|_| ann_path.to_owned());
    let mut seen = BACKED_UP.lock().unwrap_or_else(PoisonError::into_inner);
    if seen.contains(&key) {
        return Ok(None);
    }
    let written = copy_to_backup(ann_path)?;
    seen.insert(key);
    Ok(written)
}

/// Copy `ann_path` to its backup; `None` when there is no file to copy.
fn copy_to_backup(ann_path: &Path) -> std::io::Result<Option<PathBuf>> {
    let bytes = match std::fs::read(ann_path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let bak = backup_path(ann_path);
    let mode = std::fs::metadata(ann_path)?.permissions().mode();
    // Writable by its owner while written (write_atomic refuses read-only
    // files), never readable by more people than the file itself.
    prepare(&bak, mode | 0o200)?;
    store::write_atomic(&bak, &bytes)?;
    if mode & 0o200 == 0 {
        std::fs::set_permissions(&bak, Permissions::from_mode(mode))?;
    }
    Ok(Some(bak))
}

/// Make `path` exist with `mode` before [`store::write_atomic`] replaces it
/// (which keeps the permissions of the file it replaces), so that a private
/// annotation file never gets a world-readable backup.
fn prepare(path: &Path, mode: u32) -> std::io::Result<()> {
    match File::options().write(true).create_new(true).mode(0o600).open(path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    std::fs::set_permissions(path, Permissions::from_mode(mode))
}

/// Remove temp files of ours left by a crash: [`store::write_atomic`] writes
/// `.<name>.tmp-<pid>` in the folder of the (symlink-resolved) file. Those for
/// `ann_path` whose process is no longer alive are removed, never read.
/// Liveness is `/proc/<pid>` (Linux); without `/proc` nothing is removed.
/// Returns what was removed.
pub fn remove_stale_temps(ann_path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if !Path::new("/proc/self").exists() {
        return Ok(Vec::new());
    }
    let target = super::lock::write_target(ann_path);
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let prefix = format!(".{name}.tmp-");
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(pid) = temp_pid(&path, &prefix) else { continue };
        if !process_alive(pid) {
            remove_if_there(&path)?;
            removed.push(path);
        }
    }
    removed.sort();
    Ok(removed)
}

/// The pid in `.<name>.tmp-<pid>`, when `path` is such a temp file.
fn temp_pid(path: &Path, prefix: &str) -> Option<u32> {
    let file_name = path.file_name()?.to_str()?;
    let digits = file_name.strip_prefix(prefix)?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn process_alive(pid: u32) -> bool {
    pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists()
}

/// Remove a file; one already gone (another instance cleaning up) is fine.
fn remove_if_there(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    #[test]
    fn the_first_call_copies_and_later_calls_do_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt.annotations.ron");
        std::fs::write(&p, "start").unwrap();
        std::fs::set_permissions(&p, Permissions::from_mode(0o600)).unwrap();
        let bak = backup_once(&p).unwrap().expect("a backup");
        assert_eq!(bak, dir.path().join("a.txt.annotations.ron.bak"));
        assert_eq!(std::fs::read_to_string(&bak).unwrap(), "start");
        assert_eq!(std::fs::metadata(&bak).unwrap().permissions().mode() & 0o777, 0o600);
        std::fs::write(&p, "saved by this session").unwrap();
        assert_eq!(backup_once(&p).unwrap(), None);
        assert_eq!(std::fs::read_to_string(&bak).unwrap(), "start", "still the session's start");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "no temp file left: {names:?}");
    }

    #[test]
    fn an_old_backup_is_replaced_with_the_file_s_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.ron");
        std::fs::write(&p, "new session").unwrap();
        std::fs::set_permissions(&p, Permissions::from_mode(0o640)).unwrap();
        std::fs::write(backup_path(&p), "old session").unwrap();
        std::fs::set_permissions(backup_path(&p), Permissions::from_mode(0o666)).unwrap();
        backup_once(&p).unwrap();
        assert_eq!(std::fs::read_to_string(backup_path(&p)).unwrap(), "new session");
        assert_eq!(std::fs::metadata(backup_path(&p)).unwrap().permissions().mode() & 0o777, 0o640);
    }

    #[test]
    fn a_read_only_file_gets_a_read_only_backup() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.ron");
        std::fs::write(&p, "read-only").unwrap();
        std::fs::set_permissions(&p, Permissions::from_mode(0o444)).unwrap();
        std::fs::write(backup_path(&p), "old session").unwrap();
        std::fs::set_permissions(backup_path(&p), Permissions::from_mode(0o444)).unwrap();
        backup_once(&p).unwrap();
        assert_eq!(std::fs::read_to_string(backup_path(&p)).unwrap(), "read-only");
        assert_eq!(std::fs::metadata(backup_path(&p)).unwrap().permissions().mode() & 0o777, 0o444);
    }

    #[test]
    fn no_file_means_no_backup_for_the_whole_session() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.ron");
        assert_eq!(backup_once(&p).unwrap(), None);
        std::fs::write(&p, "first save of this session").unwrap();
        assert_eq!(backup_once(&p).unwrap(), None, "that would back up our own save");
        assert!(!backup_path(&p).exists());
    }

    #[test]
    fn the_session_is_recognised_after_the_first_save_creates_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let p = dir.path().join("sub/../e.ron");
        assert_eq!(backup_once(&p).unwrap(), None);
        std::fs::write(&p, "first save of this session").unwrap();
        assert_eq!(backup_once(&p).unwrap(), None);
        assert!(!backup_path(&p).exists());
    }

    #[test]
    fn stale_temps_of_dead_processes_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.ron");
        std::fs::write(&p, "data").unwrap();
        let dead = dir.path().join(format!(".d.ron.tmp-{}", dead_pid()));
        let ours = dir.path().join(format!(".d.ron.tmp-{}", std::process::id()));
        let init = dir.path().join(".d.ron.tmp-1");
        let others = [".e.ron.tmp-999999999", ".d.ron.tmp-", ".d.ron.tmp-12x", "d.ron.tmp-5"];
        for f in [&dead, &ours, &init] {
            std::fs::write(f, "half").unwrap();
        }
        for f in others {
            std::fs::write(dir.path().join(f), "x").unwrap();
        }
        assert_eq!(remove_stale_temps(&p).unwrap(), std::slice::from_ref(&dead));
        assert!(!dead.exists());
        assert!(ours.exists() && init.exists(), "live processes' temps are kept");
        assert!(others.iter().all(|f| dir.path().join(f).exists()), "not ours: kept");
        assert!(p.exists());
        assert_eq!(remove_stale_temps(&p).unwrap(), Vec::<PathBuf>::new());
    }

    #[test]
    fn stale_temps_are_looked_for_beside_a_symlink_s_target() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        std::fs::write(dir.path().join("real/f.ron"), "data").unwrap();
        std::os::unix::fs::symlink("real/f.ron", dir.path().join("f.ron")).unwrap();
        let tmp = dir.path().join(format!("real/.f.ron.tmp-{}", dead_pid()));
        std::fs::write(&tmp, "half").unwrap();
        let removed = remove_stale_temps(&dir.path().join("f.ron")).unwrap();
        assert_eq!(removed.len(), 1);
        assert!(!tmp.exists());
    }

    #[test]
    fn stale_temps_are_looked_for_beside_a_dangling_symlink_s_target() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        std::os::unix::fs::symlink("real/g.ron", dir.path().join("g.ron")).unwrap();
        let tmp = dir.path().join(format!("real/.g.ron.tmp-{}", dead_pid()));
        std::fs::write(&tmp, "half of a first save").unwrap();
        assert_eq!(remove_stale_temps(&dir.path().join("g.ron")).unwrap().len(), 1);
        assert!(!tmp.exists());
    }
}
