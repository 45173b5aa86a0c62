#!/usr/bin/env bash
# Instructions per request, counted by callgrind (repeatable whatever the machine's
# neighbours do): each mode of examples/instructions.rs runs for 100 and 1100 requests and
# the difference is divided by 1000, so start-up and table building cancel out.
# Needs valgrind (apt-get install valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p airsign --example instructions
bin=target/release/examples/instructions
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 |
        sed -n 's/.*Collected : *//p; s/.*I *refs: *//p' | tr -d , | head -1
}
per_request() {
    local a b
    a=$(count "$1" 100)
    b=$(count "$1" 1100)
    echo $(((b - a) / 1000))
}
for scheme in "ed25519 pacifica" "eip191 derive"; do
    set -- $scheme
    p=$(per_request "primitive-$1")
    f=$(per_request "batch-$2")
    awk -v s="$1" -v v="$2" -v p="$p" -v f="$f" 'BEGIN {
        printf "instructions: %s primitive %d per request; batch (%s, one thread) %d; primitive/batch = %.3f\n", s, p, v, f, p / f
    }'
done
for scheme in "ed25519 pacifica" "eip191 derive"; do
    set -- $scheme
    base=$(per_request "setup-$2")
    p=$(($(per_request "verify-primitive-$1") - base))
    f=$(($(per_request "verify-$2") - base))
    awk -v s="$1" -v v="$2" -v p="$p" -v f="$f" 'BEGIN {
        printf "instructions: %s verify primitive %d per envelope; verify (%s, one thread) %d; primitive/verify = %.3f\n", s, p, v, f, p / f
    }'
done
