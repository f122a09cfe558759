package reader_test

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/reader"
)

// A number written on cream paper under uneven light, photographed: three MNIST test
// digits side by side.
func photoOfNumber() image.Image {
	set, _ := dataset.MNIST.Load("", "test")
	x := dataset.Floats(set)
	var digits [][]float32
	for _, i := range []int{1, 0, 4} { // MNIST's test images 1, 0 and 4: a 2, a 7 and a 4
		digits = append(digits, x[i*784:(i+1)*784])
	}
	ink, w := augment.Number(digits, 28, []int{5, 5})
	photo := augment.Photo{Scale: 3, Light: 0.3, Noise: 0.02, Paper: color.RGBA{240, 232, 210, 255}}
	return photo.DrawInk(ink, w, 28, rand.New(rand.NewPCG(1, 2)))
}

func ExampleRead() {
	img := photoOfNumber() // any image.Image: a decoded PNG, JPEG or GIF

	reading, err := reader.Read(context.Background(), img)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(reading.Text, len(reading.Digits), "digits")
	// Output: 274 3 digits
}
