//! Build stages: what each is built FROM, and which ones reach the final image.

use rustc_hash::FxHashMap;

use crate::model::instruction::{Instruction, Kind};
use crate::syntax::words::Word;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    Scratch,
    /// An earlier stage, by index.
    Stage(usize),
    /// An image reference, with global ARG defaults substituted.
    Image(String),
}

#[derive(Clone, Debug)]
pub struct Stage {
    pub index: usize,
    /// Lower-cased, as the builder compares stage names.
    pub name: Option<String>,
    /// Index of the FROM instruction.
    pub from: usize,
    /// Indices of the instructions after FROM, up to the next FROM.
    pub body: std::ops::Range<usize>,
    pub base: Base,
    /// The image word of the FROM line, as written.
    pub image: Option<Word>,
    /// The last stage, and every stage it is built from or copies / mounts from, transitively.
    pub reaches_final: bool,
    /// Whether this stage's layers are layers of the final image: the last stage and the stages
    /// it is built FROM. A stage that is only copied from contributes the copied files, not
    /// its caches.
    pub ships_layers: bool,
    /// Indices of its ENV and ARG instructions, in order: what sets variables for the
    /// instructions after them (looked up for every RUN, so not found by scanning the body).
    pub declarations: Vec<usize>,
    /// Indices of its WORKDIR instructions, in order (for the same reason).
    pub workdirs: Vec<usize>,
}

/// Where a stage is in the whole model while [`Stage::focus`] has it in a focused one.
pub(crate) struct Place {
    from: usize,
    body: std::ops::Range<usize>,
    /// Its ENV / ARG and WORKDIR indices, while the focused model has no body for them.
    dropped: Option<(Vec<usize>, Vec<usize>)>,
}

impl Stage {
    /// Renumbers the stage for a model where its FROM is instruction `from`, followed by its
    /// body if `with_body` (see [`crate::model::Model::with_focus`]); [`Stage::unfocus`] with
    /// what it returns puts it back.
    pub(crate) fn focus(&mut self, from: usize, with_body: bool) -> Place {
        let mut place = Place {
            from: self.from,
            body: self.body.clone(),
            dropped: None,
        };
        if with_body {
            self.shift(from);
        } else {
            let declarations = std::mem::take(&mut self.declarations);
            place.dropped = Some((declarations, std::mem::take(&mut self.workdirs)));
            self.from = from;
            self.body = from + 1..from + 1;
        }
        place
    }

    pub(crate) fn unfocus(&mut self, place: Place) {
        match place.dropped {
            Some((declarations, workdirs)) => {
                (self.declarations, self.workdirs) = (declarations, workdirs);
                self.from = place.from;
            }
            None => self.shift(place.from),
        }
        self.body = place.body;
    }

    /// Moves the stage's FROM to instruction `from`, its body and indices with it.
    fn shift(&mut self, from: usize) {
        let at = |i: &mut usize| *i = *i - self.from + from;
        self.declarations.iter_mut().for_each(at);
        self.workdirs.iter_mut().for_each(at);
        let body = self.body.start - self.from + from..self.body.end - self.from + from;
        (self.from, self.body) = (from, body);
    }
}

/// Substitutes `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME-default}` from `lookup`;
/// unknown names become empty, as in the builder.
pub fn expand(s: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(inner) = rest.strip_prefix('{') {
            let Some(close) = inner.find('}') else {
                out.push('$');
                continue;
            };
            let expr = &inner[..close];
            rest = &inner[close + 1..];
            let (name, default) = match expr.find([':', '-']) {
                Some(j) => (
                    &expr[..j],
                    Some(
                        expr[j..]
                            .trim_start_matches(':')
                            .trim_start_matches(['-', '+']),
                    ),
                ),
                None => (expr, None),
            };
            match (lookup(name), default) {
                (Some(v), _) if !v.is_empty() => out.push_str(&v),
                (_, Some(d)) => out.push_str(d),
                (v, None) => out.push_str(&v.unwrap_or_default()),
            }
        } else {
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if len == 0 {
                out.push('$');
                continue;
            }
            out.push_str(&lookup(&rest[..len]).unwrap_or_default());
            rest = &rest[len..];
        }
    }
    out.push_str(rest);
    out
}

/// Builds the stages from the instruction list and marks every instruction with its stage.
pub fn build_stages(instructions: &mut [Instruction]) -> Vec<Stage> {
    let mut global_args: Vec<(String, Option<String>)> = Vec::new();
    let froms = instructions.iter().filter(|i| i.kind == Kind::From).count();
    let mut stages: Vec<Stage> = Vec::with_capacity(froms);
    // The last stage of each name so far: `FROM <name>` reads the latest one before it.
    let mut by_name: FxHashMap<String, usize> = FxHashMap::default();
    for i in 0..instructions.len() {
        let instr = &instructions[i];
        match instr.kind {
            Kind::Arg if stages.is_empty() => {
                for w in &instr.args {
                    let (name, value) = match w.text.split_once('=') {
                        Some((n, v)) => (n.to_string(), Some(v.to_string())),
                        None => (w.text.clone(), None),
                    };
                    global_args.push((name, value));
                }
            }
            Kind::From => {
                let image = instr.args.first().cloned();
                let name = match instr.args.as_slice() {
                    [_, as_kw, name, ..] if as_kw.text.eq_ignore_ascii_case("as") => {
                        Some(name.text.to_ascii_lowercase())
                    }
                    _ => None,
                };
                let reference = image.as_ref().map(|w| {
                    expand(&w.text, |n| {
                        global_args
                            .iter()
                            .rev()
                            .find(|(k, _)| k == n)
                            .and_then(|(_, v)| v.clone())
                    })
                });
                let base = match reference {
                    None => Base::Image(String::new()),
                    Some(r) if r.eq_ignore_ascii_case("scratch") => Base::Scratch,
                    Some(r) => match by_name.get(&r.to_ascii_lowercase()) {
                        Some(&idx) => Base::Stage(idx),
                        None => Base::Image(r),
                    },
                };
                if let Some(prev) = stages.last_mut() {
                    prev.body.end = i;
                }
                if let Some(name) = &name {
                    by_name.insert(name.clone(), stages.len());
                }
                stages.push(Stage {
                    index: stages.len(),
                    name,
                    from: i,
                    body: i + 1..instructions.len(),
                    base,
                    image,
                    reaches_final: false,
                    ships_layers: false,
                    declarations: Vec::new(),
                    workdirs: Vec::new(),
                });
            }
            Kind::Env | Kind::Arg => {
                if let Some(stage) = stages.last_mut() {
                    stage.declarations.push(i);
                }
            }
            Kind::Workdir => {
                if let Some(stage) = stages.last_mut() {
                    stage.workdirs.push(i);
                }
            }
            _ => {}
        }
        instructions[i].stage = stages.len().checked_sub(1);
    }
    mark_reachable(&mut stages, instructions);
    stages
}

/// Resolves a `--from=` value (a stage name or index) to an earlier stage.
pub fn stage_ref(stages: &[Stage], before: usize, value: &str) -> Option<usize> {
    if let Ok(idx) = value.parse::<usize>() {
        return (idx < before).then_some(idx);
    }
    // Names are kept lower-cased.
    stages[..before.min(stages.len())].iter().rposition(|s| {
        s.name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(value))
    })
}

fn mark_reachable(stages: &mut [Stage], instructions: &[Instruction]) {
    let Some(last) = stages.len().checked_sub(1) else {
        return;
    };
    let mut layer = Some(last);
    while let Some(s) = layer {
        stages[s].ships_layers = true;
        layer = match stages[s].base {
            Base::Stage(b) => Some(b),
            _ => None,
        };
    }
    let mut todo = vec![last];
    while let Some(s) = todo.pop() {
        if std::mem::replace(&mut stages[s].reaches_final, true) {
            continue;
        }
        todo.extend(dependencies(stages, instructions, s));
    }
}

/// The earlier stages stage `s` reads: its base and the sources of its `--from=` copies and
/// `--mount=from=` mounts.
pub fn dependencies(stages: &[Stage], instructions: &[Instruction], s: usize) -> Vec<usize> {
    let mut deps: Vec<usize> = match stages[s].base {
        Base::Stage(b) => vec![b],
        _ => Vec::new(),
    };
    for instr in &instructions[stages[s].body.clone()] {
        let from_values = instr
            .flags_named("from")
            .filter(|_| matches!(instr.kind, Kind::Copy | Kind::Add))
            .filter_map(|f| f.value.as_deref())
            .chain(
                instr
                    .flags_named("mount")
                    .filter_map(|f| mount_from(f.value.as_deref()?)),
            );
        deps.extend(from_values.filter_map(|value| stage_ref(stages, s, value)));
    }
    deps
}

fn mount_from(spec: &str) -> Option<&str> {
    spec.split(',').find_map(|kv| kv.strip_prefix("from="))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_arg_defaults() {
        let env = |n: &str| (n == "PY").then(|| "3.12".to_string());
        assert_eq!(expand("python:${PY}-slim", env), "python:3.12-slim");
        assert_eq!(expand("python:$PY", env), "python:3.12");
        assert_eq!(expand("x:${NOPE:-1.0}", env), "x:1.0");
        assert_eq!(expand("cost $ 5", env), "cost $ 5");
    }
}
