//! What several runtime test binaries share: the app of the binary, served on a local port the
//! way `azfn::run` serves it, until the test stops it.

// Each test binary uses what it needs of this.
#![allow(dead_code)]

use std::net::SocketAddr;

/// The test binary's functions served with the route prefix `api` on `127.0.0.1`, any port.
pub(crate) struct Served {
    /// Where it listens.
    pub(crate) address: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<Result<(), azfn::ServeError>>,
}

impl Served {
    /// Binds a port and serves on it, in the background.
    pub(crate) async fn start() -> Served {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(azfn::App::new().route_prefix("api").serve_with_shutdown(
            listener,
            async {
                let _ = stopped.await;
            },
        ));
        Served {
            address,
            stop,
            server,
        }
    }

    /// Stops serving and waits for the server to finish.
    pub(crate) async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.server.await;
    }
}
