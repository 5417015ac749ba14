//! A real PostgreSQL for the tests: ONE private cluster per test process
//! (initdb into a temporary directory, listening only on a unix socket in
//! it), and a fresh database per test, dropped when the test's [`PgDb`] goes.
//! A watchdog process stops the cluster and removes its directory when the
//! test process has ended (tests have no "after all" hook).
//!
//! The server binaries come from `IKZ_PG_BIN`, else the newest
//! `/usr/lib/postgresql/<version>/bin` (Debian's `postgresql` package, which
//! `scripts/setup.sh --test` installs), else `initdb` on `PATH`. Without them
//! every PostgreSQL test FAILS with a message saying so; none is skipped.
//! As root, the cluster runs as the `postgres` user (PostgreSQL refuses root).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

pub struct Cluster {
    /// Data directory, socket and log live under here.
    dir: PathBuf,
    bin: PathBuf,
    /// Run the server tools as this user (`Some("postgres")` as root).
    run_as: Option<&'static str>,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();
static NEXT_DB: AtomicU32 = AtomicU32::new(0);

/// The process's cluster, started on first use.
pub fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(Cluster::start)
}

fn bin_dir() -> PathBuf {
    let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(dir) = std::env::var_os("IKZ_PG_BIN") {
        let dir = PathBuf::from(dir);
        assert!(
            has_tools(&dir),
            "IKZ_PG_BIN={} holds no initdb/pg_ctl",
            dir.display()
        );
        return dir;
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, dir)| has_tools(dir))
        .collect();
    debian.sort();
    if let Some((_, dir)) = debian.pop() {
        return dir;
    }
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path
        .into_iter()
        .find(|d| has_tools(d))
        .unwrap_or_else(|| {
            panic!(
                "PostgreSQL server binaries (initdb, pg_ctl) not found: the PostgreSQL tests need \
             them. Run scripts/setup.sh --test (installs Debian's postgresql) or set IKZ_PG_BIN."
            )
        })
}

impl Cluster {
    fn start() -> Self {
        let bin = bin_dir();
        let dir = tempfile::Builder::new()
            .prefix("ikz-pg-")
            .tempdir()
            .expect("temp dir for PostgreSQL")
            .keep();
        let run_as = rustix::process::geteuid().is_root().then_some("postgres");
        if let Some(user) = run_as {
            run(Command::new("chown").arg(format!("{user}:")).arg(&dir));
        }
        let cluster = Self { dir, bin, run_as };
        let data = cluster.dir.join("data");
        run(cluster
            .tool("initdb")
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"])
            .arg("--no-sync"));
        // Unix socket only (no port to collide on); durable commits as in
        // production (fsync on): the tests kill servers, not machines, but
        // nothing here is configured differently from a real installation.
        let options = format!(
            "-c listen_addresses='' -k {} -c max_connections=400",
            cluster.dir.display()
        );
        run(cluster
            .tool("pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(cluster.dir.join("log"))
            .args(["-o", &options, "-w", "start"]));
        cluster.watch_this_process(&data);
        cluster
    }

    /// A server tool, run as the cluster's user.
    fn tool(&self, name: &str) -> Command {
        let exe = self.bin.join(name);
        match self.run_as {
            Some(user) => {
                let mut cmd = Command::new("runuser");
                cmd.args(["-u", user, "--"]).arg(exe);
                cmd
            }
            None => Command::new(exe),
        }
    }

    /// Stops the cluster and removes its directory once this process is gone.
    /// Never waited for: the watchdog must outlive the test process (init
    /// reaps it then).
    #[allow(clippy::zombie_processes)]
    fn watch_this_process(&self, data: &Path) {
        let pg_ctl = self.bin.join("pg_ctl");
        let stop = match self.run_as {
            Some(user) => format!("runuser -u {user} -- '{}'", pg_ctl.display()),
            None => format!("'{}'", pg_ctl.display()),
        };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
             {stop} -D '{data}' -m immediate stop >/dev/null 2>&1; rm -rf '{dir}'",
            pid = std::process::id(),
            data = data.display(),
            dir = self.dir.display(),
        );
        Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the PostgreSQL watchdog");
    }

    /// A URL of database `name` over the cluster's socket.
    pub fn url(&self, name: &str) -> String {
        format!(
            "postgres:///{name}?host={}&user=postgres",
            self.dir.display()
        )
    }

    /// Runs `sql` with psql on the `postgres` database.
    pub fn psql(&self, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .arg("-h")
            .arg(&self.dir)
            .args([
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-XAtq",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
            ])
            .arg(sql)
            .output()
            .expect("run psql");
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The directory of the server tools (pg_dump, psql, …).
    pub fn bin(&self) -> &Path {
        &self.bin
    }

    /// The socket directory (the `host` of a URL).
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A fresh database of the process's cluster, dropped on drop.
pub struct PgDb {
    pub name: String,
    pub url: String,
}

impl PgDb {
    pub fn create() -> Self {
        let cluster = cluster();
        let name = format!("ikz_test_{}", NEXT_DB.fetch_add(1, Ordering::Relaxed));
        cluster.psql(&format!("CREATE DATABASE {name}"));
        Self {
            url: cluster.url(&name),
            name,
        }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        // FORCE: the test's pools may still hold connections.
        let _ = Command::new(cluster().bin.join("psql"))
            .arg("-h")
            .arg(&cluster().dir)
            .args(["-U", "postgres", "-d", "postgres", "-XAtq", "-c"])
            .arg(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}
