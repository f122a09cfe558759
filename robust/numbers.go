package robust

import (
	"context"
	"errors"
	"image"
	"image/color"
	"iter"
	"math/rand/v2"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/internal/ordered"
	"github.com/lenet/lenet/reader"
)

// NumberKind is a way people's numbers reach lenet read: the gaps between the digits
// and how the number is photographed.
type NumberKind struct {
	Name  string
	Gap   func(rng *rand.Rand) int // pixels between digits at MNIST's scale; 0 or less touch
	Photo augment.Photo
}

// NumberKinds are the numbers figure's kinds: digits apart, digits touching, and apart
// in a phone photo (uneven light, noise, JPEG, tinted paper, blue ink).
var NumberKinds = []NumberKind{
	{"separated", func(rng *rand.Rand) int { return 3 + rng.IntN(6) }, augment.Photo{Scale: 3}},
	{"touching", func(rng *rand.Rand) int { return -1 - rng.IntN(2) }, augment.Photo{Scale: 3}},
	{"in a photo", func(rng *rand.Rand) int { return 3 + rng.IntN(6) }, augment.Photo{Scale: 3, Light: 0.3, Noise: 0.03, JPEG: 80,
		Paper: color.RGBA{222, 216, 200, 255}, Ink: color.RGBA{25, 35, 90, 255}}},
}

// NumberScore is how r read n numbers of one kind.
type NumberScore struct {
	Kind    string  `json:"kind"`
	Numbers int     `json:"numbers"`
	Whole   float64 `json:"whole"` // the share read whole: every digit found and right
	Sure    float64 `json:"sure"`  // the share of the digits read that were sure
}

// Numbers writes n numbers of 2 to 6 of set's digits (picked at random) as kind says and
// reads them with r; the numbers are the same for a seed.
func Numbers(r *reader.Reader, set *dataset.Set, kind NumberKind, n int, seed uint64) (NumberScore, error) {
	s := NumberScore{Kind: kind.Name, Numbers: n}
	imgs, wants := NumberPhotos(set, kind, n, seed)
	right, digits, sure, i := 0, 0, 0, 0
	for reading, err := range readAll(r, imgs) {
		if err != nil && !errors.Is(err, reader.ErrNoDigits) {
			return s, err
		}
		got := ""
		for _, d := range reading.Digits {
			got += string(rune('0' + d.Digit))
			if d.Sure {
				sure++
			}
		}
		digits += len(reading.Digits)
		if got == wants[i] {
			right++
		}
		i++
	}
	s.Whole = float64(right) / float64(n)
	s.Sure = float64(sure) / float64(max(1, digits))
	return s, nil
}

// NumberPhotos are Numbers' pictures: n numbers of 2 to 6 of set's digits (picked at
// random) written and photographed as kind says, and what each says; the same for a seed.
func NumberPhotos(set *dataset.Set, kind NumberKind, n int, seed uint64) ([]image.Image, []string) {
	x := dataset.Floats(set)
	rng := rand.New(rand.NewPCG(seed, 2026))
	imgs, wants := make([]image.Image, n), make([]string, n)
	for i := range n {
		imgs[i], wants[i] = kind.write(set, x, rng)
	}
	return imgs, wants
}

// readAll reads imgs with r side by side, one a core, and yields the readings in order.
// The suites run to the end: no context stops them.
func readAll(r *reader.Reader, imgs []image.Image) iter.Seq2[reader.Reading, error] {
	return ordered.Map(len(imgs), func(i int) (reader.Reading, error) {
		return r.Read(context.Background(), imgs[i])
	})
}

// write draws a number of 2 to 6 of set's digits (x: its pixels as floats), picked at
// random, as kind writes and photographs numbers; want is its digits.
func (kind NumberKind) write(set *dataset.Set, x []float32, rng *rand.Rand) (img image.Image, want string) {
	k := 2 + rng.IntN(5)
	var ds [][]float32
	var gaps []int
	for j := range k {
		i := rng.IntN(set.Count)
		ds = append(ds, x[i*dataset.Pixels:(i+1)*dataset.Pixels])
		want += string(rune('0' + set.Labels[i]))
		if j > 0 {
			gaps = append(gaps, kind.Gap(rng))
		}
	}
	ink, w := augment.Number(ds, set.Rows, gaps)
	return kind.Photo.DrawInk(ink, w, set.Rows, rng), want
}
