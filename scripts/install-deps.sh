#!/usr/bin/env bash
# Installs the Debian packages Qiangji builds and tests with, only those missing.
# Safe to run again; needs root (as on CI and the developers' machines) or sudo.
set -euo pipefail
pkgs=(gcc make pkg-config clang libclang-rt-14-dev
      libsqlite3-dev sqlite3 libmicrohttpd-dev libjansson-dev libsodium-dev
      libxlsxwriter-dev libicu-dev libcmocka-dev
      libzip-dev libexpat1-dev
      libreoffice-calc-nogui zip unzip
      curl ca-certificates
      chromium fonts-noto-cjk)
# chromium: the browser tests (make browser) drive /usr/bin/chromium headless;
# fonts-noto-cjk: so that it draws Chinese text (in the tests' screenshots too).
# libzip, expat: reading .xlsx imports (src/sheet.c reads .xls itself);
# libreoffice-calc-nogui: the import tests save real .xlsx and .xls with Calc.
# Node.js (for the black-box and browser tests) comes with the machine; Debian's
# nodejs is the fallback where it does not.
command -v node >/dev/null || pkgs+=(nodejs npm)
[ "${1:-}" = "--bench" ] && pkgs+=(wrk nginx hyperfine)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
