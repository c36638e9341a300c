#!/bin/bash
# usage: e2e.sh ROUNDS "label|REDIRECTS" ...   (REDIRECTS: src=scratch,...; empty = baseline)
rounds=$1; shift
for r in $(seq 1 $rounds); do
  for v in "$@"; do
    label=${v%%|*}; red=${v#*|}
    out=$(YIWANG_REDIRECT="$red" timeout 600 npx tsx bench/booking.ts --skip-rush --server-import bench/.scratch/redirect.mjs $E2E_ARGS 2>&1)
    h=$(echo "$out" | grep ceiling | sed -E 's/.*server CPU ([0-9]+) µs.*load ([0-9.]+)\)$/\1 \2/')
    c=$(echo "$out" | grep "^capacity" | sed -E 's/.*server CPU ([0-9]+) µs\/request \(main ([0-9.]+) s.*load ([0-9.]+)\)$/\1 main=\2 load=\3/')
    n=$(echo "$out" | grep "^capacity" | sed -E 's/.*\(201×([0-9]+).*/\1/')
    last=$(echo "$out" | tail -1)
    cpu=$(echo "$out" | grep "^cpu " | sed -E "s/.*: ([0-9]+) µs server CPU each vs ([0-9]+) µs.*CPU ratio ([0-9.]+).*/book_cpu=\1 healthz_cpu=\2 cpu_ratio=\3/")
    echo "$label | $last | $cpu | n201=$n $(echo $c | cut -d" " -f2-)"
  done
done
