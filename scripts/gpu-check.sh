#!/usr/bin/env bash
# On a GPU machine: build the CUDA variant of the native backend, run the native parity tests on the GPU and the
# bench, and write one JSON report (default gpu-check.json). Needs CUDA >= 12.5 and cuDNN >= 9.3 on the library
# path (TensorFlow 2.21) and takes about 10 minutes. Not run by CI (no GPU there); see docs/native-backend.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-gpu-check.json}"
tmp="$(mktemp -d)"
command -v nvidia-smi >/dev/null || { echo "gpu-check: nvidia-smi not found: this script is for a machine with an NVIDIA GPU" >&2; exit 2; }
npm ci --no-audit --no-fund
npm run native -- --pip 'tensorflow[and-cuda]==2.21.0'
node bin/rdbm.js native status --json > "$tmp/status.json"
set +e
RDBM_NATIVE_VARIANT=cuda CI=true timeout 600 npx vitest run test/models/native-parity.test.ts --reporter=json --outputFile="$tmp/parity.json" > "$tmp/parity.log" 2>&1
parity=$?
RDBM_BACKEND=node-gpu RDBM_BENCH_REPEAT=2 timeout 600 npm run bench -- native > "$tmp/bench.log" 2>&1
bench=$?
set -e
node -e '
const fs = require("fs"); const [dir, out, parity, bench] = process.argv.slice(1);
const read = (f) => { try { return JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8")); } catch { return null; } };
const p = read("parity.json");
fs.writeFileSync(out, JSON.stringify({
  date: new Date().toISOString(),
  gpus: require("child_process").execSync("nvidia-smi -L", { encoding: "utf8" }).trim().split("\n"),
  native: read("status.json"),
  parity: { exit: Number(parity), passed: p?.numPassedTests ?? null, failed: p?.numFailedTests ?? null,
            tests: (p?.testResults ?? []).flatMap((f) => f.assertionResults.map((a) => ({ name: a.fullName, status: a.status }))) },
  bench: { exit: Number(bench), output: fs.readFileSync(`${dir}/bench.log`, "utf8").split("\n").filter((l) => /ratio|s\/step|×|PASS|BAR|FAIL/.test(l)) },
}, null, 2) + "\n");
' "$tmp" "$out" "$parity" "$bench"
echo "gpu-check: wrote $out (parity exit $parity, bench exit $bench)"
