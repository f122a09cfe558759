package checkpoints

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

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

// Model is a loaded network or committee of networks, how to name it and the data set
// it classifies.
type Model struct {
	Params      *graph.Params // the network, a committee's first member
	Members     []*Model      // a committee's networks, whose probabilities it averages; nil for one network
	Temperature float64       // divides the logits (Manifest.Temperature); 0 is none
	Name        string        // the source and how it was trained, for reports
	Manifest    *Manifest     // nil for .npy weights
	Dataset     dataset.Dataset
}

// Networks are the model's networks: a committee's members, or its one.
func (m *Model) Networks() []*graph.Params {
	if len(m.Members) == 0 {
		return []*graph.Params{m.Params}
	}
	ps := make([]*graph.Params, len(m.Members))
	for i, mem := range m.Members {
		ps[i] = mem.Params
	}
	return ps
}

// Evaluator computes the model's probabilities, batch images at a time a machine: a
// committee's averaged, at the model's temperature.
func (m *Model) Evaluator(batch int) (*graph.Evaluator, error) {
	return graph.NewCommittee(m.Networks(), m.Temperature, batch)
}

// describe names a model loaded from dir for reports.
func describe(dir string, m *Model) string {
	man := m.Manifest
	if len(m.Members) > 0 {
		return fmt.Sprintf("%s (committee of %d %v, %s, batch %d, seed %d)", dir, len(m.Members), m.Params.Arch, man.Dtype, man.Hyper.Batch, man.Hyper.Seed)
	}
	return fmt.Sprintf("%s (%v, epoch %d, %s, batch %d, seed %d)", dir, m.Params.Arch, man.Epoch, man.Dtype, man.Hyper.Batch, man.Hyper.Seed)
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
	if n := len(m.Dataset.Classes); m.Params.Arch.Classes != n {
		if m.Manifest == nil {
			return nil, fmt.Errorf("model %s tells %d classes apart, %s's %d (pass the --dataset it classifies)", m.Name, m.Params.Arch.Classes, m.Dataset.Title, n)
		}
		return nil, fmt.Errorf("model %s: %w: it tells %d classes apart, %s (its data set) has %d", m.Name, ErrManifest, m.Params.Arch.Classes, m.Dataset.Title, n)
	}
	return m, nil
}

func (s Source) load() (*Model, error) {
	switch {
	case s.Checkpoint != "" && s.Npy != "":
		return nil, errors.New("give --checkpoint or --npy, not both")
	case s.Npy != "":
		return loadNpyModel(s.Npy)
	case s.Checkpoint != "":
		dir, err := Resolve(s.Checkpoint)
		if err != nil {
			return nil, err
		}
		m, err := LoadModel(dir)
		if err != nil {
			return nil, err
		}
		m.Name = describe(dir, m)
		return m, nil
	}
	m, err := LoadDefault()
	if err != nil {
		return nil, err
	}
	kind := m.Params.Arch.String()
	if len(m.Members) > 0 {
		kind = fmt.Sprintf("committee of %d %v", len(m.Members), m.Params.Arch)
	}
	m.Name = fmt.Sprintf("built-in (%s, %.2f%% on the MNIST test set; made by %q)", kind, 100*m.Manifest.Metrics.TestAccuracy, m.Manifest.Command)
	return m, nil
}

// MaxMembers bounds a committee.
const MaxMembers = 16

// LoadModel loads the checkpoint in dir, one network or a committee.
func LoadModel(dir string) (*Model, error) { return LoadModelFS(os.DirFS(dir), dir) }

// LoadModelFS is LoadModel on the checkpoint at the root of fsys; dir names it in
// errors. A committee's members are checkpoints in its subfolders, each checked as
// Load checks one.
func LoadModelFS(fsys fs.FS, dir string) (*Model, error) {
	p, man, err := LoadFS(fsys, dir)
	if err == nil {
		return &Model{Params: p, Manifest: man, Temperature: man.Temperature}, nil
	}
	if !errors.Is(err, ErrCommittee) {
		return nil, err
	}
	mpath := filepath.Join(dir, ManifestName)
	if len(man.Members) > MaxMembers || len(man.Files) > 0 || man.Temperature < 0 || math.IsNaN(man.Temperature) {
		return nil, fmt.Errorf("%s: %w: a committee of %d members (at most %d), %d files of its own (expected none), temperature %v", mpath, ErrManifest, len(man.Members), MaxMembers, len(man.Files), man.Temperature)
	}
	m := &Model{Manifest: man, Temperature: man.Temperature}
	for _, name := range man.Members {
		if !fs.ValidPath(name) || strings.Contains(name, "/") || name == "." {
			return nil, fmt.Errorf("%s: %w: member %q (expected a subfolder's name)", mpath, ErrManifest, name)
		}
		sub, err := fs.Sub(fsys, name)
		if err != nil {
			return nil, err
		}
		p, mm, err := LoadFS(sub, filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		if mm.Hyper.Dataset != man.Hyper.Dataset || p.Arch.Classes != man.Arch.Classes {
			return nil, fmt.Errorf("%s: %w: member %s classifies %q in %d classes, the committee %q in %d", mpath, ErrManifest, name, mm.Hyper.Dataset, p.Arch.Classes, man.Hyper.Dataset, man.Arch.Classes)
		}
		m.Members = append(m.Members, &Model{Params: p, Manifest: mm, Name: fmt.Sprintf("%s member %s", dir, name)})
	}
	m.Params = m.Members[0].Params
	return m, nil
}

// SaveCommittee writes a committee checkpoint into the new folder dir: each member's
// weights and manifest (without optimiser state) in subfolder member-K, and m, listing
// them, as its manifest.
func SaveCommittee(dir string, members []*Model, m Manifest) error {
	if len(members) < 1 || len(members) > MaxMembers {
		return fmt.Errorf("save %s: a committee of %d (expected 1 to %d)", dir, len(members), MaxMembers)
	}
	return writeFolder(dir, func(tmp string) error {
		m.Format, m.Version, m.Files, m.Resume, m.Members = Format, Version, nil, nil, nil
		m.Dtype = members[0].Params.Dtype.String()
		for i, mem := range members {
			name := fmt.Sprintf("member-%d", i+1)
			if err := Share(filepath.Join(tmp, name), mem); err != nil {
				return err
			}
			m.Members = append(m.Members, name)
		}
		js, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			return fmt.Errorf("save manifest: %w", err)
		}
		return writeSynced(filepath.Join(tmp, ManifestName), append(js, '\n'))
	})
}

// Share writes m as a checkpoint to share into the new folder dir: its weights and
// manifest, without the optimiser's state that only resuming needs.
func Share(dir string, m *Model) error {
	if m.Manifest == nil {
		return fmt.Errorf("share %s: .npy weights have no manifest to make a checkpoint of", dir)
	}
	if len(m.Members) > 0 {
		return SaveCommittee(dir, m.Members, *m.Manifest)
	}
	man := *m.Manifest
	man.Resume = nil
	return Save(dir, m.Params, man, nil)
}
