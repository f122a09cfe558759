package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
)

// testExport exports ckpt, checks that `test --npy` scores it as `test --checkpoint`
// does, and that the NumPy script's predictions on 1,000 test images equal Go's.
func testExport(t *testing.T, ckpt string) {
	t.Helper()
	npyDir := filepath.Join(t.TempDir(), "npy")
	if out, err := runCmd("export", "--checkpoint", ckpt, "--out", npyDir, "--dtype", "float64"); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	accuracy := regexp.MustCompile(`MNIST test: accuracy ([\d.]+%)`)
	a, err1 := runCmd("test", "--checkpoint", ckpt)
	b, err2 := runCmd("test", "--npy", npyDir)
	if err1 != nil || err2 != nil || accuracy.FindString(a) == "" || accuracy.FindString(a) != accuracy.FindString(b) {
		t.Fatalf("checkpoint and its export score differently:\n%s\n%s", a, b)
	}
	if _, err := runCmd("export", "--checkpoint", ckpt, "--out", npyDir); err == nil {
		t.Fatal("export over an existing folder succeeded")
	}

	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import numpy").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs python3-numpy (apt-get install python3-numpy): %v", err)
		}
		t.Skipf("NumPy comparison skipped: %s cannot import numpy (apt-get install python3-numpy)", python)
	}
	mnist, _ := dataset.DefaultDir()
	predFile := filepath.Join(t.TempDir(), "pred.txt")
	out, err := exec.Command(python, "../../checkpoints/numpy_forward.py", npyDir, mnist, "--count", "1000", "--predictions", predFile).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy_forward.py: %v\n%s", err, out)
	}
	data, err := os.ReadFile(predFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(string(data))
	p, err := checkpoints.LoadNpy(npyDir)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := dataset.Load(mnist, "test")
	ev, _ := graph.NewEvaluator(p, graph.DefaultEvalBatch)
	defer ev.Close()
	goPred, err := ev.Predict(dataset.Floats(set.Limit(1000)))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1000 {
		t.Fatalf("NumPy made %d predictions, want 1000", len(lines))
	}
	for i, l := range lines {
		if n, _ := strconv.Atoi(l); n != goPred[i] {
			t.Fatalf("image %d: NumPy guesses %s, Go %d", i, l, goPred[i])
		}
	}
}
