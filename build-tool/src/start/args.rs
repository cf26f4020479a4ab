//! The command line of `cargo azfn start`.

use std::path::PathBuf;

use super::{Host, StartError, StartOptions};
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

    /// Rebuild, re-emit and restart the handler when the sources change
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

/// Runs `cargo azfn start` until Ctrl-C, or until the host gives up on the handler.
pub fn run_start(args: StartArgs) -> Result<(), StartError> {
    let build = build_options(&args.cargo, None);
    let app_dir = match &args.app_dir {
        Some(dir) => dir.clone(),
        None => {
            let mut reports = crate::build(&build)?;
            if reports.len() > 1 {
                return Err(StartError::SeveralApps {
                    apps: reports
                        .iter()
                        .filter_map(|r| r.out_dir.file_name())
                        .map(|n| n.to_string_lossy().into_owned())
                        .collect(),
                });
            }
            reports.remove(0).out_dir
        }
    };
    let mut options = StartOptions::for_app(app_dir)
        .port(args.port)
        .quiet(args.quiet);
    options.start_azurite = !args.no_azurite;
    if args.watch {
        options.rebuild = Some(build);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let host = Host::start(options).await?;
        let outcome = tokio::select! {
            _ = tokio::signal::ctrl_c() => Ok(()),
            reason = host.stopped() => Err(StartError::RestartsExhausted { last_error: reason }),
        };
        host.shutdown().await;
        outcome
    })
}
