//! Rule documentation pages and the rule listing, generated from the registry.
use crate::rules::RuleMeta;

/// The Markdown page for one rule.
pub fn page(meta: &RuleMeta) -> String {
    let mut out = format!("# {} `{}`\n\n", meta.code, meta.name);
    out.push_str(&format!("{}\n\n", meta.summary));
    out.push_str(&format!(
        "- Default severity: {}\n- Hadolint equivalent: {}\n- Fixable: {}\n\n",
        meta.severity.as_str(),
        meta.hadolint.unwrap_or("none"),
        if meta.fixable { "yes" } else { "no" }
    ));
    out.push_str(meta.docs.trim());
    out.push('\n');
    out
}

/// The Markdown index of every rule, linking to the pages written by [`page`] as `<CODE>.md`.
pub fn index() -> String {
    let mut out = String::from(
        "# Rules\n\nGenerated from the rule registry (`dockerlean rules`); do not edit by hand.\n\n\
         | Code | Name | Hadolint | Severity | Fixable | Summary |\n|---|---|---|---|---|---|\n",
    );
    for m in crate::rules::all_metas() {
        out.push_str(&format!(
            "| [{code}]({code}.md) | `{}` | {} | {} | {} | {} |\n",
            m.name,
            m.hadolint.unwrap_or("—"),
            m.severity.as_str(),
            if m.fixable { "yes" } else { "no" },
            m.summary.replace('|', "\\|"),
            code = m.code,
        ));
    }
    out
}
