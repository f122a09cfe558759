// Package report scores a classifier's guesses against labels: overall, per half, per
// class, as a confusion matrix. lenet test prints a Report or writes it as JSON.
package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lenet/lenet/dataset"
)

// Score is a count of right answers.
type Score struct {
	Name     string  `json:"name"`
	Correct  int     `json:"correct"`
	Total    int     `json:"total"`
	Accuracy float64 `json:"accuracy"`
}

func (s Score) String() string {
	return fmt.Sprintf("%.2f%% (%d/%d)", 100*s.Accuracy, s.Correct, s.Total)
}

// Tally scores pred against labels over records [lo, hi).
func Tally(pred []int, labels []byte, lo, hi int) Score {
	s := Score{Total: hi - lo}
	for i := lo; i < hi; i++ {
		if pred[i] == int(labels[i]) {
			s.Correct++
		}
	}
	if s.Total > 0 {
		s.Accuracy = float64(s.Correct) / float64(s.Total)
	}
	return s
}

// Report is how a classifier did on a labelled set: overall, on each half (MNIST's
// test set is two halves of different writers), per class, as a confusion matrix, and
// on a distorted copy when one was scored. lenet test prints it, or writes it as JSON.
type Report struct {
	Model     string   `json:"model"`
	Source    string   `json:"source"`
	Overall   Score    `json:"overall"`
	Halves    []Score  `json:"halves,omitempty"`
	Dataset   string   `json:"dataset"`
	Classes   []string `json:"classes"`
	PerClass  []Score  `json:"per_class"`
	Confusion [][]int  `json:"confusion"` // [true label][guess]
	Distorted *Score   `json:"distorted,omitempty"`
	// Calibration is how far the probabilities can be trusted, when they were given.
	Calibration *Calibration `json:"calibration,omitempty"`
	// NotRead are the pictures that could not be read (guess -1): each counts as a miss
	// when its label is known.
	NotRead []NotRead `json:"not_read,omitempty"`
	noun    string    // what a class is called: "digit", "class"
}

// NotRead is a picture that could not be read: its file, its label (-1 if its name
// gives none) and why.
type NotRead struct {
	File   string `json:"file"`
	Label  int    `json:"label"`
	Reason string `json:"reason"`
}

// Missed appends the pictures of notRead that have a label to a set's probabilities
// (rows of classes), guesses and labels: each a miss, with no guess (-1) and, for the
// calibration, an even answer whose largest probability is not its label's.
func Missed(notRead []NotRead, classes int, probs []float64, pred []int, labels []byte) ([]float64, []int, []byte) {
	labels = slices.Clone(labels)
	for _, n := range notRead {
		if n.Label < 0 {
			continue
		}
		pred, labels = append(pred, -1), append(labels, byte(n.Label))
		row := make([]float64, classes)
		for k := range row {
			row[k] = 1.0 / float64(classes)
		}
		row[n.Label] -= 1e-9
		probs = append(probs, row...)
	}
	return probs, pred, labels
}

// New is the report of guesses pred for labels, named model and source. A guess of -1
// is a picture that could not be read: a miss.
func New(model, source string, ds dataset.Dataset, pred []int, labels []byte, halves bool) Report {
	classes := len(ds.Classes)
	r := Report{Model: model, Source: source, Dataset: ds.Name, Classes: ds.Classes, Overall: Tally(pred, labels, 0, len(labels)), noun: ds.Noun}
	r.Confusion = make([][]int, classes)
	for d := range r.Confusion {
		r.Confusion[d] = make([]int, classes)
	}
	r.Overall.Name = "all"
	if halves {
		h := len(labels) / 2
		first, last := Tally(pred, labels, 0, h), Tally(pred, labels, h, len(labels))
		first.Name, last.Name = fmt.Sprintf("first %d", h), fmt.Sprintf("last %d", len(labels)-h)
		r.Halves = []Score{first, last}
	}
	unread := make([]int, classes)
	for i, p := range pred {
		if p < 0 {
			unread[labels[i]]++
			continue
		}
		r.Confusion[labels[i]][p]++
	}
	for d := range classes {
		s := Score{Name: ds.Classes[d], Correct: r.Confusion[d][d], Total: unread[d]}
		for _, n := range r.Confusion[d] {
			s.Total += n
		}
		if s.Total > 0 {
			s.Accuracy = float64(s.Correct) / float64(s.Total)
		}
		r.PerClass = append(r.PerClass, s)
	}
	return r
}

// Text is the report as lenet test prints it: the scores, then the confusion matrix.
func (r Report) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "model %s\n%s: accuracy %s\n", r.Model, r.Source, r.Overall)
	for _, h := range r.Halves {
		fmt.Fprintf(&b, "  %-10s %s\n", h.Name+":", h)
	}
	fmt.Fprintf(&b, "per %s:\n", r.noun)
	for i, d := range r.PerClass {
		if r.noun == dataset.MNIST.Noun {
			fmt.Fprintf(&b, "  %s: %s\n", d.Name, d)
		} else {
			fmt.Fprintf(&b, "  %d %-12s %s\n", i, d.Name+":", d)
		}
	}
	fmt.Fprintf(&b, "confusion matrix (rows: true %s, columns: guess):\n     ", r.noun)
	for d := range r.Classes {
		fmt.Fprintf(&b, "%6d", d)
	}
	b.WriteString("\n")
	for t, row := range r.Confusion {
		fmt.Fprintf(&b, "  %d: ", t)
		for _, n := range row {
			fmt.Fprintf(&b, "%6d", n)
		}
		b.WriteString("\n")
	}
	if r.Distorted != nil {
		fmt.Fprintf(&b, "%s: %s\n", r.Distorted.Name, r.Distorted)
	}
	if r.Calibration != nil {
		fmt.Fprintf(&b, "%s\n", r.Calibration)
	}
	if len(r.NotRead) > 0 {
		fmt.Fprintf(&b, "not read (%d; each with a label counts as a miss):\n", len(r.NotRead))
		for _, n := range r.NotRead {
			fmt.Fprintf(&b, "  %s: %s\n", n.File, n.Reason)
		}
	}
	return b.String()
}

// Mistakes are the indices of the first count records from index on whose guess in pred
// is not their label.
func Mistakes(pred []int, labels []byte, index, count int) []int {
	var out []int
	for i := index; i < len(labels) && len(out) < count; i++ {
		if pred[i] != int(labels[i]) {
			out = append(out, i)
		}
	}
	return out
}
