//! The other custom handlers azfn is compared with, written as the Azure Functions
//! custom-handler documentation writes its samples and doing the baseline's work:
//!
//! * **go** (`benches/handlers/go/main.go`): net/http and encoding/json, built
//!   with `go build` into `target/azfn-bench/go/`. Go comes from Debian's `golang-go`, installed
//!   with apt-get when `go` is missing (by the quick run too, so the smoke test measures it).
//! * **node** (`benches/handlers/node/server.js`): Express on Node.js, its
//!   version pinned in `package.json`, installed with `npm install` into `target/azfn-bench/node/`
//!   (only when missing), started as `node server.js` from that folder. Node.js and npm are not
//!   installed by the suite; without them the notes say to install them.
//!
//! When one cannot be had (no toolchain, no registry), the suite measures the others and says
//! why, and what to install, in the table's notes; the smoke test fails on such a note.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::process::HandlerApp;
use crate::tools;
use crate::vectors::workspace_root;

/// A handler ready to be spawned, and what the notes say about it.
#[derive(Debug)]
pub struct Prepared {
    /// The app to spawn.
    pub app: HandlerApp,
    /// Its executable, when it is one of its own (Go's; Node's is the `node` interpreter).
    pub executable: Option<PathBuf>,
    /// How it was made, for the notes.
    pub description: String,
}

/// The handler's sources in the repository.
fn sources(name: &str) -> PathBuf {
    workspace_root().join("benches").join("handlers").join(name)
}

/// Builds the Go handler into `work_root/go/`, installing Go first when it is missing.
pub fn prepare_go(work_root: &Path) -> Result<Prepared, String> {
    let go = match tools::find_program("go") {
        Some(go) => go,
        None => {
            eprintln!(
                "azfn-bench: go is not installed; installing it (apt-get install -y golang-go)"
            );
            tools::apt_install("golang-go").map_err(|e| {
                format!(
                    "`go` is not installed and installing it failed: {e}; install Go \
                     (Debian and Ubuntu: `apt-get install golang-go`)"
                )
            })?;
            tools::find_program("go")
                .ok_or("apt-get installed golang-go but there is no `go` on PATH")?
        }
    };
    let app_root = work_root.join("go");
    std::fs::create_dir_all(&app_root)
        .map_err(|e| format!("creating {}: {e}", app_root.display()))?;
    let executable = app_root.join("orders");
    eprintln!("azfn-bench: building benches/handlers/go with go build");
    let mut command = Command::new(&go);
    command
        .current_dir(sources("go"))
        .args(["build", "-trimpath", "-o"])
        .arg(&executable)
        .arg(".")
        // A static executable, as Go handlers are deployed; no VCS stamp (no git needed); the
        // toolchain that is installed, never one downloaded.
        .env("CGO_ENABLED", "0")
        .env("GOFLAGS", "-buildvcs=false")
        .env("GOTOOLCHAIN", "local");
    // Go keeps its build cache and module path under HOME; without one, under target/.
    if std::env::var_os("HOME").is_none() {
        for (variable, folder) in [("GOCACHE", "go-cache"), ("GOPATH", "go-path")] {
            if std::env::var_os(variable).is_none() {
                command.env(variable, work_root.join(folder));
            }
        }
    }
    tools::run_quiet(&mut command, "go build")?;
    let version =
        tools::first_line(&go, &["version"]).unwrap_or_else(|| "go (unknown version)".into());
    Ok(Prepared {
        app: HandlerApp {
            name: "go".into(),
            executable: executable.clone(),
            args: Vec::new(),
            app_root,
        },
        executable: Some(executable),
        description: format!("go: benches/handlers/go (net/http, encoding/json), {version}"),
    })
}

/// What to do when `node` or `npm` is missing.
const INSTALL_NODE: &str = "`node` or `npm` is not on PATH: install Node.js and npm (Debian and \
     Ubuntu: `apt-get install nodejs npm`)";

/// Puts the Node handler in `work_root/node/` with Express installed beside it.
pub fn prepare_node(work_root: &Path) -> Result<Prepared, String> {
    let node = tools::find_program("node").ok_or(INSTALL_NODE)?;
    let app_root = work_root.join("node");
    std::fs::create_dir_all(&app_root)
        .map_err(|e| format!("creating {}: {e}", app_root.display()))?;
    for file in ["server.js", "package.json"] {
        std::fs::copy(sources("node").join(file), app_root.join(file))
            .map_err(|e| format!("copying benches/handlers/node/{file}: {e}"))?;
    }
    let wanted = express_version(&app_root.join("package.json"))?;
    let installed_path = app_root.join("node_modules/express/package.json");
    if express_version_installed(&installed_path).as_deref() != Some(wanted.as_str()) {
        let npm = tools::find_program("npm").ok_or(INSTALL_NODE)?;
        eprintln!(
            "azfn-bench: installing Express {wanted} for benches/handlers/node (npm install)"
        );
        tools::run_quiet(
            Command::new(npm).current_dir(&app_root).args([
                "install",
                "--omit=dev",
                "--no-package-lock",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
            ]),
            "npm install",
        )
        .map_err(|e| format!("installing Express failed: {e}"))?;
        if express_version_installed(&installed_path).as_deref() != Some(wanted.as_str()) {
            return Err(format!("npm install did not install Express {wanted}"));
        }
    }
    let version = tools::first_line(&node, &["--version"]).unwrap_or_else(|| "unknown".into());
    Ok(Prepared {
        app: HandlerApp {
            name: "node".into(),
            executable: node,
            args: vec!["server.js".into()],
            app_root,
        },
        executable: None,
        description: format!("node: benches/handlers/node (Express {wanted}) on Node.js {version}"),
    })
}

/// The Express version `package.json` pins.
fn express_version(package_json: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(package_json)
        .map_err(|e| format!("reading {}: {e}", package_json.display()))?;
    let value: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not JSON: {e}", package_json.display()))?;
    value
        .pointer("/dependencies/express")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("{} pins no Express version", package_json.display()))
}

/// The version of the Express installed at `package_json`, if any.
fn express_version_installed(package_json: &Path) -> Option<String> {
    let text = std::fs::read_to_string(package_json).ok()?;
    let value: Value = serde_json::from_str(&text).ok()?;
    value.get("version")?.as_str().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The version is pinned exactly, so every run measures the same Express.
    #[test]
    fn express_is_pinned_to_one_version() {
        let version = express_version(&sources("node").join("package.json")).unwrap();
        assert!(
            version.split('.').count() == 3
                && version.chars().all(|c| c.is_ascii_digit() || c == '.'),
            "{version}"
        );
    }
}
