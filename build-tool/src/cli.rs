//! The `cargo azfn` command line.
//!
//! Cargo runs an external subcommand `cargo azfn ARGS` as `cargo-azfn azfn ARGS`, so the
//! parser is rooted at a `cargo` command whose only subcommand is `azfn`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::builder::styling::{AnsiColor, Effects, Styles};
use clap::{Args, Parser, Subcommand};

use crate::build::{build_apps, emit_apps};
use crate::config::ProjectConfig;
use crate::emit::App;
use crate::error::{CliError, EmitError};
use crate::functions::{self, Listing};
use crate::handler_binary::HandlerBinary;
use crate::pack::{
    PackOptions, PackReport, check_deployable, default_output, handler_binary, pack,
};
use crate::scaffold::{NewOptions, Template, new_project};
use crate::shell::{self, count, status};
use crate::{BuildOptions, EmitReport};

pub use crate::build::CargoArgs;
pub use crate::shell::print_error;

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
        and one folder per function with its function.json. `cargo azfn start` runs it locally as \
        the Functions host would; `cargo azfn pack` zips it for deployment.\n\n\
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
        default <target-dir>/azfn/[<triple>/]<bin>/ for a release build and \
        <target-dir>/azfn/[<triple>/]debug/<bin>/ for a debug one; its path is printed on \
        stdout, one line per app. The handler's glibc needs are checked against the oldest \
        Azure Functions Linux image.\n\n\
        host.json is merged with the package's own settings: a host.json next to its \
        Cargo.toml, or a [package.metadata.azfn.host] table (not both). Nothing is written \
        unless every function passes the checks (names, routes).\n\n\
        Run `cargo help build` for more detail on the flags passed to cargo."
    )]
    Build(BuildArgs),
    /// Write the app folder for an already built handler executable
    #[command(
        after_help = "The executable is only read, never run, so it may be built for \
        another OS (a PE file is copied as <name>.exe). The app folder's path is printed on \
        stdout."
    )]
    Emit(EmitArgs),
    /// Create a new azfn app
    #[command(
        after_help = "The new app builds, emits and passes its own test as generated: \
        try `cargo test` and `cargo azfn build` in it."
    )]
    New(NewArgs),
    /// Build the app and zip its folder for zip deploy
    #[command(
        after_help = "The zip holds what `func azure functionapp publish --no-build` \
        would upload: the handler (mode 0755), host.json and the function folders, without \
        local.settings.json or what the folder's .funcignore lists. Its path is printed on \
        stdout. Deploy it with `az functionapp deployment source config-zip --src <zip>`.\n\n\
        The handler is a release build unless --debug is given, and its app folder is \
        <target-dir>/azfn/[<triple>/]<bin>/ (a debug one: .../debug/<bin>/). For a Linux \
        Function App, pack with --target linux from any OS (cargo-zigbuild: `pip install \
        cargo-zigbuild ziglang`): a Linux handler needing a newer glibc than the oldest Azure \
        Functions Linux image's is refused unless --allow-newer-glibc is given.\n\n\
        Run `cargo help build` for more detail on the flags passed to cargo."
    )]
    Pack(PackArgs),
    /// List the functions of the app: trigger, route and bindings
    #[command(
        after_help = "Builds the handler like `cargo azfn build` (without writing the \
        app folder), or reads an executable given with --bin-path, and prints the functions \
        its records describe.\n\n\
        Run `cargo help build` for more detail on the flags passed to cargo."
    )]
    Functions(FunctionsArgs),
    /// Build the app and run it under a local Functions host: HTTP, timers, queues, blobs
    #[command(
        after_help = "Builds and emits like `cargo azfn build`, starts the handler as the \
        Functions host does, and serves http://127.0.0.1:7071 with the host's routing and HTTP \
        modes. Timer triggers fire on their schedules; queue and blob triggers and outputs use \
        Azurite (started when AzureWebJobsStorage is UseDevelopmentStorage=true and none is \
        running; install it with `npm install -g azurite`). Ctrl-C stops everything.\n\n\
        The management endpoints (`POST /admin/functions/NAME`, used by `cargo azfn invoke`) \
        run any function, so they answer only local programs: requests addressed to \
        localhost, without an `Origin` header (a web page cannot forge them), POSTs with \
        `Content-Type: application/json`.\n\n\
        Run `cargo help build` for more detail on the flags passed to cargo."
    )]
    Start(crate::start_cmd::StartArgs),
    /// Send one host-shaped invocation to a function and print what its bindings receive
    #[command(
        after_help = "Goes through a running `cargo azfn start` when one answers on --port, \
        else starts the handler itself. --example KIND sends a realistic sample payload \
        (queue, timer, blob, event-grid, event-hub, service-bus, cosmos-db, http)."
    )]
    Invoke(crate::invoke_cmd::InvokeArgs),
}

/// The `cargo build` flags that conflict with reading an existing executable or folder.
const BUILD_ONLY_FLAGS: [&str; 9] = [
    "package",
    "bin",
    "features",
    "all_features",
    "no_default_features",
    "release",
    "profile",
    "target",
    "target_dir",
];

/// Flags of `cargo azfn build`; all but `--out` are passed to `cargo build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The flags passed to `cargo build`.
    #[command(flatten)]
    pub cargo: CargoArgs,

    /// `--out`: the app folder, instead of [`crate::build::default_app_dir`].
    #[arg(
        long,
        value_name = "DIR",
        help_heading = "Output Options",
        help = "Write the app folder to DIR (only when one binary has functions) \
                [default: <target-dir>/azfn/[<triple>/][<profile>/]<bin>]"
    )]
    pub out: Option<PathBuf>,
}

impl From<BuildArgs> for BuildOptions {
    fn from(args: BuildArgs) -> Self {
        args.cargo.into_options(args.out)
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

    /// Merge the host.json settings of the package with this Cargo.toml
    #[arg(long, value_name = "PATH", help_heading = "Manifest Options")]
    pub manifest_path: Option<PathBuf>,
}

/// Flags of `cargo azfn new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The folder to create
    #[arg(value_name = "PATH")]
    pub path: PathBuf,

    /// Set the package name [default: the folder's name]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// What the app's first function is triggered by
    #[arg(long, value_enum, value_name = "TEMPLATE", default_value_t = Template::Http)]
    pub template: Template,
}

/// Flags of `cargo azfn pack`.
#[derive(Debug, Args)]
pub struct PackArgs {
    /// The flags passed to `cargo build`.
    #[command(flatten)]
    pub cargo: CargoArgs,

    /// Zip this app folder as it is, without building
    #[arg(
        long,
        value_name = "DIR",
        help_heading = "Output Options",
        conflicts_with_all = BUILD_ONLY_FLAGS,
        conflicts_with = "manifest_path"
    )]
    pub app_dir: Option<PathBuf>,

    /// Pack a debug build (the `dev` profile) instead of a release build
    #[arg(
        long,
        help_heading = "Compilation Options",
        conflicts_with_all = ["release", "profile", "app_dir"]
    )]
    pub debug: bool,

    /// Pack a Linux handler even if it needs a newer glibc than the oldest Azure Functions
    /// Linux image has (it will not start there)
    #[arg(long, help_heading = "Output Options")]
    pub allow_newer_glibc: bool,

    /// `--output`: the zip file.
    #[arg(
        short = 'o',
        long,
        value_name = "FILE",
        help_heading = "Output Options",
        help = "Write the zip to FILE (only for one app) [default: <app folder>.zip]"
    )]
    pub output: Option<PathBuf>,
}

/// Flags of `cargo azfn functions`.
#[derive(Debug, Args)]
pub struct FunctionsArgs {
    /// The flags passed to `cargo build`.
    #[command(flatten)]
    pub cargo: CargoArgs,

    /// Read this built executable instead of building (with --manifest-path for its
    /// package's host.json settings)
    #[arg(long, value_name = "PATH", conflicts_with_all = BUILD_ONLY_FLAGS)]
    pub bin_path: Option<PathBuf>,

    /// Print JSON instead of a table
    #[arg(long, help_heading = "Output Options")]
    pub json: bool,
}

/// Runs a parsed command line, printing what it made (folders, zips) on stdout.
pub fn run(cli: Cli) -> Result<(), CliError> {
    let Cli::Azfn(args) = cli;
    let lines: Vec<String> = match args.command {
        AzfnCommand::Build(args) => crate::build(&args.into())?
            .into_iter()
            .map(|report| report.out_dir.display().to_string())
            .collect(),
        AzfnCommand::Emit(args) => vec![emit(&args)?.out_dir.display().to_string()],
        AzfnCommand::New(args) => vec![new(args)?.display().to_string()],
        AzfnCommand::Pack(args) => pack_command(args)?
            .into_iter()
            .map(|report| report.zip.display().to_string())
            .collect(),
        AzfnCommand::Functions(args) => return functions_command(args),
        AzfnCommand::Start(args) => return Ok(crate::start_cmd::run_start(args)?),
        AzfnCommand::Invoke(args) => return Ok(crate::invoke_cmd::run_invoke(args)?),
    };
    let mut stdout = std::io::stdout().lock();
    for line in lines {
        // A closed stdout (`cargo azfn build | head -0`) must not turn a good build into a
        // failure.
        let _ = writeln!(stdout, "{line}");
    }
    Ok(())
}

fn emit(args: &EmitArgs) -> Result<EmitReport, CliError> {
    let (config, config_warnings) = match &args.manifest_path {
        Some(manifest) => ProjectConfig::load(manifest)?,
        None => Default::default(),
    };
    let out_dir = match &args.out {
        Some(out) => out.clone(),
        None => default_emit_out(&args.bin_path).ok_or_else(|| CliError::NoDefaultOut {
            path: args.bin_path.clone(),
        })?,
    };
    let app = App::load_for(&args.bin_path, Some(&out_dir))?;
    let project_dir = args.manifest_path.as_deref().and_then(Path::parent);
    let plan = app.plan(&out_dir, &config, project_dir)?;
    status(
        "Emitting",
        format_args!("{} to {}", app.summary(), out_dir.display()),
    );
    for warning in config_warnings.iter().chain(plan.warnings()) {
        shell::warn(warning);
    }
    let handler =
        HandlerBinary::read(&args.bin_path).map_err(|source| EmitError::ReadExecutable {
            path: args.bin_path.clone(),
            source,
        })?;
    let name = args
        .bin_path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    crate::build::report_handler(&name, &handler);
    Ok(plan.write()?)
}

fn new(args: NewArgs) -> Result<PathBuf, CliError> {
    let report = new_project(&NewOptions {
        path: args.path,
        name: args.name,
        template: args.template,
    })?;
    status(
        "Creating",
        format_args!(
            "azfn app `{}` ({} template) in {}",
            report.name,
            args.template.name(),
            report.dir.display()
        ),
    );
    shell::note(format_args!(
        "in `{}`: `cargo azfn start` runs it locally as the Functions host would, `cargo test` \
         runs its tests; its connection strings go in local.settings.json, its host.json \
         settings in host.json",
        report.dir.display()
    ));
    Ok(report.dir)
}

fn pack_command(args: PackArgs) -> Result<Vec<PackReport>, CliError> {
    // (app folder, what was built: profile and target)
    let app_dirs: Vec<(PathBuf, Option<String>)> = match args.app_dir {
        Some(dir) => vec![(dir, None)],
        None => {
            let mut cargo = args.cargo;
            // A zip is for deployment: release unless asked otherwise.
            if args.debug {
                cargo.release = false;
            } else if cargo.profile.is_none() {
                cargo.release = true;
            }
            let apps = build_apps(&cargo.into_options(None))?;
            // Refused before any folder is written, like every other check.
            if args.output.is_some() && apps.len() > 1 {
                return Err(CliError::OutputWithSeveralApps {
                    apps: apps.iter().map(|a| a.bin.clone()).collect(),
                });
            }
            for app in &apps {
                let executable = app.app.bin_path().to_owned();
                let name = executable.file_name().map(Path::new).unwrap_or(&executable);
                let dir = executable.parent().unwrap_or(Path::new(""));
                check_deployable(
                    dir,
                    &name.to_string_lossy(),
                    &app.handler,
                    args.allow_newer_glibc,
                )?;
            }
            let built: Vec<String> = apps
                .iter()
                .map(|app| {
                    let target = app
                        .target
                        .cargo_target
                        .clone()
                        .unwrap_or_else(|| "the host".to_owned());
                    format!("{} profile for {target}", app.profile)
                })
                .collect();
            emit_apps(&apps)?
                .into_iter()
                .zip(built)
                .map(|(report, built)| (report.out_dir, Some(built)))
                .collect()
        }
    };
    let mut reports = Vec::new();
    for (app_dir, built) in app_dirs {
        let output = match &args.output {
            Some(output) => output.clone(),
            None => default_output(&app_dir).ok_or_else(|| CliError::NoDefaultZip {
                dir: app_dir.clone(),
            })?,
        };
        let (executable, handler) = handler_binary(&app_dir)?;
        check_deployable(&app_dir, &executable, &handler, args.allow_newer_glibc)?;
        let report = pack(&PackOptions { app_dir, output })?;
        let built = built.map_or_else(String::new, |b| format!("{b}, "));
        status(
            "Packed",
            format_args!(
                "{} into {} ({}; {built}{handler})",
                count(report.files.len(), "file", "files"),
                report.zip.display(),
                human_size(report.size)
            ),
        );
        if let Some(too_new) = handler.glibc_too_new() {
            shell::warn(&crate::Warning(format!(
                "packed with `--allow-newer-glibc`: {too_new}"
            )));
        }
        for warning in &report.warnings {
            shell::warn(warning);
        }
        reports.push(report);
    }
    Ok(reports)
}

/// `512 B`, `3.4 KiB`, `12.0 MiB`.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1024.0 && unit + 1 < UNITS.len() {
        size /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{size:.1} {}", UNITS[unit])
    }
}

fn functions_command(args: FunctionsArgs) -> Result<(), CliError> {
    // (app name, executable, app, config)
    let mut apps: Vec<(String, PathBuf, App, ProjectConfig)> = Vec::new();
    match &args.bin_path {
        Some(bin_path) => {
            let (config, warnings) = match &args.cargo.manifest_path {
                Some(manifest) => ProjectConfig::load(manifest)?,
                None => Default::default(),
            };
            warnings.iter().for_each(shell::warn);
            let app = App::load(bin_path)?;
            let name = bin_path
                .file_stem()
                .map_or_else(|| "app".to_owned(), |s| s.to_string_lossy().into_owned());
            apps.push((name, bin_path.clone(), app, config));
        }
        None => {
            for built in build_apps(&args.cargo.clone().into_options(None))? {
                built.config_warnings.iter().for_each(shell::warn);
                let executable = built.app.bin_path().to_owned();
                apps.push((built.bin, executable, built.app, built.config));
            }
        }
    }
    let mut prefixes = Vec::new();
    for (_, _, app, config) in &apps {
        let host = app.host_json(config).map_err(|source| match source {
            EmitError::Config(e) => CliError::Config(e),
            other => CliError::Emit(other),
        })?;
        prefixes.push(host.route_prefix);
    }
    let listings: Vec<Listing<'_>> = apps
        .iter()
        .zip(&prefixes)
        .map(|((name, executable, app, _), prefix)| Listing {
            app: name,
            executable,
            route_prefix: prefix,
            records: app.records(),
        })
        .collect();
    let text = if args.json {
        let mut text = serde_json::to_string_pretty(&functions::json(&listings))
            .expect("JSON values always serialize");
        text.push('\n');
        text
    } else {
        functions::table(&listings)
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|source| CliError::WriteStdout { source })
}

/// `<dir of the binary>/azfn/<bin stem>`: beside the binary, like cargo's own outputs, and
/// named without `.exe` so the same handler gets the same folder name on every OS.
fn default_emit_out(bin_path: &Path) -> Option<PathBuf> {
    let stem = bin_path.file_stem()?;
    let dir = bin_path.parent()?;
    Some(dir.join("azfn").join(stem))
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
    fn sizes_read_like_cargo_packages() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(3 * 1024 + 410), "3.4 KiB");
        assert_eq!(human_size(12 << 20), "12.0 MiB");
    }

    #[test]
    fn new_defaults_to_the_http_template() {
        let AzfnCommand::New(args) = parse(&["cargo", "azfn", "new", "app"]).unwrap() else {
            panic!("expected new");
        };
        assert_eq!(args.template, Template::Http);
        assert_eq!(args.path, PathBuf::from("app"));
    }

    #[test]
    fn functions_takes_a_manifest_with_bin_path_but_no_other_build_flag() {
        let command = parse(&[
            "cargo",
            "azfn",
            "functions",
            "--bin-path",
            "x",
            "--manifest-path",
            "Cargo.toml",
            "--json",
        ])
        .unwrap();
        assert!(matches!(
            command,
            AzfnCommand::Functions(FunctionsArgs { json: true, .. })
        ));
        for flag in [
            &["--bin", "x"][..],
            &["-p", "x"],
            &["--features", "x"],
            &["--target-dir", "t"],
        ] {
            let args = [&["cargo", "azfn", "functions", "--bin-path", "x"][..], flag].concat();
            let err = parse(&args).unwrap_err();
            assert_eq!(
                err.kind(),
                clap::error::ErrorKind::ArgumentConflict,
                "{flag:?}"
            );
        }
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
