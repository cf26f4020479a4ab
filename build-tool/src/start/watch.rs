//! `--watch`: rebuild, re-emit and restart the handler when the package's sources change.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher as _};

use super::{Shared, StartError};
use crate::BuildOptions;

/// Changes closer together than this are one rebuild (editors write several files at once).
const DEBOUNCE: Duration = Duration::from_millis(400);

/// The folder whose changes trigger a rebuild: the package of `--manifest-path`, else the
/// current directory.
fn watched_dir(build: &BuildOptions) -> PathBuf {
    build
        .manifest_path
        .as_deref()
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Whether a changed path is a source: not under `target/`, the app folder, Azurite's data
/// or a hidden folder (`.git`), and not an editor's temporary file.
fn is_source(path: &Path, root: &Path, app_dir: &Path) -> bool {
    if path.starts_with(app_dir) {
        return false;
    }
    let relative = path.strip_prefix(root).unwrap_or(path);
    let hidden_or_target = relative.components().any(|c| {
        let c = c.as_os_str().to_string_lossy();
        c == "target" || (c.starts_with('.') && c != "." && c != "..")
    });
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    !hidden_or_target && !name.ends_with('~') && !name.ends_with(".swp")
}

pub(crate) fn spawn(
    shared: Arc<Shared>,
    build: BuildOptions,
) -> Result<tokio::task::JoinHandle<()>, StartError> {
    let root = std::path::absolute(watched_dir(&build))?;
    let app_dir = std::path::absolute(&shared.options.app_dir)?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let filter_root = root.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && !event.kind.is_access()
            && event
                .paths
                .iter()
                .any(|p| is_source(p, &filter_root, &app_dir))
        {
            let _ = tx.send(());
        }
    })
    .map_err(|source| StartError::Watch {
        path: root.clone(),
        source,
    })?;
    watcher
        .watch(&root, RecursiveMode::Recursive)
        .map_err(|source| StartError::Watch {
            path: root.clone(),
            source,
        })?;
    shared.console().info(format_args!(
        "Watching {} for changes (--watch)",
        root.display()
    ));
    Ok(tokio::spawn(async move {
        // Owned by the task: dropping the watcher stops it.
        let _watcher = watcher;
        loop {
            tokio::select! {
                changed = rx.recv() => if changed.is_none() { break },
                _ = shared.stopped() => break,
            }
            // Let the burst settle, then drain it.
            while tokio::time::timeout(DEBOUNCE, rx.recv())
                .await
                .is_ok_and(|c| c.is_some())
            {}
            shared.console().info("File change detected: rebuilding");
            let options = build.clone();
            let built = tokio::task::spawn_blocking(move || crate::build(&options)).await;
            match built {
                Ok(Ok(_)) => match shared.load_app() {
                    Ok(app) => {
                        shared.set_app(app);
                        shared.reload.notify_one();
                    }
                    Err(error) => shared.console().error(format_args!(
                        "The rebuilt app folder does not load: {error}. Still running the previous build."
                    )),
                },
                Ok(Err(error)) => shared.console().error(format_args!(
                    "Rebuild failed: {error}. Still running the previous build."
                )),
                Err(error) => shared.console().error(format_args!("Rebuild failed: {error}")),
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_count() {
        let root = Path::new("/p");
        let app = Path::new("/p/target/azfn/app");
        assert!(is_source(Path::new("/p/src/main.rs"), root, app));
        assert!(is_source(Path::new("/p/Cargo.toml"), root, app));
        assert!(!is_source(Path::new("/p/target/debug/x"), root, app));
        assert!(!is_source(Path::new("/p/.git/index"), root, app));
        assert!(!is_source(Path::new("/p/src/main.rs~"), root, app));
        assert!(!is_source(
            Path::new("/elsewhere/app/host.json"),
            root,
            Path::new("/elsewhere/app")
        ));
    }
}
