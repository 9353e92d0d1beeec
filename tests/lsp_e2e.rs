//! The language server end to end: the real binary driven over stdio by a JSON-RPC client.

mod common;

use common::lsp_client::{apply_text_edits, codes, LspClient};
use serde_json::{json, Value};

const URI: &str = "file:///project/Dockerfile";
/// The emoji is two UTF-16 code units and four UTF-8 bytes, so a column after it differs by
/// encoding.
const PIP: &str = "FROM python:3.12-slim\nRUN echo 😀 && pip install flask\n";
const AFTER_INSTALL_UTF16: u32 = 26;
const AFTER_INSTALL_UTF8: u32 = 28;

fn start(test: &str) -> LspClient {
    common::dockerlean("lsp_e2e", test, &[])
}

fn insert_at(line: u32, character: u32, text: &str) -> Value {
    let at = json!({ "line": line, "character": character });
    json!([{ "range": { "start": at, "end": at }, "text": text }])
}

#[test]
fn utf16_is_negotiated_when_utf8_is_not_offered() {
    let mut client = start("utf16");
    let result = client.initialize(json!({ "general": { "positionEncodings": ["utf-16"] } }));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(
        result["capabilities"]["textDocumentSync"]["change"], 2,
        "incremental sync"
    );
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn utf8_is_negotiated_when_offered() {
    let mut client = start("utf8");
    let result =
        client.initialize(json!({ "general": { "positionEncodings": ["utf-16", "utf-8"] } }));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn diagnostics_follow_incremental_changes_in_utf16_columns() {
    let mut client = start("incremental_utf16");
    client.initialize(json!({}));
    client.did_open(URI, 1, PIP);
    let diagnostics = client.diagnostics(URI, 1);
    let pip = diagnostics
        .iter()
        .find(|d| d["code"] == "DKL101")
        .expect("DKL101 on open");
    assert_eq!(pip["range"]["start"]["line"], 1);
    assert_eq!(pip["source"], "dockerlean");
    assert_eq!(pip["severity"], 2);
    let href = pip["codeDescription"]["href"]
        .as_str()
        .expect("a docs link");
    let page = href.strip_prefix("file://").expect("a file URI");
    assert!(std::fs::read_to_string(page).unwrap().contains("DKL101"));

    client.did_change(URI, 2, insert_at(1, AFTER_INSTALL_UTF16, " --no-cache-dir"));
    assert!(!codes(&client.diagnostics(URI, 2)).contains(&"DKL101"));
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn incremental_changes_use_byte_columns_under_utf8() {
    let mut client = start("incremental_utf8");
    client.initialize(json!({ "general": { "positionEncodings": ["utf-8"] } }));
    client.did_open(URI, 1, PIP);
    assert!(codes(&client.diagnostics(URI, 1)).contains(&"DKL101"));
    client.did_change(URI, 2, insert_at(1, AFTER_INSTALL_UTF8, " --no-cache-dir"));
    assert!(!codes(&client.diagnostics(URI, 2)).contains(&"DKL101"));
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn a_quick_fix_applied_by_the_client_clears_its_diagnostic() {
    let mut client = start("quick_fix");
    client.initialize(json!({}));
    client.did_open(URI, 1, PIP);
    let diagnostics = client.diagnostics(URI, 1);
    let pip = diagnostics
        .iter()
        .find(|d| d["code"] == "DKL101")
        .expect("DKL101 on open")
        .clone();

    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": URI },
            "range": pip["range"],
            "context": { "diagnostics": [pip] },
        }),
    );
    let actions = response["result"].as_array().expect("code actions");
    let fix = actions
        .iter()
        .find(|a| a["diagnostics"][0]["code"] == "DKL101")
        .expect("a fix");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    let edits = fix["edit"]["changes"][URI]
        .as_array()
        .expect("edits for the document")
        .clone();

    let fixed = apply_text_edits(PIP, &edits);
    assert_eq!(
        fixed,
        "FROM python:3.12-slim\nRUN echo 😀 && pip install --no-cache-dir flask\n"
    );
    // Sent as a client does: one change per edit, last in the text first so that the earlier
    // positions stay valid.
    let mut changes: Vec<Value> = edits
        .iter()
        .map(|e| json!({ "range": e["range"], "text": e["newText"] }))
        .collect();
    changes.reverse();
    client.did_change(URI, 2, Value::Array(changes));
    assert!(!codes(&client.diagnostics(URI, 2)).contains(&"DKL101"));
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn a_change_past_the_end_is_ignored_without_losing_text() {
    let mut client = start("past_the_end");
    client.initialize(json!({}));
    client.did_open(URI, 1, PIP);
    assert!(codes(&client.diagnostics(URI, 1)).contains(&"DKL101"));
    let far = json!({ "line": 40, "character": 3 });
    client.did_change(
        URI,
        2,
        json!([{ "range": { "start": far, "end": far }, "text": "x" }]),
    );
    // Still serving, and the text is what it was: the finding is still there.
    assert!(codes(&client.diagnostics(URI, 2)).contains(&"DKL101"));
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": URI },
            "range": { "start": far, "end": far },
            "context": { "diagnostics": [] },
        }),
    );
    assert!(response.get("error").is_none(), "{response}");
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn keystrokes_sent_back_to_back_are_applied_in_order() {
    let mut client = start("keystrokes");
    client.initialize(json!({}));
    client.did_open(URI, 1, PIP);
    assert!(codes(&client.diagnostics(URI, 1)).contains(&"DKL101"));
    let mut version = 1;
    for (i, ch) in " --no-cache-dir".chars().enumerate() {
        version += 1;
        client.did_change(
            URI,
            version,
            insert_at(1, AFTER_INSTALL_UTF16 + i as u32, &ch.to_string()),
        );
    }
    assert!(!codes(&client.diagnostics(URI, version)).contains(&"DKL101"));
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn unknown_and_closed_documents_are_answered_quietly() {
    let mut client = start("unknown");
    client.initialize(json!({}));
    client.did_change("file:///never/opened", 2, insert_at(0, 0, "x"));
    client.did_open(URI, 1, PIP);
    client.diagnostics(URI, 1);
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": URI } }),
    );
    let cleared = client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == URI && p["diagnostics"] == json!([])
    });
    assert!(cleared["version"].is_null());
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": URI },
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
            "context": { "diagnostics": [] },
        }),
    );
    assert!(response.get("error").is_none(), "{response}");
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn exit_without_shutdown_is_a_failure() {
    let mut client = start("exit_only");
    client.initialize(json!({}));
    assert!(!client.exit().success());
}
