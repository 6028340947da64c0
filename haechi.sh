#!/usr/bin/env bash
# Haechi's main command: sets up what it needs, builds, and runs the `haechi` command.
#   ./haechi.sh                 hash the sample images (the PDQ reference set beside the checkout,
#                               or a generated photo-like sample when it is not there)
#   ./haechi.sh ARGS...         run `haechi ARGS...`, e.g. ./haechi.sh hash --help
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "haechi.sh: the .NET 10 SDK (dotnet) is required: https://dotnet.microsoft.com/download" >&2
  exit 1
fi

out=artifacts/haechi
stamp=$out/.build-stamp
# Rebuild only when a source file is newer than the last build.
if [ ! -f "$stamp" ] || [ -n "$(find src Directory.Build.props Directory.Packages.props global.json -newer "$stamp" -type f -print -quit)" ]; then
  dotnet publish src/Haechi.Cli/Haechi.Cli.csproj -c Release -o "$out" --nologo -v quiet >&2
  touch "$stamp"
fi

if [ $# -eq 0 ]; then
  sample=../shared/testdata/pdq/images
  if [ ! -d "$sample" ]; then
    sample=artifacts/sample
    mkdir -p "$sample"
    "$out/haechi" sample --out "$sample" >&2
  fi
  echo "# haechi hash --recursive $sample" >&2
  exec "$out/haechi" hash --recursive "$sample"
fi
exec "$out/haechi" "$@"
