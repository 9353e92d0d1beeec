//! A base image's size for one platform, from the embedded table or from a registry look-up,
//! with where it came from: what the estimate, DKL302 and the shells' hover read.

use crate::size::base_images::{OnDisk, Row, Table};
use crate::size::image_ref::ImageRef;
use crate::size::registry_sizes::{RegistrySize, RegistrySizes};

#[derive(Clone, Debug, PartialEq)]
pub enum Figure {
    Table(Row),
    Registry(RegistrySize),
}

impl Figure {
    pub fn platform(&self) -> &str {
        match self {
            Figure::Table(row) => row.platform,
            Figure::Registry(size) => &size.platform,
        }
    }

    /// The download (compressed) size.
    pub fn compressed(&self) -> u64 {
        match self {
            Figure::Table(row) => row.compressed,
            Figure::Registry(size) => size.compressed,
        }
    }

    pub fn layers(&self) -> Option<u32> {
        match self {
            Figure::Table(row) => row.layers,
            Figure::Registry(size) => Some(size.layers),
        }
    }

    /// A manifest records no on-disk size, so a registry figure's is estimated from the
    /// download, as for table rows that lack it.
    pub fn on_disk(&self) -> OnDisk {
        match self {
            Figure::Table(row) => row.on_disk(),
            Figure::Registry(size) => OnDisk::from_download(size.compressed),
        }
    }

    /// `build of 2026-08-13` (the table's newest layer) or `registry docker.io, fetched
    /// 2026-11-28`.
    pub fn source(&self) -> String {
        match self {
            Figure::Table(row) => format!("build of {}", row.date),
            Figure::Registry(size) => {
                format!("registry {}, fetched {}", size.registry, size.fetched)
            }
        }
    }
}

/// The size of `reference` for `platform` (else for linux/amd64): the table's row when the
/// table has the tag, else what a registry look-up found.
pub fn find(
    table: &Table,
    registry: &RegistrySizes,
    reference: &ImageRef,
    platform: Option<&str>,
) -> Option<Figure> {
    if let Some(found) = reference
        .official()
        .and_then(|image| table.find(image, reference.tag_or_latest()))
    {
        let row = platform
            .and_then(|p| found.platform(p))
            .or_else(|| found.amd64());
        return row.cloned().map(Figure::Table);
    }
    platform
        .and_then(|p| registry.found(reference, p))
        .or_else(|| registry.found(reference, "linux/amd64"))
        .cloned()
        .map(Figure::Registry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::size::base_images::table;
    use crate::size::registry_sizes::Lookup;

    #[test]
    fn the_table_comes_first_then_the_registry() {
        let python = |tag: &str| ImageRef::parse(&format!("python:{tag}")).unwrap();
        let mut registry = RegistrySizes::default();
        let size = RegistrySize {
            registry: "docker.io".into(),
            platform: "linux/amd64".into(),
            compressed: 50_000_000,
            layers: 4,
            fetched: "2026-11-28".into(),
        };
        for tag in ["3.12", "3.9"] {
            registry.insert(&python(tag), "linux/amd64", Lookup::Found(size.clone()));
        }
        let t = table();
        let from_table = find(t, &registry, &python("3.12"), None).unwrap();
        assert!(matches!(from_table, Figure::Table(_)));
        assert_eq!(from_table.source(), "build of 2026-08-13");
        let fetched = find(t, &registry, &python("3.9"), Some("linux/arm64")).unwrap();
        assert_eq!(fetched.compressed(), 50_000_000);
        assert_eq!(fetched.source(), "registry docker.io, fetched 2026-11-28");
        assert!(matches!(fetched.on_disk(), OnDisk::Estimated { .. }));
        assert_eq!(find(t, &registry, &python("3.8"), None), None);
    }
}
