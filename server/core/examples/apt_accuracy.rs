//! The apt layer estimator against measured layers: prints, per measured install, the
//! estimate, the measurement and the error, then the median and worst error.
//!
//!     cargo run -p dockerlean-core --example apt_accuracy -- ../shared/data/layer-truth/measured.tsv
//!
//! Reads rows measured with the official images' apt setup (docker-clean, gzip indexes) and
//! compares with `layer_bytes_lists_removed`; `scripts/measure_apt_layers.py` writes new rows
//! in the same format.

use dockerlean_core::size::debian::packages;
use dockerlean_core::size::estimate::layer_bytes;
use dockerlean_core::size::format::bytes;

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/layer-truth/measured.tsv".into());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (pkgs, rec, clean, gz, newly, removed) = (
        col("packages"),
        col("recommends"),
        col("apt_docker_clean"),
        col("gzip_indexes"),
        col("newly_installed"),
        col("layer_bytes_lists_removed"),
    );
    let p = packages();
    let base = p.base("debian:bookworm").expect("the minbase set");
    println!("packages\trecommends\tmeasured\testimated\terror\tnew packages (measured/ours)");
    let mut errors = Vec::new();
    let mut worst_outside = Vec::new();
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        if f[clean] != "yes" || f[gz] != "yes" {
            continue;
        }
        let names: Vec<&str> = f[pkgs].split_whitespace().collect();
        let resolution = p.resolve(&names, &base, f[rec] == "yes");
        let estimated = layer_bytes(p, &resolution.new) as f64;
        let measured: f64 = f[removed].parse().expect("a size");
        let error = (estimated - measured) / measured;
        let within = error.abs() <= 0.15 || (estimated - measured).abs() <= 2e6;
        if !within {
            worst_outside.push(f[pkgs].to_string());
        }
        errors.push(error.abs());
        println!(
            "{}\t{}\t{}\t{}\t{:+.1} %\t{}/{}",
            f[pkgs],
            f[rec],
            bytes(measured as u64),
            bytes(estimated as u64),
            100.0 * error,
            f[newly],
            resolution.new.len()
        );
    }
    errors.sort_by(f64::total_cmp);
    let median = if errors.len() % 2 == 1 {
        errors[errors.len() / 2]
    } else {
        (errors[errors.len() / 2 - 1] + errors[errors.len() / 2]) / 2.0
    };
    println!(
        "sets: {}  median |error|: {:.1} %  max |error|: {:.1} %  outside 15 % and 2 MB: {}",
        errors.len(),
        100.0 * median,
        100.0 * errors.last().copied().unwrap_or(0.0),
        if worst_outside.is_empty() {
            "none".to_string()
        } else {
            worst_outside.join(", ")
        }
    );
}
