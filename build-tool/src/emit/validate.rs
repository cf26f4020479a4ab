//! Checks on the function names, all run before anything is written so that one emit reports
//! every problem at once.

use azfn_spec::record::FunctionRecord;

use crate::error::NameProblem;

#[cfg(test)]
use azfn_spec::names::MAX_FUNCTION_NAME_LEN as MAX_NAME_LEN;

/// Every problem with the names of `records`, whose executable is copied as `executable`.
pub(super) fn check_names(records: &[FunctionRecord], executable: &str) -> Vec<NameProblem> {
    let mut problems = Vec::new();
    for record in records {
        let reasons = invalid_name_reasons(&record.name);
        if !reasons.is_empty() {
            problems.push(NameProblem::InvalidName {
                name: record.name.clone(),
                location: record.source.clone(),
                reason: reasons.join(", and "),
            });
        }
        // Compared ignoring case because the app folder may live on a case-insensitive file
        // system (Windows, macOS), where the folder and the file would be the same entry.
        if record.name.eq_ignore_ascii_case(executable) {
            problems.push(NameProblem::ClashesWithExecutable {
                name: record.name.clone(),
                location: record.source.clone(),
                executable: executable.to_owned(),
            });
        }
    }
    problems.extend(duplicate_groups(records));
    problems.extend(duplicate_mcp_registrations(records));
    problems
}

/// Functions registering one MCP tool, prompt or resource name
/// ([`azfn_spec::mcp::duplicate_registrations`]); the macros catch those within one module.
fn duplicate_mcp_registrations(records: &[FunctionRecord]) -> Vec<NameProblem> {
    let functions: Vec<_> = records.iter().map(|r| &r.function).collect();
    azfn_spec::mcp::duplicate_registrations(&functions)
        .into_iter()
        .filter_map(|group| {
            let (kind, registered) = azfn_spec::mcp::registration(functions[group[0]])?;
            Some(NameProblem::DuplicateMcpRegistration {
                kind,
                registered: registered.to_owned(),
                functions: group
                    .iter()
                    .map(|&i| (records[i].name.clone(), records[i].source.clone()))
                    .collect(),
            })
        })
        .collect()
}

/// Why the host would refuse `name` ([`azfn_spec::names::function_name_problems`]); empty
/// when it is valid.
pub(super) fn invalid_name_reasons(name: &str) -> Vec<String> {
    azfn_spec::names::function_name_problems(name)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// Groups of two or more functions whose names are equal ignoring case, in the order their
/// first member appears.
fn duplicate_groups(records: &[FunctionRecord]) -> Vec<NameProblem> {
    let mut groups: Vec<(String, Vec<&FunctionRecord>)> = Vec::new();
    for record in records {
        let key = record.name.to_lowercase();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(record),
            None => groups.push((key, vec![record])),
        }
    }
    groups
        .into_iter()
        .filter(|(_, members)| members.len() > 1)
        .map(|(_, members)| NameProblem::DuplicateName {
            functions: members
                .into_iter()
                .map(|r| (r.name.clone(), r.source.clone()))
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::test_support::record;

    #[test]
    fn accepts_names_the_host_accepts() {
        for name in [
            "a",
            "hello",
            "MyQueueFunction",
            "order-2_b",
            &"a".repeat(MAX_NAME_LEN),
        ] {
            assert!(
                invalid_name_reasons(name).is_empty(),
                "{name}: {:?}",
                invalid_name_reasons(name)
            );
        }
    }

    #[test]
    fn rejects_empty_name() {
        assert_eq!(invalid_name_reasons(""), ["the name is empty"]);
    }

    #[test]
    fn rejects_name_starting_with_digit_or_symbol() {
        let reasons = invalid_name_reasons("1order");
        assert_eq!(reasons.len(), 1, "{reasons:?}");
        assert!(reasons[0].contains("start with an ASCII letter, not `1`"));
        assert!(invalid_name_reasons("_order")[0].contains("not `_`"));
    }

    #[test]
    fn rejects_name_longer_than_the_host_limit() {
        let name = format!("a{}", "b".repeat(MAX_NAME_LEN));
        let reasons = invalid_name_reasons(&name);
        assert_eq!(reasons.len(), 1, "{reasons:?}");
        assert!(
            reasons[0].contains("it is 128 characters long, and the limit is 127"),
            "{reasons:?}"
        );
    }

    #[test]
    fn rejects_bad_characters_and_lists_each_once() {
        let reasons = invalid_name_reasons("order.v1.é");
        assert_eq!(reasons.len(), 1, "{reasons:?}");
        assert!(reasons[0].contains("'.', 'é'"), "{reasons:?}");
    }

    #[test]
    fn rejects_the_reserved_name_in_any_case() {
        assert!(invalid_name_reasons("Host")[0].contains("reserved"));
    }

    #[test]
    fn reports_every_problem_with_its_location() {
        let records = [
            record("ok", "src/main.rs", 1),
            record("9lives", "src/main.rs", 5),
            record("bad name", "src/lib.rs", 9),
        ];
        let problems = check_names(&records, "app");
        assert_eq!(problems.len(), 2, "{problems:?}");
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            text[0].contains("`9lives` (src/main.rs:5:1)"),
            "{}",
            text[0]
        );
        assert!(
            text[1].contains("`bad name` (src/lib.rs:9:1)"),
            "{}",
            text[1]
        );
    }

    /// Two tools in different modules (the macros only see one module at a time) with one
    /// name ignoring case: the extension would refuse the second at start, so emit refuses the
    /// app, naming both places.
    #[test]
    fn tools_of_one_name_in_different_modules_are_refused() {
        let tool = |function: &str, file: &str, tool_name: &str| {
            let mut r = record(function, file, 5);
            r.function = serde_json::from_value(serde_json::json!({"bindings": [
                {"type": "mcpToolTrigger", "direction": "in", "name": "context",
                 "toolName": tool_name, "description": "d"}
            ]}))
            .unwrap();
            r
        };
        let records = [
            tool("get_snippet", "src/a.rs", "get_snippet"),
            tool("fetch_snippet", "src/b.rs", "Get_Snippet"),
            tool("save_snippet", "src/b.rs", "save_snippet"),
        ];
        let problems = check_names(&records, "app");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].to_string(),
            "MCP tool name `get_snippet` is registered by 2 functions (`get_snippet` at \
             src/a.rs:5:1, `fetch_snippet` at src/b.rs:5:1), and the MCP extension refuses a \
             second tool with the same name, ignoring case, when the app starts; give each a \
             distinct name"
        );
    }

    #[test]
    fn names_differing_only_in_case_are_duplicates_with_both_locations() {
        let records = [
            record("hello", "src/a.rs", 3),
            record("other", "src/a.rs", 7),
            record("Hello", "src/b.rs", 12),
            record("HELLO", "src/c.rs", 1),
        ];
        let problems = check_names(&records, "app");
        assert_eq!(problems.len(), 1, "{problems:?}");
        let NameProblem::DuplicateName { functions } = &problems[0] else {
            panic!("expected a duplicate, got {problems:?}");
        };
        let names: Vec<&str> = functions.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["hello", "Hello", "HELLO"]);
        let text = problems[0].to_string();
        for place in ["src/a.rs:3:1", "src/b.rs:12:1", "src/c.rs:1:1"] {
            assert!(text.contains(place), "{text}");
        }
    }

    #[test]
    fn a_function_named_like_the_executable_is_refused() {
        let records = [record("Orders", "src/main.rs", 2)];
        let problems = check_names(&records, "orders");
        assert!(
            matches!(&problems[..], [NameProblem::ClashesWithExecutable { name, .. }] if name == "Orders"),
            "{problems:?}"
        );
        assert!(check_names(&records, "orders.exe").is_empty());
    }
}
