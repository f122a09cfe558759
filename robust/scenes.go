package robust

import (
	"errors"
	"image"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/preprocess"
	"github.com/lenet/lenet/reader"
	"github.com/lenet/lenet/report"
)

// ScenePhoto is one picture of the scene suite and what it shows.
type ScenePhoto struct {
	Image image.Image
	White image.Image // the same digit on white paper: Scene.White's photo
	Label int
	Pen   bool // drawn by PenDigit, not one of MNIST's digits
}

// ScenePhotos draws n photos of single digits in random Scenes: the even ones of set's
// digits (picked at random), the odd ones of PenDigit's. Photo i draws what is random
// from augment.Rand(seed, 0, i), so a seed gives the same photos on any number of cores.
func ScenePhotos(set *dataset.Set, n int, seed uint64) []ScenePhoto {
	x := dataset.Floats(set)
	out := make([]ScenePhoto, n)
	parallel(n, func(i int) {
		rng := augment.Rand(seed, 0, i)
		s := RandomScene(rng)
		ink, side, p := []float32(nil), PenSide, ScenePhoto{Pen: i%2 == 1}
		if p.Pen {
			p.Label = rng.IntN(10)
			ink = PenDigit(p.Label, rng)
		} else {
			k := rng.IntN(set.Count)
			ink, side, p.Label = x[k*dataset.Pixels:(k+1)*dataset.Pixels], dataset.Side, int(set.Labels[k])
		}
		p.Image = s.Draw(ink, side, side, rng)
		p.White = s.White().Draw(ink, side, side, rng)
		out[i] = p
	})
	return out
}

// SceneScore is how a model read the scene suite's photos through a fit (lenet
// predict's path: preprocess.Digit): its accuracy, on MNIST's digits and on PenDigit's,
// the calibration of its answers, and where the misses come from: the share fit found
// no digit in, the share also missed on white paper (the same digit at the same size and
// place, in black ink, in a clean photo: the model's own misses), and the rest, missed
// only in the photo.
type SceneScore struct {
	Photos      int                `json:"photos"`
	Accuracy    float64            `json:"accuracy"`
	MNIST       float64            `json:"mnist"`
	Pen         float64            `json:"pen"`
	White       float64            `json:"white"` // the accuracy on the same digits on white paper
	NotFound    float64            `json:"not_found"`
	AlsoOnWhite float64            `json:"also_on_white"`
	PhotoOnly   float64            `json:"photo_only"`
	Calibration report.Calibration `json:"calibration"`
}

// ScoreScenes reads photos through fit and scores ev's answers. A photo fit finds no
// digit in is a miss at no confidence (an even answer).
func ScoreScenes(ev *graph.Evaluator, photos []ScenePhoto, fit preprocess.Fit) (SceneScore, error) {
	n := len(photos)
	x := make([]float32, 2*n*dataset.Pixels) // the photos, then their white-paper twins
	found := make([]bool, 2*n)
	parallel(2*n, func(i int) {
		img := photos[i%n].Image
		if i >= n {
			img = photos[i%n].White
		}
		if px, err := fit(img); err == nil {
			copy(x[i*dataset.Pixels:], px)
			found[i] = true
		}
	})
	probs, err := ev.Probabilities(x)
	if err != nil {
		return SceneScore{}, err
	}
	right := func(i int) bool {
		return found[i] && graph.Argmax(probs[i*dataset.Digits:(i+1)*dataset.Digits], dataset.Digits)[0] == photos[i%n].Label
	}
	labels := make([]byte, n)
	s := SceneScore{Photos: n}
	var pens, penRight, mnistRight int
	for i, p := range photos {
		labels[i] = byte(p.Label)
		if !found[i] {
			row := probs[i*dataset.Digits : (i+1)*dataset.Digits]
			for k := range row {
				row[k] = 1.0 / dataset.Digits
			}
			row[p.Label] -= 1e-9 // an even answer, not counted right
		}
		switch {
		case right(i) && p.Pen:
			penRight++
		case right(i):
			mnistRight++
		case !found[i]:
			s.NotFound++
		case !right(n + i):
			s.AlsoOnWhite++
		default:
			s.PhotoOnly++
		}
		if right(n + i) {
			s.White++
		}
		if p.Pen {
			pens++
		}
	}
	s.Accuracy = float64(penRight+mnistRight) / float64(n)
	s.Pen = float64(penRight) / float64(max(1, pens))
	s.MNIST = float64(mnistRight) / float64(max(1, n-pens))
	s.White /= float64(n)
	s.NotFound /= float64(n)
	s.AlsoOnWhite /= float64(n)
	s.PhotoOnly /= float64(n)
	s.Calibration = report.Calibrate(probs[:n*dataset.Digits], labels)
	return s, nil
}

// SceneNumbers draws n photos of numbers in random Scenes, each of 2 to 6 digits
// written side by side with gaps of 2 to 8 pixels at MNIST's scale: the even ones of
// set's digits, the odd ones of PenDigit's (scaled to MNIST's). want is each number.
func SceneNumbers(set *dataset.Set, n int, seed uint64) (photos []image.Image, want []string) {
	x := dataset.Floats(set)
	photos, want = make([]image.Image, n), make([]string, n)
	parallel(n, func(i int) {
		rng := augment.Rand(seed, 1, i)
		s := RandomScene(rng)
		s.Size = 0.15 + 0.25*rng.Float64() // a number's height: it is wider than tall
		ink, w, number := writeNumber(set, x, 2+rng.IntN(5), i%2 == 1, rng)
		photos[i], want[i] = s.Draw(ink, w, dataset.Side, rng), number
	})
	return photos, want
}

// SceneLines draws n photos of two numbers of 2 to 5 digits written one above the
// other in random Scenes (the second line 0.3 to 1 digit heights below the first, each
// starting up to a digit's width further right or left), as SceneNumbers writes them.
// want is the two numbers, a newline between them.
func SceneLines(set *dataset.Set, n int, seed uint64) (photos []image.Image, want []string) {
	x := dataset.Floats(set)
	photos, want = make([]image.Image, n), make([]string, n)
	parallel(n, func(i int) {
		rng := augment.Rand(seed, 2, i)
		s := RandomScene(rng)
		s.Size = 0.35 + 0.3*rng.Float64()
		top, tw, first := writeNumber(set, x, 2+rng.IntN(4), i%2 == 1, rng)
		bottom, bw, second := writeNumber(set, x, 2+rng.IntN(4), i%2 == 1, rng)
		gap := int(float64(dataset.Side) * (0.3 + 0.7*rng.Float64()))
		shift := rng.IntN(2*dataset.Side+1) - dataset.Side
		ink, w, h := augment.Lines([][]float32{top, bottom}, []int{tw, bw}, dataset.Side, gap, []int{max(0, -shift), max(0, shift)})
		photos[i], want[i] = s.Draw(ink, w, h, rng), first+"\n"+second
	})
	return photos, want
}

// writeNumber writes k digits side by side with gaps of 2 to 8 pixels, set's (x: its
// pixels as floats) picked at random or PenDigit's; it returns the ink, its width
// (its height is dataset.Side) and the number.
func writeNumber(set *dataset.Set, x []float32, k int, pen bool, rng *rand.Rand) (ink []float32, w int, number string) {
	var ds [][]float32
	var gaps []int
	for j := range k {
		var d int
		if pen {
			d = rng.IntN(10)
			ds = append(ds, halve(PenDigit(d, rng)))
		} else {
			m := rng.IntN(set.Count)
			d = int(set.Labels[m])
			ds = append(ds, x[m*dataset.Pixels:(m+1)*dataset.Pixels])
		}
		number += string(rune('0' + d))
		if j > 0 {
			gaps = append(gaps, 2+rng.IntN(7))
		}
	}
	ink, w = augment.Number(ds, dataset.Side, gaps)
	return ink, w, number
}

// halve is a PenSide x PenSide ink image (PenDigit's, PenLetter's) at half the size:
// MNIST's, about 20 pixels high.
func halve(pen []float32) []float32 {
	out := make([]float32, dataset.Pixels)
	const k = float64(PenSide) / dataset.Side
	for y := range dataset.Side {
		for x := range dataset.Side {
			var v float64 // the mean of the k x k pen pixels this pixel covers
			for yy := int(float64(y) * k); yy < int(float64(y+1)*k); yy++ {
				for xx := int(float64(x) * k); xx < int(float64(x+1)*k); xx++ {
					v += float64(pen[yy*PenSide+xx])
				}
			}
			out[y*dataset.Side+x] = float32(v / (k * k))
		}
	}
	return out
}

// SceneNonDigits draws n photos that hold no digit, in random Scenes: blank paper (lines
// and shadows only), a picture of noise, a texture (blotches over the whole frame), and,
// for half of them, 1 to 3 capital letters or shapes written as PenDigit writes digits.
// A reader should find no digits in them, or be sure of none.
func SceneNonDigits(n int, seed uint64) []image.Image {
	photos := make([]image.Image, n)
	parallel(n, func(i int) {
		rng := augment.Rand(seed, 3, i)
		s := RandomScene(rng)
		switch i % 6 {
		case 0: // blank paper
			photos[i] = s.Draw(make([]float32, dataset.Pixels), dataset.Side, dataset.Side, rng)
		case 1: // noise
			img := image.NewGray(image.Rect(0, 0, s.W, s.H))
			for k := range img.Pix {
				img.Pix[k] = uint8(rng.IntN(256))
			}
			photos[i] = img
		case 2: // a texture: soft blotches all over
			const side = 64
			ink := make([]float32, side*side)
			for range 40 {
				cx, cy, r := rng.Float64()*side, rng.Float64()*side, 2+6*rng.Float64()
				for y := range side {
					for x := range side {
						if d := math.Hypot(float64(x)-cx, float64(y)-cy); d < r {
							ink[y*side+x] = max(ink[y*side+x], float32(0.3+0.4*(1-d/r)))
						}
					}
				}
			}
			s.Size = 1
			photos[i] = s.Draw(ink, side, side, rng)
		default: // letters or shapes
			k := 1 + rng.IntN(3)
			var ls [][]float32
			var gaps []int
			for j := range k {
				ls = append(ls, halve(PenLetter(rng.IntN(len(penLetters)), rng)))
				if j > 0 {
					gaps = append(gaps, 3+rng.IntN(6))
				}
			}
			s.Size = 0.2 + 0.3*rng.Float64()
			ink, w := augment.Number(ls, dataset.Side, gaps)
			photos[i] = s.Draw(ink, w, dataset.Side, rng)
		}
	})
	return photos
}

// SceneRead is how a reader read one kind of the scene suite's photos: numbers, two
// lines of them, or pictures without digits. Right is the share read whole (every
// digit found and right, the lines as written: the digits' values, sure or not) or,
// for pictures without digits, the share rejected (no digits found, or none sure).
// Lines is the share whose lines were found: as many lines as written, with as many
// digits each. Sure is the share read whole with every digit sure: what the reading's
// text shows as written, no "?" in it (0 for pictures without digits). So 1 - Lines
// are the photos whose lines or digits were found wrong, and Lines - Right those with
// every digit found and one or more read wrong. The digits behind a "?" in photos read
// whole are counted by why: UnsureModel of them are under reader.SureAt (the model's),
// UnsureGate at or over it but under the gate's threshold (not sure it is a digit).
type SceneRead struct {
	Kind        string  `json:"kind"`
	Photos      int     `json:"photos"`
	Right       float64 `json:"right"`
	Lines       float64 `json:"lines"`
	Sure        float64 `json:"sure"`
	UnsureModel int     `json:"unsure_model"`
	UnsureGate  int     `json:"unsure_gate"`
}

// ReadScenes reads photos with r; want is what each says ("" for none).
func ReadScenes(r *reader.Reader, kind string, photos []image.Image, want []string) (SceneRead, error) {
	s := SceneRead{Kind: kind, Photos: len(photos)}
	i := -1
	for reading, err := range readAll(r, photos) {
		i++
		if err != nil && !errors.Is(err, reader.ErrNoDigits) {
			return s, err
		}
		got, sure, allSure := "", false, true
		for k, d := range reading.Digits {
			if k > 0 && d.Line != reading.Digits[k-1].Line {
				got += "\n"
			}
			got += string(rune('0' + d.Digit))
			sure = sure || d.Sure
			allSure = allSure && d.Sure
		}
		if want[i] == "" {
			if !sure {
				s.Right++
			}
			continue
		}
		if got == want[i] {
			s.Right++
			if allSure {
				s.Sure++
			}
			for _, d := range reading.Digits {
				switch {
				case d.Sure:
				case d.Probability < reader.SureAt:
					s.UnsureModel++
				default:
					s.UnsureGate++
				}
			}
		}
		if shape(got) == shape(want[i]) {
			s.Lines++
		}
	}
	s.Right /= float64(len(photos))
	s.Lines /= float64(len(photos))
	s.Sure /= float64(len(photos))
	return s, nil
}

// shape is a reading's lines and how many digits each holds: "3,4" for "123\n4567".
func shape(text string) string {
	var counts []string
	for _, line := range strings.Split(text, "\n") {
		counts = append(counts, strconv.Itoa(len(line)))
	}
	return strings.Join(counts, ",")
}

// runScenes scores ev's model (and r, its reader) on the scene suite: photos of the
// first PhotoImages digits of set and of PenDigit's, and a tenth as many (at most
// MaxNumbers) numbers, two-line numbers and pictures without digits.
func runScenes(ev *graph.Evaluator, r *reader.Reader, set *dataset.Set, seed uint64, res *Result) error {
	var err error
	if res.Scenes, err = ScoreScenes(ev, ScenePhotos(set.Limit(min(set.Count, MaxPhotoImages)), min(set.Count, MaxPhotoImages), seed), preprocess.Digit); err != nil {
		return err
	}
	n := max(1, min(MaxNumbers, set.Count/10))
	photos, want := SceneNumbers(set, n, seed)
	numbers, err := ReadScenes(r, "numbers", photos, want)
	if err != nil {
		return err
	}
	photos, want = SceneLines(set, n, seed)
	lines, err := ReadScenes(r, "two lines", photos, want)
	if err != nil {
		return err
	}
	none, err := ReadScenes(r, "no digits", SceneNonDigits(n, seed), make([]string, n))
	if err != nil {
		return err
	}
	res.SceneReads = []SceneRead{numbers, lines, none}
	return nil
}
