//! Behaviours and their callbacks. A function that implements a callback of a behaviour its
//! module declares (`use GenServer`, `@behaviour Plug`) is documented by the behaviour, with
//! or without `@impl`. This module knows the callbacks of the well-known OTP, Elixir, Plug,
//! Phoenix, Ecto, Mix and Oban behaviours; the project's own behaviours (modules with
//! `@callback`s) are collected from its sources into a `BehaviourIndex`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

type Callbacks = &'static [(&'static str, usize)];

const GEN_SERVER: Callbacks = &[
    ("init", 1),
    ("handle_call", 3),
    ("handle_cast", 2),
    ("handle_info", 2),
    ("handle_continue", 2),
    ("terminate", 2),
    ("code_change", 3),
    ("format_status", 1),
    ("format_status", 2),
];
const SUPERVISOR: Callbacks = &[("init", 1)];
const APPLICATION: Callbacks = &[
    ("start", 2),
    ("stop", 1),
    ("prep_stop", 1),
    ("config_change", 3),
    ("start_phase", 3),
];
const GEN_STATEM: Callbacks = &[
    ("init", 1),
    ("callback_mode", 0),
    ("handle_event", 4),
    ("terminate", 3),
    ("code_change", 4),
    ("format_status", 1),
    ("format_status", 2),
];
const GEN_EVENT: Callbacks = &[
    ("init", 1),
    ("handle_event", 2),
    ("handle_call", 2),
    ("handle_info", 2),
    ("terminate", 2),
    ("code_change", 3),
    ("format_status", 2),
];
const GEN_STAGE: Callbacks = &[
    ("init", 1),
    ("handle_demand", 2),
    ("handle_events", 3),
    ("handle_call", 3),
    ("handle_cast", 2),
    ("handle_info", 2),
    ("handle_subscribe", 4),
    ("handle_cancel", 3),
    ("terminate", 2),
    ("code_change", 3),
    ("format_status", 2),
];
const PLUG: Callbacks = &[("init", 1), ("call", 2)];
const LIVE_VIEW: Callbacks = &[
    ("mount", 3),
    ("render", 1),
    ("handle_params", 3),
    ("handle_event", 3),
    ("handle_info", 2),
    ("handle_call", 3),
    ("handle_cast", 2),
    ("handle_async", 3),
    ("terminate", 2),
];
const LIVE_COMPONENT: Callbacks = &[
    ("mount", 1),
    ("update", 2),
    ("update_many", 1),
    ("render", 1),
    ("handle_event", 3),
    ("handle_async", 3),
];
const CHANNEL: Callbacks = &[
    ("join", 3),
    ("handle_in", 3),
    ("handle_out", 3),
    ("handle_info", 2),
    ("handle_call", 3),
    ("handle_cast", 2),
    ("code_change", 3),
    ("terminate", 2),
];
const ECTO_TYPE: Callbacks = &[
    ("type", 0),
    ("cast", 1),
    ("load", 1),
    ("dump", 1),
    ("equal?", 2),
    ("embed_as", 1),
    ("autogenerate", 0),
];

/// Behaviours by module name, with their callbacks (name, arity).
const KNOWN: &[(&str, Callbacks)] = &[
    ("GenServer", GEN_SERVER),
    (":gen_server", GEN_SERVER),
    ("Supervisor", SUPERVISOR),
    ("DynamicSupervisor", SUPERVISOR),
    ("PartitionSupervisor", SUPERVISOR),
    (":supervisor", SUPERVISOR),
    ("Application", APPLICATION),
    (":application", APPLICATION),
    (":gen_statem", GEN_STATEM),
    (":gen_event", GEN_EVENT),
    ("GenStage", GEN_STAGE),
    ("Access", &[("fetch", 2), ("get_and_update", 3), ("pop", 2)]),
    ("Config.Provider", &[("init", 1), ("load", 2)]),
    (
        "Exception",
        &[("exception", 1), ("message", 1), ("blame", 2)],
    ),
    ("Mix.Task", &[("run", 1)]),
    (
        "Mix.Task.Compiler",
        &[
            ("run", 1),
            ("manifests", 0),
            ("clean", 0),
            ("diagnostics", 0),
        ],
    ),
    ("Plug", PLUG),
    ("Plug.ErrorHandler", &[("handle_errors", 2)]),
    (
        "Plug.Session.Store",
        &[("init", 1), ("get", 3), ("put", 4), ("delete", 3)],
    ),
    ("Phoenix.LiveView", LIVE_VIEW),
    ("Phoenix.LiveComponent", LIVE_COMPONENT),
    ("Phoenix.Channel", CHANNEL),
    (
        "Phoenix.Socket",
        &[("connect", 2), ("connect", 3), ("id", 1)],
    ),
    (
        "Phoenix.Socket.Transport",
        &[
            ("child_spec", 1),
            ("connect", 1),
            ("init", 1),
            ("handle_in", 2),
            ("handle_info", 2),
            ("handle_control", 2),
            ("terminate", 2),
            ("drainer_spec", 1),
        ],
    ),
    ("Phoenix.Endpoint", &[("init", 2)]),
    (
        "Phoenix.Presence",
        &[("init", 1), ("fetch", 2), ("handle_metas", 4)],
    ),
    (
        "Phoenix.Tracker",
        &[("init", 1), ("handle_diff", 2), ("handle_info", 2)],
    ),
    ("Phoenix.Template.Engine", &[("compile", 2)]),
    ("Ecto.Type", ECTO_TYPE),
    (
        "Ecto.ParameterizedType",
        &[
            ("init", 1),
            ("type", 1),
            ("cast", 2),
            ("load", 3),
            ("dump", 3),
            ("equal?", 3),
            ("embed_as", 2),
            ("autogenerate", 1),
            ("format", 1),
        ],
    ),
    (
        "Ecto.Migration",
        &[
            ("change", 0),
            ("up", 0),
            ("down", 0),
            ("after_begin", 0),
            ("before_commit", 0),
        ],
    ),
    (
        "Ecto.Repo",
        &[("init", 2), ("prepare_query", 3), ("default_options", 1)],
    ),
    (
        "Oban.Worker",
        &[("perform", 1), ("backoff", 1), ("timeout", 1)],
    ),
    (
        "Oban.Plugin",
        &[("init", 1), ("validate", 1), ("start_link", 1)],
    ),
];

/// `use` of these modules declares the behaviour on the right.
const USE_DECLARES: &[(&str, &str)] = &[
    ("Plug.Builder", "Plug"),
    ("Plug.Router", "Plug"),
    ("Phoenix.Router", "Plug"),
];

/// `use MyAppWeb, :live_view`: Phoenix's generated web module turns these kinds into a
/// `use` of the framework module, so the kind names the behaviour.
const USE_KINDS: &[(&str, &str)] = &[
    (":live_view", "Phoenix.LiveView"),
    (":live_component", "Phoenix.LiveComponent"),
    (":channel", "Phoenix.Channel"),
];

/// The callbacks of a well-known behaviour; `None` when the module is not one of them.
pub fn known_callbacks(behaviour: &str) -> Option<Callbacks> {
    KNOWN
        .iter()
        .find(|(name, _)| *name == behaviour)
        .map(|(_, callbacks)| *callbacks)
}

/// The behaviour a `use Module` declares: the module itself (a behaviour or not), or the
/// one it stands for (`use Plug.Router` → `Plug`).
pub fn declared_by_use(module: &str) -> &str {
    USE_DECLARES
        .iter()
        .find(|(used, _)| *used == module)
        .map_or(module, |(_, behaviour)| behaviour)
}

/// The behaviour `use AnyWeb, :kind` declares by Phoenix's convention.
pub fn declared_by_use_kind(kind: &str) -> Option<&'static str> {
    USE_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, behaviour)| *behaviour)
}

/// A behaviour the project defines: a module with `@callback`/`@macrocallback`s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BehaviourFact {
    pub module: String,
    pub callbacks: Vec<(String, usize)>,
}

/// "Is `name/arity` a callback of one of these behaviours?", when a module declares a
/// behaviour this table does not know: the answer needs the project's behaviours.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CallbackQuestion {
    pub behaviours: Vec<String>,
    pub name: String,
    pub min_arity: usize,
    pub max_arity: usize,
}

/// Every behaviour defined in the project, by module name.
#[derive(Debug, Default)]
pub struct BehaviourIndex {
    callbacks: BTreeMap<String, Vec<(String, usize)>>,
}

impl BehaviourIndex {
    pub fn add(&mut self, fact: &BehaviourFact) {
        self.callbacks
            .entry(fact.module.clone())
            .or_default()
            .extend(fact.callbacks.iter().cloned());
    }

    pub fn contains_module(&self, module: &str) -> bool {
        self.callbacks.contains_key(module)
    }

    /// Whether one of the question's behaviours defines the function as a callback.
    pub fn answers_yes(&self, question: &CallbackQuestion) -> bool {
        question.behaviours.iter().any(|behaviour| {
            self.callbacks.get(behaviour).is_some_and(|callbacks| {
                callbacks.iter().any(|(name, arity)| {
                    *name == question.name
                        && (question.min_arity..=question.max_arity).contains(arity)
                })
            })
        })
    }
}

/// The behaviours a source file defines, for files the scan did not analyse (a partial run
/// still needs the whole project's behaviours).
pub fn defined_in(src: &str) -> Vec<BehaviourFact> {
    let Ok(tree) = super::parse::parse(src) else {
        return Vec::new();
    };
    let mut semantic = super::semantic::Semantic::default();
    let mut facts = Vec::new();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        semantic.enter(node, src);
        if super::local_call_name(node, src) == Some("defmodule")
            && let Some(name) = semantic.current_module()
        {
            let resolve = |n: tree_sitter::Node| semantic.resolve_module(n, src);
            if let Some(outline) =
                super::outline::ModuleOutline::build(node, name.to_string(), src, &resolve)
                && !outline.defined_callbacks.is_empty()
            {
                facts.push(BehaviourFact {
                    module: outline.name,
                    callbacks: outline.defined_callbacks,
                });
            }
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return facts;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_behaviours_and_use_conventions() {
        assert!(
            known_callbacks("GenServer")
                .unwrap()
                .contains(&("handle_call", 3))
        );
        assert!(
            known_callbacks("Phoenix.LiveView")
                .unwrap()
                .contains(&("mount", 3))
        );
        assert_eq!(known_callbacks("MyApp.Storage"), None);
        assert_eq!(declared_by_use("Plug.Router"), "Plug");
        assert_eq!(declared_by_use("GenServer"), "GenServer");
        assert_eq!(declared_by_use_kind(":live_view"), Some("Phoenix.LiveView"));
        assert_eq!(declared_by_use_kind(":controller"), None);
    }

    #[test]
    fn behaviours_are_read_from_callbacks_with_their_full_names() {
        let facts = defined_in(
            "defmodule Shop do\n  defmodule Storage do\n    @callback put(key :: term, value :: term) :: :ok\n    \
             @macrocallback quoted(term) :: Macro.t()\n  end\nend\ndefmodule Plain do\n  def f, do: 1\nend\n",
        );
        assert_eq!(
            facts,
            vec![BehaviourFact {
                module: "Shop.Storage".into(),
                callbacks: vec![("put".into(), 2), ("quoted".into(), 1)],
            }]
        );
    }

    #[test]
    fn the_index_answers_for_the_project_behaviours() {
        let mut index = BehaviourIndex::default();
        index.add(&BehaviourFact {
            module: "Shop.Storage".into(),
            callbacks: vec![("put".into(), 2), ("get".into(), 1)],
        });
        let ask = |behaviour: &str, name: &str, min, max| {
            index.answers_yes(&CallbackQuestion {
                behaviours: vec![behaviour.into()],
                name: name.into(),
                min_arity: min,
                max_arity: max,
            })
        };
        assert!(ask("Shop.Storage", "put", 2, 2));
        assert!(ask("Shop.Storage", "get", 1, 2));
        assert!(!ask("Shop.Storage", "put", 3, 3));
        assert!(!ask("Shop.Other", "put", 2, 2));
    }
}
