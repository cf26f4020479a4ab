//! The `.gitignore` pattern language, as far as `.funcignore` files use it, so that
//! `cargo azfn pack` leaves out exactly what `func azure functionapp publish` leaves out.
//!
//! Supported: comments, blank lines, `!` negation, a trailing `/` for folders only, patterns
//! anchored by a `/` at the start or in the middle, `*`, `?`, `[...]` classes and `**`. As in
//! git, the last matching pattern wins, and nothing inside an ignored folder can be brought
//! back.

/// A parsed ignore file.
#[derive(Debug, Clone, Default)]
pub(crate) struct IgnoreRules {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
struct Rule {
    negate: bool,
    dir_only: bool,
    /// Matched against the whole relative path rather than the last component.
    anchored: bool,
    pattern: Vec<char>,
}

impl IgnoreRules {
    /// Parses the text of an ignore file.
    pub(crate) fn parse(text: &str) -> Self {
        let rules = text.lines().filter_map(parse_line).collect();
        Self { rules }
    }

    /// Whether `path` (relative to the folder of the ignore file, `/`-separated) is ignored,
    /// either itself or because a folder above it is.
    pub(crate) fn is_ignored(&self, path: &str, is_dir: bool) -> bool {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        for end in 1..parts.len() {
            if self.matches(&parts[..end].join("/"), true) {
                return true;
            }
        }
        self.matches(&parts.join("/"), is_dir)
    }

    /// Whether the last rule that matches `path` itself ignores it.
    fn matches(&self, path: &str, is_dir: bool) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        let mut ignored = false;
        for rule in &self.rules {
            if rule.dir_only && !is_dir {
                continue;
            }
            let subject = if rule.anchored { path } else { name };
            let subject: Vec<char> = subject.chars().collect();
            if glob(&rule.pattern, &subject) {
                ignored = !rule.negate;
            }
        }
        ignored
    }
}

fn parse_line(line: &str) -> Option<Rule> {
    let line = line.trim_end();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let (negate, line) = match line.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, line.strip_prefix('\\').unwrap_or(line)),
    };
    let (dir_only, line) = match line.strip_suffix('/') {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let anchored = line.contains('/');
    let line = line.strip_prefix('/').unwrap_or(line);
    if line.is_empty() {
        return None;
    }
    Some(Rule {
        negate,
        dir_only,
        anchored,
        pattern: line.chars().collect(),
    })
}

/// Matches a gitignore glob against a whole subject.
fn glob(pattern: &[char], subject: &[char]) -> bool {
    match pattern.split_first() {
        None => subject.is_empty(),
        Some(('*', rest)) if rest.first() == Some(&'*') => {
            // `**/` also matches no folder at all; `**` matches across `/`.
            let rest = &rest[1..];
            if let Some(after_slash) = rest.strip_prefix(&['/'])
                && glob(after_slash, subject)
            {
                return true;
            }
            (0..=subject.len()).any(|i| glob(rest, &subject[i..]))
        }
        Some(('*', rest)) => {
            for i in 0..=subject.len() {
                if glob(rest, &subject[i..]) {
                    return true;
                }
                if subject.get(i) == Some(&'/') {
                    break;
                }
            }
            false
        }
        Some(('?', rest)) => match subject.split_first() {
            Some((c, tail)) if *c != '/' => glob(rest, tail),
            _ => false,
        },
        Some(('[', rest)) => match (class(rest), subject.split_first()) {
            (Some((matches, after)), Some((c, tail))) if *c != '/' && matches(*c) => {
                glob(after, tail)
            }
            (Some(_), _) => false,
            // An unclosed `[` is a literal, as in git.
            (None, Some(('[', tail))) => glob(rest, tail),
            (None, _) => false,
        },
        Some(('\\', rest)) if !rest.is_empty() => match subject.split_first() {
            Some((c, tail)) if *c == rest[0] => glob(&rest[1..], tail),
            _ => false,
        },
        Some((p, rest)) => match subject.split_first() {
            Some((c, tail)) if c == p => glob(rest, tail),
            _ => false,
        },
    }
}

type ClassMatch = Box<dyn Fn(char) -> bool>;

/// Parses a `[...]` class whose `[` has been consumed: a predicate and the pattern after `]`.
fn class(pattern: &[char]) -> Option<(ClassMatch, &[char])> {
    let (negate, body) = match pattern.first() {
        Some('!' | '^') => (true, &pattern[1..]),
        _ => (false, pattern),
    };
    // A `]` right after the opening is a member, not the end.
    let start = usize::from(body.first() == Some(&']'));
    let close = start + body[start..].iter().position(|c| *c == ']')?;
    let members = body[..close].to_vec();
    let rest = &body[close + 1..];
    let matches = move |c: char| {
        let mut i = 0;
        let mut found = false;
        while i < members.len() {
            if i + 2 < members.len() && members[i + 1] == '-' {
                found |= (members[i]..=members[i + 2]).contains(&c);
                i += 3;
            } else {
                found |= members[i] == c;
                i += 1;
            }
        }
        found != negate
    };
    Some((Box::new(matches), rest))
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
