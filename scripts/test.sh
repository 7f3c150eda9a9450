#!/usr/bin/env bash
# Runs every Micron test in Release and writes TRX results to TestResults/.
# Needs only the .NET SDK; servers that later suites need are started by scripts/services.sh, and Debian's
# chromium is installed for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# The dashboard's browser test drives Debian's chromium (never a browser downloaded by Playwright).
if [ -z "${MICRON_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "scripts/test.sh: installing chromium for the browser tests"
  (apt-get install -y chromium >/dev/null 2>&1 || (apt-get update >/dev/null 2>&1 && apt-get install -y chromium >/dev/null 2>&1)) \
    || echo "scripts/test.sh: could not install chromium; the browser tests will fail"
fi

if [ -x scripts/services.sh ]; then
  scripts/services.sh up
fi

dotnet test Micron.slnx -c Release --logger trx --results-directory TestResults "$@"
