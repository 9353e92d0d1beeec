//! RUN scripts kept from one analysis of a document to the next, so that an edit re-reads with
//! bash only the RUN instructions whose text it changed. Reading a script is the costliest part
//! of building a model; everything else is linear scanning. Only files with another escape
//! character need it: they are read whole each time, while [`crate::model::ModelCache`] reads
//! backslash files by spans and finds the scripts of a span it re-reads in the last model.
//!
//! A script depends on nothing but its instruction's text ([`Instruction::key`]) and the
//! escape character: that pair is the key, and the script is stored with offsets relative to
//! the start of that text.

use std::collections::HashMap;

use crate::model::instruction::Instruction;
use crate::model::shell::{self, Script};

#[derive(Default)]
pub struct ScriptCache {
    /// What the previous build used; entries not used again are dropped after this build.
    previous: HashMap<Key, Script>,
    current: HashMap<Key, Script>,
    /// Scripts read with bash during the current build, and during the last finished one.
    reading: usize,
    read: usize,
}

type Key = (u8, Box<str>);

impl ScriptCache {
    pub(crate) fn script(&mut self, text: &str, instr: &Instruction, escape: u8) -> Script {
        let (start, text_key) = Instruction::key(text, &instr.line);
        let key = (escape, Box::from(text_key));
        if let Some(script) = self.current.get(&key) {
            return script.clone().moved(0, start);
        }
        let relative = match self.previous.remove(&key) {
            Some(script) => script,
            None => {
                self.reading += 1;
                shell::run_script(text, instr).moved(start, 0)
            }
        };
        let script = relative.clone().moved(0, start);
        self.current.insert(key, relative);
        script
    }

    /// Ends a build: the scripts it did not use are forgotten.
    pub(crate) fn finish(&mut self) {
        self.previous = std::mem::take(&mut self.current);
        self.read = std::mem::take(&mut self.reading);
    }

    /// How many scripts the last build had to read; the others came from the cache.
    pub fn last_read(&self) -> usize {
        self.read
    }
}
