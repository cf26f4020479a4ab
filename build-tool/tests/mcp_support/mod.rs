//! The official MCP Python SDK (`mcp` on PyPI) as the client of the MCP tests: installed by
//! `.ci/install-mcp-client` into a virtual environment, running `client.py` of this folder with
//! a URL and JSON steps; it prints JSON.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

/// The Python of a virtual environment with the official MCP SDK, installed if missing; a test
/// that cannot get one fails saying what to install.
pub(crate) fn mcp_python() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/install-mcp-client");
            let output = std::process::Command::new("bash")
                .arg(&script)
                .stdin(std::process::Stdio::null())
                .stderr(std::process::Stdio::inherit())
                .output()
                .expect("bash runs .ci/install-mcp-client");
            assert!(
                output.status.success(),
                "the MCP tests need the official MCP Python SDK: install Python 3 with venv and \
                 pip, then run .ci/install-mcp-client (or set MCP_PYTHON to a python that has \
                 `mcp` installed)"
            );
            PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())
        })
        .clone()
}

/// Runs `tests/mcp_support/client.py` against `url` with `steps`, returning what it printed.
pub(crate) async fn client(url: &str, steps: Value) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp_support/client.py");
    let output = tokio::process::Command::new(mcp_python())
        .arg(script)
        .arg(url)
        .arg(steps.to_string())
        .output()
        .await
        .expect("the client runs");
    assert!(
        output.status.success(),
        "the MCP client failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the client prints JSON")
}
