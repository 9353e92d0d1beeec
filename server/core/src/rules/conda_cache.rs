//! DKL113: `conda install` / `conda env create` without `conda clean` in the same RUN.

use crate::finding::Severity;
use crate::model::{Command, Model};
use crate::rules::caches::{report_kept, Cache, Tool};
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL113",
        name: "conda-cache-kept",
        hadolint: None,
        severity: Severity::Warning,
        fixable: true,
        summary: "`conda install` without `conda clean -afy` leaves the package cache in the image",
        docs: r#"
## What it does
Finds a RUN, in a stage whose layers ship in the final image, that runs `conda install`,
`conda create`, `conda update` or `conda env create|update` (also with `mamba` and
`micromamba`) with no `conda clean` after it in the same RUN.

## Why it costs size
conda downloads every package archive into its package cache (`/opt/conda/pkgs`, or `pkgs/`
of the installation, or where `CONDA_PKGS_DIRS` points), extracts it there, and then links or
copies the files into the environment. Both the archives and the extracted copies stay; with
scientific stacks that is often hundreds of megabytes. Cleaning in a *later* RUN does not help:
the files stay in this RUN's layer.

## Not reported when
- the same RUN later runs `conda clean` (or `mamba clean`, `micromamba clean`), or removes the
  package cache folder;
- a `RUN --mount=type=cache` or `type=tmpfs` mount holds the package cache;
- the stage's layers do not ship (a build stage that is only copied from).

## Example
```dockerfile
FROM continuumio/miniconda3
RUN conda install -y numpy pandas
```

## Fix
```dockerfile
FROM continuumio/miniconda3
RUN conda install -y numpy pandas && conda clean -afy
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM continuumio/miniconda3\nRUN conda install -y numpy\n",
            "FROM continuumio/miniconda3\nRUN conda env create -f environment.yml\n",
            "FROM condaforge/miniforge3\nRUN mamba install -y -c conda-forge numpy && \\\n    echo done\n",
            "FROM mambaorg/micromamba\nRUN <<EOF\nmicromamba install -y -n base -f env.yaml\nEOF\n",
            "FROM continuumio/miniconda3\nRUN bash -c 'conda create -y -n app python=3.12'\n",
            "FROM continuumio/miniconda3\nRUN --mount=type=cache,target=/root/.cache/pip conda install -y numpy\n",
        ],
        clean: &[
            "FROM continuumio/miniconda3\nRUN conda install -y numpy && conda clean -afy\n",
            "FROM continuumio/miniconda3\nRUN conda install -y numpy && conda clean -a -f -y\n",
            "FROM mambaorg/micromamba\nRUN micromamba install -y -f env.yaml && \\\n    micromamba clean --all --yes\n",
            "FROM continuumio/miniconda3\nRUN conda install -y numpy && rm -rf /opt/conda/pkgs\n",
            "FROM continuumio/miniconda3\nRUN --mount=type=cache,target=/opt/conda/pkgs conda install -y numpy\n",
            "FROM continuumio/miniconda3\nENV CONDA_PKGS_DIRS=/pk\nRUN --mount=type=cache,target=/pk conda install -y numpy\n",
            "FROM continuumio/miniconda3 AS build\nRUN conda env create -f env.yml\nFROM debian\nCOPY --from=build /opt/conda /opt/conda\n",
            "FROM continuumio/miniconda3\nRUN conda config --add channels conda-forge && conda list\n",
        ],
    },
};

const PKGS: Cache = Cache {
    name: "the package cache (archives and their extracted copies)",
    at: &[
        "*/conda/pkgs",
        "*/miniconda3/pkgs",
        "*/miniconda/pkgs",
        "*/miniforge3/pkgs",
        "*/mambaforge/pkgs",
        "*/anaconda3/pkgs",
        "*/micromamba/pkgs",
        "~/.conda/pkgs",
        "$CONDA_PKGS_DIRS",
        "$CONDA_DIR/pkgs",
        "$CONDA_HOME/pkgs",
        "$MAMBA_ROOT_PREFIX/pkgs",
    ],
    options: &[],
};

const PROGRAMS: &[&str] = &["conda", "mamba", "micromamba"];

/// The subcommand, and for `env`, its own subcommand.
fn subcommand(cmd: &Command) -> (&str, &str) {
    let mut words = cmd
        .args()
        .iter()
        .map(|w| w.text.as_str())
        .filter(|w| !w.starts_with('-'));
    (words.next().unwrap_or(""), words.next().unwrap_or(""))
}

static TOOL: Tool = Tool {
    fills,
    cleans: |cmd| PROGRAMS.contains(&cmd.program()) && subcommand(cmd).0 == "clean",
    fix: Some(|cmd| match cmd.program() {
        "micromamba" => format!("{} clean --all --force-pkgs-dirs --yes", cmd.words[0].text),
        _ => format!("{} clean -afy", cmd.words[0].text),
    }),
    message: |cmd, cache| {
        format!(
            "`{}` leaves {cache} in this layer: run `{} clean -afy` in the same RUN",
            cmd.program(),
            cmd.program()
        )
    },
};

fn fills(cmd: &Command) -> &'static [&'static Cache] {
    if !PROGRAMS.contains(&cmd.program()) {
        return &[];
    }
    match subcommand(cmd) {
        ("install" | "create" | "update" | "upgrade", _) => &[&PKGS],
        ("env", "create" | "update") => &[&PKGS],
        _ => &[],
    }
}

fn check(model: &Model, sink: &mut Sink) {
    report_kept(model, sink, &TOOL);
}
