//! A minimal LSP client over a child process's stdio, for end-to-end tests and benchmarks:
//! Content-Length framing, request/response matching by id, and waiting for notifications,
//! every wait bounded so that a hung server fails the test instead of hanging it.

#![allow(dead_code)] // Each test binary that includes this module uses a different part of it.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct LspClient {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages read while waiting for something else, oldest first.
    backlog: VecDeque<Value>,
    next_id: i64,
}

impl LspClient {
    /// Starts `program args…` with its docs cache in `cache_dir`.
    pub fn spawn(program: &str, args: &[&str], cache_dir: &std::path::Path) -> LspClient {
        LspClient::spawn_with_env(program, args, cache_dir, &[])
    }

    /// [`LspClient::spawn`] with extra environment variables.
    pub fn spawn_with_env(
        program: &str,
        args: &[&str],
        cache_dir: &std::path::Path,
        env: &[(&str, &str)],
    ) -> LspClient {
        let mut child = Command::new(program)
            .args(args)
            .env("XDG_CACHE_HOME", cache_dir)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        LspClient {
            child,
            stdin,
            incoming,
            backlog: VecDeque::new(),
            next_id: 1,
        }
    }

    /// The server's process id (for reading its memory use).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its response (`result` or `error` inside).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait_for(&format!("the response to {method}"), |m| {
            m.get("id") == Some(&json!(id)) && m.get("method").is_none()
        })
    }

    /// Waits for a notification `method` whose params satisfy `accept`, and returns the params.
    pub fn wait_notification(&mut self, method: &str, accept: impl Fn(&Value) -> bool) -> Value {
        let what = format!("a {method} notification");
        self.try_wait_notification(method, accept)
            .unwrap_or_else(|| panic!("no {what} within {TIMEOUT:?}"))
    }

    /// [`LspClient::wait_notification`], or `None` when none comes within [`TIMEOUT`].
    pub fn try_wait_notification(
        &mut self,
        method: &str,
        accept: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        let message = self.try_wait_for(&format!("a {method} notification"), |m| {
            m["method"] == method && m.get("id").is_none() && accept(&m["params"])
        })?;
        Some(message["params"].clone())
    }

    /// The notifications `method` that arrived while waiting for other messages, taken out.
    pub fn take_received(&mut self, method: &str) -> Vec<Value> {
        let (taken, kept): (VecDeque<Value>, VecDeque<Value>) = std::mem::take(&mut self.backlog)
            .into_iter()
            .partition(|m| m["method"] == method && m.get("id").is_none());
        self.backlog = kept;
        taken.into()
    }

    /// Waits for a request from the server (`workspace/configuration`, …); returns it whole, so
    /// that its `id` can be answered with [`LspClient::respond`].
    pub fn wait_request(&mut self, method: &str) -> Value {
        self.wait_for(&format!("a {method} request"), |m| {
            m["method"] == method && m.get("id").is_some()
        })
    }

    pub fn respond(&mut self, id: &Value, result: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": result }));
    }

    /// Waits for the diagnostics of `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let params = self.wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && p["version"] == version
        });
        params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// `initialize` with `capabilities`, then `initialized`; returns the initialize result.
    pub fn initialize(&mut self, capabilities: Value) -> Value {
        let response = self.request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": capabilities }),
        );
        self.notify("initialized", json!({}));
        response["result"].clone()
    }

    /// `initialize` with `capabilities` and `initializationOptions`, then `initialized`.
    pub fn initialize_with_options(&mut self, capabilities: Value, options: Value) -> Value {
        let response = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        self.notify("initialized", json!({}));
        response["result"].clone()
    }

    /// A request about a position of `uri`; returns its `result`.
    pub fn at_position(&mut self, method: &str, uri: &str, line: u32, character: u32) -> Value {
        let response = self.request(
            method,
            json!({
                "textDocument": { "uri": uri },
                "position": { "line": line, "character": character },
            }),
        );
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    pub fn did_open(&mut self, uri: &str, version: i64, text: &str) {
        let document =
            json!({ "uri": uri, "languageId": "dockerfile", "version": version, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": document }));
    }

    pub fn did_change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        );
    }

    /// `shutdown`, then `exit`; returns how the process ended.
    pub fn shutdown_and_exit(mut self) -> ExitStatus {
        let response = self.request("shutdown", Value::Null);
        assert!(
            response.get("error").is_none(),
            "shutdown failed: {response}"
        );
        self.exit()
    }

    /// `exit` alone; returns how the process ended.
    pub fn exit(mut self) -> ExitStatus {
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("the server can be waited on") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit within {TIMEOUT:?}"
            );
            thread::sleep(Duration::from_millis(10));
        }
    }

    fn send(&mut self, message: &Value) {
        self.send_bytes(&frame(message));
    }

    /// Writes raw bytes to the server's stdin, framed or not.
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        self.stdin
            .write_all(bytes)
            .and_then(|()| self.stdin.flush())
            .expect("the server reads its stdin");
    }

    /// Whether the server process is still alive.
    pub fn is_running(&mut self) -> bool {
        self.child
            .try_wait()
            .expect("the server can be waited on")
            .is_none()
    }

    fn wait_for(&mut self, what: &str, accept: impl Fn(&Value) -> bool) -> Value {
        self.try_wait_for(what, accept)
            .unwrap_or_else(|| panic!("no {what} within {TIMEOUT:?}"))
    }

    fn try_wait_for(&mut self, what: &str, accept: impl Fn(&Value) -> bool) -> Option<Value> {
        if let Some(i) = self.backlog.iter().position(&accept) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) if accept(&message) => return Some(message),
                Ok(message) => self.backlog.push_back(message),
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server closed stdout before {what}")
                }
            }
        }
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        // A failed test must not leave a server running; after a clean exit this is a no-op.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `message` with its Content-Length header, as it goes over the wire.
pub fn frame(message: &Value) -> Vec<u8> {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// The next framed message, or `None` at the end of the stream or on a malformed one.
pub fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// A UTF-16 LSP position to a byte offset of `text` (columns past the line clamp to its end).
/// The codes of `diagnostics`, in order.
pub fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect()
}

pub fn utf16_offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let content = text[line_start..].split('\n').next().unwrap_or("");
    let mut units = 0;
    for (byte, ch) in content.char_indices() {
        if units >= character {
            return line_start + byte;
        }
        units += ch.len_utf16();
    }
    line_start + content.len()
}

/// Applies LSP `TextEdit`s (UTF-16 positions, all against `text`) the way a client does.
pub fn apply_text_edits(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            let start = utf16_offset(text, &e["range"]["start"]);
            let end = utf16_offset(text, &e["range"]["end"]);
            (start, end, e["newText"].as_str().unwrap())
        })
        .collect();
    spans.sort_by_key(|&(start, end, _)| std::cmp::Reverse((start, end)));
    let mut out = text.to_owned();
    for (start, end, new_text) in spans {
        out.replace_range(start..end, new_text);
    }
    out
}
