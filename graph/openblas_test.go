//go:build openblas

package graph_test

// With -tags openblas the graph tests and benchmarks run on OpenBLAS, as the lenet
// command built with that tag does.
import _ "github.com/lenet/lenet/graph/openblas"
