//! The results table: metric, azfn, baseline, ratio, target, met?, then a value and azfn's
//! ratio to it for each other handler (Go, Node.js).

use std::collections::BTreeMap;

use serde::Serialize;

/// What a row is held to.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Target {
    /// Reported only.
    None,
    /// azfn / baseline must be at least this.
    RatioAtLeast(f64),
    /// azfn / baseline must be at most this.
    RatioAtMost(f64),
    /// azfn's value must be at most this, in the row's unit.
    AtMost(f64),
    /// azfn's value at most the baseline's (for values whose ratio means nothing, such as a
    /// growth in percent that may be near zero).
    AtMostBaseline,
    /// azfn / baseline at most `ratio`, and azfn's value below `value`.
    RatioAtMostAndBelow {
        /// The largest ratio.
        ratio: f64,
        /// The bound on azfn's value, in the row's unit.
        value: f64,
    },
}

/// One measured metric.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// What was measured.
    pub metric: String,
    /// The unit of `azfn` and `baseline`.
    pub unit: &'static str,
    /// azfn's value.
    pub azfn: f64,
    /// The hand-written baseline's value, where there is one.
    pub baseline: Option<f64>,
    /// What the value is held to.
    pub target: Target,
    /// Whether azfn / baseline means something (not for values that are already relative).
    pub has_ratio: bool,
    /// The other handlers' values (`go`, `node`), where they were measured. Their ratios
    /// (azfn / other) are shown like the baseline's; the targets are the baseline's only.
    pub others: BTreeMap<String, f64>,
}

impl Row {
    /// A row with a baseline.
    pub fn compared(
        metric: impl Into<String>,
        unit: &'static str,
        azfn: f64,
        baseline: f64,
        target: Target,
    ) -> Self {
        Self {
            metric: metric.into(),
            unit,
            azfn,
            baseline: Some(baseline),
            target,
            has_ratio: true,
            others: BTreeMap::new(),
        }
    }

    /// A row with a baseline whose ratio to azfn is not shown (a percentage, for instance).
    pub fn compared_without_ratio(
        metric: impl Into<String>,
        unit: &'static str,
        azfn: f64,
        baseline: f64,
        target: Target,
    ) -> Self {
        Self {
            has_ratio: false,
            ..Self::compared(metric, unit, azfn, baseline, target)
        }
    }

    /// A row with azfn's value only.
    pub fn alone(metric: impl Into<String>, unit: &'static str, azfn: f64, target: Target) -> Self {
        Self {
            metric: metric.into(),
            unit,
            azfn,
            baseline: None,
            target,
            has_ratio: false,
            others: BTreeMap::new(),
        }
    }

    /// This row with `handler`'s value.
    pub fn with_other(mut self, handler: &str, value: f64) -> Self {
        self.others.insert(handler.to_owned(), value);
        self
    }

    /// azfn / baseline.
    pub fn ratio(&self) -> Option<f64> {
        self.ratio_to(self.baseline)
    }

    /// azfn / `handler`'s value.
    pub fn ratio_to_other(&self, handler: &str) -> Option<f64> {
        self.ratio_to(self.others.get(handler).copied())
    }

    fn ratio_to(&self, value: Option<f64>) -> Option<f64> {
        value
            .filter(|v| self.has_ratio && *v != 0.0)
            .map(|v| self.azfn / v)
    }

    /// Whether the target is met; `None` when there is none.
    pub fn met(&self) -> Option<bool> {
        let ratio = self.ratio();
        match self.target {
            Target::None => None,
            Target::RatioAtLeast(min) => ratio.map(|r| r >= min),
            Target::RatioAtMost(max) => ratio.map(|r| r <= max),
            Target::AtMost(max) => Some(self.azfn <= max),
            Target::AtMostBaseline => self.baseline.map(|b| self.azfn <= b),
            Target::RatioAtMostAndBelow { ratio: max, value } => {
                ratio.map(|r| r <= max && self.azfn < value)
            }
        }
    }

    fn target_text(&self) -> String {
        match self.target {
            Target::None => "-".into(),
            Target::RatioAtLeast(min) => format!(">= {min:.2}x"),
            Target::RatioAtMost(max) => format!("<= {max:.2}x"),
            Target::AtMost(max) => format!("<= {} {}", number(max), self.unit),
            Target::AtMostBaseline => "<= baseline".into(),
            Target::RatioAtMostAndBelow { ratio, value } => {
                format!("<= {ratio:.2}x and < {} {}", number(value), self.unit)
            }
        }
    }
}

/// A number with as many decimals as its size needs to show three significant digits.
fn number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 100.0 || magnitude == 0.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else if magnitude >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    }
}

/// The whole run: the rows and how they were taken.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// One per metric, in table order.
    pub rows: Vec<Row>,
    /// The other handlers, in column order; each has a column even where it was not measured
    /// (the notes say why).
    pub others: Vec<String>,
    /// How the run was done (mode, rounds, load average), printed under the table.
    pub notes: Vec<String>,
}

impl Report {
    /// The table as GitHub markdown, ready to paste into `benches/README.md`.
    pub fn table(&self) -> String {
        let mut header: Vec<String> = ["metric", "azfn", "baseline", "ratio", "target", "met?"]
            .map(str::to_owned)
            .to_vec();
        for other in &self.others {
            header.push(other.clone());
            header.push(format!("azfn/{other}"));
        }
        let ratio = |r: Option<f64>| r.map_or_else(|| "-".into(), |r| format!("{r:.2}x"));
        let mut lines: Vec<Vec<String>> = vec![header.clone()];
        for row in &self.rows {
            let value = |v: f64| format!("{} {}", number(v), row.unit);
            let mut line = vec![
                row.metric.clone(),
                value(row.azfn),
                row.baseline.map(value).unwrap_or_else(|| "-".into()),
                ratio(row.ratio()),
                row.target_text(),
                match row.met() {
                    Some(true) => "yes".into(),
                    Some(false) => "NO".into(),
                    None => "-".into(),
                },
            ];
            for other in &self.others {
                line.push(
                    row.others
                        .get(other)
                        .map_or_else(|| "-".into(), |v| value(*v)),
                );
                line.push(ratio(row.ratio_to_other(other)));
            }
            lines.push(line);
        }
        let widths: Vec<usize> = (0..header.len())
            .map(|c| {
                lines
                    .iter()
                    .map(|l| l[c].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        for (i, line) in lines.iter().enumerate() {
            out.push('|');
            for (cell, width) in line.iter().zip(&widths) {
                // Numbers right-aligned, text left-aligned, as a reader scans them.
                let numeric = i > 0
                    && cell
                        .trim_start_matches('-')
                        .starts_with(|c: char| c.is_ascii_digit());
                let pad = width - cell.chars().count();
                if numeric {
                    out.push_str(&format!(" {}{cell} |", " ".repeat(pad)));
                } else {
                    out.push_str(&format!(" {cell}{} |", " ".repeat(pad)));
                }
            }
            out.push('\n');
            if i == 0 {
                out.push('|');
                for width in &widths {
                    out.push_str(&format!("{}|", "-".repeat(width + 2)));
                }
                out.push('\n');
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_judged_on_the_ratio_or_the_value() {
        let fast = Row::compared("rps", "req/s", 95.0, 100.0, Target::RatioAtLeast(0.9));
        assert_eq!(fast.met(), Some(true));
        let slow = Row::compared("p99", "ms", 1.3, 1.0, Target::RatioAtMost(1.2));
        assert_eq!(slow.met(), Some(false));
        let cold = Row::compared(
            "cold",
            "ms",
            12.0,
            10.0,
            Target::RatioAtMostAndBelow {
                ratio: 1.5,
                value: 10.0,
            },
        );
        assert_eq!(cold.met(), Some(false), "under 1.5x but not under 10 ms");
        let size = Row::alone("size", "MB", 3.2, Target::AtMost(4.0));
        let grew_less =
            Row::compared_without_ratio("growth", "%", 0.4, 1.1, Target::AtMostBaseline);
        assert_eq!(grew_less.met(), Some(true));
        let grew_more =
            Row::compared_without_ratio("growth", "%", 1.2, 1.1, Target::AtMostBaseline);
        assert_eq!(grew_more.met(), Some(false));
        assert_eq!(size.met(), Some(true));
        assert_eq!(size.ratio(), None);
    }

    #[test]
    fn other_handlers_get_a_value_and_a_ratio_column_each() {
        let report = Report {
            rows: vec![
                Row::compared(
                    "throughput",
                    "req/s",
                    300.0,
                    330.0,
                    Target::RatioAtLeast(0.9),
                )
                .with_other("go", 150.0),
                Row::compared_without_ratio("growth", "%", 5.0, 4.0, Target::None)
                    .with_other("go", 2.0)
                    .with_other("node", 8.0),
            ],
            others: vec!["go".into(), "node".into()],
            notes: vec![],
        };
        let table = report.table();
        let cells = |line: &str| -> Vec<String> {
            line.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect()
        };
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            cells(lines[0])[6..],
            ["go", "azfn/go", "node", "azfn/node"].map(String::from)
        );
        // The baseline's ratio and target are unchanged; Go's ratio beside it; Node not measured.
        assert_eq!(
            cells(lines[2])[3..],
            ["0.91x", ">= 0.90x", "yes", "150 req/s", "2.00x", "-", "-"].map(String::from)
        );
        assert_eq!(
            cells(lines[3])[6..],
            ["2.00 %", "-", "8.00 %", "-"].map(String::from)
        );
    }

    #[test]
    fn the_table_has_a_header_a_rule_and_a_line_per_row() {
        let report = Report {
            rows: vec![
                Row::compared(
                    "throughput",
                    "req/s",
                    20000.0,
                    21000.0,
                    Target::RatioAtLeast(0.9),
                ),
                Row::alone("emit", "ms", 12.5, Target::AtMost(100.0)),
            ],
            others: vec![],
            notes: vec![],
        };
        let table = report.table();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("| metric"));
        assert!(lines[1].starts_with("|---"));
        assert!(
            lines[2].contains("0.95x") && lines[2].contains("yes"),
            "{table}"
        );
        assert!(
            lines[3].contains("12.5 ms") && lines[3].contains("<= 100 ms"),
            "{table}"
        );
    }
}
