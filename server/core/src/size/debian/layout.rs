//! The binary form of the package table: what `build.rs` writes from
//! `data/debian-bookworm-amd64.tsv.gz` and the runtime reads in place from the executable, so
//! that a process pays no load and only the pages a lookup touches become resident. Both sides
//! include this one file, so they cannot disagree on the layout.
//!
//! The table is a header and sections, each starting on a 4-byte boundary. Every section except
//! [`Section::Names`] and [`Section::Flags`] (bytes) is an array of little-endian u32 words,
//! read with `u32::from_le_bytes`: no alignment of the embedded bytes is needed, and no
//! `unsafe`.
//!
//! A name is a package (ids `0..packages`) or a virtual name that packages provide (ids after
//! them); relations refer to names, so that a virtual name resolves to its providers.

/// The first word, so that a table of another layout fails at once.
pub const MAGIC: u32 = u32::from_le_bytes(*b"DLD1");

/// The sections in file order; the header holds each one's byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// Every name's bytes, one after the other (UTF-8, as Debian names are ASCII).
    Names,
    /// Per name: where its bytes end in [`Section::Names`].
    NameEnds,
    /// Open addressing over [`hash`]: a power-of-two count of slots, each 0 (empty) or a name
    /// id + 1; a name is at the first slot of [`probes`] that holds it, before an empty one.
    Index,
    /// Per name: where its providers end in [`Section::Providers`].
    ProviderEnds,
    /// Package ids, grouped by the name they provide.
    Providers,
    /// Per package: Installed-Size in KiB.
    InstalledKib,
    /// Per package, one byte: [`BYTE_COMPILED`] | [`REQUIRED`].
    Flags,
    /// Per package: where its Pre-Depends and Depends end in [`Section::Relations`] (they start
    /// where the previous package's Recommends end).
    DependsEnds,
    /// Per package: where its Recommends end (they start where its Depends end).
    RecommendsEnds,
    /// Groups of alternatives: a group is its length followed by that many name ids.
    Relations,
    /// The ids of the packages read from their .deb, ascending.
    ScannedIds,
    /// Per scanned package, in the order of [`Section::ScannedIds`]: [`FOOTPRINT_FIELDS`] u64
    /// values (files, slim_excluded, info, status, byte_code, templates, generated), each as
    /// two words, low first.
    Scanned,
}

pub const SECTIONS: [Section; 12] = [
    Section::Names,
    Section::NameEnds,
    Section::Index,
    Section::ProviderEnds,
    Section::Providers,
    Section::InstalledKib,
    Section::Flags,
    Section::DependsEnds,
    Section::RecommendsEnds,
    Section::Relations,
    Section::ScannedIds,
    Section::Scanned,
];

pub const FOOTPRINT_FIELDS: usize = 7;

/// Flags of a package.
pub const BYTE_COMPILED: u8 = 1;
pub const REQUIRED: u8 = 2;

/// Header words: [`MAGIC`], the number of packages, then each section's start and end byte.
pub const HEADER_WORDS: usize = 2 + 2 * SECTIONS.len();

/// FNV-1a: a few instructions per byte, and spreads Debian's names well enough (they share
/// prefixes, which the per-byte multiply mixes in).
pub fn hash(name: &[u8]) -> u32 {
    name.iter().fold(0x811c_9dc5, |h: u32, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The slots a name may be in, in order (linear probing; `slots` is a power of two).
pub fn probes(name: &[u8], slots: usize) -> impl Iterator<Item = usize> {
    let mask = slots - 1;
    let start = hash(name) as usize & mask;
    (0..slots).map(move |i| (start + i) & mask)
}
