#!/usr/bin/env bash
# Generates the Python message classes from our protos (protoc, Debian's protobuf-compiler) into
# examples/python/gen, then runs client.py. Needs the Maven build first (it unpacks google/rpc/*.proto).
# Usage: examples/python/run.sh [host:port]                          (client.py: one Infer, one Generate)
#        examples/python/run.sh round_robin.py host:port,host:port,... [calls]   (calls spread over replicas)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
protos="$here/../../proto/src/main/proto"
deps=$(find "$here/../../proto/target/protoc-dependencies" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sed 's/^/-I/' | tr '\n' ' ')
gen="$here/gen"
mkdir -p "$gen"
# shellcheck disable=SC2086
protoc -I"$protos" $deps -I/usr/include --python_out="$gen" \
    "$protos"/llmaos/v1/*.proto google/rpc/status.proto
script=client.py
if [[ "${1:-}" == *.py ]]; then
    script="$1"
    shift
fi
exec env PYTHONPATH="$gen${PYTHONPATH:+:$PYTHONPATH}" /usr/bin/python3 "$here/$script" "$@"
