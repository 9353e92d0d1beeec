//! The package table, read in place from the executable: `build.rs` writes it in the binary
//! form of [`layout`], so a process neither decompresses nor parses it, and only the pages its
//! lookups touch become resident.

use crate::size::debian::layout::{self, Section};
use crate::size::debian::{Footprint, PackageId};

/// What `build.rs` made of `data/debian-bookworm-amd64.tsv.gz` (see [`layout`]).
const BINARY: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/debian-table.bin"));

// FALLBACK, BASES, PROVENANCE and DATE: the table's rows that are not per package.
include!(concat!(env!("OUT_DIR"), "/debian-table.rs"));

/// A name a relation can mention: a package (ids `0..packages`, the same as its
/// [`PackageId`]) or a virtual name some packages provide (after them).
pub type NameId = u32;

/// What the scanned packages have per Installed-Size or per package (`F` row).
#[derive(Clone, Copy, Debug, Default)]
pub struct Fallback {
    pub files_per_installed: f64,
    pub excluded_per_file: f64,
    pub info_bytes: f64,
    pub status_bytes: f64,
    pub byte_code_per_installed: f64,
}

/// A section of little-endian u32 words.
#[derive(Clone, Copy)]
pub struct Words<'t>(pub(super) &'t [u8]);

impl<'t> Words<'t> {
    pub fn len(self) -> usize {
        self.0.len() / 4
    }

    pub fn is_empty(self) -> bool {
        self.0.is_empty()
    }

    pub fn get(self, i: usize) -> u32 {
        let b = &self.0[4 * i..4 * i + 4];
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    /// Words `start..end`.
    fn range(self, start: u32, end: u32) -> Words<'t> {
        Words(&self.0[4 * start as usize..4 * end as usize])
    }

    /// Part `i` of a section that `ends` splits (part 0 starts at 0).
    fn part(self, ends: Words<'_>, i: usize) -> Words<'t> {
        let start = if i == 0 { 0 } else { ends.get(i - 1) };
        self.range(start, ends.get(i))
    }

    /// Where `value` is in these ascending words.
    fn position(self, value: u32) -> Option<usize> {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = (low + high) / 2;
            match self.get(mid).cmp(&value) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    pub fn iter(self) -> impl Iterator<Item = u32> + 't {
        self.0
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

pub struct Table {
    packages: usize,
    names: &'static [u8],
    name_ends: Words<'static>,
    index: Words<'static>,
    provider_ends: Words<'static>,
    providers: Words<'static>,
    installed_kib: Words<'static>,
    flags: &'static [u8],
    depends_ends: Words<'static>,
    recommends_ends: Words<'static>,
    relations: Words<'static>,
    scanned_ids: Words<'static>,
    scanned: Words<'static>,
    pub fallback: Fallback,
    /// Base-image package sets by name, with their roots.
    pub bases: &'static [(&'static str, &'static [&'static str])],
    /// Header lines: what the data is and where it came from.
    pub provenance: &'static [&'static str],
    pub date: &'static str,
}

impl Table {
    /// Finds the sections: reads the header, nothing else.
    pub fn embedded() -> Table {
        let header = Words(&BINARY[..4 * layout::HEADER_WORDS]);
        assert_eq!(header.get(0), layout::MAGIC, "the package table's layout");
        let section = |s: Section| {
            let i = layout::SECTIONS.iter().position(|&t| t == s).unwrap_or(0);
            &BINARY[header.get(2 + 2 * i) as usize..header.get(3 + 2 * i) as usize]
        };
        Table {
            packages: header.get(1) as usize,
            names: section(Section::Names),
            name_ends: Words(section(Section::NameEnds)),
            index: Words(section(Section::Index)),
            provider_ends: Words(section(Section::ProviderEnds)),
            providers: Words(section(Section::Providers)),
            installed_kib: Words(section(Section::InstalledKib)),
            flags: section(Section::Flags),
            depends_ends: Words(section(Section::DependsEnds)),
            recommends_ends: Words(section(Section::RecommendsEnds)),
            relations: Words(section(Section::Relations)),
            scanned_ids: Words(section(Section::ScannedIds)),
            scanned: Words(section(Section::Scanned)),
            fallback: FALLBACK,
            bases: BASES,
            provenance: PROVENANCE,
            date: DATE,
        }
    }

    pub fn len(&self) -> usize {
        self.packages
    }

    /// How many names: packages and virtual names.
    #[cfg(test)]
    pub fn names(&self) -> usize {
        self.name_ends.len()
    }

    pub fn name(&self, id: NameId) -> &'static str {
        let i = id as usize;
        let start = if i == 0 { 0 } else { self.name_ends.get(i - 1) };
        let bytes = &self.names[start as usize..self.name_ends.get(i) as usize];
        // build.rs copied the bytes from a `&str`, name by name.
        std::str::from_utf8(bytes).unwrap_or_default()
    }

    pub fn lookup(&self, name: &str) -> Option<NameId> {
        for slot in layout::probes(name.as_bytes(), self.index.len()) {
            let id = self.index.get(slot).checked_sub(1)?;
            if self.name(id) == name {
                return Some(id);
            }
        }
        None
    }

    /// The package a name is, if it is one.
    pub fn package(&self, name: NameId) -> Option<PackageId> {
        ((name as usize) < self.packages).then_some(name)
    }

    pub fn providers(&self, name: NameId) -> Words<'static> {
        self.providers.part(self.provider_ends, name as usize)
    }

    pub fn installed_bytes(&self, p: PackageId) -> u64 {
        u64::from(self.installed_kib.get(p as usize)) * 1024
    }

    pub fn byte_compiled(&self, p: PackageId) -> bool {
        self.flags[p as usize] & layout::BYTE_COMPILED != 0
    }

    pub fn required(&self, p: PackageId) -> bool {
        self.flags[p as usize] & layout::REQUIRED != 0
    }

    pub fn depends(&self, p: PackageId) -> Groups {
        let p = p as usize;
        let start = if p == 0 {
            0
        } else {
            self.recommends_ends.get(p - 1)
        };
        Groups(self.relations.range(start, self.depends_ends.get(p)))
    }

    pub fn recommends(&self, p: PackageId) -> Groups {
        let p = p as usize;
        Groups(
            self.relations
                .range(self.depends_ends.get(p), self.recommends_ends.get(p)),
        )
    }

    /// What its .deb holds, if it was scanned.
    pub fn scanned(&self, p: PackageId) -> Option<Footprint> {
        let at = self.scanned_ids.position(p)? * 2 * layout::FOOTPRINT_FIELDS;
        let value = |field: usize| {
            let i = at + 2 * field;
            u64::from(self.scanned.get(i)) | u64::from(self.scanned.get(i + 1)) << 32
        };
        Some(Footprint {
            files: value(0),
            slim_excluded: value(1),
            info: value(2),
            status: value(3),
            byte_code: value(4),
            templates: value(5),
            generated: value(6),
        })
    }
}

/// A relation field's groups of alternative names.
pub struct Groups(Words<'static>);

impl Iterator for Groups {
    type Item = Words<'static>;

    fn next(&mut self) -> Option<Words<'static>> {
        if self.0.is_empty() {
            return None;
        }
        let len = self.0.get(0) as usize;
        let (group, rest) = self.0 .0[4..].split_at(4 * len);
        self.0 = Words(rest);
        Some(Words(group))
    }
}
