//! Manifests as registries serve them: an index (OCI image index, Docker manifest list) that
//! names one manifest per platform, or an image manifest (OCI, Docker v2) that lists the
//! config and layer blobs with their sizes.

use dockerlean_core::size::base_images::normalize_platform;
use serde::Deserialize;

/// Every manifest kind this reads, so that a registry never answers with one it cannot.
pub const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
    application/vnd.docker.distribution.manifest.list.v2+json, \
    application/vnd.oci.image.manifest.v1+json, \
    application/vnd.docker.distribution.manifest.v2+json";

#[derive(Debug, PartialEq, Eq)]
pub enum Manifest {
    /// The platform (normalised) and digest of each manifest the index lists.
    Index(Vec<(String, String)>),
    Image {
        /// Each layer's compressed size, as a pull downloads it.
        layers: Vec<u64>,
        config_digest: String,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    schema_version: Option<u32>,
    manifests: Option<Vec<Descriptor>>,
    layers: Option<Vec<Descriptor>>,
    config: Option<Descriptor>,
}

#[derive(Deserialize)]
struct Descriptor {
    digest: String,
    size: u64,
    platform: Option<Platform>,
}

/// A descriptor's `platform`, or the same fields at the top of an image's config blob.
#[derive(Deserialize)]
pub struct Platform {
    os: String,
    architecture: String,
    variant: Option<String>,
}

impl Platform {
    /// `linux/arm64/v8`, as the size table writes platforms.
    pub fn normalized(&self) -> String {
        let mut p = format!("{}/{}", self.os, self.architecture);
        if let Some(variant) = &self.variant {
            p = format!("{p}/{variant}");
        }
        normalize_platform(&p)
    }
}

pub fn parse(body: &[u8]) -> Result<Manifest, String> {
    let raw: Raw =
        serde_json::from_slice(body).map_err(|e| format!("the manifest is not valid: {e}"))?;
    if raw.schema_version != Some(2) {
        return Err(format!(
            "schema version {} manifests are not read",
            raw.schema_version
                .map_or("(none)".to_string(), |v| v.to_string())
        ));
    }
    if let Some(manifests) = raw.manifests {
        // Entries without a platform (attestations, artifacts) are not images to run.
        let entries = manifests
            .into_iter()
            .filter_map(|d| Some((d.platform?.normalized(), d.digest)))
            .collect();
        return Ok(Manifest::Index(entries));
    }
    match (raw.layers, raw.config) {
        (Some(layers), Some(config)) => Ok(Manifest::Image {
            layers: layers.iter().map(|l| l.size).collect(),
            config_digest: config.digest,
        }),
        _ => Err("the manifest is neither an index nor an image manifest".to_string()),
    }
}

/// The platform an image's config blob says it is for.
pub fn config_platform(body: &[u8]) -> Result<String, String> {
    serde_json::from_slice::<Platform>(body)
        .map(|p| p.normalized())
        .map_err(|e| format!("the image config is not valid: {e}"))
}

/// The digest of `platform`'s manifest in an index.
pub fn select<'a>(entries: &'a [(String, String)], platform: &str) -> Option<&'a str> {
    let wanted = normalize_platform(platform);
    entries
        .iter()
        .find(|(p, _)| *p == wanted)
        .map(|(_, digest)| digest.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_lists_platforms_and_skips_attestations() {
        let body = br#"{
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [
                {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:a", "size": 1,
                 "platform": {"architecture": "amd64", "os": "linux"}},
                {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:b", "size": 1,
                 "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
                {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:c", "size": 1,
                 "annotations": {"vnd.docker.reference.type": "attestation-manifest"}}
            ]
        }"#;
        let Manifest::Index(entries) = parse(body).unwrap() else {
            panic!("an index");
        };
        assert_eq!(entries.len(), 2);
        assert_eq!(select(&entries, "linux/amd64"), Some("sha256:a"));
        assert_eq!(select(&entries, "arm64"), Some("sha256:b"));
        assert_eq!(select(&entries, "linux/s390x"), None);
    }

    #[test]
    fn an_image_manifest_lists_layer_sizes() {
        let body = br#"{"schemaVersion": 2,
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "config": {"digest": "sha256:c", "size": 7},
            "layers": [{"digest": "sha256:l1", "size": 100}, {"digest": "sha256:l2", "size": 20}]}"#;
        assert_eq!(
            parse(body),
            Ok(Manifest::Image {
                layers: vec![100, 20],
                config_digest: "sha256:c".into()
            })
        );
        assert_eq!(
            config_platform(br#"{"architecture":"arm64","os":"linux","rootfs":{}}"#),
            Ok("linux/arm64/v8".to_string())
        );
    }

    #[test]
    fn what_is_not_a_manifest_is_an_error() {
        assert!(parse(b"<html>").is_err());
        assert!(parse(br#"{"schemaVersion": 1, "fsLayers": []}"#)
            .unwrap_err()
            .contains("schema version 1"));
        assert!(parse(br#"{"schemaVersion": 2}"#).is_err());
        assert!(config_platform(b"{}").is_err());
    }
}
