//! The `dockerlean` shells over `dockerlean-core`: the command line and the language server.

mod build_context;
mod cache_dir;
pub mod cli;
pub mod context;
pub mod lsp;
mod malloc;
pub mod project_config;
pub mod registry;
