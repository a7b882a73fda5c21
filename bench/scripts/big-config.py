#!/usr/bin/env python3
"""Write a large xlat configuration for load-time and memory measurements of `xlat check`.

  big-config.py tenants N > tenants.yaml   N tenants, each with its own /96 under 2001:db8::/32,
                                           the same 10.0.0.0/24 (tenants exist to keep overlaps apart)
                                           and its own TUN name
  big-config.py eam N > eam.yaml           pool6 2001:db8:64::/96 and N EAM entries: distinct IPv4 /32s
                                           from 100.64.0.0/10 onto distinct IPv6 /128s in 2001:db8:e::/96

Only documentation and shared address space is used; the files are for `xlat check`, not for a live host.
"""
import sys


def tenants(n, out):
    if n > 1 << 32:
        sys.exit("at most 2^32 tenants fit 2001:db8:XXXX:YYYY::/96")
    out.write('dataplane:\n  ipv6-tun: xlat6\ntenants:\n')
    for i in range(n):
        # group 3 starts at 0x100 so that no tenant prefix touches 2001:db8:64::/96 or 2001:db8:e::/96
        hi, lo = 0x100 + (i >> 16), i & 0xFFFF
        out.write(f'  - {{name: t{i}, prefix: "2001:db8:{hi:x}:{lo:x}::/96", ipv4: [10.0.0.0/24], tun: xt{i}}}\n')


def eam(n, out):
    if n > 1 << 22:
        sys.exit("100.64.0.0/10 holds 2^22 addresses")
    out.write('translator:\n  pool6: "2001:db8:64::/96"\n  eamt:\n')
    base = (100 << 24) | (64 << 16)
    for i in range(n):
        a = base + i
        v4 = f'{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}'
        out.write(f'    - {{ipv4: "{v4}/32", ipv6: "2001:db8:e::{i >> 16:x}:{i & 0xFFFF:x}/128"}}\n')


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("tenants", "eam"):
        sys.exit(__doc__)
    n = int(sys.argv[2])
    (tenants if sys.argv[1] == "tenants" else eam)(n, sys.stdout)


if __name__ == "__main__":
    main()
