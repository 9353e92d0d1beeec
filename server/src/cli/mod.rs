//! The command line: `check`, `lsp`, `rules`, `explain`.
pub fn main() -> std::process::ExitCode {
    match std::env::args().nth(1).as_deref() {
        Some("lsp" | "--stdio") => match crate::lsp::run_stdio() {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("dockerlean: {err}");
                std::process::ExitCode::FAILURE
            }
        },
        _ => std::process::ExitCode::SUCCESS,
    }
}
