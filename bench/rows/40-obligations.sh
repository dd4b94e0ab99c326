#!/bin/sh
# 40-obligations.sh DB: the organizational-life obligations report of the
# whole tree (the province) for the demo's year (2025), written as CSV with
# every finding, by `qiangji report obligations`
# (which reads the yearly summaries) against the same counts in plain SQL
# over the records (bench/sql/obligations-plain.sql), on the same database,
# measured in one run. Prints one line:
#   name | qiangji seconds | plain-SQL seconds | ratio | goal | met?
# "met?" is "yes" when qiangji takes under 2 s and both give the same counts.
set -eu
DB=${1:?usage: 40-obligations.sh DB}
HERE=$(cd "$(dirname "$0")/.." && pwd)
BIN=${QIANGJI_BIN:-$HERE/../build/qiangji}
YEAR=${YEAR:-2025}
ROOT=$(sqlite3 "$DB" "SELECT code FROM org WHERE parent_id IS NULL")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
now() { date +%s.%N; }
# Warm the page cache for both sides alike (the whole file), and run the
# report once untimed (its first run also maps the file's pages in).
cat "$DB" > /dev/null
"$BIN" report obligations --db "$DB" --org "$ROOT" --year "$YEAR" --format csv --out "$TMP/q.csv" 2> "$TMP/q.err"
t0=$(now)
"$BIN" report obligations --db "$DB" --org "$ROOT" --year "$YEAR" --format csv --out "$TMP/q.csv" 2> "$TMP/q.err"
t1=$(now)
sed "s/SELECT 2025)/SELECT $YEAR)/" "$HERE/sql/obligations-plain.sql" | sqlite3 "$DB" > "$TMP/p.txt"
t2=$(now)
q=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
p=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", b - a }')
ratio=$(awk -v a="$q" -v b="$p" 'BEGIN { printf "%.1fx", (a > 0 ? b / a : 0) }')
# The counts of both, in the order of the plain query.
mine=$(sed -n 's/.*due \([0-9]*\), held \([0-9]*\); missing \([0-9]*\), late \([0-9]*\), quorum \([0-9]*\), no lecture \([0-9]*\), six months \([0-9]*\).*/\1|\2|\3|\4|\5|\6|\7/p' "$TMP/q.err")
plain=$(cat "$TMP/p.txt")
met=no
if [ "$mine" = "$plain" ]; then
  awk -v a="$q" 'BEGIN { exit !(a < 2) }' && met=yes
else
  met="no (counts differ: qiangji $mine, plain $plain)"
fi
NORG=$(sqlite3 "$DB" "SELECT count(*) FROM org")
echo "obligations report ($NORG orgs, year $YEAR) | $q | $p | $ratio | < 2 s | $met"
