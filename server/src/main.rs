use clap::Parser;
use leptos::config::get_configuration;
use server::config::{Command, Config};
use server::live::LiveLimits;
use server::net::{self, NetLimits};
use server::state::{AppState, WebSettings};
use server::{app_router, backup, datadir, store::Store};
use std::time::Duration;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        // A clear sentence on stderr and a failing exit code, not a panic.
        eprintln!("ikz-werkstatt: {e}");
        tracing::error!("{e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        // Logs on stderr, as the README says; stdout stays free.
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = Config::parse();
    match &config.command {
        None => {}
        Some(Command::Backup { file }) => {
            let database = backup::database_file(&config)?;
            let bytes = backup::backup(&database, file).await?;
            println!(
                "backup of {} written to {} ({bytes} bytes)",
                database.display(),
                file.display()
            );
            return Ok(());
        }
        Some(Command::Restore { file }) => {
            let database = backup::database_file(&config)?;
            let restored = backup::restore(&database, file).await?;
            println!("{} restored to {}", file.display(), database.display());
            if let Some(previous) = restored.previous {
                println!("the previous database is kept as {}", previous.display());
            }
            return Ok(());
        }
    }
    let mut leptos_options = get_configuration(None)?.leptos_options;
    // scripts/build.sh puts the site beside the binary; LEPTOS_SITE_ROOT overrides.
    if std::env::var_os("LEPTOS_SITE_ROOT").is_none() {
        if let Some(site) = site_beside_binary() {
            leptos_options.site_root = site.to_string_lossy().into();
        }
    }
    // scripts/build.sh names the bundle by content hash and writes the hashes
    // beside the binary (where Leptos reads them); without that file the
    // plain names are linked.
    if !leptos_options.hash_files {
        leptos_options.hash_files = hash_file_beside_binary(&leptos_options.hash_file);
    }
    if let Some(addr) = config.listen {
        leptos_options.site_addr = addr;
    }
    // The data directory must take writes, and only one server may use it;
    // the lock is held until the process ends.
    let _lock = match config.database_dir() {
        Some(dir) => Some(tokio::task::spawn_blocking(move || datadir::prepare(&dir)).await??),
        None => None,
    };
    // Before anything opens files: every connection needs a descriptor.
    let nofile = net::raise_nofile_limit();
    let store = Store::open(&config.database_url()).await?;
    let addr = leptos_options.site_addr;
    let web = WebSettings {
        public_origin: config.public_origin.clone(),
        live: LiveLimits {
            ping: Duration::from_secs(config.ws_ping_secs.max(1)),
            idle_timeout: Duration::from_secs(config.ws_idle_timeout_secs.max(1)),
            per_participant: config.live_sockets_per_participant.max(1),
            per_moderator: config.live_sockets_per_moderator.max(1),
        },
    };
    let state = AppState::new_with_fanout(store, leptos_options, config.fanout)
        .with_web(web)
        .with_trusted_proxies(config.trusted_proxies.clone())
        .with_metrics_token(config.metrics_token.as_deref());
    server::retention::spawn(state.clone(), config.retention_days);
    let app = app_router(state);
    let limits = NetLimits {
        header_read_timeout: Duration::from_secs(config.header_read_timeout_secs.max(1)),
        max_connections: config
            .max_connections
            .unwrap_or_else(|| net::connection_cap(nofile, config.fd_reserve))
            .max(1),
        max_connections_per_ip: config.max_connections_per_ip.max(1),
    };
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(
        "IKZ-Werkstatt listening on http://{addr} (open-file limit {}, at most {} connections, {} per address)",
        nofile.map_or("unlimited".into(), |n| n.to_string()),
        limits.max_connections,
        limits.max_connections_per_ip,
    );
    net::serve(listener, app, limits, shutdown_signal()).await;
    Ok(())
}

/// Ctrl-C or SIGTERM (systemd's stop).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `site/` in the binary's folder, if there is one (the layout of scripts/build.sh).
fn site_beside_binary() -> Option<std::path::PathBuf> {
    let site = std::env::current_exe().ok()?.parent()?.join("site");
    site.is_dir().then_some(site)
}

/// Whether the build's hash file (`hash.txt`) is in the binary's folder.
fn hash_file_beside_binary(name: &str) -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(name)))
        .is_some_and(|file| file.is_file())
}
