#!/usr/bin/env bash
# llama-native.sh: builds the pinned current llama.cpp (libllama + libggml*) as shared libraries into the user cache
# and prints the folder that holds them.
#
#   scripts/llama-native.sh            CPU build
#   scripts/llama-native.sh --cuda     with the CUDA backend (needs nvcc)
#   scripts/llama-native.sh --vulkan   with the Vulkan backend (needs the Vulkan SDK / glslc)
#   --fetch-only    only fetches and checks the archive, and prints its path (scripts/gpu-check.sh stage)
#   --openmp        ggml's CPU threads on OpenMP instead of its own pool, into the variant folder cpu-openmp
#                   (only to compare the two under load: scripts/bench-contention.sh)
#
# The sources come from the crate llama-cpp-sys-2 (it vendors llama.cpp; no llama-cpp-python sdist vendors a
# llama.cpp as new as this one). The archive is fetched once with cargo (or taken from cargo's own cache, or from
# MOI_LLAMA_ARCHIVE), checked against the pinned SHA-256, unpacked and built with CMake. A finished build is
# reused: its marker file is written last, so an interrupted build starts over.
#
# Environment: MOI_CACHE_DIR (cache root), MOI_LLAMA_ARCHIVE (a local copy of the pinned archive),
# MOI_BUILD_JOBS (parallel compile jobs; default: all cores), CMAKE / CARGO (which programs).
set -euo pipefail

crate_name="llama-cpp-sys-2"
crate_version="0.1.161"
archive_sha256="e9bea77fde41bbc15a278891cd5edd2ba07c5260d162614b41080ba1f100b39b"
version="$crate_name-$crate_version"

say() { printf 'llama-native: %s\n' "$*" >&2; }
fail() { printf 'llama-native: error: %s\n' "$*" >&2; exit 1; }

variant="cpu"
backend_flags=()
fetch_only=false
openmp=OFF
for arg in "$@"; do
  case "$arg" in
    --cuda) variant="cuda"; backend_flags=(-DGGML_CUDA=ON) ;;
    --vulkan) variant="vulkan"; backend_flags=(-DGGML_VULKAN=ON) ;;
    --openmp) openmp=ON ;;
    --fetch-only) fetch_only=true ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option '$arg' (supported: --cuda, --vulkan, --fetch-only, --openmp)" ;;
  esac
done
[ "$openmp" = OFF ] || variant="$variant-openmp"

cache_root="${MOI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/langchain4j-moi}"
base="$cache_root/llama.cpp/$version"
archive="$base/$version.crate"
src="$base/src"
out="$base/$variant"
build="$base/build-$variant"
marker="$out/.build-complete"

# ggml's own thread pool instead of OpenMP: OpenMP workers spin-wait for cores they do not get on a busy machine
# (see docs/native-current.md, "Threads").
cmake_flags=(
  -DCMAKE_BUILD_TYPE=Release
  -DBUILD_SHARED_LIBS=ON
  -DLLAMA_BUILD_COMMON=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF
  -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF -DLLAMA_OPENSSL=OFF
  -DGGML_OPENMP="$openmp"
  "${backend_flags[@]}"
)
options_line="$archive_sha256 ${cmake_flags[*]}"
if ! $fetch_only && [ -f "$marker" ] && [ "$(cat "$marker")" = "$options_line" ]; then
  say "already built: $version ($variant)"
  printf '%s\n' "$out/lib"
  exit 0
fi

cmake_bin="${CMAKE:-cmake}"
cxx="${CXX:-}"
if ! $fetch_only; then
  command -v "$cmake_bin" >/dev/null 2>&1 || fail "CMake is missing: install cmake (3.14 or newer) and run this again"
  if [ -z "$cxx" ]; then
    for candidate in c++ g++ clang++; do command -v "$candidate" >/dev/null 2>&1 && { cxx="$candidate"; break; }; done
  fi
  [ -n "$cxx" ] && command -v "$cxx" >/dev/null 2>&1 || fail "no C++ compiler found (tried c++, g++, clang++; or set CXX): install g++ or clang and run this again"
  if [[ "$variant" == cuda* ]]; then command -v nvcc >/dev/null 2>&1 || fail "--cuda needs nvcc (the CUDA toolkit) on the PATH"; fi
fi

mkdir -p "$base"

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

fetch_archive() {
  local candidate tmp
  if [ -n "${MOI_LLAMA_ARCHIVE:-}" ]; then
    [ -f "$MOI_LLAMA_ARCHIVE" ] || fail "MOI_LLAMA_ARCHIVE names no file: $MOI_LLAMA_ARCHIVE"
    cp "$MOI_LLAMA_ARCHIVE" "$archive.part"
  else
    for candidate in "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$version.crate"; do
      [ -f "$candidate" ] && { say "taking $version from cargo's cache"; cp "$candidate" "$archive.part"; break; }
    done
    if [ ! -f "$archive.part" ]; then
      local cargo_bin="${CARGO:-cargo}"
      command -v "$cargo_bin" >/dev/null 2>&1 || fail "cargo is needed once to fetch $version (or set MOI_LLAMA_ARCHIVE to a copy of $version.crate)"
      say "fetching $version with cargo"
      tmp="$(mktemp -d "${TMPDIR:-/tmp}/llama-native.XXXXXX")"
      # a throwaway project whose only dependency is the pinned crate: cargo fetch puts the archive into its cache
      mkdir -p "$tmp/src" && : >"$tmp/src/lib.rs"
      printf '[package]\nname = "moi-fetch"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n%s = "=%s"\n' \
        "$crate_name" "$crate_version" >"$tmp/Cargo.toml"
      (cd "$tmp" && "$cargo_bin" fetch --quiet) || { rm -rf "$tmp"; fail "cargo fetch of $version failed"; }
      rm -rf "$tmp"
      for candidate in "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$version.crate"; do
        [ -f "$candidate" ] && { cp "$candidate" "$archive.part"; break; }
      done
      [ -f "$archive.part" ] || fail "cargo fetch finished but $version.crate is not in cargo's cache"
    fi
  fi
  local actual
  actual="$(sha_of "$archive.part")"
  if [ "$actual" != "$archive_sha256" ]; then
    rm -f "$archive.part"
    fail "SHA-256 of $version.crate is $actual, expected $archive_sha256: refusing to build it"
  fi
  mv "$archive.part" "$archive"
}

if [ ! -f "$archive" ] || [ "$(sha_of "$archive")" != "$archive_sha256" ]; then
  rm -f "$archive" "$archive.part"
  fetch_archive
fi
say "archive $archive (SHA-256 verified)"
if $fetch_only; then
  printf '%s\n' "$archive"
  exit 0
fi

if [ ! -f "$src/.unpacked" ]; then
  say "unpacking"
  rm -rf "$src" "$src.part"
  mkdir -p "$src.part"
  tar -xzf "$archive" -C "$src.part" --strip-components=1
  [ -f "$src.part/llama.cpp/CMakeLists.txt" ] || fail "the archive holds no llama.cpp/CMakeLists.txt"
  : >"$src.part/.unpacked"
  mv "$src.part" "$src"
fi

generator=()
command -v ninja >/dev/null 2>&1 && generator=(-G Ninja)
jobs="${MOI_BUILD_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}"

# the build folder is kept: after an interruption or a flag change the build tool redoes only what changed
rm -rf "$out"
say "configuring ($variant) in $build"
start=$(date +%s)
"$cmake_bin" -S "$src/llama.cpp" -B "$build" "${generator[@]}" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_WITH_INSTALL_RPATH=ON -DCMAKE_INSTALL_RPATH='$ORIGIN' "${cmake_flags[@]}" >"$base/configure-$variant.log" 2>&1 \
  || { tail -n 30 "$base/configure-$variant.log" >&2; fail "CMake configure failed (log: $base/configure-$variant.log)"; }
say "building libllama and libggml* with $jobs jobs (several CPU-minutes)"
# prints every tenth of the build tool's "[n/m] ..." lines (a shell loop: awk may buffer its input from a pipe)
progress() {
  local line n m shown=0
  while IFS= read -r line; do
    if [[ "$line" =~ ^\[\ *([0-9]+)/([0-9]+)\] ]]; then
      n=${BASH_REMATCH[1]}; m=${BASH_REMATCH[2]}
      if [ "$n" = "$m" ] || [ $((10 * n / m)) -gt "$shown" ]; then
        shown=$((10 * n / m)); printf 'llama-native: %s\n' "$line"
      fi
    fi
  done
}
set +e +o pipefail
"$cmake_bin" --build "$build" --target llama --parallel "$jobs" 2>&1 | tee "$base/build-$variant.log" \
  | progress >&2
build_status=${PIPESTATUS[0]}
set -e -o pipefail
[ "$build_status" = 0 ] || { tail -n 30 "$base/build-$variant.log" >&2; fail "the build failed (log: $base/build-$variant.log)"; }
mkdir -p "$out/lib"
# the libraries with their version links; each finds its siblings through RPATH $ORIGIN
find "$build/bin" -maxdepth 1 \( -name 'libllama.so*' -o -name 'libggml*.so*' \) \
  -exec cp -P {} "$out/lib/" \; 2>/dev/null
for lib in libllama.so libggml.so libggml-base.so; do
  [ -e "$out/lib/$lib" ] || fail "the build produced no $lib (log: $base/build-$variant.log)"
done
elapsed=$(( $(date +%s) - start ))
printf '%s\n' "$options_line" >"$marker"
say "built $version ($variant) in ${elapsed}s"
printf '%s\n' "$out/lib"
