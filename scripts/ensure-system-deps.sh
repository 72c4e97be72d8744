#!/usr/bin/env bash
# System packages auditreport needs, installed when missing and when we can (root + apt-get):
#   always:  Pango (WeasyPrint draws text with it) and the DejaVu fonts (report-sql.pdf embeds DejaVu Sans and Sans Mono)
#   --test:  poppler-utils (pdftotext, pdftoppm: the tests read the PDF back as text), and chromium (the tests open
#            report.html in it, headless, through Playwright, which cannot fetch a browser of its own here;
#            AUDITREPORT_CHROMIUM names another Chromium or Chrome binary instead), and a Java runtime (the tests run the
#            catalogue and the ingest on Spark local mode; JAVA_HOME names another one), and Node.js with npm (the
#            tests parse the SQL written for Athena with Trino's and Hive's grammars: scripts/sql-grammar)
set -euo pipefail
need=()
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so.0' || need+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || need+=(libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi 'DejaVu Sans Mono' || need+=(fonts-dejavu-core)
if [ "${1:-}" = "--test" ]; then
  command -v pdftotext >/dev/null || need+=(poppler-utils)
  [ -n "${AUDITREPORT_CHROMIUM:-}" ] || command -v chromium >/dev/null || need+=(chromium)
  [ -n "${JAVA_HOME:-}" ] || command -v java >/dev/null || need+=(openjdk-17-jre-headless)
  command -v node >/dev/null || need+=(nodejs)  # Trino's and Hive's grammars (scripts/sql-grammar) check Athena's SQL
  command -v npm >/dev/null || need+=(npm)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing system packages: ${need[*]} (apt-get)..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "auditreport needs these system packages: ${need[*]} (Debian/Ubuntu names; macOS: brew install pango poppler," \
       "and AUDITREPORT_CHROMIUM=<path of Chrome's binary> for the browser tests)" >&2
  exit 1
fi
