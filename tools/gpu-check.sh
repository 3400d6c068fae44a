#!/usr/bin/env bash
# One-shot check of the ILGPU kernels on a CUDA machine: build, run the kernel parity tests on the GPU
# (NF_TEST_ACCELERATOR=cuda), run the kernel benchmark, render a small fitted model on the GPU and with
# TorchSharp and compare the PNGs, and write everything to one folder.
#
#   tools/gpu-check.sh [RESULTS_DIR]        default: runs/gpu-check-<date>
#
# Needs the .NET SDK and an NVIDIA driver (ILGPU loads libcuda itself; no CUDA toolkit, no CUDA build of
# libtorch). NF_SKIP_BUILD=1 reuses Release builds already in the tree (for machines without package access);
# NF_GPU_CHECK_ACCELERATOR=cpu runs the same script on ILGPU's CPU emulator (a dry run; the fit/render step is skipped).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/runs/gpu-check-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cd "$root"
status=0
accel="${NF_GPU_CHECK_ACCELERATOR:-cuda}"
step() { echo "== $*" | tee -a "$out/summary.txt"; }
record() { local rc=$1 what=$2; echo "   $what: exit $rc" | tee -a "$out/summary.txt"; [ "$rc" -eq 0 ] || status=1; }

step "machine"
{ date -u; uname -a; nproc; dotnet --version; nvidia-smi || echo "nvidia-smi not found"; } >"$out/machine.txt" 2>&1
head -n 20 "$out/machine.txt" | grep -E "NVIDIA|Driver|CUDA" | tee -a "$out/summary.txt"

if [ "${NF_SKIP_BUILD:-0}" != "1" ]; then
  step "build (Release)"
  for project in tests/NeuralFields.Kernels.Tests tools/NeuralFields.Benchmarks src/NeuralFields.Cli; do
    dotnet build "$project" -c Release -nologo -v quiet >>"$out/build.log" 2>&1
    record $? "build $project"
  done
fi
cli="$root/src/NeuralFields.Cli/bin/Release/net10.0/nf.dll"
bench="$root/tools/NeuralFields.Benchmarks/bin/Release/net10.0/nf-bench.dll"

step "devices"
dotnet "$cli" devices >"$out/devices.txt" 2>&1
record $? "nf devices"
cat "$out/devices.txt" | tee -a "$out/summary.txt"

step "kernel parity tests on the $accel accelerator"
NF_TEST_ACCELERATOR="$accel" timeout 900 dotnet test tests/NeuralFields.Kernels.Tests -c Release --no-build -nologo \
  --logger "trx;LogFileName=$out/kernels-tests-$accel.trx" --logger "console;verbosity=normal" >"$out/tests-$accel.log" 2>&1
record $? "tests ($accel)"
grep -E "^(Passed|Failed)!|Total tests|Failed " "$out/tests-$accel.log" | tail -n 15 | tee -a "$out/summary.txt"

step "kernel benchmark"
timeout 900 dotnet "$bench" kernels "$out/kernels-bench.json" >"$out/bench.txt" 2>&1
record $? "nf-bench kernels"
sed -n '/^| workload/,$p' "$out/bench.txt" | tee -a "$out/summary.txt"

step "fit, then render on the GPU and with TorchSharp"
sample="$root/data/samples/kodim23-192x128.png"
if [ -f "$sample" ] && [ "$accel" = "cuda" ]; then
  timeout 600 dotnet "$cli" fit "$sample" --preset siren --steps 200 -o "$out/fit" --accelerator cuda >"$out/fit.log" 2>&1
  record $? "nf fit --accelerator cuda"
  tail -n 2 "$out/fit.log" | tee -a "$out/summary.txt"
  for backend in cuda torch; do
    start=$(date +%s.%N)
    timeout 600 dotnet "$cli" render "$out/fit/model.ckpt" -W 3840 -H 2160 -o "$out/render-4k-$backend.png" --accelerator "$backend" >>"$out/render.log" 2>&1
    rc=$?
    end=$(date +%s.%N)
    record $rc "render 3840x2160 --accelerator $backend ($(awk "BEGIN { printf \"%.1f\", $end - $start }") s wall, process start included)"
  done
  if cmp -s "$out/render-4k-cuda.png" "$out/render-4k-torch.png"; then
    echo "   4K renders: identical PNGs" | tee -a "$out/summary.txt"
  else
    echo "   4K renders: PNGs differ (values agree to ~1e-6, so an 8-bit rounding may flip on a few pixels)" | tee -a "$out/summary.txt"
  fi
  tail -n 2 "$out/render.log" | tee -a "$out/summary.txt"
fi

step "done: results in $out (exit $status)"
exit $status
