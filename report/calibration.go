package report

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Bins is the number of equal-width confidence bins of the expected calibration error,
// as Guo et al. (2017, "On Calibration of Modern Neural Networks") measure it.
const Bins = 15

// Coverages are the shares of the images a model answers, its most confident first,
// at which Calibrate reports its accuracy.
var Coverages = []float64{0.90, 0.95, 0.99}

// Calibration says whether a model's probabilities can be trusted: its negative
// log-likelihood, its expected calibration error (how far "p% sure" is from right p% of
// the time, averaged over Bins bins of confidence, weighted by their images) and its
// accuracy when it answers only its most confident share.
type Calibration struct {
	NLL      float64   `json:"nll"`
	ECE      float64   `json:"ece"`
	Coverage []Covered `json:"coverage"`
}

// Covered is the accuracy on the most confident share of the images: Count images, those
// whose largest probability is at least Threshold.
type Covered struct {
	Share     float64 `json:"share"`
	Count     int     `json:"count"`
	Threshold float64 `json:"threshold"`
	Accuracy  float64 `json:"accuracy"`
}

// Calibrate measures probs, a row of probabilities a label (len(probs)/len(labels)
// classes), against labels.
func Calibrate(probs []float64, labels []byte) Calibration {
	n := len(labels)
	classes := rowLength(probs, labels)
	c := Calibration{NLL: NLL(probs, labels, 1)}
	conf := make([]float64, n)
	right := make([]bool, n)
	var binConf, binRight [Bins]float64
	var binCount [Bins]int
	for i := range n {
		row := probs[i*classes : (i+1)*classes]
		guess := 0
		for k, v := range row {
			if v > row[guess] {
				guess = k
			}
		}
		conf[i], right[i] = row[guess], guess == int(labels[i])
		b := min(int(conf[i]*Bins), Bins-1)
		binCount[b]++
		binConf[b] += conf[i]
		if right[i] {
			binRight[b]++
		}
	}
	for b := range Bins {
		if binCount[b] > 0 {
			c.ECE += math.Abs(binRight[b]-binConf[b]) / float64(n)
		}
	}
	// The most confident first; ties keep the images' order, so the shares are fixed.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case conf[a] > conf[b]:
			return -1
		case conf[a] < conf[b]:
			return 1
		}
		return 0
	})
	for _, share := range Coverages {
		k := int(math.Round(share * float64(n)))
		if k == 0 {
			continue
		}
		cv := Covered{Share: share, Count: k, Threshold: conf[order[k-1]]}
		ok := 0
		for _, i := range order[:k] {
			if right[i] {
				ok++
			}
		}
		cv.Accuracy = float64(ok) / float64(k)
		c.Coverage = append(c.Coverage, cv)
	}
	return c
}

// String is the calibration as lenet test prints it.
func (c Calibration) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "calibration: negative log-likelihood %.4f, expected calibration error %.2f%% (%d bins)", c.NLL, 100*c.ECE, Bins)
	for _, cv := range c.Coverage {
		fmt.Fprintf(&b, "\n  answering the most confident %g%% (%d, p >= %.4f): accuracy %.2f%%", 100*cv.Share, cv.Count, cv.Threshold, 100*cv.Accuracy)
	}
	return b.String()
}

// NLL is the mean negative log-likelihood of labels under probs tempered by t
// (softmax(logits/t), from the probabilities: log p / t, renormalised).
func NLL(probs []float64, labels []byte, t float64) float64 {
	var sum float64
	classes := rowLength(probs, labels)
	for i, l := range labels {
		row := probs[i*classes : (i+1)*classes]
		mx := math.Inf(-1)
		for _, v := range row {
			if v > 0 {
				mx = math.Max(mx, math.Log(v)/t)
			}
		}
		var z float64
		for _, v := range row {
			if v > 0 {
				z += math.Exp(math.Log(v)/t - mx)
			}
		}
		p := math.Max(row[l], math.SmallestNonzeroFloat64) // a label at probability 0 costs 744
		sum -= math.Log(p)/t - mx - math.Log(z)
	}
	return sum / float64(len(labels))
}

// FitTemperature returns the temperature, between 0.05 and 20, that minimises the
// negative log-likelihood of labels under probs (Guo et al.'s temperature scaling):
// a golden-section search on log t (the likelihood is convex in 1/t, so it has one minimum).
func FitTemperature(probs []float64, labels []byte) float64 {
	f := func(logT float64) float64 { return NLL(probs, labels, math.Exp(logT)) }
	lo, hi := math.Log(0.05), math.Log(20)
	g := (math.Sqrt(5) - 1) / 2
	a, b := hi-g*(hi-lo), lo+g*(hi-lo)
	fa, fb := f(a), f(b)
	for hi-lo > 1e-4 {
		if fa < fb {
			hi, b, fb = b, a, fa
			a = hi - g*(hi-lo)
			fa = f(a)
		} else {
			lo, a, fa = a, b, fb
			b = lo + g*(hi-lo)
			fb = f(b)
		}
	}
	return math.Exp((lo + hi) / 2)
}

// rowLength is the number of classes of probs, a row of probabilities a label.
func rowLength(probs []float64, labels []byte) int {
	if len(labels) == 0 {
		return 0
	}
	return len(probs) / len(labels)
}
