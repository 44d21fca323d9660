#!/usr/bin/env python3
"""Calls LLMA OS from Python: one Infer on the demo MLP, one Generate on the demo GPT.

Usage:  examples/python/run.sh [host:port]      (generates the message classes, then runs this)
A secured server: LLMAOS_TOKEN (bearer token), LLMAOS_TLS_CA (PEM CAs to trust; turns TLS on),
LLMAOS_TLS_CERT and LLMAOS_TLS_KEY (this client's certificate and key, for mutual TLS).
Prints one JSON line per call. Needs Debian's python3-grpcio, python3-protobuf and protobuf-compiler.
The message classes are generated from our protos by protoc; the calls go through grpcio's channel
methods with those classes as (de)serializers, which is all a generated service stub does.
"""
import json
import os
import sys

import grpc

from llmaos.v1 import inference_pb2, tensor_pb2

target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LLMAOS_TARGET", "127.0.0.1:8001")


def read(variable):
    path = os.environ.get(variable)
    if not path:
        return None
    with open(path, "rb") as f:
        return f.read()


ca, cert, key = read("LLMAOS_TLS_CA"), read("LLMAOS_TLS_CERT"), read("LLMAOS_TLS_KEY")
if ca or cert:
    channel = grpc.secure_channel(target, grpc.ssl_channel_credentials(
        root_certificates=ca, private_key=key, certificate_chain=cert))
else:
    channel = grpc.insecure_channel(target)
token = os.environ.get("LLMAOS_TOKEN")
metadata = [("authorization", "Bearer " + token)] if token else None
infer = channel.unary_unary(
    "/llmaos.v1.InferenceService/Infer",
    request_serializer=inference_pb2.InferRequest.SerializeToString,
    response_deserializer=inference_pb2.InferResponse.FromString)
generate = channel.unary_stream(
    "/llmaos.v1.InferenceService/Generate",
    request_serializer=inference_pb2.GenerateRequest.SerializeToString,
    response_deserializer=inference_pb2.GenerateResponse.FromString)

try:
    features = tensor_pb2.Tensor(name="features", datatype=tensor_pb2.FP32, shape=[1, 16],
                                 contents=tensor_pb2.TensorContents(fp32_contents=[i / 16 for i in range(16)]))
    response = infer(inference_pb2.InferRequest(model_name="mlp-classifier", inputs=[features]), timeout=60,
                     metadata=metadata)
    print(json.dumps({"call": "infer", "outputs": [
        {"name": o.name, "shape": list(o.shape), "fp32": list(o.contents.fp32_contents),
         "strings": [b.decode() for b in o.contents.bytes_contents]} for o in response.outputs]}))

    text, messages, last = "", 0, None
    request = inference_pb2.GenerateRequest(model_name="gpt-kjv", text="In the beginning",
                                            sampling=inference_pb2.SamplingParams(max_new_tokens=64))
    for message in generate(request, timeout=120, metadata=metadata):
        messages += 1
        text += "".join(t.text for t in message.tokens)
        last = message
    print(json.dumps({"call": "generate", "text": text, "messages": messages,
                      "finish_reason": inference_pb2.FinishReason.Name(last.finish_reason)}))
except grpc.RpcError as e:
    print(f"llmaos example: {e.code().name}: {e.details()}", file=sys.stderr)
    sys.exit(1)
