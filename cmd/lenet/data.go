package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/dataset"
	"github.com/spf13/pflag"
	"gorgonia.org/tensor"
)

// dataDir is --data, or MNIST in the Go module cache when it is empty.
func dataDir(flag string) (string, error) { return dataDirFor(dataset.MNIST, flag) }

// dataDirFor is --data, or where ds is found by default when it is empty.
func dataDirFor(ds dataset.Dataset, flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	return ds.Dir()
}

// dataHelp is the --data flag's help.
const dataHelp = "folder with the data set's IDX files, .gz or raw (default: MNIST from the Go module cache, Fashion-MNIST from " + dataset.FashionDir + ")"

// datasetFlag parses --dataset.
func datasetFlag(name string) (dataset.Dataset, error) {
	ds, err := dataset.Lookup(name)
	if err != nil {
		return ds, fmt.Errorf("invalid --dataset: %w", err)
	}
	return ds, nil
}

func parseDtype(s string) (tensor.Dtype, error) {
	switch s {
	case "float32":
		return tensor.Float32, nil
	case "float64":
		return tensor.Float64, nil
	}
	return tensor.Dtype{}, fmt.Errorf("invalid --dtype %q (expected float32 or float64)", s)
}

// distortFlags binds the distortion flags shared by train and test.
type distortFlags struct {
	p augment.Params
}

func (d *distortFlags) register(fs *pflag.FlagSet, def augment.Params) {
	fs.Float64Var(&d.p.Shift, "shift", def.Shift, "distortion: shift up to ± this many pixels on each axis (0 to 14)")
	fs.Float64Var(&d.p.Zoom, "zoom", def.Zoom, "distortion: zoom by a factor in [1-zoom, 1+zoom] (0 to 0.9)")
	fs.Float64Var(&d.p.Rotate, "rotate", def.Rotate, "distortion: rotate up to ± this many degrees (0 to 180)")
	fs.Float64Var(&d.p.Noise, "noise", def.Noise, "distortion: Gaussian pixel noise of this standard deviation (0 to 1)")
	fs.Float64Var(&d.p.Shear, "shear", def.Shear, "distortion: slant by a horizontal shear up to ± this many pixels per row (0 to 1)")
	fs.Float64Var(&d.p.Thickness, "thickness", def.Thickness, "distortion: thicker or thinner strokes, by up to ± this many pixels of radius (0 to 2)")
	fs.Float64Var(&d.p.Blur, "blur", def.Blur, "distortion: Gaussian blur of a standard deviation up to this many pixels (0 to 3)")
	fs.Float64Var(&d.p.Clean, "clean", def.Clean, "distortion: leave this share of the images, drawn per image, as they are (0 to 1)")
	d.p.Elastic = def.Elastic
	fs.Var((*elasticValue)(&d.p.Elastic), "elastic", "distortion: elastic displacement ALPHA,SIGMA in pixels (Simard et al. 2003); 0,0 disables")
}

// elasticValue is the --elastic flag: two numbers, ALPHA,SIGMA.
type elasticValue augment.Elastic

func (e *elasticValue) String() string { return fmt.Sprintf("%g,%g", e.Alpha, e.Sigma) }
func (e *elasticValue) Type() string   { return "ALPHA,SIGMA" }
func (e *elasticValue) Set(s string) error {
	a, sg, ok := strings.Cut(s, ",")
	alpha, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	sigma, err2 := strconv.ParseFloat(strings.TrimSpace(sg), 64)
	if !ok || err1 != nil || err2 != nil {
		return fmt.Errorf("expected ALPHA,SIGMA, e.g. 8,4, or 0,0")
	}
	*e = elasticValue{Alpha: alpha, Sigma: sigma}
	return nil
}

// params validates the flags and returns the distortion they describe.
func (d *distortFlags) params() (augment.Params, error) {
	p := d.p
	for _, err := range []error{
		floatIn("shift", p.Shift, 0, 14, false),
		floatIn("zoom", p.Zoom, 0, 0.9, false),
		floatIn("rotate", p.Rotate, 0, 180, false),
		floatIn("noise", p.Noise, 0, 1, false),
		floatIn("shear", p.Shear, 0, 1, false),
		floatIn("thickness", p.Thickness, 0, 2, false),
		floatIn("blur", p.Blur, 0, 3, false),
		floatIn("clean", p.Clean, 0, 1, false),
		floatIn("elastic alpha", p.Elastic.Alpha, 0, 100, false),
		floatIn("elastic sigma", p.Elastic.Sigma, 0, 14, false),
	} {
		if err != nil {
			return p, err
		}
	}
	if p.Elastic.Alpha > 0 && p.Elastic.Sigma < 0.5 {
		return p, fmt.Errorf("invalid --elastic %g,%g (expected a sigma of at least 0.5 with a non-zero alpha)", p.Elastic.Alpha, p.Elastic.Sigma)
	}
	return p, nil
}
