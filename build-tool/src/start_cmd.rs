//! `cargo azfn start`: the local host of `azfn-host`, with the build in front of it and, under
//! `--watch`, a [`Rebuild`] that runs `cargo azfn build` again.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use azfn_host::start::{Changes, Host, Rebuild, Rebuilt, StartError, StartOptions, first_build};

use crate::build::CargoArgs;
use crate::{BuildOptions, EmitReport};

/// Flags of `cargo azfn start`.
#[derive(Debug, clap::Args)]
pub struct StartArgs {
    /// The flags passed to `cargo build`.
    #[command(flatten)]
    pub cargo: CargoArgs,

    /// The port of the HTTP front door
    #[arg(long, default_value_t = 7071, help_heading = "Host Options")]
    pub port: u16,

    /// Rebuild, re-emit and reload the app (handler, routes, triggers) when the sources change
    #[arg(long, help_heading = "Host Options")]
    pub watch: bool,

    /// Host this emitted app folder as it is, without building
    #[arg(
        long,
        value_name = "DIR",
        help_heading = "Host Options",
        conflicts_with = "watch"
    )]
    pub app_dir: Option<PathBuf>,

    /// Never start Azurite (storage must already be reachable)
    #[arg(long, help_heading = "Host Options")]
    pub no_azurite: bool,

    /// Print only errors of the host, not its log
    #[arg(long, short = 'q', help_heading = "Host Options")]
    pub quiet: bool,
}

/// Runs `cargo azfn start` until Ctrl-C, or until the host gives up on the handler. With
/// `--watch`, a first build that fails waits for the next change instead of ending it.
pub fn run_start(args: StartArgs) -> Result<(), StartError> {
    let build = args.cargo.clone().into_options(None);
    let rebuild: Arc<dyn Rebuild> = Arc::new(CargoRebuild(build.clone()));
    let built = match &args.app_dir {
        Some(_) => None,
        // Without `--watch` the build runs before anything else, as `cargo azfn build` would.
        None if !args.watch => Some(crate::build(&build).map_err(build_error)?),
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let interrupted = tokio::signal::ctrl_c();
        tokio::pin!(interrupted);
        let mut changes = None;
        let app_dir = match (&args.app_dir, built) {
            (Some(dir), _) => dir.clone(),
            (None, Some(reports)) => only_app(reports)?,
            (None, None) => {
                // Watching from before the first build, so that a change made while a failing
                // build runs is not missed.
                let mut watching = Changes::new(rebuild.as_ref())?;
                let built = tokio::select! {
                    built = first_build(&mut watching, &rebuild, args.quiet) => built?,
                    _ = &mut interrupted => return Ok(()),
                };
                changes = Some(watching);
                only_dir(built.app_dirs)?
            }
        };
        let mut options = StartOptions::for_app(app_dir)
            .port(args.port)
            .quiet(args.quiet);
        options.start_azurite = !args.no_azurite;
        if args.watch {
            options.rebuild = Some(rebuild.clone());
        }
        let host = tokio::select! {
            host = Host::start_watching(options, changes) => host?,
            _ = &mut interrupted => return Ok(()),
        };
        let outcome = tokio::select! {
            _ = &mut interrupted => Ok(()),
            error = host.stopped_error() => Err(error),
        };
        host.shutdown().await;
        outcome
    })
}

/// The app folder of the one app built; `start` hosts one.
fn only_app(reports: Vec<EmitReport>) -> Result<PathBuf, StartError> {
    only_dir(reports.into_iter().map(|r| r.out_dir).collect())
}

fn only_dir(mut dirs: Vec<PathBuf>) -> Result<PathBuf, StartError> {
    if dirs.len() > 1 {
        return Err(StartError::SeveralApps {
            apps: dirs
                .iter()
                .filter_map(|d| d.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .collect(),
        });
    }
    Ok(dirs.remove(0))
}

fn build_error(error: crate::BuildError) -> StartError {
    StartError::Build(Box::new(error))
}

/// `cargo azfn build` with the flags `start` (or `invoke`) was given, as the host's
/// [`Rebuild`].
#[derive(Debug)]
pub(crate) struct CargoRebuild(pub(crate) BuildOptions);

impl Rebuild for CargoRebuild {
    /// The package of `--manifest-path`, else the current directory.
    fn watched_dir(&self) -> PathBuf {
        self.0
            .manifest_path
            .as_deref()
            .and_then(Path::parent)
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."))
    }

    /// The target directory when `--target-dir` or `CARGO_TARGET_DIR` moves it (the default
    /// `target/` is skipped by name).
    fn outputs(&self) -> Vec<PathBuf> {
        self.0
            .target_dir
            .clone()
            .or_else(|| {
                std::env::var_os("CARGO_TARGET_DIR")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            })
            .into_iter()
            .collect()
    }

    fn rebuild(&self) -> Result<Rebuilt, StartError> {
        let reports = crate::build(&self.0).map_err(build_error)?;
        let changed = reports
            .iter()
            .any(|r| !r.written.is_empty() || !r.removed.is_empty());
        Ok(Rebuilt::new(
            reports.into_iter().map(|r| r.out_dir).collect(),
            changed,
        ))
    }

    fn report(&self, error: &StartError) {
        match error {
            StartError::Build(inner) => crate::shell::print_error(inner.as_ref()),
            other => crate::shell::print_error(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_target_dir_is_an_output() {
        let build = BuildOptions {
            target_dir: Some(PathBuf::from("/p/build")),
            ..Default::default()
        };
        let outputs = CargoRebuild(build).outputs();
        assert!(outputs.contains(&PathBuf::from("/p/build")), "{outputs:?}");
    }
}
