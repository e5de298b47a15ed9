//! What a mix project declares (`mix.exs`: app, version, umbrella layout, dependencies) and
//! what its `mix.lock` pins. Both files are Elixir terms, read from the tree the parser
//! builds, never from the raw text.

use super::{body_statements, call_args, keyword_key, local_call_name, module_attribute, text};
use crate::finding::Span;
use crate::syntax::first_call_arg;
use crate::syntax::kinds::Fields;
use crate::syntax::lines::LineIndex;
use crate::syntax::literals::string_value;
use crate::syntax::named_children;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tree_sitter::Node;

/// How far dependency lists are followed through `++`, conditionals and private functions
/// (`deps: deps()`, `defp deps, do: base() ++ extra()`).
const MAX_DEPTH: usize = 16;

/// The facts of one `mix.exs`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MixFacts {
    /// The `mix.exs`, relative to the project root (set by the analyzer).
    pub path: String,
    /// `app: :shop`, without the colon.
    pub app: Option<String>,
    /// `version: "1.2.0"` or `version: @version` with `@version "1.2.0"`.
    pub version: Option<String>,
    pub version_span: Option<Span>,
    /// `apps_path: "apps"`: the project is an umbrella.
    pub apps_path: Option<String>,
    /// `lockfile: "../../mix.lock"` (umbrella apps point at the root's lock).
    pub lockfile: Option<String>,
    /// Whether `project/0` names `deps:` at all.
    pub declares_deps: bool,
    pub deps: Vec<Dep>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dep {
    /// Without the colon: `phoenix`.
    pub name: String,
    pub requirement: Requirement,
    pub source: DepSource,
    /// `only: :test` (as written), for messages.
    pub only: Option<String>,
    /// The dependency's tuple, first line.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Requirement {
    /// No requirement written (`{:plug, only: :test}`).
    Absent,
    /// A literal string (`"~> 1.7"`), or a module attribute holding one.
    Literal(String),
    /// Computed (`@phoenix_req` not found, `System.get_env(...)`): not judged.
    Dynamic,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DepSource {
    Hex,
    Git {
        url: String,
        pin: GitPin,
    },
    /// `path: "../shared"`.
    Path,
    /// `in_umbrella: true`.
    Umbrella,
    /// Options computed at run time (`{:hex_core, "~> 0.18", hex_core_opts()}`): not judged.
    Dynamic,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GitPin {
    Ref(String),
    Tag(String),
    Branch(String),
    /// Neither `ref:`, `tag:` nor `branch:`: the default branch's head.
    Unpinned,
}

impl GitPin {
    /// The pin's kind and value as `mix.lock` records them (`ref`, `"d4747…"`).
    pub fn option(&self) -> Option<(&'static str, &str)> {
        match self {
            GitPin::Ref(v) => Some(("ref", v)),
            GitPin::Tag(v) => Some(("tag", v)),
            GitPin::Branch(v) => Some(("branch", v)),
            GitPin::Unpinned => None,
        }
    }
}

/// The facts of the `mix.exs` whose tree is `root`. A file without a `project/0` (not a
/// mix project file after all) gives empty facts.
pub fn facts(root: Node, src: &str, lines: &LineIndex) -> MixFacts {
    let mut facts = MixFacts::default();
    let Some(module) = named_children(root).find(|n| local_call_name(*n, src) == Some("defmodule"))
    else {
        return facts;
    };
    let body = body_statements(module, src);
    let mut attributes: HashMap<&str, Node> = HashMap::new();
    let mut functions: HashMap<&str, Vec<Node>> = HashMap::new();
    for statement in &body {
        if let Some((name, Some(value))) = module_attribute(*statement, src) {
            attributes.insert(name, value);
        } else if matches!(local_call_name(*statement, src), Some("def" | "defp"))
            && let Some(name) = defined_name(*statement, src)
        {
            functions.entry(name).or_default().push(*statement);
        }
    }
    let reader = Reader {
        src,
        lines,
        attributes,
        functions,
    };
    let Some(project) = reader
        .functions
        .get("project")
        .and_then(|defs| defs.first())
        .and_then(|def| body_statements(*def, src).last().copied())
        .and_then(|value| reader.keywords_of(value))
    else {
        return facts;
    };
    for pair in named_children(project).filter(|p| p.kind() == "pair") {
        let (Some(key), Some(value)) = (pair.field("key"), pair.field("value")) else {
            continue;
        };
        match keyword_key(key, src) {
            "app" if value.kind() == "atom" => {
                facts.app = Some(text(value, src).trim_start_matches(':').to_string())
            }
            "version" => {
                facts.version = reader.string(value);
                facts.version_span = Some(reader.head_span(value));
            }
            "apps_path" => facts.apps_path = reader.string(value),
            "lockfile" => facts.lockfile = reader.string(value),
            "deps" => {
                facts.declares_deps = true;
                reader.collect_deps(value, 0, &mut facts.deps);
            }
            _ => {}
        }
    }
    facts
}

/// `def name do …`, `def name(args)`, `defp name, do: …` → `name`.
fn defined_name<'s>(def: Node, src: &'s str) -> Option<&'s str> {
    let head = first_call_arg(def)?;
    match head.kind() {
        "identifier" => Some(text(head, src)),
        "call" => local_call_name(head, src),
        _ => None,
    }
}

struct Reader<'t, 's> {
    src: &'s str,
    lines: &'s LineIndex<'s>,
    attributes: HashMap<&'s str, Node<'t>>,
    functions: HashMap<&'s str, Vec<Node<'t>>>,
}

impl<'t> Reader<'t, '_> {
    /// `[app: :a, …]` → its `keywords` node.
    fn keywords_of(&self, value: Node<'t>) -> Option<Node<'t>> {
        match value.kind() {
            "list" => named_children(value).find(|n| n.kind() == "keywords"),
            "keywords" => Some(value),
            _ => None,
        }
    }

    /// A string literal without interpolation, or a module attribute holding one.
    fn string(&self, value: Node) -> Option<String> {
        match value.kind() {
            "string" => string_value(value, self.src),
            "unary_operator" => {
                let (name, _) = module_attribute(value, self.src)?;
                self.string(*self.attributes.get(name)?)
            }
            _ => None,
        }
    }

    fn head_span(&self, node: Node) -> Span {
        self.lines
            .first_line_span(self.src, node.start_byte(), node.end_byte())
    }

    /// Every `{:name, …}` tuple the expression builds as a list element, through `++`,
    /// conditionals and calls of the module's own zero-argument functions.
    fn collect_deps(&self, node: Node<'t>, depth: usize, deps: &mut Vec<Dep>) {
        if depth > MAX_DEPTH {
            return;
        }
        match node.kind() {
            "tuple" => {
                if let Some(dep) = self.dep(node) {
                    deps.push(dep);
                }
            }
            "call" => {
                let name = local_call_name(node, self.src);
                let local = name.filter(|_| {
                    call_args(node).is_empty()
                        && node
                            .field("target")
                            .is_some_and(|t| t.kind() == "identifier")
                });
                match local.and_then(|n| self.functions.get(n)) {
                    Some(defs) => {
                        for def in defs.clone() {
                            if let Some(value) = body_statements(def, self.src).last() {
                                self.collect_deps(*value, depth + 1, deps);
                            }
                        }
                    }
                    // `if`, `case` and friends: every branch may contribute.
                    None => {
                        for child in named_children(node) {
                            self.collect_deps(child, depth + 1, deps);
                        }
                    }
                }
            }
            "string" | "atom" | "comment" => {}
            _ => {
                for child in named_children(node) {
                    self.collect_deps(child, depth + 1, deps);
                }
            }
        }
    }

    fn dep(&self, tuple: Node) -> Option<Dep> {
        let elements: Vec<Node> = named_children(tuple)
            .filter(|n| n.kind() != "comment")
            .collect();
        let name = elements.first().filter(|n| n.kind() == "atom")?;
        let name = text(*name, self.src).trim_start_matches(':').to_string();
        let (requirement, options) = match elements.get(1) {
            None => (Requirement::Absent, None),
            Some(second) if second.kind() == "keywords" => (Requirement::Absent, Some(*second)),
            Some(second) => {
                let requirement = match self.string(*second) {
                    Some(req) => Requirement::Literal(req),
                    None => Requirement::Dynamic,
                };
                (requirement, elements.get(2).copied())
            }
        };
        let source = match options {
            None => DepSource::Hex,
            Some(options) if options.kind() == "keywords" => self.source(options),
            Some(_) => DepSource::Dynamic,
        };
        let only = options
            .and_then(|o| self.option(o, "only"))
            .map(|v| text(v, self.src).to_string());
        Some(Dep {
            name,
            requirement,
            source,
            only,
            span: self.head_span(tuple),
        })
    }

    fn option(&self, options: Node<'t>, key: &str) -> Option<Node<'t>> {
        super::keyword_value(Some(options), key, self.src)
    }

    fn source(&self, options: Node) -> DepSource {
        let string = |key| self.option(options, key).and_then(|v| self.string(v));
        let given = |key| self.option(options, key).is_some();
        if given("path") {
            return DepSource::Path;
        }
        if self
            .option(options, "in_umbrella")
            .is_some_and(|v| text(v, self.src) == "true")
        {
            return DepSource::Umbrella;
        }
        let url = string("git").or_else(|| string("github").map(|repo| format!("github:{repo}")));
        let Some(url) = url else {
            if given("git") || given("github") {
                return DepSource::Dynamic;
            }
            return DepSource::Hex;
        };
        let pin = if let Some(reference) = string("ref") {
            GitPin::Ref(reference)
        } else if let Some(tag) = string("tag") {
            GitPin::Tag(tag)
        } else if let Some(branch) = string("branch") {
            GitPin::Branch(branch)
        } else if given("ref") || given("tag") || given("branch") {
            return DepSource::Dynamic;
        } else {
            GitPin::Unpinned
        };
        DepSource::Git { url, pin }
    }
}

/// What one `mix.lock` pins, read while the files are scanned in parallel (a 40 KB lock takes
/// milliseconds to parse, which the serial project phase should not spend).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockFacts {
    /// The lock, relative to the project root.
    pub path: String,
    /// Its entries; `None` when it does not parse within the work budget.
    pub entries: Option<Vec<LockEntry>>,
}

impl LockFacts {
    pub fn read(path: &str, src: &str) -> LockFacts {
        let entries = crate::syntax::parse::parse(src)
            .ok()
            .map(|tree| lock_entries(tree.root_node(), src));
        LockFacts {
            path: path.to_string(),
            entries,
        }
    }
}

/// Whether `path` names a `mix.lock` (the default name; a `lockfile:` option may choose
/// another, which DEPS003 reads itself).
pub fn is_lock_file(path: &str) -> bool {
    path == "mix.lock" || path.ends_with("/mix.lock")
}

/// One entry of `mix.lock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockEntry {
    pub name: String,
    pub locked: Locked,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Locked {
    Hex {
        version: String,
    },
    /// `{:git, url, sha, opts}`: the pin options (`ref`, `tag`, `branch`) with their values.
    Git {
        options: Vec<(String, String)>,
    },
    Other,
}

/// The entries of a `mix.lock` (a map literal from dependency name to a tuple), in order.
pub fn lock_entries(root: Node, src: &str) -> Vec<LockEntry> {
    let Some(map) = named_children(root).find(|n| n.kind() == "map") else {
        return Vec::new();
    };
    let string = |n: Node| string_value(n, src);
    named_children(map)
        .filter(|n| n.kind() == "map_content")
        .flat_map(named_children)
        .filter(|n| n.kind() == "keywords")
        .flat_map(named_children)
        .filter(|n| n.kind() == "pair")
        .filter_map(|pair| {
            let name = keyword_key(pair.field("key")?, src).to_string();
            let value = pair.field("value").filter(|v| v.kind() == "tuple")?;
            let elements: Vec<Node> = named_children(value).collect();
            let locked = match elements.first().map(|k| text(*k, src)) {
                Some(":hex") => Locked::Hex {
                    version: elements.get(2).and_then(|v| string(*v)).unwrap_or_default(),
                },
                Some(":git") => Locked::Git {
                    options: elements
                        .get(3)
                        .copied()
                        .filter(|o| o.kind() == "list")
                        .into_iter()
                        .flat_map(named_children)
                        .filter(|k| k.kind() == "keywords")
                        .flat_map(named_children)
                        .filter_map(|p| {
                            let key = keyword_key(p.field("key")?, src).to_string();
                            Some((key, string(p.field("value")?)?))
                        })
                        .collect(),
                },
                _ => Locked::Other,
            };
            Some(LockEntry { name, locked })
        })
        .collect()
}

/// Whether a version requirement has an upper bound: every `or` alternative holds a clause
/// that caps it (`~>`, `==`, `<`, `<=`, or a bare version, which means `==`).
/// `">= 1.0"`, `"> 0.0.0"`, `"!= 1.0"` and `"*"` do not.
pub fn is_bounded(requirement: &str) -> bool {
    let requirement = requirement.trim();
    if requirement.is_empty() {
        return false;
    }
    requirement.split(" or ").all(|alternative| {
        alternative.split(" and ").any(|clause| {
            let clause = clause.trim();
            let operator: String = clause
                .chars()
                .take_while(|c| matches!(c, '~' | '>' | '<' | '=' | '!'))
                .collect();
            let version = clause[operator.len()..].trim();
            let is_version = version.starts_with(|c: char| c.is_ascii_digit());
            is_version && matches!(operator.as_str(), "~>" | "==" | "<" | "<=" | "")
        })
    })
}

/// Whether `version` (a locked hex version) meets `requirement` (Elixir's `Version`
/// semantics: `~>`, `>=`, `>`, `<`, `<=`, `==`, `!=`, `and`, `or`). `None` when either does
/// not parse, and for pre-release versions (whether they match depends on options the lock
/// does not record): no verdict.
pub fn satisfies(version: &str, requirement: &str) -> Option<bool> {
    let version = Version::parse(version).filter(|v| v.pre.is_none())?;
    let mut any = false;
    for alternative in requirement.split(" or ") {
        let mut all = true;
        for clause in alternative.split(" and ") {
            all &= clause_holds(&version, clause.trim())?;
        }
        any |= all;
    }
    Some(any)
}

fn clause_holds(version: &Version, clause: &str) -> Option<bool> {
    let operator: String = clause
        .chars()
        .take_while(|c| matches!(c, '~' | '>' | '<' | '=' | '!'))
        .collect();
    let written = clause[operator.len()..].trim();
    let parts = written.split(['-', '+']).next()?.split('.').count();
    let bound = Version::parse_partial(written)?;
    use std::cmp::Ordering::*;
    let order = version.cmp(&bound);
    Some(match operator.as_str() {
        "" | "==" => order == Equal,
        "!=" => order != Equal,
        ">" => order == Greater,
        ">=" => order != Less,
        "<" => order == Less,
        "<=" => order != Greater,
        // `~> 2.1` means `>= 2.1.0 and < 3.0.0`; `~> 2.1.3` means `>= 2.1.3 and < 2.2.0`.
        "~>" => {
            let upper = if parts <= 2 {
                (bound.major + 1, 0, 0)
            } else {
                (bound.major, bound.minor + 1, 0)
            };
            order != Less && (version.major, version.minor, version.patch) < upper
        }
        _ => return None,
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: Option<String>,
}

impl Version {
    fn parse(text: &str) -> Option<Version> {
        let core = text.split('+').next()?;
        let (numbers, pre) = match core.split_once('-') {
            Some((n, p)) => (n, Some(p.to_string())),
            None => (core, None),
        };
        let mut parts = numbers.split('.').map(|p| p.parse::<u64>().ok());
        let version = Version {
            major: parts.next()??,
            minor: parts.next()??,
            patch: parts.next()??,
            pre,
        };
        parts.next().is_none().then_some(version)
    }

    /// `2.1` as `2.1.0` (requirements may leave the patch out).
    fn parse_partial(text: &str) -> Option<Version> {
        Version::parse(text).or_else(|| Version::parse(&format!("{text}.0")))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| match (&self.pre, &other.pre) {
                (None, None) => std::cmp::Ordering::Equal,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(_), None) => std::cmp::Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mix(src: &str) -> MixFacts {
        let tree = crate::syntax::parse::parse(src).unwrap();
        facts(tree.root_node(), src, &LineIndex::new(src))
    }

    #[test]
    fn reads_the_project_and_its_dependencies() {
        let facts = mix(r#"
defmodule Shop.MixProject do
  use Mix.Project
  @version "1.4.0"
  @phoenix "~> 1.7"

  def project do
    [app: :shop, version: @version, lockfile: "../../mix.lock", deps: deps()]
  end

  defp deps do
    [
      {:phoenix, @phoenix},
      {:plug, ">= 1.0", only: [:dev, :test]},
      # a comment
      {:lumis, github: "ericmj/lumis", branch: "main"},
      {:git_diff, git: "https://example.com/g.git", ref: "d474"},
      {:core, in_umbrella: true},
      {:shared, path: "../shared"},
      {:hex_core, "~> 0.18", hex_core_opts()},
      {:bare}
    ] ++ extra()
  end

  defp extra, do: if(System.get_env("X"), do: [{:x, "~> 1.0"}], else: [])
end
"#);
        assert_eq!(facts.app.as_deref(), Some("shop"));
        assert_eq!(facts.version.as_deref(), Some("1.4.0"));
        assert_eq!(facts.version_span.unwrap().start_line, 8);
        assert_eq!(facts.lockfile.as_deref(), Some("../../mix.lock"));
        assert!(facts.declares_deps);
        let deps: Vec<(&str, &Requirement, &DepSource, u32)> = facts
            .deps
            .iter()
            .map(|d| {
                (
                    d.name.as_str(),
                    &d.requirement,
                    &d.source,
                    d.span.start_line,
                )
            })
            .collect();
        let lit = |s: &str| Requirement::Literal(s.to_string());
        assert_eq!(deps[0], ("phoenix", &lit("~> 1.7"), &DepSource::Hex, 13));
        assert_eq!(deps[1].1, &lit(">= 1.0"));
        assert_eq!(facts.deps[1].only.as_deref(), Some("[:dev, :test]"));
        assert_eq!(
            deps[2].2,
            &DepSource::Git {
                url: "github:ericmj/lumis".into(),
                pin: GitPin::Branch("main".into())
            }
        );
        assert_eq!(deps[2].3, 16, "the comment is not a dependency");
        assert!(matches!(deps[3].2, DepSource::Git { pin: GitPin::Ref(r), .. } if r == "d474"));
        assert_eq!(deps[4].2, &DepSource::Umbrella);
        assert_eq!(deps[5].2, &DepSource::Path);
        assert_eq!(deps[6].2, &DepSource::Dynamic);
        assert_eq!(deps[7], ("bare", &Requirement::Absent, &DepSource::Hex, 21));
        assert_eq!(
            deps[8].0, "x",
            "followed into a private function's branches"
        );
        assert_eq!(deps.len(), 9);
    }

    #[test]
    fn an_umbrella_root_names_its_apps_path() {
        let facts = mix(
            "defmodule U.MixProject do\n  def project, do: [apps_path: \"services\", deps: []]\nend\n",
        );
        assert_eq!(facts.apps_path.as_deref(), Some("services"));
        assert!(facts.declares_deps && facts.deps.is_empty());
        assert_eq!(mix("IO.puts(:not_a_project)\n"), MixFacts::default());
    }

    #[test]
    fn reads_lock_entries() {
        let src = r#"%{
  "bunt": {:hex, :bunt, "1.0.0", "abc", [:mix], [], "hexpm", "def"},
  "git_diff": {:git, "https://github.com/ericmj/git_diff.git", "d474", [ref: "d474"]},
  "other": {:path, "x"},
}
"#;
        let tree = crate::syntax::parse::parse(src).unwrap();
        let entries = lock_entries(tree.root_node(), src);
        assert_eq!(
            entries,
            [
                LockEntry {
                    name: "bunt".into(),
                    locked: Locked::Hex {
                        version: "1.0.0".into()
                    }
                },
                LockEntry {
                    name: "git_diff".into(),
                    locked: Locked::Git {
                        options: vec![("ref".into(), "d474".into())]
                    }
                },
                LockEntry {
                    name: "other".into(),
                    locked: Locked::Other
                },
            ]
        );
    }

    #[test]
    fn requirements_with_and_without_an_upper_bound() {
        for bounded in [
            "~> 1.2",
            "== 1.2.3",
            "1.2.3",
            "~> 1.0 or ~> 2.0",
            ">= 1.0.0 and < 2.0.0",
            "<= 2.0.0",
        ] {
            assert!(is_bounded(bounded), "{bounded}");
        }
        for unbounded in [">= 1.0", "> 0.0.0", "*", "", "~> 1.0 or >= 2.0", "!= 1.0.0"] {
            assert!(!is_bounded(unbounded), "{unbounded}");
        }
    }

    #[test]
    fn locked_versions_meet_requirements_as_elixir_decides() {
        let cases = [
            ("1.7.14", "~> 1.7", true),
            ("2.0.0", "~> 1.7", false),
            ("1.7.14", "~> 1.7.2", true),
            ("1.8.0", "~> 1.7.2", false),
            ("1.2.3", "== 1.2.3", true),
            ("1.2.4", "1.2.3", false),
            ("0.5.0", ">= 0.0.0", true),
            ("2.1.0", "~> 1.0 or ~> 2.0", true),
            ("1.5.0", ">= 1.0.0 and < 1.5.0", false),
        ];
        for (version, requirement, expected) in cases {
            assert_eq!(
                satisfies(version, requirement),
                Some(expected),
                "{version} {requirement}"
            );
        }
        assert_eq!(satisfies("not-a-version", "~> 1.0"), None);
        assert_eq!(satisfies("1.0.0-rc.1", "~> 1.0"), None);
    }
}
