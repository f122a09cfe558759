package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func runCmd(args ...string) (string, error) {
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String() + errb.String(), err
}

// TestTrainThenTest trains briefly on real MNIST and checks that the model learned and
// that `test` on its checkpoint prints the figure training printed.
func TestTrainThenTest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	out, err := runCmd("train", "--epochs", "2", "--limit", "6000", "--batch", "32", "--lr", "0.003", "--out", dir)
	if err != nil {
		t.Fatalf("train: %v\n%s", err, out)
	}
	epochs := regexp.MustCompile(`epoch +(\d+)/2 .* test +([\d.]+)%`).FindAllStringSubmatch(out, -1)
	if len(epochs) != 2 {
		t.Fatalf("want 2 epoch lines, got:\n%s", out)
	}
	last := epochs[1][2]
	if acc, _ := strconv.ParseFloat(last, 64); acc < 80 {
		t.Fatalf("test accuracy %s%% after 2 short epochs; expected over 80%%\n%s", last, out)
	}
	out, err = runCmd("test", "--checkpoint", filepath.Join(dir, "latest"))
	if err != nil {
		t.Fatalf("test: %v", err)
	}
	if !strings.Contains(out, "test accuracy "+last+"%") || !strings.Contains(out, "first 5000") {
		t.Fatalf("test printed\n%s\nwant test accuracy %s%%", out, last)
	}
	if _, err := runCmd("train", "--epochs", "1", "--limit", "64", "--out", dir); err == nil || !strings.Contains(err.Error(), "already holds a training run") {
		t.Fatalf("training into a used run folder: %v", err)
	}
}

func TestFlagErrors(t *testing.T) {
	notDir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notDir, nil, 0o644)
	cases := []struct {
		args []string
		says string
	}{
		{[]string{"train", "--epochs", "0"}, "invalid --epochs 0 (expected 1 to 1000)"},
		{[]string{"train", "--batch", "-1"}, "invalid --batch -1 (expected 1 to 60000)"},
		{[]string{"train", "--lr", "0"}, "invalid --lr 0 (expected a value in (0, 1])"},
		{[]string{"train", "--beta2", "1"}, "invalid --beta2 1"},
		{[]string{"train", "--dtype", "int8"}, `invalid --dtype "int8" (expected float32 or float64)`},
		{[]string{"train", "--limit", "10", "--batch", "64"}, "invalid --limit 10: smaller than --batch 64"},
		{[]string{"train", "--epochs", "x"}, `invalid argument "x" for "--epochs"`},
		{[]string{"train", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"train", "--limit", "64", "--out", filepath.Join(notDir, "run")}, "create run folder"},
		{[]string{"train", "--data", t.TempDir(), "--out", t.TempDir()}, "data files not found"},
		{[]string{"test"}, "--checkpoint DIR is required"},
		{[]string{"test", "--checkpoint", "/nonexistent"}, "checkpoint /nonexistent"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{nil, "no command given"},
	}
	for _, c := range cases {
		out, err := runCmd(c.args...)
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%v: got %v, want an error containing %q\n%s", c.args, err, c.says, out)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, cmd := range []string{"train", "test"} {
		out, err := runCmd(cmd, "--help")
		if err != nil || !strings.Contains(out, "Usage: lenet "+cmd) || !strings.Contains(out, "--data") {
			t.Errorf("%s --help: %v\n%s", cmd, err, out)
		}
	}
}
