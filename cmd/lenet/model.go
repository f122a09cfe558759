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
	checkpoint, npy string
}

func (m *modelFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&m.checkpoint, "checkpoint", "", "checkpoint folder, or a run folder (its best checkpoint)")
	fs.StringVar(&m.npy, "npy", "", "folder of .npy weights as 'lenet export' writes them, instead of --checkpoint")
}

// model is a loaded network and how to name it.
type model struct {
	params *graph.Params
	name   string
}

func (m *modelFlags) load() (model, error) {
	switch {
	case m.checkpoint != "" && m.npy != "":
		return model{}, errors.New("give --checkpoint or --npy, not both")
	case m.npy != "":
		p, err := checkpoints.LoadNpy(m.npy)
		if err != nil {
			return model{}, err
		}
		return model{p, fmt.Sprintf("%s (.npy, %s)", m.npy, p.Dtype)}, nil
	case m.checkpoint != "":
		dir, err := checkpoints.Resolve(m.checkpoint)
		if err != nil {
			return model{}, err
		}
		p, man, err := checkpoints.Load(dir)
		if err != nil {
			return model{}, err
		}
		return model{p, fmt.Sprintf("%s (epoch %d, %s, batch %d, seed %d)", dir, man.Epoch, man.Dtype, man.Hyper.Batch, man.Hyper.Seed)}, nil
	}
	return model{}, errors.New("--checkpoint DIR is required (or --npy DIR)")
}

// labelName matches an image file whose name starts with its label digit.
var labelName = regexp.MustCompile(`(?i)^([0-9])(?:[^0-9][^/]*)?\.(png|jpe?g|gif)$`)

// labelledImages reads every image file of dir whose name starts with its label digit
// (7.png, 7-mine.png) and preprocesses it like MNIST; other image files are an error.
func labelledImages(dir string) (*dataset.Set, error) {
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
		px, err := readDigit(path)
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

// readDigit decodes an image file and preprocesses it into 28x28 pixels in [0,1].
func readDigit(path string) ([]float32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := preprocess.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	px, err := preprocess.Digit(img)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return px, nil
}
