//! `dockerlean size PATH [--budget 300MB] [--format text|json]`: what each instruction adds,
//! each stage's and the final image's estimated size; exit 1 when the final image is over the
//! budget.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use dockerlean_core::size::estimate::{estimate, Amount, BaseInfo, ImageEstimate};
use dockerlean_core::size::format::bytes;
use dockerlean_core::size::{base_images, debian, registry_sizes};
use dockerlean_core::Model;
use ropey::Rope;
use serde_json::{json, Value};

use super::discover::Input;
use super::{input, CliError, SizeArgs};
use crate::project_config;
use crate::registry::{Cache, Lookups};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SizeFormat {
    Text,
    Json,
}

/// `300MB`, `1.5GB`, `512MiB`, `2G`, `1000`: decimal units unless `i` says binary.
pub fn parse_budget(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a size such as 300MB"))?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        other => {
            return Err(format!(
                "unknown size unit `{other}` (use kB, MB, GB, MiB, GiB)"
            ))
        }
    };
    Ok((number * factor) as u64)
}

/// The Dockerfile a PATH names: the file itself, or `Dockerfile` / `Containerfile` in a
/// directory.
fn dockerfile(path: &Path) -> Result<PathBuf, CliError> {
    if !path.is_dir() {
        return Ok(path.to_path_buf());
    }
    ["Dockerfile", "Containerfile"]
        .iter()
        .map(|name| path.join(name))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            CliError::new(format!(
                "{}: no Dockerfile or Containerfile in this directory",
                path.display()
            ))
        })
}

/// Returns whether the final image is over the budget.
pub fn run(args: &SizeArgs) -> Result<bool, CliError> {
    let path = dockerfile(&args.path)?;
    let source = input::read(
        &Input::File(path.clone()),
        None,
        &mut crate::context::Folders::default(),
    )?;
    let tree = dockerlean_core::syntax::parse(&source.text);
    let model = Model::build(&source.text, &tree);
    let context_dir = path.parent().map_or(Path::new(".").to_path_buf(), |p| {
        if p.as_os_str().is_empty() {
            Path::new(".").to_path_buf()
        } else {
            p.to_path_buf()
        }
    });
    let lookups = lookups(args, &context_dir);
    let registry = lookups.resolve(&registry_sizes::wanted(&model));
    let listing = crate::build_context::list(&context_dir);
    let estimate = estimate(
        &model,
        listing
            .as_ref()
            .map(|l| l as &dyn dockerlean_core::size::context::ContextFiles),
        &registry,
    );
    let verdict = Verdict::new(&estimate, args.budget);
    let settings = lookups.settings();
    let data = Data {
        registry: settings
            .lookups
            .then(|| (lookups.cache().dir(), settings.ttl)),
    };
    let report = Report {
        name: &source.name,
        model: &model,
        lines: Rope::from_str(&source.text),
        estimate: &estimate,
        verdict: &verdict,
        data: &data,
    };
    let mut out = std::io::stdout().lock();
    let written = match args.format {
        SizeFormat::Json => {
            let value = to_json(&report);
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&value).expect("JSON")
            )
        }
        SizeFormat::Text => write_text(&mut out, &report),
    };
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(verdict.over == Some(true))
}

/// Registry look-ups as the project's `.dockerlean.toml` and `--registry` set them.
fn lookups(args: &SizeArgs, dir: &Path) -> Lookups {
    let (mut settings, problem) = project_config::registry(dir);
    if let Some(problem) = problem {
        eprintln!("dockerlean: warning: {problem} (registry look-ups off)");
    }
    settings.lookups |= args.registry;
    let lookups = Lookups::new(Cache::user());
    lookups.set_settings(settings);
    lookups
}

/// Where the numbers come from, beyond the embedded tables.
struct Data<'a> {
    /// With look-ups on: the cache directory and how long a size is kept there.
    registry: Option<(&'a Path, Duration)>,
}

struct Verdict {
    budget: Option<u64>,
    /// `None` when the final size is a lower bound under the budget: it cannot be told.
    over: Option<bool>,
}

impl Verdict {
    fn new(estimate: &ImageEstimate, budget: Option<u64>) -> Verdict {
        let over = budget.and_then(|limit| {
            let total = &estimate.final_image()?.total;
            match total.bytes {
                Some(b) if b > limit => Some(true),
                Some(_) if !total.incomplete => Some(false),
                _ => None,
            }
        });
        Verdict { budget, over }
    }
}

/// The 1-based line of `offset`, from an index of the text's lines (counting newlines from the
/// start for each instruction made a 20,000-line report take a second).
fn line_of(lines: &Rope, offset: usize) -> usize {
    lines.byte_to_line(offset) + 1
}

fn head(model: &Model, index: usize) -> String {
    let instr = &model.instructions[index];
    model.text[instr.head(model.text)].trim().to_string()
}

fn amount_json(a: &Amount) -> Value {
    json!({
        "estimate_bytes": a.bytes,
        "confidence": if a.bytes.is_none() { "unknown" } else { confidence(a) },
        "incomplete": a.incomplete,
        "display": a.display(),
        "notes": a.notes,
    })
}

fn confidence(a: &Amount) -> &'static str {
    use dockerlean_core::size::estimate::Confidence::*;
    match a.confidence {
        Exact => "exact",
        Approximate => "approximate",
        Rough => "rough",
        Unknown => "unknown",
    }
}

fn stage_name(model: &Model, index: usize) -> String {
    model.stages[index]
        .name
        .clone()
        .unwrap_or_else(|| index.to_string())
}

fn base_text(base: &BaseInfo, model: &Model) -> String {
    match base {
        BaseInfo::Scratch => "scratch".to_string(),
        BaseInfo::Stage(b) => format!("stage {}", stage_name(model, *b)),
        BaseInfo::Image { reference, .. } => reference.clone(),
    }
}

fn data_json(data: &Data) -> Value {
    let registry = match data.registry {
        Some((cache, ttl)) => json!({
            "lookups": true,
            "cache": cache,
            "ttl_days": ttl.as_secs_f64() / 86_400.0,
        }),
        None => json!({ "lookups": false }),
    };
    json!({
        "base_images": { "snapshot": base_images::table().snapshot, "source": base_images::table().provenance },
        "debian_packages": { "date": debian::packages().date, "source": debian::packages().provenance },
        "registry": registry,
    })
}

/// What one `size` run found, for either format.
struct Report<'a> {
    name: &'a str,
    model: &'a Model<'a>,
    /// The lines of the model's text, to number instructions.
    lines: Rope,
    estimate: &'a ImageEstimate,
    verdict: &'a Verdict,
    data: &'a Data<'a>,
}

fn to_json(report: &Report) -> Value {
    let Report {
        name,
        model,
        lines,
        estimate: e,
        verdict,
        data,
    } = report;
    let instructions: Vec<Value> = e
        .instructions
        .iter()
        .map(|i| {
            let instr = &model.instructions[i.index];
            let mut v = amount_json(&i.amount);
            v["line"] = json!(line_of(lines, instr.range().start));
            v["instruction"] = json!(head(model, i.index));
            v["stage"] = json!(instr.stage);
            v
        })
        .collect();
    let stages: Vec<Value> = e
        .stages
        .iter()
        .map(|s| {
            let mut v = amount_json(&s.total);
            v["index"] = json!(s.stage);
            v["name"] = json!(model.stages[s.stage].name);
            v["line"] = json!(line_of(
                lines,
                model.instructions[model.stages[s.stage].from].range().start
            ));
            v["base"] = json!(base_text(&s.base, model));
            v["base_bytes"] = json!(s.base_amount.bytes);
            v["layers_bytes"] = json!(s.layers.bytes);
            v["final"] = json!(s.is_final);
            v["ships"] = json!(s.ships);
            v
        })
        .collect();
    json!({
        "file": name,
        "instructions": instructions,
        "stages": stages,
        "final": e.final_image().map(|s| amount_json(&s.total)),
        "budget_bytes": verdict.budget,
        "over_budget": verdict.over,
        "data": data_json(data),
    })
}

fn write_text(out: &mut impl Write, report: &Report) -> std::io::Result<()> {
    let Report {
        name,
        model,
        lines,
        estimate: e,
        verdict,
        data,
    } = report;
    writeln!(out, "{name}")?;
    writeln!(
        out,
        "{:>5}  {:<48}  {:>14}  {:<11}  note",
        "line", "instruction", "adds", "confidence"
    )?;
    for (i, stage) in model.stages.iter().enumerate() {
        let s = &e.stages[i];
        let from = model.instructions[stage.from].range().start;
        writeln!(
            out,
            "{:>5}  {:<48}  {:>14}  {:<11}  {}",
            line_of(lines, from),
            truncate(&head(model, stage.from), 48),
            format!("base {}", s.base_amount.display()),
            if s.base_amount.bytes.is_none() {
                "unknown"
            } else {
                confidence(&s.base_amount)
            },
            s.base_amount
                .notes
                .first()
                .map(|note| &**note)
                .unwrap_or("")
        )?;
        for ie in e
            .instructions
            .iter()
            .filter(|ie| model.instructions[ie.index].stage == Some(i))
        {
            let instr = &model.instructions[ie.index];
            writeln!(
                out,
                "{:>5}  {:<48}  {:>14}  {:<11}  {}",
                line_of(lines, instr.range().start),
                truncate(&head(model, ie.index), 48),
                ie.amount.delta(),
                if ie.amount.bytes.is_none() {
                    "unknown"
                } else {
                    confidence(&ie.amount)
                },
                ie.amount.notes.join("; ")
            )?;
        }
        let role = if s.is_final {
            "final image"
        } else if s.ships {
            "layers in the final image"
        } else {
            "not shipped"
        };
        writeln!(
            out,
            "       stage {}: {} (base {} + {}) · {role}",
            stage_name(model, i),
            s.total.display(),
            s.base_amount.display(),
            s.layers.display()
        )?;
    }
    if let Some(f) = e.final_image() {
        writeln!(out, "final image: {}", f.total.display())?;
    }
    if let Some(limit) = verdict.budget {
        let said = match verdict.over {
            Some(true) => "over budget",
            Some(false) => "within budget",
            None => "cannot tell: parts of the image have no size data",
        };
        writeln!(out, "budget {}: {said}", bytes(limit))?;
    }
    let registry = match data.registry {
        Some((cache, ttl)) => format!(
            "; registry look-ups on (download sizes from the manifests, cached in {} for {} days)",
            cache.display(),
            ttl.as_secs_f64() / 86_400.0
        ),
        None => String::new(),
    };
    writeln!(
        out,
        "data: base images built up to {} (docker-library/repo-info); Debian bookworm packages of {}{registry}",
        base_images::table().snapshot,
        debian::packages().date
    )
}

fn truncate(s: &str, max: usize) -> String {
    let first = s.lines().next().unwrap_or("");
    if first.chars().count() <= max {
        first.to_string()
    } else {
        let cut: String = first.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets() {
        assert_eq!(parse_budget("300MB"), Ok(300_000_000));
        assert_eq!(parse_budget("1.5GB"), Ok(1_500_000_000));
        assert_eq!(parse_budget("2MiB"), Ok(2 * 1024 * 1024));
        assert_eq!(parse_budget("1000"), Ok(1000));
        assert!(parse_budget("lots").is_err());
        assert!(parse_budget("3 parsecs").is_err());
    }
}
