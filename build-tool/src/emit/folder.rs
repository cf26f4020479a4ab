//! File-system work inside the app folder: replacing files without leaving half-written ones,
//! and clearing out functions that no longer exist.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::error::EmitError;

/// The file that makes a folder a function folder for the host.
pub(super) const FUNCTION_JSON: &str = "function.json";

/// Creates `dir` and its parents.
pub(super) fn create_dir(dir: &Path) -> Result<(), EmitError> {
    fs::create_dir_all(dir).map_err(|source| EmitError::CreateDir {
        path: dir.to_owned(),
        source,
    })
}

/// Replaces `path` with `contents`. The bytes go to a temporary file beside it that is then
/// renamed over `path`, so a reader (or a `func start` watching the folder) never sees a
/// half-written file, and an emit into the folder the executable itself lives in cannot
/// truncate its own source.
pub(super) fn write_file(path: &Path, contents: &[u8], executable: bool) -> Result<(), EmitError> {
    let error = |source| EmitError::WriteFile {
        path: path.to_owned(),
        source,
    };
    let tmp = temp_path(path);
    let result = write_then_rename(&tmp, path, contents, executable);
    if result.is_err() {
        // Best effort: the temporary file is ours and useless once the rename has not happened.
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(error)
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The process id keeps two concurrent emits into one folder off each other's temp files.
    path.with_file_name(format!(".{name}.{}.azfn-tmp", std::process::id()))
}

fn write_then_rename(
    tmp: &Path,
    path: &Path,
    contents: &[u8],
    executable: bool,
) -> std::io::Result<()> {
    let mut file = fs::File::create(tmp)?;
    file.write_all(contents)?;
    if executable {
        make_executable(&file)?;
    }
    drop(file);
    fs::rename(tmp, path)
}

#[cfg(unix)]
fn make_executable(file: &fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    file.set_permissions(fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn make_executable(_file: &fs::File) -> std::io::Result<()> {
    // Other systems decide executability by file name (`.exe`), which the caller has set.
    Ok(())
}

/// Removes every direct subfolder of `out_dir` that holds a `function.json` and is not named
/// (exactly) after one of `current`; returns the removed folders. Everything else in `out_dir`
/// is left alone: it may be the user's.
///
/// Names are compared exactly, so a function renamed only in case (`Hello` to `hello`) gets a
/// fresh folder even where the file system ignores case and would otherwise keep the old name.
pub(super) fn remove_stale_functions(
    out_dir: &Path,
    current: &[&str],
) -> Result<Vec<PathBuf>, EmitError> {
    let list_error = |source| EmitError::ReadDir {
        path: out_dir.to_owned(),
        source,
    };
    let mut removed = Vec::new();
    for entry in fs::read_dir(out_dir).map_err(list_error)? {
        let entry = entry.map_err(list_error)?;
        // `DirEntry::file_type` does not follow symbolic links: a link to a folder elsewhere
        // is not ours to delete.
        let is_dir = entry.file_type().map_err(list_error)?.is_dir();
        let path = entry.path();
        if !is_dir || !path.join(FUNCTION_JSON).is_file() {
            continue;
        }
        let is_current = entry
            .file_name()
            .to_str()
            .is_some_and(|name| current.contains(&name));
        if !is_current {
            fs::remove_dir_all(&path).map_err(|source| EmitError::RemoveStale {
                path: path.clone(),
                source,
            })?;
            removed.push(path);
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn function_folder(root: &Path, name: &str) {
        fs::create_dir(root.join(name)).unwrap();
        fs::write(root.join(name).join(FUNCTION_JSON), "{}").unwrap();
    }

    #[test]
    fn removes_only_function_folders_of_functions_that_are_gone() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        function_folder(root, "keep");
        function_folder(root, "gone");
        fs::write(root.join("gone").join("notes.txt"), "x").unwrap();
        fs::create_dir(root.join("assets")).unwrap(); // no function.json: not a function
        fs::write(root.join("assets").join("logo.png"), "png").unwrap();
        fs::write(root.join("README.md"), "mine").unwrap();
        // A file called function.json at the top is not a function folder either.
        fs::write(root.join(FUNCTION_JSON), "{}").unwrap();

        let removed = remove_stale_functions(root, &["keep", "new"]).unwrap();

        assert_eq!(removed, [root.join("gone")]);
        assert!(!root.join("gone").exists());
        assert!(root.join("keep").join(FUNCTION_JSON).is_file());
        assert!(root.join("assets").join("logo.png").is_file());
        assert!(root.join("README.md").is_file());
        assert!(root.join(FUNCTION_JSON).is_file());
    }

    #[test]
    fn a_folder_renamed_only_in_case_is_stale() {
        let dir = tempfile::tempdir().unwrap();
        function_folder(dir.path(), "Hello");
        let removed = remove_stale_functions(dir.path(), &["hello"]).unwrap();
        assert_eq!(removed, [dir.path().join("Hello")]);
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_folders_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        function_folder(elsewhere.path(), "theirs");
        std::os::unix::fs::symlink(elsewhere.path().join("theirs"), dir.path().join("link"))
            .unwrap();
        assert!(remove_stale_functions(dir.path(), &[]).unwrap().is_empty());
        assert!(
            elsewhere
                .path()
                .join("theirs")
                .join(FUNCTION_JSON)
                .is_file()
        );
    }

    #[test]
    fn write_file_replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("host.json");
        fs::write(&path, "old").unwrap();
        write_file(&path, b"new", false).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["host.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn executables_get_mode_755() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app");
        write_file(&path, b"\x7fELF", true).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o755);
    }
}
