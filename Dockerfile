# Build stage: compile the release binary.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY templates templates
RUN cargo build --release --locked

# Runtime stage: the binary, the demo exhibits, a non-root user.
FROM debian:bookworm-slim
RUN useradd --system --home /srv/docent docent \
 && mkdir -p /srv/docent/data && chown docent /srv/docent/data
WORKDIR /srv/docent
COPY --from=build /src/target/release/docent /usr/local/bin/docent
COPY exhibits exhibits
USER docent
ENV DOCENT_BIND=0.0.0.0:8080
EXPOSE 8080
VOLUME ["/srv/docent/exhibits", "/srv/docent/data"]
CMD ["docent", "serve"]
