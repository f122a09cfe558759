package tune

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/reader"
)

// TestWritePieces writes the verifier's pieces as docs/verifier.sh does (a small
// training split, the whole test split) into a temporary folder and reads them back as
// lenet train reads them; the test split must be the one the built-in verifier was
// trained with (its manifest's checksum): a change to how the reader cuts or views
// pieces that calls for a new verifier fails here.
func TestWritePieces(t *testing.T) {
	dir := t.TempDir()
	v, err := reader.BuiltinVerifier()
	if err != nil {
		t.Fatal(err)
	}
	train, test, err := WritePieces(dir, 600)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		split string
		p     *dataset.Set
	}{{"train", train}, {"test", test}} {
		p := s.p
		back, err := dataset.Load(dir, s.split)
		if err != nil {
			t.Fatal(err)
		}
		if back.Count != p.Count || back.Checksum() != p.Checksum() {
			t.Fatalf("%s: read back %d pieces (checksum %s), wrote %d (%s)", s.split, back.Count, back.Checksum(), p.Count, p.Checksum())
		}
		if sums := v.Manifest.Hyper.DataSHA256; s.split == "test" && (sums == nil || sums.Test != p.Checksum()) {
			t.Errorf("test pieces' checksum %s; the built-in verifier's manifest records %+v: run docs/verifier.sh", p.Checksum(), sums)
		}
		whole := bytes.Count(p.Labels, []byte{reader.OneDigit})
		t.Logf("%s: %d pieces, %d whole (%.1f%%)", s.split, p.Count, whole, 100*float64(whole)/float64(p.Count))
		// Both kinds, and far more parts than wholes: a group is cut many ways and
		// has one right way.
		if whole < p.Count/10 || whole > p.Count/2 {
			t.Errorf("%s: %d of %d pieces whole (expected a tenth to a half)", s.split, whole, p.Count)
		}
	}
}

// piecesSources is PieceSources or the test's end.
func piecesSources(t *testing.T) (rest, test *dataset.Set) {
	rest, test, err := PieceSources()
	if err != nil {
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
// its test split's too) about as well as its training reported (98.35% on its test
// split): a change to how pieces are cut or viewed that it was not trained for fails.
func TestVerifierOnTestPieces(t *testing.T) {
	_, test := piecesSources(t)
	p, err := Pieces(test, 2000, 7)
	if err != nil {
		t.Fatal(err)
	}
	v, err := reader.BuiltinVerifier()
	if err != nil {
		t.Fatal(err)
	}
	right := rightOf(t, v, p)
	acc := float64(right) / float64(p.Count)
	t.Logf("verifier: %d of %d test pieces right (%.2f%%)", right, p.Count, 100*acc)
	if acc < 0.97 {
		t.Errorf("verifier right on %.2f%% of test pieces, want at least 97%%", 100*acc)
	}
}

// rightOf is how many of p's images the two-class model m (the verifier, the gate)
// puts in their labelled class.
func rightOf(t *testing.T, m *checkpoints.Model, p *dataset.Set) int {
	t.Helper()
	ev, err := m.Evaluator(1)
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
		if got := probs[i*ev.Classes()+1] > probs[i*ev.Classes()]; got == (l == 1) {
			right++
		}
	}
	return right
}
