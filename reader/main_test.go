package reader

import (
	"os"
	"testing"

	"github.com/lenet/lenet/graph/kernels"
)

func TestMain(m *testing.M) {
	kernels.UseBest() // the fused evaluation the command runs
	os.Exit(m.Run())
}
