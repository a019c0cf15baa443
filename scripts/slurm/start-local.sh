#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for testing `rdbm sweep --emit slurm` against a real
# scheduler (test/experiments/slurm-cluster.test.ts, .ci/run). Run as root. Installs the Debian packages
# slurm-wlm and munge when missing, writes /etc/slurm/slurm.conf (only if absent or written by this
# script: a real cluster's configuration is never touched), and starts munged, slurmctld and slurmd
# directly, without systemd: process tracking by parent pid (proctrack/linuxproc), no task binding
# (task/none), consumable CPUs (select/cons_tres), one node with this machine's CPUs.
# Idempotent: a cluster that already answers is left running. Stop it with scripts/slurm/stop-local.sh.
set -euo pipefail

STATE="${RDBM_SLURM_STATE:-/var/lib/rdbm-slurm}"
CONF=/etc/slurm/slurm.conf
MARK='# written by rdbm-lab scripts/slurm/start-local.sh'
NODE="$(hostname -s)"
CPUS="$(nproc --all)"
MEM_MB="$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)"

if [ "$(id -u)" != 0 ]; then
  echo "start-local.sh: run as root (it installs packages and starts the Slurm daemons)" >&2
  exit 2
fi

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  echo "start-local.sh: apt-get install slurm-wlm munge"
  export DEBIAN_FRONTEND=noninteractive
  # wait for another apt-get holding the dpkg lock instead of failing
  apt-get -o DPkg::Lock::Timeout=900 update -qq
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

if [ -f "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
  echo "start-local.sh: $CONF exists and was not written by this script; not touching a real cluster's configuration" >&2
  exit 2
fi

mkdir -p "$STATE/ctld" "$STATE/spool" "$STATE/log" /etc/slurm
cat >"$CONF" <<EOF
$MARK
ClusterName=rdbm-local
SlurmctldHost=$NODE
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
# a cancelled task gets SIGTERM, then SIGKILL 5 s later; finished jobs leave the queue after 30 s
KillWait=5
MinJobAge=30
SlurmdTimeout=60
NodeName=$NODE CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=local Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF

answers() { timeout 5 scontrol ping 2>/dev/null | grep -q 'is UP'; }

# munge: a key once, then the daemon as the munge user (it refuses to run as root)
if [ ! -s /etc/munge/munge.key ]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
fi
chown munge:munge /etc/munge/munge.key
chmod 400 /etc/munge/munge.key
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge
if ! munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then
  rm -f /run/munge/munged.pid
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
fi

if ! answers; then
  [ -f "$STATE/slurmctld.pid" ] && kill "$(cat "$STATE/slurmctld.pid")" 2>/dev/null || true
  slurmctld -i
  for _ in $(seq 100); do answers && break; sleep 0.2; done
  answers || { echo "start-local.sh: slurmctld did not come up; see $STATE/log/slurmctld.log" >&2; tail -5 "$STATE/log/slurmctld.log" >&2; exit 1; }
fi
if ! pgrep -x slurmd >/dev/null; then
  slurmd
fi

# wait until the node takes jobs
for _ in $(seq 100); do
  state="$(sinfo -h -n "$NODE" -o %T 2>/dev/null | head -1)"
  case "$state" in
    idle*|mixed*|allocated*) break ;;
    down*|drain*) scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 0.2
done
state="$(sinfo -h -n "$NODE" -o %T 2>/dev/null | head -1)"
case "$state" in
  idle*|mixed*|allocated*) echo "start-local.sh: Slurm up: node $NODE ($CPUS CPUs, state $state), partition local; logs in $STATE/log" ;;
  *) echo "start-local.sh: node $NODE is '$state', not taking jobs; see $STATE/log/slurmd.log" >&2; tail -5 "$STATE/log/slurmd.log" >&2; exit 1 ;;
esac
