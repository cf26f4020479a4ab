//! `cargo azfn build`: run `cargo build`, then emit an app folder for every built binary that
//! carries azfn functions.
//!
//! Binaries are found from cargo's own JSON messages rather than by guessing paths, so custom
//! target directories, profiles and `--target` all work.
//!
//! ```no_run
//! use cargo_azfn::{BuildOptions, build};
//!
//! let reports = build(&BuildOptions {
//!     manifest_path: Some("examples/orders/Cargo.toml".into()),
//!     release: true,
//!     ..BuildOptions::default()
//! })?;
//! for report in reports {
//!     println!("{}", report.out_dir.display());
//! }
//! # Ok::<(), cargo_azfn::BuildError>(())
//! ```

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cargo_metadata::{Message, Metadata, MetadataCommand, TargetKind};
use clap::Args;
use serde_json::Value;

use crate::config::{ProjectConfig, cargo};
use crate::emit::{App, EmitReport};
use crate::error::{BuildError, EmitError, Warning};
use crate::handler_binary::HandlerBinary;
use crate::shell;
use crate::target::{BuildTarget, Builder, Tools};

/// What to build, as the matching `cargo build` flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// `--manifest-path`: the `Cargo.toml` to build.
    pub manifest_path: Option<PathBuf>,
    /// `--release`.
    pub release: bool,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--target`: a target triple, `linux` (every Azure Functions Linux worker: see
    /// [`crate::target`]), or a `-linux-gnu` triple with a glibc suffix
    /// (`x86_64-unknown-linux-gnu.2.28`, built through cargo-zigbuild).
    pub target: Option<String>,
    /// `--features`, each passed as given.
    pub features: Vec<String>,
    /// `--all-features`.
    pub all_features: bool,
    /// `--no-default-features`.
    pub no_default_features: bool,
    /// `--package` (`-p`).
    pub package: Option<String>,
    /// `--bin`. A binary named here must contain functions; otherwise binaries without
    /// functions are skipped.
    pub bin: Option<String>,
    /// `--target-dir`.
    pub target_dir: Option<PathBuf>,
    /// The app folder. Only allowed when exactly one binary carries functions; the default is
    /// [`default_app_dir`].
    pub out_dir: Option<PathBuf>,
}

/// Builds the project with cargo and emits one app folder per binary with azfn functions.
///
/// Each app's `host.json` is merged with its package's settings (a `host.json` next to its
/// `Cargo.toml`, or `[package.metadata.azfn.host]`). Every app is checked before any folder
/// is written. Cargo's diagnostics go straight to stderr, followed, like cargo's own output,
/// by a status line and the warnings of each app; the warnings are in the reports too.
pub fn build(opts: &BuildOptions) -> Result<Vec<EmitReport>, BuildError> {
    emit_apps(&build_apps(opts)?)
}

/// Checks every app, then writes each app folder, reporting progress on stderr.
pub(crate) fn emit_apps(apps: &[BuiltApp]) -> Result<Vec<EmitReport>, BuildError> {
    let mut plans = Vec::new();
    for app in apps {
        let plan = app
            .app
            .plan(&app.out_dir, &app.config, app.project_dir.as_deref())
            .map_err(|source| BuildError::Emit {
                bin: app.bin.clone(),
                source,
            })?;
        plans.push(plan);
    }
    let mut reports = Vec::new();
    for (app, plan) in apps.iter().zip(plans) {
        shell::status(
            "Emitting",
            format_args!("{} to {}", app.app.summary(), plan.out_dir().display()),
        );
        for warning in app.config_warnings.iter().chain(plan.warnings()) {
            shell::warn(warning);
        }
        report_handler(&app.bin, &app.handler);
        let mut report = plan.write().map_err(|source| BuildError::Emit {
            bin: app.bin.clone(),
            source,
        })?;
        report
            .warnings
            .splice(0..0, app.config_warnings.iter().cloned());
        reports.push(report);
    }
    Ok(reports)
}

/// Says what kind of executable the handler is (when it is one azfn recognises), and warns when
/// it needs a newer glibc than the oldest Azure Functions Linux image has.
pub(crate) fn report_handler(bin: &str, handler: &HandlerBinary) {
    if *handler != HandlerBinary::Other {
        shell::status("Handler", format_args!("`{bin}`: {handler}"));
    }
    if let Some(too_new) = handler.glibc_too_new() {
        shell::warn(&Warning(format!("handler `{bin}`: {too_new}")));
    }
}

/// The cargo profile `opts` builds: `dev` unless `--release` or `--profile`.
pub(crate) fn profile_name(opts: &BuildOptions) -> String {
    match (&opts.profile, opts.release) {
        (Some(profile), _) => profile.clone(),
        (None, true) => "release".to_owned(),
        (None, false) => "dev".to_owned(),
    }
}

/// The default app folder of binary `bin`: `<target-dir>/azfn/[<triple>/]<bin>` for a release
/// build, the deployable one, and `<target-dir>/azfn/[<triple>/]<profile>/<bin>` for any other
/// profile (`debug` for `dev`, as cargo names its folder), so that a debug build never
/// lands where a release build is packed from.
pub fn default_app_dir(
    target_dir: &Path,
    triple: Option<&str>,
    profile: &str,
    bin: &str,
) -> PathBuf {
    let mut dir = target_dir.join("azfn");
    if let Some(triple) = triple {
        dir.push(triple);
    }
    match profile {
        "release" => {}
        "dev" => dir.push("debug"),
        other => dir.push(other),
    }
    dir.join(bin)
}

/// Before debug builds got their own folder, `<target-dir>/azfn/<bin>/` was the app folder of
/// every profile, and `local.settings.json` lived there. A debug build now goes elsewhere, so
/// such a file would silently stop being used: while the project has no settings file of its own,
/// a user's file there (not a copy emit made) is named, with how to move it. Nothing is moved:
/// the file is the user's.
fn settings_left_in_shared_folder(
    shared_dir: &Path,
    out_dir: &Path,
    project_dir: Option<&Path>,
) -> Option<Warning> {
    let project_dir = project_dir?;
    let project_settings = project_dir.join(crate::emit::ignore_files::LOCAL_SETTINGS);
    let shared_settings = shared_dir.join(crate::emit::ignore_files::LOCAL_SETTINGS);
    if shared_dir == out_dir || project_settings.exists() {
        return None;
    }
    let content = std::fs::read(&shared_settings).ok()?;
    if crate::emit::local_settings::is_copy(&content) {
        return None;
    }
    Some(Warning(format!(
        "`{shared}` is not used by this build, which goes to `{out}`: settings now live next to \
         Cargo.toml, where cargo azfn copies them into every app folder; move yours there \
         (`mv {shared} {project}`)",
        shared = shared_settings.display(),
        out = out_dir.display(),
        project = project_settings.display(),
    )))
}

/// A built binary with functions, its package's settings, and where its app folder goes.
#[derive(Debug)]
pub(crate) struct BuiltApp {
    /// The binary's name.
    pub(crate) bin: String,
    pub(crate) app: App,
    pub(crate) config: ProjectConfig,
    /// The folder of the package's `Cargo.toml` (where `local.settings.json` lives).
    pub(crate) project_dir: Option<PathBuf>,
    /// Warnings about the package's settings themselves.
    pub(crate) config_warnings: Vec<Warning>,
    pub(crate) out_dir: PathBuf,
    /// What kind of executable it is.
    pub(crate) handler: HandlerBinary,
    /// The cargo profile it was built with.
    pub(crate) profile: String,
    /// What it was built for.
    pub(crate) target: BuildTarget,
}

/// Runs `cargo build` and loads every built binary that has functions (sorted by name), with
/// its package's settings; writes nothing.
pub(crate) fn build_apps(opts: &BuildOptions) -> Result<Vec<BuiltApp>, BuildError> {
    let target = crate::target::resolve(opts.target.as_deref(), Tools::detect)?;
    let profile = profile_name(opts);
    // `cargo metadata` (target directory, package settings) runs while cargo builds, so a
    // no-op `cargo azfn build` costs one `cargo build` of wall time, not two cargo runs.
    let metadata = {
        let manifest_path = opts.manifest_path.clone();
        std::thread::spawn(move || cargo_metadata(manifest_path.as_deref()))
    };
    let built = cargo_build(opts, &target);
    let metadata = metadata
        .join()
        .expect("`cargo metadata` runs without panicking");
    let built = built?;
    let metadata = metadata.map_err(|source| BuildError::Metadata { source })?;

    let built_names = || built.iter().map(|b| b.name.clone()).collect::<Vec<_>>();
    if let Some(bin) = &opts.bin
        && !built.iter().any(|b| &b.name == bin)
    {
        return Err(BuildError::BinNotBuilt {
            bin: bin.clone(),
            built: built_names(),
        });
    }

    let target_dir = opts
        .target_dir
        .clone()
        .unwrap_or_else(|| metadata.target_directory.clone().into_std_path_buf());
    let out_dir_of = |bin: &BuiltBin| {
        opts.out_dir.clone().unwrap_or_else(|| {
            default_app_dir(&target_dir, target.triple.as_deref(), &profile, &bin.name)
        })
    };

    let mut apps = Vec::new();
    for bin in &built {
        // The app folder's cache spares reading an unchanged executable again.
        match App::load_for(&bin.executable, Some(&out_dir_of(bin))) {
            Ok(app) => apps.push((bin, app)),
            Err(EmitError::NoFunctions { .. }) if opts.bin.as_ref() != Some(&bin.name) => {}
            Err(source) => {
                return Err(BuildError::Emit {
                    bin: bin.name.clone(),
                    source,
                });
            }
        }
    }
    if apps.is_empty() {
        return Err(BuildError::NoApp {
            built: built_names(),
        });
    }
    // Cargo reports binaries in the order they finish; sorted, the output is stable.
    apps.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    if opts.out_dir.is_some() && apps.len() > 1 {
        return Err(BuildError::OutWithSeveralApps {
            apps: apps.iter().map(|(bin, _)| bin.name.clone()).collect(),
        });
    }

    let package_metadata: HashMap<PathBuf, &Value> = metadata
        .packages
        .iter()
        .map(|p| (p.manifest_path.clone().into_std_path_buf(), &p.metadata))
        .collect();
    let mut result = Vec::new();
    for (bin, app) in apps {
        let null = Value::Null;
        let package = package_metadata
            .get(&bin.manifest_path)
            .copied()
            .unwrap_or(&null);
        let (config, config_warnings) = ProjectConfig::from_package(&bin.manifest_path, package)
            .map_err(|source| BuildError::Config {
                bin: bin.name.clone(),
                source,
            })?;
        let handler = HandlerBinary::read(&bin.executable).map_err(|source| BuildError::Emit {
            bin: bin.name.clone(),
            source: EmitError::ReadExecutable {
                path: bin.executable.clone(),
                source,
            },
        })?;
        let mut config_warnings = config_warnings;
        let out_dir = out_dir_of(bin);
        let project_dir = bin.manifest_path.parent().map(Path::to_path_buf);
        if opts.out_dir.is_none() {
            let shared_dir =
                default_app_dir(&target_dir, target.triple.as_deref(), "release", &bin.name);
            config_warnings.extend(settings_left_in_shared_folder(
                &shared_dir,
                &out_dir,
                project_dir.as_deref(),
            ));
        }
        result.push(BuiltApp {
            bin: bin.name.clone(),
            out_dir,
            app,
            config,
            project_dir,
            config_warnings,
            handler,
            profile: profile.clone(),
            target: target.clone(),
        });
    }
    Ok(result)
}

/// A binary cargo reported having built.
#[derive(Debug)]
struct BuiltBin {
    name: String,
    executable: PathBuf,
    /// Its package's `Cargo.toml`.
    manifest_path: PathBuf,
}

/// `cargo metadata --no-deps` for the manifest (or the current directory's project).
fn cargo_metadata(manifest_path: Option<&Path>) -> Result<Metadata, cargo_metadata::Error> {
    let mut command = MetadataCommand::new();
    command.cargo_path(cargo()).no_deps();
    if let Some(path) = manifest_path {
        command.manifest_path(path);
    }
    command.exec()
}

/// The arguments of the `cargo build` for `opts`.
#[cfg(test)]
fn cargo_build_args(opts: &BuildOptions) -> Vec<OsString> {
    cargo_args(opts, &BuildTarget::host(), opts.target.as_deref())
}

/// The arguments of the cargo command that builds `opts` for `target` (`target_flag`: what
/// `--target` gets).
fn cargo_args(
    opts: &BuildOptions,
    target: &BuildTarget,
    target_flag: Option<&str>,
) -> Vec<OsString> {
    let subcommand = match target.builder {
        Builder::Cargo => "build",
        Builder::Zigbuild => "zigbuild",
    };
    let mut args: Vec<OsString> = vec![
        subcommand.into(),
        "--message-format=json-render-diagnostics".into(),
    ];
    let mut push = |flag: &str, value: &dyn AsRef<std::ffi::OsStr>| {
        args.push(flag.into());
        args.push(value.as_ref().to_owned());
    };
    if let Some(path) = &opts.manifest_path {
        push("--manifest-path", path);
    }
    if let Some(package) = &opts.package {
        push("--package", package);
    }
    if let Some(bin) = &opts.bin {
        push("--bin", bin);
    }
    if let Some(profile) = &opts.profile {
        push("--profile", profile);
    }
    if let Some(target) = target_flag {
        push("--target", &target);
    }
    if let Some(dir) = &opts.target_dir {
        push("--target-dir", dir);
    }
    for features in &opts.features {
        push("--features", features);
    }
    if opts.release {
        args.push("--release".into());
    }
    if opts.all_features {
        args.push("--all-features".into());
    }
    if opts.no_default_features {
        args.push("--no-default-features".into());
    }
    args
}

/// Runs `cargo build` and returns the binaries it built, in the order cargo reported them.
fn cargo_build(opts: &BuildOptions, target: &BuildTarget) -> Result<Vec<BuiltBin>, BuildError> {
    let mut child = Command::new(cargo())
        .args(cargo_args(opts, target, target.cargo_target.as_deref()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|source| BuildError::SpawnCargo { source })?;
    let stdout = child.stdout.take().expect("stdout was configured as piped");

    let mut built: Vec<BuiltBin> = Vec::new();
    let mut read_error = None;
    for message in Message::parse_stream(BufReader::new(stdout)) {
        match message {
            Ok(Message::CompilerArtifact(artifact)) => {
                let Some(executable) = artifact.executable else {
                    continue;
                };
                if !artifact.target.kind.contains(&TargetKind::Bin) {
                    continue;
                }
                let executable = PathBuf::from(executable);
                if !built.iter().any(|b| b.executable == executable) {
                    built.push(BuiltBin {
                        name: artifact.target.name,
                        executable,
                        manifest_path: artifact.manifest_path.into_std_path_buf(),
                    });
                }
            }
            // Cargo's stdout is ours to parse, but stray lines (from a wrapper, say) still
            // belong to the user; stderr keeps our stdout for the folder paths.
            Ok(Message::TextLine(line)) => eprintln!("{line}"),
            Ok(_) => {}
            Err(source) => {
                read_error = Some(source);
                break;
            }
        }
    }
    // Waited for even after a read error, so cargo is never left running on its own.
    let status = child
        .wait()
        .map_err(|source| BuildError::SpawnCargo { source })?;
    if let Some(source) = read_error {
        return Err(BuildError::ReadCargoOutput { source });
    }
    if !status.success() {
        return Err(BuildError::CargoFailed { status });
    }
    Ok(built)
}

/// The `cargo build` flags that `build`, `pack` and `functions` pass on.
#[derive(Debug, Clone, Args)]
pub struct CargoArgs {
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

    /// Build for the target triple; `linux` builds for every Azure Functions Linux worker
    /// (glibc of the oldest image, through cargo-zigbuild), and `<triple>.<glibc>` (such as
    /// x86_64-unknown-linux-gnu.2.28) for that glibc
    #[arg(long, value_name = "TRIPLE", help_heading = "Compilation Options")]
    pub target: Option<String>,

    /// Directory for all generated artifacts
    #[arg(long, value_name = "DIRECTORY", help_heading = "Compilation Options")]
    pub target_dir: Option<PathBuf>,

    /// Path to Cargo.toml
    #[arg(long, value_name = "PATH", help_heading = "Manifest Options")]
    pub manifest_path: Option<PathBuf>,
}

impl CargoArgs {
    /// The build these flags ask for, emitting into `out_dir` (default: [`default_app_dir`]).
    pub fn into_options(self, out_dir: Option<PathBuf>) -> BuildOptions {
        BuildOptions {
            manifest_path: self.manifest_path,
            release: self.release,
            profile: self.profile,
            target: self.target,
            features: self.features,
            all_features: self.all_features,
            no_default_features: self.no_default_features,
            package: self.package,
            bin: self.bin,
            target_dir: self.target_dir,
            out_dir,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(opts: &BuildOptions) -> Vec<String> {
        cargo_build_args(opts)
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn default_build_asks_only_for_json_messages() {
        assert_eq!(
            args(&BuildOptions::default()),
            ["build", "--message-format=json-render-diagnostics"]
        );
    }

    #[test]
    fn every_option_becomes_its_cargo_flag() {
        let opts = BuildOptions {
            manifest_path: Some("app/Cargo.toml".into()),
            release: true,
            profile: None,
            target: Some("x86_64-pc-windows-gnu".into()),
            features: vec!["a,b".into(), "c".into()],
            all_features: true,
            no_default_features: true,
            package: Some("orders".into()),
            bin: Some("orders".into()),
            target_dir: Some("/tmp/t".into()),
            out_dir: Some("ignored-by-cargo".into()),
        };
        let args = args(&opts).join(" ");
        for expected in [
            "--manifest-path app/Cargo.toml",
            "--package orders",
            "--bin orders",
            "--target x86_64-pc-windows-gnu",
            "--target-dir /tmp/t",
            "--features a,b --features c",
            "--release",
            "--all-features",
            "--no-default-features",
        ] {
            assert!(
                args.contains(expected),
                "`{expected}` missing from `{args}`"
            );
        }
        assert!(!args.contains("ignored-by-cargo"), "{args}");
    }

    #[test]
    fn profile_is_passed_through() {
        let opts = BuildOptions {
            profile: Some("dist".into()),
            ..BuildOptions::default()
        };
        assert!(args(&opts).join(" ").ends_with("--profile dist"));
    }
}
