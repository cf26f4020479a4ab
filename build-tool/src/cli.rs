//! The `cargo azfn` command line.
//!
//! Cargo runs an external subcommand `cargo azfn ARGS` as `cargo-azfn azfn ARGS`, so the
//! parser is rooted at a `cargo` command whose only subcommand is `azfn`.

use std::error::Error;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::builder::styling::{AnsiColor, Effects, Style, Styles};
use clap::{Args, Parser, Subcommand};

use crate::build::{count_functions, status, stderr_color};
use crate::emit::App;
use crate::error::CliError;
use crate::{BuildOptions, EmitReport};

/// Cargo's own help colors, so `cargo azfn --help` looks like `cargo build --help`.
const STYLES: Styles = Styles::styled()
    .header(AnsiColor::BrightGreen.on_default().effects(Effects::BOLD))
    .usage(AnsiColor::BrightGreen.on_default().effects(Effects::BOLD))
    .literal(AnsiColor::BrightCyan.on_default().effects(Effects::BOLD))
    .placeholder(AnsiColor::Cyan.on_default())
    .error(AnsiColor::BrightRed.on_default().effects(Effects::BOLD))
    .valid(AnsiColor::BrightCyan.on_default().effects(Effects::BOLD))
    .invalid(AnsiColor::Yellow.on_default().effects(Effects::BOLD));

/// `cargo`, as seen by the `cargo-azfn` executable.
#[derive(Debug, Parser)]
#[command(name = "cargo", bin_name = "cargo", styles = STYLES)]
pub enum Cli {
    /// Build Azure Functions custom handlers written with azfn and emit the app folder
    Azfn(AzfnArgs),
}

/// `cargo azfn`.
#[derive(Debug, Args)]
#[command(
    version,
    about = "Build Azure Functions custom handlers written with azfn and emit the app folder",
    after_help = "The app folder holds the handler executable, host.json, local.settings.json \
        and one folder per function with its function.json: run `func start` in it, or deploy \
        it.\n\n\
        Run `cargo azfn help <COMMAND>` for more information on a command."
)]
pub struct AzfnArgs {
    /// The command to run.
    #[command(subcommand)]
    pub command: AzfnCommand,
}

/// The `cargo azfn` subcommands.
#[derive(Debug, Subcommand)]
pub enum AzfnCommand {
    /// Compile the handler with `cargo build` and write its app folder
    #[command(
        after_help = "Every binary that contains azfn functions gets an app folder, by \
        default <target-dir>/azfn/<bin>/; its path is printed on stdout, one line per app.\n\n\
        Run `cargo help build` for more detail on the flags passed to cargo."
    )]
    Build(BuildArgs),
    /// Write the app folder for an already built handler executable
    #[command(
        after_help = "The executable is only read, never run, so it may be built for \
        another OS. The app folder's path is printed on stdout."
    )]
    Emit(EmitArgs),
}

/// Flags of `cargo azfn build`; all but `--out` are passed to `cargo build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Package to build (see `cargo help pkgid`)
    #[arg(
        short = 'p',
        long = "package",
        value_name = "SPEC",
        help_heading = "Package Selection"
    )]
    pub package: Option<String>,

    /// Build only the specified binary
    #[arg(long, value_name = "NAME", help_heading = "Target Selection")]
    pub bin: Option<String>,

    /// Space or comma separated list of features to activate
    #[arg(
        short = 'F',
        long,
        value_name = "FEATURES",
        help_heading = "Feature Selection"
    )]
    pub features: Vec<String>,

    /// Activate all available features
    #[arg(long, help_heading = "Feature Selection")]
    pub all_features: bool,

    /// Do not activate the `default` feature
    #[arg(long, help_heading = "Feature Selection")]
    pub no_default_features: bool,

    /// Build artifacts in release mode, with optimizations
    #[arg(
        short = 'r',
        long,
        conflicts_with = "profile",
        help_heading = "Compilation Options"
    )]
    pub release: bool,

    /// Build artifacts with the specified profile
    #[arg(
        long,
        value_name = "PROFILE-NAME",
        help_heading = "Compilation Options"
    )]
    pub profile: Option<String>,

    /// Build for the target triple
    #[arg(long, value_name = "TRIPLE", help_heading = "Compilation Options")]
    pub target: Option<String>,

    /// Directory for all generated artifacts
    #[arg(long, value_name = "DIRECTORY", help_heading = "Compilation Options")]
    pub target_dir: Option<PathBuf>,

    /// Path to Cargo.toml
    #[arg(long, value_name = "PATH", help_heading = "Manifest Options")]
    pub manifest_path: Option<PathBuf>,

    /// `--out`: the app folder, instead of `<target-dir>/azfn/<bin>`.
    #[arg(
        long,
        value_name = "DIR",
        help_heading = "Output Options",
        help = "Write the app folder to DIR (only when one binary has functions) \
                [default: <target-dir>/azfn/<bin>]"
    )]
    pub out: Option<PathBuf>,
}

impl From<BuildArgs> for BuildOptions {
    fn from(args: BuildArgs) -> Self {
        Self {
            manifest_path: args.manifest_path,
            release: args.release,
            profile: args.profile,
            target: args.target,
            features: args.features,
            all_features: args.all_features,
            no_default_features: args.no_default_features,
            package: args.package,
            bin: args.bin,
            target_dir: args.target_dir,
            out_dir: args.out,
        }
    }
}

/// Flags of `cargo azfn emit`.
#[derive(Debug, Args)]
pub struct EmitArgs {
    /// The built handler executable (read only, never run)
    #[arg(long, value_name = "PATH")]
    pub bin_path: PathBuf,

    /// `--out`: the app folder, instead of `<dir of PATH>/azfn/<name of PATH>`.
    #[arg(
        long,
        value_name = "DIR",
        help = "Write the app folder to DIR [default: <dir of PATH>/azfn/<name of PATH>]"
    )]
    pub out: Option<PathBuf>,
}

/// Runs a parsed command line, printing each app folder's path on stdout.
pub fn run(cli: Cli) -> Result<(), CliError> {
    let Cli::Azfn(args) = cli;
    let reports = match args.command {
        AzfnCommand::Build(args) => crate::build(&args.into())?,
        AzfnCommand::Emit(args) => vec![emit(&args)?],
    };
    let mut stdout = std::io::stdout().lock();
    for report in reports {
        // A closed stdout (`cargo azfn build | head -0`) must not turn a good build into a
        // failure.
        let _ = writeln!(stdout, "{}", report.out_dir.display());
    }
    Ok(())
}

fn emit(args: &EmitArgs) -> Result<EmitReport, CliError> {
    let app = App::load(&args.bin_path)?;
    let out_dir = match &args.out {
        Some(out) => out.clone(),
        None => default_emit_out(&args.bin_path).ok_or_else(|| CliError::NoDefaultOut {
            path: args.bin_path.clone(),
        })?,
    };
    status(
        "Emitting",
        format_args!(
            "{} to {}",
            count_functions(app.function_count()),
            out_dir.display()
        ),
    );
    Ok(app.write(&out_dir)?)
}

/// `<dir of the binary>/azfn/<bin stem>`: beside the binary, like cargo's own outputs, and
/// named without `.exe` so the same handler gets the same folder name on every OS.
fn default_emit_out(bin_path: &Path) -> Option<PathBuf> {
    let stem = bin_path.file_stem()?;
    let dir = bin_path.parent()?;
    Some(dir.join("azfn").join(stem))
}

/// Prints `error: <err>` and its causes to stderr, the way cargo does.
pub fn print_error(err: &dyn Error) {
    let (red, bold) = if stderr_color() {
        (
            AnsiColor::BrightRed.on_default().effects(Effects::BOLD),
            Style::new().effects(Effects::BOLD),
        )
    } else {
        (Style::new(), Style::new())
    };
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{red}error{red:#}{bold}:{bold:#} {err}");
    let mut cause = err.source();
    if cause.is_some() {
        let _ = writeln!(stderr, "\nCaused by:");
    }
    while let Some(error) = cause {
        for line in error.to_string().lines() {
            let _ = writeln!(stderr, "  {line}");
        }
        cause = error.source();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    fn parse(args: &[&str]) -> Result<AzfnCommand, clap::Error> {
        let Cli::Azfn(args) = Cli::try_parse_from(args)?;
        Ok(args.command)
    }

    #[test]
    fn build_flags_map_to_build_options() {
        let command = parse(&[
            "cargo",
            "azfn",
            "build",
            "--manifest-path",
            "examples/orders/Cargo.toml",
            "-r",
            "-p",
            "orders",
            "--bin",
            "orders",
            "-F",
            "a",
            "--features",
            "b c",
            "--no-default-features",
            "--target",
            "x86_64-unknown-linux-musl",
            "--target-dir",
            "t",
            "--out",
            "app",
        ])
        .unwrap();
        let AzfnCommand::Build(args) = command else {
            panic!("expected build, got {command:?}");
        };
        let opts = BuildOptions::from(args);
        assert_eq!(
            opts,
            BuildOptions {
                manifest_path: Some("examples/orders/Cargo.toml".into()),
                release: true,
                profile: None,
                target: Some("x86_64-unknown-linux-musl".into()),
                features: vec!["a".into(), "b c".into()],
                all_features: false,
                no_default_features: true,
                package: Some("orders".into()),
                bin: Some("orders".into()),
                target_dir: Some("t".into()),
                out_dir: Some("app".into()),
            }
        );
    }

    #[test]
    fn release_and_profile_conflict_like_in_cargo() {
        let err = parse(&["cargo", "azfn", "build", "--release", "--profile", "dev"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
    }

    #[test]
    fn emit_requires_a_bin_path() {
        let err = parse(&["cargo", "azfn", "emit"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    }

    #[test]
    fn emit_defaults_beside_the_binary_without_exe() {
        assert_eq!(
            default_emit_out(Path::new("target/release/orders.exe")),
            Some(PathBuf::from("target/release/azfn/orders"))
        );
        assert_eq!(
            default_emit_out(Path::new("orders")),
            Some(PathBuf::from("azfn/orders"))
        );
        assert_eq!(default_emit_out(Path::new("/")), None);
    }
}
