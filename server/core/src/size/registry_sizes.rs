//! Base-image sizes that a shell looked up in a registry, for references the embedded table
//! does not have. The core does no I/O: the shells fetch the manifests and hand the figures in
//! (through [`crate::Environment`] and [`crate::size::estimate::estimate`]).

use std::collections::BTreeMap;

use crate::model::{Base, Model};
use crate::size::base_images::{self, normalize_platform};
use crate::size::image_ref::ImageRef;

/// One platform's image as its registry manifest describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistrySize {
    /// The registry host (`docker.io`, `ghcr.io`, `127.0.0.1:5000`).
    pub registry: String,
    /// The manifest's platform, normalised (`linux/amd64`, `linux/arm64/v8`).
    pub platform: String,
    /// The sum of the layers' sizes in the manifest: what a pull downloads (compressed). The
    /// config blob is not counted.
    pub compressed: u64,
    pub layers: u32,
    /// When it was fetched, `YYYY-MM-DD`.
    pub fetched: String,
}

/// What a registry look-up gave for one reference and platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    Found(RegistrySize),
    /// No figure, and why: being looked up, not in the registry, or the look-up failed.
    Missing(String),
}

/// Look-up results by reference (normalised, as [`ImageRef`] prints it) and platform.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegistrySizes {
    entries: BTreeMap<(String, String), Lookup>,
}

impl RegistrySizes {
    pub fn insert(&mut self, reference: &ImageRef, platform: &str, lookup: Lookup) {
        self.entries.insert(
            (reference.to_string(), normalize_platform(platform)),
            lookup,
        );
    }

    pub fn get(&self, reference: &ImageRef, platform: &str) -> Option<&Lookup> {
        self.entries
            .get(&(reference.to_string(), normalize_platform(platform)))
    }

    pub fn found(&self, reference: &ImageRef, platform: &str) -> Option<&RegistrySize> {
        match self.get(reference, platform)? {
            Lookup::Found(size) => Some(size),
            Lookup::Missing(_) => None,
        }
    }

    /// Why there is no figure for `reference` on `platform` (else on linux/amd64), if a
    /// look-up said.
    pub fn missing(&self, reference: &ImageRef, platform: Option<&str>) -> Option<&str> {
        let why = |p: &str| match self.get(reference, p)? {
            Lookup::Missing(why) => Some(why.as_str()),
            Lookup::Found(_) => None,
        };
        platform.and_then(why).or_else(|| why("linux/amd64"))
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A reference and platform whose size only a registry can tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wanted {
    pub reference: ImageRef,
    pub platform: String,
}

/// What a registry would have to be asked for the sizes of `model` that the table lacks: each
/// base image for its literal `--platform` and for linux/amd64 (what the estimate falls back
/// to), and the smaller variant DKL302 suggests.
pub fn wanted(model: &Model) -> Vec<Wanted> {
    let table = base_images::table();
    let mut wanted: Vec<Wanted> = Vec::new();
    let mut want = |reference: &str, platform: Option<String>| {
        let Ok(reference) = ImageRef::parse(reference) else {
            return;
        };
        let in_table = reference
            .official()
            .is_some_and(|image| table.find(image, reference.tag_or_latest()).is_some());
        if in_table {
            return;
        }
        for platform in platform.into_iter().chain(["linux/amd64".to_string()]) {
            let w = Wanted {
                reference: reference.clone(),
                platform,
            };
            if !wanted.contains(&w) {
                wanted.push(w);
            }
        }
    };
    for stage in &model.stages {
        if let Base::Image(reference) = &stage.base {
            let platform = model.instructions[stage.from]
                .flag("platform")
                .and_then(|f| f.value.as_deref())
                .filter(|p| !p.contains('$'))
                .map(normalize_platform);
            want(reference, platform);
        }
    }
    if let Some(variant) = crate::rules::slim_base::smaller_reference(model) {
        want(&variant, None);
    }
    wanted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted_in(text: &str) -> Vec<(String, String)> {
        let tree = crate::syntax::parse(text);
        let model = Model::build(text, &tree);
        wanted(&model)
            .into_iter()
            .map(|w| (w.reference.to_string(), w.platform))
            .collect()
    }

    #[test]
    fn only_what_the_table_lacks_is_wanted() {
        assert_eq!(
            wanted_in("FROM python:3.12\nFROM scratch\nFROM ghcr.io/o/app:1 AS app\nFROM app\n"),
            [("ghcr.io/o/app:1".to_string(), "linux/amd64".to_string())]
        );
        assert_eq!(
            wanted_in("FROM --platform=linux/arm64 python:3.9\n"),
            [
                (
                    "docker.io/library/python:3.9".to_string(),
                    "linux/arm64/v8".to_string()
                ),
                (
                    "docker.io/library/python:3.9".to_string(),
                    "linux/amd64".to_string()
                ),
                (
                    "docker.io/library/python:3.9-slim".to_string(),
                    "linux/amd64".to_string()
                ),
            ]
        );
    }

    #[test]
    fn results_by_reference_and_platform() {
        let mut sizes = RegistrySizes::default();
        let r = ImageRef::parse("python:3.9").unwrap();
        let size = RegistrySize {
            registry: "docker.io".into(),
            platform: "linux/amd64".into(),
            compressed: 10,
            layers: 1,
            fetched: "2026-11-28".into(),
        };
        sizes.insert(&r, "linux/amd64", Lookup::Found(size.clone()));
        sizes.insert(&r, "arm64", Lookup::Missing("not in the index".into()));
        let written = ImageRef::parse("docker.io/library/python:3.9").unwrap();
        assert_eq!(sizes.found(&written, "linux/amd64"), Some(&size));
        assert_eq!(
            sizes.missing(&r, Some("linux/arm64/v8")),
            Some("not in the index")
        );
        assert_eq!(sizes.missing(&r, None), None);
    }
}
