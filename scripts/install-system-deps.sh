#!/usr/bin/env bash
# Install the Debian packages the book needs, when they are missing.
# Chromium prints the PDF and drives the browser tests; Noto fonts render Arabic;
# poppler-utils turns PDF pages into images for checks.
set -euo pipefail
packages=(chromium fonts-noto-core poppler-utils)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "cityatlas needs these Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
