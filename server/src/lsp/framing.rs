//! Screens the client's byte stream before the JSON-RPC transport sees it.
//!
//! tower-lsp-server's reader ends the whole session on the first frame it cannot decode (a bad
//! `Content-Length`, a body that is not UTF-8 JSON, JSON that is not a JSON-RPC message): its
//! framed stream stops after an error. An editor plugin with a bug, or a user typing into the
//! server's stdin, must not be able to kill it, so this layer re-frames the input itself and
//! passes on only the messages the transport can read; the rest is logged and dropped, and
//! reading resumes at the next header.

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt};
use tower_lsp_server::jsonrpc::{Request, Response};

/// No client sends a message this large; a header claiming more is garbage, not a frame.
const MAX_BODY: usize = 256 << 20;

enum Frame {
    Message(Vec<u8>),
    Malformed(String),
    End,
}

/// `input` with every malformed frame removed, for the transport to read.
pub fn screened(input: impl AsyncRead + Unpin + Send + 'static) -> impl AsyncRead {
    let (reader, mut writer) = tokio::io::duplex(1 << 16);
    tokio::spawn(async move {
        let mut input = tokio::io::BufReader::new(input);
        loop {
            match read_frame(&mut input).await {
                Frame::Message(body) => {
                    let header = format!("Content-Length: {}\r\n\r\n", body.len());
                    let sent = async {
                        writer.write_all(header.as_bytes()).await?;
                        writer.write_all(&body).await
                    };
                    if sent.await.is_err() {
                        return; // The transport has stopped reading: the session is over.
                    }
                }
                Frame::Malformed(why) => {
                    eprintln!("dockerlean: dropped a malformed message: {why}")
                }
                Frame::End => return,
            }
        }
    });
    reader
}

async fn read_frame(input: &mut (impl AsyncBufRead + Unpin)) -> Frame {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return Frame::End,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        if text.trim().is_empty() {
            if length.is_some() {
                break;
            }
            continue; // Blank lines between frames are harmless.
        }
        // Found anywhere on the line, so that a header right after a garbage body still counts.
        if let Some(at) = text.to_ascii_lowercase().find("content-length:") {
            let value = text[at + "content-length:".len()..].trim();
            length = Some(
                value
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n <= MAX_BODY)
                    .ok_or_else(|| format!("bad Content-Length {value:?}")),
            );
        }
    }
    let length = match length {
        Some(Ok(length)) => length,
        Some(Err(why)) => return Frame::Malformed(why),
        None => unreachable!("the header loop only ends with a length"),
    };
    let mut body = vec![0; length];
    if input.read_exact(&mut body).await.is_err() {
        return Frame::End;
    }
    if serde_json::from_slice::<Request>(&body).is_ok()
        || serde_json::from_slice::<Response>(&body).is_ok()
    {
        Frame::Message(body)
    } else {
        Frame::Malformed(format!(
            "not a JSON-RPC message: {}",
            String::from_utf8_lossy(&body[..body.len().min(80)])
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn screen(input: &'static [u8]) -> String {
        let mut out = String::new();
        screened(input).read_to_string(&mut out).await.unwrap();
        out
    }

    const EXIT: &str = r#"{"jsonrpc":"2.0","method":"exit"}"#;

    #[tokio::test]
    async fn well_formed_messages_pass_unchanged() {
        let input = "Content-Length: 33\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}";
        assert_eq!(screen(input.as_bytes()).await, input);
    }

    #[tokio::test]
    async fn malformed_frames_are_dropped_and_reading_resumes() {
        let input = concat!(
            "Content-Length: abc\r\n\r\n{}",
            "Content-Length: 9\r\n\r\n{not json",
            "Content-Length: 9\r\n\r\n{\"a\": 1}\n",
            "content-length: 33\r\n\r\n{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}",
        );
        let expected = format!("Content-Length: 33\r\n\r\n{EXIT}");
        assert_eq!(screen(input.as_bytes()).await, expected);
    }

    #[tokio::test]
    async fn a_truncated_body_ends_the_input() {
        assert_eq!(screen(b"Content-Length: 99\r\n\r\n{\"jsonrpc\"").await, "");
    }
}
