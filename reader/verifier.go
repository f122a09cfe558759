package reader

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sync"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/preprocess"
)

// The built-in verifier: a LeNet-5 (the seed's) that tells a piece of ink that is one
// whole digit from one that is two digits or a part of one, trained by docs/verifier.sh
// on 200,000 pieces (internal/tune's Pieces, cut by CutPieces) from numbers made of the
// 55,000 training images the built-in model trained on (never its 5,000 held-out ones,
// which chose Cutting, nor the test images): `lenet train --dataset pieces --data pieces
// --no-augment --val 5000`, a two-class network whose manifest says it classifies
// dataset.Pieces.
//
//go:embed verifier
var verifierFS embed.FS

// BuiltinVerifier loads the built-in verifier (once).
var BuiltinVerifier = sync.OnceValues(func() (*checkpoints.Model, error) {
	return builtinModel(verifierFS, "verifier", verifierModel)
})

// builtinModel loads the built-in model embedded in fsys's folder dir ("verifier",
// "gate"), named "the built-in " and dir, and checks it with check.
func builtinModel(fsys fs.FS, dir string, check func(*checkpoints.Model) error) (*checkpoints.Model, error) {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("built-in %s: %w", dir, err)
	}
	m, err := checkpoints.LoadModelFS(sub, "(built-in "+dir+")")
	if err != nil {
		return nil, err
	}
	m.Name = "the built-in " + dir
	if m.Dataset, err = dataset.Lookup(m.Manifest.Hyper.Dataset); err != nil {
		return nil, fmt.Errorf("built-in %s: %w", dir, err)
	}
	if err := check(m); err != nil {
		return nil, err
	}
	return m, nil
}

// verifierModel says why m is not a verifier (a model of dataset.Pieces), or nil.
func verifierModel(m *checkpoints.Model) error {
	return classifies(m, dataset.Pieces, "whether a piece of ink is one whole digit: it cannot verify pieces")
}

// The verifier's two classes (dataset.Pieces's): a piece that is not one whole digit
// (two digits, or a part of one), and one that is.
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
// of writing (the groups wider than From digit heights, every span between two cut
// candidates), cut as the built-in verifier's training pieces were (VerifierCutting),
// group by group left to right, and the columns [x0, x1) the groups span: what the
// verifier is trained on (internal/tune). None for a page of more than MaxDigits groups.
func CutPieces(page *preprocess.Page) (x0, x1 int, pieces []Piece) {
	c := VerifierCutting
	groups := groupMarks(page.Marks, c.Merge)
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
		if float64(g.x1-g.x0) <= c.From*h {
			continue
		}
		cuts := cutCandidates(columnInk(page, g), g.x0, c)
		for i, j := range spans(cuts, h, c) {
			pieces = append(pieces, Piece{X0: cuts[i], X1: cuts[j], page: page, g: g})
		}
	}
	return x0, x1, pieces
}

// Cutting says how the reader finds digits in a line's marks: which it groups, which
// groups it tries as several digits, and how it cuts them.
type Cutting struct {
	From   float64 // a group is tried as several digits from this width, in digit heights
	Weight float64 // the verifier's log probability's weight in a piece's score
	// A piece is Narrowest to Widest digit heights wide; its ends are among at most
	// MaxCuts columns of a group, each the thinnest of the Span columns around it.
	Narrowest, Widest float64
	MaxCuts, Span     int
	// Marks that share Merge of the narrower one's columns are one group (a 5's flag);
	// groups lower than Smallest times the tallest are dropped (dots, dashes, specks).
	Merge, Smallest float64
}

// DefaultCutting was chosen on pictures made of the built-in model's 5,000 held-out
// training images (docs/reading.md's tables), in two steps: first the knobs other than
// From and Weight by internal/tune's Knobs (`go run ./internal/tools/tune knobs`: each
// knob's value that read the most, then all of them together against the values
// before, VerifierCutting's: 1,053 of 1,200 pictures read whole against 1,043), then
// From and Weight with those knobs by its ChooseCutting (`go run ./internal/tools/tune
// cutting`: the most numbers read whole, touching and separated alike: 742 of 800).
var DefaultCutting = Cutting{From: 0.6, Weight: 0.25, Narrowest: 0.12, Widest: 1.3, MaxCuts: 40, Span: 3, Merge: 0.3, Smallest: 0.45}

// VerifierCutting is how the built-in verifier's training pieces were cut (CutPieces):
// the cutting before internal/tune's Knobs chose DefaultCutting's knobs around it. The
// verifier judges a piece's view, whatever cut it; docs/verifier.sh makes the same
// verifier from these pieces.
var VerifierCutting = Cutting{From: 0.6, Weight: 0.1, Narrowest: 0.12, Widest: 1.15, MaxCuts: 40, Span: 5, Merge: 0.5, Smallest: 1.0 / 3}

// check says what is wrong with c.
func (c Cutting) check() error {
	if c.Narrowest <= 0 || c.Widest <= c.Narrowest || c.From < c.Narrowest || c.Weight < 0 ||
		c.MaxCuts < 2 || c.Span < 3 || c.Span%2 == 0 || c.Merge <= 0 || c.Merge > 1 || c.Smallest < 0 || c.Smallest >= 1 {
		return fmt.Errorf("cutting %+v: expected 0 < Narrowest < Widest, From at least Narrowest, Weight at least 0, MaxCuts at least 2, an odd Span of at least 3, Merge in (0, 1] and Smallest in [0, 1)", c)
	}
	return nil
}

// UseVerifier makes r score pieces with the verifier m (a two-class model of
// dataset.Pieces, as the built-in one is; anything else is refused with the reason) and
// cut as c says; a nil m reads without one, cutting only
// groups wider than 1.1 digit heights by the digit model's probabilities alone. Call it
// before reading, not while another goroutine reads with r.
func (r *Reader) UseVerifier(m *checkpoints.Model, c Cutting) error {
	if err := c.check(); err != nil {
		return err
	}
	if m != nil {
		if err := verifierModel(m); err != nil {
			return err
		}
	}
	return r.renew(func() { r.verifier, r.cut = m, c })
}

// renew changes r's models (change, with r.mu held) and makes one engine with them: a
// model the machines cannot run fails here, not at the first read. The engines made
// with the old ones and not in use are closed.
func (r *Reader) renew(change func()) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.closeIdle()
	change()
	e, err2 := r.newEngine()
	if err2 != nil {
		return errors.Join(err, err2)
	}
	r.made++
	r.idle <- e
	return err
}
