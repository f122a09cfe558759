// Package lenet is the root of lenet's module, which trains and runs LeNet-5 on MNIST;
// the command is cmd/lenet. It holds no code, only this map of the packages, in layers
// from the bottom up. A package imports only packages of the layers below its own
// (TestLayers holds every non-test file to it):
//
//  1. foundations: dataset (IDX files, the data sets, the image geometry),
//     graph/kernels (assembly GEMM, sigmoid, Adam, convolution tiles),
//     internal/atomicfile (files written whole or not at all), internal/bounds (range
//     checks that name the setting), internal/suggest (the command meant by a typo),
//     internal/buildinfo (the version and revision a binary was built from),
//     internal/ordered (jobs side by side, results in order), internal/knobs (the
//     preprocessing's and the reader's settings that internal/tune measures around)
//  2. parts: graph/ops (gorgonia ops and their gradients), graph/openblas (OpenBLAS as
//     the BLAS), augment (distortions, the batch stream), preprocess (pictures into
//     MNIST-like images), report (scores and confusion matrices), render (digits and guesses drawn for
//     people: terminal, PNG montage, words), internal/chart
//     (gonum/plot panels into a PNG)
//  3. the model: graph (LeNet-5 as a gorgonia graph, the Trainer, Adam, the Evaluator)
//  4. models on disk: checkpoints (checkpoint folders, .npy files, run folders, the
//     built-in model, loading a model for a command)
//  5. engines: train (training runs), onnx (a model as an ONNX file), reader (the digits
//     and numbers in photos and scans)
//  6. what uses the reader: serve (the drawing page's server), robust (the robustness
//     suite, photos and numbers included)
//  7. the command: cmd/lenet (flags, help and printing); the tools that measure it:
//     internal/tools/writenumbers (the suite's numbers as files), internal/tools/readload
//     (clients reading through lenet draw's API), internal/tools/writer (pictures by a
//     writer MNIST lacks, for train --from --images); internal/tune (the verifier's
//     training pieces and the gate's marks, and the choosing of reader.SureAt,
//     reader.GateAt, reader.DefaultCutting and the knobs on held-out images)
//  8. internal/tools/tune (internal/tune's command)
package lenet
