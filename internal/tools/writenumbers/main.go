// Command writenumbers writes the robustness suite's pictures of numbers as PNG files,
// for timing and comparing lenet read on them (docs/bench/read.sh):
//
//	go run ./internal/tools/writenumbers -kind touching -n 300 -out DIR
//
// Each file is named by its index and the number it holds (007-2740.png). The digits are
// MNIST's test images, picked at random (the same for a seed).
package main

import (
	"flag"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"

	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/internal/atomicfile"
	"github.com/lenet/lenet/robust"
)

func main() {
	kind := flag.String("kind", "touching", "the kind of numbers: separated, touching or \"in a photo\"")
	n := flag.Int("n", 300, "how many numbers")
	seed := flag.Uint64("seed", 1, "the random seed")
	out := flag.String("out", "", "the folder to write them into (made if missing)")
	flag.Parse()
	if err := write(*kind, *n, *seed, *out); err != nil {
		fmt.Fprintln(os.Stderr, "writenumbers:", err)
		os.Exit(1)
	}
}

func write(kind string, n int, seed uint64, out string) error {
	if out == "" || n < 1 {
		return fmt.Errorf("-out %q, -n %d: expected a folder and at least one number", out, n)
	}
	var k *robust.NumberKind
	for i := range robust.NumberKinds {
		if robust.NumberKinds[i].Name == kind {
			k = &robust.NumberKinds[i]
		}
	}
	if k == nil {
		return fmt.Errorf("-kind %q: expected separated, touching or \"in a photo\"", kind)
	}
	set, err := dataset.MNIST.Load("", "test")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	imgs, wants := robust.NumberPhotos(set, *k, n, seed)
	for i, img := range imgs {
		path := filepath.Join(out, fmt.Sprintf("%03d-%s.png", i, wants[i]))
		if err := atomicfile.WriteFile(path, func(w io.Writer) error { return png.Encode(w, img) }); err != nil {
			return err
		}
	}
	return nil
}
