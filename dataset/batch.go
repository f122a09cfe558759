package dataset

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
)

// Permutation returns the order in which epoch visits n records: a shuffle drawn from
// a PCG generator seeded by (seed, epoch), so every epoch differs and every run with
// the same seed repeats.
func Permutation(n int, seed uint64, epoch int) []int {
	rng := rand.New(rand.NewPCG(seed, uint64(epoch)))
	return rng.Perm(n)
}

// Fill writes the images at idx into x, scaled to [0,1] (pixel/255), laid out as
// (len(idx), Rows, Cols). Positions of x past len(idx) images are zeroed, so a short
// last batch can fill a fixed-size buffer.
func Fill(s *Set, idx []int, x []float32) {
	size := s.Rows * s.Cols
	clear(x[len(idx)*size:])
	for b, i := range idx {
		dst := x[b*size : (b+1)*size]
		for j, p := range s.Pixels[i*size : (i+1)*size] {
			dst[j] = float32(p) / 255
		}
	}
}

// Floats returns every image of s scaled to [0,1] as Fill does, (Count, Rows, Cols).
func Floats(s *Set) []float32 {
	x := make([]float32, s.Count*s.Rows*s.Cols)
	for i, p := range s.Pixels[:len(x)] {
		x[i] = float32(p) / 255
	}
	return x
}

// Gather returns the labels at idx.
func Gather(s *Set, idx []int, dst []byte) []byte {
	dst = dst[:0]
	for _, i := range idx {
		dst = append(dst, s.Labels[i])
	}
	return dst
}

// DarkOnLight draws a side x side image of pixels in [0,1] (ink bright, as the network
// sees it) as a grey picture with ink of the given strength (1 black) on white, as
// people write: previews, montages and the robustness suite's pictures.
func DarkOnLight(px []float32, side int, ink float64) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i, v := range px[:side*side] {
		img.Pix[i] = uint8(255 - ink*255*float64(v) + 0.5)
	}
	return img
}

// heldOutStream is the PCG stream of HoldOut's draw, apart from every epoch's shuffle.
const heldOutStream = 1<<64 - 1

// HoldOut splits s into the images to train on and n images held out for validation:
// the first n of a shuffle drawn from seed (its own stream, not an epoch's), in the
// order they have in s, which the rest keep too. idx are the held-out images' indices
// in s, ascending. n 0 holds out none and returns s itself.
func (s *Set) HoldOut(n int, seed uint64) (rest, held *Set, idx []int) {
	if n <= 0 {
		return s, nil, nil
	}
	n = min(n, s.Count)
	rng := rand.New(rand.NewPCG(seed, heldOutStream))
	out := make([]bool, s.Count)
	for _, i := range rng.Perm(s.Count)[:n] {
		out[i] = true
	}
	size := s.Rows * s.Cols
	rest, held = &Set{Images: s.Images}, &Set{Images: s.Images}
	rest.Pixels, held.Pixels = make([]byte, 0, (s.Count-n)*size), make([]byte, 0, n*size)
	for i := range s.Count {
		to := rest
		if out[i] {
			to = held
			idx = append(idx, i)
		}
		to.Pixels = append(to.Pixels, s.Pixels[i*size:(i+1)*size]...)
		to.Labels = append(to.Labels, s.Labels[i])
	}
	rest.Count, held.Count = s.Count-n, n
	return rest, held, idx
}

// HoldOutShare is HoldOut by class: it holds out share of each label's records (rounded
// up, so at least one of a label that has two or more; none of a label with only one),
// drawn from seed on HoldOut's stream, in s's order; idx are their indices in s,
// ascending. lenet train --from --images holds out a user's pictures so.
func (s *Set) HoldOutShare(share float64, seed uint64) (rest, held *Set, idx []int) {
	byLabel := make([][]int, 256)
	for i, l := range s.Labels[:s.Count] {
		byLabel[l] = append(byLabel[l], i)
	}
	rng := rand.New(rand.NewPCG(seed, heldOutStream))
	out := make([]bool, s.Count)
	for _, is := range byLabel {
		if len(is) < 2 {
			continue
		}
		n := min(len(is)-1, int(math.Ceil(share*float64(len(is)))))
		for _, k := range rng.Perm(len(is))[:n] {
			out[is[k]] = true
		}
	}
	var keep []int
	for i := range s.Count {
		if out[i] {
			idx = append(idx, i)
		} else {
			keep = append(keep, i)
		}
	}
	return s.Subset(keep), s.Subset(idx), idx
}

// Subset is a new set of the records of s at idx, in idx's order.
func (s *Set) Subset(idx []int) *Set {
	size := s.Rows * s.Cols
	t := &Set{Images: Images{Count: len(idx), Rows: s.Rows, Cols: s.Cols, Pixels: make([]byte, 0, len(idx)*size)}, Labels: make([]byte, 0, len(idx))}
	for _, i := range idx {
		t.Pixels = append(t.Pixels, s.Pixels[i*size:(i+1)*size]...)
		t.Labels = append(t.Labels, s.Labels[i])
	}
	return t
}

// Concat is a new set of the records of sets in turn, which must share an image size.
func Concat(sets ...*Set) (*Set, error) {
	t := &Set{Images: Images{Rows: sets[0].Rows, Cols: sets[0].Cols}}
	for _, s := range sets {
		if s.Rows != t.Rows || s.Cols != t.Cols {
			return nil, fmt.Errorf("concat: %dx%d images after %dx%d", s.Rows, s.Cols, t.Rows, t.Cols)
		}
		t.Count += s.Count
		t.Pixels = append(t.Pixels, s.Pixels[:s.Count*s.Rows*s.Cols]...)
		t.Labels = append(t.Labels, s.Labels[:s.Count]...)
	}
	return t, nil
}
