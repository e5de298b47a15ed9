//! DEPS003 lock-out-of-sync: every hex and git dependency a `mix.exs` declares is in the
//! `mix.lock` that covers it, at a version its requirement admits (and, for git, with the
//! same `ref`/`tag`/`branch`).

use crate::project::ProjectModel;
use crate::project_checks::ProjectContext;
use crate::syntax::mix::{
    self, Dep, DepSource, LockEntry, LockFacts, Locked, MixFacts, Requirement,
};
use std::collections::HashMap;

pub(super) fn check(project: &ProjectModel, cx: &mut ProjectContext) {
    let facts = cx.facts;
    let mut locks: HashMap<String, Option<Vec<LockEntry>>> = HashMap::new();
    for mix in &facts.mix {
        let locked_deps: Vec<&Dep> = mix
            .deps
            .iter()
            .filter(|d| matches!(d.source, DepSource::Hex | DepSource::Git { .. }))
            .collect();
        let Some(first) = locked_deps.first() else {
            continue;
        };
        let lock_path = lock_of(project, mix);
        let entries = locks
            .entry(lock_path.clone())
            .or_insert_with(|| read_lock(cx, &lock_path));
        let Some(entries) = entries.as_ref() else {
            let message = format!(
                "{} declares {} dependencies but there is no `{lock_path}`: every build may \
                 resolve different versions; run `mix deps.get` and commit the lock",
                mix.path,
                locked_deps.len()
            );
            cx.report_at("DEPS003", &mix.path, first.span, message);
            continue;
        };
        let problems: Vec<(&Dep, String)> = locked_deps
            .iter()
            .filter_map(|dep| out_of_sync(dep, entries, &lock_path).map(|p| (*dep, p)))
            .collect();
        for (dep, problem) in problems {
            cx.report_at("DEPS003", &mix.path, dep.span, problem);
        }
    }
}

/// The lock file covering `mix`: its `lockfile:` option (relative to its directory), the
/// umbrella root's lock for an umbrella app, or the `mix.lock` beside it.
fn lock_of(project: &ProjectModel, mix: &MixFacts) -> String {
    let dir = mix.path.strip_suffix("mix.exs").unwrap_or("");
    let dir = dir.trim_end_matches('/');
    if let Some(lockfile) = &mix.lockfile {
        return join_lexically(dir, lockfile);
    }
    let in_umbrella = project.umbrella && project.apps.iter().any(|app| app.dir == dir);
    if in_umbrella {
        return "mix.lock".to_string();
    }
    join_lexically(dir, "mix.lock")
}

/// `dir/relative` with `.` and `..` resolved (`apps/web` + `../../mix.lock` → `mix.lock`).
fn join_lexically(dir: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// The entries of the lock at `path`: as the scan read it, or (a `lockfile:` elsewhere, a
/// lock the scan did not cover) read now.
fn read_lock(cx: &ProjectContext, path: &str) -> Option<Vec<LockEntry>> {
    if let Some(scanned) = cx.facts.locks.iter().find(|lock| lock.path == path) {
        return scanned.entries.clone();
    }
    LockFacts::read(path, &cx.read(path)?).entries
}

fn out_of_sync(dep: &Dep, entries: &[LockEntry], lock_path: &str) -> Option<String> {
    let Some(entry) = entries.iter().find(|e| e.name == dep.name) else {
        return Some(format!(
            "`{}` is not in `{lock_path}`: the next `mix deps.get` resolves it anew, so what \
             was tested is not what deploys; run `mix deps.get` and commit the lock",
            dep.name
        ));
    };
    match (&dep.source, &entry.locked, &dep.requirement) {
        (DepSource::Hex, Locked::Hex { version }, Requirement::Literal(req))
            if mix::satisfies(version, req) == Some(false) =>
        {
            Some(format!(
                "`{}` is locked at {version}, which `\"{req}\"` does not admit: `mix.exs` \
                 changed without `mix deps.get`; update the lock",
                dep.name
            ))
        }
        (DepSource::Git { pin, .. }, Locked::Git { options }, _) => {
            let wanted = pin.option();
            let locked = options
                .iter()
                .find(|(key, _)| matches!(key.as_str(), "ref" | "tag" | "branch"))
                .map(|(k, v)| (k.as_str(), v.as_str()));
            (wanted != locked).then(|| {
                let show = |pin: Option<(&str, &str)>| match pin {
                    Some((key, value)) => format!("`{key}: \"{value}\"`"),
                    None => "no pin".to_string(),
                };
                format!(
                    "`{}` asks for {} but `{lock_path}` has {}: `mix.exs` changed without \
                     `mix deps.get`; update the lock",
                    dep.name,
                    show(wanted),
                    show(locked)
                )
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::join_lexically;

    #[test]
    fn lock_paths_resolve_like_mix() {
        assert_eq!(join_lexically("apps/web", "../../mix.lock"), "mix.lock");
        assert_eq!(join_lexically("", "mix.lock"), "mix.lock");
        assert_eq!(
            join_lexically("installer", "mix.lock"),
            "installer/mix.lock"
        );
        assert_eq!(join_lexically("a", "./locks/mix.lock"), "a/locks/mix.lock");
    }
}
