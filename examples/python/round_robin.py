#!/usr/bin/env python3
"""Spreads Infer calls over several LLMA OS replicas with grpc's own client-side balancing.

Usage:  examples/python/run.sh round_robin.py host:port,host:port,... [calls]
One channel over every replica (the target "ipv4:a:p,b:q,..."; in Kubernetes, "dns:///llmaos-headless:8001"
resolves to every ready pod) with round_robin, health checking (a replica whose grpc.health.v1 status
turns NOT_SERVING, as one does from SIGTERM, leaves rotation) and retries of the idempotent Infer on
UNAVAILABLE. The counted calls go as tenant "python" (x-llmaos-tenant), so each replica's statistics show
its share (30 warm-up calls first, as "python-warmup").
Prints one JSON line: calls, failures. Same variables as client.py for a secured server.
"""
import json
import os
import sys

import grpc

from llmaos.v1 import inference_pb2, tensor_pb2

targets = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LLMAOS_TARGETS", "127.0.0.1:8001")
calls = int(sys.argv[2]) if len(sys.argv) > 2 else 300

service_config = {
    "loadBalancingConfig": [{"round_robin": {}}],
    "healthCheckConfig": {"serviceName": ""},
    "methodConfig": [{
        "name": [{"service": "llmaos.v1.InferenceService", "method": "Infer"}],
        "retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.05s", "maxBackoff": "1s",
                        "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]},
    }],
}
options = [("grpc.service_config", json.dumps(service_config)), ("grpc.enable_retries", 1)]
target = targets if ":///" in targets or targets.startswith("ipv4:") else "ipv4:" + targets


def read(variable):
    path = os.environ.get(variable)
    if not path:
        return None
    with open(path, "rb") as f:
        return f.read()


ca, cert, key = read("LLMAOS_TLS_CA"), read("LLMAOS_TLS_CERT"), read("LLMAOS_TLS_KEY")
if ca or cert:
    channel = grpc.secure_channel(target, grpc.ssl_channel_credentials(
        root_certificates=ca, private_key=key, certificate_chain=cert), options=options)
else:
    channel = grpc.insecure_channel(target, options=options)
token = os.environ.get("LLMAOS_TOKEN")
metadata = [("x-llmaos-tenant", "python")] + ([("authorization", "Bearer " + token)] if token else [])
infer = channel.unary_unary(
    "/llmaos.v1.InferenceService/Infer",
    request_serializer=inference_pb2.InferRequest.SerializeToString,
    response_deserializer=inference_pb2.InferResponse.FromString)

features = tensor_pb2.Tensor(name="features", datatype=tensor_pb2.FP32, shape=[1, 16],
                             contents=tensor_pb2.TensorContents(fp32_contents=[i / 16 for i in range(16)]))
request = inference_pb2.InferRequest(model_name="mlp-classifier", inputs=[features])
# every replica connected and healthy before counting (round_robin rotates over READY ones only):
# warm-up calls as another tenant, so they do not count in the replicas' shares
grpc.channel_ready_future(channel).result(timeout=60)
warmup = [("x-llmaos-tenant", "python-warmup")] + metadata[1:]
for _ in range(30):
    infer(request, timeout=30, metadata=warmup, wait_for_ready=True)
failures = 0
for _ in range(calls):
    try:
        infer(request, timeout=30, metadata=metadata, wait_for_ready=True)
    except grpc.RpcError as e:
        failures += 1
        print(json.dumps({"error": e.code().name}), file=sys.stderr)
print(json.dumps({"call": "round_robin", "calls": calls, "failures": failures}))
sys.exit(1 if failures else 0)
