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

/// The build's own outputs inside the watched folder, whose changes never count: the app
/// folder, and the target directory when `--target-dir` or `CARGO_TARGET_DIR` moves it (the
/// default `target/` is skipped by name).
fn build_outputs(build: &BuildOptions, app_dir: &Path) -> Vec<PathBuf> {
    let target_dir = build.target_dir.clone().or_else(|| {
        std::env::var_os("CARGO_TARGET_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    [Some(app_dir.to_path_buf()), target_dir]
        .into_iter()
        .flatten()
        .map(|p| canonical(&p))
        .collect()
}

/// The path with symbolic links resolved, as the watcher reports paths (macOS's `/tmp` is
/// `/private/tmp`), or at least absolute.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// Whether a changed path is a source: not under `target/`, the build's outputs, Azurite's
/// data or a hidden folder (`.git`) of the watched folder `root`, and not an editor's
/// temporary file.
fn is_source(path: &Path, root: &Path, outputs: &[PathBuf]) -> bool {
    if outputs.iter().any(|o| path.starts_with(o)) {
        return false;
    }
    // Only below `root`: the folders above it may be hidden too (`~/.local/src/app`).
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
    // Canonical, like the paths in the watcher's events, so that they start with it.
    let root = std::fs::canonicalize(watched_dir(&build))?;
    let outputs = build_outputs(&build, &shared.options.app_dir);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let filter_root = root.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && !event.kind.is_access()
            && event
                .paths
                .iter()
                .any(|p| is_source(p, &filter_root, &outputs))
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
                // Nothing the handler runs changed (a README, an integration test): restarting
                // it would only drop its state.
                Ok(Ok(reports))
                    if reports
                        .iter()
                        .all(|r| r.written.is_empty() && r.removed.is_empty()) =>
                {
                    shared
                        .console()
                        .info("Rebuilt: the app folder is unchanged, so the handler keeps running");
                }
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
        let outputs = [PathBuf::from("/p/target/azfn/app")];
        assert!(is_source(Path::new("/p/src/main.rs"), root, &outputs));
        assert!(is_source(Path::new("/p/Cargo.toml"), root, &outputs));
        assert!(!is_source(Path::new("/p/target/debug/x"), root, &outputs));
        assert!(!is_source(Path::new("/p/.git/index"), root, &outputs));
        assert!(!is_source(Path::new("/p/src/main.rs~"), root, &outputs));
        assert!(!is_source(
            Path::new("/elsewhere/app/host.json"),
            root,
            &[PathBuf::from("/elsewhere/app")]
        ));
        // `--target-dir build`, inside the watched folder.
        let outputs = [
            PathBuf::from("/p/build"),
            PathBuf::from("/p/build/azfn/app"),
        ];
        assert!(!is_source(Path::new("/p/build/debug/app"), root, &outputs));
        assert!(is_source(Path::new("/p/src/build.rs"), root, &outputs));
        // A hidden folder above the watched one does not hide it.
        let root = Path::new("/home/u/.local/src/app");
        assert!(is_source(
            Path::new("/home/u/.local/src/app/src/main.rs"),
            root,
            &[]
        ));
    }

    #[test]
    fn a_moved_target_dir_is_an_output() {
        let build = BuildOptions {
            target_dir: Some(PathBuf::from("/p/build")),
            ..Default::default()
        };
        let outputs = build_outputs(&build, Path::new("/p/build/azfn/app"));
        assert!(outputs.contains(&PathBuf::from("/p/build")), "{outputs:?}");
    }
}
