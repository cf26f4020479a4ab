//! The README's attribute reference is generated from the binding catalog the macros are built
//! from, so the documentation cannot drift from the code: this test renders it from
//! `spec/src/catalog.rs` and compares it with the README. After changing the catalog, run
//! `AZFN_BLESS=1 cargo test -p azfn-tests --test readme` to rewrite the section.
//!
//! Every attribute's example must also appear verbatim in `ui/pass/attribute_examples.rs`,
//! which trybuild compiles (`tests/compile.rs`) and `tests/corpus.rs` schema-checks.

mod common;

use std::fmt::Write as _;

use azfn_spec::catalog;
use azfn_spec::catalog::{BindingKind, Direction, Role, Rule, Setting, ValueKind};

const START: &str = "<!-- attributes:start -->";
const END: &str = "<!-- attributes:end -->";

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

fn attribute_section(out: &mut String, kind: &BindingKind) {
    writeln!(out, "#### `#[{}]`\n", kind.attr).unwrap();
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
    writeln!(out, "```rust\n{}\n```\n", kind.example).unwrap();
}

/// The README section, from the catalog.
fn render() -> String {
    let mut out = String::new();
    writeln!(
        out,
        "<!-- Generated from spec/src/catalog.rs by tests/tests/readme.rs: edit the catalog, \
         then run `AZFN_BLESS=1 cargo test -p azfn-tests --test readme`. -->\n"
    )
    .unwrap();
    out.push_str("#### Triggers and bindings\n\n");
    out.push_str(
        "| attribute | for | `type` | direction | goes on |\n| --- | --- | --- | --- | --- |\n",
    );
    for kind in catalog::TRIGGERS.iter().chain(catalog::BINDINGS) {
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
    out.push_str("\n#### Settings of every trigger\n\n| setting | |\n| --- | --- |\n");
    for (key, doc) in catalog::FUNCTION_SETTINGS {
        writeln!(out, "| `{key}` | {} |", cell(doc)).unwrap();
    }
    out.push_str("\n`retry(...)` takes:\n\n");
    settings_table(&mut out, catalog::RETRY_SETTINGS);
    out.push('\n');
    for kind in catalog::TRIGGERS.iter().chain(catalog::BINDINGS) {
        attribute_section(&mut out, kind);
    }
    out
}

#[test]
fn the_readme_attribute_reference_is_generated_from_the_catalog() {
    let path = common::workspace_root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme.find(START).expect("README.md has the start marker") + START.len();
    let end = readme.find(END).expect("README.md has the end marker");
    let current = readme[start..end].trim();
    let expected = render();
    if current == expected.trim() {
        return;
    }
    if std::env::var_os("AZFN_BLESS").is_some() {
        let updated = format!(
            "{}\n{}\n{}",
            &readme[..start],
            expected.trim(),
            &readme[end..]
        );
        std::fs::write(&path, updated).unwrap();
        return;
    }
    let first_difference = current
        .lines()
        .zip(expected.trim().lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| format!("line {}:\n  README:  {a}\n  catalog: {b}", i + 1))
        .unwrap_or_else(|| "one is longer than the other".into());
    panic!(
        "README.md's attribute reference differs from spec/src/catalog.rs ({first_difference}); \
         run `AZFN_BLESS=1 cargo test -p azfn-tests --test readme` to regenerate it"
    );
}

#[test]
fn every_documented_example_is_compiled_by_the_pass_suite() {
    let path = common::workspace_root().join("tests/ui/pass/attribute_examples.rs");
    let compiled = std::fs::read_to_string(&path).unwrap();
    for kind in catalog::TRIGGERS.iter().chain(catalog::BINDINGS) {
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
    for kind in catalog::TRIGGERS.iter().chain(catalog::BINDINGS) {
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
