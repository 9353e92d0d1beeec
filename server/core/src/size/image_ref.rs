//! Image references, read by the distribution reference grammar
//! (`[host[:port]/]path[:tag][@algorithm:hex]`) and normalised the way Docker does:
//! `python:3.12` is `docker.io/library/python:3.12`.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// `docker.io` for Docker Hub (also when written `index.docker.io` or omitted).
    pub registry: String,
    /// The path below the registry; `library/…` for official images.
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefError {
    Empty,
    /// A `$VAR` left after substitution: the value is only known at build time.
    Unresolved,
    Invalid(&'static str),
}

impl fmt::Display for RefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefError::Empty => f.write_str("empty image reference"),
            RefError::Unresolved => {
                f.write_str("the reference uses a build argument with no default")
            }
            RefError::Invalid(why) => write!(f, "invalid image reference: {why}"),
        }
    }
}

impl ImageRef {
    pub fn parse(reference: &str) -> Result<ImageRef, RefError> {
        if reference.is_empty() {
            return Err(RefError::Empty);
        }
        if reference.contains('$') {
            return Err(RefError::Unresolved);
        }
        let (rest, digest) = match reference.split_once('@') {
            Some((name, digest)) => {
                let (algorithm, hex) = digest
                    .split_once(':')
                    .ok_or(RefError::Invalid("a digest is algorithm:hex"))?;
                let algorithm_ok = !algorithm.is_empty()
                    && algorithm.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || "+.-_".contains(c)
                    });
                if !algorithm_ok || hex.len() < 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                    return Err(RefError::Invalid("malformed digest"));
                }
                (name, Some(digest.to_string()))
            }
            None => (reference, None),
        };
        // A tag is after the last `:` that comes after the last `/` (a port has a `/` after it).
        let (name, tag) = match rest.rfind(':') {
            Some(i) if !rest[i..].contains('/') => (&rest[..i], Some(&rest[i + 1..])),
            _ => (rest, None),
        };
        if let Some(tag) = tag {
            let valid = !tag.is_empty()
                && tag.len() <= 128
                && !tag.starts_with(['.', '-'])
                && tag
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
            if !valid {
                return Err(RefError::Invalid("malformed tag"));
            }
        }
        let (registry, path) = match name.split_once('/') {
            Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => {
                (first.to_string(), rest.to_string())
            }
            _ => ("docker.io".to_string(), name.to_string()),
        };
        if path.is_empty() {
            return Err(RefError::Invalid("no repository name"));
        }
        let component_ok = |c: &str| {
            !c.is_empty()
                && c.starts_with(|ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit())
                && c.ends_with(|ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit())
                && c.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || "._-".contains(ch))
        };
        if !path.split('/').all(component_ok) {
            return Err(RefError::Invalid(
                "repository names are lower-case letters, digits and separators",
            ));
        }
        let registry = match registry.as_str() {
            "index.docker.io" | "registry-1.docker.io" => "docker.io".to_string(),
            _ => registry,
        };
        let path = if registry == "docker.io" && !path.contains('/') {
            format!("library/{path}")
        } else {
            path
        };
        Ok(ImageRef {
            registry,
            path,
            tag: tag.map(str::to_string),
            digest,
        })
    }

    /// The official-image name (`python` for `docker.io/library/python`), if it is one.
    pub fn official(&self) -> Option<&str> {
        (self.registry == "docker.io")
            .then(|| self.path.strip_prefix("library/"))
            .flatten()
    }

    /// The tag, `latest` when none is written (a digest alone pins no tag).
    pub fn tag_or_latest(&self) -> &str {
        self.tag.as_deref().unwrap_or("latest")
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.path)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> ImageRef {
        ImageRef::parse(s).unwrap()
    }

    #[test]
    fn official_images_are_normalised() {
        let r = parse("python:3.12");
        assert_eq!(r.to_string(), "docker.io/library/python:3.12");
        assert_eq!(r.official(), Some("python"));
        assert_eq!(parse("python").tag_or_latest(), "latest");
        assert_eq!(parse("docker.io/library/python:3.12"), r);
        assert_eq!(parse("index.docker.io/python:3.12"), r);
    }

    #[test]
    fn hosts_namespaces_ports_and_digests() {
        let r = parse("localhost:5000/team/app:1.0");
        assert_eq!(
            (r.registry.as_str(), r.path.as_str()),
            ("localhost:5000", "team/app")
        );
        assert_eq!(r.tag.as_deref(), Some("1.0"));
        assert_eq!(r.official(), None);
        let r = parse("bitnami/redis");
        assert_eq!(r.path, "bitnami/redis");
        assert_eq!(r.registry, "docker.io");
        let digest = format!("sha256:{}", "a".repeat(64));
        let r = parse(&format!("ghcr.io/o/i:2@{digest}"));
        assert_eq!(r.digest.as_deref(), Some(digest.as_str()));
        assert_eq!(r.tag.as_deref(), Some("2"));
        let r = parse("registry:5000/x");
        assert_eq!((r.registry.as_str(), r.tag), ("registry:5000", None));
    }

    #[test]
    fn malformed_references_are_errors() {
        assert_eq!(ImageRef::parse(""), Err(RefError::Empty));
        assert_eq!(ImageRef::parse("python:${PY}"), Err(RefError::Unresolved));
        assert!(ImageRef::parse("Python:3").is_err());
        assert!(ImageRef::parse("python:-x").is_err());
        assert!(ImageRef::parse("python@sha256:12").is_err());
    }
}
