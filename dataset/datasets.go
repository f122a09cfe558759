package dataset

import (
	"fmt"
	"strings"
)

// Dataset is a data set of 28x28 pictures in MNIST's IDX format that lenet knows, with
// the names of its classes (a model trained on it has one output a class) and where to
// find it.
type Dataset struct {
	Name    string   // as --dataset takes it
	Title   string   // as reports print it
	Classes []string // class names by label
	Noun    string   // what one class is called: "digit", "class"
	dir     func() (string, error)
}

// FashionDir is where Debian's dataset-fashion-mnist package puts the files.
const FashionDir = "/usr/share/datasets/fashion-mnist"

// MNIST is LeCun's handwritten digits, from the Go module cache (see DefaultDir).
var MNIST = Dataset{
	Name: "mnist", Title: "MNIST",
	Classes: []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
	Noun:    "digit",
	dir:     DefaultDir,
}

// Fashion is Zalando's Fashion-MNIST (Xiao et al. 2017): 28x28 grey pictures of
// clothes in MNIST's format and split, from Debian's dataset-fashion-mnist package.
var Fashion = Dataset{
	Name: "fashion", Title: "Fashion-MNIST",
	Classes: []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"},
	Noun:    "class",
	dir:     fashionDir,
}

// Pieces is the reader's verifier data: 28x28 views of pieces of ink cut from numbers
// (package reader, View), each labelled whether it is one whole digit or not (two digits,
// or a part of one). It has no folder of its own: `go run ./internal/tools/tune pieces
// DIR` writes it (docs/verifier.sh), and --data DIR names it.
var Pieces = Dataset{
	Name: "pieces", Title: "reader pieces",
	Classes: []string{"not one digit", "one digit"},
	Noun:    "class",
	dir: func() (string, error) {
		return "", fmt.Errorf("%w: the reader's pieces have no default folder; write them with `go run ./internal/tools/tune pieces DIR` and pass --data DIR", ErrNotFound)
	},
}

// Marks is the reader's gate data: 28x28 glyphs of marks on paper, each labelled whether
// it is a digit at all or something else (a letter, a symbol, a scribble, a picture).
// It has no folder of its own: `go run ./internal/tools/tune marks DIR` writes it
// (docs/gate.sh), and --data DIR names it.
var Marks = Dataset{
	Name: "marks", Title: "reader marks",
	Classes: []string{"not a digit", "a digit"},
	Noun:    "class",
	dir: func() (string, error) {
		return "", fmt.Errorf("%w: the reader's marks have no default folder; write them with `go run ./internal/tools/tune marks DIR` and pass --data DIR", ErrNotFound)
	},
}

// Datasets lists the data sets by name.
var Datasets = []Dataset{MNIST, Fashion, Pieces, Marks}

// Lookup returns the data set called name; "" is MNIST (checkpoints from before the
// choice existed).
func Lookup(name string) (Dataset, error) {
	if name == "" {
		return MNIST, nil
	}
	names := make([]string, len(Datasets))
	for i, d := range Datasets {
		if d.Name == name {
			return d, nil
		}
		names[i] = d.Name
	}
	return Dataset{}, fmt.Errorf("unknown data set %q (expected %s or %s)", name, strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

// Dir returns the folder holding the data set's files where lenet finds them by
// default, or an error that says how to get them.
func (d Dataset) Dir() (string, error) { return d.dir() }

// Load reads split ("train" or "test") of the data set from dir, or from where lenet
// finds it by default (Dir) when dir is "", refusing labels beyond its classes.
func (d Dataset) Load(dir, split string) (*Set, error) {
	if dir == "" {
		var err error
		if dir, err = d.Dir(); err != nil {
			return nil, err
		}
	}
	return load(dir, split, len(d.Classes))
}

func fashionDir() (string, error) { return fashionDirIn(FashionDir) }

// fashionDirIn checks that dir holds the four Fashion-MNIST files.
func fashionDirIn(dir string) (string, error) {
	for _, name := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"} {
		if _, err := find(dir, name); err != nil {
			return "", fmt.Errorf("%w: Fashion-MNIST is not in %s; install Debian's dataset-fashion-mnist package (apt-get install dataset-fashion-mnist), or pass --data DIR", ErrNotFound, dir)
		}
	}
	return dir, nil
}
