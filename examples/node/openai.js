// Calls LLMA OS through its OpenAI-compatible API with the official openai package: the models, a
// completion, a chat (whole and streamed), two prompts with two choices each, embeddings, two errors, and a
// stream abandoned midway.
// Usage: node openai.js [base URL]   (default: $LLMAOS_OPENAI_URL or http://127.0.0.1:8000/v1)
// A secured server: LLMAOS_TOKEN is the API key (the bearer token of --auth-tokens).
// Prints one JSON line per call, {"call": ...}.
'use strict';
const OpenAI = require('openai');

const baseURL = process.argv[2] || process.env.LLMAOS_OPENAI_URL || 'http://127.0.0.1:8000/v1';
const client = new OpenAI({ baseURL, apiKey: process.env.LLMAOS_TOKEN || 'none', maxRetries: 0 });
const out = (line) => console.log(JSON.stringify(line));
const GPT = 'gpt-kjv';
const EMBEDDER = 'all-MiniLM-L6-v2';

async function failure(call, request) {
  try {
    await request();
    out({ call, status: 200 });
  } catch (e) {
    out({ call, status: e.status, type: e.type, code: e.code, param: e.param, message: e.message });
  }
}

async function main() {
  const models = await client.models.list();
  out({ call: 'models', ids: models.data.map((m) => m.id) });

  const completion = await client.completions.create({
    model: GPT, prompt: 'In the beginning', max_tokens: 24, temperature: 0, seed: 7,
  });
  out({
    call: 'completion', text: completion.choices[0].text,
    finish_reason: completion.choices[0].finish_reason, usage: completion.usage,
  });

  const messages = [{ role: 'user', content: 'And God said' }];
  const chat = await client.chat.completions.create({ model: GPT, messages, max_tokens: 24, temperature: 0 });
  out({
    call: 'chat', role: chat.choices[0].message.role, content: chat.choices[0].message.content,
    finish_reason: chat.choices[0].finish_reason, usage: chat.usage,
  });

  const stream = await client.chat.completions.create({
    model: GPT, messages, max_tokens: 24, temperature: 0, stream: true, stream_options: { include_usage: true },
  });
  const streamed = { call: 'chat_stream', content: '', chunks: 0, role: null, finish_reason: null, usage: null };
  for await (const chunk of stream) {
    streamed.chunks += 1;
    if (chunk.usage) streamed.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    if (choice.delta.role) streamed.role = choice.delta.role;
    if (choice.delta.content) streamed.content += choice.delta.content;
    if (choice.finish_reason) streamed.finish_reason = choice.finish_reason;
  }
  out(streamed);

  const texts = ['In the beginning God created the heaven and the earth.', 'The LORD is my shepherd.'];
  // the package asks for base64 and decodes it unless a format is given: both ways are used here
  const embedded = await client.embeddings.create({ model: EMBEDDER, input: texts });
  const asFloats = await client.embeddings.create({ model: EMBEDDER, input: texts, encoding_format: 'float' });
  out({
    call: 'embeddings', texts, usage: embedded.usage, vectors: embedded.data.map((d) => Array.from(d.embedding)),
    float_vectors: asFloats.data.map((d) => d.embedding),
  });

  // two prompts, two choices each: four sequences batched together, choice j sampled with seed 3 + j
  const choices = await client.completions.create({
    model: GPT, prompt: ['In the beginning', 'And God said'], n: 2, max_tokens: 8, temperature: 0.8, seed: 3,
  });
  out({
    call: 'choices', indexes: choices.choices.map((c) => c.index), texts: choices.choices.map((c) => c.text),
    usage: choices.usage,
  });

  await failure('error_unknown_model', () => client.completions.create({ model: 'no-such-model', prompt: 'x' }));
  await failure('error_n', () => client.chat.completions.create({ model: GPT, messages, n: 200 }));

  // a stream abandoned after three chunks: the server cancels the sequence
  const controller = new AbortController();
  const long = await client.chat.completions.create(
    { model: GPT, messages, max_tokens: 400, temperature: 0.8, seed: 1, stream: true },
    { signal: controller.signal },
  );
  let chunks = 0;
  try {
    for await (const chunk of long) {
      chunks += chunk ? 1 : 0;
      if (chunks === 3) {
        controller.abort(); // the connection closes; the loop takes no more chunks
        break;
      }
    }
  } catch (e) {
    if (!(e instanceof OpenAI.APIUserAbortError) && e.name !== 'AbortError') throw e;
  }
  out({ call: 'abandoned', chunks });
}

main().catch((e) => {
  console.error(e.status ? `${e.status} ${e.message}` : e.stack || String(e));
  process.exit(1);
});
