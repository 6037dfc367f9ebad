#!/usr/bin/env bash
# bench-contention.sh: generated tokens/s of our engine with 1 thread and with all cores, on an idle machine and
# under a competing CPU load of our own, on each llama.cpp runtime, in one table.
#
#   scripts/bench-contention.sh [--model FILE] [--tokens N] [--load-seconds N] [--runtimes LIST]
#
# Runtimes (--runtimes, comma-separated; default: every one that is there): b4916 (java-llama.cpp's bundled library,
# CPU threads on OpenMP), current (./moi native build: ggml's own thread pool, GGML_OPENMP=OFF), current-openmp
# (scripts/llama-native.sh --openmp: the same sources with OpenMP, to tell the thread pool's effect from the rest).
# Each cell is one `./moi generate --raw --mode off --temperature 0 --max-tokens N` of a short prompt (its tokens/s
# counts the few prompt tokens too, alike in every cell). The load is one busy loop per core
# (`timeout --load-seconds sh -c 'while :; do :; done'`), started before the run and ended right after it; the
# timeout bounds it whatever happens to this script. Defaults: the default model, --tokens 32, --load-seconds 300.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf 'bench-contention: %s\n' "$*" >&2; }
fail() { printf 'bench-contention: error: %s\n' "$*" >&2; exit 1; }

cache_root="${MOI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/langchain4j-moi}"
native="$cache_root/llama.cpp/llama-cpp-sys-2-0.1.161"
model="$cache_root/qwen2.5-coder-0.5b-instruct-q4.gguf"
tokens=32 load_seconds=300 runtimes=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --model|--tokens|--load-seconds|--runtimes)
      [ $# -ge 2 ] || fail "$1 needs a value"
      case "$1" in
        --model) model="$2" ;; --tokens) tokens="$2" ;; --load-seconds) load_seconds="$2" ;; --runtimes) runtimes="$2" ;;
      esac
      shift 2 ;;
    *) fail "unknown option '$1' (see --help)" ;;
  esac
done
[[ "$tokens" =~ ^[1-9][0-9]*$ ]] && [ "$tokens" -ge 8 ] || fail "--tokens must be a whole number >= 8, was '$tokens'"
[[ "$load_seconds" =~ ^[1-9][0-9]*$ ]] || fail "--load-seconds must be a whole number >= 1, was '$load_seconds'"
[ -f "$model" ] || fail "no model file $model (--model FILE; the default model is fetched by any ./moi command)"
cores="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)"

folder_of() {
  case "$1" in
    b4916) echo "" ;;
    current) echo "$native/cpu/lib" ;;
    current-openmp) echo "$native/cpu-openmp/lib" ;;
    *) fail "unknown runtime '$1' (known: b4916, current, current-openmp)" ;;
  esac
}
if [ -z "$runtimes" ]; then
  runtimes="b4916"
  [ -f "$native/cpu/lib/libllama.so" ] && runtimes="$runtimes,current"
  [ -f "$native/cpu-openmp/lib/libllama.so" ] && runtimes="$runtimes,current-openmp"
fi
IFS=, read -r -a runtime_list <<<"$runtimes"
for r in "${runtime_list[@]}"; do
  folder="$(folder_of "$r")"
  [ -z "$folder" ] || [ -f "$folder/libllama.so" ] || fail "runtime $r: no build in $folder (./moi native build, or scripts/llama-native.sh --openmp)"
done

load_pids=()
start_load() {
  local i
  for ((i = 0; i < cores; i++)); do
    timeout "$load_seconds" sh -c 'while :; do :; done' &
    load_pids+=($!)
  done
  sleep 1
}
stop_load() {
  local pid
  for pid in "${load_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${load_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  load_pids=()
}
trap stop_load EXIT

work="$(mktemp -d "${TMPDIR:-/tmp}/bench-contention.XXXXXX")"
# tokens/s of one generation: the ./moi summary line "[N tokens, X tokens/s, ...]"
rate() { # runtime threads
  local folder args=() log="$work/$1-$2-$3.log"
  folder="$(folder_of "$1")"
  [ -z "$folder" ] || args=(--llama-cpp "$folder")
  "$root/moi" generate "${args[@]}" --model "$model" --raw --prompt "The quick brown fox" --mode off --temperature 0 \
    --max-tokens "$tokens" --threads "$2" >/dev/null 2>"$log" || { tail -n 20 "$log" >&2; fail "./moi generate failed (log: $log)"; }
  sed -n 's/^\[[0-9]* tokens, \([0-9.]*\) tokens\/s,.*/\1/p' "$log" | tail -n 1
}

"$root/moi" --help >/dev/null # builds the command line first, outside the measurements
load_before="$(cut -d" " -f1-3 /proc/loadavg 2>/dev/null || echo "?")"
declare -A result
for r in "${runtime_list[@]}"; do
  for t in 1 "$cores"; do
    say "$r, $t thread(s), idle"
    result[$r,$t,idle]="$(rate "$r" "$t" idle)"
    say "$r, $t thread(s), under $cores busy loops"
    start_load
    result[$r,$t,busy]="$(rate "$r" "$t" busy)"
    stop_load
  done
done

printf '\n$ scripts/bench-contention.sh --model %s --tokens %s   # %s, %s cores, load average before: %s\n' \
  "$(basename "$model")" "$tokens" "$(date -u +%Y-%m-%dT%H:%MZ)" "$cores" "$load_before"
printf '%-16s %18s %18s %18s %18s\n' "runtime" "1 thread, idle" "1 thread, busy" "$cores threads, idle" "$cores threads, busy"
for r in "${runtime_list[@]}"; do
  printf '%-16s %18s %18s %18s %18s\n' "$r" "${result[$r,1,idle]}" "${result[$r,1,busy]}" "${result[$r,$cores,idle]}" \
    "${result[$r,$cores,busy]}"
done
echo "(generated tokens/s; busy = one spinning process per core of our own beside whatever else runs)"
rm -rf "$work"
