// Command writer writes pictures of digits by one writer whose style MNIST lacks
// (robust.WriterDigit), or with -hand pen by robust.PenDigit's several styles (writers
// outside MNIST, as the scene suite draws them), named for their digit as the draw page
// names what it saves, to measure what lenet train --from --images learns
// (docs/tuning.sh):
//
//	go run ./internal/tools/writer [-n 500] [-seed 1] [-hand writer|pen] DIR
//
// Picture i is of the digit i mod 10; the same seed writes the same pictures.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/internal/atomicfile"
	"github.com/lenet/lenet/robust"
)

func main() {
	n := flag.Int("n", 500, "pictures to write")
	seed := flag.Uint64("seed", 1, "seeds the writer's hand")
	hand := flag.String("hand", "writer", "writer (robust.WriterDigit) or pen (robust.PenDigit)")
	flag.Parse()
	if flag.NArg() != 1 || *n < 1 || (*hand != "writer" && *hand != "pen") {
		fmt.Fprintln(os.Stderr, "usage: writer [-n N] [-seed S] [-hand writer|pen] DIR")
		os.Exit(2)
	}
	if err := write(flag.Arg(0), *n, *seed, *hand); err != nil {
		fmt.Fprintln(os.Stderr, "writer:", err)
		os.Exit(1)
	}
}

func write(dir string, n int, seed uint64, hand string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	for i := range n {
		var img image.Image
		if hand == "pen" {
			img = dataset.DarkOnLight(robust.PenDigit(i%10, rng), robust.PenSide, 1)
		} else {
			img = robust.WriterPicture(i%10, rng)
		}
		path := filepath.Join(dir, fmt.Sprintf("%d-%s-%d-%04d.png", i%10, hand, seed, i))
		if err := atomicfile.WriteFile(path, func(w io.Writer) error { return png.Encode(w, img) }); err != nil {
			return err
		}
	}
	fmt.Printf("wrote %d pictures in %s\n", n, dir)
	return nil
}
