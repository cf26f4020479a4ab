//! `.funcignore` files, read with the `.gitignore` pattern language as `func azure functionapp
//! publish` reads them, so that `cargo azfn pack` leaves out exactly what it would.
//!
//! The patterns are matched by the `ignore` crate's gitignore matcher. Two git behaviours sit
//! on top of it: nothing inside an ignored folder can be brought back by a later `!` pattern
//! (the crate answers for the path alone), and a pattern git would take literally (an unclosed
//! `[`) is matched literally instead of being dropped as invalid.

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// A parsed ignore file.
#[derive(Debug, Clone)]
pub(crate) struct IgnoreRules {
    matcher: Gitignore,
}

impl Default for IgnoreRules {
    fn default() -> Self {
        Self {
            matcher: Gitignore::empty(),
        }
    }
}

impl IgnoreRules {
    /// Parses the text of an ignore file.
    pub(crate) fn parse(text: &str) -> Self {
        let mut builder = GitignoreBuilder::new("");
        for line in text.lines() {
            if builder.add_line(None, line).is_err() {
                // git matches a pattern it cannot read as a glob character for character.
                let literal: String = line
                    .chars()
                    .flat_map(|c| {
                        let special = matches!(c, '[' | ']' | '*' | '?' | '{' | '}' | '\\');
                        special.then_some('\\').into_iter().chain([c])
                    })
                    .collect();
                // Escaped, every glob is valid; a line that still fails cannot match anything.
                let _ = builder.add_line(None, &literal);
            }
        }
        let matcher = builder.build().unwrap_or_else(|_| Gitignore::empty());
        Self { matcher }
    }

    /// Whether `path` (relative to the folder of the ignore file, `/`-separated) is ignored,
    /// either itself or because a folder above it is.
    pub(crate) fn is_ignored(&self, path: &str, is_dir: bool) -> bool {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        (1..parts.len()).any(|end| self.matches(&parts[..end].join("/"), true))
            || self.matches(&parts.join("/"), is_dir)
    }

    /// Whether the last rule that matches `path` itself ignores it.
    fn matches(&self, path: &str, is_dir: bool) -> bool {
        self.matcher.matched(path, is_dir).is_ignore()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignored(rules: &str, path: &str) -> bool {
        IgnoreRules::parse(rules).is_ignored(path, false)
    }

    #[test]
    fn plain_names_match_at_any_depth() {
        assert!(ignored("local.settings.json", "local.settings.json"));
        assert!(ignored("local.settings.json", "a/local.settings.json"));
        assert!(!ignored("local.settings.json", "local.settings.json.bak"));
    }

    #[test]
    fn comments_blank_lines_and_trailing_spaces_are_ignored() {
        let rules = "# a comment\n\n  \nfoo   \n";
        assert!(ignored(rules, "foo"));
        assert!(!ignored(rules, "# a comment"));
    }

    #[test]
    fn stars_stay_within_a_folder_and_double_stars_cross_them() {
        assert!(ignored("*.md", "README.md"));
        assert!(ignored("*.md", "docs/guide.md"));
        assert!(ignored("/*.md", "README.md"));
        assert!(!ignored("/*.md", "docs/guide.md"));
        assert!(ignored("docs/**/*.png", "docs/a/b/c.png"));
        assert!(ignored("docs/**/*.png", "docs/c.png"));
        assert!(ignored("**/cache", "x/y/cache"));
        assert!(ignored("logs/**", "logs/a/b"));
        assert!(ignored("file?.txt", "file1.txt"));
        assert!(!ignored("file?.txt", "file10.txt"));
    }

    #[test]
    fn classes_match_one_character() {
        assert!(ignored("*.[oa]", "x.o"));
        assert!(!ignored("*.[!oa]", "x.o"));
        assert!(ignored("v[0-9]", "v7"));
        assert!(ignored("[", "["));
    }

    #[test]
    fn folder_patterns_match_folders_and_everything_inside() {
        let rules = IgnoreRules::parse(".vscode/\n");
        assert!(rules.is_ignored(".vscode", true));
        assert!(!rules.is_ignored(".vscode", false));
        assert!(rules.is_ignored(".vscode/settings.json", false));
    }

    #[test]
    fn the_last_match_wins_but_an_ignored_folder_stays_ignored() {
        assert!(!ignored("*.json\n!host.json\n", "host.json"));
        assert!(ignored("*.json\n!host.json\n", "hello/function.json"));
        assert!(ignored(
            "hello\n!hello/function.json\n",
            "hello/function.json"
        ));
        assert!(ignored("!x\nx\n", "x"));
    }

    #[test]
    fn anchored_patterns_match_from_the_root() {
        assert!(ignored("/test", "test"));
        assert!(!ignored("/test", "a/test"));
        assert!(ignored("a/b", "a/b"));
        assert!(!ignored("a/b", "x/a/b"));
    }

    #[test]
    fn escapes_make_special_characters_literal() {
        assert!(ignored("\\!important", "!important"));
        assert!(ignored("a\\*", "a*"));
        assert!(!ignored("a\\*", "ab"));
    }
}
