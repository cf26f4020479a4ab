//! Issue 13: every timer schedule the project writes down goes through both the compile-time
//! check (`azfn_spec::schedule::parse_setting`, what `#[timer_trigger]` calls) and the local
//! host's path (`azfn_host::start::timer::schedule_from_setting`, then the next occurrence),
//! and the two must agree: accepted by both with an occurrence to wait for, or refused by both.
//!
//! The schedules come from the catalog's examples, `examples/*/src`, `tests/ui/pass` (all must
//! be accepted) and the `tests/ui/fail/schedule_*` fixtures (all must be refused).

use std::path::{Path, PathBuf};

use azfn_host::start::timer::{next_occurrence, schedule_from_setting};
use azfn_spec::schedule::{ScheduleSetting, parse_setting};
use time::macros::datetime;

/// The `schedule = "..."` values in `text`.
fn schedules_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("schedule") {
        rest = &rest[at + "schedule".len()..];
        let after_key = rest.trim_start();
        let Some(value) = after_key.strip_prefix('=') else {
            continue;
        };
        let Some(quoted) = value.trim_start().strip_prefix('"') else {
            continue;
        };
        if let Some(end) = quoted.find('"') {
            out.push(quoted[..end].to_owned());
        }
    }
    out
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the host crate is inside the repository")
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn schedules_in_files(files: &[PathBuf]) -> Vec<(String, String)> {
    files
        .iter()
        .flat_map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let place = path
                .strip_prefix(repository())
                .unwrap()
                .display()
                .to_string();
            schedules_in(&text)
                .into_iter()
                .map(move |schedule| (place.clone(), schedule))
        })
        .collect()
}

/// Whether each path accepts `schedule`; panics when they disagree.
fn agreed(place: &str, schedule: &str) -> bool {
    let compile_time = parse_setting(schedule);
    if let Ok(ScheduleSetting::AppSetting(_)) = compile_time {
        // Checked only once the host knows the setting's value.
        return true;
    }
    let local_host = schedule_from_setting(schedule).map(|s| {
        let after = datetime!(2026-01-01 10:02:30 UTC);
        (next_occurrence(&s, after), after)
    });
    if let Ok((next, after)) = local_host {
        assert!(next > after, "{place}: `{schedule}` never fires");
    }
    assert_eq!(
        compile_time.is_ok(),
        local_host.is_ok(),
        "{place}: `{schedule}`: the compile-time check says {compile_time:?}, the local host \
         {local_host:?}"
    );
    compile_time.is_ok()
}

#[test]
fn accepted_schedules_are_accepted_by_both() {
    let mut found: Vec<(String, String)> = azfn_spec::catalog::TRIGGERS
        .iter()
        .chain(azfn_spec::catalog::BINDINGS)
        .flat_map(|kind| {
            schedules_in(kind.example)
                .into_iter()
                .map(|s| (format!("catalog {}", kind.attr), s))
        })
        .collect();
    let mut files = Vec::new();
    for example in std::fs::read_dir(repository().join("examples"))
        .unwrap()
        .flatten()
    {
        rust_files(&example.path().join("src"), &mut files);
    }
    rust_files(&repository().join("tests/ui/pass"), &mut files);
    found.extend(schedules_in_files(&files));
    // Issue 13: NCrontab matches day names by prefix, so the host accepts a full name.
    found.push(("issue 13".into(), "0 0 9 * * Monday".into()));
    assert!(found.len() >= 6, "too few schedules found: {found:?}");
    for (place, schedule) in &found {
        assert!(agreed(place, schedule), "{place}: `{schedule}` is refused");
    }
}

#[test]
fn refused_schedules_are_refused_by_both() {
    let mut files = Vec::new();
    rust_files(&repository().join("tests/ui/fail"), &mut files);
    files.retain(|f| {
        f.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("schedule_"))
    });
    let mut found = schedules_in_files(&files);
    assert!(found.len() >= 10, "too few schedules found: {found:?}");
    // Issue 13: NCrontab's day-of-week is 0-6; the local host ran `7` as Sunday.
    found.push(("issue 13".into(), "0 0 12 * * 7".into()));
    for (place, schedule) in &found {
        assert!(
            !agreed(place, schedule),
            "{place}: `{schedule}` is accepted"
        );
    }
}
