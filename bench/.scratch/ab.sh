#!/bin/bash
# usage: ab.sh ROUNDS N "LABEL:ENV..." ...
rounds=$1; n=$2; shift 2
for r in $(seq 1 $rounds); do
  for v in "$@"; do
    label=${v%%:*}; envs=${v#*:}
    env $envs LABEL=$label npx tsx bench/.scratch/inproc2.ts $n 2>&1 | grep bookings
  done
done | python3 -c "
import sys,collections
d=collections.OrderedDict()
for line in sys.stdin:
    p=line.split(); d.setdefault(p[0],[]).append(int(p[-4]))
for k,v in d.items():
    s=sorted(v); print(f'{k:14s} min {s[0]:5d}  median {s[len(s)//2]:5d}  {v}')
"
