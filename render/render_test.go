package render

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lenet/lenet/dataset"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestTerminalGolden renders a ring with soft edges: every shading character appears.
func TestTerminalGolden(t *testing.T) {
	px := make([]float32, dataset.Pixels)
	for y := 0; y < 28; y++ {
		for x := 0; x < 28; x++ {
			d := math.Abs(math.Hypot(float64(x)-13.5, (float64(y)-13.5)*0.8) - 8)
			px[y*28+x] = float32(max(0, 1-d/3))
		}
	}
	got := Terminal(px)
	golden := filepath.Join("testdata", "ring.golden")
	if *update {
		os.WriteFile(golden, []byte(got), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Fatalf("rendering changed:\n%s\nwant:\n%s", got, want)
	}
	for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
		if n := len([]rune(line)); n != 30 {
			t.Fatalf("line %q is %d columns, want 30", line, n)
		}
	}
}
