#!/usr/bin/env bash
# CI for the mix_doctrine package: `mix test`, with the real doctrine binary for the tagged
# test. Usage: integrations/mix_doctrine/ci.sh path/to/doctrine (the release binary).
# Installs Elixir with apt-get when `mix` is missing. Runs with a throwaway HOME and
# MIX_HOME so no user state (Hex, archives, config) leaks in; nothing needs the network
# besides that install.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 path/to/doctrine" >&2
    exit 2
fi
if [[ ! -x $1 || -d $1 ]]; then
    echo "$0: $1 is not an executable file (build it with: cargo build --release)" >&2
    exit 2
fi
doctrine_bin=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v mix >/dev/null 2>&1; then
    echo "mix not found: installing Elixir with apt-get"
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            echo "$0: mix is missing, and installing Elixir needs root or sudo" >&2
            exit 2
        fi
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends elixir
fi

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" MIX_HOME="$home/.mix" HEX_HOME="$home/.hex" HEX_OFFLINE=1
export MIX_ENV=test DOCTRINE_BIN="$doctrine_bin"
# Elixir warns when the VM runs with a latin1 file name encoding (no UTF-8 locale).
export LC_ALL="${LC_ALL:-C.UTF-8}"
# The package's own build goes to the temporary home, not into the source tree.
export MIX_BUILD_PATH="$home/_build/test"

mix --version | tail -n 1
"$doctrine_bin" --version
# --warnings-as-errors: the package must compile cleanly on the Elixir it supports.
mix compile --warnings-as-errors
mix test --warnings-as-errors
