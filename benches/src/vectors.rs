//! The contract vectors (`fixtures/contract-vectors/`), and the body the host sends for one.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use serde_json::Value;

use crate::error::BenchError;

/// The workspace root (this package's parent directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benches/ is inside the workspace")
        .to_path_buf()
}

/// The vectors folder, inside the repository: `fixtures/contract-vectors/` at the workspace
/// root (described in `CONTRACT.md`).
pub fn vectors_dir() -> PathBuf {
    workspace_root().join("fixtures").join("contract-vectors")
}

/// Reads and parses one vector file.
pub fn read_vector(name: &str) -> Result<Value, BenchError> {
    let path = vectors_dir().join(name);
    let text = std::fs::read(&path).map_err(|source| BenchError::Read {
        path: path.clone(),
        source,
    })?;
    serde_json::from_slice(&text).map_err(|source| BenchError::Vector { path, source })
}

/// The body the host POSTs for a request vector: the same document as compact JSON, since the
/// vector files are pretty-printed for reading and the host sends no whitespace (§2.1).
pub fn host_body(name: &str) -> Result<Bytes, BenchError> {
    let value = read_vector(name)?;
    Ok(Bytes::from(
        serde_json::to_vec(&value).expect("a JSON value serializes"),
    ))
}

/// The `order` invocation: `http-trigger.request.json`, posted to `/order`.
pub const ORDER_VECTOR: &str = "http-trigger.request.json";

/// Every vector file name, sorted: `*.request.json` and `*.response.json`.
pub fn all_vectors() -> Result<Vec<String>, BenchError> {
    let dir = vectors_dir();
    let entries = std::fs::read_dir(&dir).map_err(|source| BenchError::Read {
        path: dir.clone(),
        source,
    })?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".request.json") || n.ends_with(".response.json"))
        .collect();
    names.sort();
    Ok(names)
}
