package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/graph"
)

// TestVariantTrainsAndExports trains the modern variant (ReLU, max pooling) briefly:
// it must learn, record its architecture in the manifest, keep it when resumed, print
// it, and export to NumPy with the same guesses (numpy_forward.py reads arch.json).
func TestVariantTrainsAndExports(t *testing.T) {
	run := filepath.Join(t.TempDir(), "relu")
	var out bytes.Buffer
	args := []string{"--activation", "relu", "--pool", "max", "--epochs", "2", "--limit", "3200", "--out", run}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := func(epoch, batch int) { // interrupt in the second epoch, then resume
		if epoch == 2 && batch == 5 {
			cancel()
		}
	}
	err := trainCommand(ctx, args, &out, &out, stop)
	if err == nil || !strings.Contains(out.String(), "LeNet-5 (relu, max pool)") {
		t.Fatalf("interrupted run: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := trainCommand(context.Background(), []string{"--resume", run}, &out, &out, nil); err != nil {
		t.Fatalf("resume: %v\n%s", err, out.String())
	}
	m := regexp.MustCompile(`epoch +2/2 .* test +([\d.]+)%`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no epoch 2 line:\n%s", out.String())
	}
	if acc, _ := strconv.ParseFloat(m[1], 64); acc < 85 {
		t.Fatalf("ReLU/max reached %s%% on 3,200 images; expected over 85%%", m[1])
	}
	p, man, err := checkpoints.Load(filepath.Join(run, checkpoints.LatestLink))
	if err != nil {
		t.Fatal(err)
	}
	want := graph.Arch{Activation: "relu", Pool: "max", Classes: 10}
	if man.Arch != want || p.Arch != want {
		t.Fatalf("manifest arch %+v, params arch %+v; want %+v", man.Arch, p.Arch, want)
	}
	testExport(t, filepath.Join(run, checkpoints.LatestLink))
}
