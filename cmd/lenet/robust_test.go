package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/robust"
)

// TestRobustness compares the built-in model with a briefly trained one on 100 images:
// the JSON holds a result per model with every cell, the table a column per model, and
// the chart is a PNG of one panel per model.
func TestRobustness(t *testing.T) {
	run, _ := trainedModel(t)
	ckpt := filepath.Join(run, checkpoints.LatestLink)
	out, err := runCmd("robustness", "--count", "100", "--checkpoint", "builtin", "--checkpoint", ckpt, "--json")
	if err != nil {
		t.Fatalf("robustness --json: %v\n%s", err, out)
	}
	var results []robust.Result
	if err := json.Unmarshal([]byte(out), &results); err != nil || len(results) != 2 {
		t.Fatalf("JSON: %v, %d results\n%s", err, len(results), out)
	}
	cells := 0
	for _, f := range robust.Families {
		cells += len(f.Strengths)
	}
	photos := 0
	for _, f := range robust.PhotoFamilies {
		photos += len(f.Strengths)
	}
	for i, r := range results {
		if r.Model != []string{"builtin", ckpt}[i] || r.Images != 100 || len(r.Cells) != cells || !(r.Mean > 0 && r.Mean < r.Clean) {
			t.Fatalf("result %d: model %q, %d images, %d cells (want %d), mean %g, clean %g", i, r.Model, r.Images, len(r.Cells), cells, r.Mean, r.Clean)
		}
		if r.PhotoImages != 100 || len(r.Photos) != photos || len(r.Numbers) != len(robust.NumberKinds) || r.Numbers[0].Numbers != 10 {
			t.Fatalf("result %d: photos of %d images, %d photo cells (want %d), numbers %+v", i, r.PhotoImages, len(r.Photos), photos, r.Numbers)
		}
		// The first 100 test digits hold 14 1s and 14 4s.
		if len(r.Proxies) != len(robust.Proxies) || r.Proxies[0].Images != 14 || r.Proxies[1].Images != 14 || r.Proxies[2].Images != 100 {
			t.Fatalf("result %d: proxies %+v", i, r.Proxies)
		}
	}
	if results[0].Mean <= results[1].Mean {
		t.Errorf("the built-in model (%.3f) should be more robust than a 2-epoch one (%.3f)", results[0].Mean, results[1].Mean)
	}
	png := filepath.Join(t.TempDir(), "robust.png")
	out, err = runCmd("robustness", "--count", "100", "--checkpoint", "builtin", "--checkpoint", ckpt, "--png", png)
	lines := strings.Split(out, "\n")
	if err != nil || !strings.Contains(lines[1], "builtin") || !strings.Contains(lines[1], ckpt) || !strings.Contains(out, "\nmean over the suite ") || !strings.Contains(out, "\nmean over the photo suite ") || !strings.Contains(out, "  thinner ") || !strings.Contains(out, "\n  touching ") || !strings.Contains(out, "\n  4s with a closed top (14) ") {
		t.Fatalf("table: %v\n%s", err, out)
	}
	if b := decodePNG(t, png).Bounds(); b.Dx() < 2*b.Dy() {
		t.Fatalf("chart %v: want two panels side by side", b)
	}
}
