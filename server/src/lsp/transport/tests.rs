//! The transport against a real `LspService`, over in-memory pipes.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncWriteExt, DuplexStream};
use tokio::sync::Notify;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{ConfigurationItem, InitializeParams, InitializeResult};
use tower_lsp_server::{Client, LanguageServer, LspService};

use super::super::outbox::Outbox;
use super::framing::{self, FrameReader, Incoming};

struct Mock {
    client: Client,
    release: Arc<Notify>,
}

impl LanguageServer for Mock {
    async fn initialize(&self, _: InitializeParams) -> Result<InitializeResult> {
        Ok(InitializeResult::default())
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }
}

impl Mock {
    /// Answers once `test/release` has come.
    async fn slow(&self) -> Result<i32> {
        self.release.notified().await;
        Ok(1)
    }

    async fn release(&self) {
        self.release.notify_one();
    }

    /// Answers with what the client says its settings are.
    async fn ask(&self) -> Result<Vec<Value>> {
        let item = ConfigurationItem::default();
        self.client.configuration(vec![item]).await
    }
}

/// The client's end of a session.
struct Peer {
    to_server: DuplexStream,
    from_server: FrameReader<DuplexStream>,
    out: Vec<u8>,
}

impl Peer {
    async fn send(&mut self, message: Value) {
        let start = framing::encode(&message, &mut self.out).unwrap();
        self.to_server.write_all(&self.out[start..]).await.unwrap();
    }

    /// The next message from the server, as JSON.
    async fn receive(&mut self) -> Value {
        let message = tokio::time::timeout(Duration::from_secs(5), self.from_server.next())
            .await
            .expect("the server said nothing for 5 s")
            .expect("the server's output ended");
        match message {
            Incoming::Request(request) => serde_json::to_value(request),
            Incoming::Response(response) => serde_json::to_value(response),
        }
        .unwrap()
    }

    async fn initialize(&mut self) {
        let params = json!({ "capabilities": {} });
        self.send(json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params }))
            .await;
        assert_eq!(self.receive().await["id"], 1);
    }
}

const EXIT: fn() -> Value = || json!({ "jsonrpc": "2.0", "method": "exit" });

/// A client, the server's outbox and its transport loop, which runs when awaited.
fn session() -> (Peer, Outbox, impl Future<Output = ()>) {
    let (to_server, server_input) = tokio::io::duplex(1 << 16);
    let (server_output, from_server) = tokio::io::duplex(1 << 16);
    let release = Arc::new(Notify::new());
    let (service, socket) = LspService::build(|client| Mock { client, release })
        .custom_method("test/slow", Mock::slow)
        .custom_method("test/release", Mock::release)
        .custom_method("test/ask", Mock::ask)
        .finish();
    let peer = Peer {
        to_server,
        from_server: FrameReader::new(from_server),
        out: Vec::new(),
    };
    let (outbox, frames) = super::super::outbox::channel();
    let server = super::Transport::serve(server_input, server_output, socket, frames, service);
    (peer, outbox, server)
}

async fn within_5s<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(5), future)
        .await
        .expect("still running after 5 s")
}

#[tokio::test]
async fn a_running_request_does_not_hold_up_the_next_messages() {
    let (mut peer, _, server) = session();
    let client = async move {
        peer.initialize().await;
        peer.send(json!({ "jsonrpc": "2.0", "id": 2, "method": "test/slow" }))
            .await;
        // Only read while the slow request's handler waits, this lets it finish.
        peer.send(json!({ "jsonrpc": "2.0", "method": "test/release" }))
            .await;
        let answer = peer.receive().await;
        assert_eq!(answer, json!({ "jsonrpc": "2.0", "id": 2, "result": 1 }));
        peer.send(EXIT()).await;
    };
    within_5s(async { tokio::join!(server, client) }).await;
}

#[tokio::test]
async fn the_clients_response_reaches_the_handler_that_asked() {
    let (mut peer, _, server) = session();
    let client = async move {
        peer.initialize().await;
        peer.send(json!({ "jsonrpc": "2.0", "id": 2, "method": "test/ask" }))
            .await;
        let question = peer.receive().await;
        assert_eq!(question["method"], "workspace/configuration");
        let settings = json!([{ "answer": 42 }]);
        peer.send(json!({ "jsonrpc": "2.0", "id": question["id"], "result": settings }))
            .await;
        let answer = peer.receive().await;
        assert_eq!(
            answer,
            json!({ "jsonrpc": "2.0", "id": 2, "result": settings })
        );
        peer.send(EXIT()).await;
    };
    within_5s(async { tokio::join!(server, client) }).await;
}

#[tokio::test]
async fn exit_ends_the_loop_with_the_input_open_and_pending_requests_answered() {
    let (mut peer, _, server) = session();
    let client = async {
        peer.initialize().await;
        peer.send(json!({ "jsonrpc": "2.0", "id": 2, "method": "test/slow" }))
            .await;
        peer.send(EXIT()).await;
    };
    // `peer` keeps the server's input open all along.
    within_5s(async { tokio::join!(server, client) }).await;
    let answer = peer.receive().await;
    assert_eq!(answer["id"], 2);
    assert_eq!(
        answer["error"]["code"], -32800,
        "cancelled by exit: {answer}"
    );
}

#[tokio::test]
async fn the_end_of_the_input_ends_the_loop_after_the_answers() {
    let (mut peer, _, server) = session();
    let client = async move {
        peer.initialize().await;
        peer.send(json!({ "jsonrpc": "2.0", "id": 2, "method": "test/nothing" }))
            .await;
        let Peer { from_server, .. } = peer;
        from_server
    };
    let (_, mut from_server) = within_5s(async { tokio::join!(server, client) }).await;
    match from_server.next().await {
        Some(Incoming::Response(answer)) => assert!(answer.is_error()),
        other => panic!("expected the answer to request 2, got {other:?}"),
    }
    assert!(from_server.next().await.is_none());
}

#[tokio::test]
async fn what_the_outbox_holds_is_written_in_order() {
    let (mut peer, outbox, server) = session();
    let client = async move {
        peer.initialize().await;
        outbox.notify("test/note", json!({ "n": 1 }));
        outbox.notify("test/note", json!({ "n": 2 }));
        for n in [1, 2] {
            let note = peer.receive().await;
            assert_eq!(
                note,
                json!({ "jsonrpc": "2.0", "method": "test/note", "params": { "n": n } })
            );
        }
        peer.send(EXIT()).await;
    };
    within_5s(async { tokio::join!(server, client) }).await;
}
