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
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git/db \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked \
 && install -D -m 0755 target/release/docent /out/docent

########################### runtime stage ###########################
# No ca-certificates and no tzdata: docent makes no outbound HTTPS calls and
# carries its time zone data inside the binary.
FROM debian:bookworm-slim

ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="docent" \
      org.opencontainers.image.description="QR-code companion for exhibitions: landing pages, QR codes and privacy-preserving scan statistics" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"

# Fixed numeric ids so that bind-mounted host folders can be chowned to match
# (chown -R 10001:10001 /path/to/data).
RUN groupadd --system --gid 10001 docent \
 && useradd --system --uid 10001 --gid docent --home-dir /srv/docent \
            --no-create-home --shell /usr/sbin/nologin docent \
 && mkdir -p /srv/docent/data /srv/docent/exhibits \
 && chown docent:docent /srv/docent/data

COPY --from=build /out/docent /usr/local/bin/docent
# The bundled demo show, owned by the server's user: the dashboard's editor saves stories and
# covers here (a new volume mounted on this folder is filled from it, owner included).
COPY --chown=docent:docent exhibits /srv/docent/exhibits

WORKDIR /srv/docent
ENV DOCENT_EXHIBITS=/srv/docent/exhibits \
    DOCENT_DATA=/srv/docent/data \
    DOCENT_BIND=0.0.0.0:8080 \
    MALLOC_ARENA_MAX=2

# A new named volume is filled from the image: the demo exhibits, and an empty
# data folder owned by the docent user.
VOLUME ["/srv/docent/exhibits", "/srv/docent/data"]
EXPOSE 8080

USER 10001:10001

# `docent healthcheck` GETs http://$DOCENT_BIND/healthz (0.0.0.0 -> 127.0.0.1);
# the image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["docent", "healthcheck"]

# docent flushes the store on SIGTERM; give it time (docker stop -t 30).
STOPSIGNAL SIGTERM
ENTRYPOINT ["docent"]
CMD ["serve"]
