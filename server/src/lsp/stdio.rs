//! The process's stdin and stdout, as the transport reads and writes them.
//!
//! tokio's `stdin()` and `stdout()` hand every read and write to its blocking thread pool and
//! wait for that thread to finish: a thread hand-over each way per message, most of what a
//! keystroke cost us beyond its analysis. Editors give a language server pipes or sockets,
//! which can be made non-blocking and polled by the runtime's reactor instead, so that a
//! message is read, handled and answered on one thread. A regular file cannot be polled (epoll
//! refuses it) and a terminal's non-blocking flag would be shared with the shell that owns it:
//! those keep tokio's blocking path.

use tokio::io::{AsyncRead, AsyncWrite};

pub fn input() -> Box<dyn AsyncRead + Send + Unpin> {
    #[cfg(unix)]
    if let Some(polled) = polled::input() {
        return polled;
    }
    Box::new(tokio::io::stdin())
}

pub fn output() -> Box<dyn AsyncWrite + Send + Unpin> {
    #[cfg(unix)]
    if let Some(polled) = polled::output() {
        return polled;
    }
    Box::new(tokio::io::stdout())
}

#[cfg(unix)]
mod polled {
    use std::fs::File;
    use std::os::fd::{AsFd, OwnedFd};
    use std::os::unix::fs::FileTypeExt;

    use tokio::io::{AsyncRead, AsyncWrite};
    use tokio::net::unix::pipe;
    use tokio::net::UnixStream;

    /// A standard stream the reactor can poll, duplicated so that the standard handle keeps its
    /// descriptor (the duplicate shares the non-blocking flag: nothing else reads stdin or
    /// writes stdout here).
    enum Pollable {
        Pipe(File),
        Socket(UnixStream),
    }

    fn pollable(stream: impl AsFd) -> Option<Pollable> {
        let file = File::from(stream.as_fd().try_clone_to_owned().ok()?);
        let kind = file.metadata().ok()?.file_type();
        if kind.is_fifo() {
            Some(Pollable::Pipe(file))
        } else if kind.is_socket() {
            let socket = std::os::unix::net::UnixStream::from(OwnedFd::from(file));
            socket.set_nonblocking(true).ok()?;
            UnixStream::from_std(socket).ok().map(Pollable::Socket)
        } else {
            None
        }
    }

    pub fn input() -> Option<Box<dyn AsyncRead + Send + Unpin>> {
        Some(match pollable(std::io::stdin())? {
            Pollable::Pipe(file) => Box::new(pipe::Receiver::from_file(file).ok()?),
            Pollable::Socket(socket) => Box::new(socket),
        })
    }

    pub fn output() -> Option<Box<dyn AsyncWrite + Send + Unpin>> {
        Some(match pollable(std::io::stdout())? {
            Pollable::Pipe(file) => Box::new(pipe::Sender::from_file(file).ok()?),
            Pollable::Socket(socket) => Box::new(socket),
        })
    }
}
