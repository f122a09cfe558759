package train

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
)

// TestCommitteeResumesExactly trains a committee of 3 short networks twice: straight
// through, and interrupted in its second member then resumed. Both give the same
// weights bit for bit; the members are seeds 4, 5, 6 holding out the same images; the
// committee's probabilities are its members' averaged (tempered as its manifest says),
// and its recorded accuracies are what it scores.
func TestCommitteeResumesExactly(t *testing.T) {
	rec := DefaultRecipe()
	rec.Epochs, rec.Limit, rec.Augment, rec.Seed, rec.Val, rec.ValSeed = 2, 1000, augment.Params{Shift: 2}, 4, 500, 4
	straight := filepath.Join(t.TempDir(), "straight")
	c, err := NewCommittee(rec, 3, Options{Out: straight})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := NewCommittee(rec, 3, Options{Out: straight}); !errors.Is(err, checkpoints.ErrRunExists) {
		t.Errorf("a second committee in the same folder: %v (expected ErrRunExists)", err)
	}

	stopped := filepath.Join(t.TempDir(), "stopped")
	c, err = NewCommittee(rec, 3, Options{Out: stopped})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.Runs(func(k int, r *Run) {
		r.Observe(Observer{Batch: func(b Batch) {
			if k == 2 && b.Epoch == 2 && b.Batch == 10 {
				cancel()
			}
		}})
	})
	var stop *Interrupted
	if err := c.Train(ctx); !errors.As(err, &stop) {
		t.Fatalf("interrupted committee: %v (expected an *Interrupted)", err)
	}
	if c, err = ResumeCommittee(stopped, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := c.Train(context.Background()); err != nil {
		t.Fatal(err)
	}

	a, err := checkpoints.LoadModel(straight)
	if err == nil {
		t.Fatal("a committee run's folder loaded as a checkpoint itself")
	}
	if a, err = checkpoints.LoadModel(filepath.Join(straight, checkpoints.BestLink)); err != nil {
		t.Fatal(err)
	}
	b, err := checkpoints.LoadModel(filepath.Join(stopped, CommitteeDir))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Members) != 3 || len(b.Members) != 3 {
		t.Fatalf("committees of %d and %d members (expected 3)", len(a.Members), len(b.Members))
	}
	for k := range a.Members {
		ma, mb := a.Members[k], b.Members[k]
		if ma.Manifest.Hyper.Validation == nil || mb.Manifest.Hyper.Validation == nil {
			t.Fatalf("member %d's manifest records no validation images", k+1)
		}
		if ma.Manifest.Hyper.Seed != uint64(4+k) || ma.Manifest.Hyper.Validation.Seed != 4 || ma.Manifest.Hyper.Validation.Images != mb.Manifest.Hyper.Validation.Images {
			t.Errorf("member %d: seed %d, validation %+v (expected seed %d, the committee's held-out images)", k+1, ma.Manifest.Hyper.Seed, ma.Manifest.Hyper.Validation.Seed, 4+k)
		}
		for i, ta := range ma.Params.Learnables() {
			if !slices.Equal(ta.Data().([]float32), mb.Params.Learnables()[i].Data().([]float32)) {
				t.Fatalf("member %d's %s differs after the interruption", k+1, graph.SeedArch.Layout()[i].Name)
			}
		}
	}
	if a.Temperature != b.Temperature || a.Manifest.Metrics != b.Manifest.Metrics {
		t.Errorf("committees differ: temperature %v and %v, metrics %+v and %+v", a.Temperature, b.Temperature, a.Manifest.Metrics, b.Manifest.Metrics)
	}

	// The committee's probabilities against its members'.
	test, err := dataset.MNIST.Load("", "test")
	if err != nil {
		t.Fatal(err)
	}
	test = test.Limit(300)
	x := dataset.Floats(test)
	avg := make([]float64, 300*dataset.Digits)
	for _, m := range a.Members {
		ev, err := graph.NewEvaluator(m.Params, 50)
		if err != nil {
			t.Fatal(err)
		}
		p, err := ev.Probabilities(x)
		ev.Close()
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range p {
			avg[i] += v / 3
		}
	}
	if a.Temperature > 0 {
		graph.Temper(avg, dataset.Digits, a.Temperature)
	}
	ev, err := a.Evaluator(50)
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	got, err := ev.Probabilities(x)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		if d := v - avg[i]; d > 1e-12 || d < -1e-12 {
			t.Fatalf("committee probability %d: %v (its members' average tempered: %v)", i, v, avg[i])
		}
	}
	if _, err := os.Stat(filepath.Join(straight, "member-3", checkpoints.BestLink)); err != nil {
		t.Errorf("member 3's run folder: %v", err)
	}
}
