package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCommitteeCommand trains a committee of 2 with lenet train --committee, resumes
// nothing left, and runs it through the commands that take a model: test (with its
// calibration), predict, export to .npy (NumPy's averaged guesses equal Go's, and test
// --npy scores the export as the checkpoint) and ONNX.
func TestCommitteeCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "com")
	msg, err := runCmd("train", "--committee", "2", "--epochs", "2", "--limit", "3000", "--val", "1000", "--no-augment", "--out", out)
	if err != nil {
		t.Fatalf("train --committee 2: %v\n%s", err, msg)
	}
	for _, want := range []string{"run folder " + filepath.Join(out, "member-1"), "run folder " + filepath.Join(out, "member-2"), "(1000 held out for validation)", "val ", "committee of 2: test accuracy"} {
		if !strings.Contains(msg, want) {
			t.Errorf("train --committee output lacks %q:\n%s", want, msg)
		}
	}
	if msg, err := runCmd("train", "--resume", out); err == nil {
		t.Errorf("resuming a finished committee succeeded:\n%s", msg)
	}
	test, err := runCmd("test", "--checkpoint", out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"committee of 2", "negative log-likelihood", "expected calibration error", "most confident 99%"} {
		if !strings.Contains(test, want) {
			t.Errorf("test output lacks %q:\n%s", want, test)
		}
	}
	reported := regexp.MustCompile(`committee of 2: test accuracy ([\d.]+)%`).FindStringSubmatch(msg)
	if reported == nil || !strings.Contains(test, "accuracy "+reported[1]+"%") {
		t.Errorf("train says %v; test says\n%s", reported, test)
	}
	val, err := runCmd("test", "--split", "val", "--checkpoint", out)
	want := regexp.MustCompile(`committee of 2: test accuracy [\d.]+%, validation ([\d.]+)%`).FindStringSubmatch(msg)
	if err != nil || want == nil || !strings.Contains(val, "MNIST val: accuracy "+want[1]+"% (") || !strings.Contains(val, "/1000)") {
		t.Errorf("test --split val: %v (train said validation %v)\n%s", err, want, val)
	}
	run, _ := trainedModel(t) // trained without validation images
	if msg, err := runCmd("test", "--split", "val", "--checkpoint", run); err == nil || !strings.Contains(err.Error(), "records no validation images") {
		t.Errorf("test --split val on a model without validation images: %v\n%s", err, msg)
	}
	testExport(t, out)
	onnxPath := filepath.Join(t.TempDir(), "com.onnx")
	if msg, err := runCmd("export", "--checkpoint", out, "--format", "onnx", "--out", onnxPath); err != nil {
		t.Fatalf("export --format onnx: %v\n%s", err, msg)
	}
	if info, err := os.Stat(onnxPath); err != nil || info.Size() < 2*170000 {
		t.Errorf("the ONNX committee file: %v (expected both members' weights)", err)
	}
}
