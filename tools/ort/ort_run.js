#!/usr/bin/env node
// Runs an ONNX model with ONNX Runtime's CPU provider (onnxruntime-node, installed in
// tools/ort/node_modules by scripts/install_deps.sh) as the reference for exir's
// end-to-end tests and benchmarks. Session options: graphOptimizationLevel 'all' (--opt:
// disabled|basic|extended|all; 'disabled' runs QDQ graphs op by op in float, the ONNX semantics),
// executionMode 'sequential', interOpNumThreads 1, intraOpNumThreads from --threads.
//
// Usage:
//   node ort_run.js --check
//       prints the onnxruntime-node version; exit 0 when it loads.
//   node ort_run.js MODEL.onnx --inputs DIR [--out DIR] [--threads N] [--opt LEVEL] [--dump-optimized FILE]
//       feeds DIR/input_<i>.pb (serialized onnx.TensorProto, i = 0.. in the order of
//       session.inputNames, i.e. graph inputs without initializers; a file whose name field
//       matches an input name is fed to that input instead) and writes each output as
//       OUT/output_<j>.pb (TensorProto: dims, data_type, name, raw_data little-endian) in
//       session.outputNames order.
//   node ort_run.js MODEL.onnx --inputs DIR --bench N [--warmup W] [--threads N]
//       prints one JSON object on stdout (keys stable; times in ms, memory in bytes):
//         schema            "ember-ort-bench/1"
//         model             the model path as given
//         ort_version       onnxruntime-node version
//         threads           intraOpNumThreads
//         opt               graphOptimizationLevel
//         runs, warmup      timed runs (N) and untimed runs after the first (W, default 10)
//         session_create_ms InferenceSession.create wall time (the process's first session, so it
//                           includes ORT's one-time environment setup)
//         first_run_ms      first session.run (includes lazy initialisation)
//         median_ms, p10_ms, p90_ms, min_ms, mean_ms   over the N timed runs
//         rss_before_bytes        process.memoryUsage().rss before creating the session
//         rss_after_create_bytes  ... after creating it
//         rss_after_run_bytes     ... after the first run
//         rss_end_bytes           ... after all runs
// Percentiles are nearest-rank over the sorted times (p10 = sorted[floor(0.1 * (N - 1))]).
'use strict';

const fs = require('fs');
const path = require('path');

// onnx.TensorProto.DataType -> ort.Tensor type, typed array constructor.
const DTYPES = {
  1: ['float32', Float32Array],
  2: ['uint8', Uint8Array],
  3: ['int8', Int8Array],
  4: ['uint16', Uint16Array],
  5: ['int16', Int16Array],
  6: ['int32', Int32Array],
  7: ['int64', BigInt64Array],
  9: ['bool', Uint8Array],
  11: ['float64', Float64Array],
  12: ['uint32', Uint32Array],
  13: ['uint64', BigUint64Array],
};
const ONNX_TYPE = Object.fromEntries(Object.entries(DTYPES).map(([k, v]) => [v[0], Number(k)]));

function fail(msg) {
  process.stderr.write(`ort_run.js: ${msg}\n`);
  process.exit(2);
}

// Minimal protobuf wire-format reader: just what TensorProto needs.
class Reader {
  constructor(buf, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }
  done() { return this.pos >= this.end; }
  varint() {  // as BigInt (int64 fields may need all 64 bits)
    let v = 0n, shift = 0n;
    for (;;) {
      if (this.pos >= this.end) fail('truncated varint');
      const b = this.buf[this.pos++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
      if (shift > 63n) fail('varint too long');
    }
  }
  bytes() {
    const n = Number(this.varint());
    if (this.pos + n > this.end) fail('truncated length-delimited field');
    const s = this.pos;
    this.pos += n;
    return [s, this.pos];
  }
  skip(wire) {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else fail(`unsupported wire type ${wire}`);
  }
}

// Repeated scalar field, packed (wire 2) or not: calls each(reader) per element.
function repeated(r, wire, each) {
  if (wire !== 2) return each(r);
  const [s, e] = r.bytes();
  const sub = new Reader(r.buf, s, e);
  while (!sub.done()) each(sub);
  return undefined;
}

function parseTensorProto(buf) {
  const r = new Reader(buf);
  const t = { dims: [], dataType: 0, name: '', raw: null, floats: [], ints: [], int64s: [], doubles: [], uint64s: [] };
  while (!r.done()) {
    const key = Number(r.varint());
    const field = key >>> 3, wire = key & 7;
    switch (field) {
      case 1: repeated(r, wire, (x) => t.dims.push(Number(BigInt.asIntN(64, x.varint())))); break;
      case 2: t.dataType = Number(r.varint()); break;
      case 4: repeated(r, wire, (x) => { t.floats.push(x.buf.readFloatLE(x.pos)); x.pos += 4; }); break;
      case 5: repeated(r, wire, (x) => t.ints.push(Number(BigInt.asIntN(32, x.varint())))); break;
      case 7: repeated(r, wire, (x) => t.int64s.push(BigInt.asIntN(64, x.varint()))); break;
      case 8: { const [s, e] = r.bytes(); t.name = buf.toString('utf8', s, e); break; }
      case 9: { const [s, e] = r.bytes(); t.raw = buf.subarray(s, e); break; }
      case 10: repeated(r, wire, (x) => { t.doubles.push(x.buf.readDoubleLE(x.pos)); x.pos += 8; }); break;
      case 11: repeated(r, wire, (x) => t.uint64s.push(BigInt.asUintN(64, x.varint()))); break;
      case 12: if (Number(r.varint()) !== 0) fail('external tensor data is not supported'); break;
      default: r.skip(wire);
    }
  }
  return t;
}

function tensorFromProto(ort, t, file) {
  const entry = DTYPES[t.dataType];
  if (!entry) fail(`${file}: TensorProto data_type ${t.dataType} is not supported`);
  const [type, Ctor] = entry;
  const numel = t.dims.reduce((a, b) => a * b, 1);
  let data;
  if (t.raw) {
    if (t.raw.length !== numel * Ctor.BYTES_PER_ELEMENT) fail(`${file}: raw_data size does not match dims`);
    data = new Ctor(numel);  // a fresh, aligned copy (raw_data is little-endian, as is x86/arm)
    new Uint8Array(data.buffer).set(t.raw);
  } else {
    const typed = { 1: t.floats, 11: t.doubles, 7: t.int64s, 13: t.uint64s, 12: t.uint64s.map(Number) }[t.dataType] || t.ints;
    if (typed.length !== numel) fail(`${file}: ${typed.length} typed values for ${numel} elements`);
    data = Ctor.from(typed);
  }
  return new ort.Tensor(type, type === 'bool' ? Uint8Array.from(data, (v) => (v ? 1 : 0)) : data, t.dims);
}

function varintBytes(v) {
  let x = BigInt.asUintN(64, BigInt(v));
  const out = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x) b |= 0x80;
    out.push(b);
  } while (x);
  return Buffer.from(out);
}

function lengthDelimited(field, bytes) {
  return Buffer.concat([varintBytes((field << 3) | 2), varintBytes(bytes.length), bytes]);
}

function tensorProtoBytes(name, tensor) {
  const dataType = ONNX_TYPE[tensor.type];
  if (!dataType) fail(`output '${name}' has unsupported type ${tensor.type}`);
  const data = tensor.data;
  const parts = tensor.dims.map((d) => Buffer.concat([varintBytes(1 << 3), varintBytes(d)]));
  parts.push(varintBytes(2 << 3), varintBytes(dataType));
  parts.push(lengthDelimited(8, Buffer.from(name, 'utf8')));
  parts.push(lengthDelimited(9, Buffer.from(data.buffer, data.byteOffset, data.byteLength)));
  return Buffer.concat(parts);
}

function parseArgs(argv) {
  const a = { model: null, inputs: null, out: null, threads: 1, bench: 0, warmup: 10, opt: 'all', dump: null, check: false };
  const value = (i) => {
    if (i + 1 >= argv.length) fail(`${argv[i]} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; ++i) {
    const k = argv[i];
    if (k === '--check') a.check = true;
    else if (k === '--inputs') a.inputs = value(i++);
    else if (k === '--out') a.out = value(i++);
    else if (k === '--threads') a.threads = Number(value(i++));
    else if (k === '--bench') a.bench = Number(value(i++));
    else if (k === '--warmup') a.warmup = Number(value(i++));
    else if (k === '--dump-optimized') a.dump = value(i++);
    else if (k === '--opt') a.opt = value(i++);
    else if (k.startsWith('--')) fail(`unknown option ${k}`);
    else if (a.model === null) a.model = k;
    else fail(`unexpected argument ${k}`);
  }
  if (!['disabled', 'basic', 'extended', 'all'].includes(a.opt)) fail('--opt must be disabled, basic, extended or all');
  for (const [k, v] of [['--threads', a.threads], ['--bench', a.bench], ['--warmup', a.warmup]]) {
    if (!Number.isInteger(v) || v < 0) fail(`${k} must be a non-negative integer`);
  }
  return a;
}

function loadInputs(ort, session, dir) {
  const feeds = {};
  const names = session.inputNames;
  for (let i = 0; i < names.length; ++i) {
    const file = path.join(dir, `input_${i}.pb`);
    if (!fs.existsSync(file)) fail(`${file} is missing (model has ${names.length} inputs)`);
    const t = parseTensorProto(fs.readFileSync(file));
    const target = names.includes(t.name) ? t.name : names[i];
    if (feeds[target]) fail(`${file}: input '${target}' fed twice`);
    feeds[target] = tensorFromProto(ort, t, file);
  }
  return feeds;
}

function percentile(sorted, p) {
  return sorted[Math.floor(p * (sorted.length - 1))];
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let ort;
  try {
    ort = require('onnxruntime-node');
  } catch (e) {
    fail(`onnxruntime-node is not installed (scripts/install_deps.sh installs it in tools/ort): ${e.message}`);
  }
  const version = require('onnxruntime-node/package.json').version;
  if (args.check) {
    process.stdout.write(`onnxruntime-node ${version}\n`);
    return;
  }
  if (!args.model || !args.inputs) fail('usage: ort_run.js MODEL.onnx --inputs DIR [--out DIR | --bench N]');
  const options = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: args.opt,
    executionMode: 'sequential',
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
  };
  if (args.dump) options.optimizedModelFilePath = args.dump;

  const rssBefore = process.memoryUsage().rss;
  let t0 = process.hrtime.bigint();
  const session = await ort.InferenceSession.create(args.model, options);
  const createMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const rssAfterCreate = process.memoryUsage().rss;
  const feeds = loadInputs(ort, session, args.inputs);

  t0 = process.hrtime.bigint();
  const results = await session.run(feeds);
  const firstMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const rssAfterRun = process.memoryUsage().rss;

  if (args.out) {
    fs.mkdirSync(args.out, { recursive: true });
    session.outputNames.forEach((name, j) => {
      fs.writeFileSync(path.join(args.out, `output_${j}.pb`), tensorProtoBytes(name, results[name]));
    });
  }
  if (args.bench > 0) {
    for (let i = 0; i < args.warmup; ++i) await session.run(feeds);
    const times = [];
    for (let i = 0; i < args.bench; ++i) {
      t0 = process.hrtime.bigint();
      await session.run(feeds);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const report = {
      schema: 'ember-ort-bench/1',
      model: args.model,
      ort_version: version,
      threads: args.threads,
      opt: args.opt,
      runs: args.bench,
      warmup: args.warmup,
      session_create_ms: createMs,
      first_run_ms: firstMs,
      median_ms: percentile(sorted, 0.5),
      p10_ms: percentile(sorted, 0.1),
      p90_ms: percentile(sorted, 0.9),
      min_ms: sorted[0],
      mean_ms: times.reduce((a, b) => a + b, 0) / times.length,
      rss_before_bytes: rssBefore,
      rss_after_create_bytes: rssAfterCreate,
      rss_after_run_bytes: rssAfterRun,
      rss_end_bytes: process.memoryUsage().rss,
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  }
  await session.release();
}

main().catch((e) => fail(e && e.message ? e.message : String(e)));
