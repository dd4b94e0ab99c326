#!/usr/bin/env bash
# bench/run.sh: the benchmark table (`make bench`). Builds the province-scale
# demo once into a cache outside the repository, rebuilt when the binary's
# demo output changes, then runs every bench/rows/*.sh in order, each
# printing one row, and prints the table with the machine it ran on.
# Environment: QIANGJI (binary), BENCH_CACHE (cache directory, default
# ${XDG_CACHE_HOME:-$HOME/.cache}/qiangji-bench), P1_SECONDS, P3_SECONDS.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mkdir -p "$BENCH_CACHE"
export BENCH_CACHE QIANGJI
[ -x "$QIANGJI" ] || { echo "no $QIANGJI: run make first" >&2; exit 1; }
for t in sqlite3 wrk nginx curl bc python3; do
  command -v "$t" >/dev/null || { echo "bench needs $t (scripts/install-deps.sh --bench)" >&2; exit 1; }
done

# The demo's version: a digest of what the binary generates at county scale
# (the same generator makes the province) and of its schema. The bench's
# demo stands on a fixed day, the last of 2025 (the province's twelve months
# of meetings are then the year 2025 that the obligations row reports), so
# that its data do not change with the calendar.
BENCH_DEMO_DAY=2025-12-31
ver_dir=$(mktemp -d /tmp/qiangji-bench-ver.XXXXXX)
"$QIANGJI" demo --scale county --today $BENCH_DEMO_DAY --csv-dir "$ver_dir" >/dev/null
"$QIANGJI" init --db "$ver_dir/s.db" >/dev/null
key=$({ cat "$ver_dir/orgs.csv" "$ver_dir/members.csv"; sqlite3 "$ver_dir/s.db" .schema; } | sha256sum | cut -c1-16)
rm -rf "$ver_dir"
db=$BENCH_CACHE/province.db
if [ ! -f "$db" ] || [ "$(cat "$BENCH_CACHE/province.key" 2>/dev/null)" != "$key" ]; then
  echo "building the province demo into $BENCH_CACHE (once per demo version; a few minutes)..." >&2
  rm -rf "$db" "$db-wal" "$db-shm" "$BENCH_CACHE/csv" "$BENCH_CACHE/province.key"
  "$QIANGJI" demo --db "$db.tmp" --scale province --today $BENCH_DEMO_DAY >&2
  mv "$db.tmp" "$db"
  "$QIANGJI" demo --scale province --today $BENCH_DEMO_DAY --csv-dir "$BENCH_CACHE/csv" >&2
  echo "$key" >"$BENCH_CACHE/province.key"
fi

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
orgs=$(sqlite3 "$db" "SELECT count(*) FROM org") members=$(sqlite3 "$db" "SELECT count(*) FROM member WHERE status='active'")
echo
echo "Qiangji benchmark, $(date -u +%FT%TZ), commit $(git -C "$BENCH_DIR" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "machine: $(nproc) CPUs ($cpu), $mem memory, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data: $db ($(fmt_int "$orgs") organizations, $(fmt_int "$members") active members, demo $key), today $QIANGJI_TODAY"
echo "tools: $(sqlite3 --version | cut -d' ' -f1), $(nginx -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
start_server "$db"
rss=$(awk '/^VmRSS/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$QJ_PID/status")
stop_server
echo "server: ${QJ_INDEX#statistics index: }; resident after start $rss"
echo
printf '%s\n' "row | qiangji | baseline | ratio | goal | met?" "--- | --- | --- | --- | --- | ---"
for row in "$BENCH_DIR"/rows/*.sh; do
  "$row" "$db" || echo "$(basename "$row" .sh) | failed (exit $?) | | | | no"
done
