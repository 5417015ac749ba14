use axum::serve::ListenerExt;
use clap::Parser;
use leptos::config::get_configuration;
use server::{app_router, config::Config, state::AppState, store::Store};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        // Logs on stderr, as the README says; stdout stays free.
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = Config::parse();
    let mut leptos_options = get_configuration(None)?.leptos_options;
    // scripts/build.sh puts the site beside the binary; LEPTOS_SITE_ROOT overrides.
    if std::env::var_os("LEPTOS_SITE_ROOT").is_none() {
        if let Some(site) = site_beside_binary() {
            leptos_options.site_root = site.to_string_lossy().into();
        }
    }
    if let Some(addr) = config.listen {
        leptos_options.site_addr = addr;
    }
    if config.database_url.is_none() {
        tokio::fs::create_dir_all(&config.data_dir).await?;
    }
    let store = Store::open(&config.database_url()).await?;
    let addr = leptos_options.site_addr;
    let state =
        AppState::new(store, leptos_options).with_trusted_proxies(config.trusted_proxies.clone());
    server::retention::spawn(state.clone(), config.retention_days);
    let app = app_router(state);
    // Nagle's algorithm delays small live messages by tens of milliseconds.
    let listener = tokio::net::TcpListener::bind(addr).await?.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tracing::info!("IKZ-Werkstatt listening on http://{addr}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

/// `site/` in the binary's folder, if there is one (the layout of scripts/build.sh).
fn site_beside_binary() -> Option<std::path::PathBuf> {
    let site = std::env::current_exe().ok()?.parent()?.join("site");
    site.is_dir().then_some(site)
}
