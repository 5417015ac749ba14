//! Start-up checks of the data directory: it must exist and take writes, and
//! only one server may use it at a time (a lock file held while running).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Name of the lock file in the data directory.
pub const LOCK_FILE: &str = "ikz-werkstatt.lock";

/// Holds the data directory's lock until dropped (or the process ends).
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
    pub path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum DataDirError {
    #[error("cannot create the data directory {dir}: {source}")]
    Create {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("the data directory {dir} does not take writes: {source}")]
    NotWritable {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "another IKZ-Werkstatt server is using the data directory {dir} (it holds {lock}); \
         stop it first or choose another data directory"
    )]
    Locked { dir: PathBuf, lock: PathBuf },
    #[error("cannot lock {lock}: {source}")]
    Lock {
        lock: PathBuf,
        source: std::io::Error,
    },
}

/// Creates `dir` if needed, checks that a file can be written and synced in
/// it, and takes its lock. Blocking: call it before serving or on a blocking
/// thread.
pub fn prepare(dir: &Path) -> Result<DataDirLock, DataDirError> {
    std::fs::create_dir_all(dir).map_err(|source| DataDirError::Create {
        dir: dir.to_owned(),
        source,
    })?;
    let not_writable = |source| DataDirError::NotWritable {
        dir: dir.to_owned(),
        source,
    };
    let probe = dir.join(format!(".ikz-write-check-{}", std::process::id()));
    let written = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&probe)
        .and_then(|mut f| {
            f.write_all(b"ikz-werkstatt write check\n")?;
            f.sync_all()
        });
    let removed = std::fs::remove_file(&probe);
    written.map_err(not_writable)?;
    removed.map_err(not_writable)?;

    let lock = dir.join(LOCK_FILE);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock)
        .map_err(|source| DataDirError::Lock {
            lock: lock.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Err(DataDirError::Locked {
                dir: dir.to_owned(),
                lock,
            })
        }
        Err(TryLockError::Error(source)) => return Err(DataDirError::Lock { lock, source }),
    }
    // Who holds it, for whoever looks (the lock itself is what counts).
    let _ = file
        .set_len(0)
        .and_then(|()| writeln!(file, "{}", std::process::id()));
    Ok(DataDirLock {
        _file: file,
        path: lock,
    })
}
