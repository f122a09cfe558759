package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/train"
)

// TestMain lets the kill test run this test binary as the lenet command, and removes
// the model that trainedModel shares between tests.
func TestMain(m *testing.M) {
	if os.Getenv("LENET_TEST_AS_COMMAND") == "1" {
		os.Exit(mainCode())
	}
	chooseKernels()
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
		sharedErr = trainCommand(context.Background(), []string{"--epochs", "2", "--limit", "6000", "--batch", "32", "--lr", "0.003", "--lr-schedule", "constant",
			"--shift", "2", "--zoom", "0.1", "--rotate", "10", "--shear", "0", "--thickness", "0", "--blur", "0", "--out", sharedRun}, &out, &out, nil)
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
		if stopAt[0] == 1 { // the flags resuming still takes are checked, and so is the data
			if err := trainCommand(context.Background(), []string{"--resume", parts, "--workers", "999"}, &out, &out, nil); err == nil || !strings.Contains(err.Error(), "invalid --workers 999") {
				t.Fatalf("resume with --workers 999: %v", err)
			}
			if _, err := dataset.Fashion.Dir(); err == nil || os.Getenv("CI") != "" {
				err := trainCommand(context.Background(), []string{"--resume", parts, "--data", dataset.FashionDir}, &out, &out, nil)
				if err == nil || !strings.Contains(err.Error(), "not the data the run was trained on") {
					t.Fatalf("resume on other data (Fashion-MNIST's): %v", err)
				}
			}
		}
	}
	out.Reset()
	if err := trainCommand(context.Background(), []string{"--resume", parts}, &out, &out, nil); err != nil {
		t.Fatalf("resume: %v\n%s", err, out.String())
	}
	sameCheckpoint(t, filepath.Join(whole, checkpoints.LatestLink), filepath.Join(parts, checkpoints.LatestLink))
	ra, err1 := train.ReadMetrics(filepath.Join(whole, train.MetricsFile), 3)
	rb, err2 := train.ReadMetrics(filepath.Join(parts, train.MetricsFile), 3)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	for i := range ra {
		ra[i].Seconds, rb[i].Seconds = 0, 0
	}
	if !slices.Equal(ra, rb) || !(ra[0].LR > ra[1].LR && ra[1].LR > ra[2].LR) {
		t.Fatalf("metrics differ or the cosine rate does not fall:\n%+v\n%+v", ra, rb)
	}
	if _, err := os.Stat(filepath.Join(parts, train.CurvesFile)); err != nil {
		t.Fatalf("no curves.png after the run: %v", err)
	}
	if err := trainCommand(context.Background(), []string{"--resume", parts, "--lr", "0.1"}, &out, &out, nil); err == nil || !strings.Contains(err.Error(), "[--lr] cannot be changed") {
		t.Fatalf("resume with --lr: %v", err)
	}
	if err := trainCommand(context.Background(), []string{"--resume", parts}, &out, &out, nil); err == nil || !strings.Contains(err.Error(), "already finished") {
		t.Fatalf("resume a finished run: %v", err)
	}
}

// sameCheckpoint requires two checkpoints to hold the same files with the same bytes,
// the manifest's but for the seconds the runs took and the command line.
func sameCheckpoint(t *testing.T, a, b string) {
	t.Helper()
	ea, err1 := os.ReadDir(a)
	eb, err2 := os.ReadDir(b)
	if err1 != nil || err2 != nil || len(ea) != len(eb) || len(ea) < 21 {
		t.Fatalf("checkpoints %s and %s: %d and %d files (%v, %v)", a, b, len(ea), len(eb), err1, err2)
	}
	for i, e := range ea {
		x, err1 := os.ReadFile(filepath.Join(a, e.Name()))
		y, err2 := os.ReadFile(filepath.Join(b, eb[i].Name()))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if e.Name() == "manifest.json" {
			var ma, mb checkpoints.Manifest
			if err := errors.Join(json.Unmarshal(x, &ma), json.Unmarshal(y, &mb)); err != nil {
				t.Fatal(err)
			}
			for _, m := range []*checkpoints.Manifest{&ma, &mb} {
				m.Metrics.Seconds, m.Command = 0, ""
				if m.Resume != nil {
					m.Resume.Seconds = 0
				}
			}
			x, _ = json.Marshal(ma)
			y, _ = json.Marshal(mb)
		}
		if e.Name() != eb[i].Name() || !bytes.Equal(x, y) {
			t.Fatalf("%s differs between %s and %s", e.Name(), a, b)
		}
	}
}

// TestKillLeavesLoadableCheckpoint kills training child processes with SIGKILL at
// random moments; each child must die of that signal, the run's latest checkpoint must
// load every time, and each resumed child must have moved the run past where the one
// before it was killed.
func TestKillLeavesLoadableCheckpoint(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	latest := filepath.Join(dir, "latest")
	// position is where a checkpoint stands, comparable as epoch*1e6 + batch.
	position := func() (int, error) {
		_, m, err := checkpoints.Load(latest)
		if err != nil {
			return -1, err
		}
		return m.Epoch*1e6 + m.Resume.Batch, nil
	}
	before := -1
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
		moved := false
		for deadline := time.Now().Add(time.Minute); !moved && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			pos, err := position()
			moved = err == nil && pos > before
		}
		time.Sleep(time.Duration(rng.IntN(2000)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("child %d ended by %v, not by SIGKILL:\n%s", kill, cmd.ProcessState, out.String())
		}
		if !moved {
			t.Fatalf("child %d saved no checkpoint past the last one within a minute:\n%s", kill, out.String())
		}
		pos, err := position()
		if err != nil {
			t.Fatalf("after kill %d: latest does not load: %v\n%s", kill, err, out.String())
		}
		if pos <= before {
			t.Fatalf("after kill %d: latest went back from %d to %d", kill, before, pos)
		}
		t.Logf("kill %d: latest is epoch %d, batch %d", kill, pos/1e6, pos%1e6)
		before = pos
	}
}

// trainChild runs a two-epoch training on limit images as a child process with stdout
// and stderr on f.
func trainChild(t *testing.T, f *os.File, limit int) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "train", "--limit", strconv.Itoa(limit), "--epochs", "2", "--out", filepath.Join(t.TempDir(), "r"))
	cmd.Env = append(os.Environ(), "LENET_TEST_AS_COMMAND=1")
	cmd.Stdout, cmd.Stderr = f, f
	return cmd
}

// TestTrainOutputHasNoControlCharacters: written to a file (as to a pipe or a log),
// train prints its lines and no progress bar.
func TestTrainOutputHasNoControlCharacters(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := trainChild(t, f, 640).Run(); err != nil {
		t.Fatal(err)
	}
	out, _ := os.ReadFile(f.Name())
	if strings.ContainsAny(string(out), "\r\x1b\b") || strings.Count(string(out), "\n") != 4 {
		t.Fatalf("output has control characters or not one line per epoch: %q", out)
	}
}

// TestProgressOnTerminal runs train on a pseudo-terminal, as a user's shell would: a
// progress bar with the running cost, accuracy and speed redraws each epoch's line.
func TestProgressOnTerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 120})
	cmd := trainChild(t, tty, 12800) // epochs long enough for the bar to redraw (every 200 ms)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	var screen bytes.Buffer
	io.Copy(&screen, ptmx) // until the child closes the terminal (EIO)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("train on a terminal: %v\n%q", err, screen.String())
	}
	out := screen.String()
	for _, want := range []string{"\r", "epoch 1/2 cost ", "img/s", "epoch  2/2  cost", "model: the last epoch"} {
		if !strings.Contains(out, want) {
			t.Fatalf("the terminal shows no %q:\n%q", want, out)
		}
	}
}

// TestPlot draws metrics written by writeMetrics: the test curve (red) must be there.
func TestPlot(t *testing.T) {
	dir := t.TempDir()
	var rows []train.Row
	for e := 1; e <= 5; e++ {
		rows = append(rows, train.Row{Epoch: e, TrainCost: 1 / float64(e), TrainAccuracy: 0.9 + 0.01*float64(e), TestAccuracy: 0.91 + 0.01*float64(e), Seconds: 20, LR: 0.001})
	}
	if err := train.WriteMetrics(filepath.Join(dir, train.MetricsFile), rows); err != nil {
		t.Fatal(err)
	}
	if out, err := runCmd("plot", "--run", dir); err != nil || !strings.Contains(out, "curves.png") {
		t.Fatalf("plot: %v %s", err, out)
	}
	img := decodePNG(t, filepath.Join(dir, train.CurvesFile))
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
