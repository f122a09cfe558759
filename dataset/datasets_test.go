package dataset

import (
	"errors"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	for name, want := range map[string]string{"": "MNIST", "mnist": "MNIST", "fashion": "Fashion-MNIST"} {
		d, err := Lookup(name)
		if err != nil || d.Title != want {
			t.Errorf("Lookup(%q) = %q, %v; want %s", name, d.Title, err, want)
		}
	}
	if _, err := Lookup("cifar"); err == nil || !strings.Contains(err.Error(), `"cifar"`) || !strings.Contains(err.Error(), "mnist or fashion") {
		t.Errorf("Lookup(cifar): %v", err)
	}
	if Fashion.Classes[9] != "Ankle boot" || MNIST.Classes[7] != "7" {
		t.Errorf("class names: %q, %q", Fashion.Classes[9], MNIST.Classes[7])
	}
}

// TestFashionMissing: without the files, the error names the folder and the package.
func TestFashionMissing(t *testing.T) {
	dir := t.TempDir()
	_, err := fashionDirIn(dir)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "apt-get install dataset-fashion-mnist") {
		t.Fatalf("missing Fashion-MNIST: %v", err)
	}
}
