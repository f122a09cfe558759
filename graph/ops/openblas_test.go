//go:build openblas

package ops

import "github.com/lenet/lenet/graph/openblas"

// With -tags openblas the ops tests and benchmarks run on OpenBLAS, as the lenet
// command built with that tag does.
func init() { chooseKernels = openblas.Use }
