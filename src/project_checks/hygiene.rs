//! HYGIENE001 dirty-worktree and HYGIENE002 stale-file: the repository state a deploy is
//! built from. (HYGIENE003 is a per-file check; HYGIENE004 comes from the suppressions.)

use super::{ProjectCheck, ProjectContext};
use crate::finding::Span;
use crate::project::ProjectModel;
use std::collections::BTreeMap;

pub struct RepositoryState;

/// What doctrine itself writes as it runs (the gate's history, the cache): never a reason to
/// refuse a deploy, committed or not.
const OWN_STATE: &[&str] = &[".doctrine/history.jsonl", ".doctrine/cache/"];

/// Directories of a mix project that only builds produce.
const BUILD_DIRS: &[&str] = &["_build", "deps", "cover"];

impl ProjectCheck for RepositoryState {
    fn rules(&self) -> &'static [&'static str] {
        &["HYGIENE001", "HYGIENE002"]
    }

    fn check(&self, project: &ProjectModel, cx: &mut ProjectContext) {
        if let Some(dirty) = cx.git.and_then(|git| git.dirty.as_ref()) {
            let own_state = |path: &str| {
                OWN_STATE
                    .iter()
                    .any(|own| path == *own || (own.ends_with('/') && path.starts_with(own)))
            };
            for (path, state) in dirty.iter().filter(|(path, _)| !own_state(path)) {
                cx.report_at(
                    "HYGIENE001",
                    path,
                    Span::first_line(),
                    format!(
                        "`{path}` is {state}: the deploy must build what was committed; \
                         commit it, stash it or add it to .gitignore"
                    ),
                );
            }
        }
        let (candidates, tracked) = match cx.git {
            Some(git) => (git.tracked.clone(), true),
            None => {
                let sources = cx.sources;
                let mut seen = sources.other_paths();
                seen.extend(sources.paths().iter().cloned());
                seen.extend(sources.text_paths().iter().cloned());
                seen.sort();
                seen.dedup();
                (seen, false)
            }
        };
        // Per build directory: its first file (where the finding points) and the count.
        let mut build_dirs: BTreeMap<String, (String, usize)> = BTreeMap::new();
        for path in &candidates {
            match stale(project, path) {
                Some(Stale::BuildOutput(dir)) => {
                    build_dirs.entry(dir).or_insert_with(|| (path.clone(), 0)).1 += 1
                }
                Some(Stale::File(what)) => {
                    let how = if tracked {
                        "is tracked by git"
                    } else {
                        "is in the project tree"
                    };
                    cx.report_at(
                        "HYGIENE002",
                        path,
                        Span::first_line(),
                        format!(
                            "`{path}` ({what}) {how}: it never belongs in a commit; delete it \
                             (`git rm --cached`) and add its pattern to .gitignore"
                        ),
                    );
                }
                None => {}
            }
        }
        for (dir, (first, count)) in build_dirs {
            cx.report_at(
                "HYGIENE002",
                &first,
                Span::first_line(),
                format!(
                    "{count} file(s) under `{dir}/` are tracked by git: build output and fetched \
                     dependencies are produced by `mix`, never committed; `git rm -r --cached \
                     {dir}` and add `/{}/` to .gitignore",
                    dir.rsplit('/').next().unwrap_or(&dir)
                ),
            );
        }
    }
}

enum Stale {
    File(&'static str),
    /// A file under a build directory (`_build`, `deps`, `cover`) of a mix project: the
    /// directory, project-relative.
    BuildOutput(String),
}

fn stale(project: &ProjectModel, path: &str) -> Option<Stale> {
    let (dir, within) = project.within_mix_project(path);
    // Under `test/`, compiled modules, archives and whole build trees are test data (a
    // fixture archive, a prebuilt `.beam`); backups and merge leftovers are not.
    let fixture = within.starts_with("test/");
    if let Some(top) = within.split('/').next()
        && within.contains('/')
        && BUILD_DIRS.contains(&top)
        && !fixture
    {
        let dir = if dir.is_empty() {
            top.to_string()
        } else {
            format!("{dir}/{top}")
        };
        return Some(Stale::BuildOutput(dir));
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let what = match name {
        ".DS_Store" => "a macOS folder index",
        "erl_crash.dump" => "an Erlang crash dump",
        _ if name.ends_with(".orig") || name.ends_with(".rej") => "a merge or patch leftover",
        _ if name.ends_with(".bak") || name.ends_with('~') => "an editor backup",
        _ if name.ends_with(".swp") => "an editor swap file",
        _ if fixture && (name.ends_with(".beam") || name.ends_with(".ez")) => return None,
        _ if name.ends_with(".beam") => "a compiled module",
        _ if name.ends_with(".ez") => "a built archive",
        _ => return None,
    };
    Some(Stale::File(what))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn judged(path: &str) -> Option<String> {
        let project = ProjectModel::single_app(Path::new("/p"));
        stale(&project, path).map(|s| match s {
            Stale::File(what) => what.to_string(),
            Stale::BuildOutput(dir) => format!("dir {dir}"),
        })
    }

    #[test]
    fn names_that_never_belong_in_a_commit() {
        for path in [
            "lib/shop.ex.orig",
            "lib/shop.ex.rej",
            "config/prod.exs.bak",
            "lib/.shop.ex.swp",
            "README.md~",
            "assets/.DS_Store",
            "erl_crash.dump",
            "priv/Elixir.Shop.beam",
            "shop.ez",
        ] {
            assert!(judged(path).is_some(), "{path}");
        }
        assert_eq!(
            judged("_build/dev/lib/shop.beam").as_deref(),
            Some("dir _build")
        );
        assert_eq!(
            judged("apps/core/deps/jason/mix.exs").as_deref(),
            Some("dir apps/core/deps")
        );
        for path in [
            "lib/shop/deps/resolver.ex",
            "lib/shop.ex",
            "cover.md",
            "deps",
        ] {
            assert_eq!(judged(path), None, "{path}");
        }
    }
}
