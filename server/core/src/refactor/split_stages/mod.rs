//! "Split into stages": turns a single-stage Dockerfile that builds something into a builder
//! stage (the original base, the toolchain and the build) and a runtime stage on a smaller base
//! that copies only what the build produced. Each language says what the runtime needs in its
//! own module; this one routes the instructions and writes the result.
//!
//! Routing: the build steps (package installs, compilers, the language's build tool) and the
//! instructions before the last of them go to the builder; ENV, ARG and WORKDIR also go to the
//! runtime stage, and so do USER, EXPOSE, CMD, ENTRYPOINT and the other image settings, and the
//! commands after the last build step. Files copied in before the last build step go to the
//! runtime stage only for languages whose sources are the program.

mod generic;
mod go;
mod java;
mod node;
mod python;
mod rust;

use crate::finding::{Edit, Fix};
use crate::model::{Command, Instruction, Kind, Model};
use crate::syntax::logical::comment_block_above;

/// The stage the result's runtime stage copies from.
pub const BUILDER: &str = "builder";

/// What a language adds to the split.
struct Recipe {
    runtime_base: String,
    /// Instructions right after the builder's FROM.
    builder_setup: Vec<String>,
    /// Instructions at the end of the builder.
    builder_finish: Vec<String>,
    /// Instructions right after the runtime's FROM (the `COPY --from=builder` lines).
    runtime_setup: Vec<String>,
    /// Whether the runtime stage copies the build context as the original did (interpreted
    /// languages whose sources are the program), rather than only the builder's outputs.
    keep_sources: bool,
}

/// What the languages read: the file, its one stage, and where its build steps are.
struct Context<'m> {
    model: &'m Model<'m>,
    /// The FROM image as written (global ARG references kept).
    image: String,
    /// Indices of the RUN instructions that build, install or compile.
    build_runs: Vec<usize>,
}

/// Programs whose RUNs belong to the builder: package managers, build tools and compilers.
const BUILD_PROGRAMS: &[&str] = &[
    "apt-get", "apt", "apk", "yum", "dnf", "microdnf", "pip", "pip3", "poetry", "pipenv", "uv",
    "npm", "yarn", "pnpm", "go", "cargo", "rustup", "mvn", "mvnw", "gradle", "gradlew", "make",
    "cmake", "ninja", "gcc", "g++", "cc", "c++", "clang", "clang++",
];

impl<'m> Context<'m> {
    /// The context of a single-stage file, or None when it has several stages or none.
    fn new(model: &'m Model<'m>) -> Option<Context<'m>> {
        let [stage] = &model.stages[..] else {
            return None;
        };
        let image = stage.image.as_ref()?.text.clone();
        let build_runs = stage
            .body
            .clone()
            .filter(|&i| self::commands(&model.instructions[i]).any(is_build_command))
            .collect();
        Some(Context {
            model,
            image,
            build_runs,
        })
    }

    fn body(&self) -> impl Iterator<Item = (usize, &'m Instruction)> + '_ {
        let body = self.model.stages[0].body.clone();
        body.map(|i| (i, &self.model.instructions[i]))
    }

    /// Every command of every RUN, with the index of its instruction.
    fn commands(&self) -> impl Iterator<Item = (usize, &'m Command)> + '_ {
        self.body()
            .flat_map(|(i, instr)| self::commands(instr).map(move |c| (i, c)))
    }

    /// `(repository, tag)` of the base image: `python:3.12-slim` → `("python", "3.12-slim")`.
    fn repo_tag(&self) -> (&str, &str) {
        let image = self.image.split('@').next().unwrap_or(&self.image);
        let (repo, tag) = match image.rsplit_once(':') {
            Some((repo, tag)) if !tag.contains('/') => (repo, tag),
            _ => (image, "latest"),
        };
        (repo.rsplit('/').next().unwrap_or(repo), tag)
    }

    /// The working directory at instruction `at`, from the WORKDIRs before it.
    fn workdir_at(&self, at: usize) -> String {
        let mut dir = String::from("/");
        for (_, instr) in self.body().take_while(|(i, _)| *i < at) {
            if instr.kind == Kind::Workdir {
                if let Some(w) = instr.args.first() {
                    dir = join(&dir, &w.text);
                }
            }
        }
        dir
    }

    fn last_build_run(&self) -> Option<usize> {
        self.build_runs.last().copied()
    }

    /// Whether some RUN comes after the last build step (and so runs in the runtime stage).
    fn has_runtime_runs(&self) -> bool {
        let last = self.last_build_run();
        self.body()
            .any(|(i, instr)| instr.kind == Kind::Run && Some(i) > last)
    }

    /// The instruction of `kind` whose words run the program (CMD / ENTRYPOINT).
    fn instruction(&self, kind: Kind) -> Option<&'m Instruction> {
        self.body()
            .filter(|(_, instr)| instr.kind == kind)
            .map(|(_, instr)| instr)
            .last()
    }
}

fn commands(instr: &Instruction) -> impl Iterator<Item = &Command> {
    instr.script.iter().flat_map(|s| s.commands.iter())
}

fn is_build_command(cmd: &Command) -> bool {
    let program = cmd.program();
    BUILD_PROGRAMS.contains(&program)
        || (program.starts_with("python") && is_python_module(cmd, &["pip", "venv"]))
}

fn is_python_module(cmd: &Command, modules: &[&str]) -> bool {
    let args = cmd.args();
    args.iter()
        .position(|w| w.text == "-m")
        .and_then(|i| args.get(i + 1))
        .is_some_and(|m| modules.contains(&m.text.as_str()))
}

/// `path` resolved against `dir` (an absolute path stays as it is).
fn join(dir: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("{}/{}", dir.trim_end_matches('/'), path)
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The value of option `name` (`-o out`, `-o=out`, `--bin name`, `--bin=name`) in `cmd`.
fn option_value<'c>(cmd: &'c Command, name: &str) -> Option<&'c str> {
    let args = cmd.args();
    args.iter().enumerate().find_map(|(i, w)| {
        if w.text == name {
            args.get(i + 1).map(|v| v.text.as_str())
        } else {
            w.text.strip_prefix(name)?.strip_prefix('=')
        }
    })
}

fn copy_from_builder(path: &str) -> String {
    format!("COPY --from={BUILDER} {path} {path}")
}

/// The split of a single-stage file that builds something, as a fix that rewrites it from its
/// FROM line to its last instruction; None when no language recognises the build.
pub fn split_stages(model: &Model) -> Option<Fix> {
    if !model.recovered.is_empty() {
        return None;
    }
    let cx = Context::new(model)?;
    cx.last_build_run()?;
    let recipe = go::recipe(&cx)
        .or_else(|| rust::recipe(&cx))
        .or_else(|| java::recipe(&cx))
        .or_else(|| node::recipe(&cx))
        .or_else(|| python::recipe(&cx))
        .or_else(|| generic::recipe(&cx))?;
    let text = render(&cx, &recipe);
    let from = &model.instructions[model.stages[0].from];
    let end = model.instructions.last()?.range().end;
    Some(Fix::safe(
        format!(
            "Split into a builder stage and a runtime stage on {}",
            recipe.runtime_base
        ),
        vec![Edit::replace(from.range().start..end, text)],
    ))
}

fn render(cx: &Context, recipe: &Recipe) -> String {
    let text = cx.model.text;
    let from = &cx.model.instructions[cx.model.stages[0].from];
    let image_end = cx.model.stages[0]
        .image
        .as_ref()
        .map_or(from.range().end, |w| w.range.end);
    let mut builder = vec![format!(
        "{} AS {BUILDER}",
        &text[from.range().start..image_end]
    )];
    builder.extend(recipe.builder_setup.iter().cloned());
    let mut runtime = vec![format!("FROM {}", recipe.runtime_base)];
    runtime.extend(recipe.runtime_setup.iter().cloned());
    let last_build = cx.last_build_run();
    for (i, instr) in cx.body() {
        let source = with_comments(text, instr);
        let building = Some(i) <= last_build;
        let (to_builder, to_runtime) = match instr.kind {
            Kind::Env | Kind::Arg | Kind::Workdir | Kind::Shell => (building, true),
            Kind::Run => (building, !building),
            // What is copied after the build is not an input to it: the runtime stage needs it.
            Kind::Copy | Kind::Add => (building, !building || recipe.keep_sources),
            _ => (false, true),
        };
        if to_builder {
            builder.push(source.clone());
        }
        if to_runtime {
            runtime.push(source);
        }
    }
    builder.extend(recipe.builder_finish.iter().cloned());
    format!("{}\n\n{}", builder.join("\n"), runtime.join("\n"))
}

/// The instruction's text with the comment lines directly above it.
fn with_comments(text: &str, instr: &Instruction) -> String {
    let start = instr.range().start;
    let comments = comment_block_above(text, start);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let from = if comments.is_empty() {
        line_start
    } else {
        comments.start
    };
    text[from..instr.range().end].trim_end().to_owned()
}

#[cfg(test)]
mod tests;
