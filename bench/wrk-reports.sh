#!/usr/bin/env bash
# Report-intake throughput: publishes the server, starts it on a fresh SQLite data directory on
# 127.0.0.1, posts reports with wrk (Debian package `wrk`) and prints requests/s and p99 latency.
#   bench/wrk-reports.sh [DURATION_S=20] [CONNECTIONS=32] [THREADS=2]
# Every report is durable (SQLite WAL, synchronous=FULL) and enqueued for review before its 201.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20} connections=${2:-32} threads=${3:-2}
command -v wrk >/dev/null || { echo "wrk-reports.sh: install wrk (apt-get install wrk)" >&2; exit 1; }
out=artifacts/bench-server
dotnet publish src/Haechi.Server/Haechi.Server.csproj -c Release -o "$out" --nologo -v quiet >&2
data=$(mktemp -d)
port=${HAECHI_BENCH_PORT:-5931}
url=http://127.0.0.1:$port
"$out/haechi-server" --contentRoot "$PWD/$out" --urls "$url" --data-dir "$data" \
  --Reports:SubmissionsPerMinutePerClient=1000000 --Logging:LogLevel:Default=Warning >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 60); do curl -fsS "$url/api/health" >/dev/null 2>&1 && break; sleep 1; done
curl -fsS "$url/api/health" >/dev/null
# Warm-up (JIT, connection pools), then the measured run.
wrk -t"$threads" -c"$connections" -d5s -s bench/wrk-reports.lua "$url" >/dev/null
result=$(wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -s bench/wrk-reports.lua "$url")
echo "$result" >&2
rps=$(echo "$result" | awk '/Requests\/sec/ {print $2}')
p99=$(echo "$result" | awk '$1 == "99%" {print $2}')
non2xx=$(echo "$result" | awk '/Non-2xx/ {print $NF}')
echo "report intake: ${rps} req/s, p99 ${p99} (${connections} connections, ${threads} threads, ${duration} s, non-2xx: ${non2xx:-0})"
