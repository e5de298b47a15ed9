#!/usr/bin/env bash
# The hooks of .pre-commit-hooks.yaml, run by the real pre-commit framework (from PyPI) on a
# throwaway repository: a bad staged file is stopped, a good one passes, and the commit-msg
# hook judges the message. Usage: .ci/pre-commit.sh path/to/doctrine
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
doctrine=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "pre-commit==${PRE_COMMIT_VERSION:-4.7.0}"
export PATH="$(dirname "$doctrine"):$PATH" PRE_COMMIT_HOME="$work/cache"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=CI GIT_AUTHOR_EMAIL=ci@example.com GIT_COMMITTER_NAME=CI GIT_COMMITTER_EMAIL=ci@example.com
pre_commit() { "$work/venv/bin/pre-commit" "$@"; }

project="$work/project"
mkdir -p "$project/lib/shop"
cd "$project"
git init --quiet
cat > mix.exs <<'EX'
defmodule Shop.MixProject do
  use Mix.Project
  def project, do: [app: :shop, version: "1.0.0", deps: []]
end
EX
good='defmodule Shop.Names do
  @moduledoc false
  def to(x), do: String.to_existing_atom(x)
end'
bad=${good/to_existing_atom/to_atom}
printf '%s\n' "$good" > lib/shop/names.ex
git add -A && git commit --quiet -m "feat: shop"

expect() { # expect pass|fail DESCRIPTION COMMAND...
    local want=$1 what=$2 status=0
    shift 2
    "$@" > "$work/out.txt" 2>&1 || status=$?
    if { [[ $want == pass ]] && [[ $status -ne 0 ]]; } || { [[ $want == fail ]] && [[ $status -eq 0 ]]; }; then
        cat "$work/out.txt" >&2
        echo "FAIL: $what (expected $want, exit $status)" >&2
        exit 1
    fi
    echo "ok: $what ($want)"
}

printf '%s\n' "$bad" > lib/shop/names.ex
git add lib/shop/names.ex
expect fail "a staged String.to_atom" pre_commit try-repo "$repo" doctrine
grep -q ZERO001 "$work/out.txt" || { cat "$work/out.txt"; echo "FAIL: no ZERO001 in the output" >&2; exit 1; }
printf '%s\n' "$good" > lib/shop/names.ex
git add lib/shop/names.ex
expect pass "the fixed file staged" pre_commit try-repo "$repo" doctrine

printf '[rules]\nGITL001 = "blocking"\n' > .doctrine.toml
git add .doctrine.toml && git commit --quiet -m "chore: strict messages"
echo "Added stuff." > "$work/message"
expect fail "a non-conventional message" pre_commit try-repo "$repo" doctrine-commit-msg \
    --hook-stage commit-msg --commit-msg-filename "$work/message"
echo "feat: add stuff" > "$work/message"
expect pass "a conventional message" pre_commit try-repo "$repo" doctrine-commit-msg \
    --hook-stage commit-msg --commit-msg-filename "$work/message"
