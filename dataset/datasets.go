package dataset

import (
	"fmt"
	"strings"
)

// Dataset is a 28x28, 10-class data set in MNIST's IDX format that lenet knows where to
// find, with the names of its classes.
type Dataset struct {
	Name    string          // as --dataset takes it
	Title   string          // as reports print it
	Classes [Classes]string // class names by label
	Noun    string          // what one class is called: "digit", "class"
	dir     func() (string, error)
}

// FashionDir is where Debian's dataset-fashion-mnist package puts the files.
const FashionDir = "/usr/share/datasets/fashion-mnist"

// MNIST is LeCun's handwritten digits, from the Go module cache (see DefaultDir).
var MNIST = Dataset{
	Name: "mnist", Title: "MNIST",
	Classes: [Classes]string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
	Noun:    "digit",
	dir:     DefaultDir,
}

// Fashion is Zalando's Fashion-MNIST (Xiao et al. 2017): 28x28 grey pictures of
// clothes in MNIST's format and split, from Debian's dataset-fashion-mnist package.
var Fashion = Dataset{
	Name: "fashion", Title: "Fashion-MNIST",
	Classes: [Classes]string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"},
	Noun:    "class",
	dir:     fashionDir,
}

// Datasets lists the data sets by name.
var Datasets = []Dataset{MNIST, Fashion}

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
	return Dataset{}, fmt.Errorf("unknown data set %q (expected %s)", name, strings.Join(names, " or "))
}

// Dir returns the folder holding the data set's files where lenet finds them by
// default, or an error that says how to get them.
func (d Dataset) Dir() (string, error) { return d.dir() }

// Load reads split ("train" or "test") of the data set from dir, or from where lenet
// finds it by default (Dir) when dir is "".
func (d Dataset) Load(dir, split string) (*Set, error) {
	if dir == "" {
		var err error
		if dir, err = d.Dir(); err != nil {
			return nil, err
		}
	}
	return Load(dir, split)
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
