//go:build openblas

package main

import "github.com/lenet/lenet/graph/openblas"

// Built with -tags openblas, lenet's matrix products run on OpenBLAS.
func chooseKernels() { openblas.Use() }
