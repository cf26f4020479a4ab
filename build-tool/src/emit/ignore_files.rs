//! `.funcignore` and `.gitignore` in the app folder: both keep `local.settings.json`, which
//! holds local secrets, where it belongs. Each is written when missing and never changed once
//! it exists; an existing one that lets the file through gets a warning instead.

use std::path::Path;

use crate::error::Warning;
use crate::ignore::IgnoreRules;

/// The file `func azure functionapp publish` (and `cargo azfn pack`) read for what to leave
/// out of a deployment.
pub(crate) const FUNCIGNORE: &str = ".funcignore";
/// Git's ignore file.
pub(crate) const GITIGNORE: &str = ".gitignore";
/// The file that must never be deployed nor committed.
pub(crate) const LOCAL_SETTINGS: &str = "local.settings.json";

/// The `.funcignore` azfn writes.
pub(crate) const DEFAULT_FUNCIGNORE: &str = "\
# Left out of the deployment by `func azure functionapp publish` and `cargo azfn pack`.
# Written by cargo azfn when missing; yours to extend, it is never overwritten.
.git*
.funcignore
.vscode
local.settings.json
.azfn-cache.json
.azfn-functions
*.azfn-tmp
";

/// The `.gitignore` azfn writes.
pub(crate) const DEFAULT_GITIGNORE: &str = "\
# Written by cargo azfn: local.settings.json holds your local connection strings.
local.settings.json
";

/// For each ignore file of the app folder `out_dir`, given its current text (`None` when
/// missing): the text to write (`None` to leave it), and a warning when an existing one does
/// not ignore `local.settings.json`.
pub(super) fn plan(
    out_dir: &Path,
    funcignore: Option<&str>,
    gitignore: Option<&str>,
) -> (Vec<(&'static str, &'static str)>, Vec<Warning>) {
    let mut writes = Vec::new();
    let mut warnings = Vec::new();
    let files = [
        (
            FUNCIGNORE,
            funcignore,
            DEFAULT_FUNCIGNORE,
            "`func azure functionapp publish` would upload it (`cargo azfn pack` leaves it \
             out regardless)",
        ),
        (
            GITIGNORE,
            gitignore,
            DEFAULT_GITIGNORE,
            "git could commit your local connection strings",
        ),
    ];
    for (name, existing, default, risk) in files {
        match existing {
            None => writes.push((name, default)),
            Some(text) if !IgnoreRules::parse(text).is_ignored(LOCAL_SETTINGS, false) => {
                warnings.push(Warning(format!(
                    "`{}` does not list `{LOCAL_SETTINGS}`, so {risk}; add the line \
                     `{LOCAL_SETTINGS}` to it",
                    out_dir.join(name).display()
                )));
            }
            Some(_) => {}
        }
    }
    (writes, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_ignore_local_settings() {
        for text in [DEFAULT_FUNCIGNORE, DEFAULT_GITIGNORE] {
            assert!(IgnoreRules::parse(text).is_ignored(LOCAL_SETTINGS, false));
            assert!(!IgnoreRules::parse(text).is_ignored("host.json", false));
        }
        let rules = IgnoreRules::parse(DEFAULT_FUNCIGNORE);
        assert!(rules.is_ignored(".gitignore", false));
        assert!(rules.is_ignored(".funcignore", false));
        assert!(rules.is_ignored(".host.json.123.azfn-tmp", false));
        assert!(rules.is_ignored(crate::emit::CACHE_FILE, false));
        assert!(!rules.is_ignored("hello/function.json", false));
    }

    #[test]
    fn missing_files_are_written_and_existing_ones_kept() {
        let (writes, warnings) = plan(Path::new("app"), None, None);
        assert_eq!(
            writes,
            [
                (FUNCIGNORE, DEFAULT_FUNCIGNORE),
                (GITIGNORE, DEFAULT_GITIGNORE)
            ]
        );
        assert!(warnings.is_empty());
        let (writes, warnings) = plan(
            Path::new("app"),
            Some("*.json\n"),
            Some("/local.settings.json\n"),
        );
        assert!(writes.is_empty());
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn existing_files_that_let_local_settings_through_get_a_warning() {
        let (writes, warnings) = plan(
            Path::new("app"),
            Some(".vscode\n"),
            Some("*.json\n!local.settings.json\n"),
        );
        assert!(writes.is_empty());
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert_eq!(
            warnings[0].0,
            format!(
                "`{}` does not list `local.settings.json`, so `func azure functionapp publish` \
                 would upload it (`cargo azfn pack` leaves it out regardless); add the line \
                 `local.settings.json` to it",
                Path::new("app").join(".funcignore").display()
            )
        );
        assert!(warnings[1].0.contains("git could commit"), "{warnings:?}");
    }
}
