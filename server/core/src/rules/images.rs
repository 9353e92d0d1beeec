//! What the analysis knows about base images by name: which are language SDKs, and which
//! smaller variants of the same version exist. A small hand-kept table, meant to be replaced
//! by the measured size table.

/// An image reference split into its parts: `registry/…/name:tag@digest`.
#[derive(Debug, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// The repository without the registry and without `library/` (`python`, `bitnami/node`).
    pub repo: &'a str,
    pub tag: Option<&'a str>,
    /// Where the tag is in the reference (to replace it), or where one would go.
    pub tag_at: std::ops::Range<usize>,
    pub digest: bool,
}

pub fn parse_ref(reference: &str) -> ImageRef<'_> {
    let (name_tag, digest) = match reference.split_once('@') {
        Some((n, _)) => (n, true),
        None => (reference, false),
    };
    let slash = name_tag.rfind('/').map_or(0, |i| i + 1);
    let (name, tag, tag_at) = match name_tag[slash..].find(':') {
        Some(i) => (
            &name_tag[..slash + i],
            Some(&name_tag[slash + i + 1..]),
            slash + i + 1..name_tag.len(),
        ),
        None => (name_tag, None, name_tag.len()..name_tag.len()),
    };
    let mut repo = name;
    if let Some((first, rest)) = repo.split_once('/') {
        if first.contains(['.', ':']) || first == "localhost" {
            repo = rest;
        }
    }
    let repo = repo.strip_prefix("library/").unwrap_or(repo);
    ImageRef {
        repo,
        tag,
        tag_at,
        digest,
    }
}

/// Images that hold a language's compiler and build tools, for building rather than running.
pub fn is_sdk(image: &ImageRef) -> bool {
    let tag = image.tag.unwrap_or("latest");
    match image.repo {
        "golang" | "rust" | "maven" | "gradle" => true,
        "openjdk" => !tag.contains("jre"),
        "eclipse-temurin" | "amazoncorretto" | "ibm-semeru-runtimes" | "sapmachine" => {
            !tag.contains("jre")
        }
        _ => false,
    }
}

/// Repositories whose tags have a `-slim` variant of the same version and distribution.
const SLIM: &[&str] = &["python", "node", "ruby", "perl", "debian"];

/// A smaller tag of the same version: `3.12` → `3.12-slim`, `3.12-bookworm` →
/// `3.12-slim-bookworm`, `bookworm` → `bookworm-slim` (debian), a JDK tag → its JRE tag.
pub fn smaller_variant(image: &ImageRef) -> Option<String> {
    let tag = image.tag.unwrap_or("latest");
    let has_variant = |v: &str| tag.split('-').any(|part| part == v);
    if ["slim", "alpine", "minimal", "jre", "distroless"]
        .iter()
        .any(|v| has_variant(v) || tag.contains(&format!("{v}3")))
    {
        return None;
    }
    if SLIM.contains(&image.repo) {
        if image.repo == "debian" {
            let codename = tag.chars().all(|c| c.is_ascii_alphabetic());
            let version = tag.chars().all(|c| c.is_ascii_digit() || c == '.');
            return match tag {
                "latest" => Some("stable-slim".to_string()),
                _ if codename || version => Some(format!("{tag}-slim")),
                _ => None,
            };
        }
        if tag == "latest" {
            return Some("slim".to_string());
        }
        // `3.12-bookworm` → `3.12-slim-bookworm`; only plain version tags and distro suffixes.
        let mut parts = tag.splitn(2, '-');
        let version = parts.next()?;
        if !version.starts_with(|c: char| c.is_ascii_digit())
            && !matches!(version, "lts" | "current")
        {
            return None;
        }
        return Some(match parts.next() {
            Some(distro) if DISTROS.contains(&distro) => format!("{version}-slim-{distro}"),
            Some(_) => return None,
            None => format!("{version}-slim"),
        });
    }
    if image.repo == "eclipse-temurin" {
        return match tag.find("-jdk") {
            Some(i) => Some(format!("{}-jre{}", &tag[..i], &tag[i + 4..])),
            None if tag.starts_with(|c: char| c.is_ascii_digit()) && !tag.contains('-') => {
                Some(format!("{tag}-jre"))
            }
            None => None,
        };
    }
    None
}

const DISTROS: &[&str] = &["bookworm", "bullseye", "buster", "trixie"];

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(r: &str) -> Option<String> {
        smaller_variant(&parse_ref(r))
    }

    #[test]
    fn references() {
        let r = parse_ref("docker.io/library/python:3.12@sha256:abc");
        assert_eq!((r.repo, r.tag, r.digest), ("python", Some("3.12"), true));
        assert_eq!(parse_ref("localhost:5000/app").repo, "app");
        assert_eq!(parse_ref("bitnami/node:22").repo, "bitnami/node");
        assert_eq!(parse_ref("node").tag_at, 4..4);
    }

    #[test]
    fn variants() {
        assert_eq!(variant("python:3.12").as_deref(), Some("3.12-slim"));
        assert_eq!(
            variant("python:3.12-bookworm").as_deref(),
            Some("3.12-slim-bookworm")
        );
        assert_eq!(variant("python").as_deref(), Some("slim"));
        assert_eq!(variant("python:3.12-slim"), None);
        assert_eq!(variant("python:3.12-alpine3.20"), None);
        assert_eq!(variant("python:3.12-windowsservercore"), None);
        assert_eq!(variant("node:lts").as_deref(), Some("lts-slim"));
        assert_eq!(variant("debian:bookworm").as_deref(), Some("bookworm-slim"));
        assert_eq!(variant("debian:12").as_deref(), Some("12-slim"));
        assert_eq!(variant("ubuntu:24.04"), None);
        assert_eq!(
            variant("eclipse-temurin:21-jdk-jammy").as_deref(),
            Some("21-jre-jammy")
        );
        assert_eq!(variant("eclipse-temurin:21").as_deref(), Some("21-jre"));
        assert_eq!(variant("eclipse-temurin:21-jre"), None);
    }
}
