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

// Unread is a picture file ReadLabelled could not read: its path, the label its name
// gives (-1 if none) and why (an error that names the file).
type Unread struct {
	Path  string
	Label int
	Err   error
}

// ReadLabelled reads every PNG, JPEG or GIF file of dir whose name gives its label
// (LabelOf), fitted by fit, as a set, in the folder's order. A file it cannot read, or
// whose name gives no label, does not stop it: it is listed in unread, with the reason.
// A folder with no such files at all is ErrNoPictures.
func ReadLabelled(dir string, fit Fit) (s *dataset.Set, unread []Unread, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	s = &dataset.Set{Images: dataset.Images{Rows: dataset.Side, Cols: dataset.Side}}
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".png" && ext != ".jpg" && ext != ".jpeg" && ext != ".gif") {
			continue
		}
		path := filepath.Join(dir, e.Name())
		label, ok := LabelOf(e.Name())
		if !ok {
			unread = append(unread, Unread{path, -1, fmt.Errorf("%s: cannot tell its label: the name must start with the digit, then a non-digit (e.g. 7.png, 7-mine.png)", path)})
			continue
		}
		px, err := ReadFile(path, fit)
		if err != nil {
			unread = append(unread, Unread{path, int(label), err})
			continue
		}
		for _, v := range px {
			s.Pixels = append(s.Pixels, byte(v*255+0.5))
		}
		s.Labels = append(s.Labels, label)
		s.Count++
	}
	if s.Count == 0 && len(unread) == 0 {
		return nil, nil, fmt.Errorf("%s: %w (PNG, JPEG or GIF files named like 7-mine.png)", dir, ErrNoPictures)
	}
	return s, unread, nil
}
