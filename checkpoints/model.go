package checkpoints

import (
	"errors"
	"fmt"

	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
)

// Source names the model a command runs: a checkpoint, a folder of .npy weights, or
// neither for the built-in model.
type Source struct {
	Checkpoint string // a checkpoint folder, or a run folder (its best checkpoint)
	Npy        string // a folder of .npy weights as Export writes them
	Dataset    string // the data set it classifies: "" is the one it was trained on (MNIST for .npy weights, which do not record it)
}

// Model is a loaded network, how to name it and the data set it classifies.
type Model struct {
	Params   *graph.Params
	Name     string    // the source and how it was trained, for reports
	Manifest *Manifest // nil for .npy weights
	Dataset  dataset.Dataset
}

// Open loads the model s names and settles its data set: the one it was trained on,
// which s.Dataset may only confirm.
func Open(s Source) (*Model, error) {
	m, err := s.load()
	if err != nil {
		return nil, err
	}
	if m.Dataset, err = dataset.Lookup(s.Dataset); err != nil {
		return nil, fmt.Errorf("invalid --dataset: %w", err)
	}
	if m.Manifest != nil {
		trained, err := dataset.Lookup(m.Manifest.Hyper.Dataset)
		if err != nil {
			return nil, fmt.Errorf("model %s: %w", m.Name, err)
		}
		if s.Dataset != "" && trained.Name != m.Dataset.Name {
			return nil, fmt.Errorf("invalid --dataset %s: the model was trained on %s", s.Dataset, trained.Title)
		}
		m.Dataset = trained
	}
	return m, nil
}

func (s Source) load() (*Model, error) {
	switch {
	case s.Checkpoint != "" && s.Npy != "":
		return nil, errors.New("give --checkpoint or --npy, not both")
	case s.Npy != "":
		p, err := LoadNpy(s.Npy)
		if err != nil {
			return nil, err
		}
		return &Model{Params: p, Name: fmt.Sprintf("%s (.npy, %v, %s)", s.Npy, p.Arch, p.Dtype)}, nil
	case s.Checkpoint != "":
		dir, err := Resolve(s.Checkpoint)
		if err != nil {
			return nil, err
		}
		p, man, err := Load(dir)
		if err != nil {
			return nil, err
		}
		return &Model{Params: p, Manifest: man, Name: fmt.Sprintf("%s (%v, epoch %d, %s, batch %d, seed %d)", dir, p.Arch, man.Epoch, man.Dtype, man.Hyper.Batch, man.Hyper.Seed)}, nil
	}
	p, man, err := LoadDefault()
	if err != nil {
		return nil, err
	}
	return &Model{Params: p, Manifest: man, Name: fmt.Sprintf("built-in (%v, %.2f%% on the MNIST test set; made by %q)", p.Arch, 100*man.Metrics.TestAccuracy, man.Command)}, nil
}

// Share writes m as a checkpoint to share into the new folder dir: its weights and
// manifest, without the optimiser's state that only resuming needs.
func Share(dir string, m *Model) error {
	if m.Manifest == nil {
		return fmt.Errorf("share %s: .npy weights have no manifest to make a checkpoint of", dir)
	}
	man := *m.Manifest
	man.Resume = nil
	return Save(dir, m.Params, man, nil)
}
