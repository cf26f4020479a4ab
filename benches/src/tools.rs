//! The programs the suite runs that Cargo does not build: wrk, Go, Node.js and npm. They are
//! looked up on `PATH`; wrk and Go are installed with apt-get (Debian's `wrk` and `golang-go`)
//! when missing, which needs root, as CI and the project's machines have.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// `name`'s executable on `PATH`, if there is one.
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Installs the Debian package `package` with apt-get, quietly. A fresh machine has no package
/// lists yet, so when the first attempt fails the lists are refreshed (`apt-get update`) and it
/// is tried once more. Returns why it failed, with apt-get's last words.
pub fn apt_install(package: &str) -> Result<(), String> {
    if find_program("apt-get").is_none() {
        return Err("apt-get is not available on this machine".into());
    }
    let install = || {
        run_quiet(
            Command::new("apt-get")
                .args(["install", "-y", "-q", package])
                .env("DEBIAN_FRONTEND", "noninteractive"),
            &format!("apt-get install -y {package}"),
        )
    };
    if install().is_ok() {
        return Ok(());
    }
    run_quiet(
        Command::new("apt-get")
            .args(["update", "-q"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
        "apt-get update",
    )?;
    install()
}

/// Runs `command` with its output captured; on failure, says which command and shows the end of
/// what it printed.
pub fn run_quiet(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `{what}`: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{what}` exited with {}: {}",
            output.status,
            last_lines(&output.stderr, &output.stdout)
        ))
    }
}

/// The last few non-empty lines of `stderr` (or of `stdout` when stderr is empty), on one line.
fn last_lines(stderr: &[u8], stdout: &[u8]) -> String {
    let text = if stderr.iter().any(|b| !b.is_ascii_whitespace()) {
        String::from_utf8_lossy(stderr)
    } else {
        String::from_utf8_lossy(stdout)
    };
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let tail = &lines[lines.len().saturating_sub(3)..];
    if tail.is_empty() {
        "(no output)".into()
    } else {
        tail.join(" / ")
    }
}

/// The first line `program args` prints on stdout or stderr (a version banner), whatever its
/// exit status (`wrk -v` exits with 1).
pub fn first_line(program: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    [&output.stdout, &output.stderr]
        .into_iter()
        .find_map(|stream| {
            String::from_utf8_lossy(stream)
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(str::to_owned)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_found_on_path_and_missing_ones_are_not() {
        let sh = find_program("sh").expect("sh is on PATH");
        assert!(sh.is_absolute(), "{}", sh.display());
        assert_eq!(find_program("azfn-bench-no-such-program"), None);
    }

    #[test]
    fn a_failing_command_says_what_it_printed() {
        let error = run_quiet(
            Command::new("sh").args(["-c", "echo one >&2; echo two >&2; exit 3"]),
            "the test command",
        )
        .unwrap_err();
        assert!(error.contains("`the test command`"), "{error}");
        assert!(error.contains("one / two"), "{error}");
        assert!(run_quiet(&mut Command::new("true"), "true").is_ok());
    }
}
