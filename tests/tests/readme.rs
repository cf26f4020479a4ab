//! The attribute reference is generated from the binding catalog the macros are built from, so
//! the documentation cannot drift from the code: this test renders, from `spec/src/catalog.rs`,
//! the whole reference `docs/attributes.md` (which README.md links to) and each attribute's
//! rustdoc, `macros/docs/attributes/<attr>.md`, and compares them with the files. After changing
//! the catalog, run `AZFN_BLESS=1 cargo test -p azfn-tests --test readme` to rewrite them.
//! A new attribute's entry point includes its file at compile time, so create that file (empty)
//! before the first bless.
//!
//! Every attribute's example must also appear verbatim in `ui/pass/attribute_examples.rs`,
//! which trybuild compiles (`tests/compile.rs`) and `tests/corpus.rs` schema-checks.

mod common;

use std::fmt::Write as _;

use azfn_spec::catalog;
use azfn_spec::catalog::{BindingKind, Direction, Role, Rule, Setting, ValueKind};

/// `|` ends a table cell even inside backticks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn code_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| format!("`\"{i}\"`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn value_kind(value: ValueKind) -> String {
    match value {
        ValueKind::Str => "string".into(),
        ValueKind::Bool => "`true`/`false`".into(),
        ValueKind::Int => "integer".into(),
        ValueKind::IntText => "integer (written as a string, as the schema types it)".into(),
        ValueKind::OneOf(items) => format!("one of {}", code_list(items)),
        ValueKind::ListOf(items) => format!("list of {}", code_list(items)),
        ValueKind::Schedule => "NCRONTAB (six fields), `hh:mm:ss` or `%AppSetting%`".into(),
        ValueKind::Route => "route template".into(),
        ValueKind::QueueName => "queue name (checked unless it has `{...}` or `%...%`)".into(),
        ValueKind::BlobPath => {
            "`container/blob` (the container checked unless it has `{...}` or `%...%`)".into()
        }
        ValueKind::Interval => "`hh:mm:ss`".into(),
        ValueKind::BindingName => "binding name".into(),
    }
}

fn requirement(setting: &Setting) -> String {
    match (setting.required, setting.default) {
        (true, _) => "required".into(),
        (false, Some(default)) => format!("default `{default}`"),
        (false, None) => String::new(),
    }
}

fn json_key(setting: &Setting) -> String {
    if setting.json.is_empty() {
        "(the binding's `name`)".into()
    } else {
        format!("`{}`", setting.json)
    }
}

fn placement(kind: &BindingKind) -> &'static str {
    match (kind.role, kind.json_type, kind.attr) {
        (Role::Trigger, _, _) => "the `async fn`",
        (_, _, "http_output") => "an HTTP function",
        (_, "", _) => "a parameter, or the function (`$return`) when `out`",
        (Role::Input, _, _) => "a parameter the function reads",
        (Role::Output, _, _) => "a `&mut Out<T>` parameter, or the function (`$return`)",
    }
}

fn direction(kind: &BindingKind) -> &'static str {
    match (kind.json_type, kind.direction) {
        ("", Direction::In) => "in",
        ("", _) => "in, out, inout",
        (_, d) => d.as_json(),
    }
}

fn rule_text(rule: &Rule) -> String {
    let keys = |keys: &[&str]| {
        keys.iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(" and ")
    };
    match rule {
        Rule::OneOf(groups) => format!(
            "Needs {}.",
            groups
                .iter()
                .map(|g| keys(g))
                .collect::<Vec<_>>()
                .join(", or ")
        ),
        Rule::AtMostOne(items) => format!(
            "At most one of {}.",
            items
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Rule::Requires(key, needed) => format!("`{key}` needs `{needed}`."),
    }
}

fn settings_table(out: &mut String, settings: &[Setting]) {
    out.push_str(
        "| setting | `function.json` | value | required | meaning |\n| --- | --- | --- | --- | --- |\n",
    );
    for s in settings {
        writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            s.key,
            json_key(s),
            cell(&value_kind(s.value)),
            requirement(s),
            cell(s.doc)
        )
        .unwrap();
    }
}

/// What an attribute is, where it goes, its settings, the rules between them and an example:
/// the body of its section in `docs/attributes.md` and of its rustdoc. `headings` is the
/// markdown heading prefix of the rustdoc's own sections (empty in the reference page, whose
/// sections are the attributes).
fn attribute_body(out: &mut String, kind: &BindingKind, example_fence: &str, headings: &str) {
    if kind.json_type.is_empty() {
        writeln!(out, "{} Goes on {}.\n", kind.doc, placement(kind)).unwrap();
    } else {
        writeln!(
            out,
            "{} `type: \"{}\"`, direction `{}`; goes on {}.\n",
            kind.doc,
            kind.json_type,
            kind.direction.as_json(),
            placement(kind)
        )
        .unwrap();
    }
    if !kind.settings.is_empty() {
        if !headings.is_empty() {
            writeln!(out, "{headings} Settings\n").unwrap();
        }
        settings_table(out, kind.settings);
        out.push('\n');
    }
    let mut notes: Vec<String> = kind.rules.iter().map(rule_text).collect();
    if !kind.renamed.is_empty() {
        notes.push(format!(
            "Older extensions' names are an error that names the current one: {}.",
            kind.renamed
                .iter()
                .map(|(old, new)| format!("`{old}` → `{new}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if kind.role == Role::Trigger && !kind.json_type.is_empty() {
        notes.push(if kind.retry {
            "Takes `name`, `disabled` and `retry(...)`.".to_owned()
        } else {
            "Takes `name` and `disabled`; the host does not apply `retry` to it.".to_owned()
        });
    }
    if !notes.is_empty() {
        writeln!(out, "{}\n", notes.join(" ")).unwrap();
    }
    // The reference page lists these once for all triggers; an attribute's rustdoc is read
    // alone (an IDE hover), so it lists them itself.
    if !headings.is_empty() && kind.role == Role::Trigger {
        out.push_str("Every trigger also takes:\n\n");
        function_settings(out, kind.retry);
        if kind.retry {
            retry_settings(out);
        }
    }
    // Likewise for a binding's own `name`, and the generic attribute's pass-through keys.
    if !headings.is_empty() && kind.role != Role::Trigger {
        out.push_str("Every binding also takes:\n\n| setting | |\n| --- | --- |\n");
        let generic = if kind.json_type.is_empty() {
            catalog::GENERIC_BINDING_SETTINGS
        } else {
            &[]
        };
        for (key, doc) in generic.iter().chain(catalog::BINDING_SETTINGS) {
            writeln!(out, "| `{key}` | {} |", cell(doc)).unwrap();
        }
        out.push('\n');
    }
    if !headings.is_empty() {
        writeln!(out, "{headings} Example\n").unwrap();
    }
    writeln!(out, "```{example_fence}\n{}\n```\n", kind.example).unwrap();
}

/// `name`, `disabled` and, `with_retry`, `retry`.
fn function_settings(out: &mut String, with_retry: bool) {
    out.push_str("| setting | |\n| --- | --- |\n");
    for (key, doc) in catalog::FUNCTION_SETTINGS {
        if *key == "retry" && !with_retry {
            continue;
        }
        writeln!(out, "| `{key}` | {} |", cell(doc)).unwrap();
    }
    out.push('\n');
}

fn retry_settings(out: &mut String) {
    out.push_str("`retry(...)` takes:\n\n");
    settings_table(out, catalog::RETRY_SETTINGS);
    out.push('\n');
}

fn every_attribute() -> impl Iterator<Item = &'static BindingKind> {
    catalog::TRIGGERS.iter().chain(catalog::BINDINGS)
}

const BLESS: &str = "AZFN_BLESS=1 cargo test -p azfn-tests --test readme";

/// `macros/src/lib.rs` includes `<attr>.md` from here as the rustdoc of the entry point of
/// that name; inside the macros crate, so the published crate has them.
const ATTRIBUTE_DOCS_DIR: &str = "macros/docs/attributes";

fn generated_note() -> String {
    format!(
        "<!-- Generated from spec/src/catalog.rs by tests/tests/readme.rs: edit the catalog, \
         then run `{BLESS}`. -->"
    )
}

/// The rustdoc of one attribute. Its example is `rust,ignore`: the macros crate cannot run it
/// (it does not depend on `azfn`), rustdoc does not run the doctests of items `azfn`
/// re-exports, and `ui/pass/attribute_examples.rs` compiles every example already.
fn attribute_doc(kind: &BindingKind) -> String {
    let mut out = String::new();
    attribute_body(&mut out, kind, "rust,ignore", "#");
    out.push_str(&generated_note());
    out.push('\n');
    out
}

/// `docs/attributes.md`: the whole reference.
fn reference_page() -> String {
    let mut out = String::new();
    writeln!(out, "{}\n", generated_note()).unwrap();
    out.push_str(
        "# Attribute reference\n\n\
         Every trigger and binding attribute, with its settings and an example. It is generated \
         from the table the macros check against (`spec/src/catalog.rs`), and a test keeps it \
         so; each attribute's rustdoc (an IDE hover, docs.rs) carries its own section, and every \
         example is compiled by the test suite (`tests/ui/pass/attribute_examples.rs`). How \
         triggers, inputs and outputs are written is in the [guide](guide.md#writing-functions); \
         [`examples/triggers`](../examples/triggers/README.md) has one function per trigger \
         kind.\n\n",
    );
    out.push_str("## Triggers and bindings\n\n");
    out.push_str(
        "| attribute | for | `type` | direction | goes on |\n| --- | --- | --- | --- | --- |\n",
    );
    for kind in every_attribute() {
        let json_type = if kind.json_type.is_empty() {
            "as given".to_owned()
        } else {
            format!("`{}`", kind.json_type)
        };
        writeln!(
            out,
            "| [`#[{0}]`](#{0}) | {1} | {2} | {3} | {4} |",
            kind.attr,
            kind.title,
            json_type,
            direction(kind),
            placement(kind)
        )
        .unwrap();
    }
    out.push_str("\n## Settings of every trigger\n\n");
    function_settings(&mut out, true);
    retry_settings(&mut out);
    for kind in every_attribute() {
        writeln!(out, "## `#[{}]`\n", kind.attr).unwrap();
        attribute_body(&mut out, kind, "rust", "");
    }
    format!("{}\n", out.trim_end())
}

/// Every generated file: its path from the workspace root and the content it must have.
fn generated_files() -> Vec<(String, String)> {
    let mut files = vec![("docs/attributes.md".to_owned(), reference_page())];
    for kind in every_attribute() {
        files.push((
            format!("{ATTRIBUTE_DOCS_DIR}/{}.md", kind.attr),
            attribute_doc(kind),
        ));
    }
    files
}

#[test]
fn the_attribute_reference_and_rustdoc_are_generated_from_the_catalog() {
    let root = common::workspace_root();
    let files = generated_files();
    let mut stale: Vec<String> = files
        .iter()
        .filter(|(path, content)| {
            std::fs::read_to_string(root.join(path)).ok().as_ref() != Some(content)
        })
        .map(|(path, _)| path.clone())
        .collect();
    // A page left behind by an attribute that no longer exists would still be published.
    let orphans: Vec<String> = std::fs::read_dir(root.join(ATTRIBUTE_DOCS_DIR))
        .map(|dir| {
            dir.filter_map(|entry| entry.ok())
                .map(|entry| {
                    format!(
                        "{ATTRIBUTE_DOCS_DIR}/{}",
                        entry.file_name().to_string_lossy()
                    )
                })
                .filter(|path| !files.iter().any(|(generated, _)| generated == path))
                .collect()
        })
        .unwrap_or_default();
    stale.extend(
        orphans
            .iter()
            .map(|path| format!("{path} (no such attribute)")),
    );
    if stale.is_empty() {
        return;
    }
    if std::env::var_os("AZFN_BLESS").is_some() {
        for (path, content) in &files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        for orphan in orphans {
            std::fs::remove_file(root.join(orphan)).unwrap();
        }
        return;
    }
    panic!(
        "these files differ from what spec/src/catalog.rs generates:\n  {}\nrun `{BLESS}` to \
         regenerate them",
        stale.join("\n  ")
    );
}

#[test]
fn every_attribute_entry_point_includes_its_generated_doc() {
    let macros =
        std::fs::read_to_string(common::workspace_root().join("macros/src/lib.rs")).unwrap();
    // Both entry-point macros include `<attr>.md` by the name of the attribute they define.
    let include =
        "#[doc = include_str!(concat!(\"../docs/attributes/\", stringify!($name), \".md\"))]";
    assert_eq!(
        macros.matches(include).count(),
        2,
        "trigger_attribute! and binding_attribute! in macros/src/lib.rs must both carry `{include}`"
    );
}

#[test]
fn every_documented_example_is_compiled_by_the_pass_suite() {
    let path = common::workspace_root().join("tests/ui/pass/attribute_examples.rs");
    let compiled = std::fs::read_to_string(&path).unwrap();
    for kind in every_attribute() {
        assert!(
            compiled.contains(kind.example),
            "the example of `#[{}]` is missing from {}; add it verbatim",
            kind.attr,
            path.display()
        );
    }
}

#[test]
fn every_attribute_is_exported_by_the_azfn_crate() {
    let lib = std::fs::read_to_string(common::workspace_root().join("runtime/src/lib.rs")).unwrap();
    let start = lib.find("pub use azfn_macros::{").expect("the re-export");
    let exported = &lib[start..start + lib[start..].find("};").unwrap()];
    let macros =
        std::fs::read_to_string(common::workspace_root().join("macros/src/lib.rs")).unwrap();
    for kind in every_attribute() {
        let word = |text: &str| {
            text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|w| w == kind.attr)
        };
        assert!(word(exported), "`azfn` does not re-export `{}`", kind.attr);
        // The entry point must expand with the catalog entry of its own name.
        let constant = match kind.attr {
            "binding" => "GENERIC_BINDING".to_owned(),
            attr => attr.to_uppercase(),
        };
        assert!(
            macros.contains(&format!("    {} => {constant}\n", kind.attr)),
            "macros/src/lib.rs has no entry point `{} => {constant}`",
            kind.attr
        );
    }
}

#[test]
fn the_readme_links_the_generated_reference() {
    let readme = std::fs::read_to_string(common::workspace_root().join("README.md")).unwrap();
    assert!(
        readme.contains("](docs/attributes.md)"),
        "README.md must link the attribute reference, docs/attributes.md"
    );
}
