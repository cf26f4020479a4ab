//! The blob trigger: scan the container, invoke once per new or changed blob, remember it
//! with a *blob receipt* in `azure-webjobs-hosts` (as the extension does, so a restart does
//! not run a blob twice), and after five failures post it to `webjobs-blobtrigger-poison`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::dates::format_offset;
use super::outputs::split_blob_path;
use super::scope::Scope;
use super::shared::finish;
use crate::storage::{BlobInfo, MessageEncoding};
use crate::{binding_data, encode_bytes, encode_text};

/// How often the container is listed. The extension's polling scan for small accounts is a
/// few seconds; Event Grid-based blob triggers are not simulated.
const SCAN_INTERVAL: Duration = Duration::from_secs(2);
/// The extension retries a failing blob this many times, then poisons it.
const MAX_DEQUEUE_COUNT: u32 = 5;
const POISON_QUEUE: &str = "webjobs-blobtrigger-poison";

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Literal(String),
    Param(String),
}

/// A blob path pattern after the container: `{name}`, `input/{name}.txt`, `{stem}.{ext}`.
#[derive(Clone, Debug)]
pub(crate) struct Pattern(Vec<Token>);

impl Pattern {
    /// Parses the pattern with the binding template parser
    /// ([`azfn_spec::expression::parse`]), as the blob extension builds its
    /// `BindingTemplateSource`; a capture is a plain name, never `{a.b}` (the WebJobs
    /// `BuildCapturePattern`: "Capture expressions can't include dot operators").
    pub(crate) fn parse(text: &str) -> Result<Pattern, String> {
        use azfn_spec::expression::Token as Parsed;
        let template = azfn_spec::expression::parse(text)
            .map_err(|e| format!("blob path `{text}`: {}", e.message))?;
        let mut tokens: Vec<Token> = Vec::new();
        for token in &template.tokens {
            match token {
                // `{{` is a literal token of its own: joined to its neighbours, the prefix
                // used for listing stays whole.
                Parsed::Literal(literal) => match tokens.last_mut() {
                    Some(Token::Literal(last)) => last.push_str(literal),
                    _ => tokens.push(Token::Literal((*literal).to_string())),
                },
                Parsed::Expression(e) if e.path.len() > 1 => {
                    return Err(format!(
                        "blob path `{text}`: `{}` cannot be matched against blob names: a \
                         trigger path captures plain names, not properties",
                        &text[e.range.clone()]
                    ));
                }
                Parsed::Expression(e) => tokens.push(Token::Param(e.name().to_string())),
            }
        }
        Ok(Pattern(tokens))
    }

    /// The literal prefix, for listing.
    pub(crate) fn prefix(&self) -> &str {
        match self.0.first() {
            Some(Token::Literal(l)) => l,
            _ => "",
        }
    }

    /// The parameter values when `name` matches.
    pub(crate) fn matches(&self, name: &str) -> Option<Vec<(String, String)>> {
        fn go(tokens: &[Token], rest: &str, out: &mut Vec<(String, String)>) -> bool {
            match tokens.split_first() {
                None => rest.is_empty(),
                Some((Token::Literal(l), tail)) => {
                    rest.starts_with(l.as_str()) && go(tail, &rest[l.len()..], out)
                }
                Some((Token::Param(p), tail)) => {
                    // Shortest match first, like the extension's regex `(?<p>.+?)`.
                    for end in (1..=rest.len()).filter(|i| rest.is_char_boundary(*i)) {
                        out.push((p.clone(), rest[..end].to_string()));
                        if go(tail, &rest[end..], out) {
                            return true;
                        }
                        out.pop();
                    }
                    false
                }
            }
        }
        let mut out = Vec::new();
        go(&self.0, name, &mut out).then_some(out)
    }
}

/// Watches the container of one blob-triggered function until its scope ends (between two
/// blobs: the one being run is finished first).
pub(crate) async fn watch(scope: Scope, function: String) {
    let shared = &scope.shared;
    let console = shared.console().clone();
    let app = scope.app.clone();
    let Some(trigger) = app.function(&function).and_then(|f| f.trigger()) else {
        return;
    };
    let setup = (|| -> Result<_, String> {
        let path = trigger
            .setting_str("path")
            .ok_or("the blob trigger has no `path`")?;
        let path = shared.resolve_settings(path)?;
        let (container, pattern) = split_blob_path(&path)?;
        let pattern = Pattern::parse(pattern)?;
        let storage = shared.storage(trigger.setting_str("connection"))?;
        Ok((container.to_string(), pattern, storage))
    })();
    let (container, pattern, storage) = match setup {
        Ok(s) => s,
        Err(e) => {
            console.error(format_args!(
                "The listener for function '{function}' was unable to start: {e}"
            ));
            return;
        }
    };
    let mut failures: HashMap<(String, String), u32> = HashMap::new();
    loop {
        match storage.list_blobs(&container, pattern.prefix()).await {
            Ok(blobs) => {
                for blob in blobs {
                    if scope.ended() {
                        break;
                    }
                    let Some(values) = pattern.matches(&blob.name) else {
                        continue;
                    };
                    let receipt = format!(
                        "blobreceipts/{}/Host.Functions.{function}/{}/{container}/{}",
                        shared.host_id(),
                        blob.etag,
                        blob.name
                    );
                    if storage
                        .blob_exists("azure-webjobs-hosts", &receipt)
                        .await
                        .unwrap_or(false)
                    {
                        continue;
                    }
                    let key = (blob.name.clone(), blob.etag.clone());
                    let ok = invoke(&scope, &function, &container, &blob, &values)
                        .await
                        .is_ok();
                    if !ok && scope.ended() {
                        // Failed because of the reload or the stop: neither a try nor a
                        // receipt; the next scan runs it again.
                        break;
                    }
                    let tries = failures.entry(key.clone()).or_insert(0);
                    if !ok {
                        *tries += 1;
                        if *tries < MAX_DEQUEUE_COUNT {
                            continue;
                        }
                        console.warn(format_args!(
                            "Blob '{container}/{}' failed {MAX_DEQUEUE_COUNT} times: moving it to queue '{POISON_QUEUE}'.",
                            blob.name
                        ));
                        let message = json!({
                            "Type": "BlobTrigger",
                            "FunctionId": format!("Host.Functions.{function}"),
                            "BlobType": "BlockBlob",
                            "ContainerName": container,
                            "BlobName": blob.name,
                            "ETag": blob.etag,
                        });
                        if let Err(e) = storage
                            .put_message(
                                POISON_QUEUE,
                                message.to_string().as_bytes(),
                                MessageEncoding::Base64,
                            )
                            .await
                        {
                            console.error(e);
                        }
                    }
                    failures.remove(&key);
                    if let Err(e) = storage
                        .upload_blob("azure-webjobs-hosts", &receipt, Vec::new())
                        .await
                    {
                        console.error(e);
                    }
                }
            }
            Err(error) => console.error(format_args!(
                "`{function}`: listing container `{container}` failed: {error}"
            )),
        }
        if !scope.sleep(SCAN_INTERVAL).await {
            break;
        }
    }
}

async fn invoke(
    scope: &Scope,
    function: &str,
    container: &str,
    blob: &BlobInfo,
    values: &[(String, String)],
) -> Result<(), String> {
    let shared = &*scope.shared;
    let app = scope.app.clone();
    let f = app.function(function).ok_or("the function is gone")?;
    let trigger = f.trigger().ok_or("no trigger")?;
    let storage = shared.storage(trigger.setting_str("connection"))?;
    let invocation_id = crate::new_guid();
    let started = Instant::now();
    shared.console().info(format_args!(
        "Executing 'Functions.{function}' (Reason='New blob detected({}): {container}/{}', Id={invocation_id})",
        if blob.created == blob.last_modified { "LogsAndContainerScan" } else { "ContainerScan" },
        blob.name
    ));
    let result: Result<Vec<String>, String> = async {
        let content = storage
            .download_blob(container, &blob.name)
            .await
            .map_err(|e| e.to_string())?
            .unwrap_or_default();
        let mut metadata = Map::new();
        for (name, value) in values {
            metadata.insert(name.clone(), encode_text(value));
        }
        let uri = storage.blob_url(container, &blob.name);
        metadata.insert("Uri".into(), encode_text(&uri));
        metadata.insert("Properties".into(), properties(blob));
        metadata.insert("Metadata".into(), json!({}));
        metadata.insert(
            "BlobTrigger".into(),
            encode_text(&format!("{container}/{}", blob.name)),
        );
        let mut data = Map::new();
        data.insert(
            trigger.name.clone(),
            if trigger.is_binary() {
                encode_bytes(&content)
            } else {
                encode_text(&String::from_utf8_lossy(&content))
            },
        );
        let binding = binding_data(f, &data, &metadata);
        scope
            .run_bindings(f, &binding, data, metadata, &invocation_id)
            .await
    }
    .await;
    finish(shared, function, &invocation_id, started, result)
}

/// `BlobProperties` as the host serialises it (a nested object, §2.5).
fn properties(blob: &BlobInfo) -> Value {
    let time =
        |t: Option<time::OffsetDateTime>| t.map_or(Value::Null, |t| Value::from(format_offset(t)));
    json!({
        "CacheControl": null,
        "ContentDisposition": null,
        "ContentEncoding": null,
        "ContentLanguage": null,
        "Length": blob.content_length,
        "ContentMD5": blob.content_md5,
        "ContentType": blob.content_type,
        "ETag": blob.etag,
        "Created": time(blob.created),
        "LastModified": time(blob.last_modified),
        "BlobType": 2,
        "LeaseStatus": 2,
        "LeaseState": 1,
        "LeaseDuration": 0,
        "IsServerEncrypted": true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        let p = Pattern::parse("{name}").unwrap();
        assert_eq!(
            p.matches("a/b.txt"),
            Some(vec![("name".to_string(), "a/b.txt".to_string())])
        );
        let p = Pattern::parse("input/{stem}.{ext}").unwrap();
        assert_eq!(p.prefix(), "input/");
        assert_eq!(
            p.matches("input/report.2026.csv"),
            Some(vec![
                ("stem".to_string(), "report".to_string()),
                ("ext".to_string(), "2026.csv".to_string())
            ])
        );
        assert_eq!(p.matches("other/x.csv"), None);
        assert_eq!(p.matches("input/noext"), None);
    }

    #[test]
    fn patterns_are_binding_templates() {
        let p = Pattern::parse("in{{put}}/{name}").unwrap();
        assert_eq!(p.prefix(), "in{put}/");
        assert!(p.matches("in{put}/a.txt").is_some());
        let e = Pattern::parse("input/{order.id}").unwrap_err();
        assert!(e.contains("not properties"), "{e}");
        let e = Pattern::parse("input/{name").unwrap_err();
        assert!(e.contains("no closing bracket"), "{e}");
    }
}
