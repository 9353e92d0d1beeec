//! The apt layer estimator against measured layers (`layer-truth/measured.tsv` format): what the
//! accuracy example prints and the accuracy test checks.

use crate::size::debian::{packages, Records};
use crate::size::estimate::layer_bytes;

pub struct Case {
    pub packages: String,
    pub recommends: bool,
    pub measured: u64,
    pub estimated: u64,
    pub measured_new: Option<usize>,
    pub estimated_new: usize,
}

impl Case {
    /// Signed relative error of the estimate.
    pub fn error(&self) -> f64 {
        (self.estimated as f64 - self.measured as f64) / self.measured as f64
    }

    /// The target: within 15 % or 2 MB.
    pub fn within_target(&self) -> bool {
        self.error().abs() <= 0.15 || self.estimated.abs_diff(self.measured) <= 2_000_000
    }
}

/// Estimates every row measured with the official images' apt setup (docker-clean, gzip
/// indexes), against `layer_bytes_lists_removed`, on minbase with the slim images' dpkg
/// excludes (as measured). Rows of other setups are skipped.
pub fn evaluate(tsv: &str) -> Result<Vec<Case>, String> {
    let mut lines = tsv.lines();
    let header: Vec<&str> = lines.next().ok_or("empty file")?.split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or(format!("no column {name}"))
    };
    let (pkgs, rec, clean, gz, newly, removed) = (
        col("packages")?,
        col("recommends")?,
        col("apt_docker_clean")?,
        col("gzip_indexes")?,
        col("newly_installed")?,
        col("layer_bytes_lists_removed")?,
    );
    let p = packages();
    let base = p.base("debian:bookworm").ok_or("no minbase set")?;
    let records = Records::of(&p.total_footprint(base.iter()));
    let mut cases = Vec::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < header.len() || f[clean] != "yes" || f[gz] != "yes" {
            continue;
        }
        let names: Vec<&str> = f[pkgs].split_whitespace().collect();
        let recommends = f[rec] == "yes";
        let resolution = p.resolve(&names, base, recommends);
        cases.push(Case {
            packages: f[pkgs].to_string(),
            recommends,
            measured: f[removed]
                .parse()
                .map_err(|_| format!("bad size in {line}"))?,
            estimated: layer_bytes(&records, &resolution, true),
            measured_new: f[newly].parse().ok(),
            estimated_new: resolution.new.len(),
        });
    }
    Ok(cases)
}

/// The median of the absolute errors.
pub fn median_error(cases: &[Case]) -> f64 {
    let mut errors: Vec<f64> = cases.iter().map(|c| c.error().abs()).collect();
    errors.sort_by(f64::total_cmp);
    match errors.len() {
        0 => 0.0,
        n if n % 2 == 1 => errors[n / 2],
        n => (errors[n / 2 - 1] + errors[n / 2]) / 2.0,
    }
}
