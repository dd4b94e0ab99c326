#!/usr/bin/env bash
# P1 at the county level: see bench/p1.sh.
exec "$(dirname "$0")/../p1.sh" "$1" county
