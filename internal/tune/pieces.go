// Package tune makes the reader's training data and chooses its settings, on images
// held out from training: the verifier's pieces (Pieces), the gate's marks (Marks),
// reader.SureAt (ChooseSureAt), reader.GateAt (ChooseGateAt) and reader.DefaultCutting
// (ChooseCutting). The reader runs what they made; the commands are
// internal/tools/tune's, the scripts docs/verifier.sh, docs/gate.sh and docs/sure.sh.
package tune

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/internal/atomicfile"
	"github.com/lenet/lenet/internal/ordered"
	"github.com/lenet/lenet/preprocess"
	"github.com/lenet/lenet/reader"
)

// piecesPerChunk is how many pieces one random stream makes: Pieces makes its chunks
// side by side and puts them in order, so the set does not depend on the cores.
var piecesPerChunk = 5000 // a variable for the tests

// Pieces makes count pictures for training the verifier from set's digits: numbers of
// 2 to 4 of them, written apart (gaps of 1-8 pixels at MNIST's scale) or touching
// (overlapping by 0-3), photographed at 2-4 picture pixels per MNIST pixel, a third of
// them as phones do (uneven light, noise, JPEG, cream paper, blue ink), then analysed
// and cut as the reader cuts them (reader.CutPieces). Every piece becomes the view the
// verifier judges it by (reader.Piece.View), labelled reader.OneDigit when it holds at
// least 85% of one digit's ink and at most 15% of each other digit's (and other ink
// under half of that digit's in it), reader.NotOneDigit when no digit comes within 70%
// and 30%; pieces in between are left out. The same set, count and seed give the same
// pieces on any number of cores.
func Pieces(set *dataset.Set, count int, seed uint64) (*dataset.Set, error) {
	if set.Rows != dataset.Side || set.Cols != dataset.Side || set.Count == 0 {
		return nil, fmt.Errorf("pieces: %d images of %dx%d (expected %dx%d digits)", set.Count, set.Rows, set.Cols, dataset.Side, dataset.Side)
	}
	x := dataset.Floats(set)
	chunks := (count + piecesPerChunk - 1) / piecesPerChunk
	out := &dataset.Set{Images: dataset.Images{Rows: dataset.Side, Cols: dataset.Side}}
	for c, err := range ordered.Map(chunks, func(c int) (*dataset.Set, error) {
		return piecesChunk(set, x, min(piecesPerChunk, count-c*piecesPerChunk), rand.New(rand.NewPCG(seed, uint64(c))))
	}) {
		if err != nil {
			return nil, fmt.Errorf("pieces: %w", err)
		}
		out.Pixels = append(out.Pixels, c.Pixels...)
		out.Labels = append(out.Labels, c.Labels...)
		out.Count += c.Count
	}
	return out, nil
}

// piecesChunk makes count of Pieces' pieces from one random stream.
func piecesChunk(set *dataset.Set, x []float32, count int, rng *rand.Rand) (*dataset.Set, error) {
	out := &dataset.Set{Images: dataset.Images{Rows: dataset.Side, Cols: dataset.Side}}
	for out.Count < count {
		k := 2 + rng.IntN(3)
		var digits [][]float32
		var gaps []int
		touching := rng.IntN(2) == 0
		for j := range k {
			i := rng.IntN(set.Count)
			digits = append(digits, x[i*dataset.Pixels:(i+1)*dataset.Pixels])
			if j > 0 {
				if touching {
					gaps = append(gaps, -rng.IntN(4))
				} else {
					gaps = append(gaps, 1+rng.IntN(8))
				}
			}
		}
		parts, w := augment.NumberParts(digits, dataset.Side, gaps)
		ink, _ := augment.Number(digits, dataset.Side, gaps)
		photo := augment.Photo{Scale: 2 + rng.IntN(3)}
		if rng.IntN(3) == 0 {
			photo.Light, photo.Noise, photo.JPEG = 0.3*rng.Float64(), 0.03*rng.Float64(), 60+rng.IntN(30)
			photo.Paper, photo.Ink = color.RGBA{222, 216, 200, 255}, color.RGBA{25, 35, 90, 255}
		}
		page, err := preprocess.Analyse(photo.DrawInk(ink, w, dataset.Side, rng))
		if errors.Is(err, preprocess.ErrBlank) {
			continue
		}
		if err != nil {
			return nil, err
		}
		addPieces(out, page, parts, w, float64(photo.Scale), count)
	}
	return out, nil
}

// addPieces adds to out the labelled views of the pieces the reader would score on
// page, a photo (scale picture pixels per ink pixel) of the number whose digits' ink is
// parts (each w wide), until out holds count.
func addPieces(out *dataset.Set, page *preprocess.Page, parts [][]float32, w int, scale float64, count int) {
	g0, g1, pieces := reader.CutPieces(page)
	if len(pieces) == 0 {
		return
	}
	// Each digit's ink per column of the ink image, and where the ink image's columns
	// lie on the page: the number's ink and the groups span the same columns, centred
	// alike, scale/page.Scale page pixels per ink pixel.
	mass := make([][]float64, len(parts))
	total := make([]float64, len(parts))
	e0, e1 := w, 0
	for d, p := range parts {
		mass[d] = make([]float64, w)
		for i, v := range p {
			mass[d][i%w] += float64(v)
			total[d] += float64(v)
			if v > 0.05 {
				e0, e1 = min(e0, i%w), max(e1, i%w+1)
			}
		}
	}
	s := scale / page.Scale
	o := float64(g0+g1)/2 - s*float64(e0+e1)/2
	in, share := make([]float64, len(parts)), make([]float64, len(parts))
	// label says what the page's columns [a, b) hold, or false for neither.
	label := func(a, b int) (byte, bool) {
		lo, hi := (float64(a)-o)/s, (float64(b)-o)/s
		sum := 0.0
		for d := range parts {
			in[d] = 0
			for c := max(0, int(math.Ceil(lo-0.5))); c < w && float64(c)+0.5 < hi; c++ {
				in[d] += mass[d][c]
			}
			sum += in[d]
			share[d] = in[d] / max(total[d], 1e-9)
		}
		// holds: at least least of digit d's ink, at most most of each other digit's,
		// and other ink under half of d's in it.
		holds := func(d int, least, most float64) bool {
			if share[d] < least || sum-in[d] > 0.5*in[d] {
				return false
			}
			for e := range parts {
				if e != d && share[e] > most {
					return false
				}
			}
			return true
		}
		for d := range parts {
			if holds(d, 0.85, 0.15) {
				return reader.OneDigit, true
			}
			if holds(d, 0.7, 0.3) {
				return 0, false
			}
		}
		return reader.NotOneDigit, true
	}
	for _, p := range pieces {
		l, ok := label(p.X0, p.X1)
		if !ok {
			continue
		}
		px, err := p.View()
		if err != nil {
			continue
		}
		for _, v := range px {
			out.Pixels = append(out.Pixels, byte(math.Round(float64(v)*255)))
		}
		out.Labels = append(out.Labels, l)
		if out.Count++; out.Count == count {
			return
		}
	}
}

// Sizes of the verifier's sets (docs/verifier.sh trains on them).
const (
	TrainPieces = 200000
	TestPieces  = 10000
)

// PieceSources are the digits the verifier's pieces are made of: the built-in model's
// training images without its held-out ones (which choose the reader's settings), and
// the test images (its test split, which only reports).
func PieceSources() (rest, test *dataset.Set, err error) {
	m, err := checkpoints.LoadDefault()
	if err != nil {
		return nil, nil, err
	}
	set, err := dataset.MNIST.Load("", "train")
	if err != nil {
		return nil, nil, err
	}
	v := m.Manifest.Hyper.Validation
	if v == nil {
		return nil, nil, errors.New("pieces: the built-in model records no held-out images")
	}
	rest, _, _ = set.HoldOut(v.Count, v.Seed)
	if test, err = dataset.MNIST.Load("", "test"); err != nil {
		return nil, nil, err
	}
	return rest, test, nil
}

// WritePieces writes the verifier's pieces into dir as IDX files, as lenet train --data
// reads them: train pieces from the training images (seed 1), TestPieces from the test
// images (seed 2). It returns the two sets.
func WritePieces(dir string, train int) (trainSet, testSet *dataset.Set, err error) {
	rest, test, err := PieceSources()
	if err != nil {
		return nil, nil, err
	}
	return writeSets(dir, rest, test, train, TestPieces, func(_ string, from *dataset.Set, count int, seed uint64) (*dataset.Set, error) {
		return Pieces(from, count, seed)
	})
}

// writeSets makes a training split of train from rest (seed 1) and a test split of
// tests from test (seed 2) with make, writes them into dir as IDX files, as lenet
// train --data reads them, and returns them.
func writeSets(dir string, rest, test *dataset.Set, train, tests int,
	make func(split string, from *dataset.Set, count int, seed uint64) (*dataset.Set, error)) (trainSet, testSet *dataset.Set, err error) {
	var sets [2]*dataset.Set
	for k, s := range []struct {
		split string
		from  *dataset.Set
		count int
		seed  uint64
	}{{"train", rest, train, 1}, {"test", test, tests, 2}} {
		p, err := make(s.split, s.from, s.count, s.seed)
		if err != nil {
			return nil, nil, err
		}
		err = p.WriteIDX(s.split, func(name string, body func(io.Writer) error) error {
			return atomicfile.WriteFile(filepath.Join(dir, name), body)
		})
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", dir, err)
		}
		sets[k] = p
	}
	return sets[0], sets[1], nil
}
