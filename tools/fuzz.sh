#!/usr/bin/env bash
# Coverage-guided fuzzing of one parser: tools/fuzz.sh TARGET SECONDS [EXECUTIONS]
# (stops after SECONDS, or after about EXECUTIONS executions when that comes first)
# Targets: nf ckpt config wav ply obj volume image (see `dotnet .fuzz/build/nf-fuzz.dll list`).
# Builds tools/NeuralFields.Fuzz, instruments the project's assemblies with SharpFuzz (a copy, never the build),
# writes seed inputs (small valid files the harness makes itself), runs afl-fuzz for SECONDS and prints
# executions, crashes and hangs. Findings stay in .fuzz/findings/TARGET-DATE/ (crashes/, hangs/, queue/);
# replay one with: dotnet .fuzz/build/nf-fuzz.dll replay TARGET FILE (the uninstrumented build)
# Installs nothing: it says what to install when afl-fuzz or sharpfuzz is missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-}"; seconds="${2:-}"; executions="${3:-}"
if [ -z "$target" ] || ! [[ "$seconds" =~ ^[0-9]+$ ]] || ! [[ "$executions" =~ ^[0-9]*$ ]]; then
  echo "usage: tools/fuzz.sh TARGET SECONDS [EXECUTIONS]   (TARGET: nf ckpt config wav ply obj volume image)" >&2
  exit 2
fi

missing=0
if ! command -v afl-fuzz >/dev/null; then
  echo "fuzz.sh: afl-fuzz not found; install it with: apt-get install afl++" >&2; missing=1
fi
sharpfuzz="$(command -v sharpfuzz || true)"
[ -z "$sharpfuzz" ] && [ -x "$HOME/.dotnet/tools/sharpfuzz" ] && sharpfuzz="$HOME/.dotnet/tools/sharpfuzz"
if [ -z "$sharpfuzz" ]; then
  echo "fuzz.sh: sharpfuzz not found; install it with: dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0" >&2; missing=1
fi
[ "$missing" = 1 ] && exit 1

work="$root/.fuzz"
build="$work/build"; instrumented="$work/instrumented"
echo "fuzz.sh: building the harness..." >&2
dotnet build "$root/tools/NeuralFields.Fuzz/NeuralFields.Fuzz.csproj" -c Release -o "$build" -nologo -v quiet | grep -E "error|rror\(s\)" >&2 || true
# Instrument a fresh copy: SharpFuzz rewrites assemblies in place and refuses to do one twice.
rm -rf "$instrumented"; cp -r "$build" "$instrumented"
for assembly in Schema Signals Codec.Decoder Codec Core Fitting Backends; do
  "$sharpfuzz" "$instrumented/NeuralFields.$assembly.dll" >/dev/null
done

seeds="$work/seeds/$target"
if [ -z "$(ls -A "$seeds" 2>/dev/null)" ]; then
  dotnet "$build/nf-fuzz.dll" seeds "$target" "$seeds" >&2     # instrumented code runs only under afl-fuzz
fi
findings="$work/findings/$target-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$findings"

echo "fuzz.sh: fuzzing $target for $seconds s; findings -> $findings" >&2
# The GC heap limit turns a runaway allocation into an OutOfMemoryException, which afl-fuzz records as a crash.
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
DOTNET_GCHeapHardLimit=0x40000000 DOTNET_TieredPGO=0 \
  afl-fuzz -V "$seconds" ${executions:+-E "$executions"} -t 5000 -m none -i "$seeds" -o "$findings" -- dotnet "$instrumented/nf-fuzz.dll" run "$target" >"$findings/afl.log" 2>&1 || {
    echo "fuzz.sh: afl-fuzz failed; the end of its log:" >&2; tail -20 "$findings/afl.log" >&2; exit 1; }

stats="$findings/default/fuzzer_stats"
value() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
crashes="$(value saved_crashes)"; [ -z "$crashes" ] && crashes="$(value unique_crashes)"
hangs="$(value saved_hangs)"; [ -z "$hangs" ] && hangs="$(value unique_hangs)"
echo "$target: $(value execs_done) executions in $(value run_time) s ($(value execs_per_sec) exec/s), $crashes crash(es), $hangs hang(s), corpus $(value corpus_count)"
if [ "${crashes:-0}" != 0 ] || [ "${hangs:-0}" != 0 ]; then
  echo "findings: $findings/default/crashes and $findings/default/hangs"
  echo "replay:   dotnet $build/nf-fuzz.dll replay $target $findings/default/crashes/id*"
fi
