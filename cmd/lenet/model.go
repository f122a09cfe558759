package main

import (
	"errors"
	"fmt"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/spf13/pflag"
)

// modelFlags chooses the model a command runs: a checkpoint or a folder of .npy files.
type modelFlags struct {
	checkpoint, npy, dataset string
}

func (m *modelFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&m.dataset, "dataset", "", "mnist or fashion (default: the data set the model was trained on)")
	fs.StringVar(&m.checkpoint, "checkpoint", "", "checkpoint folder, or a run folder (its best checkpoint) (default: the built-in model)")
	fs.StringVar(&m.npy, "npy", "", "folder of .npy weights as 'lenet export' writes them, instead of --checkpoint")
}

// model is a loaded network, how to name it and the data set it classifies.
type model struct {
	params *graph.Params
	name   string
	man    *checkpoints.Manifest // nil for .npy weights
	data   dataset.Dataset
}

// load loads the model and settles its data set: the one it was trained on, which
// --dataset may only confirm (.npy weights do not record it: --dataset says, MNIST
// by default).
func (m *modelFlags) load() (model, error) {
	mod, err := m.loadModel()
	if err != nil {
		return mod, err
	}
	if mod.data, err = datasetFlag(m.dataset); err != nil {
		return mod, err
	}
	if mod.man != nil {
		trained, err := dataset.Lookup(mod.man.Hyper.Dataset)
		if err != nil {
			return mod, fmt.Errorf("model %s: %w", mod.name, err)
		}
		if m.dataset != "" && trained.Name != mod.data.Name {
			return mod, fmt.Errorf("invalid --dataset %s: the model was trained on %s", m.dataset, trained.Title)
		}
		mod.data = trained
	}
	return mod, nil
}

func (m *modelFlags) loadModel() (model, error) {
	switch {
	case m.checkpoint != "" && m.npy != "":
		return model{}, errors.New("give --checkpoint or --npy, not both")
	case m.npy != "":
		p, err := checkpoints.LoadNpy(m.npy)
		if err != nil {
			return model{}, err
		}
		return model{params: p, name: fmt.Sprintf("%s (.npy, %v, %s)", m.npy, p.Arch, p.Dtype)}, nil
	case m.checkpoint != "":
		dir, err := checkpoints.Resolve(m.checkpoint)
		if err != nil {
			return model{}, err
		}
		p, man, err := checkpoints.Load(dir)
		if err != nil {
			return model{}, err
		}
		return model{params: p, man: man, name: fmt.Sprintf("%s (%v, epoch %d, %s, batch %d, seed %d)", dir, p.Arch, man.Epoch, man.Dtype, man.Hyper.Batch, man.Hyper.Seed)}, nil
	}
	p, man, err := checkpoints.LoadDefault()
	if err != nil {
		return model{}, err
	}
	return model{params: p, man: man, name: fmt.Sprintf("built-in (%v, %.2f%% on the MNIST test set; made by %q)", p.Arch, 100*man.Metrics.TestAccuracy, man.Command)}, nil
}
