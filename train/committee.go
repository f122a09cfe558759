package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/internal/atomicfile"
	"github.com/lenet/lenet/internal/bounds"
	"github.com/lenet/lenet/report"
)

// A committee run (Ciresan et al. 2012's multi-column networks, here of LeNet-5s)
// trains Size networks of one recipe in turn, member K from seed Seed+K-1, into run
// folders member-K of its folder, all holding out the same validation images (drawn from
// the committee's seed). Then it writes the committee checkpoint CommitteeDir (each
// member's best epoch; their probabilities averaged, at a temperature fitted on the
// validation images) and points the folder's best and latest links at it, so every
// command given the folder runs the committee.
const (
	CommitteePlan = "committee.json" // the committee's recipe, written when the run starts
	CommitteeDir  = "committee"
)

// Committee is a committee run.
type Committee struct {
	Size   int
	Recipe Recipe // the first member's; member K's seed is Recipe.Seed+K-1
	opt    Options
	obs    func(member int, r *Run)
}

// plan is committee.json: the size and the recipe as a manifest records it.
type plan struct {
	Size     int                  `json:"size"`
	Manifest checkpoints.Manifest `json:"recipe"`
}

// NewCommittee starts a committee run of size networks of r in o.Out.
func NewCommittee(r Recipe, size int, o Options) (*Committee, error) {
	if err := bounds.First(r.Validate(), o.validate(), bounds.Int("committee", size, 1, checkpoints.MaxMembers)); err != nil {
		return nil, err
	}
	if err := checkpoints.PrepareRun(o.Out); err != nil {
		return nil, err
	}
	planPath := filepath.Join(o.Out, CommitteePlan)
	if _, err := os.Stat(planPath); err == nil {
		return nil, fmt.Errorf("%s: %w (%s); choose another --out or remove it", o.Out, checkpoints.ErrRunExists, CommitteePlan)
	}
	m := r.manifest()
	m.Command = o.Command
	js, err := json.MarshalIndent(plan{Size: size, Manifest: m}, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := atomicfile.WriteFile(planPath, func(w io.Writer) error { _, err := w.Write(append(js, '\n')); return err }); err != nil {
		return nil, err
	}
	return &Committee{Size: size, Recipe: r, opt: o}, nil
}

// ResumeCommittee continues the committee run in dir: the member it stopped in, the
// members after it, and the committee checkpoint.
func ResumeCommittee(dir string, o Options) (*Committee, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	js, err := os.ReadFile(filepath.Join(dir, CommitteePlan))
	if err != nil {
		return nil, fmt.Errorf("resume %s: %w", dir, err)
	}
	var p plan
	if err := json.Unmarshal(js, &p); err != nil {
		return nil, fmt.Errorf("resume %s: %s: %w", dir, CommitteePlan, err)
	}
	dtype, err := graph.ParseDtype(p.Manifest.Dtype)
	if err != nil {
		return nil, fmt.Errorf("resume %s: %s: %w", dir, CommitteePlan, err)
	}
	r, err := recipeOf(&p.Manifest, dtype)
	if err != nil {
		return nil, fmt.Errorf("resume %s: %s: %w", dir, CommitteePlan, err)
	}
	if err := bounds.First(r.Validate(), bounds.Int("committee", p.Size, 1, checkpoints.MaxMembers)); err != nil {
		return nil, fmt.Errorf("resume %s: %s: %w", dir, CommitteePlan, err)
	}
	if _, err := os.Stat(filepath.Join(dir, CommitteeDir, checkpoints.ManifestName)); err == nil {
		if err := errors.Join(checkpoints.Link(dir, checkpoints.LatestLink, CommitteeDir), checkpoints.Link(dir, checkpoints.BestLink, CommitteeDir)); err != nil {
			return nil, err // it stopped between writing the committee and linking it
		}
		return nil, fmt.Errorf("resume %s: the committee is complete (%s)", dir, filepath.Join(dir, CommitteeDir))
	}
	o.Out, o.Command = dir, p.Manifest.Command
	if o.Data == "" {
		o.Data = p.Manifest.Hyper.Data
	}
	return &Committee{Size: p.Size, Recipe: r, opt: o}, nil
}

// IsCommittee says whether dir holds a committee run.
func IsCommittee(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, CommitteePlan))
	return err == nil
}

// Runs calls obs with each member's run before it trains (to observe it in turn).
func (c *Committee) Runs(obs func(member int, r *Run)) { c.obs = obs }

// Member is member k's run folder.
func (c *Committee) Member(k int) string {
	return filepath.Join(c.opt.Out, fmt.Sprintf("member-%d", k))
}

// Train trains the members not yet trained, then writes the committee checkpoint.
func (c *Committee) Train(ctx context.Context) error {
	if t := c.Recipe.Tune; t != nil && c.opt.pictures == nil {
		pictures, _, err := UserPictures(t.Images)
		if err != nil {
			return err
		}
		c.opt.pictures = pictures
	}
	for k := 1; k <= c.Size; k++ {
		if err := c.trainMember(ctx, k); err != nil {
			return fmt.Errorf("member %d of %d: %w", k, c.Size, err)
		}
	}
	return c.assemble()
}

// trainMember trains member k, or continues it, or finds it done.
func (c *Committee) trainMember(ctx context.Context, k int) error {
	dir := c.Member(k)
	o := c.opt
	o.Out = dir
	var r *Run
	var err error
	if _, statErr := os.Lstat(filepath.Join(dir, checkpoints.LatestLink)); statErr == nil {
		if r, err = Resume(dir, o); err != nil {
			if _, m, lerr := checkpoints.Load(filepath.Join(dir, checkpoints.LatestLink)); lerr == nil && m.Epoch >= c.Recipe.Epochs && (m.Resume == nil || m.Resume.Batch == 0) {
				return nil // finished
			}
			return err
		}
	} else {
		rec := c.Recipe
		rec.Seed = c.Recipe.Seed + uint64(k-1)
		if t := rec.Tune; t != nil { // member k continues the source's member k
			t := *t
			t.Member = k
			rec.Tune = &t
		}
		if r, err = New(rec, o); err != nil {
			return err
		}
	}
	defer r.Close()
	if c.obs != nil {
		c.obs(k, r)
	}
	return r.Train(ctx)
}

// assemble writes the committee checkpoint from each member's best epoch, with the
// temperature fitted on the validation images and the committee's accuracy, and points
// the links at it.
func (c *Committee) assemble() error {
	out := filepath.Join(c.opt.Out, CommitteeDir)
	members := make([]*checkpoints.Model, c.Size)
	for k := range members {
		m, err := checkpoints.LoadModel(filepath.Join(c.Member(k+1), checkpoints.BestLink))
		if err != nil {
			return err
		}
		members[k] = m
	}
	man := *members[0].Manifest
	man.Resume, man.Temperature, man.Command, man.Epoch = nil, 0, c.opt.Command, 0
	dir := c.opt.Data
	if dir == "" {
		var err error
		if dir, err = c.Recipe.Dataset.Dir(); err != nil {
			return err
		}
	}
	s, err := loadSets(c.Recipe, dir, c.opt.pictures)
	if err != nil {
		return err
	}
	val, test := s.val, s.test
	cm := &checkpoints.Model{Params: members[0].Params, Members: members}
	ev, err := cm.Evaluator(graph.DefaultEvalBatch)
	if err != nil {
		return err
	}
	defer ev.Close()
	man.Metrics = checkpoints.Metrics{}
	if val != nil {
		probs, err := ev.SetProbabilities(val)
		if err != nil {
			return err
		}
		man.Metrics.ValAccuracy = report.Tally(graph.Argmax(probs, ev.Classes()), val.Labels, 0, val.Count).Accuracy
		if t := c.Recipe.Tune; t != nil {
			man.Temperature = t.Temperature
		} else {
			man.Temperature = Temperature(probs, val.Labels)
		}
	}
	pred, err := ev.PredictSet(test)
	if err != nil {
		return err
	}
	man.Metrics.TestAccuracy = report.Tally(pred, test.Labels, 0, test.Count).Accuracy
	if err := os.RemoveAll(out); err != nil { // one left by a run stopped while assembling
		return err
	}
	if err := checkpoints.SaveCommittee(out, members, man); err != nil {
		return err
	}
	return errors.Join(checkpoints.Link(c.opt.Out, checkpoints.LatestLink, CommitteeDir), checkpoints.Link(c.opt.Out, checkpoints.BestLink, CommitteeDir))
}

// Job is a training run of one network (*Run) or of a committee (*Committee), as
// Start and Continue give them.
type Job interface {
	Runs(f func(member int, r *Run)) // f sees each network's run before it trains (member 0: the only one)
	Train(ctx context.Context) error
	Outcome() (string, error) // the model made and where it is
	Close()
}

// Start begins a run of r in o.Out: one network, or a committee of size networks when
// size is above 1.
func Start(r Recipe, size int, o Options) (Job, error) {
	if size != 1 {
		return NewCommittee(r, size, o)
	}
	run, err := New(r, o)
	if err != nil {
		return nil, err
	}
	return &single{Run: run}, nil
}

// Continue resumes the run in dir, one network's or a committee's.
func Continue(dir string, o Options) (Job, error) {
	if IsCommittee(dir) {
		return ResumeCommittee(dir, o)
	}
	run, err := Resume(dir, o)
	if err != nil {
		return nil, err
	}
	return &single{Run: run}, nil
}

// single is one network's run as a Job.
type single struct {
	*Run
	f func(int, *Run)
}

func (s *single) Runs(f func(int, *Run))   { s.f = f }
func (s *single) Outcome() (string, error) { return s.Run.Outcome(), nil }
func (s *single) Train(ctx context.Context) error {
	if s.f != nil {
		s.f(0, s.Run)
	}
	return s.Run.Train(ctx)
}

// Close releases nothing: each member's run is closed when it ends.
func (c *Committee) Close() {}
