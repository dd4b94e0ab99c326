#!/usr/bin/env bash
# P3: see bench/p3.sh.
exec "$(dirname "$0")/../p3.sh" "$1"
