// Package robust measures how a model copes with handwriting unlike MNIST's test digits:
// its accuracy on copies of the test images corrupted by each family of a suite at
// several strengths, after MNIST-C (Mu and Gilmer 2019), which summarises its 15
// corruptions by their mean accuracy. The families are augment's Corruptions and
// "picture": each digit drawn dark on light as a picture of k times its size in a
// frame half as large again, then read back through preprocess.Digit, the path of lenet predict,
// draw and test --images.
package robust

import (
	"fmt"
	"image"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/preprocess"
	"github.com/lenet/lenet/reader"
	"github.com/lenet/lenet/report"
	"golang.org/x/image/draw"
)

// Families are the suite: augment's Corruptions, then picture.
var Families = append(append([]augment.Corruption(nil), augment.Corruptions...),
	augment.Corruption{Name: "picture", Unit: "times the size, in a frame 1.5 times as large", Strengths: []float64{1, 2, 4, 8}, Apply: picture})

// picture draws the digit dark on light at k times its size, at a random place in a
// frame half as large again, and reads it back as predict does.
func picture(dst, src []float32, side int, k float64, rng *rand.Rand) {
	drawPicture(dst, src, side, k, 1, rng, preprocess.Digit)
}

// drawPicture is picture with ink of the given strength (1 black) read back by fit. A
// digit fit finds no ink in stays blank.
func drawPicture(dst, src []float32, side int, k, ink float64, rng *rand.Rand, fit func(image.Image) ([]float32, error)) {
	n := max(1, int(k)) * side
	small := dataset.DarkOnLight(src, side, ink)
	frame := image.NewGray(image.Rect(0, 0, n+n/2, n+n/2))
	for i := range frame.Pix {
		frame.Pix[i] = 255
	}
	x, y := rng.IntN(n/2+1), rng.IntN(n/2+1)
	draw.BiLinear.Scale(frame, image.Rect(x, y, x+n, y+n), small, small.Bounds(), draw.Src, nil)
	readBack(dst, frame, fit)
}

// readBack writes what fit makes of img into dst, or leaves dst blank when fit finds no
// digit in it (the model then scores a blank).
func readBack(dst []float32, img image.Image, fit func(image.Image) ([]float32, error)) {
	px, err := fit(img)
	if err != nil {
		clear(dst)
		return
	}
	copy(dst, px)
}

// Cell is the accuracy under one family at one strength.
type Cell struct {
	Family   string  `json:"family"`
	Strength float64 `json:"strength"`
	Accuracy float64 `json:"accuracy"`
}

// Result is a model's accuracy on the clean images and under every cell of the suite,
// and the suite's summary: the mean over the families of each family's mean accuracy
// over its strengths.
type Result struct {
	Model  string  `json:"model"`
	Images int     `json:"images"`
	Seed   uint64  `json:"seed"`
	Clean  float64 `json:"clean"`
	Mean   float64 `json:"mean"`
	Cells  []Cell  `json:"cells"`
	// The photo suite (PhotoFamilies) on the first PhotoImages images, its mean over the
	// families, and the numbers figure: how lenet read reads numbers of these digits.
	PhotoImages int           `json:"photo_images"`
	Photos      []Cell        `json:"photos"`
	PhotoMean   float64       `json:"photo_mean"`
	Numbers     []NumberScore `json:"numbers"`
	// Proxies: the weaknesses measured outside MNIST, made from these test digits.
	Proxies []ProxyScore `json:"proxies"`
	// The scene suite: simulated photos in which everything goes wrong at once, of the
	// first PhotoImages digits and of PenDigit's, read as lenet predict reads them; then
	// numbers, two lines of them and pictures without digits, read as lenet read does.
	Scenes     SceneScore  `json:"scenes"`
	SceneReads []SceneRead `json:"scene_reads"`
}

// MaxPhotoImages and MaxNumbers bound the photo suite and the numbers figure (a tenth
// as many numbers of each kind as images scored, at most MaxNumbers): drawing and
// reading a photo costs about a hundred times what a corrupted image does.
const (
	MaxPhotoImages = 1000
	MaxNumbers     = 300
)

// FamilyMean is the mean accuracy over the strengths of the family named name.
func (r Result) FamilyMean(name string) float64 {
	var sum float64
	n := 0
	for _, c := range r.Cells {
		if c.Family == name {
			sum += c.Accuracy
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// Run scores ev's model on set and on its corrupted copies. Image i of the copy at
// strength j of family f draws what is random from augment.Rand(seed+f, j+1, i), so a
// seed gives the same copies whatever the number of cores.
func Run(ev *graph.Evaluator, set *dataset.Set, seed uint64) (Result, error) {
	r := Result{Images: set.Count, Seed: seed}
	clean := dataset.Floats(set)
	acc, err := accuracy(ev, clean, set.Labels)
	if err != nil {
		return r, err
	}
	r.Clean = acc
	for f, fam := range Families {
		for j, s := range fam.Strengths {
			acc, err := accuracy(ev, Corrupt(clean, set.Rows, fam, s, seed+uint64(f), j+1), set.Labels)
			if err != nil {
				return r, err
			}
			r.Cells = append(r.Cells, Cell{Family: fam.Name, Strength: s, Accuracy: acc})
		}
		r.Mean += r.FamilyMean(fam.Name) / float64(len(Families))
	}
	return r, nil
}

// RunModel runs the suite on the checkpoint or run folder name, "builtin" or "" for the built-in one;
// the result is named name.
func RunModel(name string, set *dataset.Set, seed uint64) (Result, error) {
	src := checkpoints.Source{Checkpoint: name}
	if name == "builtin" {
		src.Checkpoint = ""
	}
	m, err := checkpoints.Open(src)
	if err != nil {
		return Result{}, err
	}
	if m.Dataset.Name != dataset.MNIST.Name {
		return Result{}, fmt.Errorf("robustness is for handwritten digits; %s classifies %s", name, m.Dataset.Title)
	}
	ev, err := m.Evaluator(graph.DefaultEvalBatch)
	if err != nil {
		return Result{}, err
	}
	defer ev.Close()
	r, err := Run(ev, set, seed)
	r.Model = name
	if err != nil {
		return r, err
	}
	if err := runPhotos(ev, set.Limit(min(set.Count, MaxPhotoImages)), seed, &r); err != nil {
		return r, err
	}
	if err := runProxies(ev, set, seed, &r); err != nil {
		return r, err
	}
	rd, err := reader.New(m)
	if err != nil {
		return r, err
	}
	defer rd.Close()
	if err := runScenes(ev, rd, set, seed, &r); err != nil {
		return r, err
	}
	for _, kind := range NumberKinds {
		s, err := Numbers(rd, set, kind, max(1, min(MaxNumbers, set.Count/10)), seed)
		if err != nil {
			return r, err
		}
		r.Numbers = append(r.Numbers, s)
	}
	return r, nil
}

// runPhotos scores ev's model on set drawn by each photo family into r.
func runPhotos(ev *graph.Evaluator, set *dataset.Set, seed uint64, r *Result) error {
	r.PhotoImages = set.Count
	clean := dataset.Floats(set)
	for f, fam := range PhotoFamilies {
		sum := 0.0
		for j, s := range fam.Strengths {
			acc, err := accuracy(ev, Corrupt(clean, set.Rows, fam, s, seed+100+uint64(f), j+1), set.Labels)
			if err != nil {
				return err
			}
			r.Photos = append(r.Photos, Cell{Family: fam.Name, Strength: s, Accuracy: acc})
			sum += acc
		}
		r.PhotoMean += sum / float64(len(fam.Strengths)) / float64(len(PhotoFamilies))
	}
	return nil
}

// Corrupt returns a copy of the images x (side x side each) corrupted by c at strength,
// image i drawing from augment.Rand(seed, level, i), spread over the cores.
func Corrupt(x []float32, side int, c augment.Corruption, strength float64, seed uint64, level int) []float32 {
	n := side * side
	out := make([]float32, len(x))
	parallel(len(x)/n, func(i int) {
		c.Apply(out[i*n:(i+1)*n], x[i*n:(i+1)*n], side, strength, augment.Rand(seed, level, i))
	})
	return out
}

// parallel runs f(0) to f(count-1) on every core, each index once.
func parallel(count int, f func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < count; i += workers {
				f(i)
			}
		})
	}
	wg.Wait()
}

func accuracy(ev *graph.Evaluator, x []float32, labels []byte) (float64, error) {
	pred, err := ev.Predict(x)
	if err != nil {
		return 0, err
	}
	return report.Tally(pred, labels, 0, len(labels)).Accuracy, nil
}

// families lists the suite's family names in order, each once.
func families() []string {
	var names []string
	for _, f := range Families {
		names = append(names, f.Name)
	}
	return names
}
