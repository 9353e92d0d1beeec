//! Sizes as people read them: decimal units, as `docker images` prints them.

/// `1.2 GB`, `95 MB`, `8.4 MB`, `512 kB`, `12 B`.
pub fn bytes(n: u64) -> String {
    const UNITS: &[(u64, &str)] = &[(1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "kB")];
    for &(unit, name) in UNITS {
        if n >= unit {
            let v = n as f64 / unit as f64;
            return if v >= 10.0 {
                format!("{v:.0} {name}")
            } else {
                format!("{v:.1} {name}")
            };
        }
    }
    format!("{n} B")
}

/// `−90 %`: how much smaller `smaller` is than `larger`.
pub fn saving(smaller: u64, larger: u64) -> String {
    if larger == 0 {
        return String::new();
    }
    let pct = 100.0 * (larger.saturating_sub(smaller)) as f64 / larger as f64;
    format!("−{pct:.0} %")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_units() {
        assert_eq!(bytes(3_849_738), "3.8 MB");
        assert_eq!(bytes(1_110_000_000), "1.1 GB");
        assert_eq!(bytes(43_188_023), "43 MB");
        assert_eq!(bytes(410_908_459), "411 MB");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(saving(43, 411), "−90 %");
    }
}
