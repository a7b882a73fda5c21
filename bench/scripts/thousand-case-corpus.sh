#!/usr/bin/env bash
# Builds a corpus of 1,000 small cases for timing `xlat test`: each golden case of pcaps/cases copied under ten
# names (NNN-name-0 .. -9), with its config.yaml, args and captures. Usage: thousand-case-corpus.sh DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:?usage: $0 DIR}"
rm -rf "$out"
mkdir -p "$out"
copies=0
while [ "$copies" -lt 1000 ]; do
    for case in "$root"/pcaps/cases/*/; do
        [ "$copies" -ge 1000 ] && break
        name="$(basename "$case")-$((copies / $(ls -d "$root"/pcaps/cases/*/ | wc -l)))"
        cp -r "$case" "$out/$name"
        copies=$((copies + 1))
    done
done
echo "$out: $(ls "$out" | wc -l) cases"
