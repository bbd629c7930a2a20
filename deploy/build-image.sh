#!/usr/bin/env bash
# Builds the docent container image from the Dockerfile and runs it, with no image registry:
# the base images are made here.
#
#   sudo deploy/build-image.sh            # takes minutes (a cold release build)
#
# 1. debian:bookworm-slim  from `debootstrap --variant=minbase bookworm` (the apt mirror of
#                          this machine);
# 2. rust:1-bookworm       that base plus gcc and this machine's Rust toolchain;
# 3. docent:local          `buildah bud` of ../Dockerfile on those two;
# 4. a run of the image's own `docent serve` (buildah run, chroot isolation), checked from
#    outside: /healthz, a landing page, the image's size and user.
#
# Needs root and Debian's buildah, podman (its `import`) and debootstrap. Podman cannot start
# containers in every sandbox (crun setting RLIMIT_NOFILE); buildah run can, so it is used.
set -euo pipefail
cd "$(dirname "$0")/.."

STORAGE=(--storage-driver vfs)
WORK=${DOCENT_IMAGE_WORK:-/var/tmp/docent-image}
MIRROR=${DEBIAN_MIRROR:-$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
TOOLCHAIN=${RUST_TOOLCHAIN:-$(rustc --print sysroot)}
PORT=${PORT:-18099}

for tool in buildah podman debootstrap; do
  command -v "$tool" >/dev/null || { echo "needs $tool: apt-get install buildah podman debootstrap" >&2; exit 1; }
done
mkdir -p "$WORK"
step() { printf '\n== %s (%s)\n' "$1" "$(date +%T)"; }

image_exists() { buildah "${STORAGE[@]}" images --quiet "$1" >/dev/null 2>&1; }

step "base image debian:bookworm-slim"
if ! image_exists docker.io/library/debian:bookworm-slim; then
  rm -rf "$WORK/rootfs"
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "$MIRROR" >"$WORK/debootstrap.log"
  # What the slim image leaves out.
  rm -rf "$WORK/rootfs"/var/cache/apt/archives/*.deb "$WORK/rootfs"/var/lib/apt/lists/*
  tar -C "$WORK/rootfs" -cf "$WORK/rootfs.tar" .
  podman "${STORAGE[@]}" import "$WORK/rootfs.tar" docker.io/library/debian:bookworm-slim
  rm -rf "$WORK/rootfs" "$WORK/rootfs.tar"
fi

step "builder image rust:1-bookworm (toolchain from $TOOLCHAIN)"
if ! image_exists docker.io/library/rust:1-bookworm; then
  ctr=$(buildah "${STORAGE[@]}" from docker.io/library/debian:bookworm-slim)
  buildah "${STORAGE[@]}" run --isolation chroot "$ctr" -- sh -c \
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gcc libc6-dev ca-certificates >/dev/null && rm -rf /var/lib/apt/lists/*'
  mnt=$(buildah "${STORAGE[@]}" mount "$ctr")
  mkdir -p "$mnt/usr/local/rust" "$mnt/usr/local/cargo/bin"
  # The toolchain without its documentation (cargo, rustc and the standard library).
  tar -C "$TOOLCHAIN" --exclude=./share -cf - . | tar -C "$mnt/usr/local/rust" -xf -
  for bin in cargo rustc rustdoc; do ln -sf "/usr/local/rust/bin/$bin" "$mnt/usr/local/cargo/bin/$bin"; done
  buildah "${STORAGE[@]}" umount "$ctr" >/dev/null
  buildah "${STORAGE[@]}" config \
    --env CARGO_HOME=/usr/local/cargo \
    --env PATH=/usr/local/cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    "$ctr"
  buildah "${STORAGE[@]}" commit --quiet "$ctr" docker.io/library/rust:1-bookworm >/dev/null
  buildah "${STORAGE[@]}" rm "$ctr" >/dev/null
fi
buildah "${STORAGE[@]}" run --isolation chroot \
  "$(buildah "${STORAGE[@]}" from docker.io/library/rust:1-bookworm)" -- cargo --version

step "docent image (buildah bud of the Dockerfile)"
# The build's RUN steps see this machine's CA certificates (read-only, not kept in the
# image): cargo fetches crates over HTTPS, and a network that inspects TLS has its own CA.
# No --layers: with the vfs driver every kept layer is a full copy of the file system.
buildah "${STORAGE[@]}" bud --isolation chroot \
  --volume /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro \
  --build-arg REVISION="$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
  -t localhost/docent:local .

step "run the image's docent serve"
ctr=$(buildah "${STORAGE[@]}" from localhost/docent:local)
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
  buildah "${STORAGE[@]}" rm "$ctr" >/dev/null 2>&1 || true
}
trap cleanup EXIT
# buildah run does not take the image's USER by default: ask for it, and use the image's
# own entrypoint and environment.
user=$(buildah "${STORAGE[@]}" inspect --format '{{.OCIv1.Config.User}}' localhost/docent:local)
buildah "${STORAGE[@]}" run --isolation chroot --user "$user" \
  --env DOCENT_BIND="127.0.0.1:$PORT" \
  --env DOCENT_ADMIN_PASSWORD="image-check-$(date +%s%N)" \
  "$ctr" -- docent serve >"$WORK/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

step "checks"
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }
health=$(curl -sS "http://127.0.0.1:$PORT/healthz" || true)
echo "/healthz: $health"
check "/healthz answers ok" '[ "$health" = "{\"status\":\"ok\"}" ]'
landing=$(curl -sS -o /dev/null -w '%{http_code} %{size_download}' \
  -A 'Mozilla/5.0 (Linux; Android 14) Mobile' "http://127.0.0.1:$PORT/s/NCA1" || true)
echo "/s/NCA1: $landing (status, bytes)"
check "a landing page is served" '[ "${landing%% *}" = 200 ]'
echo "image user: $user"
check "the image runs as a non-root user" '[ -n "$user" ] && [ "${user%%:*}" != 0 ] && [ "${user%%:*}" != root ]'
listener=$(ss -ltnpH "sport = :$PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
running_uid=$(ps -o uid= -p "${listener:-1}" | tr -d ' ')
echo "uid of the running docent: $running_uid"
check "docent runs as that user" '[ "$running_uid" = "${user%%:*}" ]'
size=$(buildah "${STORAGE[@]}" images --format '{{.Size}}' localhost/docent:local)
echo "image size: $size"
buildah "${STORAGE[@]}" images --format '{{.Name}}:{{.Tag}} {{.Size}}' | sed 's/^/  /'
exit $fail
