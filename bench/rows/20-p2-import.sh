#!/usr/bin/env bash
# P2: see bench/p2.sh.
exec "$(dirname "$0")/../p2.sh" "$1"
