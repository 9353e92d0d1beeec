//! Small pieces of English shared by messages, notes and reports.

/// `n` and `noun`, in the plural unless `n` is one: `1 file`, `3 files`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_is_singular_and_everything_else_plural() {
        assert_eq!(super::count(0, "file"), "0 files");
        assert_eq!(super::count(1, "file"), "1 file");
        assert_eq!(super::count(2, "finding"), "2 findings");
    }
}
