package report

import (
	"strings"
	"testing"

	"github.com/lenet/lenet/dataset"
)

// TestNew scores ten guesses, three wrong, split into halves of 5.
func TestNew(t *testing.T) {
	labels := []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	pred := []int{0, 1, 2, 3, 4, 5, 6, 1, 8, 4} // 7 -> 1, 9 -> 4
	pred[2] = 7                                 // 2 -> 7
	r := New("m", "MNIST test", dataset.MNIST, pred, labels, true)
	if r.Overall.Correct != 7 || r.Overall.Total != 10 || r.Overall.Accuracy != 0.7 {
		t.Errorf("overall %+v, want 7/10", r.Overall)
	}
	if len(r.Halves) != 2 || r.Halves[0].Correct != 4 || r.Halves[1].Correct != 3 ||
		r.Halves[0].Name != "first 5" || r.Halves[1].Name != "last 5" {
		t.Errorf("halves %+v, want first 5: 4/5, last 5: 3/5", r.Halves)
	}
	if r.Confusion[7][1] != 1 || r.Confusion[9][4] != 1 || r.Confusion[2][7] != 1 || r.Confusion[0][0] != 1 {
		t.Errorf("confusion %v", r.Confusion)
	}
	sum := 0
	for _, row := range r.Confusion {
		for _, n := range row {
			sum += n
		}
	}
	if sum != 10 {
		t.Errorf("confusion counts %d guesses, want 10", sum)
	}
	if pc := r.PerClass; len(pc) != 10 || pc[7].Correct != 0 || pc[7].Total != 1 || pc[0].Accuracy != 1 || pc[3].Name != "3" {
		t.Errorf("per class %+v", pc)
	}
	if r := New("m", "s", dataset.MNIST, pred, labels, false); r.Halves != nil {
		t.Errorf("halves without asking: %+v", r.Halves)
	}
}

// TestText checks what lenet test prints: the scores, each class named as the data set
// names it, the confusion matrix and the distorted copy.
func TestText(t *testing.T) {
	labels := []byte{0, 1, 1, 9}
	pred := []int{0, 1, 7, 9}
	r := New("built-in", "MNIST test", dataset.MNIST, pred, labels, true)
	r.Distorted = &Score{Name: "distorted copy", Correct: 1, Total: 4, Accuracy: 0.25}
	text := r.Text()
	for _, want := range []string{
		"model built-in\nMNIST test: accuracy 75.00% (3/4)\n",
		"  first 2:   100.00% (2/2)\n",
		"  last 2:    50.00% (1/2)\n",
		"per digit:\n  0: 100.00% (1/1)\n  1: 50.00% (1/2)\n",
		"confusion matrix (rows: true digit, columns: guess):\n",
		"  1:      0     1     0     0     0     0     0     1     0     0\n",
		"distorted copy: 25.00% (1/4)\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the report lacks %q:\n%s", want, text)
		}
	}
	fashion := New("m", "Fashion-MNIST test", dataset.Fashion, pred, labels, false).Text()
	if !strings.Contains(fashion, "per class:\n  0 T-shirt/top: 100.00% (1/1)\n  1 Trouser:     50.00% (1/2)\n") {
		t.Errorf("Fashion-MNIST's classes not named:\n%s", fashion)
	}
}
