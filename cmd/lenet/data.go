package main

import (
	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/spf13/pflag"
)

// dataHelp is the --data flag's help.
const dataHelp = "folder with the data set's IDX files, .gz or raw (default: MNIST from the Go module cache, Fashion-MNIST from " + dataset.FashionDir + "; the reader's pieces and marks have none)"

// registerModel binds the flags that choose the model a command runs.
func registerModel(fs *pflag.FlagSet, m *checkpoints.Source) {
	fs.StringVar(&m.Dataset, "dataset", "", "mnist or fashion (default: the data set the model was trained on)")
	fs.StringVar(&m.Checkpoint, "checkpoint", "", "checkpoint folder, or a run folder (its best checkpoint) (default: the built-in model)")
	fs.StringVar(&m.Npy, "npy", "", "folder of .npy weights as 'lenet export' writes them, instead of --checkpoint")
}

// registerDistortions binds the distortion flags shared by train, test and augment.
func registerDistortions(fs *pflag.FlagSet, p *augment.Params) {
	fs.Float64Var(&p.Shift, "shift", p.Shift, "distortion: shift up to ± this many pixels on each axis (0 to 14)")
	fs.Float64Var(&p.Zoom, "zoom", p.Zoom, "distortion: zoom by a factor in [1-zoom, 1+zoom] (0 to 0.9)")
	fs.Float64Var(&p.Rotate, "rotate", p.Rotate, "distortion: rotate up to ± this many degrees (0 to 180)")
	fs.Float64Var(&p.Noise, "noise", p.Noise, "distortion: Gaussian pixel noise of this standard deviation (0 to 1)")
	fs.Float64Var(&p.Shear, "shear", p.Shear, "distortion: slant by a horizontal shear up to ± this many pixels per row (0 to 1)")
	fs.Float64Var(&p.Thickness, "thickness", p.Thickness, "distortion: thicker or thinner strokes, by up to ± this many pixels of radius (0 to 2)")
	fs.Float64Var(&p.Blur, "blur", p.Blur, "distortion: Gaussian blur of a standard deviation up to this many pixels (0 to 3)")
	fs.Float64Var(&p.Clean, "clean", p.Clean, "distortion: leave this share of the images, drawn per image, as they are (0 to 1)")
	fs.Float64Var(&p.Flag, "flag", p.Flag, "distortion: give this share of the 1s, drawn per image, a flag, as most of the world writes them (0 to 1)")
	fs.Float64Var(&p.Close4, "close4", p.Close4, "distortion: close the top of this share of the 4s, drawn per image, as many people write them (0 to 1)")
	fs.Var(&p.Elastic, "elastic", "distortion: elastic displacement ALPHA,SIGMA in pixels (Simard et al. 2003); 0,0 disables")
}

// distortionFlags are the names registerDistortions binds.
var distortionFlags = []string{"shift", "zoom", "rotate", "noise", "elastic", "shear", "thickness", "blur", "clean", "flag", "close4"}
