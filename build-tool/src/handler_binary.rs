//! What a handler executable is, read from its headers with the `object` crate: a Linux ELF
//! linked against glibc (and the newest glibc symbol version it needs), a static or musl Linux
//! executable, a Windows PE file or a macOS Mach-O file.
//!
//! The glibc a dynamically linked ELF needs is the highest `GLIBC_x.y` among its version
//! needs (`SHT_GNU_VERNEED`, what `objdump -p` prints as "Version References"): the dynamic
//! loader refuses to start it on an older glibc with "version `GLIBC_x.y' not found".
//! Only the headers and the sections read are loaded (`object::ReadCache`), never the whole
//! executable.

use std::fmt;
use std::fs::File;
use std::path::Path;

use object::read::elf::{FileHeader, ProgramHeader as _};
use object::{FileKind, ReadCache, ReadRef, elf};

use crate::workers::{GlibcVersion, WorkerImage, oldest_image};

/// The kind of executable a handler is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandlerBinary {
    /// A Linux executable that the glibc dynamic loader starts.
    LinuxGlibc {
        /// The CPU (`x86_64`, `aarch64`).
        arch: &'static str,
        /// The newest glibc symbol version it needs; `None` when it needs none by version.
        glibc: Option<GlibcVersion>,
    },
    /// A Linux executable linked against musl's dynamic loader.
    LinuxMusl {
        /// The CPU.
        arch: &'static str,
    },
    /// A statically linked Linux executable (musl's default, or static glibc): it needs no
    /// libc from the system.
    LinuxStatic {
        /// The CPU.
        arch: &'static str,
    },
    /// A Windows (PE) executable: runs only on a Windows Function App, as `<name>.exe`.
    Windows,
    /// A macOS (Mach-O) executable: Azure Functions has no macOS workers.
    MacOs,
    /// Anything else (a 32-bit or unknown format).
    Other,
}

impl HandlerBinary {
    /// Reads the headers of the executable at `path`.
    pub fn read(path: &Path) -> std::io::Result<Self> {
        let cache = ReadCache::new(File::open(path)?);
        Ok(Self::parse(&cache))
    }

    /// Classifies an executable from its bytes; a file that does not parse is [`Other`](Self::Other).
    pub fn parse<'data, R: ReadRef<'data>>(data: R) -> Self {
        match FileKind::parse(data) {
            Ok(FileKind::Elf64) => match elf::FileHeader64::<object::Endianness>::parse(data) {
                Ok(header) => linux(header, data).unwrap_or(Self::Other),
                Err(_) => Self::Other,
            },
            Ok(FileKind::Pe32 | FileKind::Pe64) => Self::Windows,
            Ok(
                FileKind::MachO64 | FileKind::MachO32 | FileKind::MachOFat64 | FileKind::MachOFat32,
            ) => Self::MacOs,
            _ => Self::Other,
        }
    }

    /// Whether this runs on Azure's Linux workers as far as its format goes.
    pub fn is_linux(&self) -> bool {
        matches!(
            self,
            Self::LinuxGlibc { .. } | Self::LinuxMusl { .. } | Self::LinuxStatic { .. }
        )
    }

    /// The CPU of a Linux executable (`x86_64`, `aarch64`, ...); `None` for any other kind.
    pub fn linux_arch(&self) -> Option<&'static str> {
        match self {
            Self::LinuxGlibc { arch, .. }
            | Self::LinuxMusl { arch }
            | Self::LinuxStatic { arch } => Some(arch),
            _ => None,
        }
    }

    /// The glibc this needs when it is newer than the oldest Functions Linux image's: the
    /// handler would fail to start there.
    pub fn glibc_too_new(&self) -> Option<GlibcTooNew> {
        self.glibc_above(oldest_image())
    }

    /// [`glibc_too_new`](Self::glibc_too_new) against a given image.
    pub fn glibc_above(&self, image: &'static WorkerImage) -> Option<GlibcTooNew> {
        match self {
            Self::LinuxGlibc {
                glibc: Some(needs), ..
            } if *needs > image.glibc => Some(GlibcTooNew {
                needs: *needs,
                image,
            }),
            _ => None,
        }
    }
}

impl fmt::Display for HandlerBinary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::LinuxGlibc {
                arch,
                glibc: Some(glibc),
            } => write!(f, "Linux {arch}, needs glibc {glibc}"),
            Self::LinuxGlibc { arch, glibc: None } => {
                write!(f, "Linux {arch}, glibc without version needs")
            }
            Self::LinuxMusl { arch } => write!(f, "Linux {arch}, musl (needs no glibc)"),
            Self::LinuxStatic { arch } => {
                write!(f, "Linux {arch}, statically linked (needs no glibc)")
            }
            Self::Windows => f.write_str("Windows executable (.exe)"),
            Self::MacOs => f.write_str("macOS executable (no Azure Functions worker runs it)"),
            Self::Other => f.write_str("unrecognised executable format"),
        }
    }
}

/// A handler needing a newer glibc than a Functions image has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlibcTooNew {
    /// What the handler needs.
    pub needs: GlibcVersion,
    /// The image it would not start on.
    pub image: &'static WorkerImage,
}

impl fmt::Display for GlibcTooNew {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "it needs glibc {} (symbol version GLIBC_{}), newer than glibc {} of the oldest \
             Azure Functions Linux image ({}), where it would fail to start with \"version \
             `GLIBC_{}' not found\"; build it with `--target linux` (through cargo-zigbuild, \
             for glibc {})",
            self.needs, self.needs, self.image.glibc, self.image.os, self.needs, self.image.glibc
        )
    }
}

fn arch_name(machine: elf::Machine) -> &'static str {
    match machine {
        elf::EM_X86_64 => "x86_64",
        elf::EM_AARCH64 => "aarch64",
        elf::EM_386 => "x86",
        elf::EM_ARM => "arm",
        _ => "unknown CPU",
    }
}

fn linux<'data, Elf: FileHeader, R: ReadRef<'data>>(
    header: &Elf,
    data: R,
) -> object::Result<HandlerBinary> {
    let endian = header.endian()?;
    let arch = arch_name(header.e_machine(endian));
    let mut interpreter = None;
    for segment in header.program_headers(endian, data)? {
        if let Some(path) = segment.interpreter(endian, data)? {
            interpreter = Some(path);
        }
    }
    let Some(interpreter) = interpreter else {
        return Ok(HandlerBinary::LinuxStatic { arch });
    };
    if interpreter
        .windows(b"ld-musl".len())
        .any(|w| w == b"ld-musl")
    {
        return Ok(HandlerBinary::LinuxMusl { arch });
    }
    let sections = header.sections(endian, data)?;
    let mut newest: Option<GlibcVersion> = None;
    if let Some((mut needs, link)) = sections.gnu_verneed(endian, data)? {
        let strings = sections.strings(endian, data, link)?;
        while let Some((_, mut versions)) = needs.next()? {
            while let Some(version) = versions.next()? {
                let name = version.name(endian, strings)?;
                let glibc = std::str::from_utf8(name)
                    .ok()
                    .and_then(GlibcVersion::from_symbol_version);
                newest = newest.max(glibc);
            }
        }
    }
    Ok(HandlerBinary::LinuxGlibc {
        arch,
        glibc: newest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_test_binary_is_read_like_objdump_reads_it() {
        // The test executable itself: a real ELF linked by this machine's toolchain.
        let me = std::env::current_exe().unwrap();
        let binary = HandlerBinary::read(&me).unwrap();
        if cfg!(all(target_os = "linux", target_env = "gnu")) {
            let HandlerBinary::LinuxGlibc {
                glibc: Some(glibc), ..
            } = binary
            else {
                panic!("{binary:?}");
            };
            // Every glibc program needs at least GLIBC_2.2.5 on x86_64.
            assert!(glibc >= GlibcVersion::new(2, 2), "{glibc}");
        }
    }

    #[test]
    fn pe_and_mach_o_and_junk_are_named() {
        // The smallest headers `object` recognises.
        let mut pe = vec![0u8; 0x100];
        pe[..2].copy_from_slice(b"MZ");
        pe[0x3c] = 0x40;
        pe[0x40..0x44].copy_from_slice(b"PE\0\0");
        pe[0x54] = 0xf0; // SizeOfOptionalHeader
        pe[0x58..0x5a].copy_from_slice(&0x20bu16.to_le_bytes()); // PE32+ magic
        assert_eq!(HandlerBinary::parse(&pe[..]), HandlerBinary::Windows);
        let mut macho = [0u8; 32];
        macho[..8].copy_from_slice(&[0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]);
        assert_eq!(HandlerBinary::parse(&macho[..]), HandlerBinary::MacOs);
        assert_eq!(
            HandlerBinary::parse(&b"\x7fELF..."[..]),
            HandlerBinary::Other
        );
        assert_eq!(
            HandlerBinary::parse(&b"#!/bin/sh\n"[..]),
            HandlerBinary::Other
        );
    }

    #[test]
    fn only_glibc_newer_than_the_floor_is_too_new() {
        let needs = |minor| HandlerBinary::LinuxGlibc {
            arch: "x86_64",
            glibc: Some(GlibcVersion::new(2, minor)),
        };
        assert_eq!(needs(31).glibc_too_new(), None);
        let too_new = needs(34).glibc_too_new().unwrap();
        assert_eq!(too_new.needs, GlibcVersion::new(2, 34));
        let text = too_new.to_string();
        assert!(text.contains("needs glibc 2.34"), "{text}");
        assert!(text.contains("glibc 2.31 of the oldest"), "{text}");
        assert_eq!(
            HandlerBinary::LinuxStatic { arch: "x86_64" }.glibc_too_new(),
            None
        );
        assert_eq!(HandlerBinary::Windows.glibc_too_new(), None);
    }
}
