package main

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lenet/lenet/graph/kernels"
)

func runCmd(args ...string) (string, error) {
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String() + errb.String(), err
}

// TestTrainThenTest trains briefly on real MNIST and checks that the model learned and
// that `test` on its checkpoint prints the figure training printed.
func TestTrainThenTest(t *testing.T) {
	dir, out := trainedModel(t)
	epochs := regexp.MustCompile(`epoch +(\d+)/2 .* test +([\d.]+)%`).FindAllStringSubmatch(out, -1)
	if len(epochs) != 2 {
		t.Fatalf("want 2 epoch lines, got:\n%s", out)
	}
	last := epochs[1][2]
	if acc, _ := strconv.ParseFloat(last, 64); acc < 80 {
		t.Fatalf("test accuracy %s%% after 2 short epochs; expected over 80%%\n%s", last, out)
	}
	out, err := runCmd("test", "--checkpoint", filepath.Join(dir, "latest"))
	if err != nil {
		t.Fatalf("test: %v", err)
	}
	if !strings.Contains(out, "MNIST test: accuracy "+last+"%") || !strings.Contains(out, "first 5000") {
		t.Fatalf("test printed\n%s\nwant accuracy %s%%", out, last)
	}
	testReports(t, filepath.Join(dir, "latest"))
	testExport(t, filepath.Join(dir, "latest"))
	testViewPredict(t, filepath.Join(dir, "latest"))
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
		{[]string{"train", "--threads", "-1"}, "invalid --threads -1 (expected 0 to 1024)"},
		{[]string{"train", "--clean", "1.5"}, "invalid --clean 1.5 (expected a value in [0, 1])"},
		{[]string{"train", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"train", "--limit", "64", "--out", filepath.Join(notDir, "run")}, "create run folder"},
		{[]string{"train", "--data", t.TempDir(), "--out", t.TempDir()}, "data files not found"},
		{[]string{"test", "--checkpoint", "a", "--npy", "b"}, "give --checkpoint or --npy, not both"},
		{[]string{"test", "--checkpoint", "a", "--split", "valid"}, `invalid --split "valid" (expected test, train or val)`},
		{[]string{"test", "--checkpoint", "/nonexistent"}, "checkpoint /nonexistent"},
		{[]string{"train", "--rotate", "-5"}, "invalid --rotate -5"},
		{[]string{"train", "--elastic", "8"}, `invalid argument "8" for "--elastic"`},
		{[]string{"train", "--elastic", "8,0.1"}, "invalid --elastic 8,0.1 (expected a sigma of at least 0.5"},
		{[]string{"train", "--workers", "-1"}, "invalid --workers -1 (expected 0 to 256)"},
		{[]string{"train", "--activation", "swish"}, `invalid --activation "swish" (expected one of sigmoid, tanh, relu)`},
		{[]string{"train", "--pool", "min"}, `invalid --pool "min" (expected one of avg, max)`},
		{[]string{"train", "--dataset", "cifar"}, `invalid --dataset: unknown data set "cifar" (expected mnist, fashion, pieces or marks)`},
		{[]string{"view", "--dataset", "cifar"}, `invalid --dataset: unknown data set "cifar"`},
		{[]string{"export", "--checkpoint", "x", "--out", "y", "--format", "tflite"}, `invalid --format "tflite" (expected npy, checkpoint or onnx)`},
		{[]string{"export", "--out", "y.onnx", "--format", "onnx", "--dtype", "float64"}, "--format onnx writes float32"},
		{[]string{"test", "--checkpoint", "x", "--noise", "2"}, "invalid --noise 2"},
		{[]string{"augment"}, "--preview FILE.png is required"},
		{[]string{"augment", "--preview", "x.png", "--rows", "0"}, "invalid --rows 0 (expected 1 to 100)"},
		{[]string{"view", "--checkpoint", "x", "--count", "0"}, "invalid --count 0 (expected 1 to 10000)"},
		{[]string{"predict", "--checkpoint", "x"}, "predict: no image files given"},
		{[]string{"export"}, "export: --out PATH is required"},
		{[]string{"draw", "--max-saves", "0"}, "invalid --max-saves 0 (expected 1 to 1000000)"},
		{[]string{"draw", "--max-save-mib", "-1"}, "invalid --max-save-mib -1 (expected 1 to 1048576)"},
		{[]string{"version", "extra"}, `unexpected argument "extra"`},
		{[]string{"robustness", "--count", "5"}, "invalid --count 5 (expected 100 to 10000)"},
		{[]string{"robustness", "--checkpoint", "/nonexistent"}, "checkpoint /nonexistent"},
		{[]string{"robustness", "--png", "/nonexistent/r.png"}, "invalid --png /nonexistent/r.png: no folder /nonexistent"},
		{[]string{"help", "nope"}, `unknown command "nope"`},
		{[]string{"tarin"}, `unknown command "tarin": did you mean train?`},
		{[]string{"Test"}, `unknown command "Test": did you mean test?`},
		{[]string{"exp"}, `unknown command "exp": did you mean export?`},
		{[]string{"viwe"}, `unknown command "viwe": did you mean view?`},
		{[]string{"train", "--out", "/proc/lenet-run"}, "create run folder"},
		{[]string{"train", "--lr-schedule", "linear"}, `invalid --lr-schedule "linear" (expected constant, step or cosine)`},
		{[]string{"train", "--lr-schedule", "step", "--lr-gamma", "0"}, "invalid --lr-gamma 0"},
		{[]string{"train", "--lr-gamma", "0.3"}, "--lr-gamma is for --lr-schedule step (this run: cosine)"},
		{[]string{"train", "--lr-min", "0.1"}, "invalid --lr-min 0.1 (expected a value in [0, 0.005])"},
		{[]string{"train", "--resume", "/nonexistent"}, "resume /nonexistent"},
		{[]string{"train", "extra"}, `unexpected argument "extra"`},
		{[]string{"test", "--npy", "/nonexistent"}, "load .npy folder"},
		{[]string{"view", "--checkpoint", "/nonexistent"}, "checkpoint /nonexistent"},
		{[]string{"predict", "--checkpoint", "/nonexistent", "x.png"}, "checkpoint /nonexistent"},
		{[]string{"export", "--checkpoint", "/nonexistent", "--out", "x"}, "checkpoint /nonexistent"},
		{[]string{"export", "--checkpoint", "x", "--out", "y", "--dtype", "int8"}, `invalid --dtype "int8"`},
		{[]string{"draw", "--checkpoint", "/nonexistent"}, "checkpoint /nonexistent"},
		{[]string{"draw", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"plot"}, "--run DIR is required"},
		{[]string{"plot", "--run", "/nonexistent"}, "/nonexistent/metrics.csv"},
		{[]string{"augment", "--preview", "x.png", "--zoom", "1"}, "invalid --zoom 1"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{nil, "no command given"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			out, err := runCmd(c.args...)
			if err == nil || !strings.Contains(err.Error(), c.says) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %v, want one line containing %q\n%s", err, c.says, out)
			}
		})
	}
}

// TestExitStatus runs the command as a process: a bad flag gives exit status 1 and one
// line on stderr, --help exit status 0.
func TestExitStatus(t *testing.T) {
	for _, c := range []struct {
		args   []string
		status int
	}{{[]string{"train", "--epochs", "0"}, 1}, {[]string{"test", "--help"}, 0}, {[]string{"tarin"}, 1}} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], c.args...)
			cmd.Env = append(os.Environ(), "LENET_TEST_AS_COMMAND=1")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			status := 0
			if ee, ok := err.(*exec.ExitError); ok {
				status = ee.ExitCode()
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if status != c.status || (c.status != 0 && (len(lines) != 1 || !strings.HasPrefix(lines[0], "lenet: "))) {
				t.Errorf("exit %d, stderr %q (want exit %d, one 'lenet: ' line on failure)", status, stderr.String(), c.status)
			}
		})
	}
}

// TestHelp: every command's help, by 'lenet COMMAND --help' and 'lenet help COMMAND'.
func TestHelp(t *testing.T) {
	for cmd := range commands {
		t.Run(cmd, func(t *testing.T) {
			out, err := runCmd(cmd, "--help")
			if err != nil || !strings.Contains(out, "Usage: lenet "+cmd) || !strings.Contains(out, "Flags:\n") {
				t.Errorf("%s --help: %v\n%s", cmd, err, out)
			}
			if again, err := runCmd("help", cmd); err != nil || again != out {
				t.Errorf("lenet help %s: %v\n%s\nwant what --help prints", cmd, err, again)
			}
		})
	}
	if out, err := runCmd("help"); err != nil || !strings.Contains(out, "lenet version") {
		t.Errorf("lenet help: %v\n%s", err, out)
	}
}

// TestVersion builds lenet as a user's go build does and checks that 'lenet version'
// names the source revision (CI runs in a git clone), the Go version, the kernels and
// how the graphs run (lenet's own build: the synchronous tape).
func TestVersion(t *testing.T) {
	rev, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not in a git checkout: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "lenet")
	tags := "" // this test binary's, so that both run the same kernels
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "-tags" {
				tags = s.Value
			}
		}
	}
	if out, err := exec.Command("go", "build", "-buildvcs=true", "-tags", tags, "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	gemm, sigmoid := kernels.Describe()
	for _, want := range []string{"lenet v", "revision " + strings.TrimSpace(string(rev)), runtime.Version(), "kernels: matrix products " + gemm + ", sigmoid " + sigmoid + ", evaluation's convolutions " + kernels.DescribeConv(),
		"graphs run by lenet's synchronous tape (gorgonia v0.9.18)"} {
		if err != nil || !strings.Contains(string(out), want) {
			t.Fatalf("lenet version: %v\n%s\nwant %q", err, out, want)
		}
	}
}

func TestAugmentPreview(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.png")
	out, err := runCmd("augment", "--preview", path, "--rows", "3", "--cols", "4", "--rotate", "30")
	if err != nil {
		t.Fatalf("augment: %v\n%s", err, out)
	}
	img := decodePNG(t, path)
	const previewScale, previewGap = 3, 4 // augment.Preview's layout
	cell := 28*previewScale + previewGap
	if b := img.Bounds(); b.Dx() != 5*cell+previewGap || b.Dy() != 3*cell {
		t.Fatalf("preview is %v, want %dx%d", b, 5*cell+previewGap, 3*cell)
	}
	// Column 0 is the original, column 1 a distortion of it: both have ink, and differ.
	ink := func(col int) (n int, sig []uint32) {
		for y := 0; y < 28*previewScale; y++ {
			for x := 0; x < 28*previewScale; x++ {
				v, _, _, _ := img.At(col*cell+x+min(col, 1)*previewGap, y).RGBA()
				sig = append(sig, v)
				if v < 0x8000 {
					n++
				}
			}
		}
		return n, sig
	}
	n0, s0 := ink(0)
	n1, s1 := ink(1)
	if n0 == 0 || n1 == 0 || slices.Equal(s0, s1) {
		t.Fatalf("original has %d ink pixels, distortion %d, identical %v", n0, n1, slices.Equal(s0, s1))
	}
}

// decodePNG reads a PNG file the command wrote.
func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}
