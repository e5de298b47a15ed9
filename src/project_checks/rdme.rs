//! RDME — a real README in the project root and in every umbrella app.

use super::{ProjectCheck, ProjectContext};
use crate::project::ProjectModel;

pub struct Readmes;

/// `mix new` writes this line into the README it generates.
const GENERATOR_MARKER: &str = "**TODO: Add description**";
const MIN_WORDS: usize = 20;

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
            let readme = format!("{prefix}README.md");
            let place = if dir.is_empty() {
                "the project root".to_string()
            } else {
                format!("`{dir}`")
            };
            let Some(content) = cx.read(&readme) else {
                let mix = format!("{prefix}mix.exs");
                let mix_content = cx.read(&mix).unwrap_or_default();
                cx.report(
                    "RDME001",
                    &mix,
                    &mix_content,
                    0,
                    format!("{place} has no README.md"),
                );
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
    use super::stub_problem;

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
