//! TACH001 missing-test: every lib module with public API is covered by a test — its
//! mirrored test file exists, or some test file names it.

use super::{ProjectCheck, ProjectContext};
use crate::finding::ProjectFacts;
use crate::project::ProjectModel;
use crate::syntax::outline::{ModuleFact, ModuleKind};

pub struct TestsExist;

pub const RULE: &str = "TACH001";

impl ProjectCheck for TestsExist {
    fn rules(&self) -> &'static [&'static str] {
        &[RULE]
    }

    fn check(&self, project: &ProjectModel, cx: &mut ProjectContext) {
        let facts = cx.facts;
        let paths = cx.sources.paths();
        let untested: Vec<&ModuleFact> = judged(&facts.modules, |name| cx.exempts(RULE, name))
            .filter(|module| !is_tested(project, facts, paths, module))
            .collect();
        for module in untested {
            let expected = mirrored_test(project, &module.path)
                .map_or(String::new(), |t| format!(" and `{t}` does not exist"));
            cx.report_at(
                RULE,
                &module.path,
                module.span,
                format!(
                    "`{}` has public functions and no test: no test file names it{expected}; \
                     add a test (an alias of the module in a test counts)",
                    module.name
                ),
            );
        }
    }
}

/// How many of the modules TACH001 judges have a test, of how many: the health score's
/// estimate of the tests when there is no coverage report.
pub fn tested_share(
    project: &ProjectModel,
    facts: &ProjectFacts,
    paths: &[String],
    exempt: impl Fn(&str) -> bool,
) -> (u64, u64) {
    judged(&facts.modules, exempt).fold((0, 0), |(tested, all), module| {
        let has_test = is_tested(project, facts, paths, module);
        (tested + u64::from(has_test), all + 1)
    })
}

/// The lib modules that should have a test: those with public API that are neither
/// protocols, hidden, deprecated nor exempt.
fn judged(
    modules: &[ModuleFact],
    exempt: impl Fn(&str) -> bool,
) -> impl Iterator<Item = &ModuleFact> {
    modules.iter().filter(move |module| {
        module.kind != ModuleKind::Protocol
            && !module.hidden
            && !module.deprecated
            && module.public_api
            && !exempt(&module.name)
    })
}

/// Some test file names the module, or its mirrored test file exists.
fn is_tested(
    project: &ProjectModel,
    facts: &ProjectFacts,
    paths: &[String],
    module: &ModuleFact,
) -> bool {
    facts.tested_modules.contains(&module.name)
        || mirrored_test(project, &module.path)
            .is_some_and(|test| paths.binary_search(&test).is_ok())
}

/// `lib/a/b.ex` → `test/a/b_test.exs`, within the file's mix project.
fn mirrored_test(project: &ProjectModel, path: &str) -> Option<String> {
    let (dir, within) = project.within_mix_project(path);
    let stem = within.strip_prefix("lib/")?.strip_suffix(".ex")?;
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    Some(format!("{prefix}test/{stem}_test.exs"))
}

#[cfg(test)]
mod tests {
    use super::mirrored_test;
    use crate::project::ProjectModel;
    use std::path::Path;

    #[test]
    fn test_files_mirror_lib_files_per_app() {
        let project = ProjectModel::single_app(Path::new("/p"));
        assert_eq!(
            mirrored_test(&project, "lib/shop/cart.ex").as_deref(),
            Some("test/shop/cart_test.exs")
        );
        assert_eq!(
            mirrored_test(&project, "apps/core/lib/core/user.ex").as_deref(),
            Some("apps/core/test/core/user_test.exs")
        );
        assert_eq!(mirrored_test(&project, "priv/x.ex"), None);
    }
}
