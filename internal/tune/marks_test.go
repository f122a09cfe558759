package tune

import (
	"bytes"
	"os"
	"runtime"
	"testing"

	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/reader"
)

// TestWriteMarks writes the gate's marks as docs/gate.sh does (a small training split,
// the whole test split, with Fashion-MNIST's clothes) and reads them back as lenet train
// reads them; both classes are there, about half each, and the test split is the one
// the built-in gate was trained with (its manifest's checksum): a change to how the
// reader groups ink, or to how marks are made, that calls for a new gate fails here.
// Without Debian's dataset-fashion-mnist it writes them without clothes and skips the
// checksum (under CI it fails).
func TestWriteMarks(t *testing.T) {
	dir := t.TempDir()
	fashion := func(split string) (*dataset.Set, error) { return dataset.Fashion.Load("", split) }
	if _, err := fashion("test"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Logf("without clothes (%v): the checksum is not checked", err)
		fashion = nil
	}
	g, err := reader.BuiltinGate()
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := WriteMarks(dir, 600, fashion)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		split string
		p     *dataset.Set
	}{{"train", train}, {"test", test}} {
		back, err := dataset.Load(dir, s.split)
		if err != nil {
			t.Fatal(err)
		}
		if back.Count != s.p.Count || back.Checksum() != s.p.Checksum() {
			t.Fatalf("%s: read back %d glyphs (checksum %s), wrote %d (%s)", s.split, back.Count, back.Checksum(), s.p.Count, s.p.Checksum())
		}
		if sums := g.Manifest.Hyper.DataSHA256; s.split == "test" && fashion != nil && (sums == nil || sums.Test != s.p.Checksum()) {
			t.Errorf("test glyphs' checksum %s; the built-in gate's manifest records %+v: run docs/gate.sh", s.p.Checksum(), sums)
		}
		digits := bytes.Count(s.p.Labels, []byte{reader.ADigit})
		t.Logf("%s: %d glyphs, %d of digits", s.split, s.p.Count, digits)
		if digits < s.p.Count*35/100 || digits > s.p.Count*65/100 {
			t.Errorf("%s: %d of %d glyphs of digits (expected about half)", s.split, digits, s.p.Count)
		}
	}
}

// TestMarksAnyCores: the marks are the same whatever the number of cores, and the seed
// changes them; a set that is not of 28x28 images is refused.
func TestMarksAnyCores(t *testing.T) {
	defer func(n, procs int) { marksPerChunk = n; runtime.GOMAXPROCS(procs) }(marksPerChunk, runtime.GOMAXPROCS(0))
	marksPerChunk = 100
	_, test := piecesSources(t)
	var sums []string
	for _, c := range []struct {
		procs int
		seed  uint64
	}{{1, 1}, {4, 1}, {4, 2}} {
		runtime.GOMAXPROCS(c.procs)
		p, err := Marks(test, nil, 450, c.seed)
		if err != nil {
			t.Fatal(err)
		}
		if p.Count != 450 {
			t.Fatalf("%d glyphs, want 450", p.Count)
		}
		sums = append(sums, p.Checksum())
	}
	if sums[0] != sums[1] {
		t.Errorf("marks on 1 core and on 4 differ")
	}
	if sums[1] == sums[2] {
		t.Errorf("seeds 1 and 2 gave the same marks")
	}
	if _, err := Marks(&dataset.Set{Images: dataset.Images{Rows: 32, Cols: 32, Count: 1, Pixels: make([]byte, 1024)}, Labels: []byte{0}}, nil, 10, 1); err == nil {
		t.Error("marks of 32x32 images: no error")
	}
}

// TestGateOnTestMarks: the built-in gate tells digits from other marks in glyphs made
// from the test images (which it never saw; the seed differs from its test split's) about
// as well as its training reported: a change to how the reader groups ink, or to how
// marks are made, that it was not trained for fails.
func TestGateOnTestMarks(t *testing.T) {
	_, test := piecesSources(t)
	p, err := Marks(test, nil, 2000, 7)
	if err != nil {
		t.Fatal(err)
	}
	g, err := reader.BuiltinGate()
	if err != nil {
		t.Fatal(err)
	}
	right := rightOf(t, g, p)
	acc := float64(right) / float64(p.Count)
	t.Logf("gate: %d of %d test glyphs right (%.2f%%)", right, p.Count, 100*acc)
	if acc < gateFloor {
		t.Errorf("gate right on %.2f%% of test glyphs, want at least %.0f%%", 100*acc, 100*gateFloor)
	}
}

// gateFloor is what TestGateOnTestMarks asks of the built-in gate: a point under what it
// reads.
const gateFloor = 0.97
