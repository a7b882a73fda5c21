# Scrapes http://127.0.0.1:9464/metrics every INTERVAL seconds until killed (SIGTERM), keeping the count in OUT.
# usage: metrics-scraper.py INTERVAL OUT
import signal, sys, time, urllib.request
interval, out = float(sys.argv[1]), sys.argv[2]
ok = fail = 0
size = 0
def done(*_):
    with open(out, "w") as f:
        f.write(f"scrapes_ok={ok} scrapes_failed={fail} last_bytes={size}\n")
    sys.exit(0)
signal.signal(signal.SIGTERM, done)
signal.signal(signal.SIGHUP, done)
time.sleep(3)
while True:
    try:
        size = len(urllib.request.urlopen("http://127.0.0.1:9464/metrics", timeout=5).read())
        ok += 1
    except Exception:
        fail += 1
    with open(out, "w") as f:
        f.write(f"scrapes_ok={ok} scrapes_failed={fail} last_bytes={size}\n")
    time.sleep(interval)
