//! Writes the benchmark Dockerfiles: `generate DIR` → DIR/{small,medium,large,huge}.Dockerfile.

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "bench/generated".into());
    std::fs::create_dir_all(&dir)?;
    for (name, lines) in dockerlean_bench::SIZES {
        let path = std::path::Path::new(&dir).join(format!("{name}.Dockerfile"));
        std::fs::write(&path, dockerlean_bench::dockerfile(lines))?;
        println!("{}", path.display());
    }
    Ok(())
}
