//! One writer per article: an advisory lock beside the annotation file.
//!
//! The lock is taken on a separate file, `<article>.annotations.ron.lock`, and
//! never on the annotation file itself, whose inode changes at every atomic
//! save. It is an `flock(2)` lock, so the kernel releases it when the holder
//! exits or dies: a lock file left behind by a crash never blocks anyone.
//! The holder writes its process id into the file so that another instance
//! can say who holds it. The lock file is never deleted: deleting it would let
//! two processes lock two different inodes under the same name.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use fs4::fs_std::FileExt;

/// A held lock. Released when dropped.
#[derive(Debug)]
pub struct Lock {
    file: File,
    path: PathBuf,
}

impl Lock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Forget our pid before the kernel releases the lock with the file.
        let _ = self.file.set_len(0);
    }
}

/// The outcome of [`try_lock`].
#[derive(Debug)]
pub enum LockState {
    /// We hold the lock now.
    Acquired(Lock),
    /// Another process (or another open file in this one) holds it; `pid` is
    /// the holder's process id when it has written it already.
    HeldByOther { pid: Option<u32> },
}

/// `x.annotations.ron` → `x.annotations.ron.lock`, beside the file that
/// saves write to (a symlink's target), so that opening the same file through
/// a link and through its real path takes the same lock.
pub fn lock_path(ann_path: &Path) -> PathBuf {
    let mut name = super::store::write_target(ann_path).into_os_string();
    name.push(".lock");
    PathBuf::from(name)
}

/// Try to take the lock for the annotation file `ann_path`, without waiting.
pub fn try_lock(ann_path: &Path) -> std::io::Result<LockState> {
    let path = lock_path(ann_path);
    // No truncation on open: the file may hold the current holder's pid.
    let mut file = File::options().read(true).write(true).create(true).truncate(false).open(&path)?;
    if !file.try_lock_exclusive()? {
        return Ok(LockState::HeldByOther { pid: read_pid(&mut file) });
    }
    // The pid only tells others who holds the lock: failing to write it
    // (a full disk) does not make the lock less ours.
    let _ = write_pid(&mut file);
    Ok(LockState::Acquired(Lock { file, path }))
}

fn write_pid(file: &mut File) -> std::io::Result<()> {
    file.set_len(0)?;
    file.rewind()?;
    writeln!(file, "{}", std::process::id())?;
    file.flush()
}

fn read_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann_path(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join("a.txt.annotations.ron")
    }

    #[test]
    fn the_lock_file_sits_beside_the_annotation_file() {
        assert_eq!(
            lock_path(Path::new("/x/a.txt.annotations.ron")),
            Path::new("/x/a.txt.annotations.ron.lock")
        );
    }

    #[test]
    fn a_second_lock_is_refused_and_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let p = ann_path(&dir);
        let LockState::Acquired(lock) = try_lock(&p).unwrap() else { panic!("first lock refused") };
        assert_eq!(lock.path(), lock_path(&p));
        let own = std::fs::read_to_string(lock.path()).unwrap();
        assert_eq!(own.trim(), std::process::id().to_string());
        match try_lock(&p).unwrap() {
            LockState::HeldByOther { pid } => assert_eq!(pid, Some(std::process::id())),
            LockState::Acquired(_) => panic!("second lock granted"),
        }
        drop(lock);
        assert!(matches!(try_lock(&p).unwrap(), LockState::Acquired(_)), "free again after drop");
    }

    #[test]
    fn a_lock_file_left_by_a_dead_process_does_not_block() {
        let dir = tempfile::tempdir().unwrap();
        let p = ann_path(&dir);
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        std::fs::write(lock_path(&p), format!("{dead}\n")).unwrap();
        let LockState::Acquired(lock) = try_lock(&p).unwrap() else { panic!("stale lock file blocks") };
        let own = std::fs::read_to_string(lock.path()).unwrap();
        assert_eq!(own, format!("{}\n", std::process::id()), "the stale pid is replaced");
    }

    #[test]
    fn a_symlink_and_its_target_share_one_lock() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        let (link, real) = (dir.path().join("a.ron"), dir.path().join("real/a.ron"));
        std::os::unix::fs::symlink("real/a.ron", &link).unwrap();
        let LockState::Acquired(lock) = try_lock(&link).unwrap() else { panic!("lock refused") };
        assert_eq!(lock.path().file_name(), Some("a.ron.lock".as_ref()));
        assert!(lock.path().parent().unwrap().ends_with("real"), "beside the target (dangling link)");
        std::fs::write(&real, "data").unwrap();
        assert!(matches!(try_lock(&real).unwrap(), LockState::HeldByOther { .. }), "real path");
        assert!(matches!(try_lock(&link).unwrap(), LockState::HeldByOther { .. }), "link, now resolvable");
    }

    #[test]
    fn dropping_the_lock_keeps_the_file_but_forgets_the_pid() {
        let dir = tempfile::tempdir().unwrap();
        let p = ann_path(&dir);
        let LockState::Acquired(lock) = try_lock(&p).unwrap() else { panic!("lock refused") };
        drop(lock);
        assert_eq!(std::fs::read_to_string(lock_path(&p)).unwrap(), "");
    }
}
