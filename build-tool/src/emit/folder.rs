//! File-system work inside the app folder: replacing files without leaving half-written ones,
//! leaving files that are already right untouched (so a no-op emit is a few reads, and tools
//! watching the folder see no change), and clearing out functions that no longer exist.

use std::borrow::Cow;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

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

/// Writes `contents` to `path` unless the file already holds exactly these bytes; returns
/// whether it wrote.
pub(super) fn write_if_changed(path: &Path, contents: &[u8]) -> Result<bool, EmitError> {
    if fs::read(path).is_ok_and(|old| old == contents) {
        return Ok(false);
    }
    write_file(path, contents, false, None)?;
    Ok(true)
}

/// Copies the executable to `path` unless the copy there is current; returns whether it
/// wrote. `contents` gives the bytes, and is only called when a copy is needed. The copy
/// takes the source's modification time, so "current" is what cargo itself uses for
/// freshness: the same size and modification time (plus mode 0755 on Unix), without reading
/// megabytes back to compare them.
pub(super) fn copy_executable<'a>(
    path: &Path,
    source_len: u64,
    source_modified: Option<SystemTime>,
    contents: impl FnOnce() -> Result<Cow<'a, [u8]>, EmitError>,
) -> Result<bool, EmitError> {
    if let Some(modified) = source_modified
        && let Ok(meta) = fs::metadata(path)
        && meta.is_file()
        && meta.len() == source_len
        && meta.modified().is_ok_and(|m| m == modified)
        && is_executable(&meta)
    {
        return Ok(false);
    }
    write_file(path, &contents()?, true, source_modified)?;
    Ok(true)
}

#[cfg(unix)]
fn is_executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    meta.permissions().mode() & 0o777 == 0o755
}

#[cfg(not(unix))]
fn is_executable(_meta: &fs::Metadata) -> bool {
    true
}

/// Replaces `path` with `contents`. The bytes go to a temporary file beside it that is then
/// renamed over `path`, so a reader (or a `func start` watching the folder) never sees a
/// half-written file, and an emit into the folder the executable itself lives in cannot
/// truncate its own source.
pub(super) fn write_file(
    path: &Path,
    contents: &[u8],
    executable: bool,
    modified: Option<SystemTime>,
) -> Result<(), EmitError> {
    let error = |source| EmitError::WriteFile {
        path: path.to_owned(),
        source,
    };
    let tmp = temp_path(path);
    let result = write_then_rename(&tmp, path, contents, executable, modified);
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
    modified: Option<SystemTime>,
) -> std::io::Result<()> {
    let mut file = fs::File::create(tmp)?;
    file.write_all(contents)?;
    if executable {
        make_executable(&file)?;
    }
    if let Some(modified) = modified {
        file.set_modified(modified)?;
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

/// The file in the app folder that lists the function folders emit created, one name a line:
/// the only folders a later emit may clear out.
pub(crate) const OWNED_FOLDERS: &str = ".azfn-functions";

/// The function folders an earlier emit into `out_dir` created (none without its list).
pub(super) fn owned_folders(out_dir: &Path) -> Vec<String> {
    fs::read_to_string(out_dir.join(OWNED_FOLDERS))
        .map(|text| {
            text.lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The content of [`OWNED_FOLDERS`] for these function folders.
pub(super) fn owned_folders_contents(names: &[&str]) -> Vec<u8> {
    let mut text = String::new();
    for name in names {
        text.push_str(name);
        text.push('\n');
    }
    text.into_bytes()
}

/// What clearing out one stale function folder did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Removal {
    /// The folder held nothing but the `function.json` emit wrote, and is gone.
    Folder(PathBuf),
    /// The folder also holds files emit did not write: only its `function.json` went, so the
    /// host no longer loads a function from it, and the folder stays.
    FunctionJsonOnly(PathBuf),
}

/// Clears out the function folders that an earlier emit created (`owned`) and whose function no
/// longer exists (not named exactly after one of `current`). Nothing else in `out_dir` is
/// touched: a folder emit did not create, a symbolic link, or a file emit did not write is the
/// user's.
///
/// Names are compared exactly, so a function renamed only in case (`Hello` to `hello`) gets a
/// fresh folder even where the file system ignores case and would otherwise keep the old name.
pub(super) fn remove_stale_functions(
    out_dir: &Path,
    current: &[&str],
    owned: &[String],
) -> Result<Vec<Removal>, EmitError> {
    let mut removals = Vec::new();
    for name in owned {
        // A name with a separator did not come from emit, which writes plain function names.
        if current.contains(&name.as_str()) || name.contains(['/', '\\']) || name == ".." {
            continue;
        }
        let path = out_dir.join(name);
        // `symlink_metadata` does not follow links: a link to a folder elsewhere is not ours.
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        let function_json = path.join(FUNCTION_JSON);
        if !meta.is_dir() || !function_json.is_file() {
            continue;
        }
        let remove_error = |source| EmitError::RemoveStale {
            path: path.clone(),
            source,
        };
        fs::remove_file(&function_json).map_err(remove_error)?;
        let empty = fs::read_dir(&path).map_err(remove_error)?.next().is_none();
        if empty {
            fs::remove_dir(&path).map_err(remove_error)?;
            removals.push(Removal::Folder(path));
        } else {
            removals.push(Removal::FunctionJsonOnly(path));
        }
    }
    Ok(removals)
}

/// Refuses to write into `dir` when it is a symbolic link: the files would land outside the app
/// folder.
pub(super) fn refuse_symlink(dir: &Path) -> Result<(), EmitError> {
    match fs::symlink_metadata(dir) {
        Ok(meta) if meta.file_type().is_symlink() => Err(EmitError::SymlinkedFolder {
            path: dir.to_owned(),
        }),
        _ => Ok(()),
    }
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

        function_folder(root, "alone");
        let owned = ["keep".to_owned(), "gone".to_owned(), "alone".to_owned()];

        let removed = remove_stale_functions(root, &["keep", "new"], &owned).unwrap();

        assert_eq!(
            removed,
            [
                Removal::FunctionJsonOnly(root.join("gone")),
                Removal::Folder(root.join("alone"))
            ]
        );
        // The user's notes stay; only the function.json emit wrote is gone.
        assert!(root.join("gone").join("notes.txt").is_file());
        assert!(!root.join("gone").join(FUNCTION_JSON).exists());
        assert!(!root.join("alone").exists());
        assert!(root.join("keep").join(FUNCTION_JSON).is_file());
        assert!(root.join("assets").join("logo.png").is_file());
        assert!(root.join("README.md").is_file());
        assert!(root.join(FUNCTION_JSON).is_file());
    }

    /// Issue 15: a folder the user made (an `index.js` beside a `function.json`) was deleted.
    #[test]
    fn folders_emit_did_not_create_are_never_touched() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        function_folder(root, "HttpTrigger1");
        fs::write(root.join("HttpTrigger1").join("index.js"), "code").unwrap();
        let removed = remove_stale_functions(root, &["hello"], &[]).unwrap();
        assert!(removed.is_empty());
        assert!(root.join("HttpTrigger1").join("index.js").is_file());
        assert!(root.join("HttpTrigger1").join(FUNCTION_JSON).is_file());
    }

    #[test]
    fn a_folder_renamed_only_in_case_is_stale() {
        let dir = tempfile::tempdir().unwrap();
        function_folder(dir.path(), "Hello");
        let removed = remove_stale_functions(dir.path(), &["hello"], &["Hello".into()]).unwrap();
        assert_eq!(removed, [Removal::Folder(dir.path().join("Hello"))]);
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_folders_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        function_folder(elsewhere.path(), "theirs");
        std::os::unix::fs::symlink(elsewhere.path().join("theirs"), dir.path().join("link"))
            .unwrap();
        let owned = ["link".to_owned()];
        assert!(
            remove_stale_functions(dir.path(), &[], &owned)
                .unwrap()
                .is_empty()
        );
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
        write_file(&path, b"new", false, None).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["host.json"]);
    }

    #[test]
    fn unchanged_files_are_not_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("host.json");
        assert!(write_if_changed(&path, b"{}").unwrap());
        let before = fs::metadata(&path).unwrap().modified().unwrap();
        // Long enough for any file system's time stamps to tell two writes apart.
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(!write_if_changed(&path, b"{}").unwrap());
        assert_eq!(fs::metadata(&path).unwrap().modified().unwrap(), before);
        assert!(write_if_changed(&path, b"{ }").unwrap());
        assert_eq!(fs::read(&path).unwrap(), b"{ }");
    }

    #[test]
    fn the_executable_is_copied_only_when_size_time_or_mode_differ() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("source");
        fs::write(&source, b"\x7fELF v1").unwrap();
        let modified = fs::metadata(&source).unwrap().modified().unwrap();
        let target = dir.path().join("app");
        let copy = |bytes: &'static [u8], modified| {
            copy_executable(&target, bytes.len() as u64, modified, || {
                Ok(Cow::Borrowed(bytes))
            })
        };

        assert!(copy(b"\x7fELF v1", Some(modified)).unwrap());
        assert_eq!(fs::metadata(&target).unwrap().modified().unwrap(), modified);
        // A current copy is left alone without even asking for the bytes.
        assert!(
            !copy_executable(&target, 7, Some(modified), || panic!("bytes asked for")).unwrap()
        );
        // A rebuild changes the time even when the size stays.
        let later = modified + std::time::Duration::from_secs(1);
        assert!(copy(b"\x7fELF v2", Some(later)).unwrap());
        assert_eq!(fs::read(&target).unwrap(), b"\x7fELF v2");
        // Without a known source time there is nothing to compare: always copy.
        assert!(copy(b"\x7fELF v2", None).unwrap());
        // ...and that copy got the current time, so it is not current for `later` any more.
        assert!(copy(b"\x7fELF v2", Some(later)).unwrap());
        assert!(!copy(b"\x7fELF v2", Some(later)).unwrap());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).unwrap();
            assert!(copy(b"\x7fELF v2", Some(later)).unwrap());
            assert_eq!(
                fs::metadata(&target).unwrap().permissions().mode() & 0o777,
                0o755
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn executables_get_mode_755() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app");
        write_file(&path, b"\x7fELF", true, None).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o755);
    }
}
