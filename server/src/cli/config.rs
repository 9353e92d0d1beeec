//! Each input's project config, loaded once per folder, with each malformed config file
//! reported once on stderr.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use dockerlean_core::config::Config;

use super::discover::Input;
use crate::project_config;

#[derive(Default)]
pub struct Configs {
    /// By folder as the input names it, so that a folder's many inputs resolve its path once.
    by_given_dir: HashMap<PathBuf, Config>,
    /// By canonical folder, so that two names of one folder share its config.
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
        if let Some(config) = self.by_given_dir.get(&dir) {
            return config.clone();
        }
        let canonical = dir.canonicalize().unwrap_or_else(|_| dir.clone());
        let config = match self.by_dir.get(&canonical) {
            Some(config) => config.clone(),
            None => {
                let (config, problem) = project_config::load(&canonical);
                if let Some(problem) = problem {
                    if self.warned.insert(problem.path.clone()) {
                        eprintln!("dockerlean: warning: {problem} (using the default settings)");
                    }
                }
                self.by_dir.insert(canonical, config.clone());
                config
            }
        };
        self.by_given_dir.insert(dir, config.clone());
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_of_a_folder_gets_its_config() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p");
        std::fs::create_dir(&project).unwrap();
        std::fs::write(project.join(".dockerlean.toml"), "ignore = [\"DKL101\"]\n").unwrap();
        let mut configs = Configs::default();
        let direct = configs.for_input(&Input::File(project.join("Dockerfile")));
        assert_ne!(direct, Config::default());
        let other_name = project.join("..").join("p").join("Dockerfile.b");
        assert_eq!(configs.for_input(&Input::File(other_name)), direct);
        assert_eq!(configs.by_dir.len(), 1, "one folder, one load");
        let elsewhere = configs.for_input(&Input::File(dir.path().join("Dockerfile")));
        assert_eq!(elsewhere, Config::default());
    }
}
