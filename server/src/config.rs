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

    /// Reverse proxies whose X-Forwarded-For is believed (comma-separated IPs
    /// or CIDR networks, e.g. `127.0.0.1,10.0.0.0/8`). Without one, rate limits
    /// are per TCP peer.
    #[arg(long = "trusted-proxy", env = "IKZ_TRUSTED_PROXIES", default_value = "",
          value_parser = crate::access::TrustedProxies::parse)]
    pub trusted_proxies: crate::access::TrustedProxies,

    /// Sessions are deleted this many days after their workshop date.
    #[arg(long, env = "IKZ_RETENTION_DAYS", default_value_t = app::domain::privacy::DEFAULT_RETENTION_DAYS)]
    pub retention_days: u32,
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
}
