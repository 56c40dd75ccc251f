#!/usr/bin/env bash
# Installs the Debian packages pcihide needs that are missing; does nothing when all are there.
# Usage: scripts/install-deps.sh PACKAGE...
set -euo pipefail
missing=()
for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing missing Debian packages: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
# mandoc's index must list the newly installed pages, or mandoc -Tlint cannot find what SEE ALSO names.
if command -v makewhatis >/dev/null 2>&1; then $sudo makewhatis /usr/share/man || true; fi
