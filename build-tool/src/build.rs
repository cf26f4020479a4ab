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

use std::ffi::OsString;
use std::fmt::Display;
use std::io::{BufReader, IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use cargo_metadata::{Message, MetadataCommand, TargetKind};
use clap::builder::styling::{AnsiColor, Effects, Style};

use crate::emit::{App, EmitReport};
use crate::error::{BuildError, EmitError};

/// What to build, as the matching `cargo build` flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// `--manifest-path`: the `Cargo.toml` to build.
    pub manifest_path: Option<PathBuf>,
    /// `--release`.
    pub release: bool,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--target`: the target triple, for cross-compiling.
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
    /// `<target-dir>/azfn/<bin name>/`.
    pub out_dir: Option<PathBuf>,
}

/// Builds the project with cargo and emits one app folder per binary with azfn functions.
///
/// Cargo's diagnostics go straight to stderr; a status line per app follows them.
pub fn build(opts: &BuildOptions) -> Result<Vec<EmitReport>, BuildError> {
    let built = cargo_build(opts)?;
    let built_names = || built.iter().map(|b| b.name.clone()).collect::<Vec<_>>();
    if let Some(bin) = &opts.bin
        && !built.iter().any(|b| &b.name == bin)
    {
        return Err(BuildError::BinNotBuilt {
            bin: bin.clone(),
            built: built_names(),
        });
    }

    // Every app is loaded and validated before any folder is written.
    let mut apps = Vec::new();
    for bin in &built {
        match App::load(&bin.executable) {
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

    let out_dirs: Vec<PathBuf> = match &opts.out_dir {
        Some(out) if apps.len() == 1 => vec![out.clone()],
        Some(_) => {
            return Err(BuildError::OutWithSeveralApps {
                apps: apps.iter().map(|(bin, _)| bin.name.clone()).collect(),
            });
        }
        None => {
            let azfn_dir = target_dir(opts)?.join("azfn");
            apps.iter()
                .map(|(bin, _)| azfn_dir.join(&bin.name))
                .collect()
        }
    };

    let mut reports = Vec::new();
    for ((bin, app), out_dir) in apps.iter().zip(out_dirs) {
        status(
            "Emitting",
            format_args!(
                "{} to {}",
                count_functions(app.function_count()),
                out_dir.display()
            ),
        );
        let report = app.write(&out_dir).map_err(|source| BuildError::Emit {
            bin: bin.name.clone(),
            source,
        })?;
        reports.push(report);
    }
    Ok(reports)
}

/// `3 functions`, `1 function`.
pub(crate) fn count_functions(n: usize) -> String {
    if n == 1 {
        "1 function".to_owned()
    } else {
        format!("{n} functions")
    }
}

/// A binary cargo reported having built.
#[derive(Debug)]
struct BuiltBin {
    name: String,
    executable: PathBuf,
}

/// The cargo to run: the one that started us when run as `cargo azfn` (cargo sets `CARGO`),
/// so that `cargo +nightly azfn build` builds with nightly.
fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The arguments of the `cargo build` for `opts`.
fn cargo_build_args(opts: &BuildOptions) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![
        "build".into(),
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
    if let Some(target) = &opts.target {
        push("--target", target);
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
fn cargo_build(opts: &BuildOptions) -> Result<Vec<BuiltBin>, BuildError> {
    let mut child = Command::new(cargo())
        .args(cargo_build_args(opts))
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

/// The target directory: `--target-dir` if given, else what cargo itself uses for the manifest
/// (honouring `CARGO_TARGET_DIR` and `.cargo/config.toml`).
fn target_dir(opts: &BuildOptions) -> Result<PathBuf, BuildError> {
    if let Some(dir) = &opts.target_dir {
        return Ok(dir.clone());
    }
    let mut command = MetadataCommand::new();
    command.cargo_path(cargo()).no_deps();
    if let Some(path) = &opts.manifest_path {
        command.manifest_path(path);
    }
    let metadata = command
        .exec()
        .map_err(|source| BuildError::Metadata { source })?;
    Ok(metadata.target_directory.into_std_path_buf())
}

/// Prints a cargo-style status line (`    Emitting ...`) to stderr, the verb right-aligned to
/// 12 columns and in bold green when stderr is a terminal.
pub(crate) fn status(verb: &str, message: impl Display) {
    let style = if stderr_color() {
        AnsiColor::Green.on_default().effects(Effects::BOLD)
    } else {
        Style::new()
    };
    // A closed stderr is no reason to fail a build that worked.
    let _ = writeln!(
        std::io::stderr().lock(),
        "{style}{verb:>12}{style:#} {message}"
    );
}

/// Whether to color stderr: cargo's `CARGO_TERM_COLOR` (`always`, `never`, `auto`) wins, then
/// `NO_COLOR`, then whether stderr is a terminal.
pub(crate) fn stderr_color() -> bool {
    use_color(
        std::env::var("CARGO_TERM_COLOR").ok().as_deref(),
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        std::io::stderr().is_terminal(),
    )
}

fn use_color(cargo_term_color: Option<&str>, no_color: bool, is_terminal: bool) -> bool {
    match cargo_term_color {
        Some("always") => true,
        Some("never") => false,
        _ => !no_color && is_terminal,
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

    #[test]
    fn color_follows_cargo_then_no_color_then_terminal() {
        assert!(use_color(Some("always"), true, false));
        assert!(!use_color(Some("never"), false, true));
        assert!(use_color(Some("auto"), false, true));
        assert!(!use_color(None, true, true));
        assert!(!use_color(None, false, false));
    }

    #[test]
    fn function_counts_read_naturally() {
        assert_eq!(count_functions(1), "1 function");
        assert_eq!(count_functions(3), "3 functions");
    }
}
