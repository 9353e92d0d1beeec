//! What the analysis reports: findings with byte ranges into the source, and the fixes for them.

use std::ops::Range;

use crate::rules::RuleMeta;

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "hint" | "style" => Some(Severity::Hint),
            "info" | "information" | "note" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A replacement of `range` (bytes of the source) by `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

impl Edit {
    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit {
            range: at..at,
            text: text.into(),
        }
    }

    pub fn replace(range: Range<usize>, text: impl Into<String>) -> Edit {
        Edit {
            range,
            text: text.into(),
        }
    }
}

/// A self-contained change that resolves one finding. Edits never overlap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
    /// Files the fix creates beside the Dockerfile (e.g. a `.dockerignore`).
    pub files: Vec<NewFile>,
    pub applicability: Applicability,
}

/// Whether a fix may be applied without a person looking at it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicability {
    /// Keeps what the image does; `dockerlean fix` and fix-all apply it.
    Safe,
    /// Changes what goes into the image (e.g. another base image): offered as a quick fix,
    /// never applied in bulk.
    Review,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            edits,
            files: Vec::new(),
            applicability: Applicability::Safe,
        }
    }

    pub fn review(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Review,
            ..Fix::safe(title, edits)
        }
    }

    /// Also creates `files` beside the Dockerfile.
    pub fn creating(mut self, files: Vec<NewFile>) -> Fix {
        self.files = files;
        self
    }

    pub fn is_safe(&self) -> bool {
        self.applicability == Applicability::Safe
    }
}

/// A file to create, at a path relative to the Dockerfile's folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFile {
    pub path: String,
    pub text: String,
}

/// Another place in the same file that explains a finding (e.g. the layer that added what a
/// later layer deletes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub range: Range<usize>,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub range: Range<usize>,
    pub message: String,
    pub fix: Option<Fix>,
    pub related: Vec<Related>,
}

impl Finding {
    pub fn code(&self) -> &'static str {
        self.rule.code
    }

    /// Moves every offset the finding holds (its range, its fix's edits, its related ranges)
    /// through `to`; false, with the finding partly moved, when `to` has no place for one.
    pub(crate) fn move_offsets(&mut self, to: impl Fn(usize) -> Option<usize>) -> bool {
        let range = |r: &mut Range<usize>| match (to(r.start), to(r.end)) {
            (Some(start), Some(end)) => {
                *r = start..end;
                true
            }
            _ => false,
        };
        range(&mut self.range)
            && self
                .fix
                .iter_mut()
                .flat_map(|f| &mut f.edits)
                .all(|e| range(&mut e.range))
            && self.related.iter_mut().all(|r| range(&mut r.range))
    }
}

/// Applies non-overlapping edits to `text`; later edits in the list may come in any order.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out =
        String::with_capacity(text.len() + edits.iter().map(|e| e.text.len()).sum::<usize>());
    let mut pos = 0;
    for e in sorted {
        let start = e.range.start.clamp(pos, text.len());
        out.push_str(&text[pos..start]);
        out.push_str(&e.text);
        pos = e.range.end.clamp(start, text.len());
    }
    out.push_str(&text[pos..]);
    out
}
