//! Image size data and the estimator: the base-image table (and registry figures a shell looked
//! up), the Debian package table, the build context's files, and what each instruction adds.

pub mod accuracy;
pub mod base_images;
pub mod context;
pub mod debian;
pub mod estimate;
pub mod figure;
pub mod format;
pub mod image_ref;
pub mod registry_sizes;
pub mod stage_files;
