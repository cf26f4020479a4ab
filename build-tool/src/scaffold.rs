//! `cargo azfn new`: a new app that builds, emits and passes its own test as generated.
//!
//! ```no_run
//! use cargo_azfn::scaffold::{NewOptions, Template, new_project};
//!
//! let report = new_project(&NewOptions {
//!     path: "hello-app".into(),
//!     name: None,
//!     template: Template::Http,
//! })?;
//! println!("created {} in {}", report.name, report.dir.display());
//! # Ok::<(), cargo_azfn::error::NewError>(())
//! ```

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::NewError;

/// What the new app's function is triggered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Template {
    /// An HTTP function: `GET /api/hello?name=...`
    #[default]
    Http,
    /// A Storage queue function that writes to another queue
    Queue,
    /// A timer function that runs every five minutes
    Timer,
    /// A Blob storage function that copies each new blob
    Blob,
    /// A self-hosted MCP server written with rmcp (two tools), for the host's
    /// `mcp-custom-handler` profile
    Mcp,
}

impl Template {
    /// The template's name, as given to `--template`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Queue => "queue",
            Self::Timer => "timer",
            Self::Blob => "blob",
            Self::Mcp => "mcp",
        }
    }

    /// The `src/main.rs` of the new app.
    fn main_rs(self, name: &str) -> String {
        let body = match self {
            Self::Http => HTTP_MAIN,
            Self::Queue => QUEUE_MAIN,
            Self::Timer => TIMER_MAIN,
            Self::Blob => BLOB_MAIN,
            Self::Mcp => MCP_MAIN,
        };
        format!(
            "//! {name}: an Azure Functions app written with azfn.\n//!\n\
             //! `cargo azfn start` builds it and runs it locally as the Functions host would;\n\
             //! `cargo azfn pack --target linux` makes the zip to deploy (a release build).\n\n{body}"
        )
    }

    /// Whether the template's code uses serde.
    fn uses_serde(self) -> bool {
        matches!(self, Self::Http | Self::Mcp)
    }

    /// The features of azfn the template's code uses.
    fn azfn_features(self) -> &'static [&'static str] {
        match self {
            Self::Mcp => &["mcp-server"],
            _ => &[],
        }
    }
}

/// The rmcp version requirement of the MCP template: the one azfn's `mcp-server` feature is
/// built against (the workspace's `rmcp`, checked by a test), so both name one crate.
const RMCP_REQUIREMENT: &str = "3.11";

const MCP_MAIN: &str = r#"use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{ServerCapabilities, ServerConfig};
use rmcp::{ServerHandler, schemars, tool, tool_handler, tool_router};
use serde::Deserialize;

/// What `add` takes. The doc comments become the tool's input schema descriptions.
#[derive(Deserialize, schemars::JsonSchema)]
struct AddRequest {
    /// The first addend.
    a: i64,
    /// The second addend.
    b: i64,
}

/// What `divide` takes.
#[derive(Deserialize, schemars::JsonSchema)]
struct DivideRequest {
    /// The number to divide.
    dividend: f64,
    /// The number to divide by; not zero.
    divisor: f64,
}

/// The app's MCP server. The Functions host proxies `/mcp` to it (the `mcp-custom-handler`
/// profile `cargo azfn build` writes into host.json); each request gets a fresh one.
#[derive(Clone)]
struct Calculator;

#[tool_router]
impl Calculator {
    /// An `Err` is a tool error the client reads (`isError`), not a failed request.
    #[tool(description = "Adds two integers")]
    fn add(
        &self,
        Parameters(AddRequest { a, b }): Parameters<AddRequest>,
    ) -> Result<String, String> {
        a.checked_add(b)
            .map(|sum| sum.to_string())
            .ok_or_else(|| format!("{a} + {b} does not fit in 64 bits"))
    }

    #[tool(description = "Divides one number by another")]
    fn divide(
        &self,
        Parameters(DivideRequest { dividend, divisor }): Parameters<DivideRequest>,
    ) -> Result<String, String> {
        if divisor == 0.0 {
            return Err("cannot divide by zero".to_owned());
        }
        Ok((dividend / divisor).to_string())
    }
}

#[tool_handler]
impl ServerHandler for Calculator {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_instructions("A calculator: add integers, divide numbers.")
    }
}

fn main() {
    azfn::App::new().mcp_server(|| Ok(Calculator)).run();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_lists_both_tools() {
        let mut names: Vec<String> = Calculator::tool_router()
            .list_all()
            .into_iter()
            .map(|tool| tool.name.into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["add", "divide"]);
    }

    #[test]
    fn add_adds_and_refuses_an_overflow() {
        assert_eq!(
            Calculator.add(Parameters(AddRequest { a: 2, b: 3 })),
            Ok("5".to_owned())
        );
        assert!(
            Calculator
                .add(Parameters(AddRequest { a: i64::MAX, b: 1 }))
                .is_err()
        );
    }

    #[test]
    fn dividing_by_zero_is_a_tool_error() {
        let request = DivideRequest {
            dividend: 1.0,
            divisor: 0.0,
        };
        assert_eq!(
            Calculator.divide(Parameters(request)),
            Err("cannot divide by zero".to_owned())
        );
    }
}
"#;

const HTTP_MAIN: &str = r#"use azfn::http::Query;
use azfn::http_trigger;
use serde::Deserialize;

/// The query string `hello` reads.
#[derive(Deserialize)]
struct Greeting {
    name: Option<String>,
}

/// `GET /api/hello?name=Ferris` answers `Hello, Ferris!`.
#[http_trigger(methods = ["get"], auth_level = "anonymous")]
async fn hello(Query(greeting): Query<Greeting>) -> String {
    let name = greeting.name.as_deref().unwrap_or("world");
    format!("Hello, {name}!")
}

fn main() {
    azfn::run();
}

#[cfg(test)]
mod tests {
    use azfn::testing::TestClient;

    #[tokio::test]
    async fn hello_greets_by_name() {
        let client = TestClient::new();
        let response = client
            .http("hello")
            .get("/api/hello?name=Ferris")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.text(), "Hello, Ferris!");
    }
}
"#;

const QUEUE_MAIN: &str = r#"use azfn::{queue_output, queue_trigger};

/// Takes each message of the `orders-incoming` queue and puts it, upper-cased, on
/// `orders-processed`. Both queues are in the storage account of `AzureWebJobsStorage`.
#[queue_trigger(queue_name = "orders-incoming")]
#[queue_output(queue_name = "orders-processed")]
async fn process_order(order: String) -> String {
    order.to_uppercase()
}

fn main() {
    azfn::run();
}

#[cfg(test)]
mod tests {
    use azfn::testing::TestClient;

    #[tokio::test]
    async fn orders_are_passed_on_upper_cased() {
        let client = TestClient::new();
        let result = client
            .queue("process_order", "two red shirts")
            .send()
            .await
            .unwrap();
        assert_eq!(result.return_value().unwrap().text(), "TWO RED SHIRTS");
    }
}
"#;

const TIMER_MAIN: &str = r#"use azfn::{TimerInfo, queue_output, timer_trigger};

/// Every five minutes, puts a heartbeat on the `heartbeats` queue, saying whether this run
/// is late (the app was not running at the scheduled time).
#[timer_trigger(schedule = "0 */5 * * * *")]
#[queue_output(queue_name = "heartbeats")]
async fn heartbeat(timer: TimerInfo) -> String {
    if timer.is_past_due {
        "late".to_owned()
    } else {
        "on time".to_owned()
    }
}

fn main() {
    azfn::run();
}

#[cfg(test)]
mod tests {
    use azfn::testing::TestClient;

    #[tokio::test]
    async fn a_tick_on_schedule_sends_an_on_time_heartbeat() {
        let client = TestClient::new();
        let result = client.timer("heartbeat").send().await.unwrap();
        assert_eq!(result.return_value().unwrap().text(), "on time");
    }
}
"#;

const BLOB_MAIN: &str = r#"use azfn::{blob_output, blob_trigger};

/// Copies each new blob of the `uploads` container to `archive`, byte for byte. Both
/// containers are in the storage account of `AzureWebJobsStorage`.
#[blob_trigger(path = "uploads/{name}", data_type = "binary")]
#[blob_output(path = "archive/{name}")]
async fn archive_upload(content: Vec<u8>) -> Vec<u8> {
    content
}

fn main() {
    azfn::run();
}

#[cfg(test)]
mod tests {
    use azfn::testing::TestClient;

    #[tokio::test]
    async fn uploads_are_archived_unchanged() {
        let client = TestClient::new();
        let content = b"\x00\x01 not text \xff";
        let result = client
            .blob("archive_upload", "data.bin", content)
            .send()
            .await
            .unwrap();
        assert_eq!(result.return_value().unwrap().bytes(), content);
    }
}
"#;

/// The `host.json` settings the new app starts with: the file is merged into the emitted
/// `host.json`, so this is where the app's own host settings go.
const HOST_JSON: &str = r#"{
  "version": "2.0",
  "logging": {
    "logLevel": {
      "default": "Information"
    }
  }
}
"#;

/// `local.settings.json` holds the developer's connection strings: never committed.
const GITIGNORE: &str = "/target\nlocal.settings.json\n";

/// What to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOptions {
    /// The new project's folder; must not exist.
    pub path: PathBuf,
    /// The package name; by default the folder's name.
    pub name: Option<String>,
    /// What the app's function is triggered by.
    pub template: Template,
}

/// What [`new_project`] created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReport {
    /// The project folder.
    pub dir: PathBuf,
    /// The package name.
    pub name: String,
    /// Every file written, in the order written.
    pub files: Vec<PathBuf>,
}

/// Creates a new azfn app at `opts.path`.
///
/// The project depends on azfn by `path` when this tool was built from the azfn repository
/// and that checkout is still there (the published crate does not exist yet), and by version
/// otherwise.
pub fn new_project(opts: &NewOptions) -> Result<NewReport, NewError> {
    let name = match &opts.name {
        Some(name) => name.clone(),
        None => opts
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_owned)
            .ok_or_else(|| NewError::NoName {
                path: opts.path.clone(),
            })?,
    };
    check_package_name(&name)?;
    if opts.path.exists() {
        return Err(NewError::Exists {
            path: opts.path.clone(),
        });
    }

    let dir = &opts.path;
    let manifest = manifest(
        &name,
        opts.template,
        &azfn_dependency(opts.template.azfn_features()),
    );
    let files = [
        (PathBuf::from("Cargo.toml"), manifest),
        (
            Path::new("src").join("main.rs"),
            opts.template.main_rs(&name),
        ),
        (PathBuf::from("host.json"), HOST_JSON.to_owned()),
        (PathBuf::from(".gitignore"), GITIGNORE.to_owned()),
        // Beside Cargo.toml, out of `cargo clean`'s reach; emit copies it into the app folder.
        (
            PathBuf::from(crate::emit::ignore_files::LOCAL_SETTINGS),
            crate::emit::local_settings::default_file(),
        ),
    ];
    let mut written = Vec::new();
    for (relative, text) in files {
        let path = dir.join(relative);
        let parent = path.parent().expect("every file is inside the project");
        fs::create_dir_all(parent).map_err(|source| NewError::Write {
            path: parent.to_owned(),
            source,
        })?;
        fs::write(&path, text).map_err(|source| NewError::Write {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    Ok(NewReport {
        dir: dir.clone(),
        name,
        files: written,
    })
}

fn manifest(name: &str, template: Template, azfn: &str) -> String {
    let serde = if template.uses_serde() {
        "serde = { version = \"1\", features = [\"derive\"] }\n"
    } else {
        ""
    };
    let rmcp = if template == Template::Mcp {
        format!(
            "rmcp = {{ version = \"{RMCP_REQUIREMENT}\", features = [\"macros\", \"server\"] }}\n"
        )
    } else {
        String::new()
    };
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\n{azfn}\n{rmcp}{serde}\n\
         [dev-dependencies]\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n"
    )
}

/// The `azfn = ...` dependency line, with `features`.
fn azfn_dependency(features: &[&str]) -> String {
    let features = if features.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = features.iter().map(|f| format!("\"{f}\"")).collect();
        format!(", features = [{}]", quoted.join(", "))
    };
    // `CARGO_MANIFEST_DIR` is where this tool was compiled: inside the azfn repository,
    // `runtime/` is its sibling.
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    match fs::canonicalize(&runtime) {
        Ok(path) if path.join("Cargo.toml").is_file() => {
            format!(
                "azfn = {{ path = {}{features} }}",
                toml_string(&path.to_string_lossy())
            )
        }
        _ => {
            // The published crate, at the version of this tool.
            let version = env!("CARGO_PKG_VERSION");
            let major_minor: Vec<&str> = version.split('.').take(2).collect();
            format!(
                "azfn = {{ version = \"{}\"{features} }}",
                major_minor.join(".")
            )
        }
    }
}

/// A TOML string holding `text`: a literal string when possible, so Windows paths stay
/// readable.
fn toml_string(text: &str) -> String {
    if !text.contains('\'') && !text.contains('\n') {
        format!("'{text}'")
    } else {
        let escaped = text
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n");
        format!("\"{escaped}\"")
    }
}

/// Cargo's rules for a package name, and the names that would make the binary clash with
/// something.
fn check_package_name(name: &str) -> Result<(), NewError> {
    let invalid = |reason: String| {
        Err(NewError::InvalidName {
            name: name.to_owned(),
            reason,
        })
    };
    let Some(first) = name.chars().next() else {
        return invalid("it is empty".to_owned());
    };
    if first.is_ascii_digit() {
        return invalid("it starts with a digit".to_owned());
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return invalid(format!(
            "it contains {bad:?}, but only ASCII letters, digits, `-` and `_` are allowed"
        ));
    }
    const RESERVED: [&str; 8] = [
        "test",
        "core",
        "std",
        "alloc",
        "proc_macro",
        "self",
        "crate",
        "super",
    ];
    if RESERVED.contains(&name) || is_keyword(name) {
        return invalid("it is a Rust keyword or a name of the standard library".to_owned());
    }
    // The binary is copied into the app folder next to one folder per function: `host`
    // would be refused by the host anyway, and these file names are the app's own.
    if name.eq_ignore_ascii_case("host") {
        return invalid("`host` is reserved by the Functions host".to_owned());
    }
    Ok(())
}

fn is_keyword(name: &str) -> bool {
    const KEYWORDS: [&str; 38] = [
        "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern",
        "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
        "pub", "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use",
        "where", "while", "abstract", "gen", "try", "yield",
    ];
    KEYWORDS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 14 item 7: the settings file of a new project is next to its Cargo.toml, where
    /// `cargo clean` cannot delete it, and git ignores it.
    #[test]
    fn a_new_project_has_its_local_settings_next_to_cargo_toml_ignored_by_git() {
        let dir = tempfile::tempdir().unwrap();
        let report = new_project(&NewOptions {
            path: dir.path().join("hello"),
            name: None,
            template: Template::Queue,
        })
        .unwrap();
        let settings: serde_json::Value =
            serde_json::from_slice(&fs::read(report.dir.join("local.settings.json")).unwrap())
                .unwrap();
        assert_eq!(settings["Values"]["FUNCTIONS_WORKER_RUNTIME"], "custom");
        assert_eq!(
            settings["Values"]["AzureWebJobsStorage"],
            "UseDevelopmentStorage=true"
        );
        let gitignore = fs::read_to_string(report.dir.join(".gitignore")).unwrap();
        assert!(
            gitignore.lines().any(|l| l == "local.settings.json"),
            "{gitignore}"
        );
    }

    #[test]
    fn package_names_follow_cargos_rules() {
        for name in ["hello", "my-app", "app_2", "A"] {
            assert!(check_package_name(name).is_ok(), "{name}");
        }
        for (name, reason) in [
            ("", "empty"),
            ("2app", "starts with a digit"),
            ("my app", "contains ' '"),
            ("fn", "keyword"),
            ("test", "keyword"),
            ("Host", "reserved"),
        ] {
            let err = check_package_name(name).unwrap_err().to_string();
            assert!(err.contains(reason), "{name}: {err}");
            assert!(err.ends_with("choose another with `--name`"), "{err}");
        }
    }

    #[test]
    fn the_manifest_depends_on_azfn_and_tokio_for_tests() {
        let text = manifest("demo", Template::Http, "azfn = '/x/runtime'");
        assert!(text.starts_with("[package]\nname = \"demo\"\n"), "{text}");
        assert!(
            text.contains("[dependencies]\nazfn = '/x/runtime'\nserde = "),
            "{text}"
        );
        assert!(text.contains("[dev-dependencies]\ntokio = "), "{text}");
        assert!(!manifest("demo", Template::Queue, "azfn = \"0.1\"").contains("serde"));
    }

    #[test]
    fn built_in_the_repository_the_dependency_is_a_path() {
        let line = azfn_dependency(&[]);
        let runtime =
            fs::canonicalize(Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime")).unwrap();
        assert_eq!(line, format!("azfn = {{ path = '{}' }}", runtime.display()));
    }

    #[test]
    fn toml_strings_escape_what_they_must() {
        assert_eq!(toml_string(r"C:\src\azfn"), r"'C:\src\azfn'");
        assert_eq!(toml_string("it's"), "\"it's\"");
        assert_eq!(toml_string(r"a'\b"), r#""a'\\b""#);
    }

    #[test]
    fn every_template_names_itself_and_describes_the_app() {
        for template in [
            Template::Http,
            Template::Queue,
            Template::Timer,
            Template::Blob,
        ] {
            let main = template.main_rs("demo");
            assert!(
                main.starts_with("//! demo: an Azure Functions app"),
                "{main}"
            );
            assert!(main.contains("fn main() {\n    azfn::run();\n}"), "{main}");
            assert!(main.contains("#[tokio::test]"), "{main}");
        }
        assert_eq!(Template::Blob.name(), "blob");
    }

    #[test]
    fn the_mcp_template_serves_an_rmcp_server_with_azfns_feature_and_rmcp_version() {
        let main = Template::Mcp.main_rs("demo");
        assert!(
            main.starts_with("//! demo: an Azure Functions app"),
            "{main}"
        );
        assert!(main.contains(".mcp_server(|| Ok(Calculator))"), "{main}");
        let text = manifest("demo", Template::Mcp, &azfn_dependency(&["mcp-server"]));
        assert!(text.contains("features = [\"mcp-server\"] }\n"), "{text}");
        assert!(
            text.contains(&format!("rmcp = {{ version = \"{RMCP_REQUIREMENT}\"")),
            "{text}"
        );
        assert!(text.contains("serde = "), "{text}");
        // The workspace's rmcp, which azfn's feature is compiled against.
        let workspace =
            fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml"))
                .unwrap();
        assert!(
            workspace.contains(&format!("rmcp = {{ version = \"{RMCP_REQUIREMENT}\"")),
            "the workspace's rmcp is not {RMCP_REQUIREMENT}"
        );
        assert_eq!(Template::Mcp.name(), "mcp");
    }

    #[test]
    fn an_existing_destination_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = new_project(&NewOptions {
            path: dir.path().to_owned(),
            name: Some("app".to_owned()),
            template: Template::Http,
        })
        .unwrap_err();
        assert!(matches!(err, NewError::Exists { .. }), "{err:?}");
    }
}
