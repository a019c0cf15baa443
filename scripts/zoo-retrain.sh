#!/usr/bin/env bash
# Trains (or resumes) the checkpoint zoo of a scale on this machine: one detached sweep worker per core, sharing one
# results folder (each job claimed with a lease, so the workers split the trainings and resume each other's), training
# jobs only. Finished trainings enter data/zoo with `rdbm zoo add reproduce --scale <scale> --results <dir>`.
#
#   scripts/zoo-retrain.sh [scale] [results-dir]        default: whole64 .rdbm-cache/zoo-<scale>
#
# Each worker uses the native backend with one TensorFlow thread (RDBM_THREADS=1); logs go to <results-dir>/worker-<i>.log.
# Rerun it after a stop: finished trainings are kept and a partial one resumes from its last checkpoint (every 500 steps);
# points that already have a zoo entry (data/zoo) are not trained again (--train-missing), so a fresh machine trains only the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-whole64}"
results="${2:-.rdbm-cache/zoo-$scale}"
workers="$(nproc)"
mkdir -p "$results"
npm run build >/dev/null
node bin/rdbm.js native status
for i in $(seq 1 "$workers"); do
  RDBM_THREADS=1 nohup node bin/rdbm.js sweep reproduce --scale "$scale" --train-missing --train-only --backend node --results "$results" >> "$results/worker-$i.log" 2>&1 &
  echo "worker $i: pid $! → $results/worker-$i.log"
  sleep 5
done
echo "progress: node bin/rdbm.js results status --results $results"
