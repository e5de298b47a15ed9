//! Embeds every rule definition under `rules/` so the binary carries its own documentation.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let rules_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed={}", rules_dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&rules_dir)
        .expect("rules/ directory")
        .map(|entry| entry.expect("readable rules/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("pub static EMBEDDED_RULE_FILES: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy();
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded_rules.rs");
    std::fs::write(dest, out).expect("write embedded_rules.rs");
    println!("cargo:rustc-env=DOCTRINE_BUILD_ID={:016x}", build_id());
    compile_native();
}

/// The walk's one-pass child listing (src/syntax/native/) reads trees through tree-sitter's
/// internal headers, which the tree-sitter crate ships in `src/` beside the `include/`
/// directory it announces (`links = "tree-sitter"` gives us `DEP_TREE_SITTER_INCLUDE`).
fn compile_native() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/syntax/native/children.c");
    println!("cargo:rerun-if-changed={}", source.display());
    let include = std::path::PathBuf::from(
        std::env::var("DEP_TREE_SITTER_INCLUDE").expect("the tree-sitter crate's include path"),
    );
    let internals = include
        .parent()
        .expect("the tree-sitter crate's root")
        .join("src");
    cc::Build::new()
        .std("c11")
        .include(&include)
        .include(&internals)
        .define("_POSIX_C_SOURCE", "200112L")
        .define("_DEFAULT_SOURCE", None)
        .file(source)
        .compile("doctrine_native");
}

/// A hash of everything that decides what the binary reports (its sources, rules and locked
/// dependencies): the result cache is keyed by it, so a rebuilt binary with changed rules
/// never reads results written by another one, even under the same version number.
fn build_id() -> u64 {
    use std::hash::Hasher;
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "rules"] {
        println!("cargo:rerun-if-changed={}", manifest.join(dir).display());
        collect_files(&manifest.join(dir), &mut files);
    }
    files.push(manifest.join("Cargo.lock"));
    println!(
        "cargo:rerun-if-changed={}",
        manifest.join("Cargo.lock").display()
    );
    files.sort();
    // DefaultHasher::new() has fixed keys: the same inputs give the same id on every build.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for path in &files {
        hasher.write(
            path.strip_prefix(manifest)
                .unwrap_or(path)
                .to_string_lossy()
                .as_bytes(),
        );
        hasher.write(&std::fs::read(path).unwrap_or_default());
    }
    hasher.finish()
}

fn collect_files(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, files);
        } else {
            files.push(path);
        }
    }
}
