use std::ops::Range;

use crate::environment::Environment;
use crate::finding::{Finding, Fix, Related};
use crate::model::Model;
use crate::rules::RuleMeta;

/// Where a rule reports its findings; it stamps each with the rule's metadata and severity.
pub struct Sink<'m> {
    #[allow(dead_code)]
    model: &'m Model<'m>,
    environment: &'m Environment,
    rule: Option<&'static RuleMeta>,
    findings: Vec<Finding>,
}

impl<'m> Sink<'m> {
    pub(crate) fn new(model: &'m Model<'m>, environment: &'m Environment) -> Sink<'m> {
        Sink {
            model,
            environment,
            rule: None,
            findings: Vec::new(),
        }
    }

    /// The files around the Dockerfile, as far as the caller knows them.
    pub fn environment(&self) -> &'m Environment {
        self.environment
    }

    pub(crate) fn set_rule(&mut self, rule: &'static RuleMeta) {
        self.rule = Some(rule);
    }

    pub fn report(
        &mut self,
        range: Range<usize>,
        message: impl Into<String>,
        fix: Option<Fix>,
    ) -> &mut Finding {
        let rule = self.rule.expect("set_rule before a rule runs");
        self.findings.push(Finding {
            rule,
            severity: rule.severity,
            range,
            message: message.into(),
            fix,
            related: Vec::<Related>::new(),
        });
        self.findings.last_mut().expect("just pushed")
    }

    pub(crate) fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}
