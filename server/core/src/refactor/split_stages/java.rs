//! Java: Maven or Gradle builds in the builder; the runtime stage, on the JRE image of the same
//! Java version, copies the build's output folder (`target/` or `build/libs/`), which keeps its
//! path so CMD and ENTRYPOINT still find the jar.

use super::{copy_from_builder, join, Context, Recipe};

pub(super) fn recipe(cx: &Context) -> Option<Recipe> {
    let (repo, tag) = cx.repo_tag();
    let (at, output) = cx.commands().find_map(|(i, c)| {
        let goal = |goals: &[&str]| c.args().iter().any(|w| goals.contains(&w.text.as_str()));
        match c.program() {
            "mvn" | "mvnw" if goal(&["package", "install", "verify"]) => Some((i, "target")),
            "gradle" | "gradlew" if goal(&["build", "bootJar", "jar", "assemble"]) => {
                Some((i, "build/libs"))
            }
            _ => None,
        }
    })?;
    let version = java_version(repo, tag)?;
    let variant = if tag.contains("alpine") {
        "-alpine"
    } else {
        ""
    };
    Some(Recipe {
        runtime_base: format!("eclipse-temurin:{version}-jre{variant}"),
        builder_setup: Vec::new(),
        builder_finish: Vec::new(),
        runtime_setup: vec![copy_from_builder(&join(&cx.workdir_at(at), output))],
        keep_sources: false,
    })
}

/// The Java version of a JDK or build-tool image tag: `maven:3.9-eclipse-temurin-21` → 21,
/// `eclipse-temurin:17-jdk` → 17, `gradle:8-jdk21` → 21, `openjdk:11` → 11.
fn java_version(repo: &str, tag: &str) -> Option<String> {
    let leading_number = |s: &str| -> Option<String> {
        let n: String = s.chars().take_while(char::is_ascii_digit).collect();
        (!n.is_empty()).then_some(n)
    };
    if matches!(repo, "eclipse-temurin" | "openjdk" | "amazoncorretto") {
        return leading_number(tag);
    }
    if !matches!(repo, "maven" | "gradle") {
        return None;
    }
    ["temurin-", "jdk-", "jdk", "openjdk-", "corretto-"]
        .iter()
        .find_map(|marker| {
            tag.split_once(marker)
                .and_then(|(_, rest)| leading_number(rest))
        })
}
