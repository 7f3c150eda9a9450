#!/usr/bin/env bash
# Runs every Micron test in Release and writes TRX results to TestResults/.
# Needs only the .NET SDK; servers that later suites need are started by scripts/services.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -x scripts/services.sh ]; then
  scripts/services.sh up
fi

dotnet test Micron.slnx -c Release --logger trx --results-directory TestResults "$@"
