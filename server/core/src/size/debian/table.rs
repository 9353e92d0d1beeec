//! The package table in memory: a few flat arrays instead of a structure per package, so the
//! ≈ 64,000 packages and their relations take a few MB and load in one pass over the
//! decompressed text (the language server loads it while the user waits for diagnostics).

use std::io::Read;

use rustc_hash::FxHashMap;

use crate::size::debian::{Footprint, PackageId};

/// A name a relation can mention: a package (ids `0..packages`, the same as its
/// [`PackageId`]) or a virtual name some packages provide (after them).
pub type NameId = u32;

#[derive(Default)]
pub struct Table {
    /// Every name, one after the other; name `i` ends at `name_ends[i]`.
    names: String,
    name_ends: Vec<u32>,
    ids: FxHashMap<Box<str>, NameId>,
    packages: usize,
    /// Per name: its providers are `providers[provider_ends[i-1]..provider_ends[i]]`.
    provider_ends: Vec<u32>,
    providers: Vec<PackageId>,
    /// Per package: Installed-Size in KiB and flags (b'y' byte-compiled, b'r' required).
    installed_kib: Vec<u32>,
    flags: Vec<u8>,
    /// Per package: its Pre-Depends and Depends, then its Recommends, as groups in
    /// `relations`: a group is its length followed by that many name ids.
    depends_ends: Vec<u32>,
    recommends_ends: Vec<u32>,
    relations: Vec<u32>,
    /// `S` rows: what the scanned packages' .debs hold.
    pub scanned: FxHashMap<PackageId, Footprint>,
    /// The `F` row: the scanned packages' ratios, for the others.
    pub fallback: Fallback,
    /// `B` rows: base-image package sets by name, with their roots.
    pub bases: Vec<(String, Vec<String>)>,
    pub provenance: Vec<String>,
    pub date: String,
}

/// What the scanned packages have per Installed-Size or per package (`F` row).
#[derive(Clone, Copy, Debug, Default)]
pub struct Fallback {
    pub files_per_installed: f64,
    pub excluded_per_file: f64,
    pub info_bytes: f64,
    pub status_bytes: f64,
    pub byte_code_per_installed: f64,
}

impl Fallback {
    fn read(row: &str) -> Fallback {
        let mut f = Fallback::default();
        for (key, value) in row.split('\t').filter_map(|kv| kv.split_once('=')) {
            let value = value.parse().unwrap_or(0.0);
            match key {
                "files_per_installed" => f.files_per_installed = value,
                "excluded_per_file" => f.excluded_per_file = value,
                "info_bytes" => f.info_bytes = value,
                "status_bytes" => f.status_bytes = value,
                "byte_code_per_installed" => f.byte_code_per_installed = value,
                _ => {}
            }
        }
        f
    }
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

impl Table {
    /// Reads the table from its decompressed text: package names first, so that relations
    /// can be stored as ids in one pass over the rest.
    pub fn read(mut data: impl Read) -> std::io::Result<Table> {
        let mut text = String::new();
        data.read_to_string(&mut text)?;
        let mut t = Table::default();
        for r in text.lines().filter_map(row) {
            let id = t.name_ends.len() as NameId;
            t.ids.insert(r.name.into(), id);
            t.push_name(r.name);
        }
        t.packages = t.name_ends.len();
        let mut provided: Vec<(NameId, PackageId)> = Vec::new();
        let mut package: PackageId = 0;
        for line in text.lines() {
            if let Some(comment) = line.strip_prefix("# ") {
                if let Some(d) = comment.strip_prefix("date: ") {
                    t.date = d.to_string();
                }
                t.provenance.push(comment.to_string());
            } else if let Some(r) = row(line) {
                t.installed_kib.push(r.kib.parse().unwrap_or(0));
                t.flags
                    .push(u8::from(r.flags.contains('y')) | u8::from(r.flags.contains('r')) << 1);
                t.push_relations(r.pre_depends);
                t.push_relations(r.depends);
                t.depends_ends.push(t.relations.len() as u32);
                t.push_relations(r.recommends);
                t.recommends_ends.push(t.relations.len() as u32);
                for v in r.provides.split(',').filter(|v| !v.is_empty()) {
                    provided.push((t.intern(v), package));
                }
                package += 1;
            } else if let Some(rest) = line.strip_prefix("S\t") {
                let mut f = rest.split('\t');
                let Some(id) = f
                    .next()
                    .and_then(|n| t.lookup(n))
                    .and_then(|n| t.package(n))
                else {
                    continue;
                };
                let mut next = || f.next().and_then(|v| v.parse().ok()).unwrap_or(0);
                let footprint = Footprint {
                    files: next(),
                    slim_excluded: next(),
                    info: next(),
                    status: next(),
                    byte_code: next(),
                    templates: next(),
                    generated: next(),
                };
                t.scanned.insert(id, footprint);
            } else if let Some(rest) = line.strip_prefix("F\t") {
                t.fallback = Fallback::read(rest);
            } else if let Some(rest) = line.strip_prefix("B\t") {
                let mut f = rest.split('\t').map(str::to_string);
                if let Some(name) = f.next() {
                    t.bases.push((name, f.collect()));
                }
            }
        }
        provided.sort_unstable();
        let mut next = provided.iter().peekable();
        for name in 0..t.name_ends.len() as NameId {
            while let Some((_, p)) = next.next_if(|(n, _)| *n == name) {
                t.providers.push(*p);
            }
            t.provider_ends.push(t.providers.len() as u32);
        }
        Ok(t)
    }

    fn push_name(&mut self, name: &str) {
        self.names.push_str(name);
        self.name_ends.push(self.names.len() as u32);
    }

    fn intern(&mut self, name: &str) -> NameId {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.name_ends.len() as NameId;
        self.ids.insert(name.into(), id);
        self.push_name(name);
        id
    }

    /// `a|b,c` → groups `[2, a, b]`, `[1, c]`.
    fn push_relations(&mut self, field: &str) {
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

    pub fn len(&self) -> usize {
        self.packages
    }

    pub fn name(&self, id: NameId) -> &str {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.name_ends[i - 1] };
        &self.names[start as usize..self.name_ends[i] as usize]
    }

    pub fn lookup(&self, name: &str) -> Option<NameId> {
        self.ids.get(name).copied()
    }

    /// The package a name is, if it is one.
    pub fn package(&self, name: NameId) -> Option<PackageId> {
        ((name as usize) < self.packages).then_some(name)
    }

    pub fn providers(&self, name: NameId) -> &[PackageId] {
        let i = name as usize;
        let start = if i == 0 { 0 } else { self.provider_ends[i - 1] };
        &self.providers[start as usize..self.provider_ends[i] as usize]
    }

    pub fn installed_bytes(&self, p: PackageId) -> u64 {
        u64::from(self.installed_kib[p as usize]) * 1024
    }

    pub fn byte_compiled(&self, p: PackageId) -> bool {
        self.flags[p as usize] & 1 != 0
    }

    pub fn required(&self, p: PackageId) -> bool {
        self.flags[p as usize] & 2 != 0
    }

    pub fn depends(&self, p: PackageId) -> Groups<'_> {
        let start = if p == 0 {
            0
        } else {
            self.recommends_ends[p as usize - 1]
        };
        Groups(&self.relations[start as usize..self.depends_ends[p as usize] as usize])
    }

    pub fn recommends(&self, p: PackageId) -> Groups<'_> {
        let start = self.depends_ends[p as usize];
        Groups(&self.relations[start as usize..self.recommends_ends[p as usize] as usize])
    }
}

/// A relation field's groups of alternative names.
pub struct Groups<'t>(&'t [u32]);

impl<'t> Iterator for Groups<'t> {
    type Item = &'t [NameId];

    fn next(&mut self) -> Option<&'t [NameId]> {
        let (&len, rest) = self.0.split_first()?;
        let (group, rest) = rest.split_at(len as usize);
        self.0 = rest;
        Some(group)
    }
}
