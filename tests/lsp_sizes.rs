//! The size features of the language server end to end over stdio: hover, completion, inlay
//! hints, code lens and their settings, on the bundled examples; and registry look-ups against
//! a real registry on loopback (skipped where `docker-registry` is not installed).

mod common;

use std::path::Path;

use common::lsp_client::LspClient;
use common::registry::{Format, TestRegistry, AMD64, ARM64};
use serde_json::{json, Value};

fn start(test: &str) -> LspClient {
    common::dockerlean("lsp_sizes", test, &[])
}

fn example(name: &str) -> (String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    (format!("file://{}", path.display()), text)
}

const MARKDOWN: &str =
    r#"{ "textDocument": { "hover": { "contentFormat": ["markdown", "plaintext"] } } }"#;

fn open(client: &mut LspClient, uri: &str, text: &str) {
    client.did_open(uri, 1, text);
    client.diagnostics(uri, 1);
}

#[test]
fn capabilities_include_the_size_features() {
    let mut client = start("capabilities");
    let result = client.initialize(json!({}));
    let caps = &result["capabilities"];
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["inlayHintProvider"], true);
    assert!(caps["codeLensProvider"].is_object());
    assert!(caps["completionProvider"]["triggerCharacters"]
        .as_array()
        .unwrap()
        .contains(&json!(":")));
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn hover_on_from_in_markdown_and_plain_text() {
    let mut client = start("hover");
    client.initialize(serde_json::from_str(MARKDOWN).unwrap());
    let (uri, text) = example("python/Dockerfile");
    open(&mut client, &uri, &text);
    let hover = client.at_position("textDocument/hover", &uri, 1, 7);
    assert_eq!(hover["contents"]["kind"], "markdown");
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(
        value.contains("| linux/amd64 | 411 MB | ≈ 1.1 GB | 7 |"),
        "{value}"
    );
    assert!(value.contains("`python:3.12-slim` 43 MB, −89 %"), "{value}");
    assert!(value.contains("Build of 2026-08-13"), "{value}");
    assert_eq!(
        hover["range"]["start"],
        json!({ "line": 1, "character": 5 })
    );
    // A RUN: what it adds and where the number comes from.
    let hover = client.at_position("textDocument/hover", &uri, 3, 2);
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(value.contains("apt lists kept"), "{value}");
    assert!(client.shutdown_and_exit().success());

    let mut client = start("hover_plain");
    client.initialize(json!({}));
    let uri = "file:///nowhere/Dockerfile";
    open(&mut client, uri, "FROM python:3.9 AS build\nFROM build\n");
    let hover = client.at_position("textDocument/hover", uri, 0, 7);
    assert_eq!(hover["contents"]["kind"], "plaintext");
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(
        value.contains("Size unknown: python:3.9 is not in the bundled size table"),
        "{value}"
    );
    assert!(value.contains("python:3.10 "), "nearest tags: {value}");
    let hover = client.at_position("textDocument/hover", uri, 1, 6);
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("stage build"));
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn completion_of_images_tags_and_stages() {
    let mut client = start("completion");
    client.initialize(json!({}));
    let uri = "file:///nowhere/Dockerfile";
    open(
        &mut client,
        uri,
        "FROM node:2\nFROM alpine AS deps\nCOPY --from=\nFROM \n",
    );
    let tags = client.at_position("textDocument/completion", uri, 0, 11);
    let tags = tags.as_array().unwrap();
    let alpine = tags.iter().find(|i| i["label"] == "24-alpine").unwrap();
    assert!(
        alpine["detail"].as_str().unwrap().contains("download"),
        "{alpine}"
    );
    assert_eq!(
        alpine["textEdit"]["range"]["start"],
        json!({ "line": 0, "character": 10 })
    );
    let order: Vec<&str> = tags
        .iter()
        .map(|i| i["sortText"].as_str().unwrap())
        .collect();
    let sort_of = |label: &str| {
        let i = tags.iter().position(|t| t["label"] == label).unwrap();
        order[i]
    };
    assert!(sort_of("24-alpine") < sort_of("24-slim") && sort_of("24-slim") < sort_of("24"));
    let stages = client.at_position("textDocument/completion", uri, 2, 12);
    assert_eq!(stages.as_array().unwrap().len(), 1);
    assert_eq!(stages[0]["label"], "deps");
    let images = client.at_position("textDocument/completion", uri, 3, 5);
    let labels: Vec<&str> = images
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"deps") && labels.contains(&"python"),
        "{labels:?}"
    );
    assert!(client.shutdown_and_exit().success());
}

fn hints(client: &mut LspClient, uri: &str) -> Vec<Value> {
    let response = client.request(
        "textDocument/inlayHint",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 100, "character": 0 } },
        }),
    );
    response["result"].as_array().cloned().unwrap_or_default()
}

fn lenses(client: &mut LspClient, uri: &str) -> Vec<Value> {
    let response = client.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": uri } }),
    );
    response["result"].as_array().cloned().unwrap_or_default()
}

#[test]
fn inlay_hints_and_code_lenses_on_the_multistage_example() {
    let mut client = start("hints");
    client.initialize(json!({}));
    let (uri, text) = example("flask/Dockerfile.multistage");
    open(&mut client, &uri, &text);
    let hints = hints(&mut client, &uri);
    let labels: Vec<(u64, &str)> = hints
        .iter()
        .map(|h| {
            (
                h["position"]["line"].as_u64().unwrap(),
                h["label"].as_str().unwrap(),
            )
        })
        .collect();
    // The apt RUN ends on line 7 (0-based 6); pip and COPY --from have no data.
    assert!(
        labels
            .iter()
            .any(|(l, s)| *l == 6 && s.starts_with("+≈") && s.ends_with(" MB")),
        "{labels:?}"
    );
    assert!(labels.contains(&(9, "+? MB")), "{labels:?}");
    assert!(labels.contains(&(13, "+? MB")), "{labels:?}");
    // COPY app.py: the real size of the file on disk.
    let app =
        std::fs::metadata(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/flask/app.py"))
            .unwrap()
            .len();
    assert!(
        labels.contains(&(14, format!("+{app} B").as_str())),
        "{labels:?}"
    );

    let lenses = lenses(&mut client, &uri);
    let titles: Vec<&str> = lenses
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 2);
    assert!(
        titles[0].starts_with("stage ≥ ") && titles[0].ends_with("· not shipped"),
        "{titles:?}"
    );
    assert!(
        titles[1].contains("(base ≈ 123 MB + ") && titles[1].ends_with("· final image"),
        "{titles:?}"
    );
    assert_eq!(lenses[1]["range"]["start"]["line"], 11);
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn hints_and_lenses_can_be_turned_off_and_on() {
    let mut client = start("settings");
    client.initialize_with_options(
        json!({}),
        json!({ "dockerlean": { "inlayHints": false, "codeLens": false } }),
    );
    let (uri, text) = example("flask/Dockerfile");
    open(&mut client, &uri, &text);
    assert!(hints(&mut client, &uri).is_empty());
    assert!(lenses(&mut client, &uri).is_empty());
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "dockerlean": { "inlayHints": true, "codeLens": true } } }),
    );
    let labels: Vec<String> = hints(&mut client, &uri)
        .iter()
        .map(|h| h["label"].as_str().unwrap().to_string())
        .collect();
    assert!(labels.contains(&"+? MB".to_string()), "{labels:?}");
    let lenses = lenses(&mut client, &uri);
    assert_eq!(lenses.len(), 1);
    assert!(lenses[0]["command"]["title"]
        .as_str()
        .unwrap()
        .contains("base ?"));
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn hover_looks_a_base_image_up_in_the_registry_and_the_editor_is_told_when_it_is_in() {
    let Some(registry) = TestRegistry::start() else {
        return;
    };
    let host = registry.host.clone();
    let amd64 = registry.push_image("test/app", None, AMD64, &[3000, 1200], Format::Oci);
    let arm64 = registry.push_image("test/app", None, ARM64, &[2500], Format::Oci);
    registry.push_index("test/app", "1", &[amd64, arm64]);
    // The server's cache directory (XDG_CACHE_HOME) is kept between runs: start it empty.
    let cache: std::path::PathBuf = [env!("CARGO_TARGET_TMPDIR"), "lsp_sizes", "registry"]
        .iter()
        .collect();
    let _ = std::fs::remove_dir_all(cache.join("dockerlean/registry"));
    let mut client = start("registry");
    client.initialize_with_options(
        json!({
            "textDocument": { "hover": { "contentFormat": ["markdown"] } },
            "workspace": {
                "codeLens": { "refreshSupport": true },
                "inlayHint": { "refreshSupport": true },
            },
        }),
        json!({ "dockerlean": { "registry": { "lookups": true } } }),
    );
    let dir = tempfile::tempdir().unwrap();
    let text = format!("FROM {host}/test/app:1\nCOPY app.txt /\n");
    std::fs::write(dir.path().join("Dockerfile"), &text).unwrap();
    std::fs::write(dir.path().join("app.txt"), "0123456789").unwrap();
    let uri = format!("file://{}/Dockerfile", dir.path().display());
    client.did_open(&uri, 1, &text);
    let diagnostics = client.diagnostics(&uri, 1);
    assert!(
        !common::lsp_client::codes(&diagnostics).contains(&"config"),
        "the registry settings are not rule settings: {diagnostics:?}"
    );

    let hover = client.at_position("textDocument/hover", &uri, 0, 7);
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(
        value.contains(&format!("Registry look-up: looking up in {host}…")),
        "{value}"
    );
    // The look-up ends: lenses and hints are refreshed, diagnostics published again.
    for method in ["workspace/codeLens/refresh", "workspace/inlayHint/refresh"] {
        let request = client.wait_request(method);
        client.respond(&request["id"], Value::Null);
    }
    client.diagnostics(&uri, 1);

    let hover = client.at_position("textDocument/hover", &uri, 0, 7);
    let value = hover["contents"]["value"].as_str().unwrap();
    assert!(
        value.contains(
            "| linux/amd64 | 4.2 kB | 8.4 kB–14 kB (estimated from the download: × 2.0–3.4) | 2 |"
        ),
        "{value}"
    );
    assert!(
        value.contains(&format!("Data: registry {host}, fetched 20")),
        "{value}"
    );
    let lenses = lenses(&mut client, &uri);
    let title = lenses[0]["command"]["title"].as_str().unwrap();
    assert_eq!(title, "stage ≈ 11 kB (base ≈ 11 kB + 10 B) · final image");
    assert!(client.shutdown_and_exit().success());
}
