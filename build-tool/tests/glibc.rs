//! Issue 17: a handler that starts on every Azure Functions Linux worker. `examples/orders`
//! built through cargo-zigbuild for glibc 2.28, packed, checked in the zip and run by the
//! local host; a native build needing a newer glibc than the oldest image is warned about by
//! `build` and refused by `pack`; the same build packs to the same bytes.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use azfn_host::{App, Delivered, Handler, HandlerOptions, HttpMode, encode_text};
use bytes::Bytes;
use cargo_azfn::handler_binary::HandlerBinary;
use cargo_azfn::workers::{GlibcVersion, oldest_image};
use common::{cargo_azfn, workspace_root, zip_entries};
use serde_json::{Map, Value, json};

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// cargo-zigbuild and Zig, installed from PyPI when missing (as `.ci/run` does).
fn ensure_zigbuild() {
    let zig = || runs("zig", &["version"]) || runs("python3", &["-m", "ziglang", "version"]);
    if runs("cargo-zigbuild", &["--version"]) && zig() {
        return;
    }
    let installed = runs(
        "python3",
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "cargo-zigbuild",
            "ziglang",
        ],
    );
    assert!(
        installed && runs("cargo-zigbuild", &["--version"]) && zig(),
        "this test builds through cargo-zigbuild and Zig: install them with \
         `pip install cargo-zigbuild ziglang` (and put pip's scripts on PATH)"
    );
}

/// The newest `GLIBC_x.y` named anywhere in the executable's bytes: a check independent of
/// the ELF reader under test (every version need's name is a string in `.dynstr`).
fn newest_glibc_string(bytes: &[u8]) -> Option<GlibcVersion> {
    let mut newest = None;
    for (at, _) in bytes
        .windows(6)
        .enumerate()
        .filter(|(_, w)| *w == b"GLIBC_")
    {
        let rest = &bytes[at..];
        let end = rest
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'.'))
            .unwrap_or(rest.len());
        let name = std::str::from_utf8(&rest[..end]).unwrap_or("");
        newest = newest.max(GlibcVersion::from_symbol_version(name));
    }
    newest
}

/// Unzips `zip` into `dir` with the modes it records, as the Functions platform does.
fn unzip(zip: &Path, dir: &Path) {
    for (name, mode, contents) in zip_entries(zip) {
        let path = dir.join(&name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, contents).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        }
        let _ = mode;
    }
}

fn request(method: &str, uri: &str, body: &[u8]) -> http::Request<Bytes> {
    http::Request::builder()
        .method(method)
        .uri(uri)
        .header("host", "localhost:7071")
        .header("content-length", body.len().to_string())
        .header("content-type", "text/plain; charset=utf-8")
        .body(Bytes::copy_from_slice(body))
        .unwrap()
}

/// The end-to-end checks of `tests/tests/e2e_orders.rs` that need no storage: `hello` in the
/// three HTTP modes, and queue messages relayed unchanged.
async fn drive(app_dir: &Path) {
    for mode in [HttpMode::Payload, HttpMode::Forward, HttpMode::Proxy] {
        let app = App::load(app_dir).unwrap().with_http_mode(mode);
        let handler = Handler::start(&app, HandlerOptions::new())
            .await
            .unwrap_or_else(|e| panic!("{mode:?}: the packed handler starts: {e}"));
        let response = handler
            .http(request("GET", "/api/hello", b""))
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{mode:?}");
        assert_eq!(response.body(), "hello world", "{mode:?}");
        let text = "zażółć gęślą jaźń 🦀";
        let response = handler
            .http(request("POST", "/api/hello", text.as_bytes()))
            .await
            .unwrap();
        assert_eq!(response.body(), text.as_bytes(), "{mode:?}");

        for message in ["abcd", "{\"orderId\":1005}", "line one\nline two"] {
            let mut data = Map::new();
            data.insert("myQueueItem".into(), encode_text(message));
            let metadata: Map<String, Value> =
                json!({"DequeueCount": 1, "Id": "8c3f1f8e-3b1f-4a77-9d6c-5b2a1e0f9c44"})
                    .as_object()
                    .unwrap()
                    .clone();
            let invocation = handler
                .invoke("MyQueueFunction", data, metadata)
                .await
                .unwrap();
            let relayed = match invocation.output("$return").expect("a return value") {
                Delivered::Bytes(b) => b.to_vec(),
                Delivered::Text(t) => t.as_bytes().to_vec(),
                other => panic!("{message:?}: {other:?}"),
            };
            assert_eq!(relayed, message.as_bytes(), "{mode:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn orders_built_for_glibc_2_28_through_zigbuild_packs_and_runs() {
    ensure_zigbuild();
    let manifest = workspace_root().join("examples/orders/Cargo.toml");
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.zip");
    let second = dir.path().join("second.zip");
    let pack = |zip: &Path| {
        cargo_azfn(&[
            "pack",
            "--manifest-path",
            manifest.to_str().unwrap(),
            "--target",
            "x86_64-unknown-linux-gnu.2.28",
            "--output",
            zip.to_str().unwrap(),
        ])
    };

    let started = Instant::now();
    let output = pack(&first);
    eprintln!(
        "zigbuild + pack of examples/orders: {:?}",
        started.elapsed()
    );
    assert!(output.status.success(), "{output:?}");
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(
            "release profile for x86_64-unknown-linux-gnu.2.28, Linux x86_64, needs glibc"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("warning: handler"), "{stderr}");

    let entries = zip_entries(&first);
    let (_, mode, handler) = entries
        .iter()
        .find(|(name, _, _)| name == "orders")
        .expect("the handler is in the zip");
    assert_eq!(*mode, 0o755);
    let floor = GlibcVersion::new(2, 28);
    let newest = newest_glibc_string(handler).expect("a glibc handler names its versions");
    assert!(newest <= floor, "the handler needs GLIBC_{newest}");
    let HandlerBinary::LinuxGlibc {
        arch: "x86_64",
        glibc: Some(needs),
    } = HandlerBinary::parse(&handler[..])
    else {
        panic!("not a glibc x86_64 handler");
    };
    assert_eq!(needs, newest);

    // The same build, packed again: the same bytes.
    let output = pack(&second);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(fs::read(&first).unwrap(), fs::read(&second).unwrap());

    let app = dir.path().join("app");
    unzip(&first, &app);
    drive(&app).await;
}

#[test]
fn a_native_build_needing_a_newer_glibc_is_warned_about_and_refused_by_pack() {
    let manifest = workspace_root().join("examples/orders/Cargo.toml");
    let manifest = manifest.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("orders");
    let floor = oldest_image().glibc;

    let output = cargo_azfn(&[
        "build",
        "--manifest-path",
        manifest,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{output:?}");
    // A real binary, linked by this machine's toolchain.
    let HandlerBinary::LinuxGlibc {
        glibc: Some(needs), ..
    } = HandlerBinary::read(&out.join("orders")).unwrap()
    else {
        panic!("this test needs a Linux build machine with glibc");
    };
    assert!(
        needs > floor,
        "this test needs a build machine whose glibc is newer than {floor} (a native build \
         here needs only {needs})"
    );
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "warning: handler `orders`: it needs glibc {needs} (symbol version GLIBC_{needs}), \
             newer than glibc {floor} of the oldest Azure Functions Linux image (Debian 11 \
             bullseye)"
        )),
        "{stderr}"
    );

    // `emit` of the same executable says the same.
    let emitted = dir.path().join("emitted");
    let output = cargo_azfn(&[
        "emit",
        "--bin-path",
        out.join("orders").to_str().unwrap(),
        "--out",
        emitted.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{output:?}");
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "Handler `orders`: Linux x86_64, needs glibc {needs}\n"
        )) && stderr.contains(&format!(
            "warning: handler `orders`: it needs glibc {needs} (symbol version \
                 GLIBC_{needs}), newer than glibc {floor}"
        )),
        "{stderr}"
    );

    let zip = dir.path().join("orders.zip");
    let output = cargo_azfn(&["pack", "--app-dir", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(&format!("it needs glibc {needs}"))
            && stderr.contains(&format!("newer than glibc {floor}"))
            && stderr.contains("pass `--allow-newer-glibc` to pack it anyway"),
        "{stderr}"
    );
    assert!(!zip.exists(), "nothing is packed");

    let output = cargo_azfn(&[
        "pack",
        "--app-dir",
        out.to_str().unwrap(),
        "--allow-newer-glibc",
    ]);
    assert!(output.status.success(), "{output:?}");
    assert!(
        text(&output.stderr).contains("warning: packed with `--allow-newer-glibc`"),
        "{output:?}"
    );
    assert!(zip.is_file());
}

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
#[test]
fn a_statically_linked_handler_is_named_and_needs_no_glibc() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("main.rs");
    fs::write(&source, "fn main() {}\n").unwrap();
    let executable = dir.path().join("handler");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    // Static glibc links as musl does: no dynamic loader, no glibc needed from the image.
    let status = Command::new(rustc)
        .args(["-C", "target-feature=+crt-static", "-o"])
        .arg(&executable)
        .arg(&source)
        .status()
        .unwrap();
    assert!(
        status.success(),
        "rustc -C target-feature=+crt-static failed"
    );
    let binary = HandlerBinary::read(&executable).unwrap();
    assert_eq!(binary, HandlerBinary::LinuxStatic { arch: "x86_64" });
    assert_eq!(
        binary.to_string(),
        "Linux x86_64, statically linked (needs no glibc)"
    );
    assert_eq!(binary.glibc_too_new(), None);
}
