package graph

import (
	"os"
	"testing"

	"github.com/lenet/lenet/graph/kernels"
)

// chooseKernels picks the BLAS the tests run on, as the lenet command does: the best
// for this CPU, or OpenBLAS under -tags openblas (openblas_test.go).
var chooseKernels = kernels.UseBest

// ownBLAS says whether the tests run on lenet's own kernels (not -tags openblas).
var ownBLAS = true

func TestMain(m *testing.M) {
	chooseKernels()
	os.Exit(m.Run())
}
