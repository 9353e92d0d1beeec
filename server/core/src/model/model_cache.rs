//! What one build of a document's model keeps for the next, so that an edit re-reads only what
//! it changed. The spans are the chunks [`crate::SourceFile`] parses apart (stage-sized);
//! a span whose text is unchanged (wherever it moved) gets its instructions back, moved to
//! their new offsets, without segmenting, splitting words or reading scripts again. A span
//! that changed is segmented again, but each of its instructions whose text did not change is
//! taken from the instructions it replaces (see [`Between::take_instruction`]): only the
//! edited ones are parsed and their scripts read. The model is exactly what a fresh build gives: chunks start where the
//! builder's line rules start an instruction and nothing before reads into them, and a span
//! whose reading runs past its end all the same (an unterminated heredoc, say) is read
//! together with the next one and not kept.

use std::hash::{Hash, Hasher};
use std::iter::Sum;
use std::ops::{Add, Range};
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHasher};

use crate::model::instruction::{Instruction, Kind};
use crate::model::script_cache::ScriptCache;
use crate::model::shell::{self, Script};
use crate::model::stage::Stage;
use crate::syntax::segment::{segment_range, Segments};
use crate::syntax::statements::Statement;
use crate::syntax::{Chunk, ParseId, Trees};

/// Spans are only cut in files that use the grammar's escape character (see
/// [`crate::syntax::segment::segment`]).
pub(crate) const ESCAPE: u8 = b'\\';

#[derive(Default)]
pub struct ModelCache {
    pub(crate) scripts: ScriptCache,
    /// The text of the last build, which `last` reads: the builder's own, shared rather than
    /// copied.
    text: Arc<String>,
    /// The last build's model, given back. The next build edits it in place: copying the
    /// instructions of a large file into a new vector would double them at every edit.
    last: Last,
    /// The spans of the build in progress, in order.
    building: Vec<Span>,
    /// The text and parse the build in progress reads by spans.
    building_from: Option<(Arc<String>, ParseId)>,
    spans_read: usize,
    /// The last build was the one before it, given back whole ([`ModelCache::again`]).
    given_back: bool,
    /// How many instructions the spans read parsed; the others were taken from the last build.
    instructions_parsed: usize,
    /// How many RUN scripts the last build read with bash; `None` when it did not read by
    /// spans (then `scripts` did).
    scripts_read: Option<usize>,
}

#[derive(Default)]
struct Last {
    spans: Vec<Span>,
    parts: Parts,
    /// The stages built on `parts`, given back with them for a build of the same parse.
    stages: Vec<Stage>,
    /// The parse it was read from; `None` when it was not read by spans.
    parse: Option<ParseId>,
}

/// A model's instructions, comments and recovered regions, in file order.
#[derive(Default)]
struct Parts {
    instructions: Vec<Instruction>,
    comments: Vec<Range<usize>>,
    recovered: Vec<Range<usize>>,
}

/// A span of a build and how much of [`Parts`] it read.
#[derive(Clone)]
struct Span {
    range: Range<usize>,
    /// The statements of its chunk's parse. [`crate::SourceFile`] parses a chunk again, into
    /// new statements, whenever its text changes: a chunk with the very same statements has the
    /// same text, which is then not read to compare.
    parse: Arc<[Statement]>,
    counts: Counts,
    /// Its reading stayed inside it, so the next build can reuse it.
    keep: bool,
}

#[derive(Clone, Copy, Default, Debug, PartialEq)]
struct Counts {
    instructions: usize,
    comments: usize,
    recovered: usize,
}

/// A span of the last build that moved, taken out of [`Parts`] until it finds its new place.
struct Moved {
    range: Range<usize>,
    parts: Parts,
    /// None of its instructions was taken by a span read again: it can be placed whole.
    whole: bool,
}

/// The last build's spans between the unchanged start and end, for this build to place.
#[derive(Default)]
struct Between {
    /// Emptied as they are placed.
    slots: Vec<Option<Moved>>,
    /// The slots by the hash of their text.
    by_text: FxHashMap<u64, Vec<usize>>,
    /// The instructions in the slots (slot, index) by the hash of their key
    /// ([`Instruction::key`]), less those taken; made when a span is first read again.
    instructions: Option<FxHashMap<u64, Vec<(usize, usize)>>>,
}

/// Where the script of a RUN a build parses comes from before bash: a RUN of the same text read
/// earlier in this build. (An unchanged RUN of a span read again comes with its script from
/// [`Between`].) Nothing is copied to be kept: the model is what the next build looks in.
#[derive(Default)]
struct Scripts {
    /// This build's RUN instructions by the hash of their key ([`Instruction::key`]).
    read: FxHashMap<u64, Vec<usize>>,
    /// Read with bash.
    bash: usize,
}

/// A read or reused file, in order: what [`crate::model::Model`] is built from.
pub(crate) struct Read {
    pub segments: Segments,
    pub instructions: Vec<Instruction>,
}

impl ModelCache {
    /// Reads a file whose escape character is the backslash. The spans at the start and at the
    /// end whose text did not change stay where they are in the last build's model (the ones at
    /// the end get their new offsets); the spans between are reused by their text wherever
    /// they moved, or read, and put in place of the old ones.
    pub(crate) fn read(&mut self, text: &Arc<String>, trees: &Trees) -> Read {
        self.spans_read = 0;
        self.instructions_parsed = 0;
        self.given_back = false;
        self.building_from = Some((text.clone(), trees.parse));
        let text = text.as_str();
        let Last {
            spans: mut old,
            parts: mut whole,
            ..
        } = std::mem::take(&mut self.last);
        let chunks = trees.chunks();
        let reusable = |span: &Span, chunk: &Chunk| {
            span.keep
                && (same_parse(&span.parse, &chunk.statements)
                    || self.text.get(span.range.clone()) == text.get(chunk.range.clone()))
        };
        let prefix = old
            .iter()
            .zip(chunks)
            .take_while(|(span, chunk)| span.range == chunk.range && reusable(span, chunk))
            .count();
        let suffix = old[prefix..]
            .iter()
            .rev()
            .zip(chunks[prefix..].iter().rev())
            .take_while(|(span, chunk)| reusable(span, chunk))
            .count();
        let at: Counts = old[..prefix].iter().map(|s| s.counts).sum();
        // The unchanged spans at the start stay in their vector, which this build goes on.
        let mut rest = old.split_off(prefix);
        self.building = old;
        let middle = &rest[..rest.len() - suffix];
        let middle_counts: Counts = middle.iter().map(|s| s.counts).sum();
        let mut between = self.between(&mut whole, at, middle_counts, middle);
        let mut scripts = Scripts::default();

        let mut read = Parts::default();
        // About one instruction per statement: the first build must not grow by doubling, as
        // its vector is the one later builds edit.
        let statements = chunks[prefix..chunks.len() - suffix].iter();
        read.instructions
            .reserve_exact(statements.map(|c| c.statements.len()).sum());
        let mut covered = prefix.checked_sub(1).map_or(0, |i| chunks[i].range.end);
        // The old spans at the end that turn out to be read after all.
        let mut dropped = Counts::default();
        let mut reused_from = chunks.len();
        for (i, chunk) in chunks.iter().enumerate().skip(prefix) {
            let span = chunk.range.clone();
            if let Some(old_end) = (i + suffix).checked_sub(chunks.len()) {
                if covered <= span.start {
                    reused_from = i;
                    break;
                }
                dropped = dropped + rest[rest.len() - suffix + old_end].counts;
            }
            if covered > span.start {
                // The previous span's reading ran into this one: read on from there.
                let first = covered;
                let range = first..span.end.max(first);
                covered = self.read_span(text, chunk, range, &mut read, &mut scripts, &mut between);
                // It did not start at its own start: not a reading of that span to keep.
                if let Some(last) = self.building.last_mut() {
                    last.keep = false;
                }
            } else if let Some(mut found) = between.take(&self.text, text, &span) {
                found.parts.move_offsets(found.range.start, span.start);
                self.building.push(Span {
                    range: span.clone(),
                    parse: chunk.statements.clone(),
                    counts: found.parts.counts(),
                    keep: true,
                });
                read.append(found.parts);
                covered = span.end;
            } else {
                covered = self.read_span(text, chunk, span, &mut read, &mut scripts, &mut between);
            }
        }
        self.scripts_read = Some(scripts.bash);
        let mut next = at + read.counts();
        whole.replace(at, middle_counts + dropped, read);
        let moved = rest.len() - (chunks.len() - reused_from);
        for (span, chunk) in rest.drain(moved..).zip(&chunks[reused_from..]) {
            whole.move_range(next, span.counts, span.range.start, chunk.range.start);
            next = next + span.counts;
            // Mostly the very same parse: then its reference count, in an allocation of its
            // own for each of the many spans after an edit, is not touched.
            let parse = if Arc::ptr_eq(&span.parse, &chunk.statements) {
                span.parse
            } else {
                chunk.statements.clone()
            };
            self.building.push(Span {
                range: chunk.range.clone(),
                parse,
                ..span
            });
        }
        Read {
            segments: Segments {
                lines: Vec::new(),
                comments: whole.comments,
                recovered: whole.recovered,
            },
            instructions: whole.instructions,
        }
    }

    /// The last build's model and stages whole, when `trees` is the very parse it read (the
    /// text is then the same too): nothing to compare or move. The editor asks about the
    /// version it just had analysed for every hover, code action, hint and lens, and building
    /// the stages alone took milliseconds on 20,000 lines.
    pub(crate) fn again(
        &mut self,
        text: &Arc<String>,
        trees: &Trees,
    ) -> Option<(Read, Vec<Stage>)> {
        if !self.last_read(trees) {
            return None;
        }
        debug_assert_eq!(self.text, *text);
        let Last {
            spans,
            parts,
            stages,
            ..
        } = std::mem::take(&mut self.last);
        self.building = spans;
        self.building_from = Some((text.clone(), trees.parse));
        (self.spans_read, self.instructions_parsed) = (0, 0);
        self.scripts_read = Some(0);
        self.given_back = true;
        let read = Read {
            segments: Segments {
                lines: Vec::new(),
                comments: parts.comments,
                recovered: parts.recovered,
            },
            instructions: parts.instructions,
        };
        Some((read, stages))
    }

    /// Takes the spans of the last build in `middle` (which starts at `at` and holds `all`) out
    /// of `whole`, for the spans of this build that moved or are read again. What they leave in
    /// `whole` are defaults, replaced in place by what this build reads there: the parts after
    /// them do not move (twice) for that.
    fn between(&self, whole: &mut Parts, at: Counts, all: Counts, middle: &[Span]) -> Between {
        let mut instructions = take_out(&mut whole.instructions, at.instructions, all.instructions);
        let mut comments = take_out(&mut whole.comments, at.comments, all.comments);
        let mut recovered = take_out(&mut whole.recovered, at.recovered, all.recovered);
        let mut between = Between::default();
        for span in middle {
            let parts = Parts {
                instructions: instructions
                    .by_ref()
                    .take(span.counts.instructions)
                    .collect(),
                comments: comments.by_ref().take(span.counts.comments).collect(),
                recovered: recovered.by_ref().take(span.counts.recovered).collect(),
            };
            if span.keep {
                between
                    .by_text
                    .entry(hash(&self.text[span.range.clone()]))
                    .or_default()
                    .push(between.slots.len());
            }
            between.slots.push(Some(Moved {
                range: span.range.clone(),
                parts,
                whole: true,
            }));
        }
        between
    }

    fn read_span(
        &mut self,
        text: &str,
        chunk: &Chunk,
        span: Range<usize>,
        read: &mut Parts,
        scripts: &mut Scripts,
        between: &mut Between,
    ) -> usize {
        self.spans_read += 1;
        let mut segments = Segments::default();
        let covered = segment_range(text, chunk, span.clone(), &mut segments);
        self.building.push(Span {
            range: span.clone(),
            parse: chunk.statements.clone(),
            counts: Counts {
                instructions: segments.lines.len(),
                comments: segments.comments.len(),
                recovered: segments.recovered.len(),
            },
            keep: covered <= span.end,
        });
        for line in segments.lines {
            let (start, key) = Instruction::key(text, &line);
            let hashed = hash(key);
            let instr = between
                .take_instruction(&self.text, hashed, key, start)
                .unwrap_or_else(|| {
                    self.instructions_parsed += 1;
                    let mut instr = Instruction::parse(text, line, ESCAPE);
                    if instr.kind == Kind::Run {
                        let script = scripts.script(text, (hashed, key, start), &instr, read);
                        instr.script = Some(script);
                    }
                    instr
                });
            if instr.script.is_some() {
                let at = read.instructions.len();
                scripts.read.entry(hashed).or_default().push(at);
            }
            read.instructions.push(instr);
        }
        read.comments.extend(segments.comments);
        read.recovered.extend(segments.recovered);
        covered
    }

    /// Ends a build: keeps the model just built (its instructions, comments and recovered
    /// regions, as [`ModelCache::read`] gave them) for the next one to edit.
    pub(crate) fn keep(
        &mut self,
        instructions: Vec<Instruction>,
        stages: Vec<Stage>,
        comments: Vec<Range<usize>>,
        recovered: Vec<Range<usize>>,
    ) {
        let spans = std::mem::take(&mut self.building);
        let from = self.building_from.take();
        // A build without spans (see `forget`) has nothing the next one can place.
        self.last = match from {
            Some((text, parse)) if !spans.is_empty() => {
                let parts = Parts {
                    instructions,
                    comments,
                    recovered,
                };
                debug_assert_eq!(parts.counts(), spans.iter().map(|s| s.counts).sum());
                self.text = text;
                Last {
                    spans,
                    parts,
                    stages,
                    parse: Some(parse),
                }
            }
            _ => {
                self.text = Arc::default();
                Last::default()
            }
        };
        self.scripts.finish();
    }

    /// A build that read the whole file without spans (another escape character), with
    /// [`ModelCache::scripts`]: it parsed all its `instructions`.
    pub(crate) fn forget(&mut self, instructions: usize) {
        self.building.clear();
        self.building_from = None;
        self.given_back = false;
        self.spans_read = 1;
        self.instructions_parsed = instructions;
        self.scripts_read = None;
    }

    pub(crate) fn scripts_read(&self) -> usize {
        self.scripts_read
            .unwrap_or_else(|| self.scripts.last_read())
    }

    /// How many spans the last build read; the others were reused.
    pub fn spans_read(&self) -> usize {
        self.spans_read
    }

    /// The text of the last build, when `trees` is the parse it read: a build of the same
    /// version again needs no copy of the text.
    pub(crate) fn text_of(&self, trees: &Trees) -> Option<Arc<String>> {
        self.last_read(trees).then(|| self.text.clone())
    }

    /// Whether `trees` is the very parse the last build read by spans.
    fn last_read(&self, trees: &Trees) -> bool {
        self.last.parse == Some(trees.parse)
    }

    /// Whether the last build was the build before it, given back whole.
    pub fn given_back(&self) -> bool {
        self.given_back
    }

    /// How many instructions of the spans it read the last build parsed; the others were
    /// taken from the build before.
    pub fn instructions_parsed(&self) -> usize {
        self.instructions_parsed
    }
}

impl Between {
    /// A span of the last build with this text, if any.
    fn take(&mut self, old_text: &str, text: &str, span: &Range<usize>) -> Option<Moved> {
        let slots = self.by_text.get(&hash(&text[span.clone()]))?;
        slots.iter().find_map(|&slot| {
            let same = self.slots[slot].as_ref().is_some_and(|m| {
                m.whole && old_text.get(m.range.clone()) == Some(&text[span.clone()])
            });
            same.then(|| self.slots[slot].take()).flatten()
        })
    }

    /// An instruction of the last build's spans whose key ([`Instruction::key`]) is `key`
    /// (`hashed` its hash), moved to `start`, where `key` now starts.
    fn take_instruction(
        &mut self,
        old_text: &str,
        hashed: u64,
        key: &str,
        start: usize,
    ) -> Option<Instruction> {
        let slots = &mut self.slots;
        let index = self
            .instructions
            .get_or_insert_with(|| index_instructions(old_text, slots));
        let candidates = index.get_mut(&hashed)?;
        let found = candidates.iter().position(|&(slot, i)| {
            slots[slot]
                .as_ref()
                .is_some_and(|m| Instruction::key(old_text, &m.parts.instructions[i].line).1 == key)
        })?;
        let (slot, i) = candidates.swap_remove(found);
        let moved = slots[slot].as_mut()?;
        moved.whole = false;
        let mut instr = std::mem::take(&mut moved.parts.instructions[i]);
        let (from, _) = Instruction::key(old_text, &instr.line);
        instr.move_offsets(from, start);
        Some(instr)
    }
}

impl Scripts {
    /// The script of `instr`, a RUN this build parsed, whose key ([`Instruction::key`]) is
    /// `key`, starting at `start` (`hashed` its hash): that of an identical RUN read earlier in
    /// this build, or read now.
    fn script(
        &mut self,
        text: &str,
        (hashed, key, start): (u64, &str, usize),
        instr: &Instruction,
        read: &Parts,
    ) -> Script {
        let earlier = self.read.get(&hashed).into_iter().flatten();
        let found = earlier.map(|&i| &read.instructions[i]).find_map(|other| {
            let (from, other_key) = Instruction::key(text, &other.line);
            let script = other.script.as_ref()?;
            (other_key == key).then(|| script.clone().moved(from, start))
        });
        found.unwrap_or_else(|| {
            self.bash += 1;
            shell::run_script(text, instr)
        })
    }
}

/// The instructions of `slots` by the hash of their key.
fn index_instructions(
    old_text: &str,
    slots: &[Option<Moved>],
) -> FxHashMap<u64, Vec<(usize, usize)>> {
    let mut index: FxHashMap<u64, Vec<(usize, usize)>> = FxHashMap::default();
    for (slot, moved) in slots.iter().enumerate() {
        let Some(moved) = moved else { continue };
        for (i, instr) in moved.parts.instructions.iter().enumerate() {
            let (_, key) = Instruction::key(old_text, &instr.line);
            index.entry(hash(key)).or_default().push((slot, i));
        }
    }
    index
}

impl Parts {
    fn counts(&self) -> Counts {
        Counts {
            instructions: self.instructions.len(),
            comments: self.comments.len(),
            recovered: self.recovered.len(),
        }
    }

    fn append(&mut self, mut other: Parts) {
        self.instructions.append(&mut other.instructions);
        self.comments.append(&mut other.comments);
        self.recovered.append(&mut other.recovered);
    }

    /// Puts `with` in place of the `len` of each part at `at`.
    fn replace(&mut self, at: Counts, len: Counts, with: Parts) {
        splice(
            &mut self.instructions,
            at.instructions,
            len.instructions,
            with.instructions,
        );
        splice(&mut self.comments, at.comments, len.comments, with.comments);
        splice(
            &mut self.recovered,
            at.recovered,
            len.recovered,
            with.recovered,
        );
    }

    fn move_offsets(&mut self, from: usize, to: usize) {
        self.move_range(Counts::default(), self.counts(), from, to);
    }

    /// Moves the `len` of each part at `at`, whose text moved from `from` to `to`.
    fn move_range(&mut self, at: Counts, len: Counts, from: usize, to: usize) {
        if from == to {
            return;
        }
        let moved = |r: &mut Range<usize>| *r = r.start - from + to..r.end - from + to;
        self.instructions[at.instructions..at.instructions + len.instructions]
            .iter_mut()
            .for_each(|i| i.move_offsets(from, to));
        self.comments[at.comments..at.comments + len.comments]
            .iter_mut()
            .for_each(moved);
        self.recovered[at.recovered..at.recovered + len.recovered]
            .iter_mut()
            .for_each(moved);
    }
}

/// The `len` elements of `all` at `at`, taken out one by one as the iterator is read.
fn take_out<T: Default>(all: &mut [T], at: usize, len: usize) -> impl Iterator<Item = T> + '_ {
    all[at..at + len].iter_mut().map(std::mem::take)
}

/// Whether two chunks' statements are the same parse (see [`Span::parse`]). An empty parse
/// is not compared by address.
fn same_parse(a: &Arc<[Statement]>, b: &Arc<[Statement]>) -> bool {
    !a.is_empty() && Arc::ptr_eq(a, b)
}

/// Puts `with` in place of `all[at..at + len]`, growing `all` by what it needs and a little
/// room: a splice that grows by itself doubles the vector.
fn splice<T>(all: &mut Vec<T>, at: usize, len: usize, with: Vec<T>) {
    if all.is_empty() {
        *all = with;
        return;
    }
    let grows = with.len().saturating_sub(len);
    if all.capacity() - all.len() < grows {
        all.reserve_exact(grows + 64);
    }
    all.splice(at..at + len, with);
}

impl Add for Counts {
    type Output = Counts;

    fn add(self, other: Counts) -> Counts {
        Counts {
            instructions: self.instructions + other.instructions,
            comments: self.comments + other.comments,
            recovered: self.recovered + other.recovered,
        }
    }
}

impl Sum for Counts {
    fn sum<I: Iterator<Item = Counts>>(iter: I) -> Counts {
        iter.fold(Counts::default(), Add::add)
    }
}

fn hash(text: &str) -> u64 {
    let mut h = FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;
    use crate::SourceFile;

    /// Builds the model of `file` with `cache` and gives it back: the instructions' ranges and
    /// the address of their vector.
    fn build(file: &SourceFile, cache: &mut ModelCache) -> (Vec<Range<usize>>, *const Instruction) {
        let text = Arc::new(file.text());
        let model = Model::build_cached(&text, file.trees(), cache);
        let out = (
            model.instructions.iter().map(|i| i.range()).collect(),
            model.instructions.as_ptr(),
        );
        model.keep(cache);
        out
    }

    fn fresh(file: &SourceFile) -> Vec<Range<usize>> {
        let text = Arc::new(file.text());
        let model = Model::build(&text, file.trees());
        model.instructions.iter().map(|i| i.range()).collect()
    }

    const THREE: &str = "FROM a AS one\nRUN make\n# built\nFROM b AS two\nRUN echo two\nFROM c\nCOPY --from=one / /\n";

    #[test]
    fn an_edit_in_the_middle_edits_the_last_model_in_place() {
        let mut file = SourceFile::new(THREE);
        let mut cache = ModelCache::default();
        let (_, before) = build(&file, &mut cache);
        let at = THREE.find("two\n").unwrap();
        file.edit(at..at, "t");
        let (ranges, after) = build(&file, &mut cache);
        assert_eq!(cache.spans_read(), 1);
        assert_eq!(ranges, fresh(&file));
        assert_eq!(
            before, after,
            "the instructions were copied to a new vector"
        );
    }

    #[test]
    fn the_same_parse_again_gets_the_last_model_back_whole() {
        let mut file = SourceFile::new(THREE);
        let mut cache = ModelCache::default();
        build(&file, &mut cache);
        assert!(!cache.given_back());
        // A snapshot of the same version, as the editor's requests read it.
        let (text, trees) = (Arc::new(file.text()), file.trees().clone());
        let model = Model::build_cached(&text, &trees, &mut cache);
        assert!(cache.given_back());
        assert_eq!(model.stages.len(), 3);
        model.keep(&mut cache);
        same_as_fresh(&file, &mut cache);
        assert!(cache.given_back());
        // The spans went back too: an edit reads only its own.
        insert_and_build(&mut file, &mut cache, "two\n", "t");
        assert!(!cache.given_back());
        assert_eq!(cache.spans_read(), 1);
        // The same text parsed anew is another parse: compared span by span.
        let reparsed = SourceFile::new(&file.text());
        build(&reparsed, &mut cache);
        assert_eq!((cache.given_back(), cache.spans_read()), (false, 0));
    }

    #[test]
    fn stages_that_swapped_places_are_reused_by_their_text() {
        let mut cache = ModelCache::default();
        build(&SourceFile::new(THREE), &mut cache);
        let (one, two) = (THREE.find("FROM b").unwrap(), THREE.find("FROM c").unwrap());
        let swapped = [&THREE[one..two], &THREE[..one], &THREE[two..]].concat();
        // Cut afresh: an edit over two chunks would merge them.
        let file = SourceFile::new(&swapped);
        let (ranges, _) = build(&file, &mut cache);
        assert_eq!(cache.spans_read(), 0);
        assert_eq!(ranges, fresh(&file));
    }

    fn same_as_fresh(file: &SourceFile, cache: &mut ModelCache) {
        let text = Arc::new(file.text());
        let model = Model::build_cached(&text, file.trees(), cache);
        let cached = format!("{:?}\n{:?}", model.instructions, model.stages);
        model.keep(cache);
        let fresh = Model::build(&text, file.trees());
        assert_eq!(
            cached,
            format!("{:?}\n{:?}", fresh.instructions, fresh.stages)
        );
    }

    /// Inserts `insert` before `before` in `file` and builds the model again with `cache`,
    /// which must give what a fresh build gives.
    fn insert_and_build(file: &mut SourceFile, cache: &mut ModelCache, before: &str, insert: &str) {
        let at = file.text().find(before).unwrap();
        file.edit(at..at, insert);
        same_as_fresh(file, cache);
    }

    #[test]
    fn a_span_read_again_parses_only_the_instructions_whose_text_changed() {
        let text = "FROM a AS one\nRUN make\nFROM b AS two\nENV A=1\n  RUN echo two \\\n    && ls\nCOPY . .\nRUN make\nFROM c\n";
        let mut file = SourceFile::new(text);
        let mut cache = ModelCache::default();
        build(&file, &mut cache);
        insert_and_build(&mut file, &mut cache, "&& ls", "x");
        assert_eq!(cache.spans_read(), 1);
        assert_eq!((cache.instructions_parsed(), cache.scripts_read()), (1, 1));
        // Two new lines that repeat another: both parsed, the second's script copied from the
        // first's (the other is in a chunk not read again).
        insert_and_build(&mut file, &mut cache, "COPY", "RUN make\nRUN make\n");
        assert_eq!((cache.instructions_parsed(), cache.scripts_read()), (2, 1));
    }

    #[test]
    fn a_file_with_another_escape_character_is_parsed_whole() {
        let mut file = SourceFile::new("# escape=`\nFROM a\nRUN one\nFROM b\nRUN two\n");
        let mut cache = ModelCache::default();
        build(&file, &mut cache);
        insert_and_build(&mut file, &mut cache, "two", "x");
        assert_eq!((cache.spans_read(), cache.instructions_parsed()), (1, 4));
    }

    #[test]
    fn a_span_that_lent_an_instruction_to_another_is_read_again_not_placed_whole() {
        let text = "FROM a\nRUN one\nRUN two\nRUN echo two\nCOPY / /\n";
        let mut file = SourceFile::new(text);
        let mut cache = ModelCache::default();
        build(&file, &mut cache);
        // An edit over two chunks makes them one, now starting with `RUN echo two`: read, it
        // takes the last build's `RUN echo two`. The next chunk has that RUN's text alone,
        // unchanged but lent, so it is read again, and so is the last, changed too.
        let at = text.find("one").unwrap();
        file.edit(at..at + "one\nRUN".len(), "echo two\nRUN");
        let at = file.text().find("/ /").unwrap();
        file.edit(at..at + 3, "/a /a");
        same_as_fresh(&file, &mut cache);
        assert_eq!(cache.spans_read(), 3);
    }

    #[test]
    fn an_edit_that_runs_a_span_into_the_last_one_reads_that_one_again() {
        let mut file = SourceFile::new(THREE);
        let mut cache = ModelCache::default();
        build(&file, &mut cache);
        // A continuation at the end of the middle stage takes in the last stage's FROM line.
        let at = THREE.find("RUN echo two").unwrap() + "RUN echo two".len();
        file.edit(at..at, " \\");
        let (ranges, _) = build(&file, &mut cache);
        assert_eq!(ranges, fresh(&file));
        file.edit(at..at + 2, "");
        let (ranges, _) = build(&file, &mut cache);
        assert_eq!(ranges, fresh(&file));
    }
}
