package reader

import (
	"bytes"
	"flag"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/internal/atomicfile"
)

// piecesDir, when given (go test ./reader -run TestWritePieces -args -pieces DIR), is
// where TestWritePieces writes the verifier's full training set: docs/verifier.sh.
var piecesDir = flag.String("pieces", "", "write the verifier's training pieces into this folder")

// Sizes of the verifier's sets (docs/verifier.sh trains on them).
const (
	verifierTrainPieces = 200000
	verifierTestPieces  = 10000
)

// TestWritePieces writes the verifier's pieces as IDX files, as docs/verifier.sh trains
// on them: from the built-in model's training images (its held-out ones left out) and,
// for its test split, from MNIST's test images. Without -pieces it writes a small
// training split and the whole test split into a temporary folder and reads them back
// as lenet train reads them; then the test split must be the one the built-in verifier
// was trained with (its manifest's checksum): a change to how the reader cuts or views
// pieces that calls for a new verifier fails here.
func TestWritePieces(t *testing.T) {
	train, dir := verifierTrainPieces, *piecesDir
	if dir == "" {
		train, dir = 600, t.TempDir()
	}
	v, err := BuiltinVerifier()
	if err != nil {
		t.Fatal(err)
	}
	rest, testSet := piecesSources(t)
	for _, s := range []struct {
		split string
		from  *dataset.Set
		count int
		seed  uint64
	}{{"train", rest, train, 1}, {"test", testSet, verifierTestPieces, 2}} {
		p, err := Pieces(s.from, s.count, s.seed)
		if err != nil {
			t.Fatal(err)
		}
		err = p.WriteIDX(s.split, func(name string, body func(io.Writer) error) error {
			return atomicfile.WriteFile(filepath.Join(dir, name), body)
		})
		if err != nil {
			t.Fatal(err)
		}
		back, err := dataset.Load(dir, s.split)
		if err != nil {
			t.Fatal(err)
		}
		if back.Count != s.count || back.Checksum() != p.Checksum() {
			t.Fatalf("%s: read back %d pieces (checksum %s), wrote %d (%s)", s.split, back.Count, back.Checksum(), p.Count, p.Checksum())
		}
		if sums := v.Manifest.Hyper.DataSHA256; *piecesDir == "" && s.split == "test" && (sums == nil || sums.Test != p.Checksum()) {
			t.Errorf("test pieces' checksum %s; the built-in verifier's manifest records %+v: run docs/verifier.sh", p.Checksum(), sums)
		}
		whole := bytes.Count(p.Labels, []byte{pieceWhole})
		t.Logf("%s: %d pieces, %d whole (%.1f%%)", s.split, p.Count, whole, 100*float64(whole)/float64(p.Count))
		// Both kinds, and far more parts than wholes: a group is cut many ways and
		// has one right way.
		if whole < p.Count/10 || whole > p.Count/2 {
			t.Errorf("%s: %d of %d pieces whole (expected a tenth to a half)", s.split, whole, p.Count)
		}
	}
}

// piecesSources are the digits the verifier's pieces are made of: the built-in model's
// training images without its held-out ones, and the test images.
func piecesSources(t *testing.T) (rest, test *dataset.Set) {
	m, err := checkpoints.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	set, err := dataset.MNIST.Load("", "train")
	if err != nil {
		t.Fatal(err)
	}
	v := m.Manifest.Hyper.Validation
	rest, _, _ = set.HoldOut(v.Count, v.Seed)
	if test, err = dataset.MNIST.Load("", "test"); err != nil {
		t.Fatal(err)
	}
	return rest, test
}

// TestPiecesAnyCores: the pieces are the same whatever the number of cores, and the
// seed changes them.
func TestPiecesAnyCores(t *testing.T) {
	defer func(n, procs int) { piecesPerChunk = n; runtime.GOMAXPROCS(procs) }(piecesPerChunk, runtime.GOMAXPROCS(0))
	piecesPerChunk = 100
	_, test := piecesSources(t)
	var sums []string
	for _, c := range []struct {
		procs int
		seed  uint64
	}{{1, 1}, {4, 1}, {4, 2}} {
		runtime.GOMAXPROCS(c.procs)
		p, err := Pieces(test, 450, c.seed)
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, p.Checksum())
	}
	if sums[0] != sums[1] {
		t.Errorf("pieces on 1 core and on 4 differ")
	}
	if sums[1] == sums[2] {
		t.Errorf("seeds 1 and 2 gave the same pieces")
	}
}

// TestVerifierOnTestPieces: the built-in verifier tells whole digits from parts and
// pairs on pieces cut from the test images (which it never saw; the seed differs from
// its test split's too) about as well as its training reported (98.4% on its test
// split): a change to how pieces are cut or viewed that it was not trained for fails.
func TestVerifierOnTestPieces(t *testing.T) {
	_, test := piecesSources(t)
	p, err := Pieces(test, 2000, 7)
	if err != nil {
		t.Fatal(err)
	}
	v, err := BuiltinVerifier()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := v.Evaluator(1)
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	probs, err := ev.SetProbabilities(p)
	if err != nil {
		t.Fatal(err)
	}
	right := 0
	for i, l := range p.Labels {
		row := probs[i*dataset.Classes:]
		got := byte(pieceNot)
		if row[pieceWhole] > row[pieceNot] {
			got = pieceWhole
		}
		if got == l {
			right++
		}
	}
	acc := float64(right) / float64(p.Count)
	t.Logf("verifier: %d of %d test pieces right (%.2f%%)", right, p.Count, 100*acc)
	if acc < 0.97 {
		t.Errorf("verifier right on %.2f%% of test pieces, want at least 97%%", 100*acc)
	}
}

// TestBuiltinVerifier: the built-in verifier names no folder of the machine that made
// it, and a reader refuses cutting it cannot use.
func TestBuiltinVerifier(t *testing.T) {
	v, err := BuiltinVerifier()
	if err != nil {
		t.Fatal(err)
	}
	h := v.Manifest.Hyper
	if filepath.IsAbs(h.Data) || strings.Contains(v.Manifest.Command, "/tmp") || h.Validation == nil {
		t.Errorf("built-in verifier: data %q, command %q, validation %v (expected relative paths and held-out pieces)", h.Data, v.Manifest.Command, h.Validation)
	}
	r := builtinReader(t)
	for _, c := range []Cutting{{From: 0.1, Weight: 1}, {From: 0.6, Weight: -1}} {
		if err := r.UseVerifier(v, c); err == nil || !strings.Contains(err.Error(), "expected") {
			t.Errorf("cutting %+v: %v", c, err)
		}
	}
}
