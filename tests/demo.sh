#!/usr/bin/env bash
# Starts the mock gateway and calls it: first raw HTTP (catalog, chat, a stream, a video job
# polled to completion, an injected rate limit), then each SDK's examples.
set -euo pipefail
MOCK=${1:-target/debug/empirio-mock}

out=$(mktemp)
coproc MOCKPROC { exec "$MOCK" --exit-on-stdin-close --job-ms 1200 >"$out"; }
trap 'kill "$MOCKPROC_PID" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 50); do [ -s "$out" ] && break; sleep 0.1; done
URL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$out")
KEY=sk-empirio-test
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
pretty() { python3 -m json.tool; }

say "Mock gateway listening at $URL"
say "GET /v1/models (public): first two models"
curl -s "$URL/v1/models" | python3 -c 'import json,sys; [print(" ", m["id"], "-", m["description"]) for m in json.load(sys.stdin)["data"][:2]]'

say "POST /v1/chat/completions"
curl -s "$URL/v1/chat/completions" -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
  -d '{"model":"deepseek-v4-pro","messages":[{"role":"user","content":"Summarize CRDTs"}]}' | pretty

say "POST /v1/chat/completions with stream=true (4 tokens, 80 ms apart)"
curl -sN "$URL/v1/chat/completions" -H "Authorization: Bearer $KEY" -H 'x-mock-delay-ms: 80' \
  -d '{"model":"deepseek-v4-pro","stream":true,"max_tokens":4,"messages":[{"role":"user","content":"Hi"}]}' | cut -c1-150

say "POST /v1/videos/generations, then poll GET /v1/jobs/{id}"
job=$(curl -s "$URL/v1/videos/generations" -H "Authorization: Bearer $KEY" \
  -d '{"model":"seedance-2-0-pro","prompt":"A dolly shot of a rainy street","duration":8}')
echo "$job"
id=$(echo "$job" | python3 -c 'import json,sys; print(json.load(sys.stdin)["job_id"])')
while :; do
  state=$(curl -s "$URL/v1/jobs/$id" -H "Authorization: Bearer $KEY")
  status=$(echo "$state" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["status"], j["progress"])')
  echo "  $status"
  case "$status" in processing*) sleep 0.3 ;; *) break ;; esac
done
echo "$state" | pretty

say "An injected fault: x-mock-fault: rate_limit"
curl -si "$URL/v1/embeddings" -H "Authorization: Bearer $KEY" -H 'x-mock-fault: rate_limit' \
  -d '{"model":"text-embedding-v4","input":"hi"}' | grep -iE '^(HTTP|retry-after)|error'

say "What the mock recorded (GET /__mock/requests): method, path, status"
curl -s "$URL/__mock/requests" | python3 -c 'import json,sys; [print(" ", e["method"], e["path"], e["status"]) for e in json.load(sys.stdin)["data"]]'

export EMPIRIOLABS_BASE_URL="$URL" EMPIRIOLABS_API_KEY="$KEY"
for example in chat_stream video_job agent_run; do
  say "Rust SDK: cargo run -p empiriolabs --example $example"
  target/debug/examples/$example
done

if [ -x .venv/bin/python ]; then
  say "Python SDK: python bindings-python/examples/quickstart.py"
  .venv/bin/python bindings-python/examples/quickstart.py
fi

if [ -f bindings-node/dist/index.js ]; then
  say "Node SDK: node bindings-node/examples/quickstart.mjs"
  node bindings-node/examples/quickstart.mjs
fi

if [ -f bindings-swift/kotlin/target/classes/linux-x86-64/libempiriolabs_ffi.so ] && command -v mvn >/dev/null; then
  say "Kotlin SDK: bindings-swift/kotlin/examples/Quickstart.kt (mvn exec:java@demo)"
  (cd bindings-swift/kotlin && mvn -q -B -ntp -Dstyle.color=never test-compile exec:java@demo)
fi
