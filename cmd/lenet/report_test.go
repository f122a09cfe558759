package main

import (
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/report"
)

// testReports checks test's JSON report against the data it scored, and --images on
// MNIST test digits written out as PNG files.
func testReports(t *testing.T, ckpt string) {
	t.Helper()
	out, err := runCmd("test", "--checkpoint", ckpt, "--json")
	if err != nil {
		t.Fatalf("test --json: %v", err)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("test --json printed invalid JSON: %v\n%s", err, out)
	}
	dir, _ := dataset.DefaultDir()
	set, err := dataset.Load(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	var counts [10]int
	for _, l := range set.Labels {
		counts[l]++
	}
	diag := 0
	for d, row := range r.Confusion {
		sum := 0
		for _, n := range row {
			sum += n
		}
		if sum != counts[d] || r.PerClass[d].Total != counts[d] {
			t.Errorf("digit %d: confusion row sums to %d, per-digit total %d, the test set has %d", d, sum, r.PerClass[d].Total, counts[d])
		}
		diag += row[d]
	}
	if diag != r.Overall.Correct || len(r.Halves) != 2 || r.Halves[0].Correct+r.Halves[1].Correct != r.Overall.Correct {
		t.Errorf("diagonal %d, overall %d, halves %+v disagree", diag, r.Overall.Correct, r.Halves)
	}

	// The first 40 test digits as PNG files named by label: preprocessing them
	// recentres MNIST digits that are already centred, so most stay right.
	imgDir := t.TempDir()
	for i := 0; i < 40; i++ {
		img := image.NewGray(image.Rect(0, 0, 28, 28))
		copy(img.Pix, set.Pixels[i*784:(i+1)*784])
		f, err := os.Create(filepath.Join(imgDir, string(rune('0'+set.Labels[i]))+"-"+string(rune('a'+i%26))+string(rune('a'+i/26))+".png"))
		if err != nil {
			t.Fatal(err)
		}
		png.Encode(f, img)
		f.Close()
	}
	out, err = runCmd("test", "--checkpoint", ckpt, "--images", imgDir, "--json")
	if err != nil {
		t.Fatalf("test --images: %v", err)
	}
	r = report.Report{}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Overall.Total != 40 || r.Overall.Accuracy < 0.6 || r.Halves != nil {
		t.Errorf("--images: %+v, want 40 images, mostly right, no halves", r.Overall)
	}
	// A file with no label in its name and one that is not a picture hide nothing: the
	// report still scores the other 40, the broken one as a miss, and lists both.
	os.WriteFile(filepath.Join(imgDir, "mine.png"), nil, 0o644)
	os.WriteFile(filepath.Join(imgDir, "7-broken.png"), []byte("not a picture"), 0o644)
	out, err = runCmd("test", "--checkpoint", ckpt, "--images", imgDir)
	if err != nil || !strings.Contains(out, "mine.png: cannot tell its label") || !strings.Contains(out, "7-broken.png: not a PNG, JPEG or GIF image") ||
		!strings.Contains(out, "not read (2;") || !strings.Contains(out, "/41)") {
		t.Errorf("a folder with an unlabelled and a broken file: %v\n%s", err, out)
	}
	out, err = runCmd("test", "--checkpoint", ckpt, "--images", imgDir, "--json")
	r = report.Report{}
	if err != nil || json.Unmarshal([]byte(out), &r) != nil || r.Overall.Total != 41 || r.Overall.Correct > 40 || len(r.NotRead) != 2 || r.PerClass[7].Total != counts7(set)+1 {
		t.Errorf("--json with unreadable files: %v, %+v, not read %+v", err, r.Overall, r.NotRead)
	}
}

// counts7 is how many of the first 40 test digits are 7s.
func counts7(set *dataset.Set) int {
	n := 0
	for _, l := range set.Labels[:40] {
		if l == 7 {
			n++
		}
	}
	return n
}
