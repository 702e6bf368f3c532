#!/usr/bin/env bash
# HTML to Markdown on one 50 MB Stack Exchange-like body (the issue's worst case): prints MB, seconds, MB/s.
# Runs the slow-tagged HtmlToMarkdownLargeTest (it also checks that nothing was lost).
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-$(bin/find-java --home)}
mvn -o -q -pl curate -am test -Dtest=HtmlToMarkdownLargeTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dlima.test.excludedGroups=none 2>&1 | grep '^html2md:' || { echo "html2md benchmark failed"; exit 1; }
