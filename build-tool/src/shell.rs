//! Messages on stderr in cargo's format: right-aligned status verbs, `warning: ...` lines.
//!
//! stdout is kept for what scripts read (folder paths, zip paths, the function list), so every
//! human-facing line goes to stderr, colored only where cargo would color it.

use std::error::Error;
use std::fmt::Display;
use std::io::{IsTerminal as _, Write as _};

use clap::builder::styling::{AnsiColor, Effects, Style};

use crate::error::Warning;

/// Prints a cargo-style status line (`    Emitting ...`) to stderr, the verb right-aligned to
/// 12 columns and in bold green when stderr is a terminal.
pub(crate) fn status(verb: &str, message: impl Display) {
    let style = if stderr_color() {
        AnsiColor::Green.on_default().effects(Effects::BOLD)
    } else {
        Style::new()
    };
    // A closed stderr is no reason to fail a command that worked.
    let _ = writeln!(
        std::io::stderr().lock(),
        "{style}{verb:>12}{style:#} {message}"
    );
}

/// Prints `warning: <message>` to stderr, `warning` in bold yellow on a terminal.
pub(crate) fn warn(warning: &Warning) {
    let (yellow, bold) = if stderr_color() {
        (
            AnsiColor::Yellow.on_default().effects(Effects::BOLD),
            Style::new().effects(Effects::BOLD),
        )
    } else {
        (Style::new(), Style::new())
    };
    let _ = writeln!(
        std::io::stderr().lock(),
        "{yellow}warning{yellow:#}{bold}:{bold:#} {warning}"
    );
}

/// Prints `note: <message>` to stderr, as cargo does for follow-up advice.
pub(crate) fn note(message: impl Display) {
    let style = if stderr_color() {
        AnsiColor::Cyan.on_default().effects(Effects::BOLD)
    } else {
        Style::new()
    };
    let _ = writeln!(std::io::stderr().lock(), "{style}note{style:#}: {message}");
}

/// Whether to color stderr: cargo's `CARGO_TERM_COLOR` (`always`, `never`, `auto`) wins, then
/// `NO_COLOR`, then whether stderr is a terminal.
pub(crate) fn stderr_color() -> bool {
    use_color(
        std::env::var("CARGO_TERM_COLOR").ok().as_deref(),
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        std::io::stderr().is_terminal(),
    )
}

fn use_color(cargo_term_color: Option<&str>, no_color: bool, is_terminal: bool) -> bool {
    match cargo_term_color {
        Some("always") => true,
        Some("never") => false,
        _ => !no_color && is_terminal,
    }
}

/// `3 functions`, `1 function`.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Prints `error: <err>` and its causes to stderr, the way cargo does.
pub fn print_error(err: &dyn Error) {
    let (red, bold) = if stderr_color() {
        (
            AnsiColor::BrightRed.on_default().effects(Effects::BOLD),
            Style::new().effects(Effects::BOLD),
        )
    } else {
        (Style::new(), Style::new())
    };
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{red}error{red:#}{bold}:{bold:#} {err}");
    let mut cause = err.source();
    if cause.is_some() {
        let _ = writeln!(stderr, "\nCaused by:");
    }
    while let Some(error) = cause {
        for line in error.to_string().lines() {
            let _ = writeln!(stderr, "  {line}");
        }
        cause = error.source();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_follows_cargo_then_no_color_then_terminal() {
        assert!(use_color(Some("always"), true, false));
        assert!(!use_color(Some("never"), false, true));
        assert!(use_color(Some("auto"), false, true));
        assert!(!use_color(None, true, true));
        assert!(!use_color(None, false, false));
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(count(1, "function", "functions"), "1 function");
        assert_eq!(count(3, "function", "functions"), "3 functions");
        assert_eq!(count(0, "file", "files"), "0 files");
    }
}
