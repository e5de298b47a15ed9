//! The project model: where the root is, which apps it holds, and what role each path plays.

use crate::source::relative;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What a file is to the doctrine. Roles are decided from the path relative to its app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileRole {
    /// `*.ex` under `lib/` (except dev tooling).
    Lib,
    /// Files under `test/`.
    Test,
    /// `config/*.exs` that a production release evaluates (`config.exs`, `prod.exs`, `runtime.exs`).
    ConfigProd,
    /// `config/dev.exs`, `config/test.exs`, `*.secret.exs`.
    ConfigDev,
    /// `priv/*/migrations/*.exs`.
    Migration,
    /// `mix.exs`.
    Mix,
    /// `lib/mix/**`: Mix tasks and generators. Mix is not part of a release, so this code
    /// never runs in production.
    DevTooling,
    /// Any other Elixir file (scripts, `priv/` seeds, `rel/`).
    Other,
}

impl FileRole {
    pub const ALL: [FileRole; 8] = [
        FileRole::Lib,
        FileRole::Test,
        FileRole::ConfigProd,
        FileRole::ConfigDev,
        FileRole::Migration,
        FileRole::Mix,
        FileRole::DevTooling,
        FileRole::Other,
    ];

    /// The name used in rule files, `.doctrine.toml` (`roles = [...]`) and the docs.
    pub fn name(self) -> &'static str {
        match self {
            FileRole::Lib => "lib",
            FileRole::Test => "test",
            FileRole::ConfigProd => "config-prod",
            FileRole::ConfigDev => "config-dev",
            FileRole::Migration => "migration",
            FileRole::Mix => "mix",
            FileRole::DevTooling => "dev-tooling",
            FileRole::Other => "other",
        }
    }

    /// What the role covers, for `explain`.
    pub fn description(self) -> &'static str {
        match self {
            FileRole::Lib => "lib code (`lib/**/*.ex`)",
            FileRole::Test => "test code (`test/**`)",
            FileRole::ConfigProd => {
                "prod-relevant config (`config/config.exs`, `prod.exs`, `runtime.exs`)"
            }
            FileRole::ConfigDev => "dev-only config (`config/dev.exs`, `test.exs`, `*.secret.exs`)",
            FileRole::Migration => "migrations (`priv/*/migrations/*.exs`)",
            FileRole::Mix => "`mix.exs`",
            FileRole::DevTooling => "dev tooling (`lib/mix/**`: Mix tasks and generators)",
            FileRole::Other => {
                "other files (scripts, seeds, `rel/`; non-Elixir text files outside `test/`)"
            }
        }
    }

    /// The roles a name stands for: a role's own name, `config` for both config roles, `all`
    /// for every role.
    pub fn parse_selector(name: &str) -> Option<Vec<FileRole>> {
        match name {
            "config" => return Some(vec![FileRole::ConfigProd, FileRole::ConfigDev]),
            "all" => return Some(FileRole::ALL.to_vec()),
            _ => {}
        }
        FileRole::ALL
            .into_iter()
            .find(|r| r.name() == name)
            .map(|r| vec![r])
    }
}

/// A set of file roles (a bit per role).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoleSet(u16);

impl RoleSet {
    pub const ALL: RoleSet = RoleSet((1 << FileRole::ALL.len()) - 1);

    pub fn of(roles: impl IntoIterator<Item = FileRole>) -> RoleSet {
        RoleSet(roles.into_iter().fold(0, |bits, r| bits | 1 << r as u16))
    }

    /// Parse role names (`["lib", "test"]`); the first unknown name is the error.
    pub fn parse<'n>(names: impl IntoIterator<Item = &'n str>) -> Result<RoleSet, &'n str> {
        let mut roles = Vec::new();
        for name in names {
            roles.extend(FileRole::parse_selector(name).ok_or(name)?);
        }
        Ok(RoleSet::of(roles))
    }

    pub fn contains(self, role: FileRole) -> bool {
        self.0 & (1 << role as u16) != 0
    }

    pub fn roles(self) -> impl Iterator<Item = FileRole> {
        FileRole::ALL.into_iter().filter(move |r| self.contains(*r))
    }

    /// `lib, test` or `every file`, for the docs.
    pub fn describe(self) -> String {
        if self == RoleSet::ALL {
            return "every file".into();
        }
        self.roles()
            .map(FileRole::name)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct App {
    pub name: String,
    /// Relative to the project root, `/`-separated; empty for a non-umbrella project.
    pub dir: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProjectModel {
    pub root: PathBuf,
    pub umbrella: bool,
    /// An umbrella's `apps_path` (`apps` unless its `mix.exs` says otherwise).
    pub apps_path: String,
    pub apps: Vec<App>,
    /// Every directory holding a `mix.exs`, relative to the root (`""` for the root itself,
    /// which is always listed), sorted. File roles are decided against them.
    pub mix_projects: Vec<String>,
}

impl ProjectModel {
    /// Build the model for `root`: an umbrella's apps are the `apps/*` directories holding a
    /// `mix.exs`; otherwise the root is the only app. Nested mix projects (an installer, the
    /// apps of a repository laid out like Elixir's own) are found by a walk of the tree.
    pub fn discover(root: &Path) -> ProjectModel {
        let mix_files = crate::source::walker(root, false)
            .build()
            .flatten()
            .filter(|entry| entry.file_name() == "mix.exs")
            .filter_map(|entry| relative(root, entry.path()));
        ProjectModel::discover_with(root, mix_files)
    }

    /// `discover` with the project's `mix.exs` files already known (project-relative paths,
    /// from the walk of a whole-project run), so the tree is not walked twice.
    pub fn discover_with(root: &Path, mix_files: impl IntoIterator<Item = String>) -> ProjectModel {
        let apps_path = umbrella_apps_path(root);
        let umbrella = apps_path.is_some();
        let apps_path = apps_path.unwrap_or_else(|| DEFAULT_APPS_PATH.to_string());
        let mut apps = Vec::new();
        if umbrella && let Ok(entries) = std::fs::read_dir(root.join(&apps_path)) {
            for entry in entries.flatten() {
                if entry.path().join("mix.exs").is_file() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    apps.push(App {
                        dir: format!("{apps_path}/{name}"),
                        name,
                    });
                }
            }
            apps.sort_by(|a, b| a.dir.cmp(&b.dir));
        }
        if !umbrella {
            let name = root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            apps.push(App {
                name,
                dir: String::new(),
            });
        }
        let mut mix_projects = vec![String::new()];
        mix_projects.extend(
            mix_files
                .into_iter()
                .filter_map(|path| path.strip_suffix("/mix.exs").map(str::to_string)),
        );
        let mut model = ProjectModel::with_mix_projects(root, umbrella, apps, mix_projects);
        model.apps_path = apps_path;
        model
    }

    /// A single-app project with no umbrella, for in-memory sources.
    pub fn single_app(root: &Path) -> ProjectModel {
        let app = App {
            name: String::new(),
            dir: String::new(),
        };
        ProjectModel::with_mix_projects(root, false, vec![app], vec![String::new()])
    }

    fn with_mix_projects(
        root: &Path,
        umbrella: bool,
        apps: Vec<App>,
        mut mix_projects: Vec<String>,
    ) -> ProjectModel {
        mix_projects.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
        mix_projects.dedup();
        ProjectModel {
            root: root.to_path_buf(),
            umbrella,
            apps_path: DEFAULT_APPS_PATH.to_string(),
            apps,
            mix_projects,
        }
    }

    /// The role of `rel` (a `/`-separated path relative to the project root), decided within
    /// the innermost mix project holding it — except that anything under the `test/` of an
    /// enclosing project is test code (test fixtures are often whole mix projects).
    /// `apps/<app>/` counts as a mix project even when the model did not see its `mix.exs`
    /// (sources held in memory): that is the umbrella layout.
    pub fn role_of(&self, rel: &str) -> FileRole {
        role_in_app(self.within_mix_project(rel).1)
    }

    /// The innermost mix project holding `rel` (its directory, `""` for the root) and the
    /// path within it. Under the `test/` of an enclosing project, that project's directory
    /// and `test/...`: test fixtures are often whole mix projects.
    pub fn within_mix_project<'r>(&self, rel: &'r str) -> (String, &'r str) {
        let apps = &self.apps_path;
        let umbrella_app = rel
            .strip_prefix(apps.as_str())
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(|rest| rest.split_once('/'))
            .map(|(app, _)| format!("{apps}/{app}"));
        let mut within = ("", rel);
        for dir in self.mix_projects.iter().chain(&umbrella_app) {
            let inner = if dir.is_empty() {
                Some(rel)
            } else {
                rel.strip_prefix(dir.as_str())
                    .and_then(|r| r.strip_prefix('/'))
            };
            let Some(inner) = inner else {
                continue;
            };
            if inner.starts_with("test/") {
                return (dir.clone(), inner);
            }
            if inner.len() < within.1.len() {
                within = (dir.as_str(), inner);
            }
        }
        (within.0.to_string(), within.1)
    }
}

/// The role of `within_app`, a path relative to its mix project's directory.
fn role_in_app(within_app: &str) -> FileRole {
    let file_name = within_app.rsplit('/').next().unwrap_or(within_app);
    let first = within_app.split('/').next().unwrap_or("");
    match first {
        "lib" if file_name.ends_with(".ex") => {
            if within_app.starts_with("lib/mix/") {
                FileRole::DevTooling
            } else {
                FileRole::Lib
            }
        }
        "test" => FileRole::Test,
        "config" if file_name.ends_with(".exs") => {
            if matches!(file_name, "dev.exs" | "test.exs") || file_name.ends_with(".secret.exs") {
                FileRole::ConfigDev
            } else {
                FileRole::ConfigProd
            }
        }
        "priv" if is_migration(within_app) => FileRole::Migration,
        _ if within_app == "mix.exs" => FileRole::Mix,
        _ => FileRole::Other,
    }
}

fn is_migration(within_app: &str) -> bool {
    let parts: Vec<&str> = within_app.split('/').collect();
    parts.len() == 4 && parts[2] == "migrations" && parts[3].ends_with(".exs")
}

/// Walk up from `start` to the nearest directory holding `mix.exs`; if that is an app of an
/// umbrella (`<root>/apps/<app>`), the umbrella root is the project root.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let start = if start.is_file() {
        start.parent()?
    } else {
        start
    };
    let nearest = start
        .ancestors()
        .find(|dir| dir.join("mix.exs").is_file())?;
    // `<umbrella>/<apps_path>/<app>`: the app's grandparent (or further up, for an
    // `apps_path` of several segments) declares it.
    let umbrella = nearest.ancestors().skip(2).find(|candidate| {
        umbrella_apps_path(candidate)
            .is_some_and(|apps| nearest.parent() == Some(&candidate.join(apps)))
    });
    Some(umbrella.unwrap_or(nearest).to_path_buf())
}

const DEFAULT_APPS_PATH: &str = "apps";

/// An umbrella root's `mix.exs` names `apps_path:`; its value, read from the parsed file.
fn umbrella_apps_path(dir: &Path) -> Option<String> {
    let mix = dir.join("mix.exs");
    if !mix.is_file() {
        return None;
    }
    let src = crate::source::read_text_bounded(&mix, crate::source::MAX_METADATA_FILE).ok()?;
    if !src.contains("apps_path") {
        return None;
    }
    let tree = crate::syntax::parse::parse(&src).ok()?;
    let lines = crate::syntax::lines::LineIndex::new(&src);
    crate::syntax::mix::facts(tree.root_node(), &src, &lines)
        .apps_path
        .map(|path| path.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_sets_parse_names_and_the_config_shorthand() {
        let set = RoleSet::parse(["lib", "config"]).unwrap();
        assert!(set.contains(FileRole::Lib));
        assert!(set.contains(FileRole::ConfigProd) && set.contains(FileRole::ConfigDev));
        assert!(!set.contains(FileRole::Test));
        assert_eq!(set.describe(), "lib, config-prod, config-dev");
        assert_eq!(RoleSet::parse(["lib", "tests"]), Err("tests"));
        assert_eq!(
            RoleSet::parse(FileRole::ALL.map(FileRole::name)),
            Ok(RoleSet::ALL)
        );
        assert_eq!(RoleSet::ALL.describe(), "every file");
    }

    #[test]
    fn roles_follow_the_contract() {
        let single = ProjectModel::single_app(Path::new("/p"));
        let role_of = |rel| single.role_of(rel);
        assert_eq!(role_of("apps/core/lib/core.ex"), FileRole::Lib);
        assert_eq!(role_of("apps/web/test/test_helper.exs"), FileRole::Test);
        assert_eq!(role_of("apps/core/mix.exs"), FileRole::Mix);
        assert_eq!(role_of("lib/a/b.ex"), FileRole::Lib);
        assert_eq!(role_of("lib/a/b.exs"), FileRole::Other);
        assert_eq!(role_of("test/a_test.exs"), FileRole::Test);
        assert_eq!(role_of("test/support/conn_case.ex"), FileRole::Test);
        assert_eq!(role_of("config/prod.exs"), FileRole::ConfigProd);
        assert_eq!(role_of("config/runtime.exs"), FileRole::ConfigProd);
        assert_eq!(role_of("config/dev.exs"), FileRole::ConfigDev);
        assert_eq!(role_of("config/prod.secret.exs"), FileRole::ConfigDev);
        assert_eq!(
            role_of("priv/repo/migrations/20240101_create.exs"),
            FileRole::Migration
        );
        assert_eq!(role_of("priv/repo/seeds.exs"), FileRole::Other);
        assert_eq!(role_of("mix.exs"), FileRole::Mix);
        assert_eq!(role_of("lib_extra/x.ex"), FileRole::Other);
        assert_eq!(role_of("lib/mix/tasks/shop.seed.ex"), FileRole::DevTooling);
        assert_eq!(
            role_of("apps/core/lib/mix/tasks/core.gen.ex"),
            FileRole::DevTooling
        );
        assert_eq!(role_of("lib/shop/mix/helper.ex"), FileRole::Lib);
    }

    #[test]
    fn roles_are_decided_in_the_innermost_mix_project() {
        let dirs = [
            "",
            "apps/core",
            "installer",
            "lib/mix",
            "lib/mix/test/fixtures/umbrella",
        ];
        let model = ProjectModel::with_mix_projects(
            Path::new("/p"),
            false,
            Vec::new(),
            dirs.iter().map(|d| d.to_string()).collect(),
        );
        assert_eq!(model.role_of("apps/core/lib/core.ex"), FileRole::Lib);
        assert_eq!(
            model.role_of("apps/core/test/test_helper.exs"),
            FileRole::Test
        );
        assert_eq!(model.role_of("apps/core/mix.exs"), FileRole::Mix);
        assert_eq!(model.role_of("installer/lib/phx_new.ex"), FileRole::Lib);
        assert_eq!(
            model.role_of("installer/test/phx_new_test.exs"),
            FileRole::Test
        );
        // Without the nested project, `lib/mix/test/...` would look like lib code.
        assert_eq!(model.role_of("lib/mix/test/fixtures/x.ex"), FileRole::Test);
        // A mix project used as a test fixture is test code, whatever its own layout.
        assert_eq!(
            model.role_of("lib/mix/test/fixtures/umbrella/lib/x.ex"),
            FileRole::Test
        );
        assert_eq!(model.role_of("lib/mix/lib/mix.ex"), FileRole::Lib);
        // Within the nested project `lib/mix`, its `lib/mix/**` is dev tooling again.
        assert_eq!(
            model.role_of("lib/mix/lib/mix/tasks/compile.ex"),
            FileRole::DevTooling
        );
        // Directory names are matched whole: `installer2` is not inside `installer`.
        assert_eq!(model.role_of("installer2/lib/w.ex"), FileRole::Other);
    }
}
