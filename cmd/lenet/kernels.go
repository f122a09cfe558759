//go:build !openblas

package main

import "github.com/lenet/lenet/graph/kernels"

// lenet's matrix products run on the fastest BLAS of this build for the CPU.
func chooseKernels() { kernels.UseBest() }
