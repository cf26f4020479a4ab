//! The emit step: from a built handler executable to the Azure Functions app folder.
//!
//! The executable is read as bytes and never run, so a handler built for another OS (a Linux
//! binary emitted on Windows, or the reverse) gives the same folder. What it contains is found
//! with [`azfn::metadata::scan_records`]; the folder then holds:
//!
//! ```text
//! <out_dir>/
//!   <executable>            the handler, copied (mode 0755 on Unix)
//!   host.json               starts the handler as a custom handler
//!   local.settings.json     created if missing; existing values are kept
//!   <function>/function.json, one folder per function
//! ```
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

mod folder;
mod host_json;
mod local_settings;
#[cfg(test)]
pub(crate) mod test_support;
mod validate;

use std::fs;
use std::path::{Path, PathBuf};

use azfn::metadata::{FunctionRecord, scan_records};

use crate::error::EmitError;

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
}

/// Writes the app folder for the handler at `opts.bin_path` into `opts.out_dir`.
///
/// Nothing is written unless every function name is valid and unique; the error then lists
/// all problems with their source locations. Function folders left by an earlier emit whose
/// function no longer exists are removed; any other content of `out_dir` is left alone.
pub fn emit(opts: &EmitOptions) -> Result<EmitReport, EmitError> {
    App::load(&opts.bin_path)?.write(&opts.out_dir)
}

/// A handler executable whose records have been read and validated, ready to be written.
#[derive(Debug)]
pub(crate) struct App {
    bytes: Vec<u8>,
    /// The executable's file name in the app folder.
    executable: String,
    /// Sorted by name, then location, so that output and error order do not depend on how the
    /// linker laid the records out.
    records: Vec<FunctionRecord>,
}

impl App {
    /// Reads the executable at `bin_path` and checks its functions. Fails with
    /// [`EmitError::NoFunctions`] when it holds none, which [`crate::build()`] uses to skip
    /// binaries that are not apps.
    pub(crate) fn load(bin_path: &Path) -> Result<Self, EmitError> {
        let bytes = fs::read(bin_path).map_err(|source| EmitError::ReadExecutable {
            path: bin_path.to_owned(),
            source,
        })?;
        let mut records = scan_records(&bytes).map_err(|source| EmitError::BadRecords {
            path: bin_path.to_owned(),
            source,
        })?;
        if records.is_empty() {
            return Err(EmitError::NoFunctions {
                path: bin_path.to_owned(),
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
        let problems = validate::check_names(&records, &executable);
        if !problems.is_empty() {
            return Err(EmitError::InvalidFunctions {
                path: bin_path.to_owned(),
                problems,
            });
        }
        Ok(Self {
            bytes,
            executable,
            records,
        })
    }

    /// How many functions the app has.
    pub(crate) fn function_count(&self) -> usize {
        self.records.len()
    }

    /// Writes the app folder into `out_dir`.
    pub(crate) fn write(&self, out_dir: &Path) -> Result<EmitReport, EmitError> {
        folder::create_dir(out_dir)?;
        let names: Vec<&str> = self.records.iter().map(|r| r.name.as_str()).collect();
        // Before writing, so that a folder renamed only in case is recreated with the new case.
        folder::remove_stale_functions(out_dir, &names)?;

        let executable = out_dir.join(&self.executable);
        folder::write_file(&executable, &self.bytes, true)?;

        for record in &self.records {
            let dir = out_dir.join(&record.name);
            folder::create_dir(&dir)?;
            let mut json = serde_json::to_string_pretty(&record.function)
                .expect("a decoded function.json always serializes");
            json.push('\n');
            folder::write_file(&dir.join(folder::FUNCTION_JSON), json.as_bytes(), false)?;
        }

        let host = host_json::host_json(&self.executable, &self.records);
        folder::write_file(&out_dir.join("host.json"), host.as_bytes(), false)?;
        write_local_settings(&out_dir.join("local.settings.json"))?;

        Ok(EmitReport {
            out_dir: out_dir.to_owned(),
            executable,
            functions: names.into_iter().map(str::to_owned).collect(),
        })
    }
}

fn write_local_settings(path: &Path) -> Result<(), EmitError> {
    let existing = match fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(EmitError::ReadLocalSettings {
                path: path.to_owned(),
                source,
            });
        }
    };
    let merged = local_settings::merge(existing.as_deref()).map_err(|e| match e {
        local_settings::MergeError::NotJson(source) => EmitError::LocalSettingsNotJson {
            path: path.to_owned(),
            source,
        },
        local_settings::MergeError::NotObject(reason) => EmitError::LocalSettingsNotObject {
            path: path.to_owned(),
            reason,
        },
    })?;
    match merged {
        Some(text) => folder::write_file(path, text.as_bytes(), false),
        None => Ok(()),
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
