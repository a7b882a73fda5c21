#!/usr/bin/env python3
"""Writes a pcap (LINKTYPE_RAW) of N identical IPv4 UDP packets, 64 bytes each, for timing `xlat replay`.

usage: million-udp-pcap.py OUT.pcap [N]     (N defaults to 1,000,000)
"""
import struct
import sys


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def packet() -> bytes:
    src, dst = bytes([192, 0, 2, 1]), bytes([198, 51, 100, 2])   # RFC 5737 documentation addresses
    payload = bytes(range(36))
    length = 8 + len(payload)
    udp = struct.pack("!HHHH", 1000, 2000, length, 0) + payload
    udp_sum = checksum(src + dst + struct.pack("!BBH", 0, 17, length) + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", udp_sum) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + length, 0x1234, 0x4000, 64, 17, 0, src, dst)
    return ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:] + udp


def main() -> None:
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    p = packet()
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))
        for i in range(count):
            f.write(struct.pack("<IIII", 1_700_000_000 + i // 1_000_000, i % 1_000_000, len(p), len(p)))
            f.write(p)


if __name__ == "__main__":
    main()
