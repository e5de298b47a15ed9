//! Suppression comments and HYGIENE004 (unused suppression), table-driven. Each case asserts
//! the exact set of (rule, line) findings left after suppression, HYGIENE004 included.
//! See PILLARS.md § "Suppression comments" and rules/HYGIENE004.toml.

mod common;

use common::{Case, LIB, TEST, run};

/// ZERO rules fire on single calls, which makes them easy to place; HYGIENE004 is the subject.
const ZERO_AND_HYGIENE: &[&str] = &["ZERO", "HYGIENE"];

const SUPPRESSIONS: &[Case] = &[
    Case {
        name: "no suppression: the finding stays",
        path: LIB,
        src: r##"
            defmodule M do
              def f(x), do: String.to_atom(x)
            end
        "##,
        expect: &[("ZERO001", 2)],
    },
    Case {
        name: "disable-next-line directly above",
        path: LIB,
        src: r##"
            defmodule M do
              # doctrine:disable-next-line ZERO001
              def f(x), do: String.to_atom(x)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "disable-next-line covers exactly the next line, not past a blank one",
        path: LIB,
        src: r##"
            defmodule M do
              # doctrine:disable-next-line ZERO001 -- bounded: three known values

              def f(x), do: String.to_atom(x)
            end
        "##,
        expect: &[("HYGIENE004", 2), ("ZERO001", 4)],
    },
    Case {
        name: "disable-next-line does not skip comment lines either",
        path: LIB,
        src: r##"
            defmodule M do
              # doctrine:disable-next-line ZERO001 -- bounded: three known values
              # The values come from the enum in Shop.Status.
              def f(x), do: String.to_atom(x)
            end
        "##,
        expect: &[("HYGIENE004", 2), ("ZERO001", 4)],
    },
    Case {
        name: "disable-next-line directly above the line suppresses it",
        path: LIB,
        src: r##"
            defmodule M do
              # The values come from the enum in Shop.Status.
              # doctrine:disable-next-line ZERO001 -- bounded: three known values
              def f(x), do: String.to_atom(x)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "disable-next-line covers only the next code line",
        path: LIB,
        src: r##"
            defmodule M do
              # doctrine:disable-next-line ZERO001
              def g, do: :ok
              def f(x), do: String.to_atom(x)
            end
        "##,
        expect: &[("HYGIENE004", 2), ("ZERO001", 4)],
    },
    Case {
        name: "disable-next-line covers every finding of its rule on that line",
        path: LIB,
        src: r##"
            defmodule M do
              # doctrine:disable-next-line ZERO001
              def f(a, b), do: {String.to_atom(a), :"x_#{b}"}
            end
        "##,
        expect: &[],
    },
    Case {
        name: "disable-next-line inside a pipe chain",
        path: LIB,
        src: r##"
            defmodule M do
              def f(x) do
                x
                |> String.trim()
                # doctrine:disable-next-line ZERO001
                |> String.to_atom()
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "disable-line as a trailing comment",
        path: LIB,
        src: r##"
            defmodule M do
              def f(x), do: String.to_atom(x) # doctrine:disable-line ZERO001
              def g(x), do: String.to_atom(x)
            end
        "##,
        expect: &[("ZERO001", 3)],
    },
    Case {
        name: "disable-line naming another rule leaves the finding and is unused",
        path: LIB,
        src: r##"
            defmodule M do
              def f(x), do: String.to_atom(x) # doctrine:disable-line ZERO002
            end
        "##,
        expect: &[("HYGIENE004", 2), ("ZERO001", 2)],
    },
    Case {
        name: "disable-line on its own line covers only that line",
        path: LIB,
        src: r##"
            defmodule M do
              # doctrine:disable-line ZERO001
              def f(x), do: String.to_atom(x)
            end
        "##,
        expect: &[("HYGIENE004", 2), ("ZERO001", 3)],
    },
    Case {
        name: "disable-file on the first line",
        path: LIB,
        src: r##"
            # doctrine:disable-file ZERO001
            defmodule M do
              def f(x), do: String.to_atom(x)
              def g(x), do: :"a_#{x}"
            end
        "##,
        expect: &[],
    },
    Case {
        name: "disable-file after a header comment and a blank line is still at the top",
        path: LIB,
        src: r##"
            # Copyright Shop Ltd.

            # doctrine:disable-file ZERO001 -- generated code
            defmodule M do
              def f(x), do: String.to_atom(x)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "disable-file after code is misplaced: HYGIENE004 and no effect",
        path: LIB,
        src: r##"
            defmodule M do
              # doctrine:disable-file ZERO001
              def f(x), do: String.to_atom(x)
            end
        "##,
        expect: &[("HYGIENE004", 2), ("ZERO001", 3)],
    },
    Case {
        name: "disable-file at the end of the file is misplaced",
        path: LIB,
        src: r##"
            defmodule M do
              def f(x), do: String.to_atom(x)
            end
            # doctrine:disable-file ZERO
        "##,
        expect: &[("HYGIENE004", 4), ("ZERO001", 2)],
    },
    Case {
        name: "disable-file of a rule with no finding is unused",
        path: LIB,
        src: r##"
            # doctrine:disable-file ZERO002
            defmodule M do
              def f(x), do: String.to_atom(x)
            end
        "##,
        expect: &[("HYGIENE004", 1), ("ZERO001", 3)],
    },
    Case {
        name: "a pillar code suppresses all of its rules",
        path: LIB,
        src: r##"
            # doctrine:disable-file ZERO
            defmodule M do
              def f(x), do: String.to_atom(x)
              def g do
                :ok
              rescue
                _ -> :error
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "a pillar code on disable-next-line",
        path: LIB,
        src: r##"
            defmodule M do
              def g(x) do
                x.()
              rescue
                # doctrine:disable-next-line ZERO -- top-level boundary, logged
                e -> String.to_atom(Exception.message(e))
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "multiple ids separated by commas, with or without spaces",
        path: LIB,
        src: r##"
            defmodule M do
              def a do
                :ok
              rescue
                # doctrine:disable-next-line ZERO001, ZERO002
                e -> String.to_atom(Exception.message(e))
              end

              def b do
                :ok
              rescue
                e -> String.to_atom(Exception.message(e)) # doctrine:disable-line ZERO001,ZERO002
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "a partly used directive reports only the unused id",
        path: LIB,
        src: r##"
            defmodule M do
              # doctrine:disable-next-line ZERO001, ZERO002 -- legacy
              def f(x), do: String.to_atom(x)
            end
        "##,
        expect: &[("HYGIENE004", 2)],
    },
    Case {
        name: "ids in the reason text are not selectors",
        path: LIB,
        src: r##"
            defmodule M do
              # doctrine:disable-next-line ZERO001 -- not a ZERO002 case, see FOO123
              def f(x), do: String.to_atom(x)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "a reason without `--` ends the id list at its first lower-case word",
        path: LIB,
        src: r##"
            defmodule M do
              # doctrine:disable-next-line ZERO001 because the values are validated
              def f(x), do: String.to_atom(x)
              def g(x), do: String.to_atom(x) # doctrine:disable-line ZERO001 see ADR 12
            end
        "##,
        expect: &[],
    },
    Case {
        name: "unused disable-next-line: HYGIENE004 on the comment's line",
        path: LIB,
        src: r##"
            defmodule M do
              def g, do: :ok

              # doctrine:disable-next-line ZERO001 -- the atom set is bounded
              def status, do: :ok
            end
        "##,
        expect: &[("HYGIENE004", 4)],
    },
    Case {
        name: "disable-next-line with no code after it is unused",
        path: LIB,
        src: r##"
            defmodule M do
              def f, do: :ok
            end
            # doctrine:disable-next-line ZERO001
        "##,
        expect: &[("HYGIENE004", 4)],
    },
    Case {
        name: "unknown rule ids and pillars are HYGIENE004",
        path: LIB,
        src: r##"
            defmodule M do
              # doctrine:disable-next-line ZERO999
              def f(x), do: String.to_atom(x)
              # doctrine:disable-next-line NOPE
              def g, do: :ok
              # doctrine:disable-next-line zero001
              def h(x), do: String.to_atom(x)
            end
        "##,
        expect: &[
            ("HYGIENE004", 2),
            ("ZERO001", 3),
            ("HYGIENE004", 4),
            ("HYGIENE004", 6),
            ("ZERO001", 7),
        ],
    },
    Case {
        name: "a known and an unknown id: the known one still suppresses",
        path: LIB,
        src: r##"
            defmodule M do
              # doctrine:disable-next-line ZERO001, ZER0001
              def f(x), do: String.to_atom(x)
            end
        "##,
        expect: &[("HYGIENE004", 2)],
    },
    Case {
        name: "a directive naming nothing is HYGIENE004",
        path: LIB,
        src: r##"
            defmodule M do
              # doctrine:disable-next-line
              def f(x), do: String.to_atom(x)
              # doctrine:disable-line -- no ids, only a reason
            end
        "##,
        expect: &[("HYGIENE004", 2), ("ZERO001", 3), ("HYGIENE004", 4)],
    },
    Case {
        name: "directive text inside a string is not a directive",
        path: LIB,
        src: r##"
            defmodule M do
              def f(x), do: {"# doctrine:disable-line ZERO001", String.to_atom(x)}
            end
        "##,
        expect: &[("ZERO001", 2)],
    },
    Case {
        name: "directive text inside a heredoc is not a directive",
        path: LIB,
        src: r##"
            defmodule M do
              @moduledoc """
              # doctrine:disable-file ZERO001
              # doctrine:disable-next-line ZERO001
              """
              def f(x), do: String.to_atom(x)

              def g(x) do
                _usage = """
                # doctrine:disable-next-line ZERO001
                """
                String.to_atom(x)
              end
            end
        "##,
        expect: &[("ZERO001", 6), ("ZERO001", 12)],
    },
    Case {
        name: "directive text inside a sigil or charlist is not a directive",
        path: LIB,
        src: r##"
            defmodule M do
              def f(x), do: {~S(# doctrine:disable-line ZERO001), String.to_atom(x)}
              def g(x), do: {'# doctrine:disable-line ZERO001', String.to_atom(x)}
            end
        "##,
        expect: &[("ZERO001", 2), ("ZERO001", 3)],
    },
    Case {
        name: "two directives covering one finding are both used",
        path: LIB,
        src: r##"
            # doctrine:disable-file ZERO
            defmodule M do
              # doctrine:disable-next-line ZERO001
              def f(x), do: String.to_atom(x)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "comment markers without a space and doubled",
        path: LIB,
        src: r##"
            defmodule M do
              #doctrine:disable-next-line ZERO001
              def f(x), do: String.to_atom(x)
              ## doctrine:disable-next-line ZERO001
              def g(x), do: String.to_atom(x)
            end
        "##,
        expect: &[],
    },
    Case {
        name: "other doctrine: comments are not directives",
        path: LIB,
        src: r##"
            defmodule M do
              # doctrine: this module follows the deploy doctrine
              # doctrine:enable ZERO001
              def f, do: :ok
            end
        "##,
        expect: &[],
    },
    Case {
        name: "suppressions work in test code",
        path: TEST,
        src: r##"
            defmodule MTest do
              use ExUnit.Case

              test "raises" do
                try do
                  raise "boom"
                rescue
                  _ -> :ok # doctrine:disable-line ZERO002 -- the test wants every error
                end
              end
            end
        "##,
        expect: &[],
    },
];

/// DOCS findings sit on the `defmodule` and `def` lines.
const DOCS_AND_HYGIENE: &[&str] = &["DOCS", "HYGIENE"];

const DOCS_SUPPRESSIONS: &[Case] = &[
    Case {
        name: "DOCS pillar suppresses DOCS002 and DOCS003 on one def",
        path: LIB,
        src: r##"
            defmodule Shop.Legacy do
              @moduledoc "Legacy API."
              # doctrine:disable-next-line DOCS -- removed in 2.0
              def old(x), do: x
              def other(x), do: x
            end
        "##,
        expect: &[("DOCS002", 5), ("DOCS003", 5)],
    },
    Case {
        name: "one rule of the two leaves the other",
        path: LIB,
        src: r##"
            defmodule Shop.Legacy do
              @moduledoc "Legacy API."
              # doctrine:disable-next-line DOCS003
              def old(x), do: x
            end
        "##,
        expect: &[("DOCS002", 4)],
    },
    Case {
        name: "DOCS001 suppressed above the defmodule line",
        path: LIB,
        src: r##"
            # doctrine:disable-next-line DOCS001
            defmodule Shop.Legacy do
            end
        "##,
        expect: &[],
    },
    Case {
        name: "disable-file DOCS covers every module and function",
        path: LIB,
        src: r##"
            # doctrine:disable-file DOCS -- generated by protoc
            defmodule Shop.Proto do
              def decode(x), do: x
              defmodule Inner do
                def encode(x), do: x
              end
            end
        "##,
        expect: &[],
    },
    Case {
        name: "disable-file DOCS001 leaves DOCS002",
        path: LIB,
        src: r##"
            # doctrine:disable-file DOCS001
            defmodule Shop.Proto do
              @spec decode(term) :: term
              def decode(x), do: x
            end
        "##,
        expect: &[("DOCS002", 4)],
    },
    Case {
        name: "a DOCS suppression in test code, which DOCS does not judge, is not dead weight",
        path: TEST,
        src: r##"
            defmodule Shop.ProtoTest do
              # doctrine:disable-next-line DOCS002
              def helper(x), do: x
            end
        "##,
        expect: &[],
    },
];

/// With DOCS widened to test code, the same suppression is used, and a stale one is reported.
const DOCS_IN_TESTS: &[Case] = &[Case {
    name: "with DOCS judging test code the suppression is used",
    path: TEST,
    src: r##"
        defmodule Shop.ProtoTest do
          @moduledoc "Test helpers."
          @doc "Helper."
          # doctrine:disable-next-line DOCS003
          def helper(x), do: x
          # doctrine:disable-next-line DOCS003
          @spec other(term) :: term
          def other(x), do: x
        end
    "##,
    expect: &[("HYGIENE004", 6)],
}];

#[test]
fn suppressions_follow_the_configured_roles() {
    common::run_with_config(
        DOCS_IN_TESTS,
        DOCS_AND_HYGIENE,
        "[rules.DOCS003]\nroles = [\"lib\", \"test\"]\n",
    );
}

#[test]
fn suppression_comments() {
    run(SUPPRESSIONS, ZERO_AND_HYGIENE);
}

#[test]
fn suppression_comments_on_docs_findings() {
    run(DOCS_SUPPRESSIONS, DOCS_AND_HYGIENE);
}

#[test]
fn hygiene004_messages_say_why() {
    let src = r##"
        defmodule M do
          # doctrine:disable-next-line ZERO001, BOGUS
          def f, do: :ok
          # doctrine:disable-file ZERO002
          # doctrine:disable-next-line
          def g, do: :ok
        end
    "##;
    let messages = common::messages(LIB, src, "HYGIENE004");
    assert_eq!(messages.len(), 4, "{messages:?}");
    let has = |what: &[&str]| messages.iter().any(|m| what.iter().all(|w| m.contains(w)));
    assert!(has(&["unused", "`ZERO001`"]), "{messages:?}");
    assert!(has(&["unknown", "`BOGUS`"]), "{messages:?}");
    assert!(has(&["before any code"]), "{messages:?}");
    assert!(has(&["names no rule"]), "{messages:?}");
}
