// Package checkpoints saves and loads trained models.
//
// A checkpoint is a folder holding one NumPy .npy file per learnable tensor (named as in
// graph.Layout, e.g. c1_kernels.npy, f7_biases.npy) and manifest.json, which records the
// format version, the architecture, dtype, epoch, hyper-parameters (data set included),
// seed, metrics, the command that trained it and the SHA-256 of every file. Loading checks all of it and rebuilds exactly the trained
// model. Every checkpoint is written under a temporary name and renamed into place, so a
// crash at any moment leaves either the old checkpoint or the new one, never a mix.
//
// LoadDefault loads the model built into the binary (folder default/), which commands
// use when given no checkpoint.
package checkpoints
