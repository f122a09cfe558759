package checkpoints_test

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/dataset"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/preprocess"
)

// Classify a picture of a digit (any image.Image, dark ink on light paper) with the
// model built into lenet.
func ExampleLoadDefault() {
	img := image.NewGray(image.Rect(0, 0, 120, 160)) // a 7 drawn with a thick pen
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(20, 20, 100, 36), image.Black, image.Point{}, draw.Src)
	for y := 36; y < 140; y++ {
		x := 100 - (y-20)*45/120
		draw.Draw(img, image.Rect(x-8, y, x+8, y+1), &image.Uniform{color.Black}, image.Point{}, draw.Src)
	}

	model, err := checkpoints.LoadDefault() // one network or a committee
	if err != nil {
		fmt.Println(err)
		return
	}
	ev, err := model.Evaluator(1)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ev.Close()
	pixels, err := preprocess.Digit(img) // centred and scaled as MNIST's digits are
	if err != nil {
		fmt.Println(err)
		return
	}
	probs, err := ev.Probabilities(pixels)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("a", graph.Argmax(probs, dataset.Digits)[0])
	// Output: a 7
}
