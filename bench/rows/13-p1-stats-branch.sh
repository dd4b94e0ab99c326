#!/usr/bin/env bash
# P1 at the branch level: see bench/p1.sh.
exec "$(dirname "$0")/../p1.sh" "$1" branch
