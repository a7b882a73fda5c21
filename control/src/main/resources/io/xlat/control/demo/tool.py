#!/usr/bin/env python3
"""The traffic of 'xlat demo', with Python's standard library only.

  serve ADDRESS DIR          HTTP on port 80 serving DIR, and UDP echo on port 7, at ADDRESS
  get URL [COUNT]            print the page at URL (COUNT times: each a new connection)
  fetch URL [OUT [RATE]]     download URL; print its size and SHA-256 (OUT: keep it there, written as it
                             arrives; RATE: at most RATE bytes per second, so that a transfer lasts a while)
  udp HOST PORT TEXT         send TEXT, print the echo (fails after 2 s without one)
  forge SRC DST PORT COUNT   send COUNT UDP packets from SRC, an address this namespace does not own
                             (IPV6_FREEBIND): what a forged or misrouted packet on the fabric looks like
Every client prints how long it took, and a failure with its reason and time, exit status 1.
"""
import functools
import hashlib
import http.server
import socket
import sys
import threading
import time
import urllib.request

START = time.monotonic()


def took():
    return f'{time.monotonic() - START:.2f} s'


def family(address):
    return socket.AF_INET6 if ':' in address else socket.AF_INET


def serve(address, directory):
    class Server(http.server.ThreadingHTTPServer):
        address_family = family(address)
        daemon_threads = True

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=directory)
    httpd = Server((address, 80), handler)
    udp = socket.socket(family(address), socket.SOCK_DGRAM)
    udp.bind((address, 7))

    def echo():
        while True:
            data, peer = udp.recvfrom(65535)
            print(f'udp echo to {peer[0]}', flush=True)
            udp.sendto(data, peer)

    threading.Thread(target=echo, daemon=True).start()
    print(f'serving {directory} at {address}: HTTP port 80, UDP echo port 7', flush=True)
    httpd.serve_forever()


def opener():
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(url, count='1'):
    pages = []
    for _ in range(int(count)):
        with opener().open(url, timeout=10) as response:  # a new connection each time
            pages.append(response.read().decode(errors='replace').strip())
    print(pages[0])
    if int(count) > 1:
        print(f'{len(pages)} of {count} pages, each on a new connection ({took()})')
    else:
        print(f'({took()})')


def fetch(url, out=None, rate=0.0):
    digest, total = hashlib.sha256(), 0
    with opener().open(url, timeout=30) as response:
        sink = open(out, 'wb') if out else None
        while True:
            chunk = response.read(65536)
            if not chunk:
                break
            digest.update(chunk)
            total += len(chunk)
            if sink:
                sink.write(chunk)
                sink.flush()
            if rate:
                time.sleep(len(chunk) / rate)
        if sink:
            sink.close()
    print(f'{total} bytes in {took()}, sha256 {digest.hexdigest()}')


def udp(host, port, text):
    s = socket.socket(family(host), socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(text.encode(), (host, int(port)))
    data, peer = s.recvfrom(65535)
    print(f'echo from {peer[0]}: {data.decode(errors="replace")} ({took()})')


def forge(src, dst, port, count):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, getattr(socket, 'IPV6_FREEBIND', 78), 1)
    s.bind((src, 0))
    for _ in range(int(count)):
        s.sendto(b'forged', (dst, int(port)))
    print(f'sent {count} UDP packets {src} -> {dst} port {port}')


COMMANDS = {'serve': serve, 'get': get, 'fetch': fetch, 'udp': udp, 'forge': forge}

if __name__ == '__main__':
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    args = sys.argv[2:]
    if sys.argv[1] == 'fetch' and len(args) > 2:
        args[2] = float(args[2])
    try:
        COMMANDS[sys.argv[1]](*args)
    except (OSError, ValueError) as e:
        reason = getattr(e, 'reason', None) or e
        print(f'failed after {took()}: {reason}')
        sys.exit(1)
