//! HLTH — operability: a health endpoint the load balancer can probe, and a migration entry
//! point the release can run.

use super::{ProjectCheck, ProjectContext};
use crate::project::{FileRole, ProjectModel};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

pub struct Operability;

/// Plug names that say what they serve: `plug MyAppWeb.HealthCheck`, `plug :healthz`,
/// `plug PlugCheckup, …`, `plug Heartbeat`.
const HEALTH_PLUG_WORDS: &[&str] = &["health", "heartbeat", "checkup", "livez", "readyz"];

impl ProjectCheck for Operability {
    fn rules(&self) -> &'static [&'static str] {
        &["HLTH001", "HLTH002"]
    }

    fn check(&self, project: &ProjectModel, cx: &mut ProjectContext) {
        if cx.enabled("HLTH001") {
            health_endpoint(cx);
        }
        if cx.enabled("HLTH002") {
            release_migrator(project, cx);
        }
    }
}

fn health_endpoint(cx: &mut ProjectContext) {
    let web = &cx.facts.web;
    let Some(router) = web.routers.first() else {
        return;
    };
    let paths = health_paths(cx.setting("HLTH001", "paths"));
    let routed = web.routers.iter().flat_map(|r| &r.routes).any(|route| {
        let path = route.path.trim_end_matches('/');
        paths.is_match(if path.is_empty() { "/" } else { path })
    });
    let plugged = web
        .endpoints
        .iter()
        .flat_map(|e| &e.plugs)
        .chain(
            web.routers
                .iter()
                .flat_map(|r| &r.pipelines)
                .flat_map(|p| &p.plugs),
        )
        .any(|plug| {
            let name = plug.name.to_ascii_lowercase();
            HEALTH_PLUG_WORDS.iter().any(|word| name.contains(word))
        });
    if routed || plugged {
        return;
    }
    let (path, span, module) = (router.path.clone(), router.span, router.module.clone());
    cx.report_at(
        "HLTH001",
        &path,
        span,
        format!(
            "no route or endpoint plug of `{module}` serves a health check (`/health`, \
             `/healthz`, `/livez`, `/readyz`): the load balancer and the deploy's health gate \
             cannot tell a booted node from a broken one; add `get \"/health\", HealthController, \
             :show` (or a plug in the endpoint, before the router)"
        ),
    );
}

/// The configured health paths as globs whose `*` stands for one path segment (`**` for
/// any number).
fn health_paths(patterns: &[String]) -> GlobSet {
    let mut set = GlobSetBuilder::new();
    for pattern in patterns {
        let pattern = pattern.trim_end_matches('/');
        if let Ok(glob) = GlobBuilder::new(pattern).literal_separator(true).build() {
            set.add(glob);
        }
    }
    set.build().unwrap_or_else(|_| GlobSet::empty())
}

fn release_migrator(project: &ProjectModel, cx: &mut ProjectContext) {
    // The project's own migrations: those of the root and its umbrella apps, not of an
    // example or test project nested in the repository.
    let deployed = |path: &&String| {
        let (dir, _) = project.within_mix_project(path);
        project.role_of(path) == FileRole::Migration
            && (dir.is_empty() || project.apps.iter().any(|app| app.dir == dir))
    };
    let migrations: Vec<&String> = cx.sources.paths().iter().filter(deployed).collect();
    let Some(first_migration) = migrations.first() else {
        return;
    };
    if cx.facts.modules.iter().any(|m| m.release_migrator) {
        return;
    }
    let count = migrations.len();
    let message = format!(
        "the project has {count} migration(s) but no module defines `migrate/0` and \
         `rollback/2`: a release has no Mix, so nothing can run them on deploy; add a \
         `MyApp.Release` module (`mix phx.gen.release` writes one) and call it from the \
         release's migrate step"
    );
    let (path, span) = cx
        .mix_exs_first_line("")
        .unwrap_or_else(|| (first_migration.to_string(), crate::finding::Span::default()));
    cx.report_at("HLTH002", &path, span, message);
}

#[cfg(test)]
mod tests {
    use super::health_paths;

    #[test]
    fn health_paths_match_whole_segments() {
        let defaults: Vec<String> = ["**/health", "**/healthz", "**/livez", "**/readyz"]
            .map(String::from)
            .to_vec();
        let paths = health_paths(&defaults);
        for path in [
            "/health",
            "/healthz",
            "/api/health",
            "/api/v1/health",
            "/readyz",
        ] {
            assert!(paths.is_match(path), "{path}");
        }
        for path in ["/healthcare", "/api/v1/health/x", "/", "/users"] {
            assert!(!paths.is_match(path), "{path}");
        }
        let custom = health_paths(&["/api/*/health".to_string()]);
        assert!(custom.is_match("/api/v1/health"));
        assert!(!custom.is_match("/api/v1/x/health"), "`*` is one segment");
    }
}
