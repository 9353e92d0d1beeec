//! The builder's logical lines.
