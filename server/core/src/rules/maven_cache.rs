//! DKL117: Maven's local repository left in a shipped layer.

use crate::finding::Severity;
use crate::model::{Command, Model};
use crate::rules::caches::{report_kept, Cache, Tool};
use crate::rules::commands::operation;
use crate::rules::{Fixtures, Rule, RuleMeta, Sink};

pub static RULE: Rule = Rule {
    meta: RuleMeta {
        code: "DKL117",
        name: "maven-cache-kept",
        hadolint: None,
        severity: Severity::Warning,
        fixable: false,
        summary: "`mvn package` leaves Maven's local repository (~/.m2) in the image",
        docs: r#"
## What it does
Finds a RUN, in a stage whose layers ship in the final image, that runs Maven (`mvn` or
`./mvnw`) with a goal or phase (`package`, `install`, `verify`, `dependency:go-offline`, …),
when Maven's local repository stays in the layer.

## Why it costs size
Maven downloads every plugin and dependency, with their POMs, into its local repository
(`~/.m2/repository`, or where `-Dmaven.repo.local` points). The application's jar or war
already bundles what it needs at run time, and the repository is commonly hundreds of
megabytes. Usually Maven and the JDK are not needed at run time either: build in an earlier
stage and copy only the artifact into a JRE-based final stage. Removing the repository in a
*later* RUN does not help: the files stay in this RUN's layer.

## Not reported when
- the same RUN later removes `~/.m2` or its `repository`, or runs
  `mvn dependency:purge-local-repository`;
- a `RUN --mount=type=cache` or `type=tmpfs` mount holds the repository;
- the stage's layers do not ship: the usual multi-stage build, where the final stage copies the
  artifact out of the build stage.

No fix is offered: moving the build to its own stage needs a decision about the final image.

## Example
```dockerfile
FROM maven:3.9-eclipse-temurin-21
WORKDIR /src
COPY . .
RUN mvn -B package -DskipTests
CMD ["java", "-jar", "target/app.jar"]
```

## Fix
```dockerfile
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 mvn -B package -DskipTests

FROM eclipse-temurin:21-jre
COPY --from=build /src/target/app.jar /app.jar
CMD ["java", "-jar", "/app.jar"]
```
"#,
    },
    check,
    fixtures: Fixtures {
        fire: &[
            "FROM maven:3.9\nRUN mvn -B package -DskipTests\n",
            "FROM maven:3.9\nRUN ./mvnw dependency:go-offline && \\\n    ./mvnw -q -f pom.xml install\n",
            "FROM maven:3.9\nRUN <<EOF\nmvn package\nEOF\n",
            "FROM maven:3.9\nRUN sh -c 'mvn verify'\n",
            "FROM maven:3.9\nRUN --mount=type=cache,target=/root/.gradle mvn package\n",
        ],
        clean: &[
            "FROM maven:3.9 AS build\nRUN mvn package\nFROM eclipse-temurin:21-jre\nCOPY --from=build /src/target/app.jar /app.jar\n",
            "FROM maven:3.9\nRUN --mount=type=cache,target=/root/.m2 mvn package\n",
            "FROM maven:3.9\nRUN mvn package && rm -rf ~/.m2/repository\n",
            "FROM maven:3.9\nRUN --mount=type=cache,target=/m2 mvn -Dmaven.repo.local=/m2 package\n",
            "FROM maven:3.9\nRUN mvn --version && ./mvnw -v\n",
        ],
    },
};

const REPOSITORY: Cache = Cache {
    name: "Maven's local repository (~/.m2/repository)",
    at: &["~/.m2/repository", "$MAVEN_CONFIG/repository"],
    options: &["-Dmaven.repo.local"],
};

/// Options that take a separate value, so that it is not taken for a goal.
const VALUE_OPTIONS: &[&str] = &[
    "-f",
    "--file",
    "-s",
    "--settings",
    "-gs",
    "--global-settings",
    "-pl",
    "--projects",
    "-P",
    "--activate-profiles",
    "-T",
    "--threads",
    "-l",
    "--log-file",
    "-rf",
    "--resume-from",
    "-t",
    "--toolchains",
    "-b",
    "--builder",
    "-D",
    "--define",
];

static TOOL: Tool = Tool {
    fills: |cmd| match operation(cmd, &["mvn", "mvnw"], VALUE_OPTIONS) {
        Some(_) => &[&REPOSITORY],
        None => &[],
    },
    cleans: |cmd| {
        matches!(cmd.program(), "mvn" | "mvnw")
            && cmd
                .args()
                .iter()
                .any(|w| w.text.ends_with("dependency:purge-local-repository"))
    },
    fix: None,
    message: |cmd: &Command, cache| {
        format!(
            "`{}` leaves {cache} in this layer: build in an earlier stage and copy only the artifact into the final one, or mount ~/.m2 with `RUN --mount=type=cache`",
            cmd.program()
        )
    },
};

fn check(model: &Model, sink: &mut Sink) {
    report_kept(model, sink, &TOOL);
}
