//! DKL302: a big base image whose smaller variant of the same version exists.

use crate::finding::{Edit, Fix, Severity};
use crate::model::{Base, Model};
use crate::rules::images::{parse_ref, smaller_variant, ImageRef};
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};
use crate::size::figure::{self, Figure};
use crate::size::registry_sizes::RegistrySizes;
use crate::size::{self, format};
use crate::syntax::words::Word;

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL302",
        name: "smaller-base-variant",
        hadolint: None,
        severity: Severity::Info,
        fixable: true,
        summary: "The final image's base has a smaller variant of the same version (`-slim`, JRE)",
        docs: r#"
## What it does
Finds the image the final stage is built on (through `FROM <stage>` chains) when a smaller
variant of the same version exists: `python:3.12` → `python:3.12-slim`, `node:22` →
`node:22-slim`, `ruby`, `perl` likewise, `debian:bookworm` → `debian:bookworm-slim`,
`eclipse-temurin:21-jdk` → `eclipse-temurin:21-jre`. `ubuntu` has no such variant.

## Why it costs size
The full language images are built on `buildpack-deps`: they carry compilers, headers, version
control tools and hundreds of libraries so that anything can be built in them. The `-slim`
variants have only what the language needs to run; a JRE lacks the compiler and tools of the
JDK. The difference is often several hundred MB.

## Not reported when
- the tag already names a small variant (`slim`, `alpine`, `jre`, `minimal`, …) or is one the
  table does not know;
- the stage is a builder whose layers do not ship.

## Example
```dockerfile
FROM python:3.12
```

## Fix
```dockerfile
FROM python:3.12-slim
```
The slim variant has no compiler: a `pip install` of a package without a binary wheel then
needs one installed (better: in a builder stage). The `-alpine` variants are smaller still,
but use musl libc: binary wheels and prebuilt programs made for glibc may not run there.
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM python:3.12\nCOPY . /app\nCMD [\"python\", \"/app/main.py\"]\n",
            "FROM node:22 AS base\nFROM base\nCMD [\"node\"]\n",
            "FROM debian:bookworm\n",
            "FROM eclipse-temurin:21-jdk-jammy\nCOPY app.jar /app.jar\n",
            "FROM docker.io/library/python:3.12-bookworm@sha256:0000\n",
        ],
        clean: &[
            "FROM python:3.12-slim\n",
            "FROM python:3.12 AS build\nRUN pip wheel -w /w .\nFROM python:3.12-slim\nCOPY --from=build /w /w\n",
            "FROM ubuntu:24.04\n",
            "FROM node:22-alpine\n",
            "FROM eclipse-temurin:21-jre\n",
        ],
    },
};

/// The image the final stage is built on, with the word it is written as and the smaller
/// variant of its version.
struct Suggestion<'m> {
    reference: &'m str,
    word: &'m Word,
    image: ImageRef<'m>,
    variant: String,
}

fn suggestion<'m>(model: &'m Model) -> Option<Suggestion<'m>> {
    let root = model
        .stages
        .iter()
        .find(|s| s.ships_layers && matches!(s.base, Base::Image(_)))?;
    let (Base::Image(reference), Some(word)) = (&root.base, &root.image) else {
        return None;
    };
    let image = parse_ref(reference);
    let variant = smaller_variant(&image)?;
    Some(Suggestion {
        reference,
        word,
        image,
        variant,
    })
}

/// The smaller variant this rule would suggest (`python:3.12-slim`), whose size a registry may
/// be asked for.
pub(crate) fn smaller_reference(model: &Model) -> Option<String> {
    let s = suggestion(model)?;
    Some(format!("{}:{}", s.image.repo, s.variant))
}

fn check(model: &Model, sink: &mut Sink) {
    let Some(Suggestion {
        reference,
        word,
        image,
        variant,
    }) = suggestion(model)
    else {
        return;
    };
    let jre = variant.contains("jre");
    // The fix edits the word as written, so only when it is the reference itself.
    let fix = (word.text == *reference).then(|| {
        let r = parse_ref(&word.text);
        let at = word.range.start + r.tag_at.start;
        let edit = match r.tag {
            Some(_) => Edit::replace(at..word.range.start + r.tag_at.end, variant.clone()),
            None => Edit::insert(at, format!(":{variant}")),
        };
        Fix::review(format!("Use {}:{variant}", image.repo), vec![edit])
    });
    let tag = image.tag.unwrap_or("latest");
    let caveat = if jre {
        "the JRE has no compiler or JDK tools"
    } else {
        "it has no compilers or headers; `-alpine` is smaller still but uses musl libc, where glibc binaries and wheels may not run"
    };
    let digest = if image.digest {
        " (update the digest too)"
    } else {
        ""
    };
    let saving =
        known_saving(&sink.environment().registry, image.repo, tag, &variant).unwrap_or_default();
    sink.report(
        word.range.clone(),
        format!(
            "{}:{tag} has a smaller variant of the same version, {}:{variant}{digest}{saving}: {caveat}",
            image.repo, image.repo
        ),
        fix,
    );
}

/// ` (linux/amd64 download ≈ 411 MB → 43 MB, −90 %, official images as of DATE)` when the
/// embedded size table (or a registry look-up) knows both tags.
fn known_saving(registry: &RegistrySizes, repo: &str, tag: &str, variant: &str) -> Option<String> {
    let table = size::base_images::table();
    let amd64 = |tag: &str| {
        let reference = size::image_ref::ImageRef::parse(&format!("{repo}:{tag}")).ok()?;
        figure::find(table, registry, &reference, Some("linux/amd64"))
            .filter(|f| f.platform() == "linux/amd64")
    };
    let (large, small) = (amd64(tag)?, amd64(variant)?);
    let source = |f: &Figure| match f {
        Figure::Table(_) => format!("official images as of {}", table.snapshot),
        Figure::Registry(_) => f.source(),
    };
    let (large_source, small_source) = (source(&large), source(&small));
    let sources = if large_source == small_source {
        large_source
    } else {
        format!("{large_source} and {small_source}")
    };
    Some(format!(
        " (linux/amd64 download ≈ {} → {}, {}, {sources})",
        format::bytes(large.compressed()),
        format::bytes(small.compressed()),
        format::saving(small.compressed(), large.compressed()),
    ))
}

#[cfg(test)]
mod tests {
    use crate::analyze_str;

    #[test]
    fn the_saving_comes_from_the_size_table() {
        let findings = analyze_str("FROM python:3.12\n").findings;
        let slim = findings
            .iter()
            .find(|f| f.code() == "DKL302")
            .expect("DKL302");
        assert!(
            slim.message
                .contains("python:3.12-slim (linux/amd64 download ≈ "),
            "{}",
            slim.message
        );
        assert!(
            slim.message.contains(" %, official images as of 2026-"),
            "{}",
            slim.message
        );
    }

    #[test]
    fn registry_figures_give_the_saving_of_tags_the_table_lacks() {
        use crate::size::image_ref::ImageRef;
        use crate::size::registry_sizes::{Lookup, RegistrySize, RegistrySizes};
        let mut registry = RegistrySizes::default();
        for (tag, compressed) in [("3.9", 400_000_000), ("3.9-slim", 40_000_000)] {
            let reference = ImageRef::parse(&format!("python:{tag}")).unwrap();
            let size = RegistrySize {
                registry: "docker.io".into(),
                platform: "linux/amd64".into(),
                compressed,
                layers: 4,
                fetched: "2026-11-28".into(),
            };
            registry.insert(&reference, "linux/amd64", Lookup::Found(size));
        }
        let environment = crate::Environment {
            registry: registry.into(),
            ..crate::Environment::default()
        };
        let findings = crate::analyze_str_with("FROM python:3.9\n", &environment).findings;
        let slim = findings.iter().find(|f| f.code() == "DKL302").unwrap();
        assert!(
            slim.message.contains(
                "python:3.9-slim (linux/amd64 download ≈ 400 MB → 40 MB, −90 %, registry docker.io, fetched 2026-11-28)"
            ),
            "{}",
            slim.message
        );
        let without = crate::analyze_str("FROM python:3.9\n").findings;
        let slim = without.iter().find(|f| f.code() == "DKL302").unwrap();
        assert!(!slim.message.contains("download"), "{}", slim.message);
    }
}
