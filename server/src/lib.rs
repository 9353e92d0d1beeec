//! The `dockerlean` shells over `dockerlean-core`: the command line and the language server.

pub mod cli;
pub mod context;
pub mod lsp;
pub mod project_config;
