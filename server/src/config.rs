use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// IKZ-Werkstatt: live workshops for inter-municipal cooperation.
#[derive(Debug, Clone, Parser)]
#[command(version, about)]
pub struct Config {
    /// Without a command: serve.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address to listen on (defaults to LEPTOS_SITE_ADDR, else 127.0.0.1:3000).
    #[arg(long, env = "IKZ_LISTEN")]
    pub listen: Option<SocketAddr>,

    /// Directory for the embedded SQLite database.
    #[arg(long, env = "IKZ_DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,

    /// Database URL; defaults to `sqlite://<data-dir>/ikz-werkstatt.db`.
    #[arg(long, env = "DATABASE_URL", global = true)]
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
    /// The address participants open, e.g. `https://werkstatt.example.de`.
    /// Live connections from pages of any other origin are refused; over
    /// https the participant cookie is `Secure` with the `__Host-` prefix.
    /// Unset: the request's own `Host` (http or https) is the origin.
    #[arg(long, env = "IKZ_PUBLIC_ORIGIN", value_parser = PublicOrigin::parse)]
    pub public_origin: Option<PublicOrigin>,

    /// Seconds a client has to send a request head, also on an idle
    /// keep-alive connection or one that has not sent anything yet.
    #[arg(long, env = "IKZ_HEADER_READ_TIMEOUT_SECS", default_value_t = 10)]
    pub header_read_timeout_secs: u64,

    /// Open connections in total (HTTP and live); defaults to the open-file
    /// limit (raised to its hard limit at start) minus `--fd-reserve`.
    #[arg(long, env = "IKZ_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,

    /// File descriptors kept free for the database, static files and exports.
    #[arg(long, env = "IKZ_FD_RESERVE", default_value_t = 128)]
    pub fd_reserve: usize,

    /// Open connections from one address. A workshop of 200 behind one NAT
    /// needs about three each (page loads and the live channel).
    #[arg(long, env = "IKZ_MAX_CONNECTIONS_PER_IP", default_value_t = 1000)]
    pub max_connections_per_ip: usize,

    /// Seconds between WebSocket pings on the live channel.
    #[arg(long, env = "IKZ_WS_PING_SECS", default_value_t = 20)]
    pub ws_ping_secs: u64,

    /// Seconds without any message or pong after which a live connection is closed.
    #[arg(long, env = "IKZ_WS_IDLE_TIMEOUT_SECS", default_value_t = 60)]
    pub ws_idle_timeout_secs: u64,

    /// Live connections one participant may hold (tabs, reconnects); the
    /// oldest is closed when one more opens.
    #[arg(long, env = "IKZ_LIVE_SOCKETS_PER_PARTICIPANT", default_value_t = 8)]
    pub live_sockets_per_participant: usize,

    /// Live connections per moderator secret (cockpit, projector, a spare).
    #[arg(long, env = "IKZ_LIVE_SOCKETS_PER_MODERATOR", default_value_t = 8)]
    pub live_sockets_per_moderator: usize,

    /// How committed ops reach the live sockets: `auto` (PostgreSQL:
    /// LISTEN/NOTIFY, so several instances may share the database; SQLite:
    /// in-process) or `in-process` (one instance per database).
    #[arg(long, env = "IKZ_FANOUT", value_enum, default_value_t = crate::hub::FanoutMode::Auto)]
    pub fanout: crate::hub::FanoutMode,

    /// Serves `GET /metrics` (Prometheus text format) to requests that send
    /// this token as `Authorization: Bearer`; unset, there is no /metrics.
    /// At least 16 characters.
    #[arg(long, env = "IKZ_METRICS_TOKEN", hide_env_values = true,
          value_parser = parse_metrics_token)]
    pub metrics_token: Option<String>,
}

/// What to do instead of serving.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Copies the SQLite database into FILE: a consistent snapshot, also
    /// while the server runs (`VACUUM INTO`). FILE is replaced atomically.
    Backup { file: PathBuf },
    /// Puts the backup FILE in place as the database. Only while no server
    /// uses the data directory; checks the backup first (integrity, our
    /// migrations) and keeps the previous database beside it.
    Restore { file: PathBuf },
}

fn parse_metrics_token(text: &str) -> Result<String, String> {
    let token = text.trim();
    if token.chars().count() < crate::metrics::MIN_TOKEN_LEN {
        return Err(format!(
            "the metrics token needs at least {} characters",
            crate::metrics::MIN_TOKEN_LEN
        ));
    }
    Ok(token.to_owned())
}

/// An origin as browsers send it: `scheme://host[:port]`, lower case, no
/// path, no trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicOrigin(String);

impl PublicOrigin {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim().trim_end_matches('/').to_ascii_lowercase();
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or("the public origin must start with https:// or http://")?;
        if rest.is_empty() || rest.contains(['/', '?', '#', '@', ' ']) {
            return Err("the public origin is scheme://host[:port], without a path".into());
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }
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

#[cfg(test)]
mod tests {
    use super::PublicOrigin;

    #[test]
    fn public_origin_is_scheme_and_host_only() {
        let origin = PublicOrigin::parse(" HTTPS://Werkstatt.Example.de/ ").unwrap();
        assert_eq!(origin.as_str(), "https://werkstatt.example.de");
        assert!(origin.is_https());
        let local = PublicOrigin::parse("http://10.0.0.5:3000").unwrap();
        assert!(!local.is_https());
        for bad in [
            "werkstatt.example.de",
            "ftp://werkstatt.example.de",
            "https://",
            "https://werkstatt.example.de/app",
            "https://user@werkstatt.example.de",
        ] {
            assert!(PublicOrigin::parse(bad).is_err(), "{bad}");
        }
    }
}
