#!/usr/bin/env bash
# bench-runtimes.sh: our engine on the current llama.cpp against our engine on b4916 and against llama.cpp alone,
# on the same model and threads, in one table.
#
#   scripts/bench-runtimes.sh [--model FILE] [--threads N] [--tokens N] [--rounds N] [--prompt-tokens N]
#                             [--llama-cpp FOLDER] [--out DIR]
#
# Runs, one after the other: `./moi bench --json` on the bundled b4916 library; the same with
# -Dmoi.llama.lib.path=FOLDER (the current build; default: the CPU build of ./moi native build); and
# llama-decode-bench (llama.cpp's decode loop in C, llama-bench's method; scripts/llama-native.sh --with-bench) on
# that build. Prints prompt and generated tokens/s of each (ours: medians of `./moi bench`'s OFF and MOI runs; its
# prompts have about 30 tokens, so the C loop's prompt is --prompt-tokens 32 by default) and the ratios
# ours-current / ours-b4916 and ours-current / llama.cpp alone. The JSON of both benches stays in --out.
# Defaults: the default model, all cores, --tokens 64 --rounds 3 (./moi bench's own).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf 'bench-runtimes: %s\n' "$*" >&2; }
fail() { printf 'bench-runtimes: error: %s\n' "$*" >&2; exit 1; }

cache_root="${MOI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/langchain4j-moi}"
model="$cache_root/qwen2.5-coder-0.5b-instruct-q4.gguf"
threads="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)"
tokens=64 rounds=3 prompt_tokens=32 lib="" out=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --model|--threads|--tokens|--rounds|--prompt-tokens|--llama-cpp|--out)
      [ $# -ge 2 ] || fail "$1 needs a value"
      case "$1" in
        --model) model="$2" ;; --threads) threads="$2" ;; --tokens) tokens="$2" ;; --rounds) rounds="$2" ;;
        --prompt-tokens) prompt_tokens="$2" ;; --llama-cpp) lib="$2" ;; --out) out="$2" ;;
      esac
      shift 2 ;;
    *) fail "unknown option '$1' (see --help)" ;;
  esac
done
for name in threads tokens rounds prompt_tokens; do
  value="${!name}"
  [[ "$value" =~ ^[1-9][0-9]*$ ]] || fail "--${name//_/-} must be a whole number >= 1, was '$value'"
done
[ -f "$model" ] || fail "no model file $model (--model FILE; the default model is fetched by any ./moi command, e.g. ./moi chat hi)"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to read the benches' JSON"

if [ -z "$lib" ]; then
  lib="$(bash "$root/scripts/llama-native.sh" --with-bench)" || fail "scripts/llama-native.sh --with-bench failed"
fi
[ -f "$lib/libllama.so" ] || fail "--llama-cpp $lib holds no libllama.so"
decode_bench="$(dirname "$lib")/bin/llama-decode-bench"
[ -x "$decode_bench" ] || fail "no $decode_bench: build it with scripts/llama-native.sh --with-bench"
out="${out:-$(mktemp -d "${TMPDIR:-/tmp}/bench-runtimes.XXXXXX")}"
mkdir -p "$out"

bench_args=(bench --json --model "$model" --threads "$threads" --tokens "$tokens" --rounds "$rounds")
say "./moi bench on b4916 (bundled), $threads threads, $tokens tokens, $rounds rounds"
"$root/moi" "${bench_args[@]}" >"$out/b4916.json" 2>"$out/b4916.log" || { tail -n 20 "$out/b4916.log" >&2; fail "./moi bench on b4916 failed (log: $out/b4916.log)"; }
say "./moi bench on the current build ($lib)"
JAVA_OPTS="${JAVA_OPTS:-} -Dmoi.llama.lib.path=$lib" "$root/moi" "${bench_args[@]}" >"$out/current.json" 2>"$out/current.log" \
  || { tail -n 20 "$out/current.log" >&2; fail "./moi bench on the current build failed (log: $out/current.log)"; }
say "llama-decode-bench on the current build ($prompt_tokens prompt / $tokens generated tokens, $rounds runs)"
"$decode_bench" -m "$model" -p "$prompt_tokens" -n "$tokens" -t "$threads" -r "$rounds" >"$out/llama-decode-bench.txt" \
  2>"$out/llama-decode-bench.log" || { cat "$out/llama-decode-bench.log" >&2; fail "llama-decode-bench failed"; }

printf '\n$ scripts/bench-runtimes.sh --model %s --threads %s --tokens %s --rounds %s --prompt-tokens %s   # %s, load average %s\n' \
  "$(basename "$model")" "$threads" "$tokens" "$rounds" "$prompt_tokens" "$(date -u +%Y-%m-%dT%H:%MZ)" \
  "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
python3 - "$out" <<'EOF'
import json, re, sys
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

b4916, current = last_json(f"{out}/b4916.json"), last_json(f"{out}/current.json")
text = open(f"{out}/llama-decode-bench.txt", encoding="utf-8").read()
m = re.search(r"RESULT pp=([0-9.]+) tg=([0-9.]+)", text)
if not m:
    sys.exit("bench-runtimes: error: no RESULT line from llama-decode-bench")
alone = (float(m.group(1)), float(m.group(2)))
rows = [("ours OFF, b4916", figure(b4916, "off", "prompt_tps", "b4916.json"), figure(b4916, "off", "gen_tps", "b4916.json")),
        ("ours MOI, b4916", figure(b4916, "moi", "prompt_tps", "b4916.json"), figure(b4916, "moi", "gen_tps", "b4916.json")),
        ("ours OFF, current", figure(current, "off", "prompt_tps", "current.json"), figure(current, "off", "gen_tps", "current.json")),
        ("ours MOI, current", figure(current, "moi", "prompt_tps", "current.json"), figure(current, "moi", "gen_tps", "current.json")),
        ("java-llama.cpp (b4916)", figure(b4916, "peer", "prompt_tps", "b4916.json"), figure(b4916, "peer", "gen_tps", "b4916.json")),
        ("llama.cpp alone, current", alone[0], alone[1])]
print(f"{'':28} {'prompt tok/s':>13} {'gen tok/s':>10}")
for name, p, g in rows:
    print(f"{name:28} {p:13.1f} {g:10.2f}")
r = {name: (p, g) for name, p, g in rows}
def ratio(a, b, i):
    return r[a][i] / r[b][i] if r[b][i] > 0 else float("nan")
print(f"ours-current / ours-b4916, OFF:        prompt {ratio('ours OFF, current', 'ours OFF, b4916', 0):.3f}, generated {ratio('ours OFF, current', 'ours OFF, b4916', 1):.3f}")
print(f"ours-current / ours-b4916, MOI:        prompt {ratio('ours MOI, current', 'ours MOI, b4916', 0):.3f}, generated {ratio('ours MOI, current', 'ours MOI, b4916', 1):.3f}")
print(f"ours-current OFF / llama.cpp alone:    prompt {ratio('ours OFF, current', 'llama.cpp alone, current', 0):.3f}, generated {ratio('ours OFF, current', 'llama.cpp alone, current', 1):.3f}")
print(f"ours-current MOI / llama.cpp alone:    prompt {ratio('ours MOI, current', 'llama.cpp alone, current', 0):.3f}, generated {ratio('ours MOI, current', 'llama.cpp alone, current', 1):.3f}")
print("(llama.cpp alone: no sampling, random tokens; its prompt is one batch of --prompt-tokens)")
EOF
say "raw results in $out"
