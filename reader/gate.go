package reader

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sync"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
)

// The built-in gate: a LeNet-5 (the seed's) that tells a group of ink that is writing
// of digits (one, or several touching) from any other mark on paper: a letter, a
// symbol, a scribble, a smudge, a picture, a shadow's edge. The digit model reads every
// mark as some digit, often confidently (a capital H as "11", noise as "1"); the gate is
// what lets the reader say it is not sure a mark is a digit at all. Trained by
// docs/gate.sh on internal/tune's Marks (glyphs of groups as GroupGlyphs cuts them, from
// photos of the 55,000 training images the built-in model trained on, Fashion-MNIST's
// training clothes, letters and symbols typeset in the Go fonts, scribbles and smudges):
// `lenet train --dataset marks --data marks --val 5000`, a two-class network whose
// manifest says it classifies dataset.Marks.
//
//go:embed gate
var gateFS embed.FS

// BuiltinGate loads the built-in gate (once).
var BuiltinGate = sync.OnceValues(func() (*checkpoints.Model, error) {
	sub, err := fs.Sub(gateFS, "gate")
	if err != nil {
		return nil, fmt.Errorf("built-in gate: %w", err)
	}
	m, err := checkpoints.LoadModelFS(sub, "(built-in gate)")
	if err != nil {
		return nil, err
	}
	m.Name = "the built-in gate"
	if m.Dataset, err = dataset.Lookup(m.Manifest.Hyper.Dataset); err != nil {
		return nil, fmt.Errorf("built-in gate: %w", err)
	}
	if err := gateModel(m); err != nil {
		return nil, err
	}
	return m, nil
})

// gateModel says why m is not a gate (a model of dataset.Marks), or nil.
func gateModel(m *checkpoints.Model) error {
	return classifies(m, dataset.Marks, "whether a mark is writing of digits: it cannot gate")
}

// The gate's two classes (dataset.Marks's): a mark that is not writing of digits, and
// one that is.
const (
	NotADigit = 0
	ADigit    = 1
)

// GateAt is the gate's probability from which a group of ink counts as writing of
// digits: below it, none of the group's digits is sure, however probable the digit
// model finds them. It was chosen on photos of the 5,000 training images the built-in
// committee held out from training (internal/tune's ChooseGateAt; `go run
// ./internal/tools/tune gateat` prints the table and fails unless GateAt is its
// choice): the highest threshold, in steps of 0.05, at which at least 99% of the
// digits sure without the gate stay sure (tune.GateRule). The test images did not choose it, nor did the
// pictures without digits it is measured on.
const GateAt = 0.25

// UseGate makes r judge each group of ink it reads with the gate m (a two-class model
// of dataset.Marks, as the built-in one is; anything else is refused with the reason):
// a group the gate gives a probability under at of being digits has no sure digit. A
// nil m reads without a gate (every Digit's DigitLike is 1). Call it before reading,
// not while another goroutine reads with r.
func (r *Reader) UseGate(m *checkpoints.Model, at float64) error {
	if !(at >= 0 && at <= 1) {
		return fmt.Errorf("reader: gate threshold %g (expected 0 to 1)", at)
	}
	if m != nil {
		if err := gateModel(m); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	err := r.closeIdle() // made without this gate
	r.gate, r.gateAt = m, at
	e, err2 := r.newEngine()
	if err2 != nil {
		return errors.Join(err, err2)
	}
	r.made++
	r.idle <- e
	return err
}

// judge runs the gate over the groups read and their digits and sets each digit's
// DigitLike; a digit under r.gateAt is not sure. glyphs holds each group's glyph, one a
// group; the digits read[k][0] to read[k][1] of digits are group k's. A group read as
// one digit is judged by its glyph. A group cut into several is judged by its glyph
// (touching digits, squeezed into one glyph, are hard to judge) or, when that says more,
// by the least digit-like of its digits' own glyphs: a row of touching digits passes as
// its digits do, a letter cut into strokes is judged by its whole shape too.
func (r *Reader) judge(e *engine, glyphs []float32, read [][2]int, digits []Digit) error {
	if e.gateOne == nil || len(read) == 0 {
		return nil
	}
	x := slices.Clone(glyphs)
	for _, d := range digits {
		x = append(x, d.glyph...)
	}
	probs, err := probabilities(e.gateOne, e.gateMany, r.batch, x)
	if err != nil {
		return err
	}
	c := len(dataset.Marks.Classes) // UseGate took a two-class model
	own := probs[len(read)*c:]
	for k, span := range read {
		like := probs[k*c+ADigit]
		if span[1]-span[0] > 1 {
			least := 1.0
			for i := span[0]; i < span[1]; i++ {
				least = min(least, own[i*c+ADigit]*digits[i].whole)
			}
			like = max(like, least)
		}
		for i := span[0]; i < span[1]; i++ {
			digits[i].DigitLike = like
			digits[i].Sure = digits[i].Sure && like >= r.gateAt
		}
	}
	return nil
}

// NotADigitSaid says "not sure it is a digit (digit-like 3.1%)" when probs (the gate's
// two for one glyph) fall short of GateAt, and reports whether they do.
func NotADigitSaid(probs []float64) (string, bool) {
	if len(probs) != len(dataset.Marks.Classes) || probs[ADigit] >= GateAt {
		return "", false
	}
	return fmt.Sprintf("not sure it is a digit (digit-like %.1f%%)", 100*probs[ADigit]), true
}
