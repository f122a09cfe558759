//go:build openblas

package main

// Built with -tags openblas, lenet's matrix products run on OpenBLAS.
import _ "github.com/lenet/lenet/graph/openblas"
