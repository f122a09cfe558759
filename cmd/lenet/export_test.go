package main

import (
	"bytes"
	"fmt"
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
	m, err := checkpoints.Open(checkpoints.Source{Npy: npyDir}) // one network or a committee
	if err != nil {
		t.Fatal(err)
	}
	set, _ := dataset.Load(mnist, "test")
	ev, _ := m.Evaluator(graph.DefaultEvalBatch)
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

// TestExportBuiltIn: without --checkpoint, export writes the built-in model (a committee),
// the model test, view, predict and draw use: as a checkpoint, the same files byte for
// byte; as .npy files, a folder a member.
func TestExportBuiltIn(t *testing.T) {
	mod, err := checkpoints.LoadDefault()
	if err != nil || len(mod.Members) < 2 {
		t.Fatalf("the built-in model: %v, %d members (want a committee)", err, len(mod.Members))
	}
	out := filepath.Join(t.TempDir(), "builtin")
	if msg, err := runCmd("export", "--out", out, "--format", "checkpoint"); err != nil || !strings.Contains(msg, "from built-in") {
		t.Fatalf("export --format checkpoint: %v\n%s", err, msg)
	}
	builtin := filepath.Join("..", "..", "checkpoints", "default")
	files := []string{checkpoints.ManifestName}
	for k := 1; k <= len(mod.Members); k++ {
		files = append(files, filepath.Join(fmt.Sprintf("member-%d", k), checkpoints.ManifestName))
		for _, l := range graph.SeedArch.Layout() {
			files = append(files, filepath.Join(fmt.Sprintf("member-%d", k), l.Name+".npy"))
		}
	}
	for _, f := range files {
		a, err1 := os.ReadFile(filepath.Join(out, f))
		b, err2 := os.ReadFile(filepath.Join(builtin, f))
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Fatalf("%s: the export differs from the built-in model (%v, %v)", f, err1, err2)
		}
	}
	npy := filepath.Join(t.TempDir(), "npy")
	if msg, err := runCmd("export", "--out", npy); err != nil || !strings.Contains(msg, "10 .npy files a network (float32) from built-in") {
		t.Fatalf("export: %v\n%s", err, msg)
	}
	for k := 1; k <= len(mod.Members); k++ {
		if _, err := checkpoints.LoadNpy(filepath.Join(npy, fmt.Sprintf("member-%d", k))); err != nil {
			t.Errorf("member %d's .npy files: %v", k, err)
		}
	}
}

// TestExportONNX: --format onnx writes one file (package onnx runs it in ONNX Runtime)
// and never overwrites one.
func TestExportONNX(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lenet.onnx")
	msg, err := runCmd("export", "--format", "onnx", "--out", path)
	if err != nil || !strings.Contains(msg, "ONNX opset 13, input image [N,1,28,28], output probabilities [N,10] from built-in") {
		t.Fatalf("export --format onnx: %v\n%s", err, msg)
	}
	before, err := os.ReadFile(path)
	if err != nil || len(before) < 150_000 {
		t.Fatalf("%s: %d bytes, %v; want the model's 60,000 weights", path, len(before), err)
	}
	if msg, err := runCmd("export", "--format", "onnx", "--out", path); err == nil || !strings.Contains(msg+err.Error(), "exists") {
		t.Errorf("export over an existing file: %v\n%s", err, msg)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the existing file was changed")
	}
}
