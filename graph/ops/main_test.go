package ops

import (
	"os"
	"testing"

	"github.com/lenet/lenet/graph/kernels"
	"gorgonia.org/tensor"
)

// chooseKernels picks the BLAS the tests run on, as the lenet command does: the best
// for this CPU, or OpenBLAS under -tags openblas (openblas_test.go).
var chooseKernels = kernels.UseBest

func TestMain(m *testing.M) {
	chooseKernels()
	os.Exit(m.Run())
}

// setData copies float64 values into t whatever its dtype.
func setData(t *tensor.Dense, v []float64) {
	switch d := t.Data().(type) {
	case []float32:
		for i, x := range v {
			d[i] = float32(x)
		}
	case []float64:
		copy(d, v)
	}
}
