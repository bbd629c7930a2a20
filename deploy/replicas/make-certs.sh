#!/usr/bin/env sh
# Makes a small CA, a certificate for each NATS node and one for docent, in ./certs.
# Names: the nodes' host names as the replicas reach them (compose: nats-1, nats-2, nats-3).
#   ./make-certs.sh [NODE ...]
# Keep certs/ca.key offline once the certificates are made.
set -eu
cd "$(dirname "$0")"
[ $# -gt 0 ] || set -- nats-1 nats-2 nats-3
mkdir -p certs && cd certs
ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
[ -f ca.pem ] || openssl req -x509 $ec -keyout ca.key -out ca.pem -days 825 -subj "/CN=docent NATS CA"
sans=""
for node in "$@"; do sans="${sans:+$sans,}DNS:$node"; done
printf 'subjectAltName=%s,IP:127.0.0.1\n' "$sans" > server.ext
printf 'extendedKeyUsage=clientAuth\n' > client.ext
openssl req $ec -keyout server.key -out server.csr -subj "/CN=docent NATS"
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 -extfile server.ext -out server.pem
openssl req $ec -keyout client.key -out client.csr -subj "/CN=docent"
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 -extfile client.ext -out client.pem
rm -f server.csr client.csr server.ext client.ext
chmod 600 ./*.key
echo "certs/: ca.pem, server.pem/.key (every node), client.pem/.key (docent)"
