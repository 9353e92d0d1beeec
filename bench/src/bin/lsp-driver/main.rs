//! End-to-end benchmark: drives language servers over stdio exactly as an editor does and
//! prints, side by side, what a user feels: start-up, first diagnostics, per-keystroke
//! diagnostics, hover and code action latency and peak memory; then `dockerlean check` against
//! hadolint on a corpus. Run through `bench/run.sh`; every option is described by `--help`.

#[path = "../../../../tests/common/lsp_client.rs"]
mod lsp_client;
mod report;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dockerlean_bench::TYPED;
use lsp_client::LspClient;
use report::{Row, Stats};
use serde_json::{json, Value};

const USAGE: &str = "usage: lsp-driver --server NAME=COMMAND... [--server NAME=COMMAND]... \
[--files DIR] [--sizes small,medium,...] [--keystrokes N] [--starts N] [--check COMMAND --hadolint COMMAND --corpus DIR]\n\
The first server is the one measured; every ratio is the other server's number over its own.";

struct Options {
    servers: Vec<(String, Vec<String>)>,
    files: PathBuf,
    /// Which of the generated sizes to run (all by default).
    sizes: Vec<String>,
    keystrokes: usize,
    starts: usize,
    check: Option<Vec<String>>,
    hadolint: Option<Vec<String>>,
    corpus: Option<PathBuf>,
}

fn main() {
    let options = parse_options();
    let mut rows = Vec::new();
    let names: Vec<&str> = options.servers.iter().map(|(n, _)| n.as_str()).collect();
    let starts = options
        .servers
        .iter()
        .map(|(_, cmd)| Some(cold_start(cmd, options.starts)))
        .collect();
    rows.push(Row::new("spawn → initialize (p50)", "", starts));
    for size in &options.sizes {
        let path = options.files.join(format!("{size}.Dockerfile"));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run the generator first)", path.display()));
        let runs: Vec<Session> = options
            .servers
            .iter()
            .map(|(name, cmd)| {
                eprintln!(
                    "lsp-driver: {name} on {size} ({} lines)",
                    text.lines().count()
                );
                session(cmd, &text, options.keystrokes)
            })
            .collect();
        let label = format!("{size} ({} lines)", text.lines().count());
        rows.extend(Session::rows(&runs, &label));
    }
    report::print_lsp(&names, &rows, options.keystrokes);
    if let (Some(check), Some(hadolint), Some(corpus)) =
        (&options.check, &options.hadolint, &options.corpus)
    {
        batch(check, hadolint, corpus);
    }
}

fn parse_options() -> Options {
    let mut options = Options {
        servers: Vec::new(),
        files: PathBuf::from("bench/generated"),
        sizes: dockerlean_bench::SIZES
            .iter()
            .map(|(size, _)| size.to_string())
            .collect(),
        keystrokes: dockerlean_bench::KEYSTROKES,
        starts: 20,
        check: None,
        hadolint: None,
        corpus: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| fail(&format!("{arg} needs a value")))
        };
        let words = |v: String| v.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        match arg.as_str() {
            "--server" => {
                let v = value();
                let (name, cmd) = v
                    .split_once('=')
                    .unwrap_or_else(|| fail("--server NAME=COMMAND"));
                options
                    .servers
                    .push((name.to_owned(), words(cmd.to_owned())));
            }
            "--files" => options.files = value().into(),
            "--sizes" => options.sizes = value().split(',').map(str::to_owned).collect(),
            "--keystrokes" => options.keystrokes = value().parse().unwrap_or_else(|_| fail("N")),
            "--starts" => options.starts = value().parse().unwrap_or_else(|_| fail("N")),
            "--check" => options.check = Some(words(value())),
            "--hadolint" => options.hadolint = Some(words(value())),
            "--corpus" => options.corpus = Some(value().into()),
            _ => fail(&format!("unknown argument {arg}")),
        }
    }
    if options.servers.is_empty() {
        fail("no --server given");
    }
    options
}

fn fail(message: &str) -> ! {
    eprintln!("lsp-driver: {message}\n{USAGE}");
    std::process::exit(2)
}

fn spawn(cmd: &[String]) -> (LspClient, PathBuf) {
    let cache = std::env::temp_dir().join(format!("lsp-driver-{}", std::process::id()));
    let args: Vec<&str> = cmd[1..].iter().map(String::as_str).collect();
    (LspClient::spawn(&cmd[0], &args, &cache), cache)
}

/// What an editor announces: UTF-16 positions, versioned diagnostics, no configuration pull.
/// What VS Code announces, as far as the measured requests are concerned.
fn capabilities() -> Value {
    json!({ "textDocument": {
        "publishDiagnostics": { "relatedInformation": true, "versionSupport": true },
        "hover": { "contentFormat": ["markdown", "plaintext"] },
        "codeAction": {
            "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix"] } },
            "resolveSupport": { "properties": ["edit"] }
        }
    } })
}

fn cold_start(cmd: &[String], times: usize) -> Stats {
    let samples = (0..times)
        .map(|_| {
            let started = Instant::now();
            let (mut client, _) = spawn(cmd);
            client.initialize(capabilities());
            let elapsed = started.elapsed();
            client.shutdown_and_exit();
            elapsed
        })
        .collect();
    Stats::of(samples)
}

/// One server on one file: open, type, ask for hovers and code actions, read peak memory.
/// `None` for what did not answer within the client's timeout (the session stops there).
struct Session {
    open: Option<Duration>,
    keystrokes: Option<Stats>,
    /// The server's CPU time per keystroke while typing, all its threads together.
    keystroke_cpu: Option<Duration>,
    hover: Option<Stats>,
    code_action: Option<Stats>,
    peak_rss_kib: u64,
}

const URI: &str = "file:///bench/Dockerfile";

/// How long one server types into one file at most.
const TYPING_BUDGET: Duration = Duration::from_secs(60);

fn session(cmd: &[String], text: &str, keystrokes: usize) -> Session {
    let (mut client, _) = spawn(cmd);
    client.initialize(capabilities());
    let started = Instant::now();
    client.did_open(URI, 1, text);
    let Some(mut diagnostics) = next_diagnostics(&mut client, 1) else {
        return Session::timed_out(client, None);
    };
    let open = started.elapsed();

    let middle_line = text.lines().count() / 2;
    let mut samples = Vec::with_capacity(keystrokes);
    let (mut line, mut column) = (middle_line, 0);
    let mut version = 1;
    let typing = Instant::now();
    let cpu_before = cpu_time(client.pid());
    for ch in TYPED.chars().cycle().take(keystrokes) {
        // A server seconds behind per keystroke is measured on fewer of them (never under 20).
        if samples.len() >= 20 && typing.elapsed() > TYPING_BUDGET {
            break;
        }
        version += 1;
        let at = json!({ "line": line, "character": column });
        let change = json!([{ "range": { "start": at, "end": at }, "text": ch.to_string() }]);
        let started = Instant::now();
        client.did_change(URI, version, change);
        let Some(published) = next_diagnostics(&mut client, version) else {
            return Session::timed_out(client, Some(open));
        };
        diagnostics = published;
        samples.push(started.elapsed());
        if ch == '\n' {
            (line, column) = (line + 1, 0);
        } else {
            column += ch.len_utf16();
        }
    }

    let keystroke_cpu = cpu_time(client.pid())
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before) / samples.len() as u32);
    let on_keyword = json!({ "line": middle_line, "character": 1 });
    let hover = timed_requests(
        &mut client,
        "textDocument/hover",
        || json!({ "textDocument": { "uri": URI }, "position": on_keyword }),
    );
    let target = diagnostics.first().cloned();
    let code_action = timed_requests(&mut client, "textDocument/codeAction", || {
        let (range, context) = match &target {
            Some(d) => (d["range"].clone(), vec![d.clone()]),
            None => (json!({ "start": on_keyword, "end": on_keyword }), vec![]),
        };
        json!({ "textDocument": { "uri": URI }, "range": range,
                "context": { "diagnostics": context } })
    });
    let peak_rss_kib = peak_rss_kib(client.pid());
    client.shutdown_and_exit();
    Session {
        open: Some(open),
        keystrokes: Some(Stats::of(samples)),
        keystroke_cpu,
        hover,
        code_action,
        peak_rss_kib,
    }
}

/// The diagnostics published after `version`: servers that version them are matched on it,
/// the others publish once per change, in order. `None` when nothing comes in time.
fn next_diagnostics(client: &mut LspClient, version: i64) -> Option<Vec<Value>> {
    let params = client.try_wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == URI && (p["version"].is_null() || p["version"] == version)
    })?;
    Some(
        params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    )
}

/// 50 requests one after another; `None` when the server does not offer the method.
fn timed_requests(
    client: &mut LspClient,
    method: &str,
    params: impl Fn() -> Value,
) -> Option<Stats> {
    let mut samples = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        let response = client.request(method, params());
        samples.push(started.elapsed());
        if response.get("error").is_some() {
            return None;
        }
    }
    Some(Stats::of(samples))
}

/// The CPU time the process's threads have run so far (the first field of each thread's
/// schedstat, in nanoseconds, unlike the clock ticks of `stat`); `None` where the kernel does
/// not keep it. Threads that have ended are not counted: the servers keep theirs while typing.
fn cpu_time(pid: u32) -> Option<Duration> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut total = 0;
    for task in tasks.flatten() {
        let schedstat = std::fs::read_to_string(task.path().join("schedstat")).ok()?;
        total += schedstat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
}

/// The largest resident set the process and its descendants reached (VmHWM), summed.
fn peak_rss_kib(pid: u32) -> u64 {
    let mut total = 0;
    let mut pending = vec![pid];
    while let Some(pid) = pending.pop() {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        total += status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0);
        pending.extend(children(pid));
    }
    total
}

fn children(pid: u32) -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("children")).ok())
        .flat_map(|c| {
            c.split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect::<Vec<_>>()
        })
        .collect()
}

impl Session {
    /// Dropping the client kills the server.
    fn timed_out(client: LspClient, open: Option<Duration>) -> Session {
        let peak_rss_kib = peak_rss_kib(client.pid());
        drop(client);
        Session {
            open,
            keystrokes: None,
            keystroke_cpu: None,
            hover: None,
            code_action: None,
            peak_rss_kib,
        }
    }

    fn rows(runs: &[Session], size: &str) -> Vec<Row> {
        let map = |f: &dyn Fn(&Session) -> Option<Stats>| runs.iter().map(f).collect::<Vec<_>>();
        vec![
            Row::new(
                "didOpen → diagnostics",
                size,
                map(&|s| s.open.map(|open| Stats::of(vec![open]))),
            ),
            Row::keystrokes(size, map(&|s| s.keystrokes.clone())),
            Row::new(
                "server CPU per keystroke (mean)",
                size,
                map(&|s| s.keystroke_cpu.map(|cpu| Stats::of(vec![cpu]))),
            ),
            Row::new("hover (p50)", size, map(&|s| s.hover.clone())),
            Row::new("codeAction (p50)", size, map(&|s| s.code_action.clone())),
            Row::memory(size, runs.iter().map(|s| s.peak_rss_kib).collect()),
        ]
    }
}

/// Lints every file of `corpus` with both tools, three times each, in turns: the machine's speed
/// drifts over a minute (one `check` build took 0.16 s and 0.30–0.33 s within half an hour),
/// and three runs of ours back to back, a second in all, sampled only the moment they ran in
/// while hadolint's took a minute.
fn batch(check: &[String], hadolint: &[String], corpus: &Path) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus)
        .unwrap_or_else(|e| panic!("{}: {e}", corpus.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let time = |cmd: &[String]| -> Duration {
        let started = Instant::now();
        Command::new(&cmd[0])
            .args(&cmd[1..])
            .args(&files)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("{}: {e}", cmd[0]));
        started.elapsed()
    };
    let (ours, theirs): (Vec<Duration>, Vec<Duration>) =
        (0..3).map(|_| (time(check), time(hadolint))).unzip();
    report::print_batch(files.len(), &ours, &theirs);
}
