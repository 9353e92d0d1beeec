//! What each instruction adds to the image, and what each stage and the final image weigh,
//! from the shipped data only: the base-image table, the Debian package table (apt installs),
//! and the build context's files (COPY / ADD, and COPY --from of a stage where they say what
//! it holds). Everything else is `Unknown`, never guessed.

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxHashSet;

use crate::model::stage::{dependencies, stage_ref};
use crate::model::{Base, Command, Instruction, Kind, Model};
use crate::rules::commands::{apt_operation, is_apt, removes, APT_VALUE_OPTIONS};
use crate::rules::paths::resolve;
use crate::size::base_images::{self, OnDisk, Row};
use crate::size::context::{self, ContextFiles, Sent};
use crate::size::debian::{self, History, Records, Resolution};
use crate::size::figure::{self, Figure};
use crate::size::image_ref::ImageRef;
use crate::size::registry_sizes::RegistrySizes;
use crate::size::stage_files::{Found, StageFiles};
use crate::wording::count;

/// How far a number can be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Counted from real files or recorded in the table.
    Exact,
    /// An estimate from real data (`≈`); the estimator's error is in the README.
    Approximate,
    /// Real data of a near, not the same, case (e.g. bookworm packages on a trixie base).
    Rough,
    Unknown,
}

impl Confidence {
    /// The sign put before a number.
    pub fn sign(self) -> &'static str {
        match self {
            Confidence::Exact => "",
            Confidence::Approximate => "≈ ",
            Confidence::Rough => "~ ",
            Confidence::Unknown => "? ",
        }
    }
}

/// A size with what is known about it. `bytes` is what is known; `incomplete` says that parts
/// of it could not be sized (so the true value is larger).
#[derive(Clone, Debug, PartialEq)]
pub struct Amount {
    pub bytes: Option<u64>,
    pub confidence: Confidence,
    pub incomplete: bool,
    /// Where the number comes from, or why there is none. Shared: a stage's sums list the
    /// notes of all its instructions, and a stage built on another those of that one too.
    pub notes: Vec<Arc<str>>,
}

impl Amount {
    pub fn unknown(note: impl Into<Arc<str>>) -> Amount {
        Amount {
            bytes: None,
            confidence: Confidence::Unknown,
            incomplete: true,
            notes: vec![note.into()],
        }
    }

    fn known(bytes: u64, confidence: Confidence, note: impl Into<Arc<str>>) -> Amount {
        Amount {
            bytes: Some(bytes),
            confidence,
            incomplete: false,
            notes: vec![note.into()],
        }
    }

    fn zero() -> Amount {
        Amount {
            bytes: Some(0),
            ..Amount::nothing()
        }
    }

    /// The start of a sum: no parts yet (see [`Amount::finish`]).
    fn nothing() -> Amount {
        Amount {
            bytes: None,
            confidence: Confidence::Exact,
            incomplete: false,
            notes: Vec::new(),
        }
    }

    /// A sum with no unknown parts and no known ones is zero.
    fn finish(mut self) -> Amount {
        if self.bytes.is_none() && !self.incomplete {
            self.bytes = Some(0);
        }
        self
    }

    /// The sum: known parts add up, the confidence is the weakest, unknown parts mark it
    /// incomplete.
    fn add(&mut self, other: Amount) {
        (self.bytes, self.confidence) = match (self.bytes, other.bytes) {
            (Some(a), Some(b)) => (Some(a + b), self.confidence.max(other.confidence)),
            (None, Some(b)) => (Some(b), other.confidence),
            (Some(a), None) => (Some(a), self.confidence),
            (None, None) => (None, self.confidence.max(other.confidence)),
        };
        self.incomplete |= other.incomplete;
        self.notes.extend(other.notes);
    }

    /// `≈ 12 MB`, `≥ 12 MB`, `?`.
    pub fn display(&self) -> String {
        match self.bytes {
            None => "?".to_string(),
            Some(b) if self.incomplete => format!("≥ {}", crate::size::format::bytes(b)),
            Some(b) => format!(
                "{}{}",
                self.confidence.sign(),
                crate::size::format::bytes(b)
            ),
        }
    }

    /// `+12 MB`, `+≈12 MB`, `+12 MB + ?`, `+? MB`: for inlay hints.
    pub fn delta(&self) -> String {
        match self.bytes {
            None => "+? MB".to_string(),
            Some(b) => {
                let sign = self.confidence.sign().trim_end();
                let tail = if self.incomplete { " + ?" } else { "" };
                format!("+{sign}{}{tail}", crate::size::format::bytes(b))
            }
        }
    }
}

/// For an apt install: what it installs and what `--no-install-recommends` would save.
#[derive(Clone, Debug, PartialEq)]
pub struct AptInstall {
    pub command: std::ops::Range<usize>,
    pub packages: usize,
    pub bytes: u64,
    pub recommends: bool,
    /// With recommends on: (bytes, packages) fewer without them.
    pub recommends_cost: Option<(u64, usize)>,
    pub unknown: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct InstructionEstimate {
    pub index: usize,
    pub amount: Amount,
    pub apt: Vec<AptInstall>,
}

#[derive(Clone, Debug)]
pub enum BaseInfo {
    Scratch,
    Stage(usize),
    Image {
        reference: String,
        figure: Option<Figure>,
        /// Why there is no figure.
        missing: Option<String>,
    },
}

#[derive(Clone, Debug)]
pub struct StageEstimate {
    pub stage: usize,
    pub base: BaseInfo,
    pub base_amount: Amount,
    /// The sum of the stage's own instructions.
    pub layers: Amount,
    pub total: Amount,
    /// Whether this stage is the final image.
    pub is_final: bool,
    /// Whether its layers are in the final image (it is the final stage or one it is built FROM).
    pub ships: bool,
}

#[derive(Clone, Debug)]
pub struct ImageEstimate {
    pub instructions: Vec<InstructionEstimate>,
    pub stages: Vec<StageEstimate>,
}

impl ImageEstimate {
    pub fn final_image(&self) -> Option<&StageEstimate> {
        self.stages.iter().find(|s| s.is_final)
    }

    pub fn instruction(&self, index: usize) -> Option<&InstructionEstimate> {
        self.instructions.iter().find(|e| e.index == index)
    }
}

/// dpkg rewrites `/var/lib/dpkg/status` whole, and debconf `templates.dat` when new packages
/// bring templates, each keeping the previous file (`status-old`, `templates.dat-old`): both
/// copies are in the layer, each holding what every installed package has there.
const COPIES: u64 = 2;
/// `templates.dat` is the installed packages' templates with debconf's own fields: 753,157
/// bytes for minbase's 736,556 bytes of templates (measured in a debootstrap minbase chroot).
const TEMPLATES_DAT_PER_TEMPLATE_BYTE: f64 = 753_157.0 / 736_556.0;
/// What an `apt-get install` run that installs something writes besides what the packages
/// bring: dpkg.log and apt's logs (each rewritten whole), ld.so.cache and its aux-cache, apt's
/// extended_states, alternatives, a few small files of maintainer scripts. A line fitted to
/// those bytes in 24 measured runs (`scripts/measure_apt_layers.py --breakdown`, a debootstrap
/// minbase chroot, 2026-12-05): fixed part, and per package installed.
const RUN_FIXED: u64 = 81_900;
const RUN_PER_PACKAGE: u64 = 736;
/// `/var/lib/apt/lists` after `apt-get update` on bookworm amd64 with the gzip-compressed
/// indexes the official images configure (measured.tsv `apt_lists_bytes`).
pub const APT_LISTS_BYTES: u64 = 19_862_064;
const APT_LISTS: &str = "/var/lib/apt/lists";

/// The layer bytes of installing `new` on top of what `records` describes: the packages' files
/// (without what a slim base's dpkg excludes drop), what dpkg and debconf record of them, and
/// what their maintainer scripts generate.
pub fn layer_bytes(records: &Records, new: &Resolution, slim: bool) -> u64 {
    if new.new.is_empty() {
        return 0;
    }
    let f = &new.added;
    let dropped = if slim { f.slim_excluded } else { 0 };
    let mut bytes = f.files - dropped + f.info + f.byte_code + f.generated;
    bytes += COPIES * (records.status + f.status);
    if f.templates > 0 {
        let dat = (records.templates + f.templates) as f64 * TEMPLATES_DAT_PER_TEMPLATE_BYTE;
        bytes += COPIES * dat as u64;
    }
    bytes + RUN_FIXED + RUN_PER_PACKAGE * new.new.len() as u64
}

/// Programs whose effect on a layer is negligible (metadata, links, small config files).
const NEGLIGIBLE: &[&str] = &[
    "echo",
    "printf",
    "mkdir",
    "rm",
    "rmdir",
    "ln",
    "chmod",
    "chown",
    "chgrp",
    "cd",
    "set",
    "export",
    "true",
    "false",
    ":",
    "test",
    "[",
    "useradd",
    "groupadd",
    "adduser",
    "addgroup",
    "usermod",
    "sed",
    "touch",
    "mv",
    "ls",
    "cat",
    "id",
    "whoami",
    "sleep",
    "unset",
    "exit",
    "update-ca-certificates",
    "ldconfig",
    "locale-gen",
    "dpkg-reconfigure",
];

/// Which Debian package set a base image has, and how sure the match is.
struct BaseSet {
    history: History,
    /// Whether its dpkg drops docs, man pages and translations (the `-slim` images).
    slim: bool,
    confidence: Confidence,
    note: String,
}

fn base_set(image: &str, tag: &str, distro: Option<&str>) -> BaseSet {
    let packages = debian::packages();
    let bookworm = distro == Some("bookworm") || tag.contains("bookworm");
    let set = if image == "buildpack-deps" {
        if tag.contains("curl") {
            "buildpack-deps:bookworm-curl"
        } else if tag.contains("scm") {
            "buildpack-deps:bookworm-scm"
        } else {
            "buildpack-deps:bookworm"
        }
    } else if image == "debian" || tag.contains("slim") {
        "debian:bookworm"
    } else {
        // The full python/node/ruby/golang/… images are built on buildpack-deps.
        "buildpack-deps:bookworm"
    };
    let (confidence, note) = if bookworm {
        (
            Confidence::Approximate,
            format!(
                "Debian bookworm package data ({}), base ≈ {set}",
                packages.date
            ),
        )
    } else {
        let what = distro.map_or("not known to be Debian bookworm".to_string(), |d| {
            format!("built on {d}")
        });
        (
            Confidence::Rough,
            format!(
                "the base is {what}; estimated with Debian bookworm package data ({}), base ≈ {set}",
                packages.date
            ),
        )
    };
    BaseSet {
        history: History::new(set),
        slim: tag.contains("slim"),
        confidence,
        note,
    }
}

/// The package names of an `apt-get install` (versions and releases dropped), or `None` when
/// it installs local `.deb` files or names built at run time.
fn apt_packages(cmd: &Command) -> Option<Vec<String>> {
    let install = apt_operation(cmd)?;
    let mut names = Vec::new();
    let mut skip = false;
    for w in cmd
        .args()
        .iter()
        .skip_while(|w| !std::ptr::eq(*w, install))
        .skip(1)
    {
        if std::mem::take(&mut skip) {
            continue;
        }
        if w.text.starts_with('-') {
            skip = APT_VALUE_OPTIONS.contains(&w.text.as_str());
            continue;
        }
        if w.text.contains(['$', '/', '*', '`']) {
            return None;
        }
        let name = w.text.split(['=', ':']).next().unwrap_or_default();
        names.push(name.to_string());
    }
    Some(names)
}

fn recommends_off(cmd: &Command) -> bool {
    cmd.has_flag("--no-install-recommends")
        || cmd.args().iter().any(|w| {
            let s = w.text.to_ascii_lowercase();
            s.contains("apt::install-recommends") && (s.ends_with("=false") || s.ends_with("=0"))
        })
}

/// What leaving out Recommends would save for each apt install in the `wanted` stages, by the
/// range of its command: (bytes, packages, confidence). One estimate serves all.
pub fn recommends_costs(
    model: &Model,
    wanted: &[bool],
) -> std::collections::HashMap<std::ops::Range<usize>, (u64, usize, Confidence)> {
    let e = estimate_stages(model, None, &RegistrySizes::default(), wanted);
    e.instructions
        .iter()
        .flat_map(|i| {
            i.apt.iter().filter_map(move |apt| {
                let (bytes, packages) = apt.recommends_cost?;
                Some((apt.command.clone(), (bytes, packages, i.amount.confidence)))
            })
        })
        .collect()
}

/// Estimates every instruction, stage and the final image. `context` is the build context, or
/// `None` when it is not known (COPY / ADD from it are then unknown); `registry` has the sizes
/// of base images that are not in the table, where a shell looked them up.
pub fn estimate(
    model: &Model,
    context: Option<&dyn ContextFiles>,
    registry: &RegistrySizes,
) -> ImageEstimate {
    estimate_stages(model, context, registry, &vec![true; model.stages.len()])
}

/// [`estimate`] of the `wanted` stages and the stages they are built on or copy from; the
/// others are left unknown, unexamined.
fn estimate_stages(
    model: &Model,
    context: Option<&dyn ContextFiles>,
    registry: &RegistrySizes,
    wanted: &[bool],
) -> ImageEstimate {
    let mut wanted = wanted.to_vec();
    // A stage only reads earlier ones, so one pass from the end reaches them all. A stage
    // mounted from comes along too: the model lists it with the others, and it costs little.
    for stage in model.stages.iter().rev() {
        if wanted[stage.index] {
            for d in dependencies(&model.stages, &model.instructions, stage.index) {
                wanted[d] = true;
            }
        }
    }
    let table = base_images::table();
    let mut instructions = Vec::new();
    let mut notes = Notes::default();
    let mut stages: Vec<StageEstimate> = Vec::new();
    // Per stage: the Debian packages installed at its end (None: not a Debian-like stage).
    let mut installed: Vec<Option<BaseSet>> = Vec::new();
    let last = model.stages.len().checked_sub(1);
    // What each stage copied from the context, read when a COPY --from first asks.
    let mut stage_files: HashMap<usize, StageFiles> = HashMap::new();
    for stage in &model.stages {
        if !wanted[stage.index] {
            installed.push(None);
            stages.push(StageEstimate {
                stage: stage.index,
                base: BaseInfo::Scratch,
                base_amount: Amount::unknown("not estimated"),
                layers: Amount::unknown("not estimated"),
                total: Amount::unknown("not estimated"),
                is_final: Some(stage.index) == last,
                ships: stage.ships_layers,
            });
            continue;
        }
        let (base, base_amount, mut set) = match &stage.base {
            Base::Scratch => (BaseInfo::Scratch, Amount::zero(), None),
            Base::Stage(b) => {
                let set = installed[*b].as_ref().map(|s| BaseSet {
                    history: s.history.clone(),
                    slim: s.slim,
                    confidence: s.confidence,
                    note: s.note.clone(),
                });
                (BaseInfo::Stage(*b), stages[*b].total.clone(), set)
            }
            Base::Image(reference) => {
                let platform = model.instructions[stage.from]
                    .flag("platform")
                    .and_then(|f| f.value.as_deref())
                    .filter(|p| !p.contains('$'));
                image_base(table, registry, reference, platform)
            }
        };
        let mut layers = Amount::nothing();
        let mut lists_present = false;
        for index in stage.body.clone() {
            let instr = &model.instructions[index];
            let (amount, apt) = match instr.kind {
                Kind::Run => run_amount(model, instr, &mut set, &mut lists_present),
                Kind::Copy | Kind::Add => {
                    let from = Sources {
                        model,
                        context,
                        stages: &stages,
                        files: &mut stage_files,
                    };
                    (copy_amount(instr, from), Vec::new())
                }
                _ => continue,
            };
            let amount = notes.share(amount);
            layers.add(amount.clone());
            instructions.push(InstructionEstimate { index, amount, apt });
        }
        let layers = layers.finish();
        let mut total = base_amount.clone();
        total.add(layers.clone());
        installed.push(set);
        stages.push(StageEstimate {
            stage: stage.index,
            base,
            base_amount,
            layers,
            total,
            is_final: Some(stage.index) == last,
            ships: stage.ships_layers,
        });
    }
    ImageEstimate {
        instructions,
        stages,
    }
}

/// Notes by their text: many instructions have the same ones (`1 file from the build context`,
/// `` `pip`: no size data ``), and the estimate of a document is kept while it is shown.
#[derive(Default)]
struct Notes(FxHashSet<Arc<str>>);

impl Notes {
    fn share(&mut self, mut amount: Amount) -> Amount {
        for note in &mut amount.notes {
            match self.0.get(&**note) {
                Some(same) => *note = same.clone(),
                None => {
                    self.0.insert(note.clone());
                }
            }
        }
        amount
    }
}

/// The base image's size for `platform` (a literal `--platform`), else for linux/amd64: the
/// table's, else a registry look-up's.
fn image_base(
    table: &base_images::Table,
    registry: &RegistrySizes,
    reference: &str,
    platform: Option<&str>,
) -> (BaseInfo, Amount, Option<BaseSet>) {
    let info = |figure: Option<Figure>, missing: Option<String>| BaseInfo::Image {
        reference: reference.to_string(),
        figure,
        missing,
    };
    let parsed = match ImageRef::parse(reference) {
        Ok(r) => r,
        Err(e) => {
            return (
                info(None, Some(e.to_string())),
                Amount::unknown(e.to_string()),
                None,
            )
        }
    };
    let tag = parsed.tag_or_latest().to_string();
    let official = parsed.official();
    let name = official.map_or(reference.to_string(), |image| format!("{image}:{tag}"));
    let Some(figure) = figure::find(table, registry, &parsed, platform) else {
        let mut why = match official {
            Some(_) => format!(
                "{name} is not in the size table (snapshot {})",
                table.snapshot
            ),
            None => format!("{reference} is not an official Docker Hub image: no size data"),
        };
        if let Some(lookup) = registry.missing(&parsed, platform) {
            why.push_str(&format!("; registry look-up: {lookup}"));
        }
        let set = official
            .filter(|_| tag.contains("bookworm"))
            .map(|image| base_set(image, &tag, Some("bookworm")));
        return (info(None, Some(why.clone())), Amount::unknown(why), set);
    };
    let (platform, source) = (figure.platform(), figure.source());
    let amount = match figure.on_disk() {
        OnDisk::Recorded { bytes, .. } => Amount::known(
            bytes,
            Confidence::Approximate,
            format!("{name} on disk ({platform}, {source})"),
        ),
        OnDisk::Estimated { typical, .. } => Amount::known(
            typical,
            Confidence::Approximate,
            format!(
                "{name} on disk estimated as 2.7 × its {} download ({platform}, {source})",
                crate::size::format::bytes(figure.compressed()),
            ),
        ),
    };
    // Only the table says what a base is built on; a registry figure is a size and no more.
    let set = match (&figure, official) {
        (Figure::Table(row), Some(image)) => debian_set(image, &tag, row),
        _ => official
            .filter(|_| tag.contains("bookworm"))
            .map(|image| base_set(image, &tag, Some("bookworm"))),
    };
    (info(Some(figure), None), amount, set)
}

/// The Debian packages a table row's image has, unless it is built on something else.
fn debian_set(image: &str, tag: &str, row: &Row) -> Option<BaseSet> {
    let debian_like = !matches!(row.distro, Some("alpine" | "noble" | "jammy"))
        && ![
            "alpine",
            "busybox",
            "fedora",
            "amazonlinux",
            "rockylinux",
            "almalinux",
            "oraclelinux",
            "ubuntu",
        ]
        .contains(&image);
    debian_like.then(|| {
        let mut set = base_set(image, tag, row.distro);
        if row.platform != "linux/amd64" {
            set.confidence = set.confidence.max(Confidence::Rough);
            set.note.push_str("; package sizes are amd64's");
        }
        set
    })
}

fn run_amount(
    model: &Model,
    instr: &Instruction,
    set: &mut Option<BaseSet>,
    lists_present: &mut bool,
) -> (Amount, Vec<AptInstall>) {
    let Some(script) = &instr.script else {
        return (Amount::unknown("no script"), Vec::new());
    };
    let lists_kept_out = model.mounts(instr).any(|m| m.keeps_out(APT_LISTS));
    let mut amount = Amount::nothing();
    let mut apt = Vec::new();
    let mut updated_here = false;
    for cmd in &script.commands {
        let program = cmd.program();
        if is_apt(cmd, "update") {
            updated_here = true;
            continue;
        }
        if is_apt(cmd, "install") {
            match apt_install(cmd, set) {
                Ok((a, detail)) => {
                    amount.add(a);
                    apt.push(detail);
                }
                Err(a) => amount.add(a),
            }
            continue;
        }
        if apt_operation(cmd).is_some() || NEGLIGIBLE.contains(&program) || program.is_empty() {
            continue;
        }
        amount.add(Amount::unknown(format!(
            "`{program}`: no size data for what it writes"
        )));
    }
    if updated_here && !lists_kept_out {
        let removed = script
            .commands
            .iter()
            .any(|c| removes(c, APT_LISTS) || is_apt(c, "dist-clean"));
        if !removed && !*lists_present {
            *lists_present = true;
            amount.add(Amount::known(
                APT_LISTS_BYTES,
                Confidence::Approximate,
                "apt lists kept: 19.9 MB measured on Debian bookworm",
            ));
        }
    }
    if script.commands.iter().any(|c| removes(c, APT_LISTS)) {
        *lists_present = false;
    }
    (amount.finish(), apt)
}

fn apt_install(cmd: &Command, set: &mut Option<BaseSet>) -> Result<(Amount, AptInstall), Amount> {
    let Some(base) = set.as_mut() else {
        return Err(Amount::unknown("apt on a base with no Debian package data"));
    };
    let Some(names) = apt_packages(cmd) else {
        return Err(Amount::unknown(
            "the package list is only known at build time",
        ));
    };
    let packages = debian::packages();
    let recommends = !recommends_off(cmd);
    let records = base.history.records();
    let install = packages.install(&mut base.history, &names, recommends);
    let resolution = &install.resolution;
    let bytes = layer_bytes(&records, resolution, base.slim);
    let recommends_cost = install.lean.as_ref().map(|lean| {
        (
            bytes.saturating_sub(layer_bytes(&records, lean, base.slim)),
            resolution.new.len().saturating_sub(lean.new.len()),
        )
    });
    let mut amount = Amount::known(
        bytes,
        base.confidence,
        format!("{} new packages; {}", resolution.new.len(), base.note),
    );
    if !resolution.unknown.is_empty() {
        amount.incomplete = true;
        amount
            .notes
            .push(format!("not in Debian bookworm: {}", resolution.unknown.join(", ")).into());
    }
    let detail = AptInstall {
        command: cmd.range.clone(),
        packages: resolution.new.len(),
        bytes,
        recommends,
        recommends_cost,
        unknown: resolution.unknown.clone(),
    };
    Ok((amount, detail))
}

/// Where a COPY / ADD can take files from: the build context and the stages estimated so far.
struct Sources<'a, 'm> {
    model: &'a Model<'m>,
    context: Option<&'a dyn ContextFiles>,
    stages: &'a [StageEstimate],
    files: &'a mut HashMap<usize, StageFiles>,
}

fn copy_amount(instr: &Instruction, from: Sources) -> Amount {
    match context::sent(instr) {
        Sent::From(stage) => stage_copy_amount(instr, stage, from),
        Sent::Heredocs(bytes) => Amount::known(bytes, Confidence::Exact, "heredoc content"),
        Sent::Unknown(why) => Amount::unknown(why),
        Sent::Context { sources, .. } => {
            let Some(context) = from.context else {
                return Amount::unknown("the build context is not known");
            };
            let (bytes, files) = context::sources_size(context, &sources);
            Amount::known(
                bytes,
                Confidence::Exact,
                format!(
                    "{} from the build context, after .dockerignore",
                    count(files, "file")
                ),
            )
        }
    }
}

/// A `COPY --from=<stage>`: the whole stage for its root, else what [`StageFiles`] says the
/// stage holds at each path.
fn stage_copy_amount(instr: &Instruction, value: &str, mut from: Sources) -> Amount {
    if value.contains('$') {
        return Amount::unknown(format!("copies from `{value}`, named by a variable"));
    }
    let Some(source) = instr
        .stage
        .and_then(|s| stage_ref(&from.model.stages, s, value))
    else {
        return Amount::unknown(format!(
            "copies from the image `{value}`: no size data for its files"
        ));
    };
    if instr.flag("exclude").is_some() {
        return Amount::unknown(format!(
            "copies from stage `{value}` leaving out `--exclude` files: not followed"
        ));
    }
    let paths = instr.args.split_last().map_or(&[][..], |(_, paths)| paths);
    let mut amount = Amount::nothing();
    for path in paths.iter().map(|w| w.text.as_str()) {
        let resolved = resolve("/", path).filter(|_| !path.contains(['*', '?', '[']));
        let Some(resolved) = resolved else {
            amount.add(Amount::unknown(format!(
                "`{path}` in stage `{value}`: wildcards and variables are not followed"
            )));
            continue;
        };
        amount.add(stage_path_amount(source, value, &resolved, &mut from));
    }
    amount.finish()
}

/// What stage `source` (named `value`) holds at `path`.
fn stage_path_amount(source: usize, value: &str, path: &str, from: &mut Sources) -> Amount {
    if path == "/" {
        let total = &from.stages[source].total;
        if total.bytes.is_none() {
            return Amount::unknown(format!(
                "the whole of stage `{value}`: its size is not known"
            ));
        }
        return Amount {
            notes: vec![format!("the whole of stage `{value}`, as estimated there").into()],
            ..total.clone()
        };
    }
    let Some(context) = from.context else {
        return Amount::unknown(format!(
            "`{path}` in stage `{value}`: the build context is not known"
        ));
    };
    let files = from
        .files
        .entry(source)
        .or_insert_with(|| StageFiles::of(from.model, source, context));
    match files.at(path) {
        Found::Nothing => Amount::unknown(format!(
            "`{path}` in stage `{value}` is not from the build context: no size data"
        )),
        Found::Context {
            bytes,
            files,
            complete,
        } => Amount {
            bytes: Some(bytes),
            confidence: Confidence::Exact,
            incomplete: !complete,
            notes: vec![format!(
                "{} of the build context at `{path}` in stage `{value}`{}",
                count(files, "file"),
                if complete {
                    ""
                } else {
                    "; other instructions may have written there too"
                }
            )
            .into()],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::size::context::Listing;
    use crate::size::registry_sizes::{Lookup, RegistrySize};

    fn estimate_str(text: &str, context: Option<&dyn ContextFiles>) -> ImageEstimate {
        let tree = crate::syntax::parse(text);
        let model = Model::build(text, &tree);
        estimate(&model, context, &RegistrySizes::default())
    }

    fn notes(amount: &Amount) -> Vec<&str> {
        amount.notes.iter().map(|n| &**n).collect()
    }
    #[test]
    fn apt_installs_are_estimated_against_the_base() {
        let e = estimate_str(
            "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n",
            None,
        );
        let run = &e.instructions[0];
        assert_eq!(run.amount.confidence, Confidence::Approximate);
        let bytes = run.amount.bytes.unwrap();
        // measured: 12.0 MB (layer-truth curl__norec)
        assert!((10_000_000..14_000_000).contains(&bytes), "{bytes}");
        assert_eq!(run.apt[0].packages, 16);
        let stage = &e.stages[0];
        assert!(stage.is_final && stage.ships);
        assert!(stage.total.bytes.unwrap() > bytes);
    }

    #[test]
    fn slim_bases_drop_what_their_dpkg_excludes() {
        let run = "RUN apt-get update && apt-get install -y --no-install-recommends wget && rm -rf /var/lib/apt/lists/*\n";
        let bytes = |base: &str| {
            let e = estimate_str(&format!("FROM {base}\n{run}"), None);
            e.instructions[0].amount.bytes.unwrap()
        };
        let p = debian::packages();
        let new = p
            .resolve(&["wget"], p.base("debian:bookworm").unwrap(), false)
            .new;
        let excluded: u64 = new.iter().map(|&id| p.footprint(id).slim_excluded).sum();
        // Most of wget is translations.
        assert!(excluded > p.footprint(p.id("wget").unwrap()).files / 2);
        assert_eq!(
            bytes("debian:bookworm") - bytes("debian:bookworm-slim"),
            excluded
        );
    }

    #[test]
    fn installing_nothing_new_adds_nothing() {
        let e = estimate_str(
            "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y curl libcurl4\n",
            None,
        );
        assert_eq!(e.instructions[1].apt[0].packages, 0);
        assert_eq!(e.instructions[1].amount.bytes, Some(0));
    }

    #[test]
    fn recommends_cost_and_kept_lists() {
        let e = estimate_str(
            "FROM debian:bookworm\nRUN apt-get update && apt-get install -y git\n",
            None,
        );
        let run = &e.instructions[0];
        let (saved, fewer) = run.apt[0].recommends_cost.unwrap();
        assert!(saved > 5_000_000 && fewer > 10, "{saved} {fewer}");
        let text = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y git\n";
        let tree = crate::syntax::parse(text);
        let model = Model::build(text, &tree);
        let cmd = &model.instructions[1].script.as_ref().unwrap().commands[1].range;
        assert_eq!(
            recommends_costs(&model, &[true]).get(cmd).copied(),
            Some((saved, fewer, Confidence::Approximate))
        );
        assert!(run
            .amount
            .notes
            .iter()
            .any(|n| n.contains("apt lists kept")));
    }

    #[test]
    fn unknown_things_stay_unknown() {
        let e = estimate_str(
            "FROM python:3.9 AS build\nRUN pip install flask\nCOPY . .\nFROM python:3.12-slim\nCOPY --from=build /a /a\n",
            None,
        );
        assert!(e.instructions.iter().all(|i| i.amount.bytes.is_none()));
        assert_eq!(e.stages[0].base_amount.bytes, None);
        assert!(!e.stages[0].ships);
        let last = e.final_image().unwrap();
        assert!(last.total.incomplete);
        assert_eq!(
            last.total.display(),
            format!("≥ {}", crate::size::format::bytes(119_200_000))
        );
    }

    #[test]
    fn the_platform_flag_picks_the_row() {
        let e = estimate_str("FROM --platform=linux/arm64 alpine:3.23\n", None);
        let BaseInfo::Image {
            figure: Some(figure),
            ..
        } = &e.stages[0].base
        else {
            panic!("alpine:3.23 is in the table");
        };
        assert_eq!(figure.platform(), "linux/arm64/v8");
        assert!(e.stages[0].base_amount.notes[0].contains("linux/arm64/v8"));
        let e = estimate_str("FROM --platform=$BUILDPLATFORM alpine:3.23\n", None);
        assert!(e.stages[0].base_amount.notes[0].contains("linux/amd64"));
    }

    #[test]
    fn registry_figures_stand_in_for_tags_the_table_lacks() {
        let text = "FROM python:3.9\nRUN apt-get update && apt-get install -y curl\n";
        let tree = crate::syntax::parse(text);
        let model = Model::build(text, &tree);
        let reference = ImageRef::parse("python:3.9").unwrap();
        let mut registry = RegistrySizes::default();
        registry.insert(
            &reference,
            "linux/amd64",
            Lookup::Missing("looking up in docker.io…".into()),
        );
        let e = estimate(&model, None, &registry);
        assert_eq!(e.stages[0].base_amount.bytes, None);
        assert!(
            e.stages[0].base_amount.notes[0]
                .ends_with("; registry look-up: looking up in docker.io…"),
            "{:?}",
            e.stages[0].base_amount.notes
        );
        let size = RegistrySize {
            registry: "docker.io".into(),
            platform: "linux/amd64".into(),
            compressed: 400_000_000,
            layers: 7,
            fetched: "2026-11-28".into(),
        };
        registry.insert(&reference, "linux/amd64", Lookup::Found(size));
        let e = estimate(&model, None, &registry);
        let base = &e.stages[0].base_amount;
        assert_eq!(base.bytes, Some(1_080_000_000));
        assert_eq!(base.confidence, Confidence::Approximate);
        assert_eq!(
            notes(base),
            ["python:3.9 on disk estimated as 2.7 × its 400 MB download (linux/amd64, registry docker.io, fetched 2026-11-28)"]
        );
        // A size says nothing about the packages inside: apt stays unknown, as without it.
        let run = &e.instructions[0].amount;
        assert!(run.incomplete, "{run:?}");
        assert!(run
            .notes
            .iter()
            .any(|n| n.contains("no Debian package data")));
    }

    #[test]
    fn copies_count_the_context_files() {
        let ctx = Listing {
            files: vec![("app.py".into(), 1000), ("big.bin".into(), 5_000_000)],
            dockerignore: Some("*.bin\n".into()),
        };
        let e = estimate_str("FROM scratch\nCOPY . /app\n", Some(&ctx));
        assert_eq!(e.instructions[0].amount.bytes, Some(1000));
        assert_eq!(e.instructions[0].amount.delta(), "+1.0 kB");
        assert_eq!(e.final_image().unwrap().total.display(), "1.0 kB");
    }
    fn app_context() -> Listing {
        Listing {
            files: vec![
                ("app.py".into(), 1000),
                ("lib/util.py".into(), 200),
                ("lib/secret.key".into(), 50),
                ("big.bin".into(), 5_000_000),
            ],
            dockerignore: Some("*.bin\n**/*.key\n".into()),
        }
    }

    /// The amount of the last instruction that has one.
    fn last_copy(text: &str) -> Amount {
        let e = estimate_str(text, Some(&app_context()));
        e.instructions.last().unwrap().amount.clone()
    }

    const BUILD: &str = "FROM python:3.12-slim AS build\nWORKDIR /app\nCOPY . .\nRUN pip install --prefix=/install -r requirements.txt\n";

    #[test]
    fn copying_a_whole_stage_weighs_the_stage() {
        let text = format!("{BUILD}FROM scratch\nCOPY --from=build / /\n");
        let e = estimate_str(&text, Some(&app_context()));
        let total = &e.stages[0].total;
        let copy = &e.instructions.last().unwrap().amount;
        assert!(total.bytes.unwrap() > 100_000_000, "{total:?}");
        assert_eq!(
            (copy.bytes, copy.confidence, copy.incomplete),
            (total.bytes, total.confidence, total.incomplete)
        );
        assert_eq!(
            notes(copy),
            ["the whole of stage `build`, as estimated there"]
        );
        assert_eq!(e.final_image().unwrap().total.bytes, total.bytes);
        let dot = last_copy(&format!("{BUILD}FROM scratch\nCOPY --from=build /. /\n"));
        assert_eq!(dot.bytes, total.bytes);
    }

    #[test]
    fn a_file_the_stage_copied_from_the_context_is_exact() {
        let copy = last_copy(&format!(
            "{BUILD}FROM scratch\nCOPY --from=build /app/app.py /app.py\n"
        ));
        assert_eq!(copy.bytes, Some(1000));
        assert_eq!(copy.confidence, Confidence::Exact);
        assert!(!copy.incomplete);
        assert_eq!(copy.display(), "1.0 kB");
        assert_eq!(
            notes(&copy),
            ["1 file of the build context at `/app/app.py` in stage `build`"]
        );
    }

    #[test]
    fn a_directory_the_stage_copied_into_is_a_lower_bound() {
        let copy = last_copy(&format!(
            "{BUILD}FROM scratch\nCOPY --from=build /app /app\n"
        ));
        // app.py and lib/util.py: big.bin and the key are in .dockerignore.
        assert_eq!(copy.bytes, Some(1200));
        assert!(copy.incomplete);
        assert_eq!(copy.display(), "≥ 1.2 kB");
        assert!(copy.notes[0].contains("other instructions may have written there too"));
        let lib = last_copy(&format!(
            "{BUILD}FROM scratch\nCOPY --from=build app/lib/ /lib\n"
        ));
        assert_eq!((lib.bytes, lib.incomplete), (Some(200), true));
    }

    #[test]
    fn what_a_run_wrote_stays_unknown_and_names_the_stage() {
        let copy = last_copy(&format!(
            "{BUILD}FROM scratch\nCOPY --from=build /install /usr/local\n"
        ));
        assert_eq!(copy.bytes, None);
        assert_eq!(
            notes(&copy),
            ["`/install` in stage `build` is not from the build context: no size data"]
        );
        let ignored = last_copy(&format!(
            "{BUILD}FROM scratch\nCOPY --from=build /app/lib/secret.key /k\n"
        ));
        assert_eq!(
            ignored.bytes, None,
            ".dockerignore kept it out of the stage"
        );
        let glob = last_copy(&format!(
            "{BUILD}FROM scratch\nCOPY --from=build /app/*.py /\n"
        ));
        assert_eq!(glob.bytes, None);
        assert!(glob.notes[0].contains("stage `build`"), "{:?}", glob.notes);
    }

    #[test]
    fn an_image_named_by_from_stays_unknown() {
        let copy = last_copy("FROM scratch\nCOPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/uv\n");
        assert_eq!(copy.bytes, None);
        assert_eq!(
            notes(&copy),
            ["copies from the image `ghcr.io/astral-sh/uv:latest`: no size data for its files"]
        );
        // A stage defined after the copy is not one it can copy from: the name is an image's.
        let e = estimate_str(
            "FROM scratch\nCOPY --from=late /app.py /\nFROM scratch AS late\nCOPY . /\nFROM scratch\nCOPY --from=late /app.py /\n",
            Some(&app_context()),
        );
        assert!(e.instructions[0].amount.notes[0].contains("the image `late`"));
        assert_eq!(e.instructions[2].amount.bytes, Some(1000));
    }

    #[test]
    fn stages_are_named_case_insensitively_or_by_index() {
        let text = "FROM alpine:3.23 AS Build\nCOPY app.py /srv/\nFROM scratch\nCOPY --from=BUILD /srv/app.py /a\nCOPY --from=0 /srv/app.py /b\n";
        let e = estimate_str(text, Some(&app_context()));
        let bytes: Vec<Option<u64>> = e.instructions[1..].iter().map(|i| i.amount.bytes).collect();
        assert_eq!(bytes, [Some(1000), Some(1000)]);
        assert!(e.instructions[2].amount.notes[0].contains("stage `0`"));
    }

    #[test]
    fn a_stage_built_from_another_holds_its_files() {
        let copy = last_copy(&format!(
            "{BUILD}FROM build AS b2\nCOPY lib/util.py /extra/\nFROM scratch\nCOPY --from=b2 /app/app.py /extra/util.py /x/\n"
        ));
        assert_eq!((copy.bytes, copy.incomplete), (Some(1200), false));
    }

    #[test]
    fn a_scratch_stage_that_runs_nothing_is_fully_known() {
        let copy = last_copy(
            "FROM scratch AS files\nCOPY lib /lib/\nCOPY app.py /lib/\nFROM alpine:3.23\nCOPY --from=files /lib /opt/lib\n",
        );
        assert_eq!((copy.bytes, copy.incomplete), (Some(1200), false));
        assert_eq!(copy.confidence, Confidence::Exact);
    }

    #[test]
    fn a_stage_only_copied_from_is_estimated() {
        let text = "FROM alpine:3.23 AS files\nCOPY app.py /srv/\nFROM debian:bookworm AS unused\nRUN apt-get update && apt-get install -y curl\nFROM scratch\nCOPY --from=files / /\n";
        let tree = crate::syntax::parse(text);
        let model = Model::build(text, &tree);
        let e = estimate_stages(
            &model,
            Some(&app_context()),
            &RegistrySizes::default(),
            &[false, false, true],
        );
        let files = &e.stages[0].total;
        assert!(files.bytes.unwrap() > 1000, "{files:?}");
        assert_eq!(notes(&e.stages[1].total), ["not estimated"]);
        assert_eq!(e.final_image().unwrap().total.bytes, files.bytes);
    }
}
