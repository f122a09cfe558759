package preprocess

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/lenet/lenet/dataset"
)

// Fit turns a picture into 28x28 pixels in [0,1]: Digit or Picture.
type Fit func(image.Image) ([]float32, error)

// FitFor is how ds's images were made from pictures: digits centred by mass in a
// 20-pixel box (MNIST), other pictures scaled to fill the field (Fashion-MNIST).
func FitFor(ds dataset.Dataset) Fit {
	if ds.Name == dataset.MNIST.Name {
		return Digit
	}
	return Picture
}

// ReadFile decodes a picture file and fits it.
func ReadFile(path string, fit Fit) ([]float32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	px, err := fit(img)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return px, nil
}

// labelName matches a picture file whose name starts with its label digit, then a
// non-digit: 7.png, 7-mine.png, 3_2026.jpg.
var labelName = regexp.MustCompile(`(?i)^([0-9])(?:[^0-9][^/]*)?\.(png|jpe?g|gif)$`)

// LabelOf is the label a picture file's name gives, if it gives one.
func LabelOf(name string) (label byte, ok bool) {
	m := labelName.FindStringSubmatch(name)
	if m == nil {
		return 0, false
	}
	return m[1][0] - '0', true
}

// ErrNoPictures says a folder holds no labelled pictures.
var ErrNoPictures = errors.New("no labelled pictures")

// ReadLabelled reads every picture file of dir whose name gives its label (LabelOf),
// fitted by fit, as a set; any other PNG, JPEG or GIF file there is an error.
func ReadLabelled(dir string, fit Fit) (*dataset.Set, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	s := &dataset.Set{Images: dataset.Images{Rows: dataset.Side, Cols: dataset.Side}}
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".png" && ext != ".jpg" && ext != ".jpeg" && ext != ".gif") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		label, ok := LabelOf(e.Name())
		if !ok {
			return nil, fmt.Errorf("%s: cannot tell its label: the name must start with the digit, then a non-digit (e.g. 7.png, 7-mine.png)", path)
		}
		px, err := ReadFile(path, fit)
		if err != nil {
			return nil, err
		}
		for _, v := range px {
			s.Pixels = append(s.Pixels, byte(v*255+0.5))
		}
		s.Labels = append(s.Labels, label)
		s.Count++
	}
	if s.Count == 0 {
		return nil, fmt.Errorf("%s: %w (PNG, JPEG or GIF files named like 7-mine.png)", dir, ErrNoPictures)
	}
	return s, nil
}
