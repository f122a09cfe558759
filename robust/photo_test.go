package robust

import (
	"testing"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/dataset"
)

// TestPhotos: the built-in model reads 400 test digits drawn as photos by each photo
// family at its harshest strength within 2 points of the same digits on white paper
// (the reading issue's target), through preprocess.Digit as lenet predict does.
func TestPhotos(t *testing.T) {
	set := testSet(t, 400)
	ev := builtin(t)
	x := dataset.Floats(set)
	white := augment.Corruption{Apply: photoFamily(func(*augment.Photo, float64) {})}
	base, err := accuracy(ev, Corrupt(x, set.Rows, white, 0, 7, 1), set.Labels)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("white paper: %.1f%%", 100*base)
	for f, fam := range PhotoFamilies {
		j := len(fam.Strengths) - 1
		acc, err := accuracy(ev, Corrupt(x, set.Rows, fam, fam.Strengths[j], 100+uint64(f), j+1), set.Labels)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s %g: %.1f%%", fam.Name, fam.Strengths[j], 100*acc)
		if acc < base-0.02 {
			t.Errorf("%s %g: %.1f%%, more than 2 points below white paper's %.1f%%", fam.Name, fam.Strengths[j], 100*acc, 100*base)
		}
	}
}
