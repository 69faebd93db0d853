#!/usr/bin/env node
// Turns the MobileNetV2 of the nsfwjs npm package back into a TF.js model.json + weight shard.
// nsfwjs 4.x ships each file as a UMD module whose export is the file content: model.min.js exports the parsed
// model.json object, group1-shard1of1.min.js the shard as a base64 string.
// usage: node nsfwjs-decode.js NSFWJS_PACKAGE_DIR OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');

const [pkgDir, outDir] = process.argv.slice(2);
if (!pkgDir || !outDir) {
  console.error('usage: node nsfwjs-decode.js NSFWJS_PACKAGE_DIR OUT_DIR');
  process.exit(2);
}
const modelDir = path.resolve(pkgDir, 'dist/models/mobilenet_v2');
const model = require(path.join(modelDir, 'model.min.js'));
if (!model || !model.modelTopology || !model.weightsManifest) {
  throw new Error(`${modelDir}/model.min.js does not export a TF.js model.json object`);
}
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'model.json'), JSON.stringify(model));
for (const group of model.weightsManifest) {
  for (const shard of group.paths) {
    const base64 = require(path.join(modelDir, `${shard}.min.js`));
    if (typeof base64 !== 'string') throw new Error(`${shard}.min.js does not export a base64 string`);
    fs.writeFileSync(path.join(outDir, shard), Buffer.from(base64, 'base64'));
  }
}
console.log(`decoded nsfwjs MobileNetV2 into ${outDir}`);
