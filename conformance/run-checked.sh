#!/usr/bin/env bash
# Runs the conformance suite and then checks, from outside, that it left
# nothing behind: no orphaned or zombie probe, no temporary folder, no
# message queue, no changed system setting. The harness checks the same
# from inside (harness.leaves-nothing); this catches what outlives it.
#
# Usage: run-checked.sh [--as-user UID] HARNESS [HARNESS OPTIONS...]
#   --as-user UID   run the harness as UID (gid UID, no supplementary groups)
#                   through setpriv; exits 77 (skipped) when not root.
set -euo pipefail

as_user=""
binaries=""
if [ "${1:-}" = "--as-user" ]; then
  as_user=$2
  shift 2
fi
harness=$1
shift

prefix=()
if [ -n "$as_user" ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null 2>&1; then
    echo "run-checked: running as uid $as_user needs root and setpriv; skipped" >&2
    exit 77
  fi
  prefix=(setpriv "--reuid=$as_user" "--regid=$as_user" --clear-groups)
  # The build tree may lie below a folder only its owner can enter (a
  # private clone, a CI workspace): that user runs copies of the harness and
  # its probe from a folder it can reach.
  binaries=$(mktemp -d -t rlkit-run-checked-bin.XXXXXX)
  chmod 0755 "$binaries"
  cp "$harness" "$(dirname "$harness")/rlkit-probe" "$binaries/"
  harness=$binaries/$(basename "$harness")
fi

settings=(/proc/sys/kernel/core_pattern /proc/sys/fs/nr_open
          /proc/sys/kernel/sched_rt_runtime_us /proc/sys/fs/mqueue/msg_max
          /proc/sys/fs/mqueue/queues_max /proc/sys/kernel/pid_max)
snapshot() { for f in "${settings[@]}"; do [ -r "$f" ] && echo "$f=$(cat "$f")"; done; }

before=$(snapshot)
private_tmp=$(mktemp -d -t rlkit-run-checked.XXXXXX)
trap 'rm -rf "$private_tmp" ${binaries:+"$binaries"}' EXIT
chmod 0755 "$private_tmp"
[ -n "$as_user" ] && chown "$as_user:$as_user" "$private_tmp"

status=0
TMPDIR=$private_tmp "${prefix[@]}" "$harness" "$@" || status=$?

problems=()
after=$(snapshot)
[ "$before" = "$after" ] || problems+=("system settings changed: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')")
leftover=$(find "$private_tmp" -mindepth 1 -maxdepth 1 | head -5)
[ -z "$leftover" ] || problems+=("temporary files left: $leftover")
# A probe left behind would be reparented to pid 1 (this harness's own are
# reaped by it as their subreaper).
orphans=""
for proc in /proc/[0-9]*; do
  comm=$(cat "$proc/comm" 2>/dev/null) || continue
  case "$comm" in rlkit-probe*) ;; *) continue ;; esac
  ppid=$(awk '/^PPid:/ {print $2}' "$proc/status" 2>/dev/null) || continue
  state=$(awk '/^State:/ {print $2}' "$proc/status" 2>/dev/null) || continue
  [ "$ppid" = 1 ] && orphans="$orphans ${proc#/proc/}($state)"
done
[ -z "$orphans" ] || problems+=("probes left running or as zombies: $orphans")
for queue in /dev/mqueue/rlkit-probe-*; do
  [ -e "$queue" ] || continue
  pid=${queue##*-}
  [ -d "/proc/$pid" ] || problems+=("message queue left: $queue")
done

if [ ${#problems[@]} -gt 0 ]; then
  printf 'run-checked: %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "run-checked: nothing left behind (harness exit status $status)"
exit "$status"
