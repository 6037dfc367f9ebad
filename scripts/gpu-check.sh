#!/usr/bin/env bash
# gpu-check.sh: our engine with GPU layers against llama.cpp alone, on a machine with an NVIDIA GPU and no network.
#
#   scripts/gpu-check.sh stage [--no-jre]      here (Maven's cache and the pinned archive at hand): puts what the GPU
#                                              machine needs into .gpu-stage/ (git-ignored; about 50 MiB)
#   scripts/gpu-check.sh run [options]         there: builds the pinned llama.cpp with CUDA from the staged archive,
#                                              writes a random 1B-parameter F16 llama model with the test kit's GGUF
#                                              writer, and prints our tokens/s against llama.cpp alone
#
# llama.cpp alone is ./moi bench's own measurement (its worker's stepScaling: llama_decode through JNA, no
# sampling, no MoI): generated tok/s = 1000 / ms of a 1-input step; prompt tok/s = 128 * 1000 / the extra ms of a
# 128-token prompt chunk in a step of 3 inputs. The worker loads llama.cpp with 0 GPU layers (./moi bench has no
# GPU-layers option), so with GPU layers the script prints that figure as a CPU-side reference, without ratios.
#
# run options: --size 1b|small (model; default 1b), --tokens N (generated per run; default 256),
#   --prompt-tokens N (default 512), --gpu-layers N (default 99 = all), --threads N (default: all cores),
#   --cpu (no GPU: the CPU build, to check the script itself on a machine without one).
# The stage holds: the archive llama-cpp-sys-2-0.1.161.crate (SHA-256 checked again by llama-native.sh), the ./moi
# command line's jars without the RAG-only ones, the test kit's model writer, and a Java runtime made with jlink
# (the GPU machine has none; --no-jre when it has Java 17 or newer), the last two packed as runtime.tar.xz.
# Environment: MOI_GPU_WORK (where the run unpacks, builds and writes the 2.2 GB model; default /tmp/moi-gpu-check),
# MOI_CACHE_DIR (as for llama-native.sh), MVN.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
stage="$root/.gpu-stage"
crate="llama-cpp-sys-2-0.1.161.crate"
max_stage_mib=56 # the device tool carries 64 MiB with the working tree

say() { printf 'gpu-check: %s\n' "$*" >&2; }
fail() { printf 'gpu-check: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; }

do_stage() {
  local with_jre=true arg
  for arg in "$@"; do
    case "$arg" in
      --no-jre) with_jre=false ;;
      *) fail "unknown option for stage: '$arg' (supported: --no-jre)" ;;
    esac
  done
  # the archive, taken from (or put into) the cache by llama-native.sh, which checks its SHA-256
  local archive
  archive="$(bash "$root/scripts/llama-native.sh" --fetch-only)" || fail "scripts/llama-native.sh --fetch-only failed (see above)"
  local jar testing="$root/moi-engine/target/test-classes/io/github/langchain4j/moi/testing"
  jar="$(ls "$root"/samples/target/langchain4j-moi-samples-*.jar 2>/dev/null | grep -v -e '-tests.jar' -e '-sources.jar' | head -n 1 || true)"
  if [ -z "$jar" ] || [ ! -d "$root/samples/target/lib" ] || [ ! -f "$testing/BenchModel.class" ]; then
    say "building the command line and the test kit (mvn package -pl samples -am -DskipTests)"
    "${MVN:-mvn}" -q -B -f "$root/pom.xml" -pl samples -am package -DskipTests >&2 || fail "the Maven build failed"
    jar="$(ls "$root"/samples/target/langchain4j-moi-samples-*.jar | grep -v -e '-tests.jar' -e '-sources.jar' | head -n 1)"
  fi
  rm -rf "$stage"
  mkdir -p "$stage/pack/jars" "$stage/pack/test-classes/io/github/langchain4j/moi/testing"
  cp "$archive" "$stage/$crate"
  cp "$jar" "$stage/pack/jars/"
  local dep
  for dep in "$root"/samples/target/lib/*.jar; do
    case "$(basename "$dep")" in
      # RAG's embedding model and ONNX runtime (about 190 MiB), and java-llama.cpp's b4916 (CPU-only) library
      onnxruntime-*|langchain4j-embeddings-*|tokenizers-*|llama-4.*) ;;
      *) cp "$dep" "$stage/pack/jars/" ;;
    esac
  done
  cp "$testing"/BenchModel*.class "$testing"/GgufWriter*.class "$testing"/TinyModel*.class \
    "$stage/pack/test-classes/io/github/langchain4j/moi/testing/"
  if $with_jre; then
    command -v jlink >/dev/null 2>&1 || fail "jlink is missing (a JDK 17+ has it); or stage --no-jre"
    say "making a Java runtime with jlink"
    jlink --add-modules java.base,java.logging,java.management,java.naming,java.sql,java.xml,jdk.unsupported,java.scripting \
      --strip-debug --no-man-pages --no-header-files --compress=2 --output "$stage/pack/jre" >&2 \
      || fail "jlink failed"
  fi
  say "packing (xz, a minute or two)"
  tar -C "$stage/pack" -cf - . | xz -T0 -6 >"$stage/runtime.tar.xz"
  rm -rf "$stage/pack"
  local mib
  mib=$(( $(du -sk "$stage" | cut -f1) / 1024 ))
  [ "$mib" -le "$max_stage_mib" ] || fail "the stage is $mib MiB, more than the $max_stage_mib MiB that travel with the tree"
  say "staged $mib MiB in $stage"
  say "on the GPU machine, from the repository root: bash scripts/gpu-check.sh run   (carry .gpu-stage)"
}

# "[N tokens, X tokens/s, finish: F, prompt: P tokens, S s]" of ./moi generate -> "N P S F"
parse_summary() {
  sed -n 's/^\[\([0-9]*\) tokens, [0-9.]* tokens\/s, finish: \([a-z_]*\), prompt: \([0-9]*\) tokens, \([0-9.]*\) s\]$/\1 \3 \4 \2/p' "$1" | tail -n 1
}

do_run() {
  local size=1b tokens=256 prompt_tokens=512 gpu_layers=99 threads cpu=false
  threads="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 4)"
  while [ $# -gt 0 ]; do
    case "$1" in
      --size|--tokens|--prompt-tokens|--gpu-layers|--threads)
        [ $# -ge 2 ] || fail "$1 needs a value"
        case "$1" in
          --size) size="$2" ;;
          --tokens) tokens="$2" ;;
          --prompt-tokens) prompt_tokens="$2" ;;
          --gpu-layers) gpu_layers="$2" ;;
          --threads) threads="$2" ;;
        esac
        shift 2 ;;
      --cpu) cpu=true; shift ;;
      *) fail "unknown option for run: '$1' (see scripts/gpu-check.sh --help)" ;;
    esac
  done
  case "$size" in 1b|small) ;; *) fail "--size must be 1b or small, was '$size'" ;; esac
  local name value
  for name in tokens prompt_tokens gpu_layers threads; do
    value="${!name}"
    [[ "$value" =~ ^[0-9]+$ ]] || fail "--${name//_/-} must be a whole number, was '$value'"
  done
  [ "$tokens" -ge 8 ] && [ "$tokens" -le 2048 ] || fail "--tokens must be in [8, 2048], was $tokens"
  [ "$prompt_tokens" -ge 8 ] && [ "$prompt_tokens" -le 1536 ] || fail "--prompt-tokens must be in [8, 1536], was $prompt_tokens"
  [ "$threads" -ge 1 ] || fail "--threads must be >= 1, was $threads"
  $cpu && gpu_layers=0

  # what the machine must have, each missing thing named before any work
  if ! $cpu; then
    command -v nvidia-smi >/dev/null 2>&1 || fail "no NVIDIA driver here (nvidia-smi is missing): run this on a machine with an NVIDIA GPU, or pass --cpu"
    local gpus
    gpus="$(nvidia-smi -L 2>/dev/null || true)"
    [ -n "$gpus" ] || fail "nvidia-smi lists no GPU: run this on a machine with an NVIDIA GPU, or pass --cpu"
    if ! command -v nvcc >/dev/null 2>&1 && [ -x /usr/local/cuda/bin/nvcc ]; then export PATH="/usr/local/cuda/bin:$PATH"; fi
    command -v nvcc >/dev/null 2>&1 || fail "nvcc (the CUDA toolkit's compiler) is not on the PATH: install the CUDA toolkit, or pass --cpu"
  fi
  command -v python3 >/dev/null 2>&1 || fail "python3 is needed to read the bench worker's JSON"
  [ -f "$stage/$crate" ] && [ -f "$stage/runtime.tar.xz" ] \
    || fail "no stage in $stage: run 'scripts/gpu-check.sh stage' on a machine with the project built, and carry .gpu-stage"

  local work="${MOI_GPU_WORK:-/tmp/moi-gpu-check}"
  mkdir -p "$work"
  if [ ! -f "$work/.unpacked" ] || [ "$stage/runtime.tar.xz" -nt "$work/.unpacked" ]; then
    say "unpacking the stage into $work"
    rm -rf "$work/jars" "$work/jre" "$work/test-classes"
    xz -dc "$stage/runtime.tar.xz" | tar -C "$work" -xf - || fail "could not unpack $stage/runtime.tar.xz"
    : >"$work/.unpacked"
  fi
  local java
  if [ -x "$work/jre/bin/java" ]; then java="$work/jre/bin/java"
  elif [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"
  else java="$(command -v java || true)"; fi
  [ -n "$java" ] && [ -x "$java" ] || fail "no Java here: stage without --no-jre, or install Java 17+"

  local lib
  if $cpu; then
    lib="$(MOI_LLAMA_ARCHIVE="$stage/$crate" bash "$root/scripts/llama-native.sh")" || fail "the CPU build failed (see above)"
  else
    say "building the pinned llama.cpp with CUDA (the longest step)"
    lib="$(MOI_LLAMA_ARCHIVE="$stage/$crate" bash "$root/scripts/llama-native.sh" --cuda)" || fail "the CUDA build failed (see above)"
  fi

  local model="$work/bench-$size.gguf"
  if [ ! -f "$model" ]; then
    say "writing the $size model (random F16 weights) to $model"
    "$java" -Xmx24g -cp "$work/test-classes" io.github.langchain4j.moi.testing.BenchModel "$model.part" "$size" \
      || { rm -f "$model.part"; fail "writing the model failed"; }
    mv "$model.part" "$model"
  fi

  local device="CPU"
  $cpu || device="$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | head -n 1), $(nvcc --version | sed -n 's/.*release \([0-9.]*\).*/CUDA \1/p')"
  local cp="$work/jars/*"
  # llama.cpp alone: the request ./moi bench sends its worker (BenchCommand.concurrency), to the same worker class
  say "llama.cpp alone (./moi bench's worker: llama_decode through JNA, no sampling; 0 GPU layers)"
  local out="$work/alone.json"
  printf '%s\n' '{"op":"stepScaling","inputs":[1,2,3,4],"steps":20,"chunks":[0,16,32,64,128]}' '{"op":"exit"}' \
    | "$java" -cp "$cp" io.github.langchain4j.moi.samples.bench.BenchWorker moi "$model" "$threads" 512 1 "$lib" \
      2>"$work/alone.log" | sed -n 's/^@@bench //p' >"$out" || true
  local ref ref_pp ref_tg
  ref="$(python3 - "$out" <<'EOF'
import json, sys
replies = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
steps = next((r for r in replies if "msPerStep" in r), None)
if steps is None:
    errors = [r["error"] for r in replies if "error" in r]
    sys.exit("gpu-check: error: the bench worker gave no step times" + (": " + "; ".join(errors) if errors else ""))
one, chunks = steps["msPerStep"]["1"], steps["msPerChunkStep"]
print(f"{128 * 1000 / (chunks['128'] - chunks['0']):.2f} {1000 / one:.2f}")
EOF
  )" || { tail -n 20 "$work/alone.log" >&2; fail "measuring llama.cpp alone failed (log: $work/alone.log)"; }
  read -r ref_pp ref_tg <<<"$ref"
  say "llama.cpp alone, ms per step: $(grep msPerStep "$out")"

  # a prompt of about prompt_tokens tokens: the model's vocabulary has a token for each number
  local prompt="$work/prompt.txt" i
  : >"$prompt"
  for ((i = 1; i < prompt_tokens; i++)); do printf '%d ' "$i" >>"$prompt"; done
  # ours: a run of 1 token (prompt + first token) and a run of N; generated tok/s = (N - 1) / difference of their times
  ours() { # mode max_tokens -> "N P S F"
    local log="$work/ours-$1-$2.log"
    "$java" -cp "$cp" io.github.langchain4j.moi.samples.cli.MoiCli generate --llama-cpp "$lib" --model "$model" --raw \
      --prompt-file "$prompt" --mode "$1" --temperature 0 --max-tokens "$2" --gpu-layers "$gpu_layers" \
      --threads "$threads" --ctx-size 4096 >/dev/null 2>"$log" || { tail -n 20 "$log" >&2; fail "./moi generate failed (log: $log)"; }
    parse_summary "$log"
  }
  local rows=() mode short long n p s1 s2 f pp tg
  for mode in off moi; do
    say "ours, --mode $mode"
    ours "$mode" 4 >/dev/null # warm-up: page cache, GPU kernels
    short="$(ours "$mode" 1)"; long="$(ours "$mode" "$tokens")"
    [ -n "$short" ] && [ -n "$long" ] || fail "no summary line from ./moi generate (logs: $work/ours-$mode-*.log)"
    read -r _ p s1 _ <<<"$short"
    read -r n _ s2 f <<<"$long"
    [ "$f" = length ] || fail "--mode $mode stopped early (finish: $f): its tokens/s would be wrong"
    pp="$(awk -v p="$p" -v s="$s1" 'BEGIN { printf "%.2f", p / s }')"
    tg="$(awk -v n="$n" -v a="$s1" -v b="$s2" 'BEGIN { printf "%.2f", (b > a) ? (n - 1) / (b - a) : 0 }')"
    rows+=("$mode $pp $tg")
  done

  printf '\ngpu-check: %s; model %s (random llama, F16); %s GPU layers; %s threads; %s prompt / %s generated tokens\n' \
    "$device" "$size" "$gpu_layers" "$threads" "$prompt_tokens" "$tokens"
  printf '%-34s %14s %16s %12s %12s\n' "" "prompt tok/s" "generated tok/s" "prompt/ref" "gen/ref"
  local same=true
  [ "$gpu_layers" = 0 ] || same=false
  printf '%-34s %14s %16s %12s %12s\n' "llama.cpp alone (0 GPU layers)" "$ref_pp" "$ref_tg" "$($same && echo 1 || echo -)" \
    "$($same && echo 1 || echo -)"
  local row
  for row in "${rows[@]}"; do
    read -r mode pp tg <<<"$row"
    if $same; then
      printf '%-34s %14s %16s %12s %12s\n' "ours, --mode $mode" "$pp" "$tg" \
        "$(awk -v a="$pp" -v b="$ref_pp" 'BEGIN { printf "%.3f", a / b }')" \
        "$(awk -v a="$tg" -v b="$ref_tg" 'BEGIN { printf "%.3f", a / b }')"
    else
      printf '%-34s %14s %16s %12s %12s\n' "ours, --mode $mode" "$pp" "$tg" "-" "-"
    fi
  done
  echo "llama.cpp alone: ./moi bench's worker (llama_decode through JNA, no sampling, no MoI); generated = 1000 / ms of a"
  echo "1-input step; prompt = 128 / the extra ms of a 128-token chunk in a step of 3 inputs (not a $prompt_tokens-token prompt)."
  if ! $same; then
    echo "The bench worker cannot use GPU layers (./moi bench has no such option; it loads llama.cpp with 0), so its"
    echo "figure is not like for like with ours at $gpu_layers GPU layers: no ratios."
  fi
}

case "${1:-}" in
  stage) shift; do_stage "$@" ;;
  run) shift; do_run "$@" ;;
  -h|--help) usage ;;
  *) usage >&2; exit 2 ;;
esac
