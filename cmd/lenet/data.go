package main

import (
	"fmt"

	"github.com/lenet/lenet/dataset"
	"gorgonia.org/tensor"
)

// dataDir is --data, or MNIST in the Go module cache when it is empty.
func dataDir(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	return dataset.DefaultDir()
}

// images returns all of s's images as float32 in [0,1], (Count, 784).
func images(s *dataset.Set) []float32 {
	x := make([]float32, s.Count*dataset.Pixels)
	idx := make([]int, s.Count)
	for i := range idx {
		idx[i] = i
	}
	dataset.Fill(s, idx, x)
	return x
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
