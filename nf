#!/usr/bin/env bash
# Runs the NeuralFields CLI, building it first (Release, into .nf-build/) when any source is newer
# than the last build. Needs only the .NET SDK; packages are restored on the first run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$root/.nf-build"
dll="$out/nf.dll"

# Only sources count: bin/ and obj/ hold build outputs (`dotnet test` rewrites files there, which must not
# trigger a rebuild here).
needs_build() {
  [ ! -f "$dll" ] && return 0
  [ -n "$(find "$root/src" "$root/kernels" "$root/data/configs" "$root/build" "$root"/Directory.*.props "$root/Directory.Build.targets" \
          \( -type d \( -name bin -o -name obj \) -prune \) -o \
          \( -newer "$dll" -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' \) -print \) \
          -quit 2>/dev/null)" ]
}

if needs_build; then
  echo "nf: building the CLI (first run restores packages, about a minute)..." >&2
  log="$(mktemp)"
  if ! dotnet build "$root/src/NeuralFields.Cli/NeuralFields.Cli.csproj" -c Release -o "$out" -nologo -v quiet >"$log" 2>&1; then
    grep -E "error|Error" "$log" >&2 || cat "$log" >&2
    rm -f "$log"
    echo "nf: build failed" >&2
    exit 1
  fi
  rm -f "$log"
  touch "$dll"
fi
exec dotnet "$dll" "$@"
