package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lenet/lenet/dataset"
)

// TestFashion trains briefly on Fashion-MNIST (Debian's dataset-fashion-mnist; without
// distortions, its default) and checks that every command speaks in its class names: test's report, view, predict on a
// picture made from a test image; that draw refuses the model and that --dataset cannot
// contradict the data set the model was trained on.
func TestFashion(t *testing.T) {
	if _, err := dataset.Fashion.Dir(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs Fashion-MNIST: %v", err)
		}
		t.Skip(err)
	}
	run := filepath.Join(t.TempDir(), "fashion")
	var out bytes.Buffer
	if err := trainCommand(context.Background(), []string{"--dataset", "fashion", "--epochs", "2", "--limit", "6000", "--lr-schedule", "constant", "--out", run}, &out, &out, nil); err != nil {
		t.Fatalf("train: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "on 6000 Fashion-MNIST images") || !strings.Contains(out.String(), "no distortions") {
		t.Fatalf("train's first line does not name Fashion-MNIST:\n%s", out.String())
	}
	m := regexp.MustCompile(`epoch +2/2 .* test +([\d.]+)%`).FindStringSubmatch(out.String())
	if acc, _ := strconv.ParseFloat(m[1], 64); acc < 65 {
		t.Fatalf("Fashion-MNIST test accuracy %s%% after 2 short epochs; expected over 65%%", m[1])
	}
	report, err := runCmd("test", "--checkpoint", run)
	if err != nil || !strings.Contains(report, "Fashion-MNIST test: accuracy "+m[1]+"%") ||
		!strings.Contains(report, "per class:") || !strings.Contains(report, "9 Ankle boot:") {
		t.Fatalf("test: %v\n%s", err, report)
	}
	view, err := runCmd("view", "--checkpoint", run, "--index", "0")
	if err != nil || !strings.HasPrefix(view, "test image 0: label Ankle boot, guess ") {
		t.Fatalf("view: %v\n%s", err, view)
	}

	// Test image 0 (an ankle boot) as a 3x larger dark-on-light PNG, as a user's photo
	// would be: predict must preprocess it back and name a class.
	set, err := dataset.Load(dataset.FashionDir, "test")
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewGray(image.Rect(0, 0, 84, 84))
	for y := 0; y < 84; y++ {
		for x := 0; x < 84; x++ {
			img.SetGray(x, y, color.Gray{255 - set.Pixels[(y/3)*28+x/3]})
		}
	}
	png := filepath.Join(t.TempDir(), "boot.png")
	if err := writePNG(png, img); err != nil {
		t.Fatal(err)
	}
	pred, err := runCmd("predict", "--checkpoint", run, png)
	if err != nil || !regexp.MustCompile(`guess (Ankle boot|Sneaker|Sandal) `).MatchString(pred) || !strings.Contains(pred, "Bag:") {
		t.Fatalf("predict on an ankle boot: %v\n%s", err, pred)
	}

	if _, err := runCmd("draw", "--checkpoint", run, "--addr", "127.0.0.1:0"); err == nil || !strings.Contains(err.Error(), "Fashion-MNIST") {
		t.Fatalf("draw with a Fashion-MNIST model: %v", err)
	}
	if _, err := runCmd("test", "--checkpoint", run, "--dataset", "mnist"); err == nil || !strings.Contains(err.Error(), "trained on Fashion-MNIST") {
		t.Fatalf("test --dataset mnist on a Fashion-MNIST model: %v", err)
	}
}
