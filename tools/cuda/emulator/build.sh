#!/usr/bin/env bash
# Builds the CPU emulator as a fake libcuda.so.1 into tools/cuda/emulator/build/ (development check only).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p build
SRC=../../../maya1-cuda/src/main/cuda
g++ -O2 -g -std=c++17 -shared -fPIC -fno-strict-aliasing -Wno-unknown-pragmas -Wl,-soname,libcuda.so.1 \
  -I include -I . -I "$SRC" emu_runtime.cpp snac_emu.cpp llama_emu.cpp -o build/libcuda.so.1
echo "built $(pwd)/build/libcuda.so.1"
