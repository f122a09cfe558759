package train

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/internal/bounds"
	"github.com/lenet/lenet/preprocess"
	"github.com/lenet/lenet/report"
)

// Tuning a model: lenet train --from MODEL --images DIR continues a trained digit model
// (every member of a committee, each from its own weights) on the labelled pictures in
// DIR, read as predict reads pictures (preprocess.Digit), distorted as training distorts
// MNIST, and mixed with MNIST training images so that what it learnt is kept. A share of
// each digit's pictures is held out: they choose the epoch, and report before and after.

// DefaultTuning's copies and mix were chosen by docs/tuning.sh on pictures of a writer
// MNIST lacks (docs/tuning.md: every setting learnt the writer; 2 copies and 8,000
// MNIST images an epoch kept the most of MNIST's held-out images in the fewest images).
// TuneEpochs and TuneLR (cosine decay) were not varied: the run's model is its best
// epoch on the held-out pictures, so the epochs are a budget.
var DefaultTuning = checkpoints.Tuning{Hold: 0.2, Copies: 2, Mix: 8000}

const (
	TuneEpochs = 8
	TuneLR     = 1e-3
	// MinPictures is the fewest pictures a tuning run learns from.
	MinPictures = 10
)

// TuneRecipe is the recipe that continues src on the pictures t names: the default
// recipe's batch, schedule and distortions, src's network and arithmetic, TuneEpochs
// epochs from TuneLR.
func TuneRecipe(src *checkpoints.Model, t checkpoints.Tuning) Recipe {
	t.Temperature = src.Temperature
	if m := src.Manifest; m != nil {
		switch {
		case m.Hyper.Tune != nil: // a tuned model: the images its own source held out
			t.Kept = m.Hyper.Tune.Kept
		case m.Hyper.Validation != nil:
			kept := *m.Hyper.Validation
			t.Kept = &kept
		}
	}
	r := DefaultRecipe()
	r.Arch, r.Dtype = src.Params.Arch, src.Params.Dtype
	r.Epochs, r.Adam.LR = TuneEpochs, TuneLR
	r.Tune = &t
	return r
}

// OpenFrom loads the model a tuning run continues: "builtin", or a run or checkpoint
// folder; it must be a model of MNIST's digits.
func OpenFrom(from string) (*checkpoints.Model, error) {
	var s checkpoints.Source
	if from != "builtin" {
		s.Checkpoint = from
	}
	m, err := checkpoints.Open(s)
	if err != nil {
		return nil, fmt.Errorf("--from %s: %w", from, err)
	}
	if m.Dataset.Name != dataset.MNIST.Name {
		return nil, fmt.Errorf("--from %s: a model of %s; only a model of MNIST's digits learns from pictures of digits", from, m.Dataset.Title)
	}
	return m, nil
}

// validateTuning says what is wrong with r's tuning, if anything.
func (r Recipe) validateTuning() error {
	t := r.Tune
	if t == nil {
		return nil
	}
	err := bounds.First(
		bounds.Float("hold", t.Hold, 0.05, 0.5, false),
		bounds.Int("copies", t.Copies, 1, 100),
		bounds.Int("mix", t.Mix, 0, 60000),
		bounds.Int("member", t.Member, 0, checkpoints.MaxMembers),
	)
	switch {
	case err != nil:
		return err
	case t.From == "" || t.Images == "":
		return errors.New("--from MODEL and --images DIR go together")
	case r.Dataset.Name != dataset.MNIST.Name:
		return fmt.Errorf("--images: pictures of digits are learnt with MNIST, not %s", r.Dataset.Title)
	case r.Limit != 0 || r.Val != 0:
		return errors.New("--images holds out --hold of your pictures; --limit and --val are for MNIST runs")
	}
	return nil
}

// UserPictures reads the labelled pictures in dir as predict reads them. A picture it
// cannot read, or whose name gives no digit, is left out and listed in unread with the
// reason (lenet train names them; one blank drawing does not stop a run learning the
// others); fewer than MinPictures readable ones is an error.
func UserPictures(dir string) (s *dataset.Set, unread []preprocess.Unread, err error) {
	s, unread, err = preprocess.ReadLabelled(dir, preprocess.Digit)
	if err != nil {
		return nil, nil, fmt.Errorf("--images %s: %w", dir, err)
	}
	if s.Count < MinPictures {
		return nil, nil, fmt.Errorf("--images %s: %d pictures that can be read%s; at least %d are needed to learn from, and two of a digit to hold one out", dir, s.Count, Unreadable(unread), MinPictures)
	}
	return s, unread, nil
}

// Unreadable says which pictures could not be read and why, the first five of them:
// "" for none.
func Unreadable(unread []preprocess.Unread) string {
	if len(unread) == 0 {
		return ""
	}
	var why []string
	for _, u := range unread[:min(len(unread), 5)] {
		why = append(why, u.Err.Error())
	}
	more := ""
	if len(unread) > 5 {
		more = fmt.Sprintf("; and %d more", len(unread)-5)
	}
	return fmt.Sprintf(" (%d left out: %s%s)", len(unread), strings.Join(why, "; "), more)
}

// mixStream is the PCG stream of the draw of the MNIST images mixed in.
const mixStream = 1<<64 - 2

// sets are the images a run trains on, chooses its epoch by (nil for none) and reports
// on, from the data set's files in dir; held are the held-out images' indices.
type sets struct {
	train, val, test *dataset.Set
	held             []int
}

// loadSets loads rec's sets from dir, the data set's folder; pictures are rec's
// pictures already read (UserPictures), or nil to read them.
func loadSets(rec Recipe, dir string, pictures *dataset.Set) (sets, error) {
	var s sets
	full, err := dataset.Load(dir, "train")
	if err != nil {
		return s, err
	}
	if s.test, err = dataset.Load(dir, "test"); err != nil {
		return s, err
	}
	t := rec.Tune
	if t == nil {
		s.train, s.val, s.held = full.HoldOut(rec.Val, rec.ValSeed)
		s.train = s.train.Limit(rec.Limit)
		return s, nil
	}
	user := pictures
	if user == nil {
		if user, _, err = UserPictures(t.Images); err != nil { // the command names those left out
			return s, err
		}
	}
	rest, val, held := user.HoldOutShare(t.Hold, rec.ValSeed)
	if val.Count == 0 {
		return s, fmt.Errorf("--images %s: no digit has two pictures, so none can be held out to choose the epoch", t.Images)
	}
	parts := slices.Repeat([]*dataset.Set{rest}, t.Copies)
	if t.Mix > 0 {
		pool, _, err := keptOut(full, t.Kept)
		if err != nil {
			return s, err
		}
		rng := rand.New(rand.NewPCG(rec.Seed, mixStream))
		idx := rng.Perm(pool.Count)[:min(t.Mix, pool.Count)]
		slices.Sort(idx)
		parts = append(parts, pool.Subset(idx))
	}
	if s.train, err = dataset.Concat(parts...); err != nil {
		return s, err
	}
	s.val, s.held = val, held
	return s, nil
}

// keptOut splits the training images full into those a tuning run may mix in and
// those its source held out (kept; nil when it held out none), checking they are the
// ones its manifest lists.
func keptOut(full *dataset.Set, kept *checkpoints.Validation) (pool, held *dataset.Set, err error) {
	if kept == nil || kept.Count == 0 {
		return full, nil, nil
	}
	pool, held, idx := full.HoldOut(kept.Count, kept.Seed)
	if joinInts(idx) != kept.Images {
		return nil, nil, fmt.Errorf("the %d training images seed %d holds out are not the ones the model held out (other data?)", kept.Count, kept.Seed)
	}
	return pool, held, nil
}

// tunedStart is the network a tuning run's member starts from: its source network's
// weights.
func tunedStart(rec Recipe) (*graph.Params, error) {
	src, err := OpenFrom(rec.Tune.From)
	if err != nil {
		return nil, err
	}
	nets := src.Networks()
	k := max(rec.Tune.Member, 1)
	if k > len(nets) {
		return nil, fmt.Errorf("--from %s: no member %d (it has %d networks)", rec.Tune.From, k, len(nets))
	}
	p := nets[k-1]
	if p.Arch != rec.Arch || p.Dtype != rec.Dtype {
		return nil, fmt.Errorf("--from %s: a %v network in %v; the run continues a %v network in %v", rec.Tune.From, p.Arch, p.Dtype, rec.Arch, rec.Dtype)
	}
	return p.Clone(), nil
}

// Gain is what a tuning run changed: the accuracy of the model it continued and of
// the model it made on the user's pictures it held out, on the training images the
// continued model held out (none of the two runs trained on them; Kept 0 when it held
// out none), and on the test images.
type Gain struct {
	Held, Kept            int
	Before, After         float64
	KeptBefore, KeptAfter float64
	TestBefore, TestAfter float64
}

// String is the gain as lenet train prints it at the end of a tuning run.
func (g Gain) String() string {
	kept := ""
	if g.Kept > 0 {
		kept = fmt.Sprintf("; the %d MNIST training images it held out: %.2f%% before, %.2f%% after", g.Kept, 100*g.KeptBefore, 100*g.KeptAfter)
	}
	return fmt.Sprintf("your %d held-out pictures: %.2f%% read before, %.2f%% after; MNIST test images: %.2f%% before, %.2f%% after%s",
		g.Held, 100*g.Before, 100*g.After, 100*g.TestBefore, 100*g.TestAfter, kept)
}

// MeasureGain scores the model a tuning run continued and the model it made (the run
// folder out) on the pictures it held out and on the data set's images in data ("" for
// MNIST's own) that it did not train on.
func MeasureGain(out, data string) (Gain, error) {
	var g Gain
	made, err := checkpoints.Open(checkpoints.Source{Checkpoint: out})
	if err != nil {
		return g, err
	}
	man := made.Manifest
	if man == nil || man.Hyper.Tune == nil {
		return g, fmt.Errorf("%s: not a run that learnt from pictures (--from, --images)", out)
	}
	from, err := OpenFrom(man.Hyper.Tune.From)
	if err != nil {
		return g, err
	}
	held, err := ValidationSet(man, data)
	if err != nil {
		return g, err
	}
	if data == "" {
		if data, err = dataset.MNIST.Dir(); err != nil {
			return g, err
		}
	}
	full, err := dataset.Load(data, "train")
	if err != nil {
		return g, err
	}
	_, kept, err := keptOut(full, man.Hyper.Tune.Kept)
	if err != nil {
		return g, err
	}
	test, err := dataset.Load(data, "test")
	if err != nil {
		return g, err
	}
	g.Held = held.Count
	if kept != nil {
		g.Kept = kept.Count
	}
	for _, c := range []struct {
		m                *checkpoints.Model
		held, test, kept *float64
	}{{from, &g.Before, &g.TestBefore, &g.KeptBefore}, {made, &g.After, &g.TestAfter, &g.KeptAfter}} {
		if err := accuracies(c.m, []*dataset.Set{held, test, kept}, []*float64{c.held, c.test, c.kept}); err != nil {
			return g, err
		}
	}
	return g, nil
}

// accuracies scores m on each of sets (nil ones left out) into the accuracy beside it.
func accuracies(m *checkpoints.Model, sets []*dataset.Set, accs []*float64) error {
	ev, err := m.Evaluator(graph.DefaultEvalBatch)
	if err != nil {
		return err
	}
	defer ev.Close()
	for i, s := range sets {
		if s == nil {
			continue
		}
		pred, err := ev.PredictSet(s)
		if err != nil {
			return err
		}
		*accs[i] = report.Tally(pred, s.Labels, 0, s.Count).Accuracy
	}
	return nil
}
