//! Turns the Debian package table (`data/debian-bookworm-amd64.tsv.gz`, text as
//! `scripts/gen_debian_packages.py` writes it) into the binary form the runtime reads in place
//! (`src/size/debian/layout.rs`), and its few scalars and short lists into Rust constants, so
//! that no process decompresses or parses it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;

#[allow(dead_code)] // the runtime's half of the layout
#[path = "src/size/debian/layout.rs"]
mod layout;

use layout::Section;

const DATA: &str = "data/debian-bookworm-amd64.tsv.gz";

fn main() {
    println!("cargo:rerun-if-changed={DATA}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/size/debian/layout.rs");
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(DATA).expect(DATA))
        .read_to_string(&mut text)
        .expect("the package table is gzip of UTF-8 text");
    let table = Table::read(&text);
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out);
    std::fs::write(out.join("debian-table.bin"), table.binary()).expect("OUT_DIR is writable");
    std::fs::write(out.join("debian-table.rs"), table.constants()).expect("OUT_DIR is writable");
}

/// The columns of a `P` row (see `scripts/gen_debian_packages.py`).
struct Row<'l> {
    name: &'l str,
    kib: &'l str,
    depends: &'l str,
    pre_depends: &'l str,
    recommends: &'l str,
    provides: &'l str,
    flags: &'l str,
}

fn row(line: &str) -> Option<Row<'_>> {
    let mut f = line.split('\t');
    (f.next()? == "P").then_some(())?;
    Some(Row {
        name: f.next()?,
        kib: f.next()?,
        depends: f.next()?,
        pre_depends: f.next()?,
        recommends: f.next()?,
        provides: f.next()?,
        flags: f.next()?,
    })
}

#[derive(Default)]
struct Table<'t> {
    /// Packages first (ids `0..packages`), then virtual names as relations mention them.
    names: Vec<&'t str>,
    ids: HashMap<&'t str, u32>,
    packages: usize,
    /// (virtual name, the providing package's row in the file, its id).
    provided: Vec<(u32, usize, u32)>,
    installed_kib: Vec<u32>,
    flags: Vec<u8>,
    depends_ends: Vec<u32>,
    recommends_ends: Vec<u32>,
    relations: Vec<u32>,
    /// `S` rows by package: what its .deb holds.
    scanned: BTreeMap<u32, [u64; layout::FOOTPRINT_FIELDS]>,
    /// The `F` row's `key=value` pairs.
    fallback: Vec<(&'t str, f64)>,
    /// `B` rows: base-image package sets by name, with their roots.
    bases: Vec<(&'t str, Vec<&'t str>)>,
    provenance: Vec<&'t str>,
    date: &'t str,
}

impl<'t> Table<'t> {
    /// Package names first, so that relations can be stored as ids in one pass over the rest.
    fn read(text: &'t str) -> Table<'t> {
        let mut t = Table::default();
        // The packages common installs walk get the first ids, so that their entries sit
        // together in every per-package section and an install's resolution touches a few
        // pages of them: the scanned ones (the closures of the installs Dockerfiles make most and
        // of the base sets) and the required ones (debootstrap's minbase). Each group keeps the
        // file's order, the order minbase's required packages resolve in.
        let scanned: HashSet<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("S\t")?.split('\t').next())
            .collect();
        let (mut order, cold): (Vec<_>, Vec<_>) = text
            .lines()
            .filter_map(row)
            .enumerate()
            .partition(|(_, r)| scanned.contains(r.name) || r.flags.contains('r'));
        order.extend(cold);
        for (_, r) in &order {
            t.intern(r.name);
        }
        t.packages = t.names.len();
        for (package, (in_file, r)) in order.iter().enumerate() {
            t.installed_kib.push(r.kib.parse().unwrap_or(0));
            let flag = |c, bit| if r.flags.contains(c) { bit } else { 0 };
            t.flags
                .push(flag('y', layout::BYTE_COMPILED) | flag('r', layout::REQUIRED));
            t.push_relations(r.pre_depends);
            t.push_relations(r.depends);
            t.depends_ends.push(t.relations.len() as u32);
            t.push_relations(r.recommends);
            t.recommends_ends.push(t.relations.len() as u32);
            for v in r.provides.split(',').filter(|v| !v.is_empty()) {
                let name = t.intern(v);
                t.provided.push((name, *in_file, package as u32));
            }
        }
        for line in text.lines() {
            if let Some(comment) = line.strip_prefix("# ") {
                if let Some(d) = comment.strip_prefix("date: ") {
                    t.date = d;
                }
                t.provenance.push(comment);
            } else if let Some(rest) = line.strip_prefix("S\t") {
                let mut f = rest.split('\t');
                let Some(&id) = f.next().and_then(|n| t.ids.get(n)) else {
                    continue;
                };
                if id as usize >= t.packages {
                    continue;
                }
                let footprint =
                    std::array::from_fn(|_| f.next().and_then(|v| v.parse().ok()).unwrap_or(0));
                t.scanned.insert(id, footprint);
            } else if let Some(rest) = line.strip_prefix("F\t") {
                t.fallback = rest
                    .split('\t')
                    .filter_map(|kv| kv.split_once('='))
                    .map(|(k, v)| (k, v.parse().unwrap_or(0.0)))
                    .collect();
            } else if let Some(rest) = line.strip_prefix("B\t") {
                let mut f = rest.split('\t');
                if let Some(name) = f.next() {
                    t.bases.push((name, f.collect()));
                }
            }
        }
        t
    }

    fn intern(&mut self, name: &'t str) -> u32 {
        let next = self.names.len() as u32;
        let id = *self.ids.entry(name).or_insert(next);
        if id == next {
            self.names.push(name);
        }
        id
    }

    /// `a|b,c` → groups `[2, a, b]`, `[1, c]`.
    fn push_relations(&mut self, field: &'t str) {
        for group in field.split(',').filter(|g| !g.is_empty()) {
            let at = self.relations.len();
            self.relations.push(0);
            for alt in group.split('|') {
                let id = self.intern(alt);
                self.relations.push(id);
            }
            self.relations[at] = (self.relations.len() - at - 1) as u32;
        }
    }

    fn binary(&self) -> Vec<u8> {
        let mut names = Vec::new();
        let mut name_ends = Vec::new();
        for name in &self.names {
            names.extend_from_slice(name.as_bytes());
            name_ends.push(names.len() as u32);
        }
        // At most half full, so that a probe ends after a slot or two.
        let slots = (self.names.len() * 2).next_power_of_two();
        let mut index = vec![0u32; slots];
        for (id, name) in self.names.iter().enumerate() {
            let slot = layout::probes(name.as_bytes(), slots)
                .find(|&s| index[s] == 0)
                .expect("the index has free slots");
            index[slot] = id as u32 + 1;
        }
        // A virtual name's providers in the file's order: the resolver picks the first.
        let mut provided = self.provided.clone();
        provided.sort_unstable();
        let mut providers = Vec::new();
        let mut provider_ends = Vec::new();
        let mut next = provided.iter().peekable();
        for name in 0..self.names.len() as u32 {
            while let Some(&(_, _, p)) = next.next_if(|(n, ..)| *n == name) {
                providers.push(p);
            }
            provider_ends.push(providers.len() as u32);
        }
        let scanned_ids: Vec<u32> = self.scanned.keys().copied().collect();
        let footprints: Vec<u32> = self
            .scanned
            .values()
            .flat_map(|f| f.iter().flat_map(|&v| [v as u32, (v >> 32) as u32]))
            .collect();

        let sections: Vec<Vec<u8>> = layout::SECTIONS
            .iter()
            .map(|s| match s {
                Section::Names => names.clone(),
                Section::NameEnds => words(&name_ends),
                Section::Index => words(&index),
                Section::ProviderEnds => words(&provider_ends),
                Section::Providers => words(&providers),
                Section::InstalledKib => words(&self.installed_kib),
                Section::Flags => self.flags.clone(),
                Section::DependsEnds => words(&self.depends_ends),
                Section::RecommendsEnds => words(&self.recommends_ends),
                Section::Relations => words(&self.relations),
                Section::ScannedIds => words(&scanned_ids),
                Section::Scanned => words(&footprints),
            })
            .collect();
        let mut header = vec![layout::MAGIC, self.packages as u32];
        let mut at = 4 * layout::HEADER_WORDS;
        for s in &sections {
            header.push(at as u32);
            header.push((at + s.len()) as u32);
            at = (at + s.len()).next_multiple_of(4);
        }
        let mut out = words(&header);
        for s in &sections {
            out.extend_from_slice(s);
            out.resize(out.len().next_multiple_of(4), 0);
        }
        out
    }

    /// What is not per package, as Rust items for `include!`.
    fn constants(&self) -> String {
        let mut rs = String::new();
        let fallback = |key| {
            self.fallback
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(0.0, |&(_, v)| v)
        };
        rs.push_str("pub const FALLBACK: Fallback = Fallback {\n");
        for key in [
            "files_per_installed",
            "excluded_per_file",
            "info_bytes",
            "status_bytes",
            "byte_code_per_installed",
        ] {
            // `{:?}` prints the shortest text that parses back to the same f64.
            writeln!(rs, "    {key}: {:?},", fallback(key)).unwrap();
        }
        rs.push_str("};\n");
        rs.push_str("pub const BASES: &[(&str, &[&str])] = &[\n");
        for (name, roots) in &self.bases {
            writeln!(rs, "    ({name:?}, &{roots:?}),").unwrap();
        }
        rs.push_str("];\n");
        writeln!(
            rs,
            "pub const PROVENANCE: &[&str] = &{:?};",
            self.provenance
        )
        .unwrap();
        writeln!(rs, "pub const DATE: &str = {:?};", self.date).unwrap();
        rs
    }
}

fn words(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}
