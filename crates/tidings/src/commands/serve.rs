//! `tidings serve`: the site and the feed worker in one process, until
//! Ctrl-C or SIGTERM.

use anyhow::Context;
use tidings_app::{App, run_worker};
use tokio_util::sync::CancellationToken;

use crate::config::Settings;

pub async fn run(app: App, settings: &Settings) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let address = listener.local_addr()?;
    tracing::info!("listening on http://{address}");

    let cancel = CancellationToken::new();
    let worker = tokio::spawn(run_worker(
        app.clone(),
        settings.worker_tick,
        cancel.child_token(),
    ));

    let shutdown = cancel.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        shutdown.cancel();
    });

    let server = axum::serve(
        listener,
        // The client's address, for rate limits per address.
        tidings_web::router(app).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(cancel.clone().cancelled_owned())
    .await;
    cancel.cancel();
    worker.await.ok();
    server.context("web server failed")
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                ctrl_c.await.ok();
            }
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await.ok();
}
