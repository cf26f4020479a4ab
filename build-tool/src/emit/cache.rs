//! What the last emit into an app folder read from the executable, so that a no-op emit (the
//! usual case of `cargo azfn build` after `cargo build` changed nothing) does not read and
//! scan a binary of tens of megabytes again.
//!
//! The cache is trusted only while the executable is the very same file: same size,
//! modification time and, on Unix, inode and status-change time (which no tool can set back,
//! and which a rebuild, a copy or a `touch` all change). It lives in the app folder as
//! `.azfn-cache.json`; `.funcignore` and `cargo azfn pack` leave it out of deployments.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use azfn_spec::record::FunctionRecord;
use serde::{Deserialize, Serialize};

/// The cache file's name in the app folder.
pub(crate) const CACHE_FILE: &str = ".azfn-cache.json";

/// Which file the records were read from, as exactly as the file system tells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Stamp {
    len: u64,
    modified_ns: Option<u128>,
    inode: Option<u64>,
    changed_ns: Option<i128>,
}

impl Stamp {
    pub(super) fn of(meta: &fs::Metadata) -> Self {
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.as_nanos());
        #[cfg(unix)]
        let (inode, changed_ns) = {
            use std::os::unix::fs::MetadataExt as _;
            (
                Some(meta.ino()),
                Some(i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec())),
            )
        };
        #[cfg(not(unix))]
        let (inode, changed_ns) = (None, None);
        Self {
            len: meta.len(),
            modified_ns,
            inode,
            changed_ns,
        }
    }

    /// Whether the stamp says anything beyond the size: without a time there is no telling
    /// two builds of one size apart, and nothing is cached.
    fn is_trustworthy(&self) -> bool {
        self.modified_ns.is_some()
    }
}

/// The cache file's content.
#[derive(Debug, Serialize, Deserialize)]
struct Cache {
    /// The tool's version: another version may read records differently.
    tool: String,
    bin_path: PathBuf,
    stamp: Stamp,
    /// The executable's file name in the app folder.
    executable: String,
    records: Vec<FunctionRecord>,
}

/// What a valid cache gives back.
#[derive(Debug)]
pub(super) struct Cached {
    pub(super) executable: String,
    pub(super) records: Vec<FunctionRecord>,
}

/// The path a cache names the executable by: the same file however it is reached
/// (`target/debug/app` from the project, the absolute path cargo reports).
fn canonical(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

/// The records of `bin_path`, if `out_dir`'s cache is of this very file.
pub(super) fn read(out_dir: &Path, bin_path: &Path, stamp: &Stamp) -> Option<Cached> {
    if !stamp.is_trustworthy() {
        return None;
    }
    let bytes = fs::read(out_dir.join(CACHE_FILE)).ok()?;
    let cache: Cache = serde_json::from_slice(&bytes).ok()?;
    let valid = cache.tool == env!("CARGO_PKG_VERSION")
        && cache.bin_path == canonical(bin_path)
        && cache.stamp == *stamp
        && !cache.records.is_empty();
    valid.then_some(Cached {
        executable: cache.executable,
        records: cache.records,
    })
}

/// The cache file's content for these records; `None` when the stamp cannot be trusted, or
/// when there are no records: an app without functions (a self-hosted MCP server) is what the
/// executable's other contents say, which the cache does not hold.
pub(super) fn contents(
    bin_path: &Path,
    stamp: &Stamp,
    executable: &str,
    records: &[FunctionRecord],
) -> Option<Vec<u8>> {
    if !stamp.is_trustworthy() || records.is_empty() {
        return None;
    }
    let cache = Cache {
        tool: env!("CARGO_PKG_VERSION").to_owned(),
        bin_path: canonical(bin_path),
        stamp: stamp.clone(),
        executable: executable.to_owned(),
        records: records.to_vec(),
    };
    Some(serde_json::to_vec(&cache).expect("records always serialize"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_support::http_record;

    #[test]
    fn the_cache_holds_only_for_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("app");
        fs::write(&bin, b"one").unwrap();
        let stamp = Stamp::of(&fs::metadata(&bin).unwrap());
        let records = [http_record("hello")];
        let text = contents(&bin, &stamp, "app", &records).unwrap();
        fs::write(dir.path().join(CACHE_FILE), text).unwrap();

        let cached = read(dir.path(), &bin, &stamp).unwrap();
        assert_eq!(cached.records, records);
        assert_eq!(cached.executable, "app");
        assert!(read(dir.path(), Path::new("other"), &stamp).is_none());
        // The same file by another path is the same file.
        let dotted = dir.path().join(".").join("app");
        assert!(read(dir.path(), &dotted, &stamp).is_some());

        // Rewritten with the same size: a new modification (and change) time.
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&bin, b"two").unwrap();
        let new_stamp = Stamp::of(&fs::metadata(&bin).unwrap());
        assert_ne!(new_stamp, stamp);
        assert!(read(dir.path(), &bin, &new_stamp).is_none());
    }

    #[test]
    fn a_broken_cache_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("app");
        fs::write(&bin, b"one").unwrap();
        let stamp = Stamp::of(&fs::metadata(&bin).unwrap());
        fs::write(dir.path().join(CACHE_FILE), "{not json").unwrap();
        assert!(read(dir.path(), &bin, &stamp).is_none());
    }
}
