// Package train runs LeNet-5 training runs: the engine behind `lenet train`, as a
// library. A Recipe says what a run computes (model, data set, epochs, batch, Adam and
// its schedule, seed, distortions): the same recipe gives the same weights bit for bit.
// New starts a run in a run folder; Train runs its epochs, streaming distorted batches
// (package augment) into the Trainer (package graph), evaluating on the test images and
// saving a checkpoint (package checkpoints) and metrics.csv after each; a cancelled
// context stops it at the next batch with a checkpoint there, and Resume continues it
// exactly. An Observer sees the progress; nothing here prints.
package train
