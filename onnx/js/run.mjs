// Runs a model lenet exported (lenet export --format onnx) in ONNX Runtime:
//   node run.mjs MODEL.onnx IMAGES.f32 OUT.f32
// IMAGES.f32 holds n MNIST-like images as raw little-endian float32 (n x 784, ink 1 on 0);
// OUT.f32 gets their probabilities (n x 10), and the input and output names are printed.
// The onnx package's tests run it; docs/onnx.md shows its middle lines.
import { readFileSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

const [modelPath, imagesPath, outPath] = process.argv.slice(2);
const bytes = readFileSync(imagesPath);
const pixels = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
const n = pixels.length / 784;

const session = await ort.InferenceSession.create(modelPath);
const image = new ort.Tensor('float32', pixels, [n, 1, 28, 28]);
const { probabilities } = await session.run({ image }); // float32 [n, 10]
const guess = probabilities.data.indexOf(Math.max(...probabilities.data.slice(0, 10)));

writeFileSync(outPath, new Uint8Array(probabilities.data.buffer, probabilities.data.byteOffset, probabilities.data.byteLength));
console.log(JSON.stringify({ inputs: session.inputNames, outputs: session.outputNames, dims: probabilities.dims, first: guess }));
