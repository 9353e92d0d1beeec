fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let tree = dockerlean_core::syntax::parse(&text);
    let m = dockerlean_core::Model::build(&text, &tree);
    for s in &m.stages {
        println!(
            "stage {} {:?} base={:?} body={:?} final={}",
            s.index, s.name, s.base, s.body, s.reaches_final
        );
    }
    for i in &m.instructions {
        println!(
            "{:?} stage={:?} {:?} flags={:?} args={:?}",
            i.kind,
            i.stage,
            &text[i.range()],
            i.flags.iter().map(|f| &f.name).collect::<Vec<_>>(),
            i.args.iter().map(|a| &a.text).collect::<Vec<_>>()
        );
        if let Some(s) = &i.script {
            for c in &s.commands {
                println!(
                    "   cmd {:?}",
                    c.words.iter().map(|w| &w.text).collect::<Vec<_>>()
                );
            }
            println!("   tail {:?}", s.tail);
        }
    }
    for f in dockerlean_core::analyze_str(&text).findings {
        println!("{} {:?} {}", f.code(), f.range, f.message);
    }
}
