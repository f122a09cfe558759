package reader

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sync"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/preprocess"
)

// The built-in verifier: a LeNet-5 (the seed's) that tells a piece of ink that is one
// whole digit from one that is two digits or a part of one, trained by docs/verifier.sh
// on 200,000 pieces (internal/tune's Pieces, of CutPieces) cut from numbers made of the 55,000 training images the
// built-in model trained on (never its 5,000 held-out ones, which chose Cutting, nor the
// test images): `lenet train --data pieces --no-augment --val 5000`, the pieces in
// MNIST's file format (so its manifest says mnist: the files' layout and ten outputs,
// of which it uses 0, not one digit, and 1, one digit).
//
//go:embed verifier
var verifierFS embed.FS

// BuiltinVerifier loads the built-in verifier (once).
var BuiltinVerifier = sync.OnceValues(func() (*checkpoints.Model, error) {
	sub, err := fs.Sub(verifierFS, "verifier")
	if err != nil {
		return nil, fmt.Errorf("built-in verifier: %w", err)
	}
	return checkpoints.LoadModelFS(sub, "(built-in verifier)")
})

// The verifier's two classes, in a ten-class LeNet-5 whose other eight are never
// taught (lenet's networks have ten outputs): a piece that is not one whole digit (two
// digits, or a part of one), and one that is.
const (
	NotOneDigit = 0
	OneDigit    = 1
)

// Piece is a span of columns of a group of ink that the reader scores as one digit
// while cutting the group into digits.
type Piece struct {
	X0, X1 int // its columns on the page
	page   *preprocess.Page
	g      *group
}

// View is what the verifier judges p by: its columns of the group's ink, the group's
// full height (preprocess.Page.Window).
func (p Piece) View() ([]float32, error) { return window(p.page, p.g, p.X0, p.X1) }

// CutPieces are the pieces the reader scores in page's groups of ink taken as one line
// of writing (the groups wider than DefaultCutting.From digit heights, every span
// between two cut candidates), group by group left to right, and the columns [x0, x1)
// the groups span: what the verifier is trained on (internal/tune). None for a page of
// more than MaxDigits groups.
func CutPieces(page *preprocess.Page) (x0, x1 int, pieces []Piece) {
	groups := groupMarks(page.Marks)
	if len(groups) == 0 || len(groups) > MaxDigits {
		return 0, 0, nil
	}
	x0, x1 = groups[0].x0, groups[0].x1
	for _, g := range groups {
		x0, x1 = min(x0, g.x0), max(x1, g.x1)
	}
	height := medianHeight(groups)
	for _, g := range groups {
		h := max(float64(g.y1-g.y0), height)
		if float64(g.x1-g.x0) <= DefaultCutting.From*h {
			continue
		}
		cuts := cutCandidates(columnInk(page, g), g.x0)
		for i, j := range spans(cuts, h) {
			pieces = append(pieces, Piece{X0: cuts[i], X1: cuts[j], page: page, g: g})
		}
	}
	return x0, x1, pieces
}

// Cutting says when and how the reader cuts a group of ink into digits.
type Cutting struct {
	From   float64 // a group is tried as several digits from this width, in digit heights
	Weight float64 // the verifier's log probability's weight in a piece's score
}

// DefaultCutting was chosen on numbers made of the built-in model's 5,000 held-out
// training images (internal/tune's ChooseCutting, `go run ./internal/tools/tune
// cutting`): the most read whole, touching and separated alike.
var DefaultCutting = Cutting{From: 0.6, Weight: 0.1}

// UseVerifier makes r score pieces with the verifier m (a model trained on Pieces, as
// the built-in one is) and cut as c says; a nil m reads without one, cutting only
// groups wider than 1.1 digit heights by the digit model's probabilities alone. Call it
// before reading, not while another goroutine reads with r.
func (r *Reader) UseVerifier(m *checkpoints.Model, c Cutting) error {
	if c.From < 0.12 || c.Weight < 0 {
		return fmt.Errorf("cutting %+v: expected From at least 0.12 and Weight at least 0", c)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.closeIdle() // made with the old verifier
	r.verifier, r.cut = m, c
	// One engine now: a model the machines cannot run fails here, not at the first read.
	e, err2 := r.newEngine()
	if err2 != nil {
		return errors.Join(err, err2)
	}
	r.made++
	r.idle <- e
	return err
}
