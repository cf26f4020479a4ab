//! Finding and starting Azurite, the Azure Storage emulator (npm package `azurite`).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader};

use super::connection::{DEFAULT_BLOB_PORT, DEFAULT_QUEUE_PORT, StorageAccount};
use super::error::StorageError;

/// How to start Azurite.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct AzuriteOptions {
    /// The `azurite` executable; [`find_azurite`] when `None`.
    pub bin: Option<PathBuf>,
    /// Blob port; `0` picks a free one.
    pub blob_port: u16,
    /// Queue port; `0` picks a free one.
    pub queue_port: u16,
    /// Keep data on disk in this folder instead of in memory.
    pub location: Option<PathBuf>,
    /// Print Azurite's own output on stderr.
    pub echo: bool,
}

impl AzuriteOptions {
    /// In memory, on free ports: what tests want.
    pub fn ephemeral() -> AzuriteOptions {
        AzuriteOptions::default()
    }

    /// On the default ports (10000, 10001), persisting to `location`: what
    /// `UseDevelopmentStorage=true` expects.
    pub fn default_ports(location: PathBuf) -> AzuriteOptions {
        AzuriteOptions {
            blob_port: DEFAULT_BLOB_PORT,
            queue_port: DEFAULT_QUEUE_PORT,
            location: Some(location),
            ..AzuriteOptions::default()
        }
    }
}

/// The `azurite` executable: `AZURITE_BIN` if set, else the copy `.ci/install-azurite` puts in
/// `<target-dir>/azurite` (`CARGO_TARGET_DIR`, or `target` in this or a parent directory),
/// else `azurite` on `PATH`.
pub fn find_azurite() -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os("AZURITE_BIN").filter(|b| !b.is_empty()) {
        return Some(PathBuf::from(bin));
    }
    let relative = Path::new("azurite/node_modules/.bin/azurite");
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        candidates.push(PathBuf::from(dir).join(relative));
    }
    if let Ok(cwd) = std::env::current_dir() {
        for dir in cwd.ancestors() {
            candidates.push(dir.join("target").join(relative));
        }
    }
    if let Some(found) = candidates.into_iter().find(|c| c.is_file()) {
        return Some(found);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("azurite"))
        .find(|c| c.is_file())
}

/// A running Azurite, killed when dropped.
#[derive(Debug)]
pub struct Azurite {
    child: tokio::process::Child,
    blob_port: u16,
    queue_port: u16,
}

impl Azurite {
    /// Starts Azurite (blob and queue services) and waits until both accept connections.
    pub async fn start(options: AzuriteOptions) -> Result<Azurite, StorageError> {
        let bin = options.bin.clone().or_else(find_azurite).ok_or_else(|| {
            StorageError::Azurite(
                "Azurite, the Azure Storage emulator, is not installed: install it with \
                 `npm install -g azurite` (needs Node.js), or run `.ci/install-azurite` in the \
                 azfn repository, or set AZURITE_BIN to its executable"
                    .into(),
            )
        })?;
        let blob_port = pick(options.blob_port)?;
        let queue_port = pick(options.queue_port)?;
        let table_port = pick(0)?;
        let mut command = tokio::process::Command::new(&bin);
        command
            .args(["--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1"])
            .args(["--blobPort", &blob_port.to_string()])
            .args(["--queuePort", &queue_port.to_string()])
            .args(["--tablePort", &table_port.to_string()])
            // The SDK speaks a newer API version than Azurite may know; telemetry would try to
            // reach the internet on every start.
            .args(["--skipApiVersionCheck", "--loose", "--disableTelemetry"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        match &options.location {
            Some(location) => {
                std::fs::create_dir_all(location).map_err(|e| {
                    StorageError::Azurite(format!(
                        "cannot create Azurite's folder {}: {e}",
                        location.display()
                    ))
                })?;
                command.arg("--location").arg(location);
            }
            None => {
                command.arg("--inMemoryPersistence");
            }
        }
        if !options.echo {
            command.arg("--silent");
        }
        let mut child = command.spawn().map_err(|e| {
            StorageError::Azurite(format!(
                "cannot start Azurite ({}): {e}; it needs Node.js (`node`) on PATH",
                bin.display()
            ))
        })?;
        let echo = options.echo;
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
        ]
        .into_iter()
        .flatten()
        {
            // Drained so that a chatty Azurite never blocks on a full pipe.
            tokio::spawn(async move {
                let mut lines = BufReader::new(stream).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    if echo {
                        eprintln!("[azurite] {line}");
                    }
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Err(StorageError::Azurite(format!(
                    "Azurite exited during start-up ({status}); ports {blob_port}/{queue_port} \
                     may be taken, or Node.js is too old (run `{} --version` to check)",
                    bin.display()
                )));
            }
            let up = |port: u16| std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
            if up(blob_port) && up(queue_port) {
                return Ok(Azurite {
                    child,
                    blob_port,
                    queue_port,
                });
            }
            if Instant::now() > deadline {
                return Err(StorageError::Azurite(format!(
                    "Azurite did not listen on 127.0.0.1:{blob_port}/{queue_port} within 30 s"
                )));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The emulator account on this Azurite's ports.
    pub fn account(&self) -> StorageAccount {
        StorageAccount::emulator("127.0.0.1", self.blob_port, self.queue_port)
    }

    /// The blob port.
    pub fn blob_port(&self) -> u16 {
        self.blob_port
    }

    /// The queue port.
    pub fn queue_port(&self) -> u16 {
        self.queue_port
    }

    /// Stops Azurite and waits for it to exit.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

fn pick(port: u16) -> Result<u16, StorageError> {
    if port != 0 {
        return Ok(port);
    }
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
        .map_err(|e| StorageError::Azurite(format!("no free loopback port: {e}")))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| StorageError::Azurite(format!("no free loopback port: {e}")))
}
