#!/bin/sh
# The systemd service's run (debian/virtcap.service): the probe and the proofs once, written
# where each reader looks, when that reader is there: Prometheus's node exporter (its textfile
# directory) and Node Feature Discovery (its features.d, which Kubernetes nodes have). Each file
# is replaced atomically; with neither reader installed there is nothing to write.
# Usage: refresh.sh [TEXTFILE-DIR FEATURES-DIR VIRTCAP] (the service gives none: Debian's paths)
set -u
textfile=${1:-/var/lib/prometheus/node-exporter}
features=${2:-/etc/kubernetes/node-feature-discovery/features.d}
virtcap=${3:-/usr/bin/virtcap}
set --
[ -d "$textfile" ] && set -- --prom --output "$textfile/virtcap.prom"
[ -d "$features" ] && set -- "$@" --nfd "$features"
[ $# -gt 0 ] || exit 0
# without --prom the human report goes to stdout: the journal needs none of it
exec "$virtcap" --no-color "$@" >/dev/null
