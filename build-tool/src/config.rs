//! What an app takes from its project rather than from its binary: the user's `host.json`
//! settings.
//!
//! They come from exactly one of two places, both beside the code they configure:
//!
//! * a `host.json` file next to the package's `Cargo.toml`, or
//! * a `[package.metadata.azfn.host]` table in that `Cargo.toml`, holding the same keys
//!   (`logging`, `functionTimeout`, `extensions`, ...).
//!
//! Both at once is an error ([`ConfigError::HostJsonTwice`]): silently preferring one would
//! let the published folder disagree with a file the user can see. The emit step merges these
//! settings into the `host.json` it writes (see `docs/cargo-azfn.md` for the
//! rules).
//!
//! ```no_run
//! use cargo_azfn::config::ProjectConfig;
//!
//! let (config, warnings) = ProjectConfig::load("examples/orders/Cargo.toml".as_ref())?;
//! for warning in warnings {
//!     eprintln!("warning: {warning}");
//! }
//! if let Some(host) = &config.host_json {
//!     println!("host.json settings from {}", host.source);
//! }
//! # Ok::<(), cargo_azfn::error::ConfigError>(())
//! ```

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use cargo_metadata::MetadataCommand;
use serde_json::{Map, Value};

use crate::error::{ConfigError, ConfigSource, Warning};

/// The keys `[package.metadata.azfn]` may hold.
const KNOWN_METADATA_KEYS: [&str; 1] = ["host"];

/// The project's settings for one app.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectConfig {
    /// The user's `host.json` settings, if the project has any.
    pub host_json: Option<UserHostJson>,
}

/// The user's `host.json` settings and where they were read.
#[derive(Debug, Clone, PartialEq)]
pub struct UserHostJson {
    /// The file or table they come from, for messages.
    pub source: ConfigSource,
    /// The settings, a JSON object.
    pub value: Map<String, Value>,
}

impl ProjectConfig {
    /// Reads the settings of the package whose manifest is `manifest_path`, running
    /// `cargo metadata` for its `[package.metadata]`.
    pub fn load(manifest_path: &Path) -> Result<(Self, Vec<Warning>), ConfigError> {
        let metadata = MetadataCommand::new()
            .cargo_path(cargo())
            .manifest_path(manifest_path)
            .no_deps()
            .exec()
            .map_err(|source| ConfigError::Metadata {
                manifest: manifest_path.to_owned(),
                source,
            })?;
        let wanted = fs::canonicalize(manifest_path).unwrap_or_else(|_| manifest_path.to_owned());
        let package = metadata
            .packages
            .iter()
            .find(|p| {
                let path = p.manifest_path.as_std_path();
                fs::canonicalize(path).unwrap_or_else(|_| path.to_owned()) == wanted
            })
            .ok_or_else(|| ConfigError::NotAPackage {
                manifest: manifest_path.to_owned(),
            })?;
        Self::from_package(package.manifest_path.as_std_path(), &package.metadata)
    }

    /// The settings of the package whose manifest is `manifest_path` and whose
    /// `[package.metadata]` table, as `cargo metadata` reports it, is `metadata` (`null` when
    /// the package has none).
    pub fn from_package(
        manifest_path: &Path,
        metadata: &Value,
    ) -> Result<(Self, Vec<Warning>), ConfigError> {
        let mut warnings = Vec::new();
        let manifest_table = ConfigSource::ManifestTable(manifest_path.to_owned());
        let table = match metadata.get("azfn") {
            None | Some(Value::Null) => None,
            Some(Value::Object(azfn)) => {
                for key in azfn.keys() {
                    if !KNOWN_METADATA_KEYS.contains(&key.as_str()) {
                        warnings.push(Warning(format!(
                            "unknown key `{key}` in `[package.metadata.azfn]` of `{}` is \
                             ignored; the known keys are: {}",
                            manifest_path.display(),
                            KNOWN_METADATA_KEYS.join(", ")
                        )));
                    }
                }
                match azfn.get("host") {
                    None => None,
                    Some(Value::Object(host)) => Some(host.clone()),
                    Some(_) => {
                        return Err(ConfigError::HostJsonShape {
                            origin: manifest_table,
                            key: "the value".to_owned(),
                            expected: "a table",
                        });
                    }
                }
            }
            Some(_) => {
                return Err(ConfigError::HostJsonShape {
                    origin: ConfigSource::File(manifest_path.to_owned()),
                    key: "`[package.metadata.azfn]`".to_owned(),
                    expected: "a table",
                });
            }
        };

        let file = manifest_path
            .parent()
            .map_or_else(|| PathBuf::from("host.json"), |dir| dir.join("host.json"));
        let from_file = read_host_json_file(&file)?;

        let host_json = match (from_file, table) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::HostJsonTwice {
                    file,
                    manifest: manifest_path.to_owned(),
                });
            }
            (Some(value), None) => Some(UserHostJson {
                source: ConfigSource::File(file),
                value,
            }),
            (None, Some(value)) => Some(UserHostJson {
                source: manifest_table,
                value,
            }),
            (None, None) => None,
        };
        Ok((Self { host_json }, warnings))
    }
}

/// The content of `path` as a JSON object; `None` when the file does not exist.
fn read_host_json_file(path: &Path) -> Result<Option<Map<String, Value>>, ConfigError> {
    let text = match fs::read(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(ConfigError::ReadHostJson {
                path: path.to_owned(),
                source,
            });
        }
    };
    match serde_json::from_slice(&text) {
        Ok(Value::Object(map)) => Ok(Some(map)),
        Ok(_) => Err(ConfigError::HostJsonShape {
            origin: ConfigSource::File(path.to_owned()),
            key: "the top level".to_owned(),
            expected: "a JSON object",
        }),
        Err(source) => Err(ConfigError::HostJsonNotJson {
            path: path.to_owned(),
            source,
        }),
    }
}

/// The cargo to run: the one that started us when run as `cargo azfn` (cargo sets `CARGO`),
/// so that `cargo +nightly azfn build` builds with nightly.
pub(crate) fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn project(host_json: Option<&str>) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("Cargo.toml");
        fs::write(&manifest, "[package]\nname = \"x\"\n").unwrap();
        if let Some(text) = host_json {
            fs::write(dir.path().join("host.json"), text).unwrap();
        }
        (dir, manifest)
    }

    #[test]
    fn no_settings_anywhere_is_no_user_host_json() {
        let (_dir, manifest) = project(None);
        let (config, warnings) = ProjectConfig::from_package(&manifest, &Value::Null).unwrap();
        assert_eq!(config, ProjectConfig::default());
        assert!(warnings.is_empty());
    }

    #[test]
    fn host_json_next_to_the_manifest_is_read() {
        let (dir, manifest) = project(Some(r#"{"functionTimeout": "00:10:00"}"#));
        let (config, _) = ProjectConfig::from_package(&manifest, &Value::Null).unwrap();
        let host = config.host_json.unwrap();
        assert_eq!(
            host.source,
            ConfigSource::File(dir.path().join("host.json"))
        );
        assert_eq!(
            Value::Object(host.value),
            json!({"functionTimeout": "00:10:00"})
        );
    }

    #[test]
    fn the_metadata_table_is_read_and_unknown_keys_warned_about() {
        let (_dir, manifest) = project(None);
        let metadata = json!({"azfn": {"host": {"logging": {"logLevel": {"default": "Warning"}}}, "hots": {}}});
        let (config, warnings) = ProjectConfig::from_package(&manifest, &metadata).unwrap();
        let host = config.host_json.unwrap();
        assert_eq!(host.source, ConfigSource::ManifestTable(manifest.clone()));
        assert_eq!(host.value["logging"]["logLevel"]["default"], "Warning");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].0.contains("unknown key `hots`"), "{warnings:?}");
    }

    #[test]
    fn both_sources_at_once_is_an_error_naming_both() {
        let (dir, manifest) = project(Some("{}"));
        let metadata = json!({"azfn": {"host": {}}});
        let err = ProjectConfig::from_package(&manifest, &metadata).unwrap_err();
        assert!(matches!(err, ConfigError::HostJsonTwice { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains(&dir.path().join("host.json").display().to_string()));
        assert!(text.contains("keep one of them"), "{text}");
    }

    #[test]
    fn a_host_json_that_is_not_an_object_is_refused() {
        let (_dir, manifest) = project(Some("[1]"));
        let err = ProjectConfig::from_package(&manifest, &Value::Null).unwrap_err();
        assert!(err.to_string().contains("the top level in `"), "{err}");
        let (_dir, manifest) = project(Some("{"));
        let err = ProjectConfig::from_package(&manifest, &Value::Null).unwrap_err();
        assert!(
            matches!(err, ConfigError::HostJsonNotJson { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn a_host_key_that_is_not_a_table_is_refused() {
        let (_dir, manifest) = project(None);
        let err =
            ProjectConfig::from_package(&manifest, &json!({"azfn": {"host": "x"}})).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "the value in `[package.metadata.azfn.host]` in `{}` must be a table; fix it there",
                manifest.display()
            )
        );
    }
}
