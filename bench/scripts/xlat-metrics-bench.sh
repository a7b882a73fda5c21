#!/usr/bin/env bash
# A translator command for ../shared/bench/xlat_bench.sh: xlat run from a configuration file (through the launcher,
# so with the JVM options it gives a data plane), the GC log on (JAVA_TOOL_OPTIONS adds to them), and,
# when SCRAPE_INTERVAL is not 0, metrics: {} with a scraper fetching /metrics every SCRAPE_INTERVAL seconds inside
# the translator's namespace. Compares the data plane with and without scraping (BENCHMARKS.md, metrics endpoint).
# args: NAME SCRAPE_INTERVAL {tun} {prefix} {mtu} {v4addr} {v6addr} {ns}; files go to $XLAT_BENCH_DIR (/tmp/opsbench)
set -eu
name=$1 scrape=$2 tun=$3 prefix=$4 mtu=$5 v4=$6 v6=$7 ns=$8
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir=${XLAT_BENCH_DIR:-/tmp/opsbench}
mkdir -p "$dir"
cfg=$dir/$name-$ns.yaml
{
  printf 'translator:\n  pool6: "%s"\n  ipv4-address: "%s"\n  ipv6-address: "%s"\n' "$prefix" "$v4" "$v6"
  printf '  ipv6-mtu: %s\n  ipv4-mtu: %s\n' "$mtu" "$((mtu - 20))"
  printf 'dataplane:\n  counters-file: %s/counters-%s-%s\n' "$dir" "$name" "$ns"
  if [ "$scrape" != 0 ]; then printf 'metrics: {}\n'; fi
} > "$cfg"
if [ "$scrape" != 0 ]; then
  python3 "$here/metrics-scraper.py" "$scrape" "$dir/scrapes-$name-$ns.txt" &
fi
JAVA_TOOL_OPTIONS="-Xlog:gc*:file=$dir/gc-$name-%p.log:uptime,level,tags" exec "$root/xlat" run \
  --config "$cfg" --tun "$tun" --mtu "$mtu"
