#!/usr/bin/env bash
# WeasyPrint needs Pango (and HarfBuzz, fontconfig) from the system. Install them when missing and we can.
set -euo pipefail
if ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so.0' && ldconfig -p | grep -q 'libpangoft2-1.0.so.0'; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Pango for WeasyPrint (apt-get)..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null
else
  echo "WeasyPrint needs Pango: install libpango-1.0-0 and libpangoft2-1.0-0 (Debian/Ubuntu) or pango (macOS: brew install pango)" >&2
  exit 1
fi
