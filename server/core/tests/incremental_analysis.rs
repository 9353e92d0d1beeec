//! The incremental analysis a language server runs per keystroke: findings equal a fresh
//! analysis of the same text after any edits, and an edit re-reads only the RUN scripts whose
//! text it changed and re-runs the rules only on the stages it changed (and those reading
//! them), however large the file (the benchmarks in bench/ time it on 20,000 lines).

use dockerlean_core::{analyze_str, Analyzer, SourceFile};
use proptest::prelude::*;
use proptest::sample::{select, Index};

fn large_file(blocks: usize) -> String {
    let mut text = String::from("FROM debian:bookworm\n");
    for i in 0..blocks {
        text.push_str(&format!(
            "RUN apt-get update && apt-get install -y \\\n    curl package{i} \\\n    && echo {i}\n\
             RUN <<EOF\npip install flask{i}\nEOF\nENV N{i}=1\n"
        ));
    }
    text
}

#[test]
fn an_edit_in_the_middle_of_a_file_rereads_one_script() {
    let text = large_file(300);
    let mut file = SourceFile::new(&text);
    let mut analyzer = Analyzer::default();
    analyzer.analyze(&file);
    assert_eq!(analyzer.scripts_read(), 600);

    let at = text.find("package150 ").unwrap();
    file.edit(at..at, "x");
    let findings = analyzer.analyze(&file).findings;
    assert_eq!(analyzer.scripts_read(), 1);
    assert_eq!(findings, analyze_str(&file.text()).findings);

    // A new RUN is one more script; moving every later instruction down costs nothing.
    let line = text.find("ENV N5=1\n").unwrap();
    file.edit(line..line, "RUN pip install requests\n");
    analyzer.analyze(&file);
    assert_eq!(analyzer.scripts_read(), 1);
}

#[test]
fn an_edit_in_one_stage_reanalyses_that_stage_only() {
    let mut text = String::from("ARG V=bookworm\n");
    for i in 0..200 {
        text.push_str(&format!(
            "FROM debian:${{V}}-slim AS s{i}\nRUN apt-get update && apt-get install -y curl{i}\nADD x{i} /x\n"
        ));
    }
    text.push_str("FROM debian:bookworm-slim\nCOPY --from=s150 /x /x\nRUN pip install flask\n");
    let mut file = SourceFile::new(&text);
    let mut analyzer = Analyzer::default();
    analyzer.analyze(&file);
    assert_eq!(analyzer.stages_analysed(), 201);

    // A builder stage nothing ships: only it.
    let at = text.find("curl40\n").unwrap();
    file.edit(at..at, "wget ");
    let findings = analyzer.analyze(&file).findings;
    assert_eq!(analyzer.stages_analysed(), 1);
    // Only that stage's text is read again: the others keep their instructions.
    assert_eq!(analyzer.spans_read(), 1);
    assert_eq!(analyzer.scripts_read(), 1);
    assert_eq!(findings, analyze_str(&file.text()).findings);

    // A stage the final one copies from: it and the final stage, which reads it.
    let at = text.find("curl150\n").unwrap() + 5;
    file.edit(at..at, "x");
    let findings = analyzer.analyze(&file).findings;
    assert_eq!(analyzer.stages_analysed(), 2);
    assert_eq!(findings, analyze_str(&file.text()).findings);

    // The global ARG every FROM reads: everything.
    file.edit(6..14, "trixie");
    let findings = analyzer.analyze(&file).findings;
    assert_eq!(analyzer.stages_analysed(), 201);
    assert_eq!(findings, analyze_str(&file.text()).findings);
}

#[test]
fn identical_instructions_share_one_reading() {
    let text = "FROM a\nRUN apt-get install -y curl\nRUN apt-get install -y curl\n";
    let mut analyzer = Analyzer::default();
    let findings = analyzer.analyze(&SourceFile::new(text)).findings;
    assert_eq!(analyzer.scripts_read(), 1);
    assert_eq!(findings, analyze_str(text).findings);
}

const SEEDS: &[&str] = &[
    "FROM debian:bookworm\nRUN apt-get update \\\n    && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\nRUN pip install flask\n",
    "FROM alpine\n  RUN <<EOF\napk add curl\necho done\nEOF\nRUN [\"sh\", \"-c\", \"apk add git\"]\n",
    "# escape=`\nFROM windows\nRUN echo a `\n  && pip install x\n",
    "FROM a AS b\r\nRUN apt-get install -y jq\r\nFROM b\r\nRUN pip install y\r\n",
    "# syntax=docker/dockerfile:1\nARG V=bookworm\nFROM debian:${V} AS base\nRUN apt-get update && apt-get install -y curl\n\
     FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM base AS tools\nRUN apt-get install -y git\n\
     # dockerlean ignore=DKL103\nFROM python:3.12 AS py\nRUN pip install flask\n\
     FROM tools\nCOPY --from=build / /\nCOPY --from=1 /app /app\nRUN --mount=from=py,target=/py cp /py/x /x\n\
     RUN rm -rf /var/lib/apt/lists/*\nCMD [\"/app\"]\n",
];

const FRAGMENTS: &[&str] = &[
    "\n",
    "\\\n",
    " ",
    "RUN ",
    "FROM x\n",
    "pip install z",
    "apt-get install -y q",
    " && ",
    "<<EOF\n",
    "EOF\n",
    "#",
    "\"",
    "'",
    "`\n",
    "😀",
    "\r\n",
    "  ",
    "--no-cache-dir ",
    "FROM base AS c\n",
    "FROM scratch\n",
    " AS build",
    "COPY --from=build / /\n",
    "COPY --from=0 /x /y\n",
    "ARG V=trixie\n",
    "RUN rm -rf /var/lib/apt/lists/*\n",
    "# dockerlean ignore=DKL102\n",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn cached_analysis_equals_a_fresh_one(
        seed in select(SEEDS),
        edits in prop::collection::vec(
            (any::<Index>(), 0..12usize, prop::collection::vec(select(FRAGMENTS), 0..3)),
            1..10,
        ),
    ) {
        let mut file = SourceFile::new(seed);
        let mut analyzer = Analyzer::default();
        analyzer.analyze(&file);
        for (at, delete, insert) in edits {
            let text = file.text();
            let start = file.floor_char_boundary(at.index(text.len() + 1));
            let end = file.floor_char_boundary(start + delete);
            file.edit(start..end, &insert.concat());
            let cached = analyzer.analyze(&file).findings;
            prop_assert_eq!(cached, analyze_str(&file.text()).findings);
        }
    }
}
