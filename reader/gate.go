package reader

import (
	"embed"
	"fmt"
	"slices"
	"sync"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
)

// The built-in gate: a committee of five LeNet-5s (the seed's) that tells a group of
// ink that is writing of digits (one, or several touching) from any other mark on
// paper: a letter, a symbol, a scribble, a smudge, a picture, a shadow's edge. The digit model reads every
// mark as some digit, often confidently (a capital H as "11", noise as "1"); the gate is
// what lets the reader say it is not sure a mark is a digit at all. Trained by
// docs/gate.sh on internal/tune's Marks (glyphs of groups as GroupGlyphs cuts them, from
// photos of the 55,000 training images the built-in model trained on, Fashion-MNIST's
// training clothes, letters and symbols typeset in the Go fonts, scribbles and smudges):
// `lenet train --dataset marks --data marks --val 5000 --committee 5`, two-class
// networks whose manifest says they classify dataset.Marks.
//
//go:embed gate
var gateFS embed.FS

// BuiltinGate loads the built-in gate (once).
var BuiltinGate = sync.OnceValues(func() (*checkpoints.Model, error) {
	return builtinModel(gateFS, "gate", gateModel)
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
// committee held out from training, single digits and numbers apart (internal/tune's
// ChooseGateAt; `go run ./internal/tools/tune gateat` prints the table
// and fails unless GateAt is its choice): the highest threshold, in steps of 0.05, at
// which at least 99% of the digits sure without the gate stay sure (tune.GateRule),
// the line's judgement (Reader.judge) included. Touching digits, which the gate judges
// less well, keep less: 94.03% of those sure in held-out numbers of touching digits
// stay sure. (With the first gate, before the preprocessing kept writing along ruled
// lines, it was 0.25; before a line's groups judged each other, 0.20; with one network
// as the gate, before it became a committee of five, 0.15.) The test images did not
// choose it, nor did the pictures without digits it is measured on.
const GateAt = 0.35

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
	return r.renew(func() { r.gate, r.gateAt = m, at })
}

// groupRead is a group of ink read: its digits, digits[from:to] of the reading, and
// where the gate's view of it starts among the glyphs Read gathers: the group's glyph,
// then, when pieces, each of its digits' glyphs. edge says the group touches the
// picture's edge.
type groupRead struct {
	from, to, glyph int
	pieces, edge    bool
}

// judge runs the gate over glyphs (what read says they are) and sets each digit's
// DigitLike; a digit under r.gateAt is not sure. A group is judged by its glyph; a
// group with pieces (wider than a digit may be and cut into several: six touching digits
// squeezed into one glyph are hard to judge) by its glyph or, when that says more, by
// the least digit-like of its digits' own glyphs. Then each group is judged by its line
// too: it is no more digit-like than the line's median group (the lower one of an even
// count; groups the picture's edge cuts and the gate finds unlike a digit are not
// counted). A line at least half of whose groups are not digits is a word, a row of
// letters or shapes, not a number: the S, Z or O in it that passes for a digit alone is
// not sure either. And a picture is judged by its company: where some ink is plainly
// no writing and no line is more likely writing than not (plainly), no group is judged
// more digit-like than that ink (blotches over a page, a letter beside an O). A line
// of one group the gate finds unlike a digit, in a picture with a line of writing, is
// left out (strayLines). What it costs digits is in GateAt's rule.
func (r *Reader) judge(e *engine, glyphs []float32, read []groupRead, digits []Digit) error {
	if e.gateOne == nil || len(read) == 0 {
		return nil
	}
	probs, err := probabilities(e.gateOne, e.gateMany, r.batch, glyphs)
	if err != nil {
		return err
	}
	c := len(dataset.Marks.Classes) // UseGate took a two-class model
	likes := make([]float64, len(read))
	lines := make([]int, len(read))
	counted := make([]bool, len(read))
	for k, g := range read {
		like := probs[g.glyph*c+ADigit]
		if g.pieces {
			least := 1.0
			for i := range g.to - g.from {
				least = min(least, probs[(g.glyph+1+i)*c+ADigit])
			}
			like = max(like, least)
		}
		likes[k], lines[k], counted[k] = like, digits[g.from].Line, !g.edge || like >= r.gateAt
	}
	judged := byLine(likes, lines, counted)
	if least, ok := plainly(likes, lines, counted); ok {
		for k := range judged {
			judged[k] = min(judged[k], least)
		}
	}
	stray := strayLines(likes, lines, r.gateAt)
	for k, g := range read {
		for i := g.from; i < g.to; i++ {
			digits[i].DigitLike = judged[k]
			digits[i].Sure = digits[i].Sure && judged[k] >= r.gateAt
			digits[i].cut = (g.edge && likes[k] < r.gateAt) || stray[lines[k]]
		}
	}
	return nil
}

// strayLines says which lines hold one group, one the gate finds unlike a digit (under
// at), when another line holds a group it finds like one: a shadow's edge or what is
// left of a ruled line above or below the writing, read as a line of its own. In a
// picture with no writing none is stray: what is read there is all unsure anyway.
func strayLines(likes []float64, lines []int, at float64) map[int]bool {
	groups, anyWriting := map[int]int{}, false
	for k, like := range likes {
		groups[lines[k]]++
		anyWriting = anyWriting || like >= at
	}
	stray := map[int]bool{}
	for k, like := range likes {
		stray[lines[k]] = anyWriting && groups[lines[k]] == 1 && like < at
	}
	return stray
}

// plainlyNot is a like under which the gate finds ink plainly no writing, and
// likelyWriting one at which a line's median group is more likely writing than not:
// chosen on held-out pictures (docs/reading.md, "A picture judged by its company").
const (
	plainlyNot    = 0.1
	likelyWriting = 0.5
)

// plainly reports whether a picture's groups (likes, on lines, those counted as in
// byLine) hold one the gate finds plainly no writing (under plainlyNot) while no line's
// median counted group is likelyWriting, and the least like of the counted groups.
func plainly(likes []float64, lines []int, counted []bool) (least float64, ok bool) {
	least = 1
	for k, like := range likes {
		if counted[k] {
			least = min(least, like)
		}
	}
	if least >= plainlyNot {
		return least, false
	}
	for _, m := range lineMedians(likes, lines, counted) {
		if m >= likelyWriting {
			return least, false
		}
	}
	return least, true
}

// byLine is each group's like (the gate's, of groups on lines) no more than the median
// like of its line's counted groups (the lower median of an even count).
func byLine(likes []float64, lines []int, counted []bool) []float64 {
	median := lineMedians(likes, lines, counted)
	out := make([]float64, len(likes))
	for k, like := range likes {
		if m, ok := median[lines[k]]; ok {
			like = min(like, m)
		}
		out[k] = like
	}
	return out
}

// lineMedians is the median like (the lower one of an even count) of each line's
// counted groups, for the lines that have any.
func lineMedians(likes []float64, lines []int, counted []bool) map[int]float64 {
	of := map[int][]float64{}
	for k, like := range likes {
		if counted[k] {
			of[lines[k]] = append(of[lines[k]], like)
		}
	}
	median := map[int]float64{}
	for line, ls := range of {
		slices.Sort(ls)
		median[line] = ls[(len(ls)-1)/2]
	}
	return median
}

// uncut drops from digits those read from a group of ink that the picture's edge cuts
// and the gate finds unlike a digit (judge marked them): a shadow's corner, the end of
// a fold, a stroke of writing the frame cuts off, none of which anyone would read. The
// lines left are numbered again from 0, top to bottom.
func uncut(digits []Digit) []Digit {
	kept := digits[:0]
	line, last := -1, -1
	for _, d := range digits {
		if d.cut {
			continue
		}
		if d.Line != last {
			line, last = line+1, d.Line
		}
		d.Line = line
		kept = append(kept, d)
	}
	return kept
}

// NotADigitSaid says "not sure it is a digit (digit-like 3.1%)" when probs (the gate's
// two for one glyph) fall short of GateAt, and reports whether they do.
func NotADigitSaid(probs []float64) (string, bool) {
	if len(probs) != len(dataset.Marks.Classes) || probs[ADigit] >= GateAt {
		return "", false
	}
	return fmt.Sprintf("not sure it is a digit (digit-like %.1f%%)", 100*probs[ADigit]), true
}
