package train

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
)

// writePictures writes n pictures of MNIST test digits (from the seed-th hundred on,
// picture i of the digit i mod 10) as dark ink on white into a new folder, named as
// the draw page names what it saves.
func writePictures(tb testing.TB, n int, seed uint64) string {
	tb.Helper()
	test, err := dataset.MNIST.Load("", "test")
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	next := int(seed) * 100
	for i := range n {
		for int(test.Labels[next]) != i%10 {
			next++
		}
		px := dataset.Floats(test.Subset([]int{next}))
		next++
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%d-20261206-%d.png", i%10, i)))
		if err != nil {
			tb.Fatal(err)
		}
		if err := png.Encode(f, dataset.DarkOnLight(px, dataset.Side, 1)); err != nil {
			tb.Fatal(err)
		}
		f.Close()
	}
	return dir
}

// TestTuneRecipe: a tuning run continues member 1 of the built-in committee on
// pictures mixed with MNIST training images that are never the ones the
// committee held out; it repeats bit for bit, records what it learnt from, and its
// held-out pictures are what lenet test --split val scores.
func TestTuneRecipe(t *testing.T) {
	pics := writePictures(t, 40, 1)
	src, err := OpenFrom("../checkpoints/default/member-1")
	if err != nil {
		t.Fatal(err)
	}
	tuning := DefaultTuning
	tuning.From, tuning.Images, tuning.Copies, tuning.Mix = "../checkpoints/default/member-1", pics, 2, 300
	rec := TuneRecipe(src, tuning)
	rec.Epochs = 2
	if rec.Tune.Kept == nil || rec.Tune.Kept.Count != 5000 || rec.Tune.Temperature != src.Temperature || rec.Arch != src.Params.Arch {
		t.Fatalf("recipe %+v: expected the member's network, temperature and its 5,000 held-out images kept out", rec.Tune)
	}
	var weights [2]*checkpoints.Model
	for k := range weights {
		dir := t.TempDir()
		r, err := New(rec, Options{Out: dir})
		if err != nil {
			t.Fatal(err)
		}
		// 40 pictures, 2 of each digit held out; 32 twice and 300 MNIST images an epoch.
		if r.ValSet.Count != 10 || r.TrainSet.Count != 2*30+300 {
			t.Fatalf("%d held out, %d trained on an epoch (expected 10 and 360)", r.ValSet.Count, r.TrainSet.Count)
		}
		if k == 0 {
			full, err := dataset.MNIST.Load("", "train")
			if err != nil {
				t.Fatal(err)
			}
			_, kept, err := keptOut(full, rec.Tune.Kept)
			if err != nil {
				t.Fatal(err)
			}
			var mixedIdx []int // after the pictures' two copies
			for i := 60; i < r.TrainSet.Count; i++ {
				mixedIdx = append(mixedIdx, i)
			}
			seen := map[string]bool{}
			for i := range kept.Count {
				seen[string(kept.Pixels[i*784:(i+1)*784])] = true
			}
			mixed := r.TrainSet.Subset(mixedIdx)
			for i := range mixed.Count {
				if seen[string(mixed.Pixels[i*784:(i+1)*784])] {
					t.Fatalf("mixed-in image %d is one the committee held out", i)
				}
			}
		}
		if err := r.Train(context.Background()); err != nil {
			t.Fatal(err)
		}
		r.Close()
		if weights[k], err = checkpoints.Open(checkpoints.Source{Checkpoint: dir}); err != nil {
			t.Fatal(err)
		}
		man := weights[k].Manifest
		if man.Hyper.Tune == nil || man.Hyper.Tune.Images != pics || man.Hyper.Validation.Count != 10 || man.Temperature != src.Temperature {
			t.Fatalf("manifest: tune %+v, validation %+v, temperature %v", man.Hyper.Tune, man.Hyper.Validation, man.Temperature)
		}
		held, err := ValidationSet(man, "")
		if err != nil || held.Count != 10 {
			t.Fatalf("validation set: %v, %v", held, err)
		}
	}
	if !reflect.DeepEqual(weights[0].Params.Weights, weights[1].Params.Weights) {
		t.Fatal("the same tuning recipe gave different weights")
	}
	if reflect.DeepEqual(weights[0].Params.Weights, src.Params.Weights) {
		t.Fatal("the tuned weights are the member's: nothing was learnt")
	}
}

// TestTuneRefusesBadFolders: too few readable pictures, a digit with one picture only
// (none to hold out), a model of another data set: each refused with a message naming
// it. A picture named for no digit, or one that is not a picture, is left out and named.
func TestTuneRefusesBadFolders(t *testing.T) {
	few := writePictures(t, MinPictures-1, 1)
	os.WriteFile(filepath.Join(few, "5-blank.png"), []byte("not a picture"), 0o644)
	odd := writePictures(t, 20, 1)
	os.WriteFile(filepath.Join(odd, "x-mine.png"), []byte("not a picture"), 0o644)
	os.WriteFile(filepath.Join(odd, "3-broken.png"), []byte("not a picture"), 0o644)
	single := writePictures(t, 10, 1) // one of each digit
	for name, c := range map[string]struct{ dir, want string }{
		"few":    {few, "9 pictures that can be read (1 left out: " + filepath.Join(few, "5-blank.png")},
		"single": {single, "no digit has two pictures"},
	} {
		_, err := loadSets(Recipe{Tune: &checkpoints.Tuning{Images: c.dir, Hold: 0.2, Copies: 1}}, mnistDir(t), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "--images") {
			t.Errorf("%s: %v (want an error naming the folder and %q)", name, err, c.want)
		}
	}
	s, unread, err := UserPictures(odd)
	why := Unreadable(unread)
	if err != nil || s.Count != 20 || len(unread) != 2 || !strings.Contains(why, "x-mine.png: cannot tell its label") || !strings.Contains(why, "3-broken.png") {
		t.Errorf("a folder of 20 pictures and 2 bad files: %v pictures, %q, %v", s, why, err)
	}
	fashion := DefaultRecipe()
	fashion.Dataset = dataset.Fashion
	fashion.Tune = &checkpoints.Tuning{From: "builtin", Images: few, Hold: 0.2, Copies: 1}
	if err := fashion.Validate(); err == nil || !strings.Contains(err.Error(), "Fashion") {
		t.Errorf("tuning with Fashion-MNIST: %v", err)
	}
}

func mnistDir(tb testing.TB) string {
	dir, err := dataset.MNIST.Dir()
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}
