//! How the build tool rebuilds the app being hosted, for `--watch` and for `invoke` without a
//! running host: the local host knows nothing of cargo.

use std::path::PathBuf;

use super::error::StartError;

/// How the app being hosted is rebuilt, for `--watch`: given by the build tool.
pub trait Rebuild: Send + Sync + std::fmt::Debug + 'static {
    /// The folder whose changes call for a rebuild: the package's.
    fn watched_dir(&self) -> PathBuf;

    /// Folders inside [`Rebuild::watched_dir`] whose changes never count: the build's own
    /// outputs (a target directory moved there). `target/`, hidden folders and the app folder
    /// are left out anyway.
    fn outputs(&self) -> Vec<PathBuf>;

    /// Builds and emits the app, blocking; [`StartError::Build`] when it does not compile.
    fn rebuild(&self) -> Result<Rebuilt, StartError>;

    /// Reports a failed build the way the build tool reports its errors.
    fn report(&self, error: &StartError);
}

/// What a [`Rebuild::rebuild`] made.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rebuilt {
    /// The app folders it wrote (the host serves one).
    pub app_dirs: Vec<PathBuf>,
    /// Whether any file in them changed: when none did, the handler keeps running.
    pub changed: bool,
}

impl Rebuilt {
    /// A build that wrote `app_dirs`, changed or not.
    pub fn new(app_dirs: Vec<PathBuf>, changed: bool) -> Self {
        Self { app_dirs, changed }
    }
}
