#!/usr/bin/env bash
# bench-runtimes.sh: our engine on the current llama.cpp against our engine on b4916, java-llama.cpp, and llama.cpp
# alone on each runtime, on the same model and threads, in one table.
#
#   scripts/bench-runtimes.sh [--model FILE] [--threads N] [--tokens N] [--rounds N] [--llama-cpp FOLDER] [--out DIR]
#
# Runs `./moi bench --json` twice: on the bundled b4916 library, and with -Dmoi.llama.lib.path=FOLDER (the current
# build; default: the CPU build of ./moi native build). Prints prompt and generated tokens/s of each (medians of the
# OFF and MOI runs, and java-llama.cpp's) and the ratios. "llama.cpp alone" comes from the same benches: their
# worker times llama_decode through JNA with no sampling and no MoI (JSON concurrency.step_ms and chunk_step_ms):
#   generated tok/s alone = 1000 / ms of one decode step of 1 input (logits read back, no sampling);
#   prompt tok/s alone    = C * 1000 / (ms of a step of 3 inputs + a C-token prompt chunk - ms of the 3 inputs
#                           alone), C the largest chunk (128): the marginal speed of prompt tokens in one batch.
# Ours' prompt tok/s instead is prompt tokens / time to first token of ~30-token prompts (first sampling included).
# The JSON of both benches stays in --out. Defaults: the default model, all cores, --tokens 64 --rounds 3.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf 'bench-runtimes: %s\n' "$*" >&2; }
fail() { printf 'bench-runtimes: error: %s\n' "$*" >&2; exit 1; }

cache_root="${MOI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/langchain4j-moi}"
model="$cache_root/qwen2.5-coder-0.5b-instruct-q4.gguf"
threads="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)"
tokens=64 rounds=3 lib="" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --model|--threads|--tokens|--rounds|--llama-cpp|--out)
      [ $# -ge 2 ] || fail "$1 needs a value"
      case "$1" in
        --model) model="$2" ;; --threads) threads="$2" ;; --tokens) tokens="$2" ;; --rounds) rounds="$2" ;;
        --llama-cpp) lib="$2" ;; --out) out="$2" ;;
      esac
      shift 2 ;;
    *) fail "unknown option '$1' (see --help)" ;;
  esac
done
for name in threads tokens rounds; do
  value="${!name}"
  [[ "$value" =~ ^[1-9][0-9]*$ ]] || fail "--${name//_/-} must be a whole number >= 1, was '$value'"
done
[ "$tokens" -ge 2 ] || fail "--tokens must be >= 2 (a generated rate needs two tokens), was $tokens"
[ -f "$model" ] || fail "no model file $model (--model FILE; the default model is fetched by any ./moi command, e.g. ./moi chat hi)"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to read the benches' JSON"

if [ -z "$lib" ]; then
  lib="$(bash "$root/scripts/llama-native.sh")" || fail "scripts/llama-native.sh failed"
fi
[ -f "$lib/libllama.so" ] || fail "--llama-cpp $lib holds no libllama.so"
out="${out:-$(mktemp -d "${TMPDIR:-/tmp}/bench-runtimes.XXXXXX")}"
mkdir -p "$out"

bench_args=(bench --json --model "$model" --threads "$threads" --tokens "$tokens" --rounds "$rounds")
say "./moi bench on b4916 (bundled), $threads threads, $tokens tokens, $rounds rounds"
"$root/moi" "${bench_args[@]}" >"$out/b4916.json" 2>"$out/b4916.log" || { tail -n 20 "$out/b4916.log" >&2; fail "./moi bench on b4916 failed (log: $out/b4916.log)"; }
say "./moi bench on the current build ($lib)"
JAVA_OPTS="${JAVA_OPTS:-} -Dmoi.llama.lib.path=$lib" "$root/moi" "${bench_args[@]}" >"$out/current.json" 2>"$out/current.log" \
  || { tail -n 20 "$out/current.log" >&2; fail "./moi bench on the current build failed (log: $out/current.log)"; }
printf '\n$ scripts/bench-runtimes.sh --model %s --threads %s --tokens %s --rounds %s   # %s, load average %s\n' \
  "$(basename "$model")" "$threads" "$tokens" "$rounds" "$(date -u +%Y-%m-%dT%H:%MZ)" \
  "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
python3 - "$out" <<'EOF'
import json, sys
out = sys.argv[1]

def last_json(path):
    lines = [l for l in open(path, encoding="utf-8") if l.lstrip().startswith("{")]
    if not lines:
        sys.exit(f"bench-runtimes: error: no JSON line in {path}")
    return json.loads(lines[-1])

def figure(bench, variant, key, path):
    try:
        return float(bench["single_stream"][variant][key])
    except (KeyError, TypeError, ValueError):
        sys.exit(f"bench-runtimes: error: {path} has no single_stream.{variant}.{key}")

def alone(bench, path):
    """llama.cpp alone on the bench's runtime: (prompt tok/s, generated tok/s) from its llama_decode step times."""
    try:
        steps, chunks = bench["concurrency"]["step_ms"], bench["concurrency"]["chunk_step_ms"]
        one, base = float(steps["1"]), float(chunks["0"])
        chunk = max(int(c) for c in chunks)
        with_chunk = float(chunks[str(chunk)])
    except (KeyError, TypeError, ValueError):
        sys.exit(f"bench-runtimes: error: {path} has no concurrency.step_ms.1 and concurrency.chunk_step_ms (0 and a chunk > 0)")
    if chunk <= 0 or one <= 0:
        sys.exit(f"bench-runtimes: error: {path}: no prompt chunk or no step time to derive llama.cpp's speed from")
    return (chunk * 1000 / (with_chunk - base) if with_chunk > base else float("nan"), 1000 / one, chunk)

b4916, current = last_json(f"{out}/b4916.json"), last_json(f"{out}/current.json")
alone_b4916, alone_current = alone(b4916, "b4916.json"), alone(current, "current.json")
rows = [("ours OFF, b4916", figure(b4916, "off", "prompt_tps", "b4916.json"), figure(b4916, "off", "gen_tps", "b4916.json")),
        ("ours MOI, b4916", figure(b4916, "moi", "prompt_tps", "b4916.json"), figure(b4916, "moi", "gen_tps", "b4916.json")),
        ("ours OFF, current", figure(current, "off", "prompt_tps", "current.json"), figure(current, "off", "gen_tps", "current.json")),
        ("ours MOI, current", figure(current, "moi", "prompt_tps", "current.json"), figure(current, "moi", "gen_tps", "current.json")),
        ("java-llama.cpp (b4916)", figure(b4916, "peer", "prompt_tps", "b4916.json"), figure(b4916, "peer", "gen_tps", "b4916.json")),
        ("llama.cpp alone, b4916", alone_b4916[0], alone_b4916[1]),
        ("llama.cpp alone, current", alone_current[0], alone_current[1])]
print(f"{'':28} {'prompt tok/s':>13} {'gen tok/s':>10}")
for name, p, g in rows:
    print(f"{name:28} {p:13.1f} {g:10.2f}")
r = {name: (p, g) for name, p, g in rows}
def ratio(a, b, i):
    return r[a][i] / r[b][i] if r[b][i] > 0 else float("nan")
def line(label, a, b):
    print(f"{label:40} prompt {ratio(a, b, 0):.3f}, generated {ratio(a, b, 1):.3f}")
line("ours-current / ours-b4916, OFF:", "ours OFF, current", "ours OFF, b4916")
line("ours-current / ours-b4916, MOI:", "ours MOI, current", "ours MOI, b4916")
line("llama.cpp alone, current / b4916:", "llama.cpp alone, current", "llama.cpp alone, b4916")
for runtime in ("b4916", "current"):
    for mode in ("OFF", "MOI"):
        line(f"ours {mode} / llama.cpp alone, {runtime}:", f"ours {mode}, {runtime}", f"llama.cpp alone, {runtime}")
line("java-llama.cpp / llama.cpp alone, b4916:", "java-llama.cpp (b4916)", "llama.cpp alone, b4916")
chunk = alone_current[2]
print("llama.cpp alone: ./moi bench's worker timing llama_decode through JNA, no sampling, no MoI; generated = 1000 / ms")
print(f"of a 1-input step; prompt = {chunk} / the extra ms of a {chunk}-token prompt chunk in a step of 3 inputs. Ours' prompt")
print("figure is prompt tokens / time to first token of ~30-token prompts, so the prompt ratios are rough.")
EOF
say "raw results in $out"
