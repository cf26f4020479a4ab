//! The emit step: from a built handler executable to the Azure Functions app folder.
//!
//! The executable is read as bytes and never run, so a handler built for another OS (a Linux
//! binary emitted on Windows, or the reverse) gives the same folder. What it contains is found
//! with [`azfn_spec::record::scan_records`]; the folder then holds:
//!
//! ```text
//! <out_dir>/
//!   <executable>            the handler, copied (mode 0755 on Unix)
//!   host.json               starts the handler as a custom handler, merged with the user's
//!   local.settings.json     a copy of the one next to Cargo.toml (created there if missing;
//!                           existing values are kept, missing ones added to the copy)
//!   .funcignore             created if missing: keeps local.settings.json out of deployments
//!   .gitignore              created if missing: keeps local.settings.json out of git
//!   .azfn-cache.json        the records read last time, so an unchanged executable is not
//!                           read again (never deployed)
//!   .azfn-functions         the function folders emit created: the only ones a later emit
//!                           clears out when their function is gone (never deployed)
//!   <function>/function.json, one folder per function
//! ```
//!
//! Emitting is incremental: a file whose content is already right is not rewritten, and the
//! executable is not copied again while its size and modification time match.
//!
//! ```no_run
//! use cargo_azfn::{EmitOptions, emit};
//!
//! let report = emit(&EmitOptions {
//!     bin_path: "target/release/orders".into(),
//!     out_dir: "target/azfn/orders".into(),
//! })?;
//! println!("{} functions in {}", report.functions.len(), report.out_dir.display());
//! # Ok::<(), cargo_azfn::EmitError>(())
//! ```

mod cache;
mod folder;
mod host_json;
pub(crate) mod ignore_files;
pub(crate) mod local_settings;
pub(crate) mod routes;
#[cfg(test)]
pub(crate) mod test_support;
mod validate;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use azfn_spec::profile::{SelfHostedServer, scan_declaration};
use azfn_spec::record::{FunctionRecord, scan_records};

use crate::config::ProjectConfig;
use crate::error::{EmitError, Warning};

pub(crate) use cache::CACHE_FILE;
pub(crate) use folder::OWNED_FOLDERS;
pub(crate) use host_json::HostJson;

/// What to emit and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitOptions {
    /// The built handler executable. It is only read, so it may lack execute permission or be
    /// built for another OS.
    pub bin_path: PathBuf,
    /// The app folder to write; created if missing.
    pub out_dir: PathBuf,
}

/// What [`emit`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitReport {
    /// The app folder.
    pub out_dir: PathBuf,
    /// The copy of the executable inside [`out_dir`](Self::out_dir).
    pub executable: PathBuf,
    /// The emitted function names, sorted.
    pub functions: Vec<String>,
    /// What the user should know, in the order found: settings of theirs azfn replaced,
    /// app settings missing from `local.settings.json`, ignore files that let it through.
    pub warnings: Vec<Warning>,
    /// The files this emit (re)wrote, azfn's own `.azfn-cache.json` aside; files that already
    /// had the right content are left untouched and not listed.
    pub written: Vec<PathBuf>,
    /// The function folders removed because their function no longer exists.
    pub removed: Vec<PathBuf>,
}

/// Writes the app folder for the handler at `opts.bin_path` into `opts.out_dir`, with azfn's
/// default `host.json` settings (see [`emit_with`] to merge a project's own).
///
/// Nothing is written unless every function name is valid and unique and no two HTTP
/// functions share a route; the error then lists all problems with their source locations.
/// Function folders left by an earlier emit whose function no longer exists are removed; any
/// other content of `out_dir` is left alone.
pub fn emit(opts: &EmitOptions) -> Result<EmitReport, EmitError> {
    emit_with(opts, &ProjectConfig::default())
}

/// [`emit`], merging the project's `host.json` settings from `config`.
pub fn emit_with(opts: &EmitOptions, config: &ProjectConfig) -> Result<EmitReport, EmitError> {
    App::load_for(&opts.bin_path, Some(&opts.out_dir))?
        .plan(&opts.out_dir, config, None)?
        .write()
}

/// A handler executable whose records have been read, ready to be checked and written.
#[derive(Debug)]
pub(crate) struct App {
    bin_path: PathBuf,
    /// The executable's bytes; `None` when the records came from the app folder's cache, in
    /// which case they are read only if the copy in the folder turns out to be stale.
    bytes: Option<Vec<u8>>,
    /// Identifies the executable file for the cache.
    stamp: cache::Stamp,
    /// The executable's size in bytes.
    len: u64,
    /// The executable's modification time, given to its copy so that an unchanged one is not
    /// copied again.
    modified: Option<SystemTime>,
    /// The executable's file name in the app folder.
    executable: String,
    /// Sorted by name, then location, so that output and error order do not depend on how the
    /// linker laid the records out.
    records: Vec<FunctionRecord>,
    /// The self-hosted MCP server the executable declares (`App::mcp_server`), if any. Such an
    /// app has no records, so the cache (kept only for apps with records) never stands for one.
    self_hosted: Option<SelfHostedServer>,
}

impl App {
    /// Reads the executable at `bin_path` and its function records. Fails with
    /// [`EmitError::NoFunctions`] when it holds none, which [`crate::build()`] uses to skip
    /// binaries that are not apps.
    pub(crate) fn load(bin_path: &Path) -> Result<Self, EmitError> {
        Self::load_for(bin_path, None)
    }

    /// [`App::load`], taking the records from the cache in `out_dir` when it describes this
    /// very executable file.
    pub(crate) fn load_for(bin_path: &Path, out_dir: Option<&Path>) -> Result<Self, EmitError> {
        let read_error = |source| EmitError::ReadExecutable {
            path: bin_path.to_owned(),
            source,
        };
        let meta = fs::metadata(bin_path).map_err(read_error)?;
        let stamp = cache::Stamp::of(&meta);
        let modified = meta.modified().ok();
        if let Some(cached) = out_dir.and_then(|dir| cache::read(dir, bin_path, &stamp)) {
            return Ok(Self {
                bin_path: bin_path.to_owned(),
                bytes: None,
                stamp,
                len: meta.len(),
                modified,
                executable: cached.executable,
                records: cached.records,
                self_hosted: None,
            });
        }
        let bytes = fs::read(bin_path).map_err(read_error)?;
        let mut records = scan_records(&bytes).map_err(|source| EmitError::BadRecords {
            path: bin_path.to_owned(),
            source,
        })?;
        let bad_records = |source| EmitError::BadRecords {
            path: bin_path.to_owned(),
            source,
        };
        let self_hosted = scan_declaration(&bytes).map_err(bad_records)?;
        if records.is_empty() && self_hosted.is_none() {
            return Err(EmitError::NoFunctions {
                path: bin_path.to_owned(),
            });
        }
        if self_hosted.is_some() && !records.is_empty() {
            return Err(EmitError::SelfHostedWithFunctions {
                path: bin_path.to_owned(),
                count: records.len(),
                names: records
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        records.sort_by(|a, b| {
            (&a.name, &a.source.file, a.source.line, a.source.column).cmp(&(
                &b.name,
                &b.source.file,
                b.source.line,
                b.source.column,
            ))
        });
        let executable = executable_name(bin_path, &bytes)?;
        Ok(Self {
            bin_path: bin_path.to_owned(),
            len: bytes.len() as u64,
            bytes: Some(bytes),
            stamp,
            modified,
            executable,
            records,
            self_hosted,
        })
    }

    /// How many functions the app has.
    pub(crate) fn function_count(&self) -> usize {
        self.records.len()
    }

    /// The functions, sorted by name.
    pub(crate) fn records(&self) -> &[FunctionRecord] {
        &self.records
    }

    /// The executable the records were read from.
    pub(crate) fn bin_path(&self) -> &Path {
        &self.bin_path
    }

    /// What the app serves, for status lines: `3 functions`, or its self-hosted server.
    pub(crate) fn summary(&self) -> String {
        match &self.self_hosted {
            Some(server) => format!("a self-hosted MCP server on {}", server.path),
            None => crate::shell::count(self.function_count(), "function", "functions"),
        }
    }

    /// The merged `host.json` of this app.
    pub(crate) fn host_json(&self, config: &ProjectConfig) -> Result<HostJson, EmitError> {
        Ok(host_json::host_json(
            &self.executable,
            &self.records,
            self.self_hosted.as_ref(),
            config.host_json.as_ref(),
        )?)
    }

    /// Checks everything and computes every file of the app folder `out_dir`, writing
    /// nothing: an error here leaves the folder as it was.
    ///
    /// `project_dir` is the folder of the package's `Cargo.toml`, where the app's
    /// `local.settings.json` lives (`None`: no project; the app folder's file is the only one).
    pub(crate) fn plan(
        &self,
        out_dir: &Path,
        config: &ProjectConfig,
        project_dir: Option<&Path>,
    ) -> Result<Plan<'_>, EmitError> {
        let host = self.host_json(config)?;
        let mut problems = validate::check_names(&self.records, &self.executable);
        problems.extend(routes::check_routes(&self.records, &host.route_prefix));
        if !problems.is_empty() {
            return Err(EmitError::InvalidFunctions {
                path: self.bin_path.clone(),
                problems,
            });
        }
        let mut warnings = host.warnings;
        let mut files = Vec::with_capacity(self.records.len() + 4);
        for record in &self.records {
            let mut json = serde_json::to_string_pretty(&record.function)
                .expect("a decoded function.json always serializes");
            json.push('\n');
            files.push((
                out_dir.join(&record.name).join(folder::FUNCTION_JSON),
                json.into_bytes(),
            ));
        }
        files.push((out_dir.join("host.json"), host.text.into_bytes()));

        let (settings_files, settings_warnings) =
            plan_local_settings(&self.records, out_dir, project_dir)?;
        warnings.extend(settings_warnings);
        files.extend(settings_files);

        let read_ignore = |name: &str| {
            let path = out_dir.join(name);
            read_if_exists(&path)
                .map(|bytes| bytes.map(|b| String::from_utf8_lossy(&b).into_owned()))
                .map_err(|source| EmitError::ReadIgnoreFile { path, source })
        };
        let funcignore = read_ignore(ignore_files::FUNCIGNORE)?;
        let gitignore = read_ignore(ignore_files::GITIGNORE)?;
        let (writes, ignore_warnings) =
            ignore_files::plan(out_dir, funcignore.as_deref(), gitignore.as_deref());
        warnings.extend(ignore_warnings);
        for (name, text) in writes {
            files.push((out_dir.join(name), text.as_bytes().to_vec()));
        }

        Ok(Plan {
            app: self,
            out_dir: out_dir.to_owned(),
            files,
            warnings,
        })
    }
}

/// Everything an emit will write, checked and computed.
#[derive(Debug)]
pub(crate) struct Plan<'a> {
    app: &'a App,
    out_dir: PathBuf,
    /// Every file but the executable, with its full content.
    files: Vec<(PathBuf, Vec<u8>)>,
    warnings: Vec<Warning>,
}

impl Plan<'_> {
    /// What the user should know before the folder is written.
    pub(crate) fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The app folder.
    pub(crate) fn out_dir(&self) -> &Path {
        &self.out_dir
    }

    /// Writes the app folder, leaving files that already have the right content untouched.
    pub(crate) fn write(self) -> Result<EmitReport, EmitError> {
        let out_dir = &self.out_dir;
        folder::create_dir(out_dir)?;
        let names: Vec<&str> = self.app.records.iter().map(|r| r.name.as_str()).collect();
        for name in &names {
            folder::refuse_symlink(&out_dir.join(name))?;
        }
        // Before writing, so that a folder renamed only in case is recreated with the new case.
        let owned = folder::owned_folders(out_dir);
        let removals = folder::remove_stale_functions(out_dir, &names, &owned)?;
        for removal in &removals {
            match removal {
                folder::Removal::Folder(path) => crate::shell::status(
                    "Removed",
                    format_args!("{} (its function no longer exists)", path.display()),
                ),
                folder::Removal::FunctionJsonOnly(path) => crate::shell::status(
                    "Removed",
                    format_args!(
                        "{} (its function no longer exists; the folder holds other files and \
                         stays)",
                        path.join(folder::FUNCTION_JSON).display()
                    ),
                ),
            }
        }
        let removed = removals
            .into_iter()
            .map(|r| match r {
                folder::Removal::Folder(path) | folder::Removal::FunctionJsonOnly(path) => path,
            })
            .collect();
        let mut written = Vec::new();

        let executable = out_dir.join(&self.app.executable);
        let app = self.app;
        let copied =
            folder::copy_executable(&executable, app.len, app.modified, || match &app.bytes {
                Some(bytes) => Ok(std::borrow::Cow::Borrowed(bytes.as_slice())),
                None => fs::read(&app.bin_path)
                    .map(std::borrow::Cow::Owned)
                    .map_err(|source| EmitError::ReadExecutable {
                        path: app.bin_path.clone(),
                        source,
                    }),
            })?;
        if copied {
            written.push(executable.clone());
        }
        for (path, contents) in &self.files {
            if let Some(dir) = path.parent()
                && dir != out_dir
            {
                folder::create_dir(dir)?;
            }
            if folder::write_if_changed(path, contents)? {
                written.push(path.clone());
            }
        }

        // Every current function's folder is emit's from now on, to clear out once it is stale.
        folder::write_if_changed(
            &out_dir.join(folder::OWNED_FOLDERS),
            &folder::owned_folders_contents(&names),
        )?;

        // Last, so that a cache never describes a folder that was not fully written.
        if let Some(cache) =
            cache::contents(&app.bin_path, &app.stamp, &app.executable, &app.records)
        {
            folder::write_if_changed(&out_dir.join(cache::CACHE_FILE), &cache)?;
        }

        Ok(EmitReport {
            out_dir: out_dir.clone(),
            executable,
            functions: names.into_iter().map(str::to_owned).collect(),
            warnings: self.warnings,
            written,
            removed,
        })
    }
}

/// A file of the app folder (or the project's `local.settings.json`) and its full content.
type PlannedFile = (PathBuf, Vec<u8>);

/// The `local.settings.json` files to write (see [`local_settings`]): the project's, when it
/// is missing, and the app folder's copy of it; or, without a project, the app folder's file
/// merged in place. An app folder file that is not a copy is the user's: while the project has
/// none it stays the app's settings, with a warning saying how to move it out of `target/`;
/// it is never replaced.
fn plan_local_settings(
    records: &[FunctionRecord],
    out_dir: &Path,
    project_dir: Option<&Path>,
) -> Result<(Vec<PlannedFile>, Vec<Warning>), EmitError> {
    use local_settings::{Edit, MergeError, as_copy, is_copy, merge};
    let needed = local_settings::needed_settings(records);
    let read = |path: &Path| {
        read_if_exists(path).map_err(|source| EmitError::ReadLocalSettings {
            path: path.to_owned(),
            source,
        })
    };
    fn merge_error(path: &Path) -> impl FnOnce(MergeError) -> EmitError + '_ {
        move |e| match e {
            MergeError::NotJson(source) => EmitError::LocalSettingsNotJson {
                path: path.to_owned(),
                source,
            },
            MergeError::NotObject(reason) => EmitError::LocalSettingsNotObject {
                path: path.to_owned(),
                reason,
            },
        }
    }
    let app_path = out_dir.join(ignore_files::LOCAL_SETTINGS);
    let app_file = read(&app_path)?;
    let users_app_file = app_file.as_deref().is_some_and(|c| !is_copy(c));
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    let project_path = project_dir.map(|dir| dir.join(ignore_files::LOCAL_SETTINGS));
    let project_file = match &project_path {
        Some(path) => read(path)?,
        None => None,
    };
    let project_path = match project_path {
        Some(path) if project_file.is_some() || !users_app_file => path,
        // No project, or an app folder file of the user's from before settings moved next to
        // Cargo.toml: that file is the settings, merged in place as it always was.
        other => {
            let label = app_path.display().to_string();
            let merged = merge(app_file.as_deref(), &needed, &label, Edit::InPlace)
                .map_err(merge_error(&app_path))?;
            if let Some(project) = other {
                warnings.push(Warning(format!(
                    "`{label}` is inside the build output, which `cargo clean` deletes; move it \
                     next to Cargo.toml (`mv {label} {}`): cargo azfn then copies it into the \
                     app folder on every build. Until then it is used, and left where it is",
                    project.display()
                )));
            }
            warnings.extend(merged.warnings);
            if let Some(text) = merged.text {
                files.push((app_path, text.into_bytes()));
            }
            return Ok((files, warnings));
        }
    };
    let label = project_path.display().to_string();
    let (settings, edit) = match &project_file {
        Some(existing) => (existing.clone(), Edit::Copy),
        None => (Vec::new(), Edit::InPlace),
    };
    let merged = merge(project_file.as_deref(), &needed, &label, edit)
        .map_err(merge_error(&project_path))?;
    warnings.extend(merged.warnings);
    let settings = match merged.text {
        Some(text) => text.into_bytes(),
        None => settings,
    };
    if project_file.is_none() {
        files.push((project_path.clone(), settings.clone()));
    }
    let copy = as_copy(&settings, &label).map_err(merge_error(&project_path))?;
    // A file of the user's that is the project's byte for byte (`cp` rather than `mv`) loses
    // nothing when replaced by the copy.
    if users_app_file && app_file != project_file {
        warnings.push(Warning(format!(
            "`{}` was not copied there by cargo azfn and differs from `{label}`, so it is left as \
             it is and the app runs with it; move what it holds into `{label}` and delete it",
            app_path.display()
        )));
    } else {
        files.push((app_path, copy.into_bytes()));
    }
    Ok((files, warnings))
}

/// The bytes of `path`, or `None` when it does not exist.
fn read_if_exists(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The executable's file name in the app folder: its own name, with `.exe` added to a Windows
/// (PE) executable that lacks it, because Windows only runs files with that extension.
fn executable_name(bin_path: &Path, bytes: &[u8]) -> Result<String, EmitError> {
    let name = bin_path.file_name().ok_or_else(|| EmitError::NoFileName {
        path: bin_path.to_owned(),
    })?;
    let name = name.to_str().ok_or_else(|| EmitError::NonUtf8FileName {
        path: bin_path.to_owned(),
    })?;
    let has_exe = Path::new(name)
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("exe"));
    // Every PE file opens with the DOS header's `MZ`.
    if bytes.starts_with(b"MZ") && !has_exe {
        Ok(format!("{name}.exe"))
    } else {
        Ok(name.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executable_keeps_its_name() {
        let elf = b"\x7fELF...";
        assert_eq!(
            executable_name(Path::new("a/orders"), elf).unwrap(),
            "orders"
        );
        assert_eq!(
            executable_name(Path::new("a/orders.exe"), b"MZ").unwrap(),
            "orders.exe"
        );
        assert_eq!(
            executable_name(Path::new("a/orders.EXE"), b"MZ").unwrap(),
            "orders.EXE"
        );
    }

    #[test]
    fn pe_executable_without_exe_gets_it() {
        assert_eq!(
            executable_name(Path::new("a/orders"), b"MZ\x90\0").unwrap(),
            "orders.exe"
        );
    }

    #[test]
    fn path_without_file_name_is_refused() {
        assert!(matches!(
            executable_name(Path::new("/"), b""),
            Err(EmitError::NoFileName { .. })
        ));
    }
}

#[cfg(test)]
mod cache_tests {
    use super::*;
    use crate::emit::test_support::http_record;
    use azfn_spec::record::frame;

    fn write_binary(path: &Path, records: &[FunctionRecord]) {
        let mut bytes = b"\x7fELF".to_vec();
        for record in records {
            bytes.extend_from_slice(&frame(&serde_json::to_string(record).unwrap()));
        }
        fs::write(path, bytes).unwrap();
    }

    #[test]
    fn an_unchanged_executable_is_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("app");
        let out = dir.path().join("out");
        write_binary(&bin, &[http_record("hello")]);
        App::load_for(&bin, Some(&out))
            .unwrap()
            .plan(&out, &ProjectConfig::default(), None)
            .unwrap()
            .write()
            .unwrap();

        let cached = App::load_for(&bin, Some(&out)).unwrap();
        assert!(cached.bytes.is_none(), "read the executable again");
        assert_eq!(cached.records, [http_record("hello")]);
        assert_eq!(cached.executable, "app");
        // Nothing to copy, so the bytes are never needed.
        let report = cached
            .plan(&out, &ProjectConfig::default(), None)
            .unwrap()
            .write()
            .unwrap();
        assert!(report.written.is_empty(), "{:?}", report.written);

        // A rebuild is a new file: read, and its new function emitted.
        std::thread::sleep(std::time::Duration::from_millis(20));
        write_binary(&bin, &[http_record("hello"), http_record("world")]);
        let rebuilt = App::load_for(&bin, Some(&out)).unwrap();
        assert!(rebuilt.bytes.is_some());
        assert_eq!(rebuilt.function_count(), 2);
    }

    #[test]
    fn a_stale_copy_is_refreshed_even_when_the_records_come_from_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("app");
        let out = dir.path().join("out");
        write_binary(&bin, &[http_record("hello")]);
        emit(&EmitOptions {
            bin_path: bin.clone(),
            out_dir: out.clone(),
        })
        .unwrap();
        fs::remove_file(out.join("app")).unwrap();

        let report = emit(&EmitOptions {
            bin_path: bin.clone(),
            out_dir: out.clone(),
        })
        .unwrap();

        assert_eq!(report.written, [out.join("app")]);
        assert_eq!(fs::read(out.join("app")).unwrap(), fs::read(&bin).unwrap());
    }
}
