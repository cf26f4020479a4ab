//! What can go wrong in `cargo azfn`: one enum per stage, each variant named after the
//! condition and worded so that the message alone says what to do next.

use std::fmt;
use std::path::PathBuf;
use std::process::ExitStatus;

use azfn::metadata::{MetadataError, SourceLocation};

/// Why [`emit`](crate::emit()) could not write the app folder.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    /// The executable could not be read.
    #[error("cannot read the executable `{}`", path.display())]
    ReadExecutable {
        /// The executable's path.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The path given as the executable ends in `..` or is a root, so there is no file name to
    /// copy it under.
    #[error("`{}` does not name a file; pass the path of the built executable", path.display())]
    NoFileName {
        /// The path as given.
        path: PathBuf,
    },
    /// `host.json` must name the executable, and JSON can only hold UTF-8.
    #[error("the file name of `{}` is not valid UTF-8; rename the binary", path.display())]
    NonUtf8FileName {
        /// The executable's path.
        path: PathBuf,
    },
    /// A whole record frame holds JSON this version cannot read.
    #[error("cannot read the azfn function records in `{}`", path.display())]
    BadRecords {
        /// The executable's path.
        path: PathBuf,
        /// What the decoder found.
        source: MetadataError,
    },
    /// The executable holds no function record at all.
    #[error("no azfn functions found in {}; is it built with azfn?", path.display())]
    NoFunctions {
        /// The executable's path.
        path: PathBuf,
    },
    /// Some function names would be refused by the Functions host or collide in the app folder.
    #[error("{}", list_problems(path, problems))]
    InvalidFunctions {
        /// The executable's path.
        path: PathBuf,
        /// Every problem found, in a stable order.
        problems: Vec<NameProblem>,
    },
    /// A folder of the app could not be created.
    #[error("cannot create the folder `{}`", path.display())]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The output folder could not be listed while looking for stale functions.
    #[error("cannot list the folder `{}`", path.display())]
    ReadDir {
        /// The folder.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A function folder from an earlier emit, whose function no longer exists, could not be
    /// removed.
    #[error("cannot remove the stale function folder `{}`", path.display())]
    RemoveStale {
        /// The folder.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A file of the app could not be written.
    #[error("cannot write `{}`", path.display())]
    WriteFile {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The existing `local.settings.json` could not be read.
    #[error("cannot read `{}`", path.display())]
    ReadLocalSettings {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The existing `local.settings.json` is not JSON; it holds the user's values, so it is
    /// never replaced.
    #[error("`{}` is not valid JSON; fix it, or delete it to get a fresh one", path.display())]
    LocalSettingsNotJson {
        /// The file.
        path: PathBuf,
        /// The parser's error.
        source: serde_json::Error,
    },
    /// The existing `local.settings.json` is JSON but not shaped like one.
    #[error("`{}` is not a local settings file: {reason}; fix it, or delete it to get a fresh one", path.display())]
    LocalSettingsNotObject {
        /// The file.
        path: PathBuf,
        /// Which part has the wrong shape.
        reason: &'static str,
    },
}

fn list_problems(path: &std::path::Path, problems: &[NameProblem]) -> String {
    use fmt::Write as _;
    let count = match problems.len() {
        1 => "1 problem".to_owned(),
        n => format!("{n} problems"),
    };
    let mut out = format!("{count} with the functions in {}:", path.display());
    for problem in problems {
        let _ = write!(out, "\n  - {problem}");
    }
    out
}

/// One reason why a set of function names cannot be emitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    /// The Functions host only loads functions whose name matches its pattern.
    #[error(
        "function name `{name}` ({location}) is not valid in Azure Functions: {reason}; \
         rename the function or give its trigger attribute another `name`"
    )]
    InvalidName {
        /// The name as recorded.
        name: String,
        /// Where the function is defined.
        location: SourceLocation,
        /// Which part of the rule the name breaks.
        reason: String,
    },
    /// Azure function names are case-insensitive, so these names denote one function.
    #[error("{}", describe_duplicates(functions))]
    DuplicateName {
        /// Every function of the group (at least two), sorted by name, then location.
        functions: Vec<(String, SourceLocation)>,
    },
    /// The function folder would have the same name as the executable copied beside it.
    #[error(
        "function `{name}` ({location}) needs a folder with the same name as the executable \
         `{executable}` in the app folder; rename the function or the binary"
    )]
    ClashesWithExecutable {
        /// The function name.
        name: String,
        /// Where the function is defined.
        location: SourceLocation,
        /// The executable's file name in the app folder.
        executable: String,
    },
}

fn describe_duplicates(functions: &[(String, SourceLocation)]) -> String {
    let name = functions.first().map_or("", |(name, _)| name.as_str());
    let places = functions
        .iter()
        .map(|(name, location)| format!("`{name}` at {location}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "function name `{name}` is used by {} functions, and Azure function names are unique \
         regardless of case: {places}; give each function a distinct name",
        functions.len()
    )
}

/// Why [`build`](crate::build()) failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// `cargo build` could not be started.
    #[error("cannot run `cargo build`")]
    SpawnCargo {
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// Cargo's JSON messages could not be read.
    #[error("cannot read the output of `cargo build`")]
    ReadCargoOutput {
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// `cargo build` ran and failed; cargo has already shown why on stderr.
    #[error("`cargo build` failed ({status}); see its errors above")]
    CargoFailed {
        /// Cargo's exit status.
        status: ExitStatus,
    },
    /// `cargo metadata` failed while looking for the target directory.
    #[error(
        "cannot find the target directory with `cargo metadata`; pass `--target-dir` or `--out`"
    )]
    Metadata {
        /// What `cargo metadata` reported.
        source: cargo_metadata::Error,
    },
    /// `--bin` named a binary that cargo did not build.
    #[error(
        "cargo did not build a binary named `{bin}` (it built: {}); check the `--bin` name",
        list_names(built)
    )]
    BinNotBuilt {
        /// The name passed with `--bin`.
        bin: String,
        /// The binaries cargo did build.
        built: Vec<String>,
    },
    /// No built binary carries azfn functions.
    #[error(
        "{}; an app needs a binary that depends on azfn and has at least one function with a \
         trigger attribute such as `#[azfn::http_trigger]`",
        describe_no_app(built)
    )]
    NoApp {
        /// The binaries cargo built (possibly none).
        built: Vec<String>,
    },
    /// `--out` names one folder but several binaries carry functions.
    #[error(
        "`--out` takes exactly one app, but {} binaries contain azfn functions ({}); \
         choose one with `--bin NAME`",
        apps.len(),
        list_names(apps)
    )]
    OutWithSeveralApps {
        /// The binaries that carry functions.
        apps: Vec<String>,
    },
    /// Emitting the app folder of one binary failed.
    #[error("cannot emit the app for binary `{bin}`")]
    Emit {
        /// The binary's name.
        bin: String,
        /// Why emitting failed.
        source: EmitError,
    },
}

fn list_names(names: &[String]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe_no_app(built: &[String]) -> String {
    if built.is_empty() {
        "cargo built no binary".to_owned()
    } else {
        format!(
            "none of the binaries cargo built ({}) contains azfn functions",
            list_names(built)
        )
    }
}

/// Why a `cargo azfn` command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// `cargo azfn build` failed.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// `cargo azfn emit` failed.
    #[error(transparent)]
    Emit(#[from] EmitError),
    /// `emit` was given no `--out` and the executable path gives no folder to derive one from.
    #[error("cannot derive an output folder from `{}`; pass `--out DIR`", path.display())]
    NoDefaultOut {
        /// The executable path as given.
        path: PathBuf,
    },
}
