use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;

/// IKZ-Werkstatt: live workshops for inter-municipal cooperation.
#[derive(Debug, Clone, Parser)]
#[command(version, about)]
pub struct Config {
    /// Address to listen on (defaults to LEPTOS_SITE_ADDR, else 127.0.0.1:3000).
    #[arg(long, env = "IKZ_LISTEN")]
    pub listen: Option<SocketAddr>,

    /// Directory for the embedded SQLite database.
    #[arg(long, env = "IKZ_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Database URL; defaults to `sqlite://<data-dir>/ikz-werkstatt.db`.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

impl Config {
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}",
                self.data_dir.join("ikz-werkstatt.db").display()
            )
        })
    }

    /// The directory holding the SQLite database (checked and locked at
    /// start); `None` for another database or an in-memory one.
    pub fn database_dir(&self) -> Option<PathBuf> {
        let Some(url) = &self.database_url else {
            return Some(self.data_dir.clone());
        };
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))?;
        let path = path.split('?').next().unwrap_or_default();
        if path.is_empty() || path == ":memory:" {
            return None;
        }
        let parent = std::path::Path::new(path).parent()?;
        Some(if parent.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            parent.to_owned()
        })
    }
}
