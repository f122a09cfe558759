package reader

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/preprocess"
)

// The verifier's two classes, in a ten-class LeNet-5 whose other eight are never
// taught (lenet's networks have ten outputs): a piece that is one whole digit, and one
// that is not (two digits, or a part of one).
const (
	pieceNot   = 0
	pieceWhole = 1
)

// piecesPerChunk is how many pieces one random stream makes: Pieces makes its chunks
// side by side and puts them in order, so the set does not depend on the cores.
var piecesPerChunk = 5000 // a variable for the tests

// Pieces makes count pictures for training the verifier from set's digits: numbers of
// 2 to 4 of them, written apart (gaps of 1-8 pixels at MNIST's scale) or touching
// (overlapping by 0-3), photographed at 2-4 picture pixels per MNIST pixel, a third of
// them as phones do (uneven light, noise, JPEG, cream paper, blue ink), then analysed
// and cut as the reader cuts them. Every piece the reader would score becomes the view
// the verifier judges it by (preprocess.Page.Window), labelled pieceWhole when it holds
// at least 85% of one digit's ink and at most 15% of each other digit's (and other
// ink under half of that digit's in it), pieceNot when no digit comes within 70% and
// 30%; pieces in between are left out. The same set, count and seed give the same
// pieces on any number of cores.
func Pieces(set *dataset.Set, count int, seed uint64) (*dataset.Set, error) {
	if set.Rows != dataset.Side || set.Cols != dataset.Side || set.Count == 0 {
		return nil, fmt.Errorf("pieces: %d images of %dx%d (expected %dx%d digits)", set.Count, set.Rows, set.Cols, dataset.Side, dataset.Side)
	}
	x := dataset.Floats(set)
	chunks := make([]*dataset.Set, (count+piecesPerChunk-1)/piecesPerChunk)
	errs := make([]error, len(chunks))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(chunks)) {
		wg.Go(func() {
			for c := range next {
				chunks[c], errs[c] = piecesChunk(set, x, min(piecesPerChunk, count-c*piecesPerChunk), rand.New(rand.NewPCG(seed, uint64(c))))
			}
		})
	}
	for c := range chunks {
		next <- c
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("pieces: %w", err)
	}
	out := &dataset.Set{Images: dataset.Images{Rows: dataset.Side, Cols: dataset.Side}}
	for _, c := range chunks {
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
	groups := groupMarks(page.Marks)
	if len(groups) == 0 || len(groups) > MaxDigits {
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
	g0, g1 := groups[0].x0, groups[0].x1
	for _, g := range groups {
		g0, g1 = min(g0, g.x0), max(g1, g.x1)
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
				return pieceWhole, true
			}
			if holds(d, 0.7, 0.3) {
				return 0, false
			}
		}
		return pieceNot, true
	}
	height := medianHeight(groups)
	for _, g := range groups {
		h := max(float64(g.y1-g.y0), height)
		if float64(g.x1-g.x0) <= DefaultCutting.From*h {
			continue
		}
		cuts := cutCandidates(columnInk(page, g), g.x0)
		for i, j := range spans(cuts, h) {
			a, b := cuts[i], cuts[j]
			l, ok := label(a, b)
			if !ok {
				continue
			}
			px, err := window(page, g, a, b)
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
}
