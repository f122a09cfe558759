//go:build openblas

package graph

import "github.com/lenet/lenet/graph/openblas"

// With -tags openblas the graph tests and benchmarks run on OpenBLAS, as the lenet
// command built with that tag does.
func init() { chooseKernels, ownBLAS = openblas.Use, false }
