//! The command line: `check`, `lsp`, `rules`, `explain`.
pub fn main() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
