#!/usr/bin/env bash
# The landing page while covers are uploaded (issue 18, point 5): `docent serve` (release) on a
# copy of the demo exhibits and a fresh store; wrk -t2 -c$CONNECTIONS against /s/NCA1 for
# $DURATION, first alone, then while $UPLOADERS threads (one python3 process) each upload a 5 MB cover to the story
# editor for the whole run (GET the form for its version, POST the form with the new cover: the
# server decodes, resizes and encodes it, then saves). Prints p50/p99 of both runs and the
# uploads done.
#
#   bench/uploads.sh
#   DOCENT_BIN=/elsewhere/target/release/docent bench/uploads.sh   # another build, no cargo
#   HUGE=1 UPLOADERS=8 bench/uploads.sh   # 12000x12000 PNGs instead (bench/uploads_huge.sh)
#
# Needs wrk (Debian package wrk), curl and python3 (to make the cover). 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
UPLOADERS=${UPLOADERS:-4}
PORT=${PORT:-18090}
PASSWORD=bench-password-long
UA="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47 NetType/WIFI Language/zh_CN"
if [ -z "${DOCENT_BIN:-}" ]; then
  cargo build --release --quiet --bin docent
  DOCENT_BIN="${CARGO_TARGET_DIR:-target}/release/docent"
fi
WORK=$(mktemp -d)
SERVER=
trap 'kill $SERVER 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

cp -a exhibits "$WORK/exhibits"
# A cover of random pixels just under the editor's 5 MB limit (random data does not compress).
# With HUGE=1: a 12000x12000 grey PNG instead, about 2 MB that would decode to 432 MB
# (the server refuses it from its header; the bench shows the refusals cost visitors nothing).
HUGE=${HUGE:-} python3 - "$WORK/cover.png" <<'EOF'
import os, struct, sys, zlib
if os.environ.get("HUGE"):
    w, h = 12000, 12000
    z, row = zlib.compressobj(1), b"\x00" + b"\x80" * (w * 3)
    data = b"".join(z.compress(row) for _ in range(h)) + z.flush()
    rows = None
else:
    w, h = 1400, 1240
    rows = b"".join(b"\x00" + os.urandom(w * 3) for _ in range(h))
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
png += chunk(b"IDAT", data if rows is None else zlib.compress(rows, 1)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
EOF
COVER_BYTES=$(stat -c %s "$WORK/cover.png")

DOCENT_ADMIN_PASSWORD=$PASSWORD "$DOCENT_BIN" serve --bind "127.0.0.1:$PORT" \
  --data "$WORK/data" --exhibits "$WORK/exhibits" >"$WORK/server.log" 2>&1 &
SERVER=$!
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.05; done

FORM="http://127.0.0.1:$PORT/admin/e/nature-covers/stories/alphago"
# The uploaders: one python3 process with $UPLOADERS threads, each uploading the cover again
# and again until $WORK/stop exists (GET the form for its version, POST it with the cover),
# one line per answer. One process, not a curl per request: the load generator shares the 2
# cores with the server, and process starts would be most of what is measured.
cat >"$WORK/upload.py" <<'PY'
import base64, http.client, os, re, sys, threading, time
port, password, cover, work, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
path = "/admin/e/nature-covers/stories/alphago"
auth = "Basic " + base64.b64encode(f"curator:{password}".encode()).decode()
image = open(cover, "rb").read()
def body(version):
    b = b"docent-bench-7f1c"
    parts = [b"--" + b + b'\r\nContent-Disposition: form-data; name="version"\r\n\r\n' + version.encode() + b"\r\n",
             b"--" + b + b'\r\nContent-Disposition: form-data; name="cover_file"; filename="cover.png"\r\nContent-Type: image/png\r\n\r\n' + image + b"\r\n",
             b"--" + b + b"--\r\n"]
    return b"".join(parts), "multipart/form-data; boundary=" + b.decode()
def loop(i):
    out = open(os.path.join(work, f"uploads.{i}"), "a")
    while not os.path.exists(os.path.join(work, "stop")):
        c = http.client.HTTPConnection("127.0.0.1", int(port), timeout=120)
        c.request("GET", path, headers={"Authorization": auth})
        page = c.getresponse().read().decode("utf-8", "replace")
        m = re.search(r'name="version" value="([^"]*)"', page)
        data, ctype = body(m.group(1) if m else "")
        start = time.time()
        c.request("POST", path, body=data, headers={"Authorization": auth, "Content-Type": ctype, "Origin": f"http://127.0.0.1:{port}"})
        r = c.getresponse(); r.read(); c.close()
        out.write(f"{r.status} {time.time() - start:.3f}\n"); out.flush()
threads = [threading.Thread(target=loop, args=(i,)) for i in range(1, n + 1)]
for t in threads: t.start()
for t in threads: t.join()
PY

. bench/wrk.sh
ALONE=$(run "http://127.0.0.1:$PORT/s/NCA1")
echo "landing alone: $ALONE" >&2

python3 "$WORK/upload.py" "$PORT" "$PASSWORD" "$WORK/cover.png" "$WORK" "$UPLOADERS" &
UPLOADING=($!)
sleep 1
LOADED=$(run "http://127.0.0.1:$PORT/s/NCA1")
touch "$WORK/stop"
wait "${UPLOADING[@]}"
echo "landing during uploads: $LOADED" >&2

cat "$WORK"/uploads.* >"$WORK/uploads"
DONE=$(awk '$1 == 303' "$WORK/uploads" | wc -l)
REFUSED=$(awk '$1 == 422' "$WORK/uploads" | wc -l)
OTHER=$(awk '$1 != 303 { n[$1]++ } END { for (c in n) printf "%s%d x %s", (s++ ? ", " : ""), n[c], c; if (!s) printf "none" }' "$WORK/uploads")
UPLOAD_S=$(awk '$1 == 303 { s += $2; n++ } END { if (n) printf "%.2f", s / n; else print "-" }' "$WORK/uploads")

echo "## Landing page while covers are uploaded ($(date -u +%Y-%m-%d), $(nproc) cores, \`bench/uploads.sh\`)"
echo
echo "wrk -t2 -c$CONNECTIONS -d$DURATION --latency on /s/NCA1; $UPLOADERS threads uploading a $COVER_BYTES-byte PNG to the story editor meanwhile."
echo
echo "| landing /s/NCA1 | req/s | p50 | p99 | non-2xx |"
echo "|---|---:|---:|---:|---:|"
echo "$ALONE" | awk '{ printf "| alone | %s | %s ms | %s ms | %s |\n", $1, $2, $3, $4 }'
echo "$LOADED" | awk '{ printf "| during uploads | %s | %s ms | %s ms | %s |\n", $1, $2, $3, $4 }'
echo
echo "- Uploads saved: $DONE (mean $UPLOAD_S s each); refused (422): $REFUSED; other answers: $OTHER (409: another uploader saved first; the cover was still resized)."
