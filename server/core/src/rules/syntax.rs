//! What the Docker builder rejects.
use crate::finding::Finding;
use crate::model::Model;
use crate::rules::RuleMeta;

pub static METAS: &[&RuleMeta] = &[];

pub fn check(_model: &Model) -> Vec<Finding> {
    Vec::new()
}
