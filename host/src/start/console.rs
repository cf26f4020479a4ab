//! What `cargo azfn start` prints: `func start`'s console, time-stamped lines with levels.

use std::fmt::Display;
use std::io::{IsTerminal as _, Write as _};

use anstyle::{AnsiColor, Style};

use crate::{LogLevel, OutputLine};

/// The host's console. Lines go to stdout, as `func start` writes them; `quiet` silences it
/// (tests read [`HostEvent`](super::options::HostEvent)s instead).
#[derive(Clone, Debug)]
pub(crate) struct Console {
    quiet: bool,
    color: bool,
}

impl Console {
    pub(crate) fn new(quiet: bool) -> Console {
        let color = match std::env::var("CARGO_TERM_COLOR").ok().as_deref() {
            Some("always") => true,
            Some("never") => false,
            _ => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        };
        Console { quiet, color }
    }

    pub(crate) fn log(&self, level: LogLevel, message: impl Display) {
        if self.quiet {
            return;
        }
        let style = match (self.color, level) {
            (false, _) | (true, LogLevel::Information) => Style::new(),
            (true, LogLevel::Warning) => AnsiColor::Yellow.on_default(),
            (true, LogLevel::Error) => AnsiColor::Red.on_default(),
        };
        let stamp = super::dates::now_iso_millis();
        let mut out = std::io::stdout().lock();
        for line in message.to_string().lines() {
            // A closed stdout must not take the host down.
            let _ = writeln!(out, "{style}[{stamp}] {line}{style:#}");
        }
    }

    pub(crate) fn info(&self, message: impl Display) {
        self.log(LogLevel::Information, message);
    }

    pub(crate) fn warn(&self, message: impl Display) {
        self.log(LogLevel::Warning, message);
    }

    pub(crate) fn error(&self, message: impl Display) {
        self.log(LogLevel::Error, message);
    }

    /// A line of the handler's own output, at the level the host gives it (§1.6).
    pub(crate) fn handler_line(&self, line: &OutputLine) {
        let label = match line.level {
            LogLevel::Information => "",
            LogLevel::Warning => "warn: ",
            LogLevel::Error => "error: ",
        };
        self.log(line.level, format_args!("{label}{}", line.text));
    }

    /// Plain text without a time stamp (the function list at start-up).
    pub(crate) fn plain(&self, message: impl Display) {
        if !self.quiet {
            let _ = writeln!(std::io::stdout().lock(), "{message}");
        }
    }
}
