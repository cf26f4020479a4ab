//! The names the host and Azure Storage check: function names, Storage queue names, blob
//! container names and blob paths (`container/blob`).
//!
//! Where each rule comes from:
//! - function names: Azure/azure-functions-host `src/WebJobs.Script/Utility.cs`,
//!   `FunctionNameValidationRegex = ^[a-z][a-z0-9_\-]{0,127}$(?<!^host$)` (ignoring case),
//!   used by `Utility.IsValidFunctionName`. The pattern would take 128 characters; azfn keeps
//!   Azure's documented limit of 127.
//! - queue names: Azure/azure-webjobs-sdk `Extensions.Storage/Queues/QueueClient.cs`
//!   `IsValidQueueName`: 3 to 63 characters, no uppercase, letters, digits and `-` only, no `-`
//!   first or last, no two `-` in a row.
//! - container names: `Extensions.Storage/Blobs/BlobNameValidationAttribute.cs`
//!   `IsValidContainerName`: `$root`, `$web`, or 3 to 63 lowercase letters, digits and `-`,
//!   starting and ending with a letter or digit (and, per Azure Storage's naming rules, no two
//!   `-` in a row).
//! - blob paths: `Extensions.Storage/Blobs/BlobPath.cs` `TryParse`: the container is what
//!   comes before the first `/`, which must have a character on each side; the blob name
//!   (`IsValidBlobName`) is 1 to 1,024 characters, does not end with `.` or `/` and has no `\`.
//!
//! Every problem carries the byte range of the part of the name at fault.
//!
//! ```
//! use azfn_spec::names;
//! assert!(names::check_queue_name("orders").is_none());
//! let problem = names::check_queue_name("Orders_Queue").unwrap();
//! assert!(problem.message.contains("`orders-queue`"));
//! assert_eq!(names::parse_blob_path("notes/a.txt").unwrap().blob, "a.txt");
//! ```

use std::fmt;
use std::ops::Range;

/// A name the host or Storage would refuse, and where in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameError {
    /// What is wrong, in a sentence fragment that names the value.
    pub message: String,
    /// Byte range of the part at fault: never empty unless the name is, the whole name when
    /// no part is to blame.
    pub range: Range<usize>,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NameError {}

fn name_error(message: impl Into<String>, range: Range<usize>) -> NameError {
    NameError {
        message: message.into(),
        range,
    }
}

/// The longest function name azfn accepts: Azure's documented limit (the host's pattern
/// would take one more), so a name is never accepted by one part of azfn and refused by another.
pub const MAX_FUNCTION_NAME_LEN: usize = 127;

/// The one function name the host's pattern excludes: `/admin/host` and `host.json` use it.
pub const RESERVED_FUNCTION_NAME: &str = "host";

/// One reason the host refuses a function name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FunctionNameProblem {
    /// The name is empty.
    Empty,
    /// The first character is not an ASCII letter.
    BadStart {
        /// The character.
        first: char,
    },
    /// Characters other than ASCII letters, digits, `_` and `-`, each listed once with the
    /// byte range of its first occurrence.
    BadCharacters {
        /// The characters and where each first occurs.
        characters: Vec<(char, Range<usize>)>,
    },
    /// Longer than [`MAX_FUNCTION_NAME_LEN`] characters.
    TooLong {
        /// The name's length in characters.
        length: usize,
    },
    /// The name is [`RESERVED_FUNCTION_NAME`], in some case.
    Reserved,
}

impl fmt::Display for FunctionNameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FunctionNameProblem::Empty => f.write_str("the name is empty"),
            FunctionNameProblem::BadStart { first } => {
                write!(f, "it must start with an ASCII letter, not `{first}`")
            }
            FunctionNameProblem::BadCharacters { characters } => {
                let shown: Vec<String> = characters.iter().map(|(c, _)| format!("{c:?}")).collect();
                write!(
                    f,
                    "it contains {}, but only ASCII letters, digits, `_` and `-` are allowed",
                    shown.join(", ")
                )
            }
            FunctionNameProblem::TooLong { length } => write!(
                f,
                "it is {length} characters long, and the limit is {MAX_FUNCTION_NAME_LEN}"
            ),
            FunctionNameProblem::Reserved => write!(
                f,
                "`{RESERVED_FUNCTION_NAME}` is reserved by the Functions host"
            ),
        }
    }
}

/// Every reason the host would refuse `name` as a function name; empty when it is valid.
pub fn function_name_problems(name: &str) -> Vec<FunctionNameProblem> {
    let Some(first) = name.chars().next() else {
        return vec![FunctionNameProblem::Empty];
    };
    let mut problems = Vec::new();
    if !first.is_ascii_alphabetic() {
        problems.push(FunctionNameProblem::BadStart { first });
    }
    let mut characters: Vec<(char, Range<usize>)> = Vec::new();
    for (i, c) in name.char_indices() {
        let allowed = c.is_ascii_alphanumeric() || c == '_' || c == '-';
        if !allowed && !characters.iter().any(|(seen, _)| *seen == c) {
            characters.push((c, i..i + c.len_utf8()));
        }
    }
    if !characters.is_empty() {
        problems.push(FunctionNameProblem::BadCharacters { characters });
    }
    let length = name.chars().count();
    if length > MAX_FUNCTION_NAME_LEN {
        problems.push(FunctionNameProblem::TooLong { length });
    }
    if name.eq_ignore_ascii_case(RESERVED_FUNCTION_NAME) {
        problems.push(FunctionNameProblem::Reserved);
    }
    problems
}

/// Whether the host accepts `name` as a function name.
pub fn is_valid_function_name(name: &str) -> bool {
    function_name_problems(name).is_empty()
}

/// Checks a Storage queue name as the WebJobs queue client does before it calls Storage.
/// The name must already be resolved: `{...}` and `%...%` are characters like any other here.
pub fn check_queue_name(name: &str) -> Option<NameError> {
    if let Some(i) = name.find(|c: char| c.is_ascii_uppercase()) {
        let fix = match suggest_lowercase_name(name) {
            Some(fixed) => format!(": `{fixed}`"),
            None => String::new(),
        };
        return Some(name_error(
            format!(
                "queue name `{name}` has an uppercase letter; Storage queue names are lowercase{fix}"
            ),
            i..i + 1,
        ));
    }
    if let Some((i, c)) = name
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Some(name_error(
            format!("queue name `{name}` contains `{c}`; use lowercase letters, digits and `-`"),
            i..i + c.len_utf8(),
        ));
    }
    check_length_and_hyphens(name, "queue name", "Storage queue names")
}

/// Checks a blob container name: `$root` and `$web` are Storage's special containers.
pub fn check_container_name(name: &str) -> Option<NameError> {
    if name == "$root" || name == "$web" {
        return None;
    }
    if let Some((i, c)) = name
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        let fix = match suggest_lowercase_name(name) {
            Some(fixed) if c.is_ascii_uppercase() || c == '_' => format!(", e.g. `{fixed}`"),
            _ => String::new(),
        };
        return Some(name_error(
            format!(
                "container name `{name}` contains `{c}`; use lowercase letters, digits and \
                 `-`{fix}"
            ),
            i..i + c.len_utf8(),
        ));
    }
    check_length_and_hyphens(name, "container name", "container names")
}

/// The rules queue and container names share, for a name made only of `[a-z0-9-]`.
fn check_length_and_hyphens(name: &str, what: &str, plural: &str) -> Option<NameError> {
    if !(3..=63).contains(&name.len()) {
        return Some(name_error(
            format!(
                "{what} `{name}` has {} character{}; {plural} have 3 to 63",
                name.len(),
                if name.len() == 1 { "" } else { "s" }
            ),
            // Too long: the characters past the 63rd (all ASCII by now).
            if name.len() > 63 {
                63..name.len()
            } else {
                0..name.len()
            },
        ));
    }
    let hyphen = if name.starts_with('-') {
        Some(0)
    } else if name.ends_with('-') {
        Some(name.len() - 1)
    } else {
        None
    };
    if let Some(i) = hyphen {
        return Some(name_error(
            format!("{what} `{name}` must start and end with a letter or digit"),
            i..i + 1,
        ));
    }
    if let Some(i) = name.find("--") {
        return Some(name_error(
            format!("{what} `{name}` has two hyphens in a row"),
            i..i + 2,
        ));
    }
    None
}

/// A name both queue and container rules accept that reads like `name`: lowercase, every run
/// of other characters (`_`, spaces, `.`) a single `-`; `None` when no such name is near
/// enough (too short, too long).
fn suggest_lowercase_name(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    (check_length_and_hyphens(&out, "", "").is_none()).then_some(out)
}

/// Checks the container of a blob path as written in a binding (`container/blob`, or a blob
/// trigger's `container/{name}` pattern) before any expression is resolved: the container,
/// everything before the first `/`, when it holds no binding expression (`{...}`) or app
/// setting reference (`%...%`), which are resolved at run time. The byte range is the path's.
pub fn check_blob_path_container(path: &str) -> Option<NameError> {
    let container = path.split('/').next().unwrap_or_default();
    if container.is_empty() || container.contains(['{', '%']) {
        return None;
    }
    check_container_name(container).map(|mut e| {
        e.message = format!("in blob path `{path}`: {}", e.message);
        e
    })
}

/// A blob path split into its container and blob name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlobPath<'a> {
    /// The container: what comes before the first `/`.
    pub container: &'a str,
    /// The blob name: everything after the first `/` (it may contain more `/`).
    pub blob: &'a str,
}

/// Parses and checks a resolved blob path `container/blob` as the blob extension does for
/// blob input and output bindings. Absolute blob URLs, which the extension also accepts, are
/// not handled here.
pub fn parse_blob_path(path: &str) -> Result<BlobPath<'_>, NameError> {
    let whole = 0..path.len();
    let shape = || {
        name_error(
            format!(
                "blob path `{path}` must be `container/blob`, with a character on each side of \
                 the first `/`"
            ),
            whole.clone(),
        )
    };
    let slash = path.find('/').filter(|i| *i > 0).ok_or_else(shape)?;
    let (container, blob) = (&path[..slash], &path[slash + 1..]);
    if blob.is_empty() {
        return Err(shape());
    }
    if let Some(mut e) = check_container_name(container) {
        e.message = format!("in blob path `{path}`: {}", e.message);
        return Err(e);
    }
    let blob_start = slash + 1;
    if blob.len() > 1024 {
        return Err(name_error(
            format!(
                "blob name in `{path}` has {} bytes; a blob name has at most 1,024",
                blob.len()
            ),
            blob_start..path.len(),
        ));
    }
    if blob.ends_with(['.', '/']) {
        let end = blob.trim_end_matches(['.', '/']).len();
        return Err(name_error(
            format!(
                "blob name in `{path}` ends with `.` or `/`, which Storage does not allow at \
                 the end of a blob name"
            ),
            blob_start + end.min(blob.len() - 1)..path.len(),
        ));
    }
    if let Some(i) = blob.find('\\') {
        return Err(name_error(
            format!("blob name in `{path}` contains `\\`, which Storage does not allow"),
            blob_start + i..blob_start + i + 1,
        ));
    }
    Ok(BlobPath { container, blob })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(name: &'a str, e: &NameError) -> &'a str {
        assert!(!e.range.is_empty() || name.is_empty(), "{e:?}");
        &name[e.range.clone()]
    }

    #[test]
    fn function_names_follow_the_host_pattern() {
        for name in [
            "a",
            "hello",
            "MyQueueFunction",
            "Order-2_b",
            &"a".repeat(MAX_FUNCTION_NAME_LEN),
        ] {
            assert!(is_valid_function_name(name), "{name}");
        }
        assert_eq!(function_name_problems(""), [FunctionNameProblem::Empty]);
        assert_eq!(
            function_name_problems("2b"),
            [FunctionNameProblem::BadStart { first: '2' }]
        );
        assert_eq!(
            function_name_problems("Host"),
            [FunctionNameProblem::Reserved]
        );
        let problems = function_name_problems("order.v1.é");
        assert_eq!(
            problems,
            [FunctionNameProblem::BadCharacters {
                characters: vec![('.', 5..6), ('é', 9..11)]
            }]
        );
        assert!(problems[0].to_string().contains("'.', 'é'"));
        let long = "a".repeat(MAX_FUNCTION_NAME_LEN + 1);
        assert_eq!(
            function_name_problems(&long)[0].to_string(),
            "it is 128 characters long, and the limit is 127"
        );
    }

    #[test]
    fn queue_names_follow_storage_rules() {
        for ok in ["orders", "a-b-1", "abc", &"q".repeat(63)] {
            assert_eq!(check_queue_name(ok), None, "{ok}");
        }
        let e = |name: &str| check_queue_name(name).unwrap();
        assert_eq!(at("new-Orders", &e("new-Orders")), "O");
        assert_eq!(at("a_b", &e("a_b")), "_");
        assert_eq!(at("añb", &e("añb")), "ñ");
        assert!(e("a--b").message.contains("two hyphens"));
        assert!(e("-ab").message.contains("start and end"));
        assert_eq!(at("ab-", &e("ab-")), "-");
        assert!(e("ab").message.contains("3 to 63"));
        let long = format!("{}xyz", "q".repeat(63));
        assert_eq!(at(&long, &e(&long)), "xyz");
    }

    /// Issue 14 item 11: the suggestion for `Orders_Queue` was `orders_queue`, refused next.
    #[test]
    fn a_blob_paths_literal_container_is_checked_and_expressions_are_left_to_run_time() {
        assert_eq!(check_blob_path_container("uploads/{name}"), None);
        assert_eq!(check_blob_path_container("{container}/{name}"), None);
        assert_eq!(check_blob_path_container("%CONTAINER%/{name}"), None);
        assert_eq!(check_blob_path_container("$web/index.html"), None);
        let e = check_blob_path_container("Uploads_Raw/{name}").unwrap();
        assert!(
            e.message.contains("in blob path `Uploads_Raw/{name}`"),
            "{}",
            e.message
        );
        assert!(e.message.contains("e.g. `uploads-raw`"), "{}", e.message);
        assert_eq!(e.range, 0..1);
        assert!(check_blob_path_container("ab/x").is_some());
    }

    #[test]
    fn the_suggested_queue_name_is_one_the_rule_accepts() {
        let message = check_queue_name("Orders_Queue").unwrap().message;
        assert!(message.contains("lowercase: `orders-queue`"), "{message}");
        assert_eq!(check_queue_name("orders-queue"), None);
        assert!(
            check_queue_name("Orders")
                .unwrap()
                .message
                .ends_with("`orders`")
        );
        // No name near enough: no suggestion rather than a wrong one.
        let message = check_queue_name("A_").unwrap().message;
        assert!(message.ends_with("are lowercase"), "{message}");
        for name in ["My__Queue", "Q_1", "Big Queue.v2", "_Orders_"] {
            let message = check_queue_name(name).unwrap().message;
            if let Some(start) = message.find(": `") {
                let fixed = message[start + 3..].trim_end_matches('`');
                assert_eq!(check_queue_name(fixed), None, "{name} -> {fixed}");
            }
        }
    }

    #[test]
    fn container_names_follow_storage_rules() {
        for ok in ["notes", "a-1", "$root", "$web", "abc"] {
            assert_eq!(check_container_name(ok), None, "{ok}");
        }
        let e = check_container_name("My_Notes").unwrap();
        assert_eq!(at("My_Notes", &e), "M");
        assert!(e.message.contains("e.g. `my-notes`"), "{e}");
        assert_eq!(check_container_name("my-notes"), None);
        assert!(
            check_container_name("ab")
                .unwrap()
                .message
                .contains("3 to 63")
        );
        assert!(check_container_name("a--b").is_some());
        assert!(check_container_name("$logs").is_some());
    }

    #[test]
    fn blob_paths_split_at_the_first_slash() {
        assert_eq!(
            parse_blob_path("notes/2026/a.txt").unwrap(),
            BlobPath {
                container: "notes",
                blob: "2026/a.txt"
            }
        );
        for bad in ["notes", "/a.txt", "notes/", ""] {
            let e = parse_blob_path(bad).unwrap_err();
            assert!(e.message.contains("container/blob"), "{bad}: {e}");
        }
        let e = parse_blob_path("Notes/a.txt").unwrap_err();
        assert_eq!(at("Notes/a.txt", &e), "N");
        let e = parse_blob_path("notes/a.").unwrap_err();
        assert_eq!(at("notes/a.", &e), ".");
        let e = parse_blob_path("notes/a\\b").unwrap_err();
        assert_eq!(at("notes/a\\b", &e), "\\");
        let long = format!("notes/{}", "b".repeat(1025));
        assert!(parse_blob_path(&long).is_err());
    }
}
