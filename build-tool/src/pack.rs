//! `cargo azfn pack`: the app folder as a zip, ready for zip deploy
//! (`az functionapp deployment source config-zip`) or `func azure functionapp publish
//! --no-build`.
//!
//! The handler is stored with mode 0755 and every other file with 0644: a Linux Function App
//! runs what the zip says, and a handler that lost its execute bit fails to start.
//! `local.settings.json` is always left out, and so is whatever the folder's `.funcignore`
//! lists, so the zip holds what `func azure functionapp publish` would upload. Entries are
//! sorted and carry a fixed time stamp, so the same folder always gives the same zip.
//!
//! ```no_run
//! use cargo_azfn::pack::{PackOptions, pack};
//!
//! let report = pack(&PackOptions {
//!     app_dir: "target/azfn/orders".into(),
//!     output: "target/azfn/orders.zip".into(),
//! })?;
//! println!("{} files in {}", report.files.len(), report.zip.display());
//! # Ok::<(), cargo_azfn::error::PackError>(())
//! ```

use std::fs;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::emit::ignore_files::{FUNCIGNORE, LOCAL_SETTINGS};
use crate::emit::{CACHE_FILE, OWNED_FOLDERS};
use crate::error::{PackError, Warning};
use crate::handler_binary::HandlerBinary;
use crate::ignore::IgnoreRules;

/// Mode of the handler in the zip.
const EXECUTABLE_MODE: u32 = 0o755;
/// Mode of every other file.
const FILE_MODE: u32 = 0o644;
/// Suffix of the temporary files the emit step writes before renaming them.
const TEMP_SUFFIX: &str = ".azfn-tmp";

/// What to pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackOptions {
    /// The app folder, as `cargo azfn build` writes it.
    pub app_dir: PathBuf,
    /// The zip file to write (replaced if it exists).
    pub output: PathBuf,
}

/// What [`pack`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackReport {
    /// The zip file.
    pub zip: PathBuf,
    /// The entries, `/`-separated paths relative to the app folder, in zip order.
    pub files: Vec<String>,
    /// The handler's entry (stored with mode 0755).
    pub executable: String,
    /// The zip's size in bytes.
    pub size: u64,
    /// Entries that were skipped and why.
    pub warnings: Vec<Warning>,
}

/// `<app_dir>.zip`: beside the folder, never inside it (where the next pack would include it).
pub fn default_output(app_dir: &Path) -> Option<PathBuf> {
    let name = app_dir.file_name()?;
    let mut zip = name.to_owned();
    zip.push(".zip");
    Some(app_dir.with_file_name(zip))
}

/// Zips the app folder `opts.app_dir` into `opts.output`.
pub fn pack(opts: &PackOptions) -> Result<PackReport, PackError> {
    let app_dir = &opts.app_dir;
    let executable = handler_path(app_dir)?;
    let funcignore_path = app_dir.join(FUNCIGNORE);
    let rules = match fs::read_to_string(&funcignore_path) {
        Ok(text) => IgnoreRules::parse(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => IgnoreRules::default(),
        Err(source) => {
            return Err(PackError::Read {
                path: funcignore_path,
                source,
            });
        }
    };
    // A zip written into the folder itself must not end up inside the next one.
    let output_inside = fs::canonicalize(app_dir).ok().and_then(|dir| {
        let parent = fs::canonicalize(opts.output.parent()?).ok()?;
        let relative = parent.strip_prefix(&dir).ok()?;
        Some(relative.join(opts.output.file_name()?))
    });

    let mut files = Vec::new();
    let mut warnings = Vec::new();
    collect(app_dir, "", &rules, &mut files, &mut warnings)?;
    if let Some(inside) = output_inside {
        let inside = slash_path(&inside);
        files.retain(|f| *f != inside);
    }
    for required in ["host.json", executable.as_str()] {
        if !files.iter().any(|f| f == required) {
            return Err(PackError::IgnoresRequired {
                funcignore: funcignore_path,
                file: required.to_owned(),
            });
        }
    }

    let write_error = |source| PackError::Write {
        path: opts.output.clone(),
        source,
    };
    let tmp = temp_path(&opts.output);
    let result = write_zip(app_dir, &files, &executable, &tmp).and_then(|()| {
        fs::rename(&tmp, &opts.output)?;
        Ok(fs::metadata(&opts.output)?.len())
    });
    let size = match result {
        Ok(size) => size,
        Err(source) => {
            // Best effort: the temporary file is ours and useless now.
            let _ = fs::remove_file(&tmp);
            return Err(write_error(source));
        }
    };
    Ok(PackReport {
        zip: opts.output.clone(),
        files,
        executable,
        size,
        warnings,
    })
}

/// The handler of the app folder (its path relative to the folder, from `host.json`) and what
/// kind of executable it is.
pub fn handler_binary(app_dir: &Path) -> Result<(String, HandlerBinary), PackError> {
    let executable = handler_path(app_dir)?;
    let path = app_dir.join(&executable);
    let binary = HandlerBinary::read(&path).map_err(|source| PackError::Read { path, source })?;
    Ok((executable, binary))
}

/// Refuses a handler that cannot run on every Azure Functions worker of its OS: a Linux one
/// for another CPU than the workers', or needing a newer glibc than the oldest image has
/// (unless `allow_newer_glibc`), or a macOS one.
pub fn check_deployable(
    app_dir: &Path,
    executable: &str,
    binary: &HandlerBinary,
    allow_newer_glibc: bool,
) -> Result<(), PackError> {
    if let Some(arch) = binary.linux_arch()
        && arch != crate::workers::WORKER_ARCH
    {
        return Err(PackError::WrongArch {
            executable: app_dir.join(executable),
            arch,
        });
    }
    if let Some(too_new) = binary.glibc_too_new()
        && !allow_newer_glibc
    {
        return Err(PackError::GlibcTooNew {
            executable: app_dir.join(executable),
            too_new,
        });
    }
    if *binary == HandlerBinary::MacOs {
        return Err(PackError::MacOsHandler {
            executable: app_dir.join(executable),
        });
    }
    Ok(())
}

/// The handler's path relative to the app folder, from `host.json`.
fn handler_path(app_dir: &Path) -> Result<String, PackError> {
    let not_an_app = |reason: String| PackError::NotAnApp {
        dir: app_dir.to_owned(),
        reason,
    };
    let host_path = app_dir.join("host.json");
    let text = fs::read(&host_path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            not_an_app("it has no `host.json`".to_owned())
        } else {
            not_an_app(format!("`host.json` cannot be read ({e})"))
        }
    })?;
    let host: Value = serde_json::from_slice(&text)
        .map_err(|e| not_an_app(format!("`host.json` is not valid JSON ({e})")))?;
    let executable = host
        .pointer("/customHandler/description/defaultExecutablePath")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            not_an_app(
                "its `host.json` has no `customHandler.description.defaultExecutablePath`"
                    .to_owned(),
            )
        })?;
    // Only a file inside the folder can be in the zip; `%HOME%/bin/x` or `../x` cannot.
    let relative = Path::new(executable);
    let inside = relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    if !inside || executable.contains('%') {
        return Err(not_an_app(format!(
            "its handler `{executable}` is not a file inside the folder"
        )));
    }
    if !app_dir.join(relative).is_file() {
        return Err(not_an_app(format!(
            "its handler `{executable}` (named in `host.json`) is missing"
        )));
    }
    Ok(slash_path(relative))
}

fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Adds the files under `dir` (whose path relative to the app folder is `relative`) to
/// `files`, sorted, skipping what must not be deployed.
fn collect(
    dir: &Path,
    relative: &str,
    rules: &IgnoreRules,
    files: &mut Vec<String>,
    warnings: &mut Vec<Warning>,
) -> Result<(), PackError> {
    let read_error = |source| PackError::Read {
        path: dir.to_owned(),
        source,
    };
    let mut entries: Vec<fs::DirEntry> = fs::read_dir(dir)
        .map_err(read_error)?
        .collect::<Result<_, _>>()
        .map_err(read_error)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            warnings.push(Warning(format!(
                "`{}` is left out of the zip: its name is not valid UTF-8",
                entry.path().display()
            )));
            continue;
        };
        let path = if relative.is_empty() {
            name.to_owned()
        } else {
            format!("{relative}/{name}")
        };
        let file_type = entry.file_type().map_err(read_error)?;
        if file_type.is_symlink() {
            warnings.push(Warning(format!(
                "`{}` is a symbolic link and is left out of the zip; copy the file it points \
                 to into the app folder instead",
                entry.path().display()
            )));
            continue;
        }
        let is_dir = file_type.is_dir();
        // The settings hold local secrets, at any depth and in any casing (`Local.Settings.json`
        // *is* the settings file on a case-insensitive file system); half-written files and
        // azfn's cache are not the app.
        let never = name.eq_ignore_ascii_case(LOCAL_SETTINGS)
            || path == CACHE_FILE
            || path == OWNED_FOLDERS
            || name.ends_with(TEMP_SUFFIX);
        if never || rules.is_ignored(&path, is_dir) {
            continue;
        }
        if is_dir {
            collect(&entry.path(), &path, rules, files, warnings)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

fn write_zip(
    app_dir: &Path,
    files: &[String],
    executable: &str,
    zip_path: &Path,
) -> std::io::Result<()> {
    let file = fs::File::create(zip_path)?;
    let mut zip = ZipWriter::new(std::io::BufWriter::new(file));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        // A fixed time stamp: the same folder always gives the same bytes.
        .last_modified_time(DateTime::default());
    for name in files {
        let mode = if name == executable {
            EXECUTABLE_MODE
        } else {
            FILE_MODE
        };
        zip.start_file(name.as_str(), options.unix_permissions(mode))
            .map_err(std::io::Error::other)?;
        let contents = fs::read(app_dir.join(name))?;
        zip.write_all(&contents)?;
    }
    let mut writer = zip.finish().map_err(std::io::Error::other)?;
    writer.flush()?;
    writer.into_inner().map_err(|e| e.into_error())?.sync_all()
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}{TEMP_SUFFIX}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn a_linux_handler_for_another_cpu_than_the_workers_is_refused() {
        let dir = Path::new("app");
        for binary in [
            HandlerBinary::LinuxGlibc {
                arch: "aarch64",
                glibc: None,
            },
            HandlerBinary::LinuxStatic { arch: "aarch64" },
            HandlerBinary::LinuxMusl { arch: "x86" },
        ] {
            let error = check_deployable(dir, "orders", &binary, true).unwrap_err();
            let text = error.to_string();
            assert!(matches!(error, PackError::WrongArch { .. }), "{text}");
            assert!(text.contains("workers are x86_64"), "{text}");
        }
        let fine = HandlerBinary::LinuxStatic { arch: "x86_64" };
        assert!(check_deployable(dir, "orders", &fine, false).is_ok());
    }

    fn app_folder(dir: &Path) -> PathBuf {
        let app = dir.join("orders");
        fs::create_dir_all(app.join("hello")).unwrap();
        fs::write(
            app.join("host.json"),
            r#"{"version": "2.0", "customHandler": {"description": {"defaultExecutablePath": "orders"}}}"#,
        )
        .unwrap();
        fs::write(app.join("orders"), b"\x7fELF handler").unwrap();
        fs::write(app.join("hello/function.json"), "{}").unwrap();
        fs::write(app.join(LOCAL_SETTINGS), r#"{"Values": {"Secret": "x"}}"#).unwrap();
        fs::write(app.join(".host.json.77.azfn-tmp"), "partial").unwrap();
        fs::write(app.join(CACHE_FILE), "{}").unwrap();
        app
    }

    fn entries(zip: &Path) -> Vec<(String, u32, Vec<u8>)> {
        let mut archive = zip::ZipArchive::new(fs::File::open(zip).unwrap()).unwrap();
        (0..archive.len())
            .map(|i| {
                let mut file = archive.by_index(i).unwrap();
                let mut contents = Vec::new();
                file.read_to_end(&mut contents).unwrap();
                (
                    file.name().to_owned(),
                    file.unix_mode().unwrap() & 0o777,
                    contents,
                )
            })
            .collect()
    }

    #[test]
    fn the_handler_is_0755_other_files_0644_and_local_settings_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let app = app_folder(dir.path());
        let zip = dir.path().join("orders.zip");

        let report = pack(&PackOptions {
            app_dir: app.clone(),
            output: zip.clone(),
        })
        .unwrap();

        assert_eq!(report.files, ["hello/function.json", "host.json", "orders"]);
        assert_eq!(report.executable, "orders");
        assert_eq!(report.size, fs::metadata(&zip).unwrap().len());
        let entries = entries(&zip);
        let modes: Vec<(&str, u32)> = entries.iter().map(|(n, m, _)| (n.as_str(), *m)).collect();
        assert_eq!(
            modes,
            [
                ("hello/function.json", 0o644),
                ("host.json", 0o644),
                ("orders", 0o755)
            ]
        );
        assert_eq!(entries[2].2, b"\x7fELF handler");
        // No temporary file is left beside the zip.
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["orders", "orders.zip"]);
    }

    #[test]
    fn settings_files_stay_out_in_any_casing_and_at_any_depth() {
        let dir = tempfile::tempdir().unwrap();
        let app = app_folder(dir.path());
        fs::remove_file(app.join(FUNCIGNORE)).ok();
        fs::write(app.join("Local.Settings.json"), r#"{"Values": {}}"#).unwrap();
        fs::write(app.join("hello/local.settings.json"), r#"{"Values": {}}"#).unwrap();
        fs::write(app.join("hello/LOCAL.SETTINGS.JSON"), r#"{"Values": {}}"#).unwrap();
        let zip = dir.path().join("orders.zip");
        let report = pack(&PackOptions {
            app_dir: app,
            output: zip.clone(),
        })
        .unwrap();
        assert_eq!(report.files, ["hello/function.json", "host.json", "orders"]);
        let names: Vec<String> = entries(&zip).into_iter().map(|(n, _, _)| n).collect();
        assert_eq!(names, ["hello/function.json", "host.json", "orders"]);
    }

    #[test]
    fn the_same_folder_gives_the_same_zip() {
        let dir = tempfile::tempdir().unwrap();
        let app = app_folder(dir.path());
        let first = dir.path().join("a.zip");
        let second = dir.path().join("b.zip");
        pack(&PackOptions {
            app_dir: app.clone(),
            output: first.clone(),
        })
        .unwrap();
        pack(&PackOptions {
            app_dir: app,
            output: second.clone(),
        })
        .unwrap();
        assert_eq!(fs::read(&first).unwrap(), fs::read(second).unwrap());
        // Not by luck within one clock tick: no entry carries the time it was packed.
        let mut archive = zip::ZipArchive::new(fs::File::open(first).unwrap()).unwrap();
        for i in 0..archive.len() {
            let file = archive.by_index(i).unwrap();
            assert_eq!(
                file.last_modified(),
                Some(DateTime::default()),
                "{}",
                file.name()
            );
        }
    }

    #[test]
    fn funcignore_patterns_are_honoured_but_not_for_what_the_app_needs() {
        let dir = tempfile::tempdir().unwrap();
        let app = app_folder(dir.path());
        fs::create_dir(app.join("docs")).unwrap();
        fs::write(app.join("docs/notes.md"), "x").unwrap();
        fs::write(app.join("README.md"), "x").unwrap();
        fs::write(app.join(FUNCIGNORE), "docs/\n*.md\n.funcignore\n").unwrap();
        let zip = dir.path().join("orders.zip");
        let report = pack(&PackOptions {
            app_dir: app.clone(),
            output: zip.clone(),
        })
        .unwrap();
        assert_eq!(report.files, ["hello/function.json", "host.json", "orders"]);

        fs::write(app.join(FUNCIGNORE), "orders\n").unwrap();
        let err = pack(&PackOptions {
            app_dir: app.clone(),
            output: zip,
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "`{}` leaves out `orders`, which the app cannot run without; remove the \
                 pattern that matches it",
                app.join(FUNCIGNORE).display()
            )
        );
    }

    #[test]
    fn a_zip_written_inside_the_folder_is_not_packed_into_the_next_one() {
        let dir = tempfile::tempdir().unwrap();
        let app = app_folder(dir.path());
        let zip = app.join("deploy.zip");
        pack(&PackOptions {
            app_dir: app.clone(),
            output: zip.clone(),
        })
        .unwrap();
        let report = pack(&PackOptions {
            app_dir: app,
            output: zip,
        })
        .unwrap();
        assert!(
            !report.files.iter().any(|f| f == "deploy.zip"),
            "{:?}",
            report.files
        );
    }

    #[test]
    fn a_folder_that_is_not_an_app_is_refused_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("x.zip");
        let err = pack(&PackOptions {
            app_dir: dir.path().to_owned(),
            output: output.clone(),
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "`{}` is not an app folder: it has no `host.json`; run `cargo azfn build` to \
                 write one",
                dir.path().display()
            )
        );
        for (host, reason) in [
            ("{", "is not valid JSON"),
            (
                "{}",
                "has no `customHandler.description.defaultExecutablePath`",
            ),
            (
                r#"{"customHandler": {"description": {"defaultExecutablePath": "../x"}}}"#,
                "is not a file inside the folder",
            ),
            (
                r#"{"customHandler": {"description": {"defaultExecutablePath": "gone"}}}"#,
                "`gone` (named in `host.json`) is missing",
            ),
        ] {
            fs::write(dir.path().join("host.json"), host).unwrap();
            let err = pack(&PackOptions {
                app_dir: dir.path().to_owned(),
                output: output.clone(),
            })
            .unwrap_err();
            assert!(err.to_string().contains(reason), "{host}: {err}");
        }
        assert!(!output.exists());
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_left_out_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let app = app_folder(dir.path());
        std::os::unix::fs::symlink("/etc/hostname", app.join("link")).unwrap();
        let report = pack(&PackOptions {
            app_dir: app,
            output: dir.path().join("o.zip"),
        })
        .unwrap();
        assert!(!report.files.iter().any(|f| f == "link"));
        assert_eq!(report.warnings.len(), 1);
        assert!(
            report.warnings[0].0.contains("is a symbolic link"),
            "{:?}",
            report.warnings
        );
    }

    #[test]
    fn the_default_zip_sits_beside_the_folder() {
        assert_eq!(
            default_output(Path::new("target/azfn/orders")),
            Some(PathBuf::from("target/azfn/orders.zip"))
        );
        assert_eq!(default_output(Path::new("/")), None);
    }
}
