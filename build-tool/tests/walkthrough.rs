//! The local walkthrough of `README.md` and `docs/running-locally.md`, run as written.
//!
//! Every `sh` block marked `<!-- walkthrough: ... -->` is taken from the document and its
//! commands are run by `bash`, in order, the way a reader types them: `cargo azfn start` in a
//! first terminal (in the background here), the rest in a second one, with the shell variables
//! a block sets kept for the next commands. What the documents show is checked: the output block
//! after a command, the output a comment names (`# hello world`), the messages a peek shows.
//!
//! Nothing is rewritten but `cargo run -p cargo-azfn -- ARGS`, which runs the `cargo-azfn`
//! built for this test (a `cargo` on `PATH` that hands every other command to the real one),
//! so that the test does not build the workspace again. The commands run in a scratch copy of
//! `examples/orders` (its `Cargo.toml` made standalone), on the documented ports: the front
//! door on 7071 and the Azurite that `start` starts, fresh, on 10000 and 10001. The test fails,
//! saying so, when something else listens there.

mod start_support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use start_support::{StartProcess, azurite_bin};

const MARKER: &str = "<!-- walkthrough:";
const PORTS: [u16; 3] = [7071, 10000, 10001];

/// One fenced block: its info string (`sh`, or empty for output) and its lines.
#[derive(Debug, Clone)]
struct Block {
    info: String,
    lines: Vec<String>,
    marked: bool,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut marked = false;
    let mut open: Option<Block> = None;
    for line in markdown.lines() {
        match &mut open {
            Some(block) if line.trim_start().starts_with("```") => {
                blocks.push(block.clone());
                open = None;
            }
            Some(block) => block.lines.push(line.to_owned()),
            None if line.trim_start().starts_with("```") => {
                open = Some(Block {
                    info: line.trim_start().trim_start_matches('`').trim().to_owned(),
                    lines: Vec::new(),
                    marked,
                });
                marked = false;
            }
            None if line.trim_start().starts_with(MARKER) => marked = true,
            None if !line.trim().is_empty() => marked = false,
            None => {}
        }
    }
    blocks
}

/// A command as typed: continuation lines joined, and the comment after it, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Typed {
    command: String,
    comment: Option<String>,
}

/// The commands of a shell block. A comment on a line of its own is prose; one after a command
/// says what the command shows.
fn commands(lines: &[String]) -> Vec<Typed> {
    let mut typed = Vec::new();
    let mut pending = String::new();
    for line in lines {
        let (code, comment) = split_comment(line);
        let code = code.trim_end();
        if code.trim().is_empty() && pending.is_empty() {
            continue;
        }
        if let Some(continued) = code.strip_suffix('\\') {
            pending.push_str(continued);
            pending.push(' ');
            continue;
        }
        pending.push_str(code);
        typed.push(Typed {
            command: std::mem::take(&mut pending).trim().to_owned(),
            comment: comment.map(|c| c.trim().to_owned()),
        });
    }
    typed
}

/// `code # comment`, with `#` inside quotes left alone.
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if i == 0 || line[..i].ends_with(char::is_whitespace) => {
                return (&line[..i], Some(&line[i + 1..]));
            }
            _ => {}
        }
    }
    (line, None)
}

/// A standalone copy of `examples/orders` under `dir/examples/orders`, depending on this
/// workspace's `runtime/` by path and locked like the workspace.
fn scratch_orders(dir: &Path) {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let project = dir.join("examples/orders");
    fs::create_dir_all(project.join("src")).unwrap();
    fs::copy(
        workspace.join("examples/orders/src/main.rs"),
        project.join("src/main.rs"),
    )
    .unwrap();
    let runtime = fs::canonicalize(workspace.join("runtime")).unwrap();
    fs::write(
        project.join("Cargo.toml"),
        format!(
            "[package]\nname = \"orders\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nazfn = {{ path = '{}' }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\n\
             [dev-dependencies]\nserde_json = \"1\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\n\
             [workspace]\n",
            runtime.display()
        ),
    )
    .unwrap();
    fs::copy(workspace.join("Cargo.lock"), project.join("Cargo.lock")).unwrap();
}

/// A `cargo` for `PATH` that runs `cargo run -p cargo-azfn -- ARGS` as this test's
/// `cargo-azfn ARGS` and anything else with the real cargo.
fn cargo_shim(bin: &Path) {
    let real = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    fs::create_dir_all(bin).unwrap();
    let script = format!(
        "#!/usr/bin/env bash\n\
         if [ \"$1 $2 $3 $4\" = 'run -p cargo-azfn --' ]; then\n  shift 4\n  exec '{}' \"$@\"\nfi\n\
         exec '{real}' \"$@\"\n",
        env!("CARGO_BIN_EXE_cargo-azfn")
    );
    let path = bin.join("cargo");
    fs::write(&path, script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// Where the scratch project builds: one target directory shared with `tests/new.rs`'s
/// projects, so azfn is compiled for them once.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("target/azfn-new-projects")
}

struct Terminal {
    dir: PathBuf,
    path: std::ffi::OsString,
    /// The variable assignments typed so far (`SAS=...`), replayed before each command.
    assignments: Vec<String>,
}

impl Terminal {
    fn new(dir: &Path) -> Terminal {
        let bin = dir.join(".walkthrough-bin");
        cargo_shim(&bin);
        let mut paths = vec![bin];
        paths.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        Terminal {
            dir: dir.to_owned(),
            path: std::env::join_paths(paths).unwrap(),
            assignments: Vec::new(),
        }
    }

    fn env(&self) -> Vec<(&'static str, std::ffi::OsString)> {
        vec![
            ("PATH", self.path.clone()),
            ("CARGO_TARGET_DIR", target_dir().into_os_string()),
            ("AZURITE_BIN", azurite_bin().into_os_string()),
        ]
    }

    /// Runs `command` until `check` accepts its stdout (a peek may run before the function
    /// did its work), for at most `patience`.
    fn run(&mut self, command: &str, patience: Duration, check: impl Fn(&str) -> bool) -> String {
        let is_assignment = command
            .split_once('=')
            .is_some_and(|(name, _)| name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        if is_assignment {
            self.assignments.push(command.to_owned());
            return String::new();
        }
        // Shown with the test's output when it fails.
        println!("$ {command}");
        let script = format!("set -e\n{}\n{command}\n", self.assignments.join("\n"));
        let deadline = Instant::now() + patience;
        loop {
            let output = Command::new("bash")
                .arg("-c")
                .arg(&script)
                .current_dir(&self.dir)
                .envs(self.env())
                .stdin(Stdio::null())
                .output()
                .expect("bash runs");
            let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
            if output.status.success() && check(&stdout) {
                println!("{stdout}");
                return stdout;
            }
            assert!(
                Instant::now() < deadline,
                "`{command}` ({}) did not show what the walkthrough says within {patience:?}:\n\
                 stdout: {stdout}\nstderr: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}

/// What a command of the walkthrough is documented to show; `None`: only that it succeeds.
fn documented(typed: &Typed) -> Option<String> {
    let comment = typed.comment.as_deref().unwrap_or("");
    let shown = comment
        .strip_prefix("in a second terminal:")
        .unwrap_or(comment)
        .trim();
    let command = &typed.command;
    if command.starts_with("curl") && command.contains("peekonly=true") {
        // A peek shows the message the comment names, or (no comment) that there is one: the
        // text before a peek says a message arrives there.
        return Some(if shown.starts_with("<MessageText>") {
            shown.to_owned()
        } else {
            "<MessageText>".to_owned()
        });
    }
    if command.contains("azfn invoke") {
        // Through a running `start`, the outputs are written to storage.
        return Some(if shown.contains("through the running start") {
            "Written:".to_owned()
        } else {
            "(Succeeded".to_owned()
        });
    }
    match shown {
        "hello world" => Some("hello world".into()),
        "echoed back" => quoted_body(command),
        s if s.starts_with("Order enqueued") => Some("Order enqueued".into()),
        _ => None,
    }
}

/// The `-d '...'` body of a curl command.
fn quoted_body(command: &str) -> Option<String> {
    let rest = &command[command.find("-d '")? + 4..];
    Some(rest[..rest.find('\'')?].to_owned())
}

/// Runs the marked blocks of one document; returns how many commands ran.
async fn walk(document: &str, scratch: &Path) -> usize {
    let all = blocks(document);
    let mut terminal = Terminal::new(scratch);
    let mut start: Option<StartProcess> = None;
    let mut ran = 0;
    for (index, block) in all.iter().enumerate() {
        if !block.marked {
            continue;
        }
        assert_eq!(block.info, "sh", "a walkthrough block is a shell block");
        for typed in commands(&block.lines) {
            ran += 1;
            if let Some(args) = typed
                .command
                .strip_prefix("cargo run -p cargo-azfn -- azfn start")
            {
                let args: Vec<&str> = args.split_whitespace().collect();
                let env = terminal.env();
                let env: Vec<(&str, &std::ffi::OsStr)> =
                    env.iter().map(|(k, v)| (*k, v.as_os_str())).collect();
                let mut process = StartProcess::spawn_with_env(scratch, &args, &env);
                // The first build compiles azfn into the shared target directory.
                process.url(Duration::from_secs(900)).await;
                // The output block that follows, if any, is what `start` prints.
                if let Some(output) = all.get(index + 1).filter(|b| b.info.is_empty()) {
                    let log = process.log();
                    for line in output
                        .lines
                        .iter()
                        .map(|l| l.trim())
                        .filter(|l| !l.is_empty())
                    {
                        assert!(log.contains(line), "start does not print `{line}`:\n{log}");
                    }
                }
                start = Some(process);
                continue;
            }
            let expected = documented(&typed);
            // A command shown with its output is retried until it shows it (a peek may run
            // before the function did its work); any other runs once.
            let patience = if expected.is_some() {
                Duration::from_secs(60)
            } else {
                Duration::ZERO
            };
            let stdout = terminal.run(&typed.command, patience, |stdout| {
                expected.as_deref().is_none_or(|e| stdout.contains(e))
            });
            if let Some(process) = &mut start {
                process.assert_running();
            }
            let _ = stdout;
        }
    }
    drop(start);
    ran
}

fn assert_ports_free() {
    for port in PORTS {
        assert!(
            std::net::TcpListener::bind(("127.0.0.1", port)).is_ok(),
            "port {port} is taken: the walkthrough uses the documented ports 7071 (the front door) \
             and 10000/10001 (Azurite); stop what listens there"
        );
    }
}

/// Issue 14: the README's local walkthrough is executed verbatim. Its queue part failed on a
/// fresh Azurite (`QueueNotFound`) because nobody had created `messages-incoming`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_local_walkthrough_runs_as_written() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut total = 0;
    for document in ["README.md", "docs/running-locally.md"] {
        assert_ports_free();
        let scratch = tempfile::tempdir().unwrap();
        scratch_orders(scratch.path());
        // Azurite's data from an earlier run would not be the fresh storage a reader has.
        let _ = fs::remove_dir_all(target_dir().join("azfn/.azurite"));
        let text = fs::read_to_string(workspace.join(document)).unwrap();
        let ran = walk(&text, scratch.path()).await;
        assert!(ran >= 2, "{document}: {ran} walkthrough commands found");
        total += ran;
        // The host stopped with its Azurite: the next document starts on free ports again.
        let deadline = Instant::now() + Duration::from_secs(20);
        while PORTS
            .iter()
            .any(|p| std::net::TcpListener::bind(("127.0.0.1", *p)).is_err())
        {
            assert!(Instant::now() < deadline, "the host did not free its ports");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    assert!(total >= 12, "{total} walkthrough commands in all");
}

#[test]
fn commands_are_read_as_a_reader_types_them() {
    let lines: Vec<String> = [
        "# a prose comment",
        "curl http://localhost:7071/api/hello   # hello world",
        "curl -H 'Content-Type: a#b' \\",
        "     -d '{}' http://x   # Order enqueued, and more",
        "",
        "Q=http://127.0.0.1:10001/devstoreaccount1",
    ]
    .map(String::from)
    .to_vec();
    let typed = commands(&lines);
    assert_eq!(typed.len(), 3, "{typed:#?}");
    assert_eq!(typed[0].comment.as_deref(), Some("hello world"));
    assert_eq!(
        typed[1].command,
        "curl -H 'Content-Type: a#b'       -d '{}' http://x"
    );
    assert_eq!(documented(&typed[1]).as_deref(), Some("Order enqueued"));
    assert_eq!(documented(&typed[0]).as_deref(), Some("hello world"));
    let markdown = "text\n<!-- walkthrough: x -->\n```sh\nls\n```\n```\nout\n```\n```sh\nno\n```\n";
    let found = blocks(markdown);
    assert_eq!(found.len(), 3);
    assert!(found[0].marked && !found[1].marked && !found[2].marked);
    assert_eq!(found[1].info, "");
}
