package main

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lenet/lenet/checkpoints"
)

// TestMain lets the kill test run this test binary as the lenet command, and removes
// the model that trainedModel shares between tests.
func TestMain(m *testing.M) {
	if os.Getenv("LENET_TEST_AS_COMMAND") == "1" {
		os.Exit(mainCode())
	}
	code := m.Run()
	if sharedRun != "" {
		os.RemoveAll(filepath.Dir(sharedRun))
	}
	os.Exit(code)
}

var (
	sharedOnce sync.Once
	sharedRun  string // run folder of the model trainedModel made
	sharedOut  string // what its training printed
	sharedErr  error
)

// trainedModel trains, once per test binary, a model on 6,000 real MNIST images for 2
// short epochs (about 95% accurate) and returns its run folder and training output.
func trainedModel(t *testing.T) (string, string) {
	t.Helper()
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lenet-test-")
		if err != nil {
			sharedErr = err
			return
		}
		sharedRun = filepath.Join(dir, "run")
		var out bytes.Buffer
		sharedErr = trainCommand(context.Background(), []string{"--epochs", "2", "--limit", "6000", "--batch", "32", "--lr", "0.003", "--lr-schedule", "constant", "--out", sharedRun}, &out, &out, nil)
		sharedOut = out.String()
	})
	if sharedErr != nil {
		t.Fatalf("train: %v\n%s", sharedErr, sharedOut)
	}
	return sharedRun, sharedOut
}

var shortRun = []string{"--limit", "320", "--batch", "32", "--epochs", "3", "--lr", "0.003", "--lr-schedule", "cosine", "--lr-min", "0.0001", "--workers", "3"}

// TestInterruptThenResumeIsExact stops a run mid-epoch as Ctrl-C would, resumes it, and
// requires the final weights, Adam state and metrics to equal an uninterrupted run's.
func TestInterruptThenResumeIsExact(t *testing.T) {
	whole, parts := filepath.Join(t.TempDir(), "whole"), filepath.Join(t.TempDir(), "parts")
	var out bytes.Buffer
	if err := trainCommand(context.Background(), append(shortRun, "--out", whole), &out, &out, nil); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out.String())
	}
	for _, stopAt := range [][2]int{{1, 4}, {2, 10}, {3, 7}} { // mid-epoch, an epoch's end, the last epoch
		ctx, cancel := context.WithCancel(context.Background())
		args := append(shortRun, "--out", parts)
		if stopAt[0] > 1 {
			args = []string{"--resume", parts}
		}
		out.Reset()
		err := trainCommand(ctx, args, &out, &out, func(epoch, batch int) {
			if epoch == stopAt[0] && batch == stopAt[1] {
				cancel()
			}
		})
		cancel()
		if err == nil || !strings.Contains(err.Error(), "continue with: lenet train --resume "+parts) {
			t.Fatalf("stop at %v: got %v\n%s", stopAt, err, out.String())
		}
	}
	out.Reset()
	if err := trainCommand(context.Background(), []string{"--resume", parts}, &out, &out, nil); err != nil {
		t.Fatalf("resume: %v\n%s", err, out.String())
	}
	a, b := filepath.Join(whole, "latest"), filepath.Join(parts, "latest")
	for _, name := range []string{"c1_kernels.npy", "c3_kernels.npy", "f5_weights.npy", "f7_biases.npy", "adam_m_f6_weights.npy", "adam_v_c1_biases.npy"} {
		x, err1 := os.ReadFile(filepath.Join(a, name))
		y, err2 := os.ReadFile(filepath.Join(b, name))
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			t.Fatalf("%s differs between the uninterrupted and the resumed run (%v, %v)", name, err1, err2)
		}
	}
	ra, err1 := readMetrics(filepath.Join(whole, metricsFile), 3)
	rb, err2 := readMetrics(filepath.Join(parts, metricsFile), 3)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	for i := range ra {
		ra[i].Seconds, rb[i].Seconds = 0, 0
	}
	if !slices.Equal(ra, rb) || !(ra[0].LR > ra[1].LR && ra[1].LR > ra[2].LR) {
		t.Fatalf("metrics differ or the cosine rate does not fall:\n%+v\n%+v", ra, rb)
	}
	if _, err := os.Stat(filepath.Join(parts, curvesFile)); err != nil {
		t.Fatalf("no curves.png after the run: %v", err)
	}
	if err := trainCommand(context.Background(), []string{"--resume", parts, "--lr", "0.1"}, &out, &out, nil); err == nil || !strings.Contains(err.Error(), "[--lr] cannot be changed") {
		t.Fatalf("resume with --lr: %v", err)
	}
	if err := trainCommand(context.Background(), []string{"--resume", parts}, &out, &out, nil); err == nil || !strings.Contains(err.Error(), "already finished") {
		t.Fatalf("resume a finished run: %v", err)
	}
}

// TestKillLeavesLoadableCheckpoint kills training child processes with SIGKILL at
// random moments after their run has a checkpoint; each time the run's latest checkpoint
// must load, and the next child resumes from it.
func TestKillLeavesLoadableCheckpoint(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	latest := filepath.Join(dir, "latest")
	for kill := 1; kill <= 5; kill++ {
		args := []string{"train", "--resume", dir}
		if kill == 1 {
			args = []string{"train", "--out", dir, "--limit", "640", "--batch", "32", "--epochs", "1000", "--no-augment"} // never finishes in the test
		}
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "LENET_TEST_AS_COMMAND=1")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(time.Minute); kill == 1 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if _, err := os.Stat(latest); err == nil {
				break // the run has its first checkpoint
			}
		}
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err == nil {
			t.Fatalf("the run finished before it was killed:\n%s", out.String())
		}
		_, m, err := checkpoints.Load(latest)
		if err != nil {
			t.Fatalf("after kill %d: latest does not load: %v\n%s", kill, err, out.String())
		}
		t.Logf("kill %d: latest is epoch %d, batch %d", kill, m.Epoch, m.Resume.Batch)
	}
}

// TestTrainOutputHasNoControlCharacters: off a terminal, train prints clean lines.
func TestTrainOutputHasNoControlCharacters(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := trainCommand(context.Background(), []string{"--limit", "64", "--epochs", "2", "--out", filepath.Join(t.TempDir(), "r")}, &stdout, &stderr, nil)
	if err != nil {
		t.Fatal(err)
	}
	all := stdout.String() + stderr.String()
	if strings.ContainsAny(all, "\r\x1b\b") || strings.Count(stdout.String(), "\n") != 4 {
		t.Fatalf("output has control characters or not one line per epoch: %q", all)
	}
}

// TestPlot draws metrics written by writeMetrics: the test curve (red) must be there.
func TestPlot(t *testing.T) {
	dir := t.TempDir()
	var rows []metricsRow
	for e := 1; e <= 5; e++ {
		rows = append(rows, metricsRow{Epoch: e, TrainCost: 1 / float64(e), TrainAccuracy: 0.9 + 0.01*float64(e), TestAccuracy: 0.91 + 0.01*float64(e), Seconds: 20, LR: 0.001})
	}
	if err := writeMetrics(filepath.Join(dir, metricsFile), rows); err != nil {
		t.Fatal(err)
	}
	if out, err := runCmd("plot", "--run", dir); err != nil || !strings.Contains(out, "curves.png") {
		t.Fatalf("plot: %v %s", err, out)
	}
	img := decodePNG(t, filepath.Join(dir, curvesFile))
	red := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X + b.Dx()/2; x < b.Max.X; x++ { // the accuracy panel
			if r, g, bl, _ := img.At(x, y).RGBA(); r > 0x8000 && g < 0x4000 && bl < 0x4000 {
				red++
			}
		}
	}
	if red < 200 {
		t.Fatalf("the accuracy panel has %d red pixels: no test curve", red)
	}
	if _, err := runCmd("plot", "--run", t.TempDir()); err == nil || !strings.Contains(err.Error(), "metrics.csv") {
		t.Fatalf("plot without metrics: %v", err)
	}
}
