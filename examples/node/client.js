// Calls LLMA OS from Node: one Infer on the demo MLP, one Generate on the demo GPT.
// Usage: node client.js [host:port]   (default: $LLMAOS_TARGET or 127.0.0.1:8001)
// A secured server: LLMAOS_TOKEN (bearer token), LLMAOS_TLS_CA (PEM CAs to trust; turns TLS on),
// LLMAOS_TLS_CERT and LLMAOS_TLS_KEY (this client's certificate and key, for mutual TLS).
// Prints one JSON line per call: {"call":"infer",...} and {"call":"generate",...}.
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const target = process.argv[2] || process.env.LLMAOS_TARGET || '127.0.0.1:8001';
const fs = require('fs');
const protos = path.resolve(__dirname, '../../proto/src/main/proto');
// google/rpc/*.proto come from Maven Central with the build (mvn -B verify unpacks them here)
const deps = path.resolve(__dirname, '../../proto/target/protoc-dependencies');
const includeDirs = [protos].concat(fs.existsSync(deps) ? fs.readdirSync(deps).map((d) => path.join(deps, d)) : []);
const definition = loader.loadSync(path.join(protos, 'llmaos/v1/inference.proto'), {
  includeDirs, keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true,
});
const llmaos = grpc.loadPackageDefinition(definition).llmaos.v1;
const read = (variable) => (process.env[variable] ? fs.readFileSync(process.env[variable]) : null);
const [ca, cert, key] = [read('LLMAOS_TLS_CA'), read('LLMAOS_TLS_CERT'), read('LLMAOS_TLS_KEY')];
const credentials = ca || cert ? grpc.credentials.createSsl(ca, key, cert) : grpc.credentials.createInsecure();
const client = new llmaos.InferenceService(target, credentials);
const metadata = new grpc.Metadata();
if (process.env.LLMAOS_TOKEN) metadata.add('authorization', `Bearer ${process.env.LLMAOS_TOKEN}`);

function infer() {
  const features = Array.from({ length: 16 }, (_, i) => i / 16);
  const request = {
    model_name: 'mlp-classifier',
    inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 16], contents: { fp32_contents: features } }],
  };
  return new Promise((resolve, reject) => client.Infer(request, metadata, (err, response) => {
    if (err) return reject(err);
    resolve({
      call: 'infer',
      outputs: response.outputs.map((o) => ({
        name: o.name,
        shape: o.shape,
        fp32: o.contents.fp32_contents,
        strings: o.contents.bytes_contents.map((b) => b.toString('utf8')),
      })),
    });
  }));
}

function generate() {
  const request = { model_name: 'gpt-kjv', text: 'In the beginning', sampling: { max_new_tokens: 64 } };
  return new Promise((resolve, reject) => {
    let text = '';
    let messages = 0;
    let last = null;
    const call = client.Generate(request, metadata);
    call.on('data', (m) => {
      messages += 1;
      m.tokens.forEach((t) => { text += t.text; });
      last = m;
    });
    call.on('error', reject);
    call.on('end', () => resolve({ call: 'generate', text, messages, finish_reason: last && last.finish_reason }));
  });
}

(async () => {
  try {
    console.log(JSON.stringify(await infer()));
    console.log(JSON.stringify(await generate()));
    client.close();
  } catch (err) {
    console.error(`llmaos example: ${err.code !== undefined ? grpc.status[err.code] + ': ' : ''}${err.details || err.message}`);
    process.exit(1);
  }
})();
