//! What one build of a document's model keeps for the next, so that an edit re-reads only what
//! it changed. The spans are the chunks [`crate::SourceFile`] parses apart (stage-sized);
//! a span whose text is unchanged (wherever it moved) gets its instructions back, moved to
//! their new offsets, without segmenting, splitting words or reading scripts again. A span
//! that changed is read as usual, its RUN scripts still looked up by their text
//! ([`ScriptCache`]). The model is exactly what a fresh build gives: chunks start where the
//! builder's line rules start an instruction and nothing before reads into them, and a span
//! whose reading runs past its end all the same (an unterminated heredoc, say) is read
//! together with the next one and not kept.

use std::hash::{Hash, Hasher};
use std::ops::Range;

use rustc_hash::{FxHashMap, FxHasher};

use crate::model::instruction::{Instruction, Kind};
use crate::model::script_cache::ScriptCache;
use crate::syntax::segment::{segment_range, Segments};
use crate::syntax::{Chunk, Trees};

/// Spans are only cut in files that use the grammar's escape character (see
/// [`crate::syntax::segment::segment`]).
pub(crate) const ESCAPE: u8 = b'\\';

#[derive(Default)]
pub struct ModelCache {
    pub(crate) scripts: ScriptCache,
    /// The text of the last build, which kept spans point into.
    text: String,
    kept: FxHashMap<u64, Vec<Kept>>,
    /// The spans of the build in progress, in order, to keep once the model is done with.
    building: Vec<Built>,
    spans_read: usize,
    /// How many instructions the last build had.
    instructions: usize,
}

/// A span's reading from the last build.
struct Kept {
    span: Range<usize>,
    instructions: Vec<Instruction>,
    comments: Vec<Range<usize>>,
    recovered: Vec<Range<usize>>,
}

/// A span of the build in progress and how many of each it contributed.
struct Built {
    span: Range<usize>,
    instructions: usize,
    comments: usize,
    recovered: usize,
    /// Its reading stayed inside it, so it can be kept.
    keep: bool,
}

/// A read or reused file, in order: what [`crate::model::Model`] is built from.
pub(crate) struct Read {
    pub segments: Segments,
    pub instructions: Vec<Instruction>,
}

impl ModelCache {
    /// Reads a file whose escape character is the backslash, reusing the kept spans.
    pub(crate) fn read(&mut self, text: &str, trees: &Trees) -> Read {
        self.building.clear();
        self.spans_read = 0;
        let mut read = Read {
            segments: Segments::default(),
            // Edits change the count little: growing would copy the instructions over and over.
            instructions: Vec::with_capacity(self.instructions + 64),
        };
        let mut covered = 0;
        for chunk in trees.chunks() {
            let span = chunk.range.clone();
            if covered > span.start {
                // The previous span's reading ran into this one: read on from there.
                let first = covered;
                covered = self.read_span(text, chunk, first..span.end.max(first), &mut read);
                // It did not start at its own start: not a reading of that span to keep.
                if let Some(last) = self.building.last_mut() {
                    last.keep = false;
                }
                continue;
            }
            if let Some(mut kept) = self.take(text, &span) {
                let (from, to) = (kept.span.start, span.start);
                self.building.push(Built {
                    span: span.clone(),
                    instructions: kept.instructions.len(),
                    comments: kept.comments.len(),
                    recovered: kept.recovered.len(),
                    keep: true,
                });
                // The spans before an edit stay where they were: nothing to move there.
                if from != to {
                    let moved = |r: &mut Range<usize>| *r = r.start - from + to..r.end - from + to;
                    kept.instructions
                        .iter_mut()
                        .for_each(|i| i.move_offsets(from, to));
                    kept.comments.iter_mut().for_each(moved);
                    kept.recovered.iter_mut().for_each(moved);
                }
                read.instructions.append(&mut kept.instructions);
                read.segments.comments.append(&mut kept.comments);
                read.segments.recovered.append(&mut kept.recovered);
                covered = span.end;
            } else {
                covered = self.read_span(text, chunk, span, &mut read);
            }
        }
        read
    }

    fn read_span(
        &mut self,
        text: &str,
        chunk: &Chunk,
        span: Range<usize>,
        read: &mut Read,
    ) -> usize {
        self.spans_read += 1;
        let mut segments = Segments::default();
        let covered = segment_range(text, chunk, span.clone(), &mut segments);
        self.building.push(Built {
            span: span.clone(),
            instructions: segments.lines.len(),
            comments: segments.comments.len(),
            recovered: segments.recovered.len(),
            keep: covered <= span.end,
        });
        for line in segments.lines {
            let mut instr = Instruction::parse(text, line, ESCAPE);
            if instr.kind == Kind::Run {
                instr.script = Some(self.scripts.script(text, &instr, ESCAPE));
            }
            read.instructions.push(instr);
        }
        read.segments.comments.extend(segments.comments);
        read.segments.recovered.extend(segments.recovered);
        covered
    }

    /// A kept span with this text, if any.
    fn take(&mut self, text: &str, span: &Range<usize>) -> Option<Kept> {
        let candidates = self.kept.get_mut(&hash(&text[span.clone()]))?;
        let i = candidates
            .iter()
            .position(|k| self.text.get(k.span.clone()) == Some(&text[span.clone()]))?;
        Some(candidates.swap_remove(i))
    }

    /// Ends a build: keeps the spans of the model just built (its instructions, comments and
    /// recovered regions, in the order [`ModelCache::read`] made them) for the next one.
    pub(crate) fn keep(
        &mut self,
        text: &str,
        mut instructions: Vec<Instruction>,
        mut comments: Vec<Range<usize>>,
        mut recovered: Vec<Range<usize>>,
    ) {
        self.kept.clear();
        self.instructions = instructions.len();
        for built in std::mem::take(&mut self.building).into_iter().rev() {
            let kept = Kept {
                span: built.span,
                instructions: tail(&mut instructions, built.instructions),
                comments: tail(&mut comments, built.comments),
                recovered: tail(&mut recovered, built.recovered),
            };
            if built.keep {
                self.kept
                    .entry(hash(&text[kept.span.clone()]))
                    .or_default()
                    .push(kept);
            }
        }
        self.text.clear();
        self.text.push_str(text);
        self.scripts.finish();
    }

    /// A build that read the whole file without spans (another escape character).
    pub(crate) fn forget(&mut self) {
        self.building.clear();
        self.spans_read = 1;
    }

    pub(crate) fn scripts_read(&self) -> usize {
        self.scripts.last_read()
    }

    /// How many spans the last build read; the others were reused.
    pub fn spans_read(&self) -> usize {
        self.spans_read
    }
}

fn hash(text: &str) -> u64 {
    let mut h = FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

/// The last `n` of `all`, split off in one copy: spans are kept from the back.
fn tail<T>(all: &mut Vec<T>, n: usize) -> Vec<T> {
    all.split_off(all.len() - n)
}
