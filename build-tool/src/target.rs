//! `--target` for Azure: which triple to build, and whether cargo or cargo-zigbuild builds it.
//!
//! `--target linux` means "runs on every Functions Linux worker": `x86_64-unknown-linux-gnu`
//! for the glibc of the oldest image ([`crate::workers::oldest_glibc`]), built through
//! [cargo-zigbuild](https://github.com/rust-cross/cargo-zigbuild), which links against the
//! glibc version a `.2.31` suffix names, from any OS. Without cargo-zigbuild and Zig, a Linux
//! machine with musl's standard library installed builds `x86_64-unknown-linux-musl` instead
//! (static, needs no glibc). An explicit triple is passed on as given; a glibc suffix
//! (`x86_64-unknown-linux-gnu.2.28`), or a Linux triple on another OS, goes through
//! cargo-zigbuild. Nothing is downloaded: a missing tool or standard library is an error
//! saying how to install it.

use std::process::{Command, Stdio};

use crate::workers::{GlibcVersion, oldest_glibc};

/// The triple `--target linux` builds.
pub const LINUX_TRIPLE: &str = "x86_64-unknown-linux-gnu";
/// The triple `--target linux` falls back to without cargo-zigbuild.
pub const LINUX_MUSL_TRIPLE: &str = "x86_64-unknown-linux-musl";
/// How to install cargo-zigbuild and Zig (both are on PyPI).
pub const INSTALL_ZIGBUILD: &str = "pip install cargo-zigbuild ziglang";

/// What builds the handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builder {
    /// `cargo build`.
    Cargo,
    /// `cargo zigbuild`, linking through Zig.
    Zigbuild,
}

/// A resolved `--target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildTarget {
    /// What cargo (or cargo-zigbuild) gets as `--target`, glibc suffix included; `None` for
    /// the host.
    pub cargo_target: Option<String>,
    /// The triple without the suffix: cargo's folder under the target directory.
    pub triple: Option<String>,
    /// The glibc asked for with a suffix.
    pub glibc: Option<GlibcVersion>,
    /// What builds it.
    pub builder: Builder,
}

impl BuildTarget {
    /// A build for the machine it runs on, with `cargo build`.
    pub fn host() -> Self {
        Self {
            cargo_target: None,
            triple: None,
            glibc: None,
            builder: Builder::Cargo,
        }
    }

    /// Whether the handler is a Windows executable (`.exe`).
    pub fn is_windows(&self) -> bool {
        match &self.triple {
            Some(triple) => triple.contains("-windows"),
            None => cfg!(windows),
        }
    }
}

/// The build tools found on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tools {
    /// `cargo-zigbuild` runs.
    pub zigbuild: bool,
    /// Zig runs (`zig`, or the `ziglang` Python package cargo-zigbuild also finds).
    pub zig: bool,
    /// `rustup target list --installed`; `None` without rustup.
    pub installed_targets: Option<Vec<String>>,
    /// `std::env::consts::OS` of this machine.
    pub host_os: &'static str,
}

impl Tools {
    /// Looks for the tools by running them.
    pub fn detect() -> Self {
        let runs = |program: &str, args: &[&str]| {
            Command::new(program)
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        let python = if cfg!(windows) { "python" } else { "python3" };
        let installed_targets = Command::new("rustup")
            .args(["target", "list", "--installed"])
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .map(|l| l.trim().to_owned())
                    .filter(|l| !l.is_empty())
                    .collect()
            });
        Self {
            zigbuild: runs("cargo-zigbuild", &["--version"]),
            zig: runs("zig", &["version"]) || runs(python, &["-m", "ziglang", "version"]),
            installed_targets,
            host_os: std::env::consts::OS,
        }
    }

    fn has_zigbuild(&self) -> bool {
        self.zigbuild && self.zig
    }

    fn missing_zig_tools(&self) -> &'static str {
        match (self.zigbuild, self.zig) {
            (false, false) => "cargo-zigbuild and Zig are not installed",
            (false, true) => "cargo-zigbuild is not installed",
            _ => "Zig is not installed",
        }
    }

    fn std_installed(&self, triple: &str) -> bool {
        self.installed_targets
            .as_ref()
            .is_none_or(|targets| targets.iter().any(|t| t == triple))
    }
}

/// A `--target` that cannot be built here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// `--target linux` without cargo-zigbuild or musl.
    #[error(
        "`--target linux` builds for glibc {glibc}, the oldest Azure Functions Linux image's, \
         through cargo-zigbuild, but {missing}: install them with `{INSTALL_ZIGBUILD}`{musl}"
    )]
    LinuxNeedsZigbuild {
        /// The floor.
        glibc: GlibcVersion,
        /// What is missing.
        missing: &'static str,
        /// The musl alternative, where there is one.
        musl: &'static str,
    },
    /// A target only cargo-zigbuild builds.
    #[error(
        "`--target {target}` {why}, through cargo-zigbuild, but {missing}: install them with `{INSTALL_ZIGBUILD}`"
    )]
    NeedsZigbuild {
        /// The `--target` given.
        target: String,
        /// Why it needs cargo-zigbuild.
        why: String,
        /// What is missing.
        missing: &'static str,
    },
    /// The standard library of the target is not installed.
    #[error(
        "the standard library for `{triple}` is not installed; install it with `rustup target \
         add {triple}`, or build with `--target linux`"
    )]
    StdNotInstalled {
        /// The triple.
        triple: String,
    },
    /// A glibc suffix on a triple that is not `*-linux-gnu*`.
    #[error(
        "`{target}`: a glibc version suffix applies only to a `-linux-gnu` target, such as `{LINUX_TRIPLE}.2.28`"
    )]
    SuffixNotGnu {
        /// The `--target` given.
        target: String,
    },
    /// A suffix that is not `.major.minor`.
    #[error(
        "`{target}`: the glibc version after the triple must be `major.minor`, such as `{LINUX_TRIPLE}.2.28`"
    )]
    BadGlibcSuffix {
        /// The `--target` given.
        target: String,
    },
}

/// Resolves `--target` with the tools found here (`tools` runs only when a target is given).
pub fn resolve(
    target: Option<&str>,
    tools: impl FnOnce() -> Tools,
) -> Result<BuildTarget, TargetError> {
    let Some(target) = target else {
        return Ok(BuildTarget::host());
    };
    let tools = tools();
    if target == "linux" {
        if tools.has_zigbuild() {
            if !tools.std_installed(LINUX_TRIPLE) {
                return Err(TargetError::StdNotInstalled {
                    triple: LINUX_TRIPLE.to_owned(),
                });
            }
            let glibc = oldest_glibc();
            return Ok(BuildTarget {
                cargo_target: Some(format!("{LINUX_TRIPLE}.{glibc}")),
                triple: Some(LINUX_TRIPLE.to_owned()),
                glibc: Some(glibc),
                builder: Builder::Zigbuild,
            });
        }
        let on_linux = tools.host_os == "linux";
        if on_linux && tools.installed_targets.is_some() && tools.std_installed(LINUX_MUSL_TRIPLE) {
            return Ok(BuildTarget {
                cargo_target: Some(LINUX_MUSL_TRIPLE.to_owned()),
                triple: Some(LINUX_MUSL_TRIPLE.to_owned()),
                glibc: None,
                builder: Builder::Cargo,
            });
        }
        return Err(TargetError::LinuxNeedsZigbuild {
            glibc: oldest_glibc(),
            missing: tools.missing_zig_tools(),
            musl: if on_linux {
                " (or build a static musl handler: `rustup target add x86_64-unknown-linux-musl`)"
            } else {
                ""
            },
        });
    }

    let (triple, glibc) = match target.split_once('.') {
        Some((base, version)) if base.contains("-linux-gnu") => {
            let glibc =
                GlibcVersion::parse(version).ok_or_else(|| TargetError::BadGlibcSuffix {
                    target: target.to_owned(),
                })?;
            (base, Some(glibc))
        }
        Some((_, version)) if GlibcVersion::parse(version).is_some() => {
            return Err(TargetError::SuffixNotGnu {
                target: target.to_owned(),
            });
        }
        _ => (target, None),
    };
    if !tools.std_installed(triple) {
        return Err(TargetError::StdNotInstalled {
            triple: triple.to_owned(),
        });
    }
    let linux_elsewhere = triple.contains("-linux") && tools.host_os != "linux";
    let why = match (glibc, linux_elsewhere) {
        (Some(glibc), _) => Some(format!("links against glibc {glibc}")),
        (None, true) => Some(format!("links a Linux handler on {}", tools.host_os)),
        (None, false) => None,
    };
    let builder = match why {
        Some(_) if tools.has_zigbuild() => Builder::Zigbuild,
        Some(why) => {
            return Err(TargetError::NeedsZigbuild {
                target: target.to_owned(),
                why,
                missing: tools.missing_zig_tools(),
            });
        }
        None => Builder::Cargo,
    };
    Ok(BuildTarget {
        cargo_target: Some(target.to_owned()),
        triple: Some(triple.to_owned()),
        glibc,
        builder,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tools(zigbuild: bool, installed: &[&str], host_os: &'static str) -> Tools {
        Tools {
            zigbuild,
            zig: zigbuild,
            installed_targets: Some(installed.iter().map(|s| s.to_string()).collect()),
            host_os,
        }
    }

    #[test]
    fn linux_is_the_oldest_images_glibc_through_zigbuild() {
        let target = resolve(Some("linux"), || tools(true, &[LINUX_TRIPLE], "macos")).unwrap();
        assert_eq!(
            target.cargo_target.as_deref(),
            Some("x86_64-unknown-linux-gnu.2.31")
        );
        assert_eq!(target.triple.as_deref(), Some(LINUX_TRIPLE));
        assert_eq!(target.builder, Builder::Zigbuild);
    }

    #[test]
    fn linux_without_zigbuild_is_musl_when_its_std_is_installed_else_an_install_hint() {
        let musl = resolve(Some("linux"), || {
            tools(false, &[LINUX_TRIPLE, LINUX_MUSL_TRIPLE], "linux")
        })
        .unwrap();
        assert_eq!(musl.cargo_target.as_deref(), Some(LINUX_MUSL_TRIPLE));
        assert_eq!(musl.builder, Builder::Cargo);

        let err = resolve(Some("linux"), || tools(false, &[LINUX_TRIPLE], "linux")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`--target linux` builds for glibc 2.31, the oldest Azure Functions Linux image's, \
             through cargo-zigbuild, but cargo-zigbuild and Zig are not installed: install them \
             with `pip install cargo-zigbuild ziglang` (or build a static musl handler: \
             `rustup target add x86_64-unknown-linux-musl`)"
        );
        let err = resolve(Some("linux"), || tools(false, &[], "windows")).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("`pip install cargo-zigbuild ziglang`"),
            "{err}"
        );
    }

    #[test]
    fn a_glibc_suffix_needs_zigbuild_and_a_gnu_triple() {
        let ok = resolve(Some("x86_64-unknown-linux-gnu.2.28"), || {
            tools(true, &[LINUX_TRIPLE], "linux")
        })
        .unwrap();
        assert_eq!(ok.glibc, Some(GlibcVersion::new(2, 28)));
        assert_eq!(ok.triple.as_deref(), Some(LINUX_TRIPLE));
        assert_eq!(
            ok.cargo_target.as_deref(),
            Some("x86_64-unknown-linux-gnu.2.28")
        );
        assert_eq!(ok.builder, Builder::Zigbuild);

        let err = resolve(Some("x86_64-unknown-linux-gnu.2.28"), || {
            tools(false, &[LINUX_TRIPLE], "linux")
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`--target x86_64-unknown-linux-gnu.2.28` links against glibc 2.28, through \
             cargo-zigbuild, but cargo-zigbuild and Zig are not installed: install them with \
             `pip install cargo-zigbuild ziglang`"
        );
        let err = resolve(Some("x86_64-unknown-linux-musl.2.28"), || {
            tools(true, &[], "linux")
        })
        .unwrap_err();
        assert!(matches!(err, TargetError::SuffixNotGnu { .. }), "{err}");
        let err = resolve(Some("x86_64-unknown-linux-gnu.two"), || {
            tools(true, &[], "linux")
        })
        .unwrap_err();
        assert!(matches!(err, TargetError::BadGlibcSuffix { .. }), "{err}");
    }

    #[test]
    fn a_missing_std_is_named_with_its_rustup_command() {
        let err = resolve(Some(LINUX_MUSL_TRIPLE), || {
            tools(true, &[LINUX_TRIPLE], "linux")
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the standard library for `x86_64-unknown-linux-musl` is not installed; install it \
             with `rustup target add x86_64-unknown-linux-musl`, or build with `--target linux`"
        );
    }

    #[test]
    fn plain_triples_go_to_cargo_except_linux_from_elsewhere() {
        let windows = resolve(Some("x86_64-pc-windows-gnu"), || {
            tools(false, &["x86_64-pc-windows-gnu"], "linux")
        })
        .unwrap();
        assert_eq!(windows.builder, Builder::Cargo);
        assert!(windows.is_windows());
        let linux = resolve(Some(LINUX_TRIPLE), || tools(true, &[LINUX_TRIPLE], "macos")).unwrap();
        assert_eq!(linux.builder, Builder::Zigbuild);
        assert!(!linux.is_windows());
        let host = resolve(None, || panic!("no tools are looked for without a target")).unwrap();
        assert_eq!(host, BuildTarget::host());
    }
}
