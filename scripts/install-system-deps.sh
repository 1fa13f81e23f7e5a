#!/usr/bin/env bash
# Install the Debian packages the book needs, when they are missing.
# Chromium drives the browser tests; WeasyPrint lays out the PDF through Pango
# (libpango-1.0-0, libpangoft2-1.0-0); Noto fonts render Arabic (fonts-noto-core) and
# code (DejaVu Sans Mono, fonts-dejavu-core); poppler-utils reads the PDF's text and pages for checks.
set -euo pipefail
packages=(chromium fonts-noto-core fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 poppler-utils)
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
