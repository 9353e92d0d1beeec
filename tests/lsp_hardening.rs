//! The language server under hostile or careless clients, over stdio against the real binary:
//! malformed frames, unknown methods, out-of-order requests, unopened documents, ranges past
//! the end, surrogate pairs / CRLF / BOM, a 5 MB file, bursts of edits and many documents.
//! The server must answer with proper errors or ignore the message, never exit, and its copy of
//! every document must stay equal to the client's (read back through a test-only request).

mod common;

use common::lsp_client::{apply_text_edits, codes, LspClient};
use serde_json::{json, Value};

const URI: &str = "file:///project/Dockerfile";
const METHOD_NOT_FOUND: i64 = -32601;
const SERVER_NOT_INITIALIZED: i64 = -32002;
const REQUEST_CANCELLED: i64 = -32800;

fn start(test: &str) -> LspClient {
    common::dockerlean("lsp_hardening", test, &[("DOCKERLEAN_TEST_HOOKS", "1")])
}

fn started(test: &str) -> LspClient {
    let mut client = start(test);
    client.initialize(json!({}));
    client
}

fn error_code(response: &Value) -> Option<i64> {
    response["error"]["code"].as_i64()
}

/// The client's copy of a document: it applies each change as an editor does and sends it.
struct Doc {
    uri: String,
    text: String,
    version: i64,
}

impl Doc {
    fn open(client: &mut LspClient, uri: &str, text: &str) -> Doc {
        client.did_open(uri, 1, text);
        Doc {
            uri: uri.to_owned(),
            text: text.to_owned(),
            version: 1,
        }
    }

    /// Replaces UTF-16 `(line, character)` `start..end` with `new_text`.
    fn change(
        &mut self,
        client: &mut LspClient,
        start: (u32, u32),
        end: (u32, u32),
        new_text: &str,
    ) {
        let range = json!({
            "start": { "line": start.0, "character": start.1 },
            "end": { "line": end.0, "character": end.1 },
        });
        self.text = apply_text_edits(
            &self.text,
            &[json!({ "range": range, "newText": new_text })],
        );
        self.version += 1;
        client.did_change(
            &self.uri,
            self.version,
            json!([{ "range": range, "text": new_text }]),
        );
    }

    fn assert_in_step(&self, client: &mut LspClient) {
        let (text, version) = server_text(client, &self.uri).expect("the document is open");
        assert_eq!(version, self.version);
        assert!(
            text == self.text,
            "the server's text differs from the client's"
        );
    }
}

fn server_text(client: &mut LspClient, uri: &str) -> Option<(String, i64)> {
    let response = client.request("dockerlean/documentText", json!({ "uri": uri }));
    let result = &response["result"];
    Some((result[0].as_str()?.to_owned(), result[1].as_i64()?))
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

#[test]
fn malformed_frames_are_dropped_and_the_session_goes_on() {
    let mut client = started("malformed");
    client.send_bytes(b"Content-Length: abc\r\n\r\n{}");
    client.send_bytes(b"Content-Length: 99999999999999999999\r\n\r\n");
    client.send_bytes(b"Content-Type: text/plain\r\n\r\n");
    client.send_bytes(&frame(b"{not json"));
    client.send_bytes(&frame(b"{\"valid\": \"json, not json-rpc\"}"));
    client.send_bytes(&frame(&[0xff, 0xfe, b'{', b'}']));
    client.send_bytes(&frame(b"[1, 2, 3]"));
    let doc = Doc::open(&mut client, URI, "FROM alpine\n");
    doc.assert_in_step(&mut client);
    assert!(client.is_running());
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn unknown_methods_are_method_not_found_and_unknown_notifications_ignored() {
    let mut client = started("unknown_methods");
    let response = client.request("dockerlean/noSuchThing", json!({}));
    assert_eq!(error_code(&response), Some(METHOD_NOT_FOUND));
    client.notify("workspace/noSuchNotification", json!({ "x": 1 }));
    client.notify("$/noSuchNotification", Value::Null);
    let response = client.request("textDocument/codeAction", json!("wrong params"));
    assert!(response.get("error").is_some(), "{response}");
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn requests_before_initialize_are_refused() {
    let mut client = start("before_initialize");
    let response = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": URI },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                "context": { "diagnostics": [] } }),
    );
    assert_eq!(error_code(&response), Some(SERVER_NOT_INITIALIZED));
    client.initialize(json!({}));
    let doc = Doc::open(&mut client, URI, "FROM alpine\n");
    doc.assert_in_step(&mut client);
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn documents_never_opened_are_answered_without_failing() {
    let mut client = started("never_opened");
    let other = "file:///project/never/Dockerfile";
    let at = json!({ "line": 3, "character": 4 });
    client.did_change(
        other,
        2,
        json!([{ "range": { "start": at, "end": at }, "text": "x" }]),
    );
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": other } }),
    );
    let response = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": other }, "position": at }),
    );
    assert!(response["result"].is_null(), "{response}");
    let response = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": other }, "range": { "start": at, "end": at },
                "context": { "diagnostics": [] } }),
    );
    assert!(response["result"].is_null(), "{response}");
    assert_eq!(server_text(&mut client, other), None);
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn ranges_past_the_end_never_lose_text() {
    let mut client = started("past_the_end");
    let mut doc = Doc::open(&mut client, URI, "FROM alpine\nRUN true\n");
    // A line past the end is skipped: the server's text stays what the client last agreed.
    let agreed = doc.text.clone();
    doc.change(&mut client, (40, 0), (41, 0), "RUN lost\n");
    doc.text = agreed;
    doc.assert_in_step(&mut client);
    // A column past the end of a line means the end of that line.
    doc.change(&mut client, (1, 3), (1, 500), " echo hi");
    doc.assert_in_step(&mut client);
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn surrogate_pairs_crlf_and_bom_keep_the_texts_equal() {
    let mut client = started("unicode");
    let text = "\u{feff}FROM python:3.12\r\nRUN echo 😀😀 && pip install flask\r\n";
    let mut doc = Doc::open(&mut client, URI, text);
    // After "RUN echo 😀" (UTF-16: 9 + 2 units), then inside the second emoji's line.
    doc.change(&mut client, (1, 11), (1, 11), "🐳");
    doc.change(&mut client, (1, 9), (1, 11), "");
    doc.change(&mut client, (0, 1), (0, 5), "FROM");
    doc.change(&mut client, (1, 0), (1, 0), "RUN echo ü\r\n");
    doc.assert_in_step(&mut client);
    client.diagnostics(URI, doc.version);
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn a_five_megabyte_file_is_analysed_and_edited() {
    let mut client = started("five_megabytes");
    let block = "LABEL org.example.a=b \\\n      org.example.c=d\n";
    let mut text = String::from("FROM debian\nRUN pip install flask\n");
    while text.len() < 5 << 20 {
        text.push_str(block);
    }
    let lines = text.lines().count() as u32;
    let mut doc = Doc::open(&mut client, URI, &text);
    assert!(!client.diagnostics(URI, 1).is_empty());
    doc.change(
        &mut client,
        (lines / 2, 0),
        (lines / 2, 0),
        "RUN pip install flask\n",
    );
    client.diagnostics(URI, doc.version);
    doc.assert_in_step(&mut client);
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn a_thousand_changes_sent_without_waiting_all_apply() {
    let mut client = started("burst");
    let mut doc = Doc::open(&mut client, URI, "FROM alpine\nRUN apk add curl\n");
    for i in 0..1000u32 {
        match i % 4 {
            0 => doc.change(&mut client, (1, 16), (1, 16), " x"),
            1 => doc.change(&mut client, (1, 16), (1, 18), ""),
            2 => doc.change(&mut client, (2, 0), (2, 0), "RUN 😀\n"),
            _ => doc.change(&mut client, (1, 4), (1, 4), "é"),
        }
    }
    doc.assert_in_step(&mut client);
    // The last version is analysed and published, whatever happened to the ones before it.
    client.diagnostics(URI, doc.version);
    assert!(client.shutdown_and_exit().success());
}

/// Edits that arrive while an older analysis waits to run supersede it: only the newest version
/// is published, never an older one after it (each analysis here is held back 300 ms).
#[test]
fn newer_edits_supersede_pending_analyses() {
    let mut client = common::dockerlean(
        "lsp_hardening",
        "supersede",
        &[
            ("DOCKERLEAN_TEST_HOOKS", "1"),
            ("DOCKERLEAN_TEST_ANALYSIS_DELAY_MS", "300"),
        ],
    );
    client.initialize(json!({}));
    let mut doc = Doc::open(&mut client, URI, "FROM alpine\nRUN apk add curl\n");
    for _ in 0..10 {
        doc.change(&mut client, (1, 16), (1, 16), " x");
    }
    let published = client.diagnostics(URI, doc.version);
    assert_eq!(codes(&published), ["DKL104"]);
    // Long enough for every superseded analysis to have woken up and given up.
    std::thread::sleep(std::time::Duration::from_millis(1000));
    doc.assert_in_step(&mut client);
    let older: Vec<Value> = client
        .take_received("textDocument/publishDiagnostics")
        .iter()
        .map(|p| p["params"]["version"].clone())
        .filter(|v| v.as_i64() != Some(doc.version))
        .collect();
    assert!(older.is_empty(), "older versions published: {older:?}");
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn cancelled_requests_are_answered_and_the_session_goes_on() {
    let mut client = started("cancel");
    let doc = Doc::open(&mut client, URI, "FROM alpine\nRUN apk add curl\n");
    // The request with id 2 (the next one this client sends) is cancelled as soon as it is sent:
    // the answer is either its result or RequestCancelled, never silence.
    client.notify("$/cancelRequest", json!({ "id": 12345 }));
    let response = client.request("dockerlean/documentText", json!({ "uri": URI }));
    client.notify("$/cancelRequest", json!({ "id": response["id"] }));
    assert!(response["result"].is_array() || error_code(&response) == Some(REQUEST_CANCELLED));
    doc.assert_in_step(&mut client);
    assert!(client.shutdown_and_exit().success());
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn closed_documents_are_freed() {
    let mut client = started("memory");
    let mut text = String::from("FROM debian\n");
    for i in 0..300 {
        text.push_str(&format!("RUN apt-get install -y package{i} && echo {i}\n"));
    }
    let cycle = |client: &mut LspClient, from: usize, to: usize| {
        for n in from..to {
            let uri = format!("file:///project/{n}/Dockerfile");
            let mut doc = Doc::open(client, &uri, &text);
            doc.change(client, (1, 0), (1, 0), "RUN pip install flask\n");
            client.diagnostics(&uri, doc.version);
            client.notify(
                "textDocument/didClose",
                json!({ "textDocument": { "uri": uri } }),
            );
            assert_eq!(server_text(client, &uri), None);
        }
    };
    cycle(&mut client, 0, 100);
    let baseline = rss_kib(client.pid());
    cycle(&mut client, 100, 1000);
    let after = rss_kib(client.pid());
    // Each document holds well over 100 KiB while open (text, two trees, model, findings), so
    // keeping the 900 closed ones would add far more than this margin.
    assert!(
        after < baseline + 32 * 1024,
        "RSS grew from {baseline} KiB to {after} KiB over 900 opened and closed documents"
    );
    assert!(client.shutdown_and_exit().success());
}
