#!/bin/sh
# Regenerates the test certificates (valid for 100 years): a CA, a server certificate for
# 127.0.0.1/localhost and a client certificate, all signed by the CA. Test-only keys.
set -eu
cd "$(dirname "$0")"
days=36500
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days $days -subj "/CN=wasmpipe test CA" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server-key.pem -out server.csr -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out server.pem -days $days -extfile server.ext 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout client-key.pem -out client.csr -subj "/CN=wasmpipe test client" 2>/dev/null
printf 'extendedKeyUsage=clientAuth\n' > client.ext
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out client.pem -days $days -extfile client.ext 2>/dev/null
rm -f server.csr client.csr server.ext client.ext ca.srl ca-key.pem
