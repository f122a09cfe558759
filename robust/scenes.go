package robust

import (
	"image"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/preprocess"
	"github.com/lenet/lenet/report"
)

// Photo is one picture of the scene suite and what it shows.
type Photo struct {
	Image image.Image
	Label int
	Pen   bool // drawn by PenDigit, not one of MNIST's digits
}

// ScenePhotos draws n photos of single digits in random Scenes: the even ones of set's
// digits (picked at random), the odd ones of PenDigit's. Photo i draws what is random
// from augment.Rand(seed, 0, i), so a seed gives the same photos on any number of cores.
func ScenePhotos(set *dataset.Set, n int, seed uint64) []Photo {
	x := dataset.Floats(set)
	out := make([]Photo, n)
	parallel(n, func(i int) {
		rng := augment.Rand(seed, 0, i)
		s := RandomScene(rng)
		if i%2 == 0 {
			k := rng.IntN(set.Count)
			out[i] = Photo{Image: s.Draw(x[k*dataset.Pixels:(k+1)*dataset.Pixels], set.Cols, set.Rows, rng), Label: int(set.Labels[k])}
			return
		}
		d := rng.IntN(10)
		out[i] = Photo{Image: s.Draw(PenDigit(d, rng), PenSide, PenSide, rng), Label: d, Pen: true}
	})
	return out
}

// SceneScore is how a model read the scene suite's photos through a fit (lenet
// predict's path: preprocess.Digit): its accuracy, on MNIST's digits and on PenDigit's,
// the share fit found no digit in (each a miss), and the calibration of its answers.
type SceneScore struct {
	Photos      int                `json:"photos"`
	Accuracy    float64            `json:"accuracy"`
	MNIST       float64            `json:"mnist"`
	Pen         float64            `json:"pen"`
	NotFound    float64            `json:"not_found"`
	Calibration report.Calibration `json:"calibration"`
}

// ScoreScenes reads photos through fit and scores ev's answers. A photo fit finds no
// digit in is a miss at no confidence (a uniform answer).
func ScoreScenes(ev *graph.Evaluator, photos []Photo, fit preprocess.Fit) (SceneScore, []int, error) {
	n := len(photos)
	x := make([]float32, n*dataset.Pixels)
	found := make([]bool, n)
	parallel(n, func(i int) {
		px, err := fit(photos[i].Image)
		if err == nil {
			copy(x[i*dataset.Pixels:], px)
			found[i] = true
		}
	})
	probs, err := ev.Probabilities(x)
	if err != nil {
		return SceneScore{}, nil, err
	}
	labels := make([]byte, n)
	guesses := make([]int, n)
	s := SceneScore{Photos: n}
	var right, pens, penRight int
	for i, p := range photos {
		labels[i] = byte(p.Label)
		row := probs[i*dataset.Classes : (i+1)*dataset.Classes]
		if !found[i] {
			for k := range row {
				row[k] = 1.0 / dataset.Classes
			}
			s.NotFound++
			guesses[i] = -1
			continue
		}
		guesses[i] = graph.Argmax(row)[0]
		if guesses[i] == p.Label {
			right++
			if p.Pen {
				penRight++
			}
		}
		if p.Pen {
			pens++
		}
	}
	s.Accuracy = float64(right) / float64(n)
	s.Pen = float64(penRight) / float64(max(1, pens))
	s.MNIST = float64(right-penRight) / float64(max(1, n-pens))
	s.NotFound /= float64(n)
	s.Calibration = report.Calibrate(probs, labels)
	return s, guesses, nil
}
