//! Allocator settings: glibc malloc's for the long-running language server, and mimalloc
//! for tree-sitter in the batch commands.
//!
//! glibc gives each thread that allocates while another holds the main arena an arena of its
//! own, up to eight per core. The server's analyses run on tokio's blocking threads, which come
//! and go, so the model and findings of one keystroke are freed into one arena and those of
//! the next built in another: each arena keeps the high-water mark of a whole analysis. On the
//! 20,000-line benchmark file that doubled the peak resident set (122 MiB against 64 MiB with
//! one arena); the analyses of a document are serialised by its lock anyway, so the threads
//! hardly ever contend for the one arena.

/// Call before any thread is started: arenas that exist are not given back.
pub fn one_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; it is called before other threads exist.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// For the batch commands (`check`, `fix`, `size`): parsing allocates and frees tree-sitter's
/// nodes one by one, and mimalloc serves that faster than glibc (`check` of the corpus spends
/// about a tenth less CPU). The language server keeps glibc for everything, which its arena
/// setting above and its memory figures are about. Call before any tree-sitter object exists.
pub fn tree_sitter_on_mimalloc() {
    use std::ffi::c_void;

    use libmimalloc_sys::{mi_free, mi_malloc, mi_realloc, mi_zalloc};

    // tree-sitter expects its allocator to abort rather than return null, as its default does.
    fn non_null(p: *mut c_void, size: usize) -> *mut c_void {
        if p.is_null() && size > 0 {
            std::process::abort();
        }
        p
    }
    unsafe extern "C" fn malloc(size: usize) -> *mut c_void {
        // SAFETY: plain allocation.
        non_null(unsafe { mi_malloc(size) }, size)
    }
    unsafe extern "C" fn calloc(count: usize, size: usize) -> *mut c_void {
        let total = count.saturating_mul(size);
        // SAFETY: plain allocation; an overflowing size fails and aborts.
        non_null(unsafe { mi_zalloc(total) }, total)
    }
    unsafe extern "C" fn realloc(p: *mut c_void, size: usize) -> *mut c_void {
        // SAFETY: tree-sitter only passes pointers that this allocator returned.
        non_null(unsafe { mi_realloc(p, size) }, size)
    }
    unsafe extern "C" fn free(p: *mut c_void) {
        // SAFETY: as for `realloc`.
        unsafe { mi_free(p) }
    }
    let allocator = tree_sitter::Allocator {
        malloc,
        calloc,
        realloc,
        free,
    };
    // SAFETY: the four functions are one allocator family with malloc's alignment, and the
    // caller has created no tree-sitter object yet, on this or any other thread.
    unsafe { tree_sitter::set_allocator(Some(allocator)) };
}
