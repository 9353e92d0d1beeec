//! Where the work on a document runs: on the message loop when the document is small, since
//! then the work takes less than handing it to another thread and back (a keystroke's analysis
//! of 24 lines ≈ 0.1 ms, a hand-off about as much again); on a blocking thread when it is
//! large, where it holds up no other message.

use std::panic::AssertUnwindSafe;

use super::documents::OpenDocument;

/// Documents up to this size (about 1,000 lines) are worked on on the message loop.
const INLINE_MAX_BYTES: usize = 32 << 10;

/// Whether work on `document` is quick enough for the message loop: it is small, and no test
/// delay stands in for a slow analysis.
pub fn quick(document: &OpenDocument) -> bool {
    !super::test_hooks::delays_analysis()
        && document.lock().file.rope().len_bytes() <= INLINE_MAX_BYTES
}

/// Runs `f` on the message loop when `inline`, else on a blocking thread. A panic becomes the
/// error; the panic hook has already logged where and why.
pub async fn run<T: Send + 'static>(
    inline: bool,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    if inline {
        std::panic::catch_unwind(AssertUnwindSafe(f)).map_err(|_| "it panicked".to_owned())
    } else {
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|err| err.to_string())
    }
}
