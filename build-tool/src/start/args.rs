//! The command line of `cargo azfn start`.

use std::path::PathBuf;

use super::console::Console;
use super::{Host, StartError, StartOptions, watch};
use crate::BuildOptions;
use crate::cli::CargoArgs;

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

/// `BuildOptions` from the shared cargo flags.
pub(crate) fn build_options(cargo: &CargoArgs, out_dir: Option<PathBuf>) -> BuildOptions {
    let cargo = cargo.clone();
    BuildOptions {
        manifest_path: cargo.manifest_path,
        release: cargo.release,
        profile: cargo.profile,
        target: cargo.target,
        features: cargo.features,
        all_features: cargo.all_features,
        no_default_features: cargo.no_default_features,
        package: cargo.package,
        bin: cargo.bin,
        target_dir: cargo.target_dir,
        out_dir,
    }
}

/// Runs `cargo azfn start` until Ctrl-C, or until the host gives up on the handler. With
/// `--watch`, a first build that fails waits for the next change instead of ending it.
pub fn run_start(args: StartArgs) -> Result<(), StartError> {
    let build = build_options(&args.cargo, None);
    let built = match &args.app_dir {
        Some(_) => None,
        // Without `--watch` the build runs before anything else, as `cargo azfn build` would.
        None if !args.watch => Some(crate::build(&build)?),
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
                let mut watching = watch::Changes::new(&build)?;
                let console = Console::new(args.quiet);
                let reports = tokio::select! {
                    reports = watch::first_build(&mut watching, &build, &console) => reports?,
                    _ = &mut interrupted => return Ok(()),
                };
                changes = Some(watching);
                only_app(reports)?
            }
        };
        let mut options = StartOptions::for_app(app_dir)
            .port(args.port)
            .quiet(args.quiet);
        options.start_azurite = !args.no_azurite;
        if args.watch {
            options.rebuild = Some(build);
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
fn only_app(mut reports: Vec<crate::EmitReport>) -> Result<PathBuf, StartError> {
    if reports.len() > 1 {
        return Err(StartError::SeveralApps {
            apps: reports
                .iter()
                .filter_map(|r| r.out_dir.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .collect(),
        });
    }
    Ok(reports.remove(0).out_dir)
}
