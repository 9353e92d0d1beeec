//! The language server's settings, fix-all, ignore and refactor actions, end to end over stdio.

mod common;

use common::lsp_client::{apply_text_edits, codes, LspClient};
use serde_json::{json, Value};

const URI: &str = "file:///project/Dockerfile";
const PIP: &str = "FROM python:3.12-slim\nRUN pip install flask\n";

fn start(test: &str) -> LspClient {
    common::dockerlean("lsp_config", test, &[])
}

fn code_actions(client: &mut LspClient, uri: &str, line: u32, only: Option<&[&str]>) -> Vec<Value> {
    let at = json!({ "line": line, "character": 8 });
    let mut context = json!({ "diagnostics": [] });
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    let response = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": { "start": at, "end": at }, "context": context }),
    );
    response["result"]
        .as_array()
        .cloned()
        .expect("code actions")
}

fn edits<'a>(action: &'a Value, uri: &str) -> &'a [Value] {
    action["edit"]["changes"][uri]
        .as_array()
        .expect("edits for the document")
}

#[test]
fn settings_pulled_with_workspace_configuration_apply_and_changes_republish() {
    let mut client = start("pull");
    let result = client.initialize(json!({ "workspace": { "configuration": true } }));
    let kinds = &result["capabilities"]["codeActionProvider"]["codeActionKinds"];
    assert_eq!(
        kinds,
        &json!(["quickfix", "refactor.rewrite", "source.fixAll.dockerlean"])
    );
    let request = client.wait_request("workspace/configuration");
    assert_eq!(request["params"]["items"][0]["section"], "dockerlean");
    client.respond(
        &request["id"],
        json!([{ "rules": { "pip-cache-kept": "off" } }]),
    );
    // Answered before the document opens, so its first analysis already has the settings.
    client.did_open(URI, 1, PIP);
    assert!(codes(&client.diagnostics(URI, 1)).is_empty());

    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": null }),
    );
    let request = client.wait_request("workspace/configuration");
    client.respond(&request["id"], json!([{ "rules": { "DKL101": "error" } }]));
    let republished = client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
    });
    let diagnostic = &republished["diagnostics"][0];
    assert_eq!(
        (diagnostic["code"].as_str(), diagnostic["severity"].as_i64()),
        (Some("DKL101"), Some(1))
    );
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn settings_from_initialization_options_and_pushed_changes() {
    let mut client = start("push");
    client.request(
        "initialize",
        json!({ "processId": null, "rootUri": null, "capabilities": {},
                "initializationOptions": { "dockerlean": { "ignore": ["DL3042"] } } }),
    );
    client.notify("initialized", json!({}));
    client.did_open(URI, 1, PIP);
    assert!(codes(&client.diagnostics(URI, 1)).is_empty());

    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "dockerlean": { "rules": { "DKL101": "nonsense" } } } }),
    );
    // Malformed settings: one diagnostic that says so, and the defaults.
    let republished = client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
    });
    let diagnostics = republished["diagnostics"].as_array().unwrap();
    assert_eq!(codes(diagnostics), ["config", "DKL101"]);
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(
        message.contains("dockerlean") && message.contains("nonsense"),
        "{message}"
    );
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn a_malformed_config_file_is_one_diagnostic_naming_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join(".dockerlean.toml"),
        "[rules]\nDKL101 = \"off\"\nDKL102 = 3\n",
    )
    .unwrap();
    let uri = format!("file://{}/Dockerfile", dir.path().display());
    let mut client = start("malformed");
    client.initialize(json!({}));
    client.did_open(&uri, 1, PIP);
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(codes(&diagnostics), ["config", "DKL101"], "defaults apply");
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(message.contains(".dockerlean.toml:3: "), "{message}");

    std::fs::write(
        dir.path().join(".dockerlean.toml"),
        "[rules]\nDKL101 = \"off\"\n",
    )
    .unwrap();
    client.did_change(&uri, 2, json!([{ "text": PIP }]));
    assert!(client.diagnostics(&uri, 2).is_empty());
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn fix_all_applies_every_fix_in_one_edit() {
    let text =
        "FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl\nRUN pip install flask\n";
    let mut client = start("fix_all");
    client.initialize(json!({}));
    client.did_open(URI, 1, text);
    assert_eq!(client.diagnostics(URI, 1).len(), 3);
    let actions = code_actions(&mut client, URI, 0, Some(&["source.fixAll"]));
    let [action] = &actions[..] else {
        panic!("one fix-all action: {actions:?}")
    };
    assert_eq!(action["kind"], "source.fixAll.dockerlean");
    let fixed = apply_text_edits(text, edits(action, URI));
    assert_eq!(
        fixed,
        "FROM debian:12-slim\nRUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*\nRUN pip install --no-cache-dir flask\n"
    );
    client.did_change(URI, 2, json!([{ "text": fixed }]));
    assert!(client.diagnostics(URI, 2).is_empty());
    assert!(code_actions(&mut client, URI, 0, Some(&["source"])).is_empty());
    assert!(client.shutdown_and_exit().success());
}

/// A client that resolves edits gets the fix-all without its edit (computing it costs several
/// analyses) and asks for it once chosen; for a version that has moved on, no edit comes.
#[test]
fn fix_all_is_computed_when_resolved() {
    let text = "FROM python:3.12-slim\nRUN pip install flask\n";
    let mut client = start("fix_all_resolve");
    let capabilities = json!({ "textDocument": { "codeAction": {
        "resolveSupport": { "properties": ["edit"] } } } });
    let result = client.initialize(capabilities);
    assert_eq!(
        result["capabilities"]["codeActionProvider"]["resolveProvider"],
        true
    );
    client.did_open(URI, 1, text);
    client.diagnostics(URI, 1);
    let actions = code_actions(&mut client, URI, 0, Some(&["source.fixAll"]));
    let [action] = &actions[..] else {
        panic!("one fix-all action: {actions:?}")
    };
    assert!(action.get("edit").is_none(), "{action}");
    let resolved = client.request("codeAction/resolve", action.clone());
    assert_eq!(
        apply_text_edits(text, edits(&resolved["result"], URI)),
        "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n"
    );

    client.did_change(
        URI,
        2,
        json!([{ "text": "FROM python:3.12-slim\nRUN pip install x\n" }]),
    );
    client.diagnostics(URI, 2);
    let stale = client.request("codeAction/resolve", action.clone());
    assert!(stale["result"].get("edit").is_none(), "{stale}");
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn every_finding_can_be_ignored_for_its_instruction() {
    let text = "FROM python:3.12-slim\n  # dockerlean ignore=DKL102\n  RUN pip install flask\n";
    let mut client = start("ignore");
    client.initialize(json!({}));
    client.did_open(URI, 1, text);
    assert_eq!(codes(&client.diagnostics(URI, 1)), ["DKL101"]);
    let actions = code_actions(&mut client, URI, 2, Some(&["quickfix"]));
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "Ignore DKL101 for this instruction")
        .expect("an ignore action");
    assert_eq!(ignore["kind"], "quickfix");
    let ignored = apply_text_edits(text, edits(ignore, URI));
    assert_eq!(
        ignored,
        "FROM python:3.12-slim\n  # dockerlean ignore=DKL102,DKL101\n  RUN pip install flask\n"
    );
    client.did_change(URI, 2, json!([{ "text": ignored }]));
    assert!(client.diagnostics(URI, 2).is_empty());
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn split_into_stages_is_a_refactor() {
    let text = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\nENTRYPOINT [\"/out/app\"]\n";
    let mut client = start("refactor");
    client.initialize(json!({}));
    client.did_open(URI, 1, text);
    client.diagnostics(URI, 1);
    let quick_fixes = code_actions(&mut client, URI, 0, Some(&["quickfix"]));
    assert!(
        !quick_fixes
            .iter()
            .any(|a| a["title"].as_str().is_some_and(|t| t.starts_with("Split"))),
        "the split is not offered as a quick fix: {quick_fixes:?}"
    );
    let actions = code_actions(&mut client, URI, 0, Some(&["refactor"]));
    let [split] = &actions[..] else {
        panic!("one refactor: {actions:?}")
    };
    assert_eq!(split["kind"], "refactor.rewrite");
    let out = apply_text_edits(text, edits(split, URI));
    assert!(out.starts_with("FROM golang:1.22 AS builder\n"), "{out}");
    assert!(
        out.contains(
            "\nFROM gcr.io/distroless/static-debian12\nCOPY --from=builder /out/app /out/app\n"
        ),
        "{out}"
    );
    assert!(client.shutdown_and_exit().success());
}
