//! DEPS — dependency hygiene, judged on the dependencies each `mix.exs` of the project
//! declares (the scan's `MixFacts`) and the `mix.lock` that pins them.

mod lock_out_of_sync;

use super::{ProjectCheck, ProjectContext};
use crate::project::ProjectModel;
use crate::syntax::mix::{DepSource, GitPin, Requirement, is_bounded};

pub struct Dependencies;

impl ProjectCheck for Dependencies {
    fn rules(&self) -> &'static [&'static str] {
        &["DEPS001", "DEPS002", "DEPS003"]
    }

    fn check(&self, project: &ProjectModel, cx: &mut ProjectContext) {
        let facts = cx.facts;
        for mix in &facts.mix {
            for dep in &mix.deps {
                let unbounded = match (&dep.source, &dep.requirement) {
                    (DepSource::Hex, Requirement::Absent) => Some(format!(
                        "`{}` has no version requirement: any release, including the next \
                         major one, may be resolved; pin it (`\"~> x.y\"`)",
                        dep.name
                    )),
                    (DepSource::Hex | DepSource::Git { .. }, Requirement::Literal(req))
                        if !is_bounded(req) =>
                    {
                        Some(format!(
                            "`{}` requires `\"{req}\"`, which has no upper bound: `mix deps.update` \
                             may bring in a breaking major release; use `\"~> x.y\"`",
                            dep.name
                        ))
                    }
                    _ => None,
                };
                if let Some(message) = unbounded {
                    cx.report_at("DEPS001", &mix.path, dep.span, message);
                }
                if let DepSource::Git { url, pin } = &dep.source {
                    let problem = match pin {
                        GitPin::Unpinned => Some("neither `ref:` nor `tag:`".to_string()),
                        GitPin::Branch(branch) => Some(format!("`branch: \"{branch}\"`")),
                        GitPin::Ref(_) | GitPin::Tag(_) => None,
                    };
                    if let Some(problem) = problem {
                        cx.report_at(
                            "DEPS002",
                            &mix.path,
                            dep.span,
                            format!(
                                "git dependency `{}` ({url}) has {problem}: what it builds moves \
                                 with the branch; pin a `ref:` (a commit) or a `tag:`",
                                dep.name
                            ),
                        );
                    }
                }
            }
        }
        lock_out_of_sync::check(project, cx);
    }
}
