#!/usr/bin/env bash
# Instructions per request of a handler serving the suite's wrk load, counted by callgrind:
# a measure of a handler's whole cost per invocation (HTTP, runtime, function) that the
# machine's load cannot blur.
#
#   cargo run --release -p azfn-benches --bin azfn-bench      # builds both handlers once
#   benches/callgrind-under-load.sh azfn
#   benches/callgrind-under-load.sh baseline
#
# Under valgrind a handler runs about 40 times slower, so the load is light, but every request
# still takes the whole path (chunked POST, payload, answer). The profile is left in
# target/azfn-bench/callgrind.<which> for `callgrind_annotate`.
set -euo pipefail

which="${1:-azfn}"
seconds="${2:-10}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="$root/target/azfn-bench/release"
case "$which" in
    azfn) binary="$bench/orders/orders"; app_dir="$bench/orders" ;;
    baseline) binary="$bench/baseline/baseline"; app_dir="$bench/baseline" ;;
    *) echo "usage: $0 azfn|baseline [SECONDS]" >&2; exit 2 ;;
esac
driver="$root/target/release/azfn-bench"
for needed in "$binary" "$driver"; do
    if [[ ! -x "$needed" ]]; then
        echo "$needed is missing: run cargo run --release -p azfn-benches --bin azfn-bench first" >&2
        exit 1
    fi
done
command -v valgrind >/dev/null || { echo "valgrind is missing (apt-get install valgrind)" >&2; exit 1; }

port=$((20000 + RANDOM % 20000))
profile="$root/target/azfn-bench/callgrind.$which"
log="$profile.log"
(cd "$app_dir" && exec env FUNCTIONS_CUSTOMHANDLER_PORT="$port" \
    valgrind --tool=callgrind --callgrind-out-file="$profile" "$binary") >"$log" 2>&1 &
handler=$!
trap 'kill "$handler" 2>/dev/null || true' EXIT
for _ in $(seq 200); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.1
done
line="$("$driver" --drive "$port" --seconds "$seconds")"
kill -INT "$handler"
wait "$handler" || true
trap - EXIT
requests="$(sed -E 's/.*\(([0-9]+) requests.*/\1/' <<<"$line")"
instructions="$(sed -nE 's/.*I +refs: +([0-9,]+).*/\1/p' "$log" | tr -d ,)"
echo "$which: $line"
echo "$which: $((instructions / requests)) instructions per request ($instructions over $requests requests)"
