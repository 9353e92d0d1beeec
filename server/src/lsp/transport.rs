//! The JSON-RPC transport: reads the client's messages, hands them to the language server in
//! the order they came, and writes out its answers and its own requests to the client.
//!
//! tower-lsp-server's `Server` does this too, but its reader ends the session on the first frame
//! it cannot decode, so we had to screen the input in front of it: every message then crossed a
//! pipe and a task hop and was decoded twice, and its read buffer kept the capacity of the
//! largest message for the whole session. This loop reads the frames itself (framing.rs) and
//! does everything on the one thread of the server's runtime: reading, the handlers' futures,
//! writing.
//!
//! It keeps the behaviour of `Server` that the service relies on:
//! - `call` is made once per message, in arrival order, as soon as the message is read (up to
//!   a queue of calls): `InOrderTextSync` applies edits in `call`, and `$/cancelRequest` cancels
//!   in `call`, so a cancellation reaches a request whose handler has not finished.
//! - Up to four handlers' futures run at once, started in call order, so that a slow request
//!   holds up neither the reading of the next messages nor the other handlers.
//! - A handler's answer (`Some`) is written out; a notification's (`None`) is not.
//! - After `exit` (or once the service says it has exited, or the input ends) no more input is
//!   read: the handlers already called finish and their answers are written, then `serve`
//!   returns. What the server would still send the client on its own is dropped, as `Server`
//!   did: the session is over.

use std::collections::VecDeque;
use std::fmt::Display;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_util::stream::FuturesUnordered;
use futures_util::{Sink, StreamExt};
use serde::Serialize;
use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::Loopback;
use tower_service::Service;

use super::framing::{self, FrameReader, Incoming};
use super::outbox::{Frame, Frames};

/// Handlers run at once, as tower-lsp-server's default.
const MAX_RUNNING: usize = 4;
/// Calls made and waiting to run; past this, reading pauses until handlers finish.
const MAX_QUEUED: usize = 100;
/// An output buffer grown past this for one message is released once it is written.
const KEEP_OUTPUT: usize = 64 << 10;

/// One session: what is read, called, running and being written.
pub struct Transport<I, O, L: Loopback, S: Service<Request>> {
    input: FrameReader<I>,
    /// Cleared after `exit` or at the end of the input.
    reading: bool,
    service: S,
    /// Called, waiting for a place among the running.
    queued: VecDeque<S::Future>,
    running: FuturesUnordered<S::Future>,
    /// The server's own requests and notifications to the client, until reading stops: those
    /// sent through tower-lsp-server's `Client`, and those already framed (see outbox.rs).
    client_requests: Option<L::RequestStream>,
    frames: Option<Frames>,
    client_responses: L::ResponseSink,
    /// Takes turns between answers and the server's requests, so neither waits on the other.
    requests_first: bool,
    output: Output<O>,
}

impl<I, O, L, S> Transport<I, O, L, S>
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
    L: Loopback,
    <L::ResponseSink as Sink<Response>>::Error: Display,
    S: Service<Request, Response = Option<Response>>,
    S::Error: Display,
{
    /// Serves `service` over `input` and `output` until `exit` or the end of the input; writes
    /// `frames` too.
    pub async fn serve(input: I, output: O, socket: L, frames: Frames, service: S) {
        let (client_requests, client_responses) = socket.split();
        let mut transport = Self {
            input: FrameReader::new(input),
            reading: true,
            service,
            queued: VecDeque::new(),
            running: FuturesUnordered::new(),
            client_requests: Some(client_requests),
            frames: Some(frames),
            client_responses,
            requests_first: false,
            output: Output {
                writer: output,
                buf: Vec::new(),
                at: 0,
                busy: false,
                failed: false,
            },
        };
        std::future::poll_fn(|cx| transport.poll(cx)).await
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        loop {
            let mut progressed = false;
            // One message is written at a time: the next one is taken once it is out.
            if self.output.poll(cx).is_ready() {
                progressed |= self.take_outgoing(cx);
            }
            progressed |= self.read(cx);
            let finished = self.queued.is_empty() && self.running.is_empty();
            if !self.reading && finished && !self.output.busy {
                return Poll::Ready(());
            }
            if !progressed {
                return Poll::Pending;
            }
        }
    }

    /// Starts writing an answer or a request of the server's, if one is there.
    fn take_outgoing(&mut self, cx: &mut Context<'_>) -> bool {
        while self.running.len() < MAX_RUNNING {
            match self.queued.pop_front() {
                Some(call) => self.running.push(call),
                None => break,
            }
        }
        self.requests_first = !self.requests_first;
        if self.requests_first && self.take_request(cx) {
            return true;
        }
        self.take_answer(cx) || (!self.requests_first && self.take_request(cx))
    }

    fn take_answer(&mut self, cx: &mut Context<'_>) -> bool {
        match self.running.poll_next_unpin(cx) {
            Poll::Ready(Some(Ok(Some(response)))) => self.output.start(&response),
            Poll::Ready(Some(Ok(None))) => {}
            Poll::Ready(Some(Err(error))) => eprintln!("dockerlean: {error}"),
            Poll::Ready(None) | Poll::Pending => return false,
        }
        true
    }

    fn take_request(&mut self, cx: &mut Context<'_>) -> bool {
        if let Some(frames) = &mut self.frames {
            match frames.poll_recv(cx) {
                Poll::Ready(Some(frame)) => {
                    self.output.start_frame(frame);
                    return true;
                }
                Poll::Ready(None) => self.frames = None,
                Poll::Pending => {}
            }
        }
        let Some(requests) = &mut self.client_requests else {
            return false;
        };
        match requests.poll_next_unpin(cx) {
            Poll::Ready(Some(request)) => self.output.start(&request),
            Poll::Ready(None) => self.client_requests = None,
            Poll::Pending => return false,
        }
        true
    }

    /// Reads a message and calls the service with it, or routes the client's response.
    fn read(&mut self, cx: &mut Context<'_>) -> bool {
        if !self.reading || self.queued.len() >= MAX_QUEUED {
            return false;
        }
        match self.service.poll_ready(cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(error)) => {
                eprintln!("dockerlean: {error}");
                self.stop_reading();
                return true;
            }
            // While `initialize` runs; its end wakes this loop.
            Poll::Pending => return false,
        }
        match self.input.poll_next(cx) {
            Poll::Ready(Some(Incoming::Request(request))) => {
                // The server must stop right after `exit`, and a client need not close stdin.
                let exit = request.method() == "exit";
                self.queued.push_back(self.service.call(request));
                if exit {
                    self.stop_reading();
                }
            }
            Poll::Ready(Some(Incoming::Response(response))) => self.route(cx, response),
            Poll::Ready(None) => self.stop_reading(),
            Poll::Pending => return false,
        }
        true
    }

    /// Hands the client's response to the handler awaiting it.
    fn route(&mut self, cx: &mut Context<'_>, response: Response) {
        let mut sink = Pin::new(&mut self.client_responses);
        // tower-lsp-server's sink is a map insert: it is always ready, or refuses after `exit`.
        let sent = match sink.as_mut().poll_ready(cx) {
            Poll::Ready(Ok(())) => sink.start_send(response),
            Poll::Ready(Err(error)) => Err(error),
            Poll::Pending => {
                eprintln!("dockerlean: dropped a response from the client: the server is busy");
                return;
            }
        };
        if let Err(error) = sent {
            eprintln!("dockerlean: dropped a response from the client: {error}");
        }
    }

    fn stop_reading(&mut self) {
        self.reading = false;
        self.client_requests = None;
        self.frames = None;
    }
}

/// The client's end of the session: one framed message at a time.
struct Output<O> {
    writer: O,
    /// The message being written is `buf[at..]`.
    buf: Vec<u8>,
    at: usize,
    /// From the start of a message until it is written and flushed.
    busy: bool,
    /// Once a write has failed, the client is gone: messages are dropped.
    failed: bool,
}

impl<O: AsyncWrite + Unpin> Output<O> {
    fn start(&mut self, message: &impl Serialize) {
        if self.failed {
            return;
        }
        match framing::encode(message, &mut self.buf) {
            Ok(start) => {
                self.at = start;
                self.busy = true;
            }
            Err(error) => {
                eprintln!("dockerlean: dropped a message that would not serialise: {error}")
            }
        }
    }

    /// Starts writing a message framed already.
    fn start_frame(&mut self, frame: Frame) {
        if self.failed {
            return;
        }
        (self.buf, self.at, self.busy) = (frame.bytes, frame.start, true);
    }

    /// Writes and flushes the current message; ready once there is none.
    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if !self.busy {
            return Poll::Ready(());
        }
        let mut writer = Pin::new(&mut self.writer);
        while self.at < self.buf.len() {
            match ready!(writer.as_mut().poll_write(cx, &self.buf[self.at..])) {
                Ok(0) => return self.fail(std::io::ErrorKind::WriteZero.into()),
                Ok(written) => self.at += written,
                Err(error) => return self.fail(error),
            }
        }
        if let Err(error) = ready!(writer.poll_flush(cx)) {
            return self.fail(error);
        }
        self.busy = false;
        if self.buf.capacity() > KEEP_OUTPUT {
            self.buf = Vec::new();
        }
        Poll::Ready(())
    }

    fn fail(&mut self, error: std::io::Error) -> Poll<()> {
        eprintln!("dockerlean: cannot write to the client, dropping its messages: {error}");
        self.failed = true;
        self.busy = false;
        self.buf = Vec::new();
        Poll::Ready(())
    }
}

#[cfg(test)]
mod tests;
