//! TACH001 missing-test: every lib module with public API is covered by a test — its
//! mirrored test file exists, or some test file names it.

use super::{ProjectCheck, ProjectContext};
use crate::project::ProjectModel;
use crate::syntax::outline::ModuleKind;

pub struct TestsExist;

const RULE: &str = "TACH001";

impl ProjectCheck for TestsExist {
    fn rules(&self) -> &'static [&'static str] {
        &[RULE]
    }

    fn check(&self, project: &ProjectModel, cx: &mut ProjectContext) {
        let facts = cx.facts;
        let paths = cx.sources.paths();
        for module in &facts.modules {
            if module.kind == ModuleKind::Protocol
                || module.hidden
                || module.deprecated
                || !module.public_api
                || cx.exempts(RULE, &module.name)
                || facts.tested_modules.contains(&module.name)
            {
                continue;
            }
            let mirrored = mirrored_test(project, &module.path);
            if mirrored
                .as_ref()
                .is_some_and(|test| paths.binary_search(test).is_ok())
            {
                continue;
            }
            let expected = mirrored.map_or(String::new(), |t| format!(" and `{t}` does not exist"));
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
