//! Hover: on a FROM, the base image's download and on-disk size per platform, its build date
//! and the data's source, and the smaller variants of the same version; on a stage name, the
//! stage; on RUN / COPY / ADD, what the instruction adds and where the number comes from.

use std::ops::Range;

use dockerlean_core::model::{Base, Instruction, Kind, Model};
use dockerlean_core::size::base_images::{self, normalize_platform, OnDisk, Table};
use dockerlean_core::size::estimate::ImageEstimate;
use dockerlean_core::size::figure::Figure;
use dockerlean_core::size::format::{bytes, saving};
use dockerlean_core::size::image_ref::ImageRef;
use dockerlean_core::size::registry_sizes::RegistrySizes;

/// Markdown or plain text, as the client reads hovers.
pub struct Writer {
    markdown: bool,
    out: String,
}

impl Writer {
    pub fn new(markdown: bool) -> Writer {
        Writer {
            markdown,
            out: String::new(),
        }
    }

    fn heading(&mut self, text: &str) {
        if self.markdown {
            self.out.push_str(&format!("### {text}\n\n"));
        } else {
            self.out.push_str(&format!("{text}\n\n"));
        }
    }

    fn code(&self, text: &str) -> String {
        if self.markdown {
            format!("`{text}`")
        } else {
            text.to_string()
        }
    }

    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn item(&mut self, text: &str) {
        self.out.push_str(&format!("- {text}\n"));
    }

    fn blank(&mut self) {
        self.out.push('\n');
    }

    pub fn finish(self) -> String {
        self.out.trim_end().to_string()
    }
}

/// The hover at byte `offset`, with the range it is about.
pub fn hover(
    model: &Model,
    estimate: Option<&ImageEstimate>,
    registry: &RegistrySizes,
    offset: usize,
    markdown: bool,
) -> Option<(Range<usize>, String)> {
    let index = model.instruction_at(offset)?;
    let instr = &model.instructions[index];
    let mut w = Writer::new(markdown);
    match instr.kind {
        Kind::From => {
            let stage = model.stages.iter().find(|s| s.from == index)?;
            let word = stage.image.as_ref()?;
            match &stage.base {
                Base::Scratch => {
                    w.heading("scratch");
                    w.line("The empty image: the stage starts with no files (0 B).");
                }
                Base::Stage(b) => stage_hover(&mut w, model, estimate, *b),
                Base::Image(reference) => image_hover(
                    &mut w,
                    base_images::table(),
                    registry,
                    reference,
                    platform(instr),
                ),
            }
            Some((word.range.clone(), w.finish()))
        }
        Kind::Run | Kind::Copy | Kind::Add => {
            let e = estimate?.instruction(index)?;
            w.heading(&format!(
                "{} adds {}",
                instr.keyword(model.text),
                e.amount.display()
            ));
            for note in &e.amount.notes {
                w.item(note);
            }
            for apt in &e.apt {
                if let Some((saved, fewer)) = apt.recommends_cost.filter(|(s, _)| *s > 0) {
                    w.item(&format!(
                        "{} would save ≈ {} ({fewer} fewer packages)",
                        w.code("--no-install-recommends"),
                        bytes(saved)
                    ));
                }
            }
            Some((instr.head(model.text), w.finish()))
        }
        _ => None,
    }
}

/// The `--platform` of a FROM, when it is a literal.
fn platform(instr: &Instruction) -> Option<String> {
    let value = instr.flag("platform")?.value.as_deref()?;
    (!value.contains('$')).then(|| normalize_platform(value))
}

fn stage_hover(w: &mut Writer, model: &Model, estimate: Option<&ImageEstimate>, stage: usize) {
    let s = &model.stages[stage];
    let name = s.name.clone().unwrap_or_else(|| stage.to_string());
    w.heading(&format!("stage {name}"));
    let line = model.text[..model.instructions[s.from].range().start]
        .matches('\n')
        .count()
        + 1;
    w.line(&format!(
        "Build stage {stage}, {} on line {line}.",
        w.code(model.text[model.instructions[s.from].head(model.text)].trim())
    ));
    if let Some(e) = estimate.and_then(|e| e.stages.get(stage)) {
        w.blank();
        w.line(&format!("Stage size: {}", e.total.display()));
    }
}

fn on_disk_text(on_disk: OnDisk) -> String {
    match on_disk {
        OnDisk::Recorded { bytes: b, .. } => format!("≈ {}", bytes(b)),
        OnDisk::Estimated { low, high, .. } => format!(
            "{}–{} (estimated from the download: × 2.0–3.4)",
            bytes(low),
            bytes(high)
        ),
    }
}

/// A FROM image's sizes: from the bundled table, else from a registry look-up (or why there
/// is none: being looked up, not there, failed).
pub fn image_hover(
    w: &mut Writer,
    table: &Table,
    registry: &RegistrySizes,
    reference: &str,
    platform: Option<String>,
) {
    let parsed = match ImageRef::parse(reference) {
        Ok(r) => r,
        Err(e) => {
            w.heading(reference);
            w.line(&format!("Size unknown: {e}."));
            return;
        }
    };
    let tag = parsed.tag_or_latest();
    let official = parsed.official();
    let found = official.and_then(|image| table.find(image, tag));
    let second = platform
        .clone()
        .filter(|p| p != "linux/amd64")
        .unwrap_or_else(|| "linux/arm64/v8".to_string());
    let figures: Vec<Figure> = match &found {
        Some(found) => [found.amd64(), found.platform(&second)]
            .into_iter()
            .flatten()
            .map(|row| Figure::Table(row.clone()))
            .collect(),
        None => ["linux/amd64", second.as_str()]
            .into_iter()
            .filter_map(|p| registry.found(&parsed, p))
            .map(|size| Figure::Registry(size.clone()))
            .collect(),
    };
    let Some(main) = figures.first() else {
        unknown_image(w, table, registry, &parsed, reference, platform.as_deref());
        return;
    };
    let name = official.map_or(reference.to_string(), |image| format!("{image}:{tag}"));
    w.heading(&name);
    let canonical = match (&found, official) {
        (Some(found), Some(image)) if found.tag != tag => format!(
            " (same image as {})",
            w.code(&format!("{image}:{}", found.tag))
        ),
        _ => String::new(),
    };
    w.line(&format!("{}{canonical}", w.code(&parsed.to_string())));
    w.blank();
    if figures.len() < 2 && platform.as_deref().is_some_and(|p| p != "linux/amd64") {
        w.line(&format!("No data for {second}; showing linux/amd64."));
        w.blank();
    }
    if w.markdown {
        w.line("| platform | download (compressed) | on disk | layers |");
        w.line("|---|---|---|---|");
    }
    for f in &figures {
        let layers = f.layers().map_or("?".to_string(), |l| l.to_string());
        let (platform, download, on_disk) = (
            f.platform(),
            bytes(f.compressed()),
            on_disk_text(f.on_disk()),
        );
        if w.markdown {
            w.line(&format!(
                "| {platform} | {download} | {on_disk} | {layers} |"
            ));
        } else {
            w.line(&format!(
                "{platform}: download {download}, on disk {on_disk}, {layers} layers"
            ));
        }
    }
    w.blank();
    match main {
        Figure::Table(row) => {
            let distro = row.distro.map(|d| format!(" on {d}")).unwrap_or_default();
            w.line(&format!(
                "Build of {}{distro}. Data: docker-library/repo-info via the bundled table (builds up to {}); sizes change with every rebuild.",
                row.date, table.snapshot
            ));
        }
        Figure::Registry(_) => w.line(&format!(
            "Data: {}. The download is the sum of the manifest's compressed layers; a manifest does not record the size on disk, so that is estimated from the download.",
            main.source()
        )),
    }
    let Some(image) = official else {
        return;
    };
    let version_tag = found.as_ref().map_or(tag, |f| f.tag);
    let smaller = table.smaller_variants(image, version_tag, main.compressed());
    if !smaller.is_empty() {
        w.blank();
        w.line(&format!(
            "Smaller variants of {} (download):",
            base_images::version(version_tag)
        ));
        for r in smaller {
            let libc = if r.tag.contains("alpine") {
                " (musl libc)"
            } else {
                ""
            };
            let item = format!(
                "{} {}, {}{libc}",
                w.code(&format!("{image}:{}", r.tag)),
                bytes(r.compressed),
                saving(r.compressed, main.compressed())
            );
            w.item(&item);
        }
    }
}

/// An image with no figure: why, what a registry look-up said, and the nearest known tags.
fn unknown_image(
    w: &mut Writer,
    table: &Table,
    registry: &RegistrySizes,
    parsed: &ImageRef,
    reference: &str,
    platform: Option<&str>,
) {
    let lookup = registry.missing(parsed, platform);
    let Some(image) = parsed.official() else {
        w.heading(reference);
        let full = w.code(&parsed.to_string());
        w.line(&full);
        w.blank();
        w.line("Size unknown: the bundled table covers official Docker Hub images only.");
        if let Some(lookup) = lookup {
            w.line(&format!("Registry look-up: {lookup}"));
        }
        return;
    };
    let tag = parsed.tag_or_latest();
    let name = format!("{image}:{tag}");
    w.heading(&name);
    w.line(&format!(
        "Size unknown: {} is not in the bundled size table (builds up to {}; end-of-life tags are absent).",
        w.code(&name),
        table.snapshot
    ));
    if let Some(lookup) = lookup {
        w.line(&format!("Registry look-up: {lookup}"));
    }
    let near = table.nearest(image, tag, 4);
    if !near.is_empty() {
        w.blank();
        w.line("Nearest known tags:");
        for r in near {
            let item = format!(
                "{} {} download, {} on disk",
                w.code(&format!("{image}:{}", r.tag)),
                bytes(r.compressed),
                on_disk_text(r.on_disk())
            );
            w.item(&item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model_hover(text: &str, at: &str, markdown: bool) -> String {
        hover_with(text, at, markdown, &RegistrySizes::default())
    }

    fn hover_with(text: &str, at: &str, markdown: bool, registry: &RegistrySizes) -> String {
        let tree = dockerlean_core::syntax::parse(text);
        let model = Model::build(text, &tree);
        let offset = text.rfind(at).unwrap();
        hover(&model, None, registry, offset, markdown).unwrap().1
    }

    #[test]
    fn registry_figures_say_where_they_come_from() {
        use dockerlean_core::size::registry_sizes::{Lookup, RegistrySize};
        let python = ImageRef::parse("python:3.9").unwrap();
        let mut registry = RegistrySizes::default();
        registry.insert(
            &python,
            "linux/amd64",
            Lookup::Missing("looking up in docker.io…".into()),
        );
        let h = hover_with("FROM python:3.9\n", "python", true, &registry);
        assert!(h.contains("Size unknown"), "{h}");
        assert!(
            h.contains("Registry look-up: looking up in docker.io…"),
            "{h}"
        );
        assert!(h.contains("`python:3.10`"), "nearest tags still: {h}");
        let size = RegistrySize {
            registry: "docker.io".into(),
            platform: "linux/amd64".into(),
            compressed: 400_000_000,
            layers: 7,
            fetched: "2026-11-28".into(),
        };
        registry.insert(&python, "linux/amd64", Lookup::Found(size));
        let h = hover_with("FROM python:3.9\n", "python", true, &registry);
        assert!(
            h.contains(
                "| linux/amd64 | 400 MB | 800 MB–1.4 GB (estimated from the download: × 2.0–3.4) | 7 |"
            ),
            "{h}"
        );
        assert!(
            h.contains("Data: registry docker.io, fetched 2026-11-28. The download is the sum"),
            "{h}"
        );
        assert!(!h.contains("Size unknown"), "{h}");
        let h = hover_with(
            "FROM --platform=linux/arm64 python:3.9\n",
            "python",
            false,
            &registry,
        );
        assert!(
            h.contains("No data for linux/arm64/v8; showing linux/amd64."),
            "{h}"
        );
    }

    #[test]
    fn from_hover_shows_sizes_date_and_smaller_variants() {
        let h = model_hover("FROM python:3.12\n", "python", true);
        assert!(h.contains("| linux/amd64 | 411 MB | ≈ 1.1 GB | 7 |"), "{h}");
        assert!(h.contains("linux/arm64/v8"), "{h}");
        assert!(h.contains("Build of 2026-08-13"), "{h}");
        assert!(h.contains("`python:3.12-slim` 43 MB, −89 %"), "{h}");
        assert!(
            h.contains("`python:3.12-alpine`") && h.contains("(musl libc)"),
            "{h}"
        );
    }

    #[test]
    fn arg_defaults_platforms_and_plain_text() {
        let h = model_hover(
            "ARG PY=3.12\nFROM --platform=linux/arm64 python:${PY}-slim-bookworm\n",
            "python",
            false,
        );
        assert!(h.starts_with("python:3.12-slim-bookworm\n"), "{h}");
        assert!(h.contains("linux/arm64/v8: download 45 MB"), "{h}");
        let h = model_hover(
            "FROM --platform=linux/arm64 python:3.12-slim\n",
            "python",
            false,
        );
        assert!(h.contains("No data for linux/arm64/v8"), "{h}");
        assert!(!h.contains('`') && !h.contains('|'), "{h}");
    }

    #[test]
    fn unknown_tags_stages_and_scratch() {
        let h = model_hover("FROM python:3.9\n", "python", true);
        assert!(h.contains("Size unknown"), "{h}");
        assert!(h.contains("`python:3.10`"), "{h}");
        let h = model_hover("FROM alpine AS builder\nFROM builder\n", "builder\n", true);
        assert!(h.contains("stage builder"), "{h}");
        assert!(h.contains("line 1"), "{h}");
        assert!(model_hover("FROM scratch\n", "scratch", false).contains("0 B"));
        let h = model_hover("FROM ghcr.io/o/app:1\n", "ghcr", false);
        assert!(h.contains("Size unknown"), "{h}");
    }
}
