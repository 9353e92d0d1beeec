//! Notifications the server writes to the client without tower-lsp-server's `Client`, which
//! turns every message into a `serde_json::Value` before the transport writes it: for the
//! diagnostics published on every keystroke, building, writing and dropping that tree cost
//! more than the JSON itself. Messages put here are encoded at once and written by the
//! transport in the order they were put.

use serde::Serialize;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use super::framing;

/// A framed message, the frame starting at `start` of `bytes`.
pub struct Frame {
    pub bytes: Vec<u8>,
    pub start: usize,
}

/// The transport's end: what it writes.
pub type Frames = UnboundedReceiver<Frame>;

#[derive(Clone)]
pub struct Outbox(UnboundedSender<Frame>);

pub fn channel() -> (Outbox, Frames) {
    let (sender, receiver) = unbounded_channel();
    (Outbox(sender), receiver)
}

#[derive(Serialize)]
struct Notification<'a, P> {
    jsonrpc: &'static str,
    method: &'a str,
    params: P,
}

impl Outbox {
    /// Sends the notification `method` with `params`; once the session is over it is dropped,
    /// as the transport drops what the server would still send.
    pub fn notify(&self, method: &str, params: impl Serialize) {
        let notification = Notification {
            jsonrpc: "2.0",
            method,
            params,
        };
        let mut bytes = Vec::new();
        match framing::encode(&notification, &mut bytes) {
            Ok(start) => {
                let _ = self.0.send(Frame { bytes, start });
            }
            Err(error) => {
                eprintln!("dockerlean: dropped a {method} that would not serialise: {error}")
            }
        }
    }
}
