#!/usr/bin/env bash
# Install the peer tools the benchmarks compare against into the benchmarks' own environment
# (bench/.peer-venv), never into the package's. PyCIB (AGPL-3.0) is installed from its source
# and only called, in a separate process.
#
#   bash bench/setup_peers.sh [PYCIB_SOURCE]
#
# PYCIB_SOURCE: a PyCIB checkout, a bare git repository of it, or a git URL
# (default: $PYCIB_SRC, else a local mirror of ag-ross/PyCIB if one exists, else the public repository).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.peer-venv"
src="$here/.peer-src/PyCIB"
source_arg="${1:-${PYCIB_SRC:-}}"
if [ -z "$source_arg" ]; then
  if [ -d /work/.mirror/ag-ross+PyCIB/repo ]; then
    source_arg=/work/.mirror/ag-ross+PyCIB/repo
  else
    source_arg=https://github.com/ag-ross/PyCIB.git
  fi
fi
rm -rf "$src"
mkdir -p "$(dirname "$src")"
if [ -f "$source_arg/setup.py" ]; then
  cp -r "$source_arg" "$src"
elif git -C "$source_arg" rev-parse --is-bare-repository >/dev/null 2>&1; then
  mkdir -p "$src"
  git -C "$source_arg" archive HEAD | tar -x -C "$src"
else
  git clone --depth 1 "$source_arg" "$src"
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet "$src"
"$venv/bin/python" -c "import cib.solvers.exact_pruned; print('PyCIB installed in', '$venv')"
