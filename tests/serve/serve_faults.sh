#!/usr/bin/env bash
# A bounded loopback load-and-fault test of `mor serve`: while slow clients trickle bytes,
# half-closed and idle connections pile up and oversized bodies arrive, a well-behaved client
# keeps getting answers, oversized bodies get 413 without being read into memory, and the
# server's resident memory stays bounded. Bounded: fewer misbehaving connections at a time
# than --http-threads (each connection holds a worker until it times out, 5 s).
set -euo pipefail
mor="$1"
source "$(dirname "$0")/serve_lib.sh"

cat > "$tmp/tiny.json" <<'JSON'
{"name":"tiny-faults","data":{"kind":"parity","length":6,"samples":200,"probe_size":4},
 "model":{"encoder":{"hidden":16},"router":{"top_k":1,"hidden":16},
          "experts":[{"width":16,"max_depth":2},{"width":16,"max_depth":2}]},
 "train":{"epochs":1,"batch_size":32,"threads":1}}
JSON
"$mor" train --config "$tmp/tiny.json" --log "$tmp/log.sqlite" --quiet >/dev/null
start_server --run 1 --http-threads 16 --max-body 65536 --max-wait-ms 0

"$py" - "$port" "$pid" <<'PY' || fail "fault test"
import json, socket, sys, threading, time, http.client
port, pid = int(sys.argv[1]), int(sys.argv[2])

def rss_kb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

def good_request():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("POST", "/v1/predict", json.dumps({"input": [1, 0, 1, 1, 0, 1]}),
              {"Content-Type": "application/json"})
    r = c.getresponse(); r.read(); c.close()
    return r.status

stop = time.time() + 4.0
counts = {"slow": 0, "half": 0, "idle": 0, "big": 0, "big413": 0}
lock = threading.Lock()

def slow_client():          # headers one byte at a time, then gives up
    while time.time() < stop:
        s = socket.create_connection(("127.0.0.1", port))
        for b in b"POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Le":
            s.send(bytes([b])); time.sleep(0.02)
            if time.time() > stop: break
        s.close()
        with lock: counts["slow"] += 1

def half_closed():          # connects, half-closes without a request, or mid-body
    i = 0
    while time.time() < stop:
        s = socket.create_connection(("127.0.0.1", port))
        if i % 2:
            s.send(b"POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"in")
        s.shutdown(socket.SHUT_WR)
        s.settimeout(7); 
        try: s.recv(4096)
        except OSError: pass
        s.close(); i += 1
        with lock: counts["half"] += 1
        time.sleep(0.01)

idle = []
def idle_opener():          # opens connections and leaves them silent
    while time.time() < stop and len(idle) < 6:
        idle.append(socket.create_connection(("127.0.0.1", port)))
        with lock: counts["idle"] += 1
        time.sleep(0.1)

def big_bodies():           # 2 MB bodies (limit 64 KiB): 413; or 50 MB declared, 1 MB sent
    chunk = b"x" * 65536
    i = 0
    while time.time() < stop:
        s = socket.create_connection(("127.0.0.1", port))
        s.settimeout(5)
        declared = 2 * 1024 * 1024 if i % 2 == 0 else 50 * 1024 * 1024
        s.send(b"POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n" % declared)
        try:
            for _ in range(declared // len(chunk) if i % 2 == 0 else 16): s.send(chunk)
            if i % 2 == 0:
                head = s.recv(64)
                with lock: counts["big413"] += b" 413 " in head
        except OSError: pass
        with lock: counts["big"] += 1
        s.close(); i += 1

base = rss_kb()
threads = [threading.Thread(target=f) for f in
           (slow_client, slow_client, half_closed, idle_opener, big_bodies, big_bodies)]
[t.start() for t in threads]
ok, bad, peak, latencies = 0, 0, base, []
while time.time() < stop:
    t0 = time.time()
    status = good_request()
    latencies.append(time.time() - t0)
    ok += status == 200; bad += status != 200
    peak = max(peak, rss_kb())
    time.sleep(0.02)
[t.join() for t in threads]
for s in idle: s.close()
time.sleep(0.5)
after = good_request()
end = rss_kb()
latencies.sort()
print(f"faults: {counts}; good requests {ok} ok, {bad} failed, p50 {latencies[len(latencies)//2]*1000:.1f} ms,"
      f" max {latencies[-1]*1000:.1f} ms; RSS {base//1024} MB at start, peak {peak//1024} MB,"
      f" {end//1024} MB after")
assert bad == 0 and ok >= 10, "the well-behaved client was not answered"
assert after == 200, "no answer after the faults"
assert counts["big413"] >= 1, "no 413 for an oversized body"
assert peak - base < 64 * 1024, f"RSS grew by {(peak - base)//1024} MB"
PY
stop_server
echo "serve_faults: ok"
