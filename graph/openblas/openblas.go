// Package openblas runs every matrix product of lenet (the graph package's convolutions
// and gorgonia's matmuls) on OpenBLAS through gonum's cgo binding instead of gonum's
// pure-Go BLAS: a program calls Use once at its start, in place of kernels.UseBest. The
// lenet command does when built with -tags openblas; it needs Debian's libopenblas-dev.
//
// OpenBLAS runs one thread unless OPENBLAS_NUM_THREADS says otherwise: lenet already
// keeps both cores busy with two machines, and two BLAS threads were slower here.
//
// It is a package of its own because a package that uses cgo cannot also hold Go
// assembly, which package kernels does.
package openblas

// #cgo LDFLAGS: -lopenblas
// void openblas_set_num_threads(int);
import "C"

import (
	"os"

	"github.com/lenet/lenet/graph/kernels"
	"gonum.org/v1/netlib/blas/netlib"
)

// Use makes OpenBLAS the BLAS of gorgonia, its tensor package and gonum (kernels.Use).
func Use() {
	if os.Getenv("OPENBLAS_NUM_THREADS") == "" {
		C.openblas_set_num_threads(1)
	}
	kernels.Use(netlib.Implementation{})
}
