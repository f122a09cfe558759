//go:build openblas

package graph

// Built with -tags openblas, every matrix product (the custom conv ops' and gorgonia's
// matmuls) runs on OpenBLAS through gonum's cgo binding instead of gonum's pure-Go BLAS.
// It needs Debian's libopenblas-dev. OpenBLAS runs one thread unless
// OPENBLAS_NUM_THREADS says otherwise: lenet already keeps both cores busy with two
// machines, and two BLAS threads were slower here.

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

// BLAS names the BLAS the matrix products run on.
const BLAS = "OpenBLAS"

func init() {
	if os.Getenv("OPENBLAS_NUM_THREADS") == "" {
		C.openblas_set_num_threads(1)
	}
	blas32.Use(netlib.Implementation{})
	blas64.Use(netlib.Implementation{})
	tensor.Use(netlib.Implementation{})
	G.Use(netlib.Implementation{})
}
