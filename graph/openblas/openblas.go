// Package openblas, imported for its side effect, runs every matrix product of lenet
// (the graph package's convolutions and gorgonia's matmuls) on OpenBLAS through gonum's
// cgo binding instead of gonum's pure-Go BLAS. lenet imports it when built with
// -tags openblas; it needs Debian's libopenblas-dev.
//
// OpenBLAS runs one thread unless OPENBLAS_NUM_THREADS says otherwise: lenet already
// keeps both cores busy with two machines, and two BLAS threads were slower here.
//
// It is a package of its own because a package that uses cgo cannot also hold Go
// assembly, which package graph does.
package openblas

// #cgo LDFLAGS: -lopenblas
// void openblas_set_num_threads(int);
import "C"

import (
	"os"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

func init() {
	if os.Getenv("OPENBLAS_NUM_THREADS") == "" {
		C.openblas_set_num_threads(1)
	}
	blas32.Use(netlib.Implementation{})
	blas64.Use(netlib.Implementation{})
	tensor.Use(netlib.Implementation{})
	G.Use(netlib.Implementation{})
}
