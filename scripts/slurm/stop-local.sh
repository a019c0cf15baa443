#!/usr/bin/env bash
# Stops the single-node Slurm of start-local.sh: slurmd, slurmctld and munged, by the pid files they wrote.
set -uo pipefail
STATE="${RDBM_SLURM_STATE:-/var/lib/rdbm-slurm}"
for pidfile in "$STATE/slurmd.pid" "$STATE/slurmctld.pid" /run/munge/munged.pid; do
  if [ -s "$pidfile" ]; then
    kill "$(cat "$pidfile")" 2>/dev/null && echo "stop-local.sh: stopped $(basename "$pidfile" .pid)"
  fi
done
