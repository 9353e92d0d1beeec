//! Live registry look-ups, off by default: the download size of base images the embedded table
//! does not have, from the registry's manifests ([`client`]), kept on disk for a while
//! ([`cache`]). Look-ups never hold up an answer in the language server: what is not known yet
//! is fetched on a thread of its own, and whoever asked is told when it arrives. Any failure
//! leaves the size unknown, as without look-ups.

mod auth;
pub mod cache;
pub mod client;
mod manifest;
pub mod settings;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock};
use std::time::{Duration, SystemTime};

use dockerlean_core::size::registry_sizes::{Lookup, RegistrySize, RegistrySizes, Wanted};
use serde::{Deserialize, Serialize};

pub use cache::Cache;
pub use settings::Settings;

/// What a registry said about one reference and platform (what the disk cache keeps).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Answer {
    Found {
        /// The sum of the manifest's layer sizes.
        compressed: u64,
        layers: u32,
        platform: String,
    },
    /// Not in the registry, not for that platform, or not pullable without credentials.
    Missing { why: String },
}

/// How soon a look-up that failed (timeout, network, bad answer) is tried again.
const RETRY_FAILED: Duration = Duration::from_secs(60);

/// A reference (as [`dockerlean_core::size::image_ref::ImageRef`] prints it) and platform.
type Key = (String, String);

fn key(w: &Wanted) -> Key {
    (w.reference.to_string(), w.platform.clone())
}

pub struct Lookups {
    settings: RwLock<Settings>,
    cache: Cache,
    state: Mutex<State>,
    on_update: OnceLock<Box<dyn Fn() + Send + Sync>>,
    /// What [`Lookups::sizes`] gives while look-ups are off: always the same value, so that
    /// nothing looks changed.
    none: Arc<RegistrySizes>,
}

#[derive(Default)]
struct State {
    /// Replaced, never changed in place: an analysis can tell that it changed by its address.
    sizes: Arc<RegistrySizes>,
    /// When each answer stops being believed.
    until: HashMap<Key, SystemTime>,
    pending: HashSet<Key>,
}

impl State {
    fn settle(&mut self, w: &Wanted, lookup: Lookup, until: SystemTime) {
        let mut sizes = (*self.sizes).clone();
        sizes.insert(&w.reference, &w.platform, lookup);
        self.sizes = Arc::new(sizes);
        self.until.insert(key(w), until);
    }
}

impl Lookups {
    pub fn new(cache: Cache) -> Lookups {
        Lookups {
            settings: RwLock::new(Settings::default()),
            cache,
            state: Mutex::default(),
            on_update: OnceLock::new(),
            none: Arc::default(),
        }
    }

    pub fn set_settings(&self, settings: Settings) {
        *self
            .settings
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = settings;
    }

    pub fn settings(&self) -> Settings {
        self.settings
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// Called (on the look-up's thread) each time a background look-up ends.
    pub fn on_update(&self, hook: impl Fn() + Send + Sync + 'static) {
        let _ = self.on_update.set(Box::new(hook));
    }

    /// Everything known so far (nothing while look-ups are off).
    pub fn sizes(&self) -> Arc<RegistrySizes> {
        if !self.settings().lookups {
            return self.none.clone();
        }
        self.state().sizes.clone()
    }

    /// What is known of `wanted` now. What is not is looked up in the background, shown as
    /// being looked up meanwhile; the update hook runs as each look-up ends. Reads the disk
    /// cache, never waits on the network.
    pub fn request(self: &Arc<Self>, wanted: &[Wanted]) -> Arc<RegistrySizes> {
        let settings = self.settings();
        if !settings.lookups {
            return self.none.clone();
        }
        for w in self.begin(wanted, &settings) {
            let (lookups, settings) = (self.clone(), settings.clone());
            std::thread::spawn(move || {
                lookups.finish(&w, &settings);
                if let Some(hook) = lookups.on_update.get() {
                    hook();
                }
            });
        }
        self.sizes()
    }

    /// Looks up everything `wanted` still needs, all at once, and waits for the answers (each
    /// bounded by the timeout): the CLI's way.
    pub fn resolve(&self, wanted: &[Wanted]) -> Arc<RegistrySizes> {
        let settings = self.settings();
        if !settings.lookups {
            return self.none.clone();
        }
        let todo = self.begin(wanted, &settings);
        std::thread::scope(|scope| {
            for w in &todo {
                scope.spawn(|| self.finish(w, &settings));
            }
        });
        self.sizes()
    }

    /// Settles what the disk cache answers and marks the rest pending; returns the rest.
    fn begin(&self, wanted: &[Wanted], settings: &Settings) -> Vec<Wanted> {
        let now = SystemTime::now();
        let mut state = self.state();
        let mut todo = Vec::new();
        for w in wanted {
            let key = key(w);
            let believed = state.until.get(&key).is_some_and(|until| now < *until);
            if believed || state.pending.contains(&key) {
                continue;
            }
            if let Some((answer, fetched)) = self.cache.get(&key.0, &key.1, settings.ttl, now) {
                let until = fetched + cache::kept_for(&answer, settings.ttl);
                state.settle(w, lookup(answer, &w.reference.registry, fetched), until);
                continue;
            }
            // A size being refreshed stays on show; anything else says it is on its way.
            if state.sizes.found(&w.reference, &w.platform).is_none() {
                let note = format!("looking up in {}…", w.reference.registry);
                let mut sizes = (*state.sizes).clone();
                sizes.insert(&w.reference, &w.platform, Lookup::Missing(note));
                state.sizes = Arc::new(sizes);
            }
            state.pending.insert(key);
            todo.push(w.clone());
        }
        todo
    }

    fn finish(&self, w: &Wanted, settings: &Settings) {
        let (reference, platform) = key(w);
        let now = SystemTime::now();
        let (settled, until) = match client::fetch(settings, &w.reference, &w.platform) {
            Ok(answer) => {
                if let Err(e) = self.cache.put(&reference, &platform, &answer, now) {
                    eprintln!(
                        "dockerlean: cannot write the registry cache in {}: {e}",
                        self.cache.dir().display()
                    );
                }
                let until = now + cache::kept_for(&answer, settings.ttl);
                (lookup(answer, &w.reference.registry, now), until)
            }
            Err(failure) => (
                Lookup::Missing(format!("the look-up failed ({failure})")),
                now + RETRY_FAILED,
            ),
        };
        let mut state = self.state();
        state.settle(w, settled, until);
        state.pending.remove(&(reference, platform));
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn lookup(answer: Answer, registry: &str, fetched: SystemTime) -> Lookup {
    match answer {
        Answer::Found {
            compressed,
            layers,
            platform,
        } => Lookup::Found(RegistrySize {
            registry: registry.to_string(),
            platform,
            compressed,
            layers,
            fetched: humantime::format_rfc3339_seconds(fetched).to_string()[..10].to_string(),
        }),
        Answer::Missing { why } => Lookup::Missing(why),
    }
}
