package dataset

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	for name, want := range map[string]string{"": "MNIST", "mnist": "MNIST", "fashion": "Fashion-MNIST", "pieces": "reader pieces", "marks": "reader marks"} {
		d, err := Lookup(name)
		if err != nil || d.Title != want {
			t.Errorf("Lookup(%q) = %q, %v; want %s", name, d.Title, err, want)
		}
	}
	if _, err := Lookup("cifar"); err == nil || !strings.Contains(err.Error(), `"cifar"`) || !strings.Contains(err.Error(), "mnist, fashion, pieces or marks") {
		t.Errorf("Lookup(cifar): %v", err)
	}
	if Fashion.Classes[9] != "Ankle boot" || MNIST.Classes[7] != "7" {
		t.Errorf("class names: %q, %q", Fashion.Classes[9], MNIST.Classes[7])
	}
}

// TestFashionMissing: without the files, the error names the folder and the package.
func TestFashionMissing(t *testing.T) {
	dir := t.TempDir()
	_, err := fashionDirIn(dir)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "apt-get install dataset-fashion-mnist") {
		t.Fatalf("missing Fashion-MNIST: %v", err)
	}
}

// TestPieces: the reader's pieces are two classes, found only where --data says, and
// their loader refuses a label beyond them; MNIST's loader takes the same files.
func TestPieces(t *testing.T) {
	if len(Pieces.Classes) != 2 {
		t.Fatalf("pieces: classes %q", Pieces.Classes)
	}
	if _, err := Pieces.Dir(); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "tune pieces DIR") || !strings.Contains(err.Error(), "--data DIR") {
		t.Errorf("pieces' folder: %v", err)
	}
	dir := t.TempDir()
	tinySet(t, dir, false, []byte{1, 0, 2})
	if _, err := Pieces.Load(dir, "train"); err == nil || !strings.Contains(err.Error(), "label 2") {
		t.Errorf("pieces with label 2 loaded: %v", err)
	}
	if s, err := MNIST.Load(dir, "train"); err != nil || s.Count != 3 {
		t.Errorf("MNIST.Load: %v", err)
	}
}

// TestSubsetConcat: a subset holds the records at its indices in their order, a
// concatenation the sets' records in turn; sets of other image sizes are refused.
func TestSubsetConcat(t *testing.T) {
	s := &Set{Images: Images{Count: 4, Rows: 1, Cols: 2, Pixels: []byte{0, 1, 2, 3, 4, 5, 6, 7}}, Labels: []byte{9, 8, 7, 6}}
	sub := s.Subset([]int{3, 1})
	if sub.Count != 2 || string(sub.Pixels) != string([]byte{6, 7, 2, 3}) || string(sub.Labels) != string([]byte{6, 8}) {
		t.Fatalf("subset: %+v", sub)
	}
	c, err := Concat(sub, s.Limit(1))
	if err != nil || c.Count != 3 || string(c.Pixels) != string([]byte{6, 7, 2, 3, 0, 1}) || string(c.Labels) != string([]byte{6, 8, 9}) {
		t.Fatalf("concat: %+v, %v", c, err)
	}
	if _, err := Concat(s, &Set{Images: Images{Rows: 2, Cols: 2}}); err == nil {
		t.Fatal("sets of 1x2 and 2x2 images were concatenated")
	}
}

// TestHoldOutShare: a share of each label's records is held out, rounded up, at least
// one of a label with two or more and none of a label with one; the same seed draws the
// same ones, in the folder's order.
func TestHoldOutShare(t *testing.T) {
	counts := []int{1, 2, 3, 10, 0, 5, 7, 4, 9, 20}
	s := &Set{Images: Images{Rows: 1, Cols: 1}}
	for d, n := range counts {
		for range n {
			s.Pixels = append(s.Pixels, byte(s.Count))
			s.Labels = append(s.Labels, byte(d))
			s.Count++
		}
	}
	rest, held, idx := s.HoldOutShare(0.2, 3)
	_, _, again := s.HoldOutShare(0.2, 3)
	_, _, other := s.HoldOutShare(0.2, 4)
	if !reflect.DeepEqual(idx, again) || reflect.DeepEqual(idx, other) || !slices.IsSorted(idx) {
		t.Fatalf("held out %v, again %v, seed 4 %v: expected the same draw, another for another seed, ascending", idx, again, other)
	}
	per := make([]int, 10)
	for _, l := range held.Labels {
		per[l]++
	}
	want := []int{0, 1, 1, 2, 0, 1, 2, 1, 2, 4}
	if !reflect.DeepEqual(per, want) || rest.Count+held.Count != s.Count {
		t.Fatalf("held out per digit %v of %v (expected %v), %d + %d of %d", per, counts, want, rest.Count, held.Count, s.Count)
	}
	for k, i := range idx {
		if held.Pixels[k] != s.Pixels[i] || held.Labels[k] != s.Labels[i] {
			t.Fatalf("held picture %d is not picture %d", k, i)
		}
	}
}
