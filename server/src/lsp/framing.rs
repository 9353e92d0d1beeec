//! The LSP base protocol: `Content-Length` frames around JSON-RPC messages, both ways.
//!
//! Reading is forgiving: a frame that cannot be a message (a bad `Content-Length`, a body that
//! is not JSON, JSON that is not JSON-RPC) is logged and dropped, and reading resumes at the
//! next header. An editor plugin with a bug, or a user typing into the server's stdin, must not
//! be able to end the session.
//!
//! Bytes are read into one buffer kept across messages, and each body is decoded once, straight
//! from it. A buffer that had to grow for a large message (opening a file of 20,000 lines sends
//! a megabyte) is given back afterwards: keeping its capacity for the rest of the session would
//! add that megabyte to the server's resident memory for nothing.

use std::pin::Pin;
use std::task::{ready, Context, Poll};

use serde::Serialize;
use tokio::io::{AsyncRead, ReadBuf};
use tower_lsp_server::jsonrpc::{Request, Response};

/// No client sends a message this large; a header claiming more is garbage, not a frame.
const MAX_BODY: usize = 256 << 20;
/// Enough for a burst of keystrokes' messages per read.
const INITIAL_BUFFER: usize = 8 << 10;
/// A buffer grown past this for one message is replaced once the message is decoded.
const RELEASE_ABOVE: usize = 64 << 10;
const CONTENT_LENGTH: &[u8] = b"content-length:";

/// A message from the client.
#[derive(Debug)]
pub enum Incoming {
    /// A request or a notification.
    Request(Request),
    /// The client's answer to one of the server's requests.
    Response(Response),
}

pub struct FrameReader<R> {
    input: R,
    /// Always initialised: reads go into `buf[end..]` without zeroing it again each time.
    buf: Vec<u8>,
    /// The bytes read and not yet taken are `buf[start..end]`.
    start: usize,
    end: usize,
    /// The `Content-Length` of the header being read: the last one before its blank line wins.
    length: Option<Result<usize, String>>,
    /// The length of the body being read, once its header is complete.
    body: Option<usize>,
    ended: bool,
}

enum Frame {
    Message(Incoming),
    Malformed(String),
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    pub fn new(input: R) -> Self {
        FrameReader {
            input,
            buf: vec![0; INITIAL_BUFFER],
            start: 0,
            end: 0,
            length: None,
            body: None,
            ended: false,
        }
    }

    /// The next well-formed message, or `None` once the input has ended (a read error, or the
    /// end of the stream, even inside a frame: a truncated body is not a message).
    pub fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Incoming>> {
        loop {
            match self.frame() {
                Some(Frame::Message(message)) => return Poll::Ready(Some(message)),
                Some(Frame::Malformed(why)) => {
                    eprintln!("dockerlean: dropped a malformed message: {why}");
                    continue;
                }
                None if self.ended => return Poll::Ready(None),
                None => {}
            }
            self.make_room();
            let mut read = ReadBuf::new(&mut self.buf[self.end..]);
            match ready!(Pin::new(&mut self.input).poll_read(cx, &mut read)) {
                Ok(()) if !read.filled().is_empty() => self.end += read.filled().len(),
                _ => self.ended = true,
            }
        }
    }

    #[cfg(test)]
    pub async fn next(&mut self) -> Option<Incoming> {
        std::future::poll_fn(|cx| self.poll_next(cx)).await
    }

    /// Takes the next frame out of the bytes already read, or `None` if it is not all there.
    fn frame(&mut self) -> Option<Frame> {
        loop {
            if let Some(length) = self.body {
                if self.end - self.start < length {
                    return None;
                }
                let frame = decode(&self.buf[self.start..self.start + length]);
                self.start += length;
                self.body = None;
                self.release();
                return Some(frame);
            }
            let line_end = self.buf[self.start..self.end]
                .iter()
                .position(|&b| b == b'\n')?;
            let line = &self.buf[self.start..self.start + line_end + 1];
            self.start += line_end + 1;
            if String::from_utf8_lossy(line).trim().is_empty() {
                // Blank lines between frames are harmless.
                match self.length.take() {
                    Some(Ok(length)) => self.body = Some(length),
                    Some(Err(why)) => return Some(Frame::Malformed(why)),
                    None => {}
                }
                continue;
            }
            // Found anywhere on the line, so that a header right after a garbage body still counts.
            if let Some(at) = line
                .windows(CONTENT_LENGTH.len())
                .position(|w| w.eq_ignore_ascii_case(CONTENT_LENGTH))
            {
                let value = String::from_utf8_lossy(&line[at + CONTENT_LENGTH.len()..]);
                let value = value.trim();
                self.length = Some(
                    value
                        .parse::<usize>()
                        .ok()
                        .filter(|&n| n <= MAX_BODY)
                        .ok_or_else(|| format!("bad Content-Length {value:?}")),
                );
            }
        }
    }

    /// Space to read into after `end`: the unread bytes move to the front, and the buffer grows
    /// only when they fill it (to the whole body at once when its length is known).
    fn make_room(&mut self) {
        if self.end < self.buf.len() && self.body.is_none() {
            return;
        }
        let wanted = match self.body {
            Some(length) => length.max(INITIAL_BUFFER),
            None => (self.end - self.start + 1).max(INITIAL_BUFFER),
        };
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() < wanted {
            let grown = if self.body.is_some() {
                wanted
            } else {
                wanted.max(self.buf.len() * 2)
            };
            self.buf.resize(grown, 0);
        }
    }

    /// After a message, hands a grown buffer back to the allocator, keeping the unread bytes,
    /// unless they are themselves the start of another large message.
    fn release(&mut self) {
        let unread = self.end - self.start;
        if self.buf.len() <= RELEASE_ABOVE || unread > INITIAL_BUFFER {
            return;
        }
        let mut buf = vec![0; INITIAL_BUFFER];
        buf[..unread].copy_from_slice(&self.buf[self.start..self.end]);
        self.buf = buf;
        self.start = 0;
        self.end = unread;
    }

    #[cfg(test)]
    fn buffer_size(&self) -> usize {
        self.buf.len()
    }
}

/// Decodes a body once. `Request` gives a missing `method` a default, so a client's response
/// also reads as a request without a method: only those are tried again as a response.
fn decode(body: &[u8]) -> Frame {
    match serde_json::from_slice::<Request>(body) {
        Ok(request) if !request.method().is_empty() => Frame::Message(Incoming::Request(request)),
        request => match (serde_json::from_slice::<Response>(body), request) {
            (Ok(response), _) => Frame::Message(Incoming::Response(response)),
            (Err(_), Ok(request)) => Frame::Message(Incoming::Request(request)),
            (Err(_), Err(_)) => Frame::Malformed(format!(
                "not a JSON-RPC message: {}",
                String::from_utf8_lossy(&body[..body.len().min(80)])
            )),
        },
    }
}

/// Room for the longest header: "Content-Length: " and 20 digits, then "\r\n\r\n".
const HEADER_ROOM: usize = 40;

/// Frames `message` into `out`, reusing its allocation, and returns where the frame starts in
/// it: the body is serialised after room for the header, which is then written just before it,
/// so that header and body go out in one write without copying the body.
pub fn encode(message: &impl Serialize, out: &mut Vec<u8>) -> serde_json::Result<usize> {
    out.clear();
    out.resize(HEADER_ROOM, 0);
    serde_json::to_writer(&mut *out, message)?;
    let header = format!("Content-Length: {}\r\n\r\n", out.len() - HEADER_ROOM);
    let start = HEADER_ROOM - header.len();
    out[start..HEADER_ROOM].copy_from_slice(header.as_bytes());
    Ok(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXIT: &str = r#"{"jsonrpc":"2.0","method":"exit"}"#;

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    async fn methods(input: &[u8]) -> Vec<String> {
        let mut reader = FrameReader::new(input);
        let mut methods = Vec::new();
        while let Some(message) = reader.next().await {
            match message {
                Incoming::Request(request) => methods.push(request.method().to_string()),
                Incoming::Response(response) => methods.push(format!("response {:?}", response)),
            }
        }
        methods
    }

    #[tokio::test]
    async fn well_formed_messages_are_read() {
        assert_eq!(methods(framed(EXIT).as_bytes()).await, ["exit"]);
    }

    #[tokio::test]
    async fn malformed_frames_are_dropped_and_reading_resumes() {
        let input = concat!(
            "Content-Length: abc\r\n\r\n{}",
            "Content-Length: 9\r\n\r\n{not json",
            "Content-Length: 9\r\n\r\n{\"a\": 1}\n",
            "content-length: 33\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}",
        );
        assert_eq!(methods(input.as_bytes()).await, ["exit"]);
    }

    #[tokio::test]
    async fn a_truncated_body_ends_the_input() {
        assert!(methods(b"Content-Length: 99\r\n\r\n{\"jsonrpc\"")
            .await
            .is_empty());
    }

    #[tokio::test]
    async fn a_client_response_is_not_taken_for_a_request() {
        let input = framed(r#"{"jsonrpc":"2.0","id":3,"result":[1]}"#);
        let mut reader = FrameReader::new(input.as_bytes());
        match reader.next().await {
            Some(Incoming::Response(response)) => assert!(response.is_ok()),
            other => panic!("expected a response, got {other:?}"),
        }
    }

    /// Hands out its bytes a few at a time, as a pipe may.
    struct Trickle<'a>(&'a [u8]);

    impl AsyncRead for Trickle<'_> {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            let n = self.0.len().min(3).min(buf.remaining());
            buf.put_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Poll::Ready(Ok(()))
        }
    }

    #[tokio::test]
    async fn frames_split_across_reads_are_put_together() {
        let input = [framed(EXIT), "\r\n".into(), framed(EXIT)].concat();
        let mut reader = FrameReader::new(Trickle(input.as_bytes()));
        let mut count = 0;
        while let Some(Incoming::Request(request)) = reader.next().await {
            assert_eq!(request.method(), "exit");
            count += 1;
        }
        assert_eq!(count, 2);
    }

    #[tokio::test]
    async fn the_buffer_of_a_large_message_is_released() {
        let text = "x".repeat(1 << 20);
        let open = format!(
            r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"text":"{text}"}}}}"#
        );
        let input = [framed(&open), framed(EXIT)].concat();
        let mut reader = FrameReader::new(Trickle(input.as_bytes()));
        let first = reader.next().await;
        assert!(
            matches!(first, Some(Incoming::Request(r)) if r.method() == "textDocument/didOpen")
        );
        assert!(reader.buffer_size() <= RELEASE_ABOVE);
        assert!(matches!(reader.next().await, Some(Incoming::Request(r)) if r.method() == "exit"));
    }

    #[test]
    fn encoded_frames_carry_their_length() {
        let exit: Request = serde_json::from_str(EXIT).unwrap();
        let mut out = Vec::new();
        let start = encode(&exit, &mut out).unwrap();
        assert_eq!(std::str::from_utf8(&out[start..]).unwrap(), framed(EXIT));
    }
}
