#!/usr/bin/env bash
# Patroni, etcd and HAProxy from Debian's packages (with PostgreSQL 15), for the failover suite and for a host
# that runs the set-up by hand. Does nothing when they are there.
set -euo pipefail
missing=()
command -v patroni > /dev/null || missing+=(patroni)
command -v etcd > /dev/null || missing+=(etcd-server)
command -v haproxy > /dev/null || missing+=(haproxy)
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
