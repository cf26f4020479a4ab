//! The Linux images the Functions host runs a custom handler on, and the glibc each one ships:
//! the floor a Linux handler must not need more than. This table is the only place azfn keeps
//! these facts.
//!
//! A custom handler app (`FUNCTIONS_WORKER_RUNTIME=custom`) does not choose its image: its
//! stack's `linuxFxVersion` is empty, and the platform starts it on one of the Functions v4
//! images. So a handler is safe only if it runs on the oldest of them.
//!
//! Sources, in `Azure/azure-functions-docker` at commit `020dbf319bc9` (2024-10-23):
//! - `README.md`, "V4 Images": the OS of every `mcr.microsoft.com/azure-functions/*` v4 tag.
//!   `base:4` and `base:4-appservice`, `node:4-node20`, `python:4-python3.9`..`3.11`,
//!   `java:4-java17` and `dotnet:4` are Debian 11; `dotnet-isolated:4-dotnet-isolated8.0`,
//!   `node:4-node22`, `python:4-python3.12`, `java:4-java21` and `powershell:4-powershell7.4`
//!   are Debian 12.
//! - `host/4/bullseye/**/*.Dockerfile`: the final stage is `FROM
//!   mcr.microsoft.com/dotnet/runtime-deps:6.0` (Debian 11 "bullseye");
//!   `host/4/bookworm/**/*.Dockerfile`: `FROM mcr.microsoft.com/dotnet/aspnet:8.0-bookworm-slim-amd64`
//!   (Debian 12 "bookworm"); `host/4/mariner/dotnet-isolated/dotnet8-isolated-mariner.Dockerfile`:
//!   `FROM mcr.microsoft.com/dotnet/runtime:8.0-cbl-mariner2.0` (CBL-Mariner 2.0).
//! - The glibc of each distribution release: Debian 11 ships glibc 2.31, Debian 12 glibc 2.36,
//!   CBL-Mariner 2.0 glibc 2.35.
//!
//! Every image is `amd64`: the README lists only "Linux amd64 Tags".

use std::fmt;

/// A glibc release, `major.minor`, ordered as glibc orders its symbol versions (`GLIBC_2.34`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GlibcVersion {
    /// `2` for every glibc in use.
    pub major: u16,
    /// The release: `34` in 2.34.
    pub minor: u16,
}

impl GlibcVersion {
    /// `major.minor`.
    pub const fn new(major: u16, minor: u16) -> Self {
        Self { major, minor }
    }

    /// Reads `2.34` (a version as the `.2.34` suffix of a cargo-zigbuild target writes it).
    pub fn parse(text: &str) -> Option<Self> {
        let (major, minor) = text.split_once('.')?;
        let number = |s: &str| {
            (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
        };
        Some(Self::new(number(major)?, number(minor)?))
    }

    /// Reads a symbol version, `GLIBC_2.34` (a third component, `GLIBC_2.2.5`, counts as its
    /// `major.minor`); `None` for anything else, `GLIBC_PRIVATE` included.
    pub fn from_symbol_version(name: &str) -> Option<Self> {
        let version = name.strip_prefix("GLIBC_")?;
        let mut parts = version.splitn(3, '.');
        let major = parts.next()?;
        let minor = parts.next()?;
        if let Some(patch) = parts.next()
            && (patch.is_empty() || !patch.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        Self::parse(&format!("{major}.{minor}"))
    }
}

impl fmt::Display for GlibcVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// One family of Functions v4 Linux images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerImage {
    /// The images, as `mcr.microsoft.com/azure-functions/<repository>:<tags>`.
    pub images: &'static str,
    /// The distribution they are built on.
    pub os: &'static str,
    /// The glibc that distribution ships.
    pub glibc: GlibcVersion,
}

/// The Functions v4 Linux images (see the module documentation for the sources).
pub const WORKER_IMAGES: [WorkerImage; 3] = [
    WorkerImage {
        images: "base:4, node:4-node20, python:4-python3.9 to 3.11, java:4-java17, dotnet:4",
        os: "Debian 11 bullseye",
        glibc: GlibcVersion::new(2, 31),
    },
    WorkerImage {
        images: "dotnet-isolated 8.0 built on CBL-Mariner (host/4/mariner)",
        os: "CBL-Mariner 2.0",
        glibc: GlibcVersion::new(2, 35),
    },
    WorkerImage {
        images: "dotnet-isolated:4-dotnet-isolated8.0, node:4-node22, python:4-python3.12, \
                 java:4-java21, powershell:4-powershell7.4",
        os: "Debian 12 bookworm",
        glibc: GlibcVersion::new(2, 36),
    },
];

/// The CPU of every Functions v4 Linux image (`amd64`: the README lists only "Linux amd64 Tags",
/// and `host/4/` has no image for another architecture), as [`HandlerBinary`]'s `arch` names it.
///
/// [`HandlerBinary`]: crate::handler_binary::HandlerBinary
pub const WORKER_ARCH: &str = "x86_64";

/// The image with the oldest glibc: what a Linux handler must run on.
pub fn oldest_image() -> &'static WorkerImage {
    WORKER_IMAGES
        .iter()
        .min_by_key(|image| image.glibc)
        .expect("the table is not empty")
}

/// The glibc of [`oldest_image`]: the floor `--target linux` builds for.
pub fn oldest_glibc() -> GlibcVersion {
    oldest_image().glibc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_is_debian_11s_glibc() {
        assert_eq!(oldest_glibc(), GlibcVersion::new(2, 31));
        assert_eq!(oldest_image().os, "Debian 11 bullseye");
    }

    #[test]
    fn versions_read_as_glibc_writes_them_and_order_by_number() {
        assert_eq!(GlibcVersion::parse("2.28"), Some(GlibcVersion::new(2, 28)));
        assert_eq!(
            GlibcVersion::from_symbol_version("GLIBC_2.34"),
            Some(GlibcVersion::new(2, 34))
        );
        assert_eq!(
            GlibcVersion::from_symbol_version("GLIBC_2.2.5"),
            Some(GlibcVersion::new(2, 2))
        );
        for not_a_release in [
            "GLIBC_PRIVATE",
            "GLIBCXX_3.4",
            "GLIBC_2",
            "2.x",
            "GLIBC_2.3.x",
        ] {
            assert_eq!(
                GlibcVersion::from_symbol_version(not_a_release),
                None,
                "{not_a_release}"
            );
        }
        assert_eq!(GlibcVersion::parse("2.x"), None);
        assert!(GlibcVersion::new(2, 9) < GlibcVersion::new(2, 10));
        assert_eq!(GlibcVersion::new(2, 31).to_string(), "2.31");
    }
}
