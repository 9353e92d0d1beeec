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
