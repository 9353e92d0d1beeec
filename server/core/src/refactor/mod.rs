//! Rewrites a person asks for (code actions of kind `refactor`), as opposed to the fixes of
//! findings: larger changes that need a look before they are taken.

mod split_stages;

pub use split_stages::split_stages;
