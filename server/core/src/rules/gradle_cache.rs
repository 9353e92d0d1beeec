//! DKL118: Gradle's caches left in a shipped layer.

use crate::finding::Severity;
use crate::model::{Command, Model};
use crate::rules::caches::{report_kept, Cache, Tool};
use crate::rules::commands::operation;
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL118",
        name: "gradle-cache-kept",
        hadolint: None,
        severity: Severity::Warning,
        fixable: false,
        summary: "`gradle build` / `./gradlew …` leaves Gradle's caches (~/.gradle) in the image",
        docs: r#"
## What it does
Finds a RUN, in a stage whose layers ship in the final image, that runs Gradle (`gradle` or
`./gradlew`) with a task, when Gradle's user home stays in the layer.

## Why it costs size
Gradle keeps every dependency and plugin it downloads, and the outputs of its build cache,
under `~/.gradle/caches` (or `GRADLE_USER_HOME`: `/home/gradle/.gradle` in the official gradle
images); the wrapper also keeps a whole Gradle distribution under `~/.gradle/wrapper`. The
application's jar already bundles what it needs at run time. Usually Gradle and the JDK are not
needed at run time either: build in an earlier stage and copy only the artifact into a
JRE-based final stage. Removing the caches in a *later* RUN does not help: the files stay in
this RUN's layer.

## Not reported when
- the same RUN later removes `~/.gradle` or its `caches`;
- a `RUN --mount=type=cache` or `type=tmpfs` mount holds them;
- the stage's layers do not ship: the usual multi-stage build, where the final stage copies the
  artifact out of the build stage.

No fix is offered: moving the build to its own stage needs a decision about the final image.

## Example
```dockerfile
FROM gradle:8-jdk21
WORKDIR /src
COPY . .
RUN gradle build --no-daemon
CMD ["java", "-jar", "build/libs/app.jar"]
```

## Fix
```dockerfile
FROM gradle:8-jdk21 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/home/gradle/.gradle gradle build --no-daemon

FROM eclipse-temurin:21-jre
COPY --from=build /src/build/libs/app.jar /app.jar
CMD ["java", "-jar", "/app.jar"]
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM gradle:8-jdk21\nRUN gradle build --no-daemon\n",
            "FROM eclipse-temurin:21\nRUN chmod +x gradlew && \\\n    ./gradlew bootJar\n",
            "FROM gradle:8-jdk21\nRUN <<EOF\ngradle build\nEOF\n",
            "FROM gradle:8-jdk21\nRUN sh -c './gradlew -p app build'\n",
            "FROM gradle:8-jdk21\nRUN --mount=type=cache,target=/root/.m2 gradle build\n",
        ],
        clean: &[
            "FROM gradle:8-jdk21 AS build\nRUN gradle build\nFROM eclipse-temurin:21-jre\nCOPY --from=build /src/build/libs/app.jar /app.jar\n",
            "FROM gradle:8-jdk21\nRUN --mount=type=cache,target=/home/gradle/.gradle gradle build\n",
            "FROM gradle:8-jdk21\nRUN --mount=type=cache,target=/root/.gradle/caches ./gradlew build\n",
            "FROM gradle:8-jdk21\nRUN ./gradlew build && rm -rf ~/.gradle\n",
            "FROM gradle:8-jdk21\nENV GRADLE_USER_HOME=/gh\nRUN --mount=type=cache,target=/gh gradle build\n",
            "FROM gradle:8-jdk21\nRUN gradle --version\n",
        ],
    },
};

const CACHES: Cache = Cache {
    name: "Gradle's caches (~/.gradle)",
    at: &["~/.gradle/caches", "$GRADLE_USER_HOME/caches"],
    options: &["-g", "--gradle-user-home"],
};

/// Options that take a separate value, so that it is not taken for a task.
const VALUE_OPTIONS: &[&str] = &[
    "-p",
    "--project-dir",
    "-b",
    "--build-file",
    "-c",
    "--settings-file",
    "-g",
    "--gradle-user-home",
    "-x",
    "--exclude-task",
    "-I",
    "--init-script",
    "--console",
    "--warning-mode",
    "-D",
    "-P",
];

static TOOL: Tool = Tool {
    fills: |cmd| match operation(cmd, &["gradle", "gradlew"], VALUE_OPTIONS) {
        Some(_) => &[&CACHES],
        None => &[],
    },
    cleans: |_| false,
    fix: None,
    message: |cmd: &Command, cache| {
        format!(
            "`{}` leaves {cache} in this layer: build in an earlier stage and copy only the artifact into the final one, or mount the Gradle home with `RUN --mount=type=cache`",
            cmd.program()
        )
    },
};

fn check(model: &Model, sink: &mut Sink) {
    report_kept(model, sink, &TOOL);
}
