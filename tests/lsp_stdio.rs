//! What the language server's stdin and stdout may be besides the pipes the other tests give
//! it: pipes and sockets are polled by the runtime, anything else (a file, a terminal) is read
//! and written on blocking threads, and a session must run the same over each.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The end of the input ends the session, once the request is answered. (Messages sent all at
/// once are handled concurrently: `shutdown` could overtake `initialize`, `exit` cancel it.)
fn session() -> Vec<u8> {
    let initialize =
        r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#;
    format!("Content-Length: {}\r\n\r\n{initialize}", initialize.len()).into_bytes()
}

fn server(test: &str, stdin: impl Into<Stdio>, stdout: impl Into<Stdio>) -> std::process::Child {
    let cache: std::path::PathBuf = [env!("CARGO_TARGET_TMPDIR"), "lsp_stdio", test]
        .iter()
        .collect();
    Command::new(env!("CARGO_BIN_EXE_dockerlean"))
        .arg("lsp")
        .env("XDG_CACHE_HOME", cache)
        .stdin(stdin)
        .stdout(stdout)
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server starts")
}

/// With whatever status: there was no `shutdown`.
fn exits(mut child: std::process::Child) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn assert_answered(output: &str) {
    assert!(output.contains(r#""capabilities""#), "{output}");
}

#[test]
fn a_session_read_from_a_file_and_written_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (dir.path().join("in"), dir.path().join("out"));
    std::fs::write(&input, session()).unwrap();
    let child = server(
        "files",
        std::fs::File::open(&input).unwrap(),
        std::fs::File::create(&output).unwrap(),
    );
    exits(child);
    assert_answered(&std::fs::read_to_string(&output).unwrap());
}

/// libuv, which Node-based editors spawn servers with, may hand over a socket pair.
#[cfg(unix)]
#[test]
fn a_session_over_a_unix_socket() {
    use std::os::fd::OwnedFd;
    use std::os::unix::net::UnixStream;

    let (mut ours, theirs) = UnixStream::pair().unwrap();
    let theirs_out = theirs.try_clone().unwrap();
    let child = server("socket", OwnedFd::from(theirs), OwnedFd::from(theirs_out));
    ours.write_all(&session()).unwrap();
    ours.shutdown(std::net::Shutdown::Write).unwrap();
    ours.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut output = Vec::new();
    // The server's end closes when it exits.
    ours.read_to_end(&mut output).unwrap();
    exits(child);
    assert_answered(&String::from_utf8_lossy(&output));
}
