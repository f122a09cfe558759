package checkpoints

import (
	"os"
	"testing"

	"github.com/lenet/lenet/graph/kernels"
)

// TestMain runs the tests on the kernels the lenet command runs (kernels.UseBest): the
// fastest matrix products for this CPU and, where exact, the fused evaluation.
func TestMain(m *testing.M) {
	kernels.UseBest()
	os.Exit(m.Run())
}
