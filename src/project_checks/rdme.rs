//! RDME — a real README in the project root and in every umbrella app.

use super::{ProjectCheck, ProjectContext};
use crate::project::ProjectModel;

pub struct Readmes;

/// `mix new` writes this line into the README it generates.
const GENERATOR_MARKER: &str = "**TODO: Add description**";
const MIN_WORDS: usize = 20;

/// File names that count as a README, in any letter case, most preferred first.
const README_NAMES: &[&str] = &[
    "readme.md",
    "readme.markdown",
    "readme",
    "readme.txt",
    "readme.rst",
];

/// The README among a directory's file names, if there is one.
fn find_readme(names: &[String]) -> Option<&String> {
    names
        .iter()
        .filter_map(|name| {
            let lower = name.to_ascii_lowercase();
            README_NAMES
                .iter()
                .position(|r| *r == lower)
                .map(|rank| (rank, name))
        })
        .min()
        .map(|(_, name)| name)
}

impl ProjectCheck for Readmes {
    fn rules(&self) -> &'static [&'static str] {
        &["RDME001", "RDME002"]
    }

    fn check(&self, project: &ProjectModel, cx: &mut ProjectContext) {
        let mut dirs = vec![String::new()];
        if project.umbrella {
            dirs.extend(project.apps.iter().map(|app| app.dir.clone()));
        }
        for dir in dirs {
            let prefix = if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            };
            let place = if dir.is_empty() {
                "the project root".to_string()
            } else {
                format!("`{dir}`")
            };
            let names = cx.sources.list(&dir);
            let readme = find_readme(&names).map(|name| format!("{prefix}{name}"));
            let Some((readme, content)) = readme.and_then(|r| cx.read(&r).map(|c| (r, c))) else {
                let message = format!("{place} has no README (README.md, or README in any case)");
                cx.report_on_project("RDME001", &dir, message);
                continue;
            };
            if let Some(problem) = stub_problem(&content) {
                let line = content
                    .lines()
                    .position(|l| l.contains(GENERATOR_MARKER))
                    .unwrap_or(0);
                cx.report(
                    "RDME002",
                    &readme,
                    &content,
                    line,
                    format!("{readme} {problem}"),
                );
            }
        }
    }
}

/// Why a README is a stub, if it is one.
fn stub_problem(content: &str) -> Option<String> {
    if content.trim().is_empty() {
        return Some("is empty".into());
    }
    if content.contains(GENERATOR_MARKER) {
        return Some(format!(
            "is still the generator's template (`{GENERATOR_MARKER}`)"
        ));
    }
    let words = content
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .skip(1) // the title
        .flat_map(str::split_whitespace)
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    (words < MIN_WORDS).then(|| {
        format!(
            "has {words} word(s) beyond its title; describe the project in at least {MIN_WORDS}"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::{find_readme, stub_problem};

    #[test]
    fn readmes_in_any_letter_case_and_format() {
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        for name in [
            "README.md",
            "readme.md",
            "Readme.MD",
            "README",
            "README.markdown",
            "README.txt",
            "README.rst",
        ] {
            assert_eq!(
                find_readme(&names(&[name, "mix.exs"])),
                Some(&name.to_string())
            );
        }
        assert_eq!(
            find_readme(&names(&["README.txt", "README.md"])),
            Some(&"README.md".to_string())
        );
        assert_eq!(
            find_readme(&names(&["READ_ME.md", "docs.md", "README.html"])),
            None
        );
    }

    #[test]
    fn recognises_stub_readmes() {
        assert!(stub_problem("").is_some());
        assert!(stub_problem("  \n\n").is_some());
        assert!(stub_problem("# Core\n\n**TODO: Add description**\n").is_some());
        assert!(stub_problem("# Shop\n\nA shop.\n").is_some());
        let real = "# Shop\n\nShop is the storefront of the platform: it lists products, keeps \
                    carts in the session, takes payments through the gateway and sends orders on.\n";
        assert_eq!(stub_problem(real), None);
    }
}
