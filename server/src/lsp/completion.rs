//! Completion after `FROM `: official image names and earlier stage names; after `image:`,
//! the image's tags with their sizes (smaller first within a version); after `--from=` (COPY)
//! or `from=` (RUN --mount), stage names.

use std::ops::Range;

use dockerlean_core::model::Model;
use dockerlean_core::size::base_images::{self, Table};
use dockerlean_core::size::format::bytes;

#[derive(Debug, PartialEq)]
pub enum ItemKind {
    Image,
    Tag,
    Stage,
}

#[derive(Debug)]
pub struct Item {
    pub label: String,
    pub detail: String,
    pub sort: String,
    /// The text the item replaces.
    pub replace: Range<usize>,
    pub kind: ItemKind,
}

pub fn complete(model: &Model, table: &Table, offset: usize) -> Vec<Item> {
    let text = model.text;
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..offset];
    let word_start = prefix
        .rfind(|c: char| c.is_whitespace())
        .map_or(line_start, |i| line_start + i + 1);
    let word = &text[word_start..offset];
    let mut tokens = prefix.split_whitespace();
    let keyword = tokens.next().unwrap_or("").to_ascii_uppercase();
    let stages_before = |at: usize| -> Vec<Item> {
        model
            .stages
            .iter()
            .filter(|s| model.instructions[s.from].range().start < line_start.max(at))
            .filter_map(|s| s.name.clone())
            .map(|name| Item {
                label: name,
                detail: "build stage".to_string(),
                sort: "0".to_string(),
                replace: at..offset,
                kind: ItemKind::Stage,
            })
            .collect()
    };
    if let Some(i) = word.find("from=") {
        return stages_before(word_start + i + "from=".len());
    }
    // Only the image word of a FROM: not another instruction, a flag, or the keyword itself.
    if keyword != "FROM" || word.starts_with("--") || word_start == line_start {
        return Vec::new();
    }
    let args_before = prefix[..word_start - line_start]
        .split_whitespace()
        .skip(1)
        .filter(|t| !t.starts_with("--"))
        .count();
    if args_before > 0 {
        return Vec::new();
    }
    match word.split_once(':') {
        Some((image, _)) => {
            let name = image
                .trim_start_matches("docker.io/")
                .trim_start_matches("library/");
            let tag_start = word_start + image.len() + 1;
            let mut rows = table.tags(name);
            rows.sort_by_key(|r| (version_rank(r.tag), r.compressed));
            rows.iter()
                .enumerate()
                .map(|(i, r)| Item {
                    label: r.tag.to_string(),
                    detail: format!(
                        "{} download · {} on disk{} · {}",
                        bytes(r.compressed),
                        match r.on_disk() {
                            base_images::OnDisk::Recorded { bytes: b, .. } =>
                                format!("≈ {}", bytes(b)),
                            base_images::OnDisk::Estimated { typical, .. } =>
                                format!("~ {} (est.)", bytes(typical)),
                        },
                        r.distro.map(|d| format!(" · {d}")).unwrap_or_default(),
                        r.date
                    ),
                    sort: format!("{i:04}"),
                    replace: tag_start..offset,
                    kind: ItemKind::Tag,
                })
                .collect()
        }
        None => {
            let mut items = stages_before(word_start);
            items.extend(table.images().into_iter().map(|image| {
                let smallest = table.tags(image).into_iter().map(|r| r.compressed).min();
                Item {
                    label: image.to_string(),
                    detail: smallest.map_or(String::new(), |b| {
                        format!("official image · smallest tag {} download", bytes(b))
                    }),
                    sort: format!("1{image}"),
                    replace: word_start..offset,
                    kind: ItemKind::Image,
                }
            }));
            items
        }
    }
}

/// Newer versions first (`latest`, then by version number descending), then variants.
fn version_rank(tag: &str) -> (bool, std::cmp::Reverse<Vec<u64>>) {
    let version = base_images::version(tag);
    let numbers = version
        .split('.')
        .map(|p| p.parse::<u64>().unwrap_or(0))
        .collect();
    (version != "latest", std::cmp::Reverse(numbers))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str) -> Vec<Item> {
        let tree = dockerlean_core::syntax::parse(text);
        let model = Model::build(text, &tree);
        complete(&model, base_images::table(), text.len())
    }

    #[test]
    fn images_and_stages_after_from() {
        let got = items("FROM alpine AS build\nFROM ");
        assert_eq!(got[0].label, "build");
        assert!(got
            .iter()
            .any(|i| i.label == "python" && i.kind == ItemKind::Image));
        assert!(items("FROM python:3.12 AS b\nRUN x\n").is_empty());
        assert!(items("FROM python:3.12 ").is_empty());
    }

    #[test]
    fn tags_smaller_first_within_a_version() {
        let got = items("FROM python:3.1");
        let labels: Vec<&str> = got.iter().map(|i| i.label.as_str()).collect();
        let pos = |t: &str| labels.iter().position(|l| *l == t).unwrap();
        assert!(pos("3.12-alpine") < pos("3.12-slim"));
        assert!(pos("3.12-slim") < pos("3.12"));
        assert!(pos("3.14") < pos("3.12-alpine"), "newer versions first");
        assert!(got[pos("3.12-slim")].detail.starts_with("43 MB download"));
        assert_eq!(got[0].replace.len(), "3.1".len());
    }

    #[test]
    fn stages_after_copy_from() {
        let got = items("FROM alpine AS deps\nFROM alpine\nCOPY --from=d");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].label, "deps");
        assert_eq!(got[0].replace.len(), 1);
    }
}
