//! Safety nets around saving: a backup of the annotation file as it was when
//! the session started, and clean-up of temp files left by a crash.
//!
//! A session is the life of a [`Document`](super::document::Document): it
//! keeps the bytes it read at open and has [`write_backup`] write them at its
//! first save, once.

use std::fs::Permissions;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::store;

/// `x.annotations.ron` → `x.annotations.ron.bak`.
pub fn backup_path(ann_path: &Path) -> PathBuf {
    let mut name = ann_path.as_os_str().to_owned();
    name.push(".bak");
    PathBuf::from(name)
}

/// Write `bytes` (the annotation file as the session found it) to
/// `<file>.bak`, atomically, with the file's permissions (private when the
/// file is gone meanwhile), replacing an older session's backup. The caller
/// ([`Document::save`](super::document::Document::save)) does this once per
/// session, at its first save, so a backup is never one keystroke old.
pub fn write_backup(ann_path: &Path, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let bak = backup_path(ann_path);
    // The file's mode; private when it is gone meanwhile.
    let mode = std::fs::metadata(ann_path).map_or(0o600, |m| m.permissions().mode());
    // Writable by its owner while written (write_atomic refuses read-only
    // files), never readable by more people than the file itself.
    store::prepare_mode(&bak, mode | 0o200)?;
    store::write_atomic(&bak, bytes)?;
    if mode & 0o200 == 0 {
        std::fs::set_permissions(&bak, Permissions::from_mode(mode))?;
    }
    Ok(bak)
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
    let target = store::write_target(ann_path);
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let prefix = format!(".{name}.tmp-");
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(pid) = temp_pid(&path, &prefix) else { continue };
        if !process_alive(pid) {
            store::remove_if_there(&path)?;
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
    fn the_backup_gets_the_bytes_and_the_file_s_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt.annotations.ron");
        std::fs::write(&p, "saved since").unwrap();
        std::fs::set_permissions(&p, Permissions::from_mode(0o600)).unwrap();
        let bak = write_backup(&p, b"start").unwrap();
        assert_eq!(bak, dir.path().join("a.txt.annotations.ron.bak"));
        assert_eq!(std::fs::read_to_string(&bak).unwrap(), "start");
        assert_eq!(std::fs::metadata(&bak).unwrap().permissions().mode() & 0o777, 0o600);
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
        write_backup(&p, b"new session").unwrap();
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
        write_backup(&p, b"read-only").unwrap();
        assert_eq!(std::fs::read_to_string(backup_path(&p)).unwrap(), "read-only");
        assert_eq!(std::fs::metadata(backup_path(&p)).unwrap().permissions().mode() & 0o777, 0o444);
    }

    #[test]
    fn a_file_deleted_meanwhile_gets_a_private_backup() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("gone.ron");
        write_backup(&p, b"as found").unwrap();
        assert_eq!(std::fs::metadata(backup_path(&p)).unwrap().permissions().mode() & 0o777, 0o600);
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
