#!/usr/bin/env node
// Golden outputs for explain4j's TF.js import, computed by an independent implementation: the original TF.js
// models run by pure-JS TensorFlow.js (@tensorflow/tfjs, CPU backend) on input tensors written by the Java side
// (TfjsImportMain inputs), so both sides see bit-identical inputs.
//
// usage: node tfjs-golden.js EMOTION_JSON MOBILENET_JSON INPUTS_DIR OUT_DIR
//   EMOTION_JSON    @vladmandic/human package/models/emotion.json (emotion.bin next to it)
//   MOBILENET_JSON  nsfwjs MobileNetV2 model.json decoded by nsfwjs-decode.js (shard next to it)
//   INPUTS_DIR      inputs.json + *.f32 (NHWC float32 little-endian)
//   OUT_DIR         receives emotion.json and mobilenet_v2.json
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

const [emotionJson, mobilenetJson, inputsDir, outDir] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: node tfjs-golden.js EMOTION_JSON MOBILENET_JSON INPUTS_DIR OUT_DIR');
  process.exit(2);
}

// Builds TF.js model artifacts from a model.json and its shards on disk (no fetch, no file:// handler).
function artifacts(modelJsonPath) {
  const json = JSON.parse(fs.readFileSync(modelJsonPath, 'utf8'));
  const dir = path.dirname(modelJsonPath);
  const specs = [];
  const buffers = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return {
    json,
    handler: tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: specs,
      weightData,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      userDefinedMetadata: json.userDefinedMetadata,
    }),
  };
}

function readInput(c) {
  const buf = fs.readFileSync(path.join(inputsDir, c.file));
  const hash = require('crypto').createHash('sha256').update(buf).digest('hex');
  if (hash !== c.sha256) throw new Error(`${c.file}: sha256 ${hash} differs from inputs.json`);
  const values = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return tf.tensor(values, c.shape_nhwc, 'float32');
}

const list = (t) => Array.from(t.dataSync());

async function main() {
  await tf.setBackend('cpu');
  await tf.ready();
  const cases = JSON.parse(fs.readFileSync(path.join(inputsDir, 'inputs.json'), 'utf8'));
  const runtime = `@tensorflow/tfjs ${tf.version.tfjs} (backend ${tf.getBackend()}), node ${process.version}`;
  fs.mkdirSync(outDir, { recursive: true });

  // Emotion: a graph model. Besides the softmax, record the logits (the global average before the softmax).
  {
    const { handler } = artifacts(emotionJson);
    const model = await tf.loadGraphModel(handler);
    const logitsNode = 'StatefulPartitionedCall/model_1/global_average_pooling2d_1/Mean';
    const outNode = 'Identity';
    const results = [];
    for (const c of cases.filter((c) => c.model === 'emotion')) {
      const x = readInput(c);
      const [logits, probs] = model.execute(x, [logitsNode, outNode]);
      results.push({
        name: c.name, image: c.image, crop_xywh: c.crop_xywh, input_shape_nhwc: c.shape_nhwc,
        input_sha256: c.sha256,
        output: list(probs),
        intermediates: { global_average_pooling2d_1: list(logits) },
      });
      tf.dispose([x, logits, probs]);
    }
    write('emotion.json', {
      model: 'emotion',
      source: '@vladmandic/human@3.3.6 package/models/emotion.json + emotion.bin (TF.js graph model)',
      labels: ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'],
      runtime, cases: results,
    });
  }

  // MobileNetV2: a layers model. Also record the pooled features (average_pooling2d_1, 1280 values) and the
  // second dense layer, which a saturated softmax would not show.
  {
    const { handler } = artifacts(mobilenetJson);
    const model = await tf.loadLayersModel(handler);
    const probes = ['average_pooling2d_1', 'dense_2'];
    const probe = tf.model({ inputs: model.inputs, outputs: probes.map((n) => model.getLayer(n).output) });
    const results = [];
    for (const c of cases.filter((c) => c.model === 'mobilenet_v2')) {
      const x = readInput(c);
      const probs = model.predict(x);
      const inner = probe.predict(x);
      const intermediates = {};
      probes.forEach((n, i) => { intermediates[n] = list(inner[i]); });
      results.push({
        name: c.name, image: c.image, input_shape_nhwc: c.shape_nhwc, input_sha256: c.sha256,
        output: list(probs), intermediates,
      });
      tf.dispose([x, probs, ...inner]);
    }
    write('mobilenet_v2.json', {
      model: 'mobilenet_v2',
      source: 'nsfwjs@4.3.0 dist/models/mobilenet_v2 (TF.js layers model, uint8-quantised weights)',
      labels: ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'],
      runtime, cases: results,
    });
  }
}

function write(file, obj) {
  fs.writeFileSync(path.join(outDir, file), JSON.stringify(obj, null, 1) + '\n');
  console.log(`wrote ${path.join(outDir, file)}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
