// Package reader reads the digits people write, one or many, in photos and scans: a
// postcode, a date, a meter reading. It finds each digit in the picture (pieces of ink
// that belong together merged, digits that touch split where a second network, the
// verifier, judges each piece one whole digit), reads them left to right with a LeNet-5
// (one or a committee) and says which ones it is sure of: a digit is sure when the
// model's probability is high and a third network, the gate, finds the ink it was read
// from is writing of digits at all (not a letter, a scribble, a picture).
//
//	reading, err := reader.Read(ctx, img) // the built-in model
//	fmt.Println(reading.Text)            // "2026", or "20?6" when unsure of a digit
package reader

import (
	"context"
	"errors"
	"fmt"
	"image"
	"iter"
	"math"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/internal/knobs"
	"github.com/lenet/lenet/preprocess"
)

// SureAt is the probability from which a digit counts as sure. It was chosen on the
// 5,000 training images the built-in committee held out from training, drawn as phone
// photos (internal/tune's ChooseSureAt; TestChooseSureAt holds it): the lowest
// threshold, in steps of 0.05, at which its sure answers were right 99.7% of the time
// (99.74%, sure of 99.2% of the images, with the preprocessing that finds ink on any
// paper). The test set did not choose it.
const SureAt = 0.75

// MaxDigits bounds how many digits one picture may hold: a picture of a hundred
// thousand specks gives at most this many, quickly.
const MaxDigits = 64

// MaxPieces bounds the pieces the reader scores in one picture while cutting groups
// into digits (each is read by the model and the verifier, in batches: about 0.3 ms with
// the built-in committee of nine, BenchmarkPieces, so at most about 0.3 s): a photo of
// six touching test digits needs about 60 (at most about 120), six digits apart about
// 30; past the bound, groups are read as one digit each.
const MaxPieces = 1024

// pieceBatch is how many pieces one run of a network scores: a group's pieces are known
// before any is scored, so they go in batches. With the built-in committee on one core
// (BenchmarkCommitteeBatch, 2026-12-06) an image took 253 us alone, 123 in batches of 4,
// 99 of 8, 88 of 16, 80 of 32 and 78 of 64: past 16 little is gained, and a group has
// 10-100 pieces. A batch of 16 costs about 5.6 images alone, so a remainder of fewer
// than fewestBatched goes one piece at a time rather than in a batch mostly padding. An
// image's probabilities are the same bits in either (graph.NewSerialCommittee).
const (
	pieceBatch    = 16
	fewestBatched = 5
)

// ErrNoDigits is returned for a picture with no digits in it, ErrTooManyDigits for one
// with more than MaxDigits.
var (
	ErrNoDigits      = errors.New("no digits found")
	ErrTooManyDigits = fmt.Errorf("over %d digits in the picture", MaxDigits)
)

// Digit is one digit read.
type Digit struct {
	Digit       int     `json:"digit"`
	Probability float64 `json:"probability"` // the model's probability of Digit
	// DigitLike is the gate's probability that the ink the digit was read from is
	// writing of digits at all, not a letter, a symbol, a scribble or a picture: its
	// group of ink's, or for a group wider than a digit cut into several, the group's
	// or its least digit-like digit's, whichever is more, and no more than its line's
	// median group's, nor, in a picture with ink plainly not writing and no line likely
	// writing, than that ink's (Reader.judge); 1 for a reader without a gate.
	DigitLike float64   `json:"digit_like"`
	Sure      bool      `json:"sure"` // Probability >= SureAt and DigitLike >= the reader's gate threshold (GateAt)
	Box       [4]int    `json:"box"`  // [x0, y0, x1, y1] in the picture's pixels
	Line      int       `json:"line"` // the line of writing it is in, 0 the top one
	Second    int       `json:"-"`    // the next most probable digit
	glyph     []float32 // what the digit model read, while Read gathers what the gate judges
	cut       bool      // read from ink the picture's edge cuts and the gate finds unlike a digit
}

// Reading is what a picture says: its lines of writing top to bottom, the digits of
// each left to right.
type Reading struct {
	File   string  `json:"file,omitempty"` // the file read, if it came from one (ReadFile)
	Text   string  `json:"text"`           // the digits, '?' for each one not sure, a newline between lines
	Digits []Digit `json:"digits"`
}

// Reader reads pictures with one model. It is safe for concurrent use: up to one read a
// core runs at once, each on an engine of its own (the models' machines), made when
// first needed and kept for the next read.
type Reader struct {
	model    *checkpoints.Model
	verifier *checkpoints.Model // nil for none
	cut      Cutting
	gate     *checkpoints.Model // nil for none
	gateAt   float64
	batch    int // pieces a network run scores (pieceBatch; 1 in tests of the batching)

	idle   chan *engine // engines not in use
	mu     sync.Mutex
	made   int // engines made and not closed
	closed bool
}

// engine is what one read runs on: the digit model, the verifier and the gate, each on
// one machine at batch 1 and at r.batch.
type engine struct {
	one, many         *graph.Evaluator
	verOne, verMany   *graph.Evaluator // nil without a verifier
	gateOne, gateMany *graph.Evaluator // nil without a gate
}

// New reads with the model m (a digit model: ten classes 0-9), one network or a
// committee, the built-in verifier and the built-in gate (at GateAt). It refuses a
// model trained on another data set (Fashion-MNIST's clothes), with the reason.
func New(m *checkpoints.Model) (*Reader, error) {
	return newReader(m, pieceBatch)
}

// digitModel says why m is not a model of the digits 0-9, or nil: the data set it
// classifies (m.Dataset, settled by checkpoints.Open, or its manifest's) must be
// MNIST's, and it must have ten outputs.
func digitModel(m *checkpoints.Model) error {
	return classifies(m, dataset.MNIST, "the digits 0-9: it cannot read numbers")
}

// classifies says why m is not a model of want's classes, or nil; what names them.
func classifies(m *checkpoints.Model, want dataset.Dataset, what string) error {
	name := m.Dataset.Name
	if name == "" && m.Manifest != nil {
		name = m.Manifest.Hyper.Dataset
	}
	if name == "" {
		name = dataset.MNIST.Name // checkpoints from before the choice of data set
	}
	if name != want.Name {
		title := name
		if d, err := dataset.Lookup(name); err == nil {
			title = d.Title
		}
		return fmt.Errorf("reader: %s classifies %s, not %s", m.Name, title, what)
	}
	if n := m.Params.Arch.Classes; n != len(want.Classes) {
		return fmt.Errorf("reader: %s has %d outputs, not %s's %d: not %s", m.Name, n, want.Title, len(want.Classes), what)
	}
	return nil
}

// newReader is New scoring batch pieces a run.
func newReader(m *checkpoints.Model, batch int) (*Reader, error) {
	if err := digitModel(m); err != nil {
		return nil, err
	}
	r := &Reader{model: m, batch: batch, idle: make(chan *engine, runtime.GOMAXPROCS(0))}
	v, err := BuiltinVerifier()
	if err != nil {
		return nil, err
	}
	gate, err := BuiltinGate()
	if err != nil {
		return nil, err
	}
	// The built-ins were checked as they loaded: one engine with both, not one each.
	if err := r.renew(func() { r.verifier, r.cut, r.gate, r.gateAt = v, DefaultCutting, gate, GateAt }); err != nil {
		return nil, err
	}
	return r, nil
}

// Close releases the models' machines. Call it once no read is under way.
func (r *Reader) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	return r.closeIdle()
}

// closeIdle closes the engines not in use (r.mu held).
func (r *Reader) closeIdle() error {
	var errs []error
	for {
		select {
		case e := <-r.idle:
			errs = append(errs, e.close())
			r.made--
		default:
			return errors.Join(errs...)
		}
	}
}

// engine takes an engine not in use, makes one while there are fewer than the cores,
// or waits for one until ctx ends.
func (r *Reader) engine(ctx context.Context) (*engine, error) {
	select {
	case e := <-r.idle:
		return e, nil
	default:
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, errors.New("read: the reader is closed")
	}
	if r.made < cap(r.idle) {
		r.made++
		r.mu.Unlock()
		e, err := r.newEngine()
		if err != nil {
			r.mu.Lock()
			r.made--
			r.mu.Unlock()
		}
		return e, err
	}
	r.mu.Unlock()
	select {
	case e := <-r.idle:
		return e, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// release gives e back for the next read.
func (r *Reader) release(e *engine) { r.idle <- e }

func (r *Reader) newEngine() (*engine, error) {
	e := &engine{}
	var err error
	evaluator := func(m *checkpoints.Model, batch int) *graph.Evaluator {
		if err != nil {
			return nil
		}
		var ev *graph.Evaluator
		ev, err = graph.NewSerialCommittee(m.Networks(), m.Temperature, batch)
		return ev
	}
	e.one, e.many = evaluator(r.model, 1), evaluator(r.model, r.batch)
	if r.verifier != nil {
		e.verOne, e.verMany = evaluator(r.verifier, 1), evaluator(r.verifier, r.batch)
	}
	if r.gate != nil {
		e.gateOne, e.gateMany = evaluator(r.gate, 1), evaluator(r.gate, r.batch)
	}
	if err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

func (e *engine) close() error {
	var errs []error
	for _, ev := range []*graph.Evaluator{e.one, e.many, e.verOne, e.verMany, e.gateOne, e.gateMany} {
		if ev != nil {
			errs = append(errs, ev.Close())
		}
	}
	return errors.Join(errs...)
}

// probabilities are the probabilities of the images x (a whole number of 28x28 images)
// by one and many, the same model at batch 1 and at batch: whole batches through many,
// a remainder through one when it is small.
func probabilities(one, many *graph.Evaluator, batch int, x []float32) ([]float64, error) {
	n := len(x) / dataset.Pixels
	whole := n - n%batch
	if n%batch >= fewestBatched {
		whole = n
	}
	var out []float64
	if whole > 0 {
		p, err := many.Probabilities(x[:whole*dataset.Pixels])
		if err != nil {
			return nil, err
		}
		out = p
	}
	if whole < n {
		p, err := one.Probabilities(x[whole*dataset.Pixels:])
		if err != nil {
			return nil, err
		}
		out = append(out, p...)
	}
	return out, nil
}

// builtin is the reader of the built-in model, made at the first Read.
var builtin = sync.OnceValues(func() (*Reader, error) {
	p, err := checkpoints.LoadDefault()
	if err != nil {
		return nil, err
	}
	return New(p)
})

// Read reads img with the built-in model.
func Read(ctx context.Context, img image.Image) (Reading, error) {
	r, err := builtin()
	if err != nil {
		return Reading{}, err
	}
	return r.Read(ctx, img)
}

// ReadFile reads the PNG, JPEG or GIF file path (bounded as preprocess.Decode bounds
// it); errors name the file.
func (r *Reader) ReadFile(ctx context.Context, path string) (Reading, error) {
	f, err := os.Open(path)
	if err != nil {
		return Reading{}, err
	}
	defer f.Close()
	img, err := preprocess.Decode(f)
	if err != nil {
		return Reading{}, fmt.Errorf("%s: %w", path, err)
	}
	reading, err := r.Read(ctx, img)
	if err != nil {
		return Reading{}, fmt.Errorf("%s: %w", path, err)
	}
	reading.File = path
	return reading, nil
}

// group is the marks of one digit (or of several that touch) and their box.
type group struct {
	marks          []preprocess.Mark
	x0, y0, x1, y1 int
}

func (g *group) add(m preprocess.Mark) {
	if len(g.marks) == 0 {
		g.x0, g.y0, g.x1, g.y1 = m.X0, m.Y0, m.X1, m.Y1
	}
	g.marks = append(g.marks, m)
	g.x0, g.y0, g.x1, g.y1 = min(g.x0, m.X0), min(g.y0, m.Y0), max(g.x1, m.X1), max(g.y1, m.Y1)
}

// Read finds and reads every digit in img. A picture without ink, or whose ink holds
// no digit-sized marks, is ErrNoDigits. When ctx ends first, Read stops between groups
// of ink (a few milliseconds apart at most) and returns ctx's error.
func (r *Reader) Read(ctx context.Context, img image.Image) (Reading, error) {
	page, err := preprocess.Analyse(img)
	if errors.Is(err, preprocess.ErrBlank) {
		return Reading{}, ErrNoDigits
	}
	if err != nil {
		return Reading{}, err
	}
	if err := ctx.Err(); err != nil {
		return Reading{}, err
	}
	e, err := r.engine(ctx)
	if err != nil {
		return Reading{}, err
	}
	defer r.release(e)
	var reading Reading
	budget := MaxPieces
	line := 0
	var glyphs []float32 // what the gate judges: each group read, and some of their digits
	var read []groupRead
	for _, groups := range lineGroups(inside(page), r.cut) {
		height := medianHeight(groups)
		found := false
		for _, g := range groups {
			if err := ctx.Err(); err != nil {
				return Reading{}, err
			}
			digits, err := r.readGroup(e, page, g, height, &budget)
			if err != nil {
				return Reading{}, err
			}
			for i := range digits {
				digits[i].Line = line
			}
			if len(digits) > 0 && e.gateOne != nil {
				v, err := groupGlyph(page, g)
				if err != nil { // the group's digits hold ink, so it does
					return Reading{}, err
				}
				gr := groupRead{from: len(reading.Digits), to: len(reading.Digits) + len(digits), glyph: len(glyphs) / dataset.Pixels,
					edge: page.AtEdge(g.x0, g.y0, g.x1, g.y1)}
				glyphs = append(glyphs, v...)
				// A group wider than one digit may be (r.cut.Widest) and cut into several
				// is judged by its digits too; a narrower one may be a letter the reader
				// cut into strokes (an M as "14"), judged as a whole.
				if gr.pieces = len(digits) > 1 && float64(g.x1-g.x0) > r.cut.Widest*max(height, float64(g.y1-g.y0)); gr.pieces {
					for _, d := range digits {
						glyphs = append(glyphs, d.glyph...)
					}
				}
				read = append(read, gr)
			}
			for i := range digits {
				digits[i].glyph = nil // a slice of the group's pieces: not kept in the reading
			}
			found = found || len(digits) > 0
			reading.Digits = append(reading.Digits, digits...)
			if len(reading.Digits) > MaxDigits {
				return Reading{}, ErrTooManyDigits
			}
		}
		if found {
			line++
		}
	}
	if len(reading.Digits) == 0 { // marks too faint or small to make a digit of
		return Reading{}, ErrNoDigits
	}
	if err := r.judge(e, glyphs, read, reading.Digits); err != nil {
		return Reading{}, err
	}
	if reading.Digits = uncut(reading.Digits); len(reading.Digits) == 0 {
		return Reading{}, ErrNoDigits
	}
	// A page pixel averages up to Scale picture pixels a side: the last column or row
	// may hold fewer, so a box is kept inside the picture.
	b := img.Bounds()
	for i := range reading.Digits {
		box := &reading.Digits[i].Box
		box[2], box[3] = min(box[2], b.Dx()), min(box[3], b.Dy())
	}
	var text strings.Builder
	for i, d := range reading.Digits {
		if i > 0 && d.Line != reading.Digits[i-1].Line {
			text.WriteByte('\n')
		}
		if d.Sure {
			text.WriteByte(byte('0' + d.Digit))
		} else {
			text.WriteByte('?')
		}
	}
	reading.Text = text.String()
	return reading, nil
}

// GroupGlyphs are the glyphs of the groups of ink Read reads on page, top line first,
// each left to right: a group's marks in its columns as one MNIST-like image
// (preprocess.Page.Glyph), however many digits the reader cuts it into. The gate judges
// these (whether the group is writing of digits at all); internal/tune makes its
// training data with them. A group whose glyph holds no ink is left out.
func GroupGlyphs(page *preprocess.Page) ([][]float32, error) {
	var out [][]float32
	for _, groups := range lineGroups(inside(page), DefaultCutting) {
		for _, g := range groups {
			v, err := groupGlyph(page, g)
			if errors.Is(err, preprocess.ErrBlank) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
	}
	return out, nil
}

// groupGlyph is the glyph of the whole group g: what the gate judges.
func groupGlyph(page *preprocess.Page, g *group) ([]float32, error) {
	return page.Glyph(g.marks, g.x0, g.x1)
}

// inside is the page's marks less those that touch the picture's edge and are not like
// the writing clear of it: of a digit's height (0.6 to 1.6 times the median height of
// the marks that do not touch it), not a thin line (at least a fifth as wide as high)
// and of a digit's ink (at least 0.6 times their median mean ink). A photo frames the
// writing; what the edge cuts is mostly a shadow's corner, a fold or the desk. With no
// mark clear of the edge, it is all of them.
func inside(page *preprocess.Page) []preprocess.Mark {
	edge := func(m preprocess.Mark) bool { return page.AtEdge(m.X0, m.Y0, m.X1, m.Y1) }
	var heights, inks []float64
	for _, m := range page.Marks {
		if !edge(m) {
			heights = append(heights, float64(m.Y1-m.Y0))
			inks = append(inks, m.Ink())
		}
	}
	if len(heights) == 0 {
		return page.Marks
	}
	slices.Sort(heights)
	slices.Sort(inks)
	height, ink := heights[len(heights)/2], inks[len(inks)/2]
	var in []preprocess.Mark
	for _, m := range page.Marks {
		h := float64(m.Y1 - m.Y0)
		if !edge(m) || (h >= 0.6*height && h <= 1.6*height && float64(m.X1-m.X0) >= 0.2*h && m.Ink() >= 0.6*ink) {
			in = append(in, m)
		}
	}
	return in
}

// lineGroups puts marks into lines of writing, top to bottom, and each line's marks into
// groups, left to right (groupMarks); groups lower than c.Smallest times the tallest of
// all (dots, dashes, specks the page kept) are dropped, and so are lines left with none
// and lines of faint bars beside others (offBars).
// A mark belongs to a line when half of it, or half of the line's tallest mark, lies in
// the rows the line spans; the tallest marks found the lines.
func lineGroups(marks []preprocess.Mark, c Cutting) [][]*group {
	byHeight := slices.Clone(marks)
	slices.SortStableFunc(byHeight, func(a, b preprocess.Mark) int { return (b.Y1 - b.Y0) - (a.Y1 - a.Y0) })
	type line struct {
		y0, y1, tallest int
		marks           []preprocess.Mark
	}
	var lines []*line
	for _, m := range byHeight {
		var in *line
		for _, l := range lines {
			if overlap := min(l.y1, m.Y1) - max(l.y0, m.Y0); 2*overlap >= min(l.tallest, m.Y1-m.Y0) {
				in = l
				break
			}
		}
		if in == nil {
			if len(lines) > MaxDigits { // a picture of specks: no more lines than digits
				continue
			}
			in = &line{y0: m.Y0, y1: m.Y1, tallest: m.Y1 - m.Y0}
			lines = append(lines, in)
		}
		in.marks = append(in.marks, m)
		in.y0, in.y1 = min(in.y0, m.Y0), max(in.y1, m.Y1)
	}
	slices.SortStableFunc(lines, func(a, b *line) int { return a.y0 - b.y0 })
	var out [][]*group
	tallest := 0
	for _, l := range lines {
		slices.SortStableFunc(l.marks, func(a, b preprocess.Mark) int { return a.X0 - b.X0 })
		groups := groupMarks(l.marks, c.Merge)
		for _, g := range groups {
			tallest = max(tallest, g.y1-g.y0)
		}
		out = append(out, groups)
	}
	n := 0
	for _, groups := range out {
		var kept []*group
		for _, g := range groups {
			if float64(g.y1-g.y0) >= c.Smallest*float64(tallest) {
				kept = append(kept, g)
			}
		}
		if len(kept) > 0 {
			out[n] = kept
			n++
		}
	}
	return offBars(out[:n])
}

// offBars drops the lines of writing made only of faint bars, when other lines remain:
// each group one mark that is a bar (preprocess.Mark.Bar), whose ink is under faintBar
// times the median of the other lines' marks. What a squared page's faint
// upright lines leave where the eraser missed them, alone or apart in the picture's
// columns, is read as a line of 1s of its own; a 1 written with the pen of the other
// lines is as dark as their digits.
func offBars(lines [][]*group) [][]*group {
	if len(lines) < 2 {
		return lines
	}
	bars := func(groups []*group) bool {
		for _, g := range groups {
			if len(g.marks) != 1 || !g.marks[0].Bar() {
				return false
			}
		}
		return true
	}
	var kept [][]*group
	for i, groups := range lines {
		if bars(groups) {
			var others []float64
			for j, gs := range lines {
				if j == i {
					continue
				}
				for _, g := range gs {
					for _, m := range g.marks {
						others = append(others, m.Ink())
					}
				}
			}
			slices.Sort(others)
			faint := true
			for _, g := range groups {
				faint = faint && g.marks[0].Ink() < faintBar*others[len(others)/2]
			}
			if faint {
				continue
			}
		}
		kept = append(kept, groups)
	}
	return kept // the line with the darkest mark is kept: it is no fainter than the others
}

// faintBar is how much fainter than the other lines' writing a line's bars are at most
// to be dropped: set from the held-out failures it was made for (bars 0.63-0.81 of the
// writing's ink, seed 5), measured at this value only (docs/reading.md).
const faintBar = 0.85

// groupMarks puts marks that share at least merge of the narrower one's columns into one
// group (a 5's flag, the broken stroke of a 4) and orders the groups left to right.
func groupMarks(marks []preprocess.Mark, merge float64) []*group {
	var groups []*group
	for _, m := range marks { // marks come left to right
		merged := false
		for _, g := range groups {
			overlap := min(g.x1, m.X1) - max(g.x0, m.X0)
			if float64(overlap) >= merge*float64(min(g.x1-g.x0, m.X1-m.X0)) {
				g.add(m)
				merged = true
				break
			}
		}
		if !merged {
			g := &group{}
			g.add(m)
			groups = append(groups, g)
		}
	}
	sort.SliceStable(groups, func(i, j int) bool { return groups[i].x0+groups[i].x1 < groups[j].x0+groups[j].x1 })
	return groups
}

// medianHeight is the median height of the groups: a digit's height on the page.
func medianHeight(groups []*group) float64 {
	var hs []int
	for _, g := range groups {
		hs = append(hs, g.y1-g.y0)
	}
	sort.Ints(hs)
	return float64(hs[len(hs)/2])
}

// readGroup reads one group: as one digit when it is no wider than r.cut.From times the
// digits' height on the page (or its own); else as one or more digits, cut by vertical
// cuts. The cuts are chosen among the columns where the ink is thinnest (local minima of
// the ink per column over r.cut.Span columns, at most r.cut.MaxCuts of them) by dynamic
// programming: the pieces, each r.cut.Narrowest to r.cut.Widest heights wide, with the
// greatest sum of scores, a piece's score being the log of the model's probability for
// its digit plus r.cut.Weight times the log of the verifier's probability that it is
// one whole digit (not two, not a part of one).
// Without a verifier a group is cut only from 1.1 heights wide: the start of the reader
// before its verifier (touching numbers 72.7-74.5% read whole with it, docs/reading.md),
// not measured since; 1% of MNIST's training digits are wider than 1.43 heights.
// Every piece is scored, in batches, before the pieces are chosen.
//
// The pieces scored in one picture are at most *budget: a group whose pieces would
// exceed what is left of it is read as one digit, and the rest is left for the others.
func (r *Reader) readGroup(e *engine, page *preprocess.Page, g *group, height float64, budget *int) ([]Digit, error) {
	w, h := g.x1-g.x0, max(float64(g.y1-g.y0), height)
	whole := func() ([]Digit, error) {
		ds, _, err := r.readPieces(e, page, g, [][2]int{{g.x0, g.x1}})
		if err != nil || ds[0] == nil {
			return nil, err
		}
		return []Digit{*ds[0]}, nil
	}
	from := 1.1
	if r.verifier != nil {
		from = r.cut.From
	}
	if float64(w) <= from*h {
		return whole()
	}
	cuts := cutCandidates(columnInk(page, g), g.x0, r.cut)
	var ends [][2]int // the pieces' indices into cuts
	for i, j := range spans(cuts, h, r.cut) {
		ends = append(ends, [2]int{i, j})
	}
	if len(ends) > *budget {
		return whole()
	}
	*budget -= len(ends)
	cols := make([][2]int, len(ends))
	for k, ij := range ends {
		cols[k] = [2]int{cuts[ij[0]], cuts[ij[1]]}
	}
	ds, scores, err := r.readPieces(e, page, g, cols)
	if err != nil {
		return nil, err
	}
	if e.verOne != nil {
		ones, err := r.oneDigits(e, page, g, cols, ds)
		if err != nil {
			return nil, err
		}
		for k, one := range ones {
			scores[k] += r.cut.Weight * math.Log(max(one, 1e-9))
		}
	}
	n := len(cuts)
	best := make([]float64, n) // best[j]: the best score of pieces from cuts[0] to cuts[j]
	prev := make([]int, n)
	piece := make([]*Digit, n)
	for j := 1; j < n; j++ {
		best[j] = math.Inf(-1)
	}
	for k, ij := range ends {
		i, j := ij[0], ij[1]
		if math.IsInf(best[i], -1) || ds[k] == nil {
			continue
		}
		if best[i]+scores[k] > best[j] {
			best[j], prev[j], piece[j] = best[i]+scores[k], i, ds[k]
		}
	}
	if math.IsInf(best[n-1], -1) { // no way to cut it
		return whole()
	}
	var digits []Digit
	for j := n - 1; j > 0; j = prev[j] {
		digits = append(digits, *piece[j])
	}
	slices.Reverse(digits)
	return digits, nil
}

// oneDigits are the verifier's probabilities that the columns cols[k] of g hold one
// whole digit, for the pieces that hold ink (ds[k] not nil; 0 for the others).
func (r *Reader) oneDigits(e *engine, page *preprocess.Page, g *group, cols [][2]int, ds []*Digit) ([]float64, error) {
	ones := make([]float64, len(cols))
	var x []float32
	var which []int
	for k, c := range cols {
		if ds[k] == nil {
			continue
		}
		v, err := window(page, g, c[0], c[1])
		if errors.Is(err, preprocess.ErrBlank) {
			continue
		}
		if err != nil {
			return nil, err
		}
		x = append(x, v...)
		which = append(which, k)
	}
	probs, err := probabilities(e.verOne, e.verMany, r.batch, x)
	if err != nil {
		return nil, err
	}
	for n, k := range which {
		ones[k] = probs[n*len(dataset.Pieces.Classes)+OneDigit] // UseVerifier took a two-class model
	}
	return ones, nil
}

// window is what the verifier sees of the columns [x0, x1) of g: the piece in the
// group's full height.
func window(page *preprocess.Page, g *group, x0, x1 int) ([]float32, error) {
	return page.Window(g.marks, x0, g.y0-1, x1, g.y1+1)
}

// spans are the pieces between cuts (indices i < j) that may be one digit in a line
// h pixels high, c.Narrowest to c.Widest heights wide, each j after every piece ending
// before it.
func spans(cuts []int, h float64, c Cutting) iter.Seq2[int, int] {
	return func(yield func(int, int) bool) {
		for j := 1; j < len(cuts); j++ {
			for i := j - 1; i >= 0; i-- {
				pw := float64(cuts[j] - cuts[i])
				if pw > c.Widest*h {
					break
				}
				if pw >= c.Narrowest*h && !yield(i, j) {
					return
				}
			}
		}
	}
}

// cutCandidates are the group's edges and the columns (x0 + index into profile) where
// the ink per column is a local minimum over c.Span columns, at most c.MaxCuts, the
// thinnest first, in order.
func cutCandidates(profile []float64, x0 int, c Cutting) []int {
	var minima []int
	r := c.Span / 2
	for i := 1; i < len(profile)-1; i++ {
		lo := true
		for k := max(0, i-r); k <= min(len(profile)-1, i+r); k++ {
			if profile[k] < profile[i] || (profile[k] == profile[i] && k < i) {
				lo = false
			}
		}
		if lo {
			minima = append(minima, i)
		}
	}
	if len(minima) > c.MaxCuts-2 {
		sort.Slice(minima, func(a, b int) bool { return profile[minima[a]] < profile[minima[b]] })
		minima = minima[:c.MaxCuts-2]
		sort.Ints(minima)
	}
	cuts := []int{x0}
	for _, m := range minima {
		cuts = append(cuts, x0+m)
	}
	return append(cuts, x0+len(profile))
}

// readPieces reads the columns cols[k] of g each as one digit, with the log of its
// probability (nil if they hold no ink).
func (r *Reader) readPieces(e *engine, page *preprocess.Page, g *group, cols [][2]int) ([]*Digit, []float64, error) {
	ds, scores := make([]*Digit, len(cols)), make([]float64, len(cols))
	var x []float32
	var which []int
	for k, c := range cols {
		v, err := page.Glyph(g.marks, c[0], c[1])
		if errors.Is(err, preprocess.ErrBlank) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		x = append(x, v...)
		which = append(which, k)
	}
	probs, err := probabilities(e.one, e.many, r.batch, x)
	if err != nil {
		return nil, nil, err
	}
	sc := page.Scale
	for n, k := range which {
		p := probs[n*dataset.Digits : (n+1)*dataset.Digits]
		// The cutting scores a piece by the model's own probability (its knobs were
		// chosen so); the digit read is guessed once a 4's odds are raised.
		scores[k] = math.Log(max(slices.Max(p), 1e-9))
		raiseFour(p, knobs.FourOdds)
		d := guess(p)
		d.glyph = x[n*dataset.Pixels : (n+1)*dataset.Pixels]
		x0, x1 := cols[k][0], cols[k][1]
		d.Box = [4]int{int(float64(x0) * sc), int(float64(g.y0) * sc), int(math.Ceil(float64(x1) * sc)), int(math.Ceil(float64(g.y1) * sc))}
		ds[k] = &d
	}
	return ds, scores, nil
}

// raiseFour multiplies the odds of a 4 against a 9 in probs (one digit's) by odds,
// the two sharing what they had between them: the other digits keep their
// probabilities. It moves only digits the model is unsure of between the two: at odds
// 3, a 9 at 99% against a 4 at 1% stays a 9 at 97%, a 9 at 60% against a 4 at 40%
// becomes a 4 at 67%.
func raiseFour(probs []float64, odds float64) {
	four, nine := probs[4], probs[9]
	if odds == 1 || four+nine == 0 {
		return
	}
	both := four + nine
	probs[4] = both * odds * four / (odds*four + nine)
	probs[9] = both * nine / (odds*four + nine)
}

// columnInk is the ink in each column of g's box.
func columnInk(page *preprocess.Page, g *group) []float64 {
	prof := make([]float64, g.x1-g.x0)
	for y := g.y0; y < g.y1; y++ {
		for x := g.x0; x < g.x1; x++ {
			prof[x-g.x0] += page.Ink[y*page.W+x]
		}
	}
	return prof
}

// guess is the digit the probabilities favour, and the next one.
func guess(probs []float64) Digit {
	first, second := 0, 1
	if probs[1] > probs[0] {
		first, second = 1, 0
	}
	for i := 2; i < len(probs); i++ {
		switch {
		case probs[i] > probs[first]:
			first, second = i, first
		case probs[i] > probs[second]:
			second = i
		}
	}
	return Digit{Digit: first, Second: second, Probability: probs[first], DigitLike: 1, Sure: probs[first] >= SureAt}
}

// Describe says what a reading is in words, a line of writing a line (the ones after
// the first indented by two spaces): its text, then each digit with its probability,
// "not sure: 4 or 9" where the model is not sure.
func Describe(r Reading) string {
	var b strings.Builder
	lines := strings.Split(r.Text, "\n")
	for i, d := range r.Digits {
		switch {
		case i == 0:
			fmt.Fprintf(&b, "%s (", lines[0])
		case d.Line != r.Digits[i-1].Line:
			fmt.Fprintf(&b, ")\n  %s (", lines[min(d.Line, len(lines)-1)])
		default:
			b.WriteString(", ")
		}
		switch {
		case d.Sure:
			fmt.Fprintf(&b, "%d %.1f%%", d.Digit, 100*d.Probability)
		case d.Probability >= SureAt:
			fmt.Fprintf(&b, "not sure it is a digit: %d (%.1f%%, digit-like %.1f%%)", d.Digit, 100*d.Probability, 100*d.DigitLike)
		default:
			fmt.Fprintf(&b, "not sure: %d or %d (%.1f%%)", d.Digit, d.Second, 100*d.Probability)
		}
	}
	if len(r.Digits) > 0 {
		b.WriteString(")")
	}
	return b.String()
}

// Unsure says "not sure: 4 or 9 (55.1% / 30.2%)" when probs (a digit's) fall short of
// SureAt, and reports whether they do.
func Unsure(probs []float64) (string, bool) {
	d := guess(probs)
	if d.Sure {
		return "", false
	}
	return fmt.Sprintf("not sure: %d or %d (%.1f%% / %.1f%%)", d.Digit, d.Second, 100*probs[d.Digit], 100*probs[d.Second]), true
}
