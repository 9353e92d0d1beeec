//! A language server that does no work: it answers every request with an empty result and
//! every `didOpen`/`didChange` with empty diagnostics for that version, at once. Run beside the
//! real servers by `bench/run.sh`, it measures the floor under any server's figures on the
//! machine: the pipes, the JSON and the driver's own reading, with no analysis at all.
//! `NOOP_WORK_US=N` makes it busy-wait N µs before each diagnostics, as a server that works that
//! long: the latency it then shows, less N, is what waiting costs the client on the machine.

#[path = "../../../tests/common/lsp_client.rs"]
mod lsp_client;

use std::io::{BufReader, Write};

use serde_json::{json, Value};

fn main() {
    let mut input = BufReader::new(std::io::stdin().lock());
    let mut output = std::io::stdout().lock();
    let work = std::time::Duration::from_micros(
        std::env::var("NOOP_WORK_US")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
    );
    while let Some(message) = lsp_client::read_message(&mut input) {
        let method = message["method"].as_str().unwrap_or_default();
        let reply = match (method, message.get("id")) {
            ("exit", _) => return,
            ("initialize", Some(id)) => response(
                id,
                json!({ "capabilities": {
                "textDocumentSync": 2, "hoverProvider": true, "codeActionProvider": true
            } }),
            ),
            ("textDocument/codeAction", Some(id)) => response(id, json!([])),
            (_, Some(id)) => response(id, Value::Null),
            ("textDocument/didOpen" | "textDocument/didChange", None) => {
                let started = std::time::Instant::now();
                while started.elapsed() < work {
                    std::hint::spin_loop();
                }
                let document = &message["params"]["textDocument"];
                json!({ "jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
                        "params": { "uri": document["uri"], "version": document["version"],
                                    "diagnostics": [] } })
            }
            _ => continue,
        };
        let sent = output
            .write_all(&lsp_client::frame(&reply))
            .and_then(|()| output.flush());
        if sent.is_err() {
            return;
        }
    }
}

fn response(id: &Value, result: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "result": result })
}
