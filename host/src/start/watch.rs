//! `--watch`: rebuild and re-emit when the package's sources change, then reload the app:
//! the handler, the HTTP routes and the triggers ([`super::triggers`]). A build that fails
//! leaves the previous one serving; a first build that fails ([`first_build`]) waits for the
//! next change.
//!
//! The host knows nothing of cargo: what to watch and how to build come from a [`Rebuild`],
//! which `cargo azfn start --watch` implements with `cargo azfn build`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::{RecursiveMode, Watcher as _};
use tokio::sync::mpsc::UnboundedReceiver;

use super::console::Console;
use super::error::StartError;
use super::rebuild::{Rebuild, Rebuilt};
use super::shared::Shared;

/// Changes closer together than this are one rebuild (editors write several files at once).
const DEBOUNCE: Duration = Duration::from_millis(400);

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

/// Whether a change of `path` asks for a rebuild: a source, and not the `Cargo.lock` that
/// cargo itself (re)writes while `building` (the first build of a project with a copied or
/// outdated lock file would otherwise be followed by a second one).
fn counts(path: &Path, root: &Path, outputs: &[PathBuf], building: bool) -> bool {
    is_source(path, root, outputs)
        && !(building && path.file_name().is_some_and(|n| n == "Cargo.lock"))
}

/// The changes of the watched package, from the moment it is made.
#[derive(Debug)]
pub struct Changes {
    root: PathBuf,
    outputs: Arc<Mutex<Vec<PathBuf>>>,
    building: Arc<AtomicBool>,
    changed: UnboundedReceiver<()>,
    // Owned: dropping the watcher stops it.
    _watcher: notify::RecommendedWatcher,
}

impl Changes {
    /// Starts watching the package that `build` builds.
    pub fn new(build: &dyn Rebuild) -> Result<Changes, StartError> {
        // Canonical, like the paths in the watcher's events, so that they start with it.
        let root = std::fs::canonicalize(build.watched_dir())?;
        let outputs: Vec<PathBuf> = build.outputs().iter().map(|p| canonical(p)).collect();
        let outputs = Arc::new(Mutex::new(outputs));
        let building = Arc::new(AtomicBool::new(false));
        let (tx, changed) = tokio::sync::mpsc::unbounded_channel();
        let (filter_root, filter_outputs, filter_building) =
            (root.clone(), outputs.clone(), building.clone());
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let Ok(event) = event else { return };
                if event.kind.is_access() {
                    return;
                }
                let outputs = filter_outputs.lock().unwrap_or_else(|e| e.into_inner());
                let building = filter_building.load(Ordering::SeqCst);
                if event
                    .paths
                    .iter()
                    .any(|p| counts(p, &filter_root, &outputs, building))
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
        Ok(Changes {
            root,
            outputs,
            building,
            changed,
            _watcher: watcher,
        })
    }

    /// The watched folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Stops counting changes below `path` (the app folder, once a build has made it).
    pub(crate) fn exclude(&self, path: &Path) {
        self.outputs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(canonical(path));
    }

    /// Waits for a change, then lets the burst it starts settle. `false` once the watcher
    /// has stopped.
    pub(crate) async fn next(&mut self) -> bool {
        if self.changed.recv().await.is_none() {
            return false;
        }
        while tokio::time::timeout(DEBOUNCE, self.changed.recv())
            .await
            .is_ok_and(|c| c.is_some())
        {}
        true
    }

    /// [`Rebuild::rebuild`], on a blocking thread.
    pub(crate) async fn build(&self, build: &Arc<dyn Rebuild>) -> Result<Rebuilt, StartError> {
        self.building.store(true, Ordering::SeqCst);
        let build = build.clone();
        let built = tokio::task::spawn_blocking(move || build.rebuild()).await;
        self.building.store(false, Ordering::SeqCst);
        match built {
            Ok(built) => built,
            Err(error) => Err(StartError::Io(std::io::Error::other(error))),
        }
    }
}

/// The first build under `--watch`: a build that fails (the compiler's errors are on stderr)
/// is reported, and the next change of the sources builds again, until one succeeds. Other
/// errors end `start`.
pub async fn first_build(
    changes: &mut Changes,
    build: &Arc<dyn Rebuild>,
    quiet: bool,
) -> Result<Rebuilt, StartError> {
    let console = Console::new(quiet);
    loop {
        match changes.build(build).await {
            Ok(built) => return Ok(built),
            Err(error @ StartError::Build(_)) => {
                build.report(&error);
                console.info(format_args!(
                    "The build failed: waiting for a change in {} to build again (--watch)",
                    changes.root().display()
                ));
                if !changes.next().await {
                    return Err(error);
                }
                console.info("File change detected: building");
            }
            Err(error) => return Err(error),
        }
    }
}

/// Rebuilds on every change until the host stops, and hands each app that built and loads to
/// [`super::triggers::reload`].
pub(crate) fn spawn(
    shared: Arc<Shared>,
    build: Arc<dyn Rebuild>,
    mut changes: Changes,
) -> tokio::task::JoinHandle<()> {
    changes.exclude(&shared.options.app_dir);
    shared.console().info(format_args!(
        "Watching {} for changes (--watch)",
        changes.root().display()
    ));
    tokio::spawn(async move {
        loop {
            tokio::select! {
                changed = changes.next() => if !changed { break },
                _ = shared.stopped() => break,
            }
            shared.console().info("File change detected: rebuilding");
            match changes.build(&build).await {
                // Nothing the handler runs changed (a README, an integration test): restarting
                // it would only drop its state.
                Ok(built) if !built.changed => {
                    shared
                        .console()
                        .info("Rebuilt: the app folder is unchanged, so the handler keeps running");
                }
                Ok(_) => match shared.load_app() {
                    Ok(app) => shared.request_reload(app),
                    Err(error) => shared.console().error(format_args!(
                        "The rebuilt app folder does not load: {error}. Still running the previous build."
                    )),
                },
                Err(error) => shared.console().error(format_args!(
                    "Rebuild failed: {error}. Still running the previous build."
                )),
            }
        }
    })
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
    fn cargo_writing_the_lock_file_is_not_a_change() {
        let root = Path::new("/p");
        assert!(counts(Path::new("/p/Cargo.lock"), root, &[], false));
        assert!(!counts(Path::new("/p/Cargo.lock"), root, &[], true));
        assert!(counts(Path::new("/p/src/main.rs"), root, &[], true));
    }
}
