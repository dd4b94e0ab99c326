#!/usr/bin/env bash
# bench/p2.sh DB: P2, importing the province's member file with full
# validation (`qiangji import members` into a database that has the
# organizations) against `sqlite3 .import` of the same file into a bare
# table. Wall time of each, and the peak memory of the import (maximum
# resident set size, /usr/bin/time -v). The file is the demo's
# members.csv in the cache (run.sh writes it). Prints one table row.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
csv=$BENCH_CACHE/csv/members.csv orgs=$BENCH_CACHE/csv/orgs.csv
[ -f "$csv" ] && [ -f "$orgs" ] || { echo "P2 import | no $csv (run bench/run.sh) | | | | no"; exit 0; }
tmp=$(mktemp -d "$BENCH_CACHE/p2.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
rows=$(($(wc -l <"$csv") - 1))

# The baseline: a bare table, no checks, no indexes.
s=$(date +%s.%N)
sqlite3 "$tmp/bare.db" ".import --csv $csv m"
e=$(date +%s.%N)
base_s=$(echo "$e - $s" | bc -l)
# The baseline counts too: every row of the file in the bare table.
base_n=$(sqlite3 "$tmp/bare.db" "SELECT count(*) FROM m")
rm -f "$tmp/bare.db"
[ "$base_n" = "$rows" ] || { echo "P2 import | | sqlite3 .import took $base_n of $rows rows | | | no (baseline incomplete)"; exit 0; }

# Qiangji: every cell and row checked, pinyin, one transaction.
"$QIANGJI" init --db "$tmp/qj.db" >/dev/null
"$QIANGJI" import orgs --db "$tmp/qj.db" "$orgs" >/dev/null
s=$(date +%s.%N)
/usr/bin/time -v -o "$tmp/time" "$QIANGJI" import members --db "$tmp/qj.db" "$csv" >/dev/null
e=$(date +%s.%N)
qj_s=$(echo "$e - $s" | bc -l)
rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time")
n=$(sqlite3 "$tmp/qj.db" "SELECT count(*) FROM member")
ratio=$(echo "$qj_s / $base_s" | bc -l)
rss_mib=$(echo "$rss_kb / 1024" | bc -l)
met=no
[ "$(echo "$ratio <= 1.5 && $rss_mib < 1024" | bc -l)" = 1 ] && [ "$n" = "$rows" ] && met=yes
[ "$n" = "$rows" ] || met="no ($n of $rows rows imported)"
printf 'P2 import %s members | %.1f s, peak %.0f MiB | %.1f s sqlite3 .import | %.2f× the time | ≤ 1.5×, < 1 GiB | %s\n' \
  "$(fmt_int "$rows")" "$qj_s" "$rss_mib" "$base_s" "$ratio" "$met"
