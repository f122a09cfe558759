package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/preprocess"
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

// readImage decodes an image file and preprocesses it into 28x28 pixels in [0,1] the
// way ds's images were made: digits centred by mass in a 20-pixel box (MNIST), other
// pictures scaled to fill the field (Fashion-MNIST).
func readImage(path string, ds dataset.Dataset) ([]float32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := preprocess.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	fit := preprocess.Digit
	if ds.Name != dataset.MNIST.Name {
		fit = preprocess.Picture
	}
	px, err := fit(img)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return px, nil
}

// labelName matches an image file whose name starts with its label digit.
var labelName = regexp.MustCompile(`(?i)^([0-9])(?:[^0-9][^/]*)?\.(png|jpe?g|gif)$`)

// labelledImages reads every image file of dir whose name starts with its label digit
// (7.png, 7-mine.png) and preprocesses it like MNIST; other image files are an error.
func labelledImages(dir string, ds dataset.Dataset) (*dataset.Set, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("--images: %w", err)
	}
	s := &dataset.Set{Images: dataset.Images{Rows: dataset.Side, Cols: dataset.Side}}
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".png" && ext != ".jpg" && ext != ".jpeg" && ext != ".gif") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		m := labelName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("%s: cannot tell its label: the name must start with the digit, then a non-digit (e.g. 7.png, 7-mine.png)", path)
		}
		px, err := readImage(path, ds)
		if err != nil {
			return nil, err
		}
		for _, v := range px {
			s.Pixels = append(s.Pixels, byte(v*255+0.5))
		}
		s.Labels = append(s.Labels, m[1][0]-'0')
		s.Count++
	}
	if s.Count == 0 {
		return nil, fmt.Errorf("--images %s: %w (PNG, JPEG or GIF files named like 7-mine.png)", dir, errNoImages)
	}
	return s, nil
}
