//! `ikz-werkstatt backup FILE` and `ikz-werkstatt restore FILE` for the
//! SQLite backend.
//!
//! - **Backup** runs beside a running server: `VACUUM INTO` reads one
//!   consistent snapshot (a read transaction; in WAL mode it neither blocks
//!   nor waits for the server's writes) and writes a compact copy. The copy
//!   goes to a temporary file next to FILE, is checked
//!   (`PRAGMA integrity_check`), synced, and renamed over FILE, so FILE is
//!   always a whole backup.
//! - **Restore** takes the data directory's lock first, so it refuses while
//!   a server runs. It copies FILE beside the database, checks the copy
//!   (integrity, and opening it as the server would: our migrations only,
//!   none newer, migrated to this version), keeps the previous database as
//!   `ikz-werkstatt.db.before-restore-<unix time>` (with its WAL), and renames
//!   the copy into place.
//!
//! PostgreSQL: use `pg_dump`/`pg_restore` (see the README); both commands
//! refuse a `postgres://` URL with that advice.

use crate::config::Config;
use crate::datadir::{self, DataDirError};
use crate::store::{Store, StoreError};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "backup and restore work on the SQLite database; for PostgreSQL use pg_dump and pg_restore"
    )]
    NotSqlite,
    #[error("the database URL names no database file")]
    NoFile,
    #[error("there is no database at {0}")]
    Missing(PathBuf),
    #[error("{0}")]
    DataDir(#[from] DataDirError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Sqlite { path: PathBuf, source: sqlx::Error },
    #[error("{path} failed the integrity check: {report}")]
    Damaged { path: PathBuf, report: String },
    #[error("{path} cannot be used: {source}")]
    Refused { path: PathBuf, source: StoreError },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.to_owned(),
        source,
    }
}

fn sqlite(path: &Path) -> impl FnOnce(sqlx::Error) -> BackupError + '_ {
    move |source| BackupError::Sqlite {
        path: path.to_owned(),
        source,
    }
}

/// The database file the configuration names (SQLite only).
pub fn database_file(config: &Config) -> Result<PathBuf, BackupError> {
    let url = config.database_url();
    if !url.starts_with("sqlite:") {
        return Err(BackupError::NotSqlite);
    }
    let options = SqliteConnectOptions::from_str(&url).map_err(|_| BackupError::NoFile)?;
    let path = options.get_filename().to_owned();
    if path.as_os_str().is_empty() || path == Path::new(":memory:") {
        return Err(BackupError::NoFile);
    }
    Ok(path)
}

/// An existing database file, opened without creating anything.
async fn connect(path: &Path) -> Result<sqlx::SqliteConnection, BackupError> {
    if !path.is_file() {
        return Err(BackupError::Missing(path.to_owned()));
    }
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(10))
        .connect()
        .await
        .map_err(sqlite(path))
}

/// `PRAGMA integrity_check` of the file at `path`.
async fn check_integrity(path: &Path) -> Result<(), BackupError> {
    let mut conn = connect(path).await?;
    let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .map_err(sqlite(path))?;
    let _ = conn.close().await;
    if rows == ["ok"] {
        Ok(())
    } else {
        Err(BackupError::Damaged {
            path: path.to_owned(),
            report: rows.join("; "),
        })
    }
}

/// `name` with `suffix` appended, in the same directory.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

fn sync_file(path: &Path) -> Result<(), BackupError> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io(path))
}

/// Makes a rename in `dir` durable.
fn sync_dir(dir: &Path) -> Result<(), BackupError> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    sync_file(dir)
}

/// Writes a consistent copy of `database` to `target`; returns its size.
pub async fn backup(database: &Path, target: &Path) -> Result<u64, BackupError> {
    let partial = beside(target, &format!(".partial-{}", std::process::id()));
    // VACUUM INTO refuses to overwrite; a partial file is ours from an
    // earlier failed run of this process id.
    let _ = std::fs::remove_file(&partial);
    let mut conn = connect(database).await?;
    let written = sqlx::query("VACUUM INTO ?")
        .bind(partial.to_string_lossy().into_owned())
        .execute(&mut conn)
        .await
        .map_err(sqlite(database));
    let _ = conn.close().await;
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    let checked = async {
        check_integrity(&partial).await?;
        sync_file(&partial)?;
        std::fs::rename(&partial, target).map_err(io(target))?;
        sync_dir(target.parent().unwrap_or(Path::new(".")))
    }
    .await;
    if checked.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    checked?;
    Ok(std::fs::metadata(target).map_err(io(target))?.len())
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    /// Where the database that was replaced now is (none if there was none).
    pub previous: Option<PathBuf>,
}

/// Puts the backup `source` in place as `database` (whose directory is
/// locked while this runs, so no server can use it at the same time).
pub async fn restore(database: &Path, source: &Path) -> Result<Restored, BackupError> {
    let dir = match database.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let lock_dir = dir.clone();
    let _lock = tokio::task::spawn_blocking(move || datadir::prepare(&lock_dir))
        .await
        .map_err(|e| BackupError::Io {
            path: dir.clone(),
            source: std::io::Error::other(e),
        })??;
    if !source.is_file() {
        return Err(BackupError::Missing(source.to_owned()));
    }
    // Everything is checked on a copy beside the database (the backup file
    // itself is only read), which is removed if it fails.
    let incoming = beside(database, ".restoring");
    let discard = || {
        for part in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(beside(&incoming, part));
        }
    };
    discard();
    std::fs::copy(source, &incoming).map_err(io(&incoming))?;
    if let Err(e) = check_integrity(&incoming).await {
        discard();
        return Err(match e {
            BackupError::Damaged { report, .. } => BackupError::Damaged {
                path: source.to_owned(),
                report,
            },
            other => other,
        });
    }
    // Opened as the server opens it: a foreign or newer migration is
    // refused, an older database is migrated to this version now.
    let url = format!("sqlite://{}", incoming.display());
    let store = match Store::open(&url).await {
        Ok(store) => store,
        Err(refused) => {
            discard();
            return Err(BackupError::Refused {
                path: source.to_owned(),
                source: refused,
            });
        }
    };
    store.close().await;
    drop(store);
    let checked = async {
        // Closing the last connection checkpoints the WAL into the file.
        let wal = beside(&incoming, "-wal");
        if wal.metadata().is_ok_and(|m| m.len() > 0) {
            return Err(BackupError::Io {
                path: wal,
                source: std::io::Error::other("the write-ahead log was not checkpointed"),
            });
        }
        for leftover in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(beside(&incoming, leftover));
        }
        check_integrity(&incoming).await?;
        sync_file(&incoming)?;
        owned_like(&incoming, &dir)
    }
    .await;
    if let Err(e) = checked {
        discard();
        return Err(e);
    }

    let previous = if database.exists() {
        let stamp = crate::clock::now();
        let kept = beside(database, &format!(".before-restore-{stamp}"));
        // The previous database's WAL goes with it (it may hold commits
        // not yet checkpointed after a crash).
        for part in ["-wal", "-shm", ""] {
            let from = beside(database, part);
            if from.exists() {
                std::fs::rename(&from, beside(&kept, part)).map_err(io(&from))?;
            }
        }
        Some(kept)
    } else {
        None
    };
    std::fs::rename(&incoming, database).map_err(io(database))?;
    sync_dir(&dir)?;
    Ok(Restored { previous })
}

/// Run as root (e.g. `sudo`), gives `path` the owner of the data directory,
/// so the service's own user can open the restored database.
fn owned_like(path: &Path, dir: &Path) -> Result<(), BackupError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if rustix::process::geteuid().is_root() {
            let owner = std::fs::metadata(dir).map_err(io(dir))?;
            std::os::unix::fs::chown(path, Some(owner.uid()), Some(owner.gid()))
                .map_err(io(path))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, dir);
    Ok(())
}
