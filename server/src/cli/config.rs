//! Each input's project config, loaded once per folder, with each malformed config file
//! reported once on stderr.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use dockerlean_core::config::Config;

use super::discover::Input;
use crate::project_config;

#[derive(Default)]
pub struct Configs {
    by_dir: HashMap<PathBuf, Config>,
    warned: HashSet<PathBuf>,
}

impl Configs {
    /// Files use the config found from their folder; stdin the one found from the working
    /// directory.
    pub fn for_input(&mut self, input: &Input) -> Config {
        let dir = match input {
            Input::File(path) => path.parent().map(Path::to_owned).unwrap_or_default(),
            Input::Stdin => PathBuf::new(),
        };
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        let dir = dir.canonicalize().unwrap_or(dir);
        if let Some(config) = self.by_dir.get(&dir) {
            return config.clone();
        }
        let (config, problem) = project_config::load(&dir);
        if let Some(problem) = problem {
            if self.warned.insert(problem.path.clone()) {
                eprintln!("dockerlean: warning: {problem} (using the default settings)");
            }
        }
        self.by_dir.insert(dir, config.clone());
        config
    }
}
