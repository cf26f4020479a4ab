//! What can go wrong in `cargo azfn`: one enum per stage, each variant named after the
//! condition and worded so that the message alone says what to do next.

use std::fmt;
use std::path::PathBuf;
use std::process::ExitStatus;

use azfn_spec::record::{RecordError, SourceLocation};

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
        source: RecordError,
    },
    /// The executable holds no function record at all.
    #[error("no azfn functions found in {}; is it built with azfn?", path.display())]
    NoFunctions {
        /// The executable's path.
        path: PathBuf,
    },
    /// The executable serves a self-hosted MCP server and has functions too: the host's
    /// `mcp-custom-handler` profile makes the app's only function itself and refuses
    /// `function.json` functions beside it ([`azfn_spec::profile`]).
    #[error(
        "`{}` serves a self-hosted MCP server (`App::mcp_server`) and has {count} function(s) \
         ({names}): the Functions host runs a self-hosted server only in an app without \
         functions; move the functions to another app, or serve them as MCP tools",
        path.display()
    )]
    SelfHostedWithFunctions {
        /// The executable's path.
        path: PathBuf,
        /// How many functions it has.
        count: usize,
        /// Their names, comma-separated.
        names: String,
    },
    /// Some functions would be refused by the Functions host, collide in the app folder, or
    /// could not be told apart by their HTTP routes.
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
    /// A function folder in the app folder is a symbolic link: writing through it would put
    /// files outside the app folder.
    #[error(
        "`{}` is a symbolic link; emit writes function folders only inside the app folder (remove the link)",
        path.display()
    )]
    SymlinkedFolder {
        /// The link.
        path: PathBuf,
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
    /// An existing `.gitignore` or `.funcignore` in the app folder could not be read.
    #[error("cannot read `{}`", path.display())]
    ReadIgnoreFile {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The project's `host.json` settings cannot be merged.
    #[error(transparent)]
    Config(#[from] ConfigError),
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

/// One reason why a set of functions cannot be emitted: a name the host refuses, or two
/// functions the host could not tell apart.
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
    /// Functions that register one MCP tool, prompt or resource name, which the MCP extension
    /// compares ignoring case and refuses twice at start.
    #[error("{}", describe_mcp_duplicates(kind, registered, functions))]
    DuplicateMcpRegistration {
        /// `tool`, `prompt` or `resource`.
        kind: &'static str,
        /// The name (or resource URI) as the first function of the group registers it.
        registered: String,
        /// Every function of the group (at least two): function name and location.
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
    /// The `route` of an HTTP function is not a route template the host can load.
    #[error(
        "function `{name}` ({location}) has the route `{route}`, which is not a valid route \
         template: {reason}; fix the `route` of its `#[http_trigger]`"
    )]
    InvalidRoute {
        /// The function name.
        name: String,
        /// Where the function is defined.
        location: SourceLocation,
        /// The route as written.
        route: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two or more HTTP functions answer the same method on the same route, so the host cannot
    /// tell which one a request is for.
    #[error("{}", describe_route_clash(path, methods, functions))]
    RouteClash {
        /// The route with its prefix, parameters shown as written by the first function.
        path: String,
        /// The methods they share, upper case; empty when both accept every method.
        methods: Vec<String>,
        /// The functions, sorted by name, with where each is defined.
        functions: Vec<(String, SourceLocation)>,
    },
    /// An HTTP function's route is the path the host uses for something else: `POST /{name}`
    /// invokes the function `name`, and `GET /` is the readiness probe. A request forwarded on
    /// such a path would reach the wrong code.
    #[error(
        "function `{name}` ({location}) serves {method} {path}, which is {taken}; give it a \
         `route` that differs from every function name, or keep a route prefix (the host's \
         default is `api`, set as `extensions.http.routePrefix` in host.json)"
    )]
    RouteShadowsHost {
        /// The HTTP function.
        name: String,
        /// Where the HTTP function is defined.
        location: SourceLocation,
        /// The method it shares with the host's use of the path.
        method: &'static str,
        /// The path, with the route prefix.
        path: String,
        /// What the host uses the path for.
        taken: String,
    },
}

fn describe_route_clash(
    path: &str,
    methods: &[String],
    functions: &[(String, SourceLocation)],
) -> String {
    let who = functions
        .iter()
        .map(|(name, location)| format!("`{name}` ({location})"))
        .collect::<Vec<_>>();
    let (who, all) = match who.as_slice() {
        [one, two] => (format!("{one} and {two}"), "both"),
        _ => (who.join(", "), "all"),
    };
    let methods = if methods.is_empty() {
        "every method".to_owned()
    } else {
        methods.join(", ")
    };
    format!(
        "functions {who} {all} answer {methods} on {path}, so the host cannot tell which one a \
         request is for; give one of them another `route`, or `methods` that do not overlap"
    )
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

fn describe_mcp_duplicates(
    kind: &str,
    registered: &str,
    functions: &[(String, SourceLocation)],
) -> String {
    let places = functions
        .iter()
        .map(|(name, location)| format!("`{name}` at {location}"))
        .collect::<Vec<_>>()
        .join(", ");
    let what = if kind == "resource" { "URI" } else { "name" };
    format!(
        "MCP {kind} {what} `{registered}` is registered by {} functions ({places}), and the MCP \
         extension refuses a second {kind} with the same {what}, ignoring case, when the app \
         starts; give each a distinct {what}",
        functions.len()
    )
}

/// Why [`build`](crate::build()) failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// `--target` cannot be built here.
    #[error(transparent)]
    Target(#[from] crate::target::TargetError),
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
        "cannot read the project with `cargo metadata`, which gives the target directory and \
         each package's `[package.metadata.azfn]`"
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
    /// The settings of the package that builds `bin` could not be read.
    #[error("cannot read the app settings for binary `{bin}`")]
    Config {
        /// The binary's name.
        bin: String,
        /// Why the settings could not be read.
        source: ConfigError,
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
    /// `pack` was given no `--output` and the app folder's path gives no file name to derive
    /// one from.
    #[error("cannot derive a zip file name from `{}`; pass `--output FILE`", dir.display())]
    NoDefaultZip {
        /// The app folder as given.
        dir: PathBuf,
    },
    /// The project settings given with `--manifest-path` could not be read.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// `cargo azfn pack` failed.
    #[error(transparent)]
    Pack(#[from] PackError),
    /// `cargo azfn new` failed.
    #[error(transparent)]
    New(#[from] NewError),
    /// `cargo azfn start` or `cargo azfn invoke` failed.
    #[error(transparent)]
    Start(#[from] azfn_host::start::StartError),
    /// `--output` names one zip file but several apps were built.
    #[error(
        "`--output` takes exactly one app, but {} apps were built ({}); choose one with `--bin NAME`",
        apps.len(),
        list_names(apps)
    )]
    OutputWithSeveralApps {
        /// The app folders' names.
        apps: Vec<String>,
    },
    /// The function list could not be written to stdout.
    #[error("cannot write the function list to stdout")]
    WriteStdout {
        /// The underlying I/O error.
        source: std::io::Error,
    },
}

/// Where the user's `host.json` settings come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// A `host.json` file next to the package's `Cargo.toml`.
    File(PathBuf),
    /// The `[package.metadata.azfn.host]` table of this `Cargo.toml`.
    ManifestTable(PathBuf),
}

impl fmt::Display for ConfigSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path) => write!(f, "`{}`", path.display()),
            Self::ManifestTable(path) => {
                write!(f, "`[package.metadata.azfn.host]` in `{}`", path.display())
            }
        }
    }
}

/// Why the project's settings for the app (its `host.json`) cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `cargo metadata` failed while reading the package's settings.
    #[error("cannot read the package settings of `{}` with `cargo metadata`", manifest.display())]
    Metadata {
        /// The manifest given.
        manifest: PathBuf,
        /// What `cargo metadata` reported.
        source: cargo_metadata::Error,
    },
    /// `--manifest-path` names a virtual workspace manifest or a file cargo did not list.
    #[error(
        "`{}` is not the manifest of a package; pass the `Cargo.toml` of the package that \
         builds the handler",
        manifest.display()
    )]
    NotAPackage {
        /// The manifest given.
        manifest: PathBuf,
    },
    /// The user's `host.json` exists but cannot be read.
    #[error("cannot read `{}`", path.display())]
    ReadHostJson {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The user's `host.json` is not JSON.
    #[error("`{}` is not valid JSON; fix it, or remove it to use azfn's defaults", path.display())]
    HostJsonNotJson {
        /// The file.
        path: PathBuf,
        /// The parser's error.
        source: serde_json::Error,
    },
    /// Both a `host.json` file and a `[package.metadata.azfn.host]` table exist, and azfn will
    /// not guess which one is meant.
    #[error(
        "host.json settings are given twice, in `{}` and in `[package.metadata.azfn.host]` of \
         `{}`; keep one of them",
        file.display(),
        manifest.display()
    )]
    HostJsonTwice {
        /// The `host.json` file.
        file: PathBuf,
        /// The `Cargo.toml` with the table.
        manifest: PathBuf,
    },
    /// A part of the user's settings does not have the shape the host expects.
    #[error("{key} in {origin} must be {expected}; fix it there")]
    HostJsonShape {
        /// Where the settings come from.
        origin: ConfigSource,
        /// The key, as a dotted path in backticks.
        key: String,
        /// What the key should hold.
        expected: &'static str,
    },
}

/// Why `cargo azfn pack` could not write the zip.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// The handler needs a newer glibc than the oldest Functions Linux image has.
    #[error(
        "`{}` would not start on every Azure Functions Linux worker: {too_new}; or pass \
         `--allow-newer-glibc` to pack it anyway",
        executable.display()
    )]
    GlibcTooNew {
        /// The handler.
        executable: PathBuf,
        /// What it needs and which image lacks it.
        too_new: crate::handler_binary::GlibcTooNew,
    },
    /// The handler is a Linux executable for a CPU no Functions Linux worker has.
    #[error(
        "`{}` is a Linux executable for {arch}, but the Azure Functions Linux workers are {}; \
         build it with `--target linux`",
        executable.display(),
        crate::workers::WORKER_ARCH
    )]
    WrongArch {
        /// The handler.
        executable: PathBuf,
        /// Its CPU.
        arch: &'static str,
    },
    /// The handler is a macOS executable, which no Functions worker runs.
    #[error(
        "`{}` is a macOS executable, which no Azure Functions worker runs; build it for Linux \
         with `--target linux`",
        executable.display()
    )]
    MacOsHandler {
        /// The handler.
        executable: PathBuf,
    },

    /// The folder has no readable `host.json` naming the handler.
    #[error(
        "`{}` is not an app folder: {reason}; run `cargo azfn build` to write one",
        dir.display()
    )]
    NotAnApp {
        /// The folder.
        dir: PathBuf,
        /// What is missing.
        reason: String,
    },
    /// A file or folder of the app could not be read.
    #[error("cannot read `{}`", path.display())]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// `.funcignore` leaves out a file the app cannot run without.
    #[error(
        "`{}` leaves out `{file}`, which the app cannot run without; remove the pattern \
         that matches it",
        funcignore.display()
    )]
    IgnoresRequired {
        /// The `.funcignore` file.
        funcignore: PathBuf,
        /// The required file.
        file: String,
    },
    /// The zip file could not be written.
    #[error("cannot write `{}`", path.display())]
    Write {
        /// The zip file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Why `cargo azfn new` could not create the project.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    /// The destination already exists.
    #[error(
        "destination `{}` already exists; choose another path, or delete it first",
        path.display()
    )]
    Exists {
        /// The destination.
        path: PathBuf,
    },
    /// The name is not a valid package name.
    #[error("`{name}` cannot be a package name: {reason}; choose another with `--name`")]
    InvalidName {
        /// The name.
        name: String,
        /// Which rule it breaks.
        reason: String,
    },
    /// No name was given and the path does not end in one.
    #[error("cannot take a package name from `{}`; pass `--name NAME`", path.display())]
    NoName {
        /// The path as given.
        path: PathBuf,
    },
    /// A file of the new project could not be written.
    #[error("cannot write `{}`", path.display())]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
}

/// Something worth telling the user that does not stop the command: printed as
/// `warning: ...` on stderr, the way cargo prints its warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning(pub String);

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
