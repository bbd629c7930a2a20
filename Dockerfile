# syntax=docker/dockerfile:1
#
# docent: multi-stage build. Needs BuildKit (the default builder since Docker 23;
# also Podman/Buildah) for the cache mounts below.
#
#   docker build -t docent --build-arg REVISION="$(git rev-parse HEAD)" .
#   docker run -d --name docent --stop-timeout 30 -p 127.0.0.1:8080:8080 \
#     -v docent-data:/srv/docent/data -v docent-exhibits:/srv/docent/exhibits \
#     --env-file /etc/docent/docent.env docent
#
# See deploy/README.md for volumes, backups and the reverse proxy.

############################ build stage ############################
FROM rust:1-bookworm AS build
WORKDIR /src

# Only what the build needs (see .dockerignore for what is kept out).
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY templates ./templates

# The crate registry and target/ live in BuildKit cache mounts, so a rebuild
# after a source change recompiles docent only, not its ~300 dependencies.
# target/ is a cache mount and is not part of the image, so the binary is
# copied out in the same step.
# A static binary (glibc linked in, -C target-feature=+crt-static), stripped: the runtime
# image needs no shared library, so it can be `scratch`. glibc 2.34+ has its files and dns
# name lookups inside libc itself, so a static binary still resolves host names (NATS, the
# OpenID provider, SMTP) from /etc/hosts and DNS.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git/db \
    --mount=type=cache,target=/src/target,sharing=locked \
    RUSTFLAGS="-C target-feature=+crt-static" CARGO_PROFILE_RELEASE_STRIP=symbols \
    cargo build --release --locked --target x86_64-unknown-linux-gnu \
 && install -D -m 0755 target/x86_64-unknown-linux-gnu/release/docent /out/docent \
 && ! readelf -d /out/docent | grep -q NEEDED

# The few files the runtime needs besides the binary: who user 10001 is, how names are
# looked up, and the folders (owned by that user where docent writes).
RUN mkdir -p /rootfs/etc /rootfs/tmp /rootfs/srv/docent/data /rootfs/srv/docent/exhibits \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\ndocent:x:10001:10001:docent:/srv/docent:/sbin/nologin\n' > /rootfs/etc/passwd \
 && printf 'root:x:0:\ndocent:x:10001:\n' > /rootfs/etc/group \
 && printf 'hosts: files dns\n' > /rootfs/etc/nsswitch.conf \
 && chmod 1777 /rootfs/tmp \
 && chown 10001:10001 /rootfs/srv/docent/data

########################### runtime stage ###########################
# Nothing but the binary, the demo show and the files above: no shell, no package manager,
# no libraries. No CA certificates or time zone files either: docent carries its own root
# certificates (for Unpaywall, Crossref, an OpenID provider, SMTP over TLS) and its own time
# zone data.
FROM scratch

ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="docent" \
      org.opencontainers.image.description="QR-code companion for exhibitions: landing pages, QR codes and privacy-preserving scan statistics" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"

COPY --from=build /rootfs/ /
COPY --from=build /out/docent /usr/local/bin/docent
# The bundled demo show, owned by the server's user: the dashboard's editor saves stories and
# covers here (a new volume mounted on this folder is filled from it, owner included).
# Fixed numeric ids so that bind-mounted host folders can be chowned to match
# (chown -R 10001:10001 /path/to/data).
COPY --chown=10001:10001 exhibits /srv/docent/exhibits

WORKDIR /srv/docent
ENV PATH=/usr/local/bin \
    DOCENT_EXHIBITS=/srv/docent/exhibits \
    DOCENT_DATA=/srv/docent/data \
    DOCENT_BIND=0.0.0.0:8080 \
    MALLOC_ARENA_MAX=2

# A new named volume is filled from the image: the demo exhibits, and an empty
# data folder owned by the docent user.
VOLUME ["/srv/docent/exhibits", "/srv/docent/data"]
EXPOSE 8080

USER 10001:10001

# `docent healthcheck` GETs http://$DOCENT_BIND/healthz (0.0.0.0 -> 127.0.0.1);
# the image has no shell and no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["docent", "healthcheck"]

# docent flushes the store on SIGTERM; give it time (docker stop -t 30).
STOPSIGNAL SIGTERM
ENTRYPOINT ["docent"]
CMD ["serve"]
