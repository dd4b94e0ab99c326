#!/bin/sh
# qiangji-backup.sh: one backup of the Qiangji database into $BACKUP_DIR as
# qiangji-YYYYMMDDTHHMMSSZ.db (the database: the config file's db, or
# $QIANGJI_DB), then removes the backups there older than $KEEP_DAYS days.
# Run by qiangji-backup.service; prints qiangji backup's summary line (with
# the audit head) and one line per removed file.
set -eu
dir=${BACKUP_DIR:-/var/lib/qiangji-backups}
keep=${KEEP_DAYS:-14}
bin=${QIANGJI:-/usr/bin/qiangji}
case $keep in
  ''|*[!0-9]*|0) echo "qiangji-backup: KEEP_DAYS 应为正整数（得到 “$keep”）" >&2; exit 2 ;;
esac
[ -d "$dir" ] || { echo "qiangji-backup: 没有备份目录 $dir" >&2; exit 1; }
out="$dir/qiangji-$(date -u +%Y%m%dT%H%M%SZ).db"
"$bin" backup --out "$out"
# -mtime +N: at least N+1 whole days old. Only this script's own files, never
# the one just written.
find "$dir" -maxdepth 1 -type f -name 'qiangji-*.db' ! -path "$out" -mtime +"$((keep - 1))" \
  -exec sh -c 'for f; do rm -f -- "$f" && echo "qiangji-backup: 已删除过期备份 $f"; done' sh {} +
