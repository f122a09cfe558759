package robust

import (
	"image"
	"math/rand/v2"

	"github.com/lenet/lenet/dataset"
)

// writerStyle is one person's way of writing each digit, as MNIST's writers rarely or
// never do: a slashed 0, a 1 with a flag as long as a 7's, a crossed 2, a 3 with a flat
// top, a 4 with a closed top, a 5 with an angular top, a 6 with a low loop, a 7 crossed
// with a serif, an 8 drawn as an hourglass, a 9 whose tail curls back. Nothing else in the tests writes this
// way (PenDigit's styles are others), so that learning it is measured, not recalled.
var writerStyle = [10][]stroke{
	{ellipse(0.5, 0.5, 0.32, 0.48, 0), {{0.15, 0.95}, {0.85, 0.05}}},                                        // 0
	{{{0.02, 0.55}, {0.6, 0}, {0.6, 1}}},                                                                    // 1
	{{{0.1, 0.15}, {0.5, 0}, {0.85, 0.2}, {0.15, 1}, {0.92, 1}}, {{0.25, 0.6}, {0.75, 0.6}}},                // 2
	{{{0.1, 0}, {0.9, 0}, {0.45, 0.4}, {0.9, 0.62}, {0.55, 1}, {0.1, 0.86}}},                                // 3
	{{{0.7, 1}, {0.7, 0}, {0.08, 0.62}, {0.95, 0.62}}},                                                      // 4
	{{{0.9, 0}, {0.3, 0}, {0.22, 0.5}}, {{0.22, 0.5}, {0.6, 0.4}, {0.9, 0.65}, {0.6, 1}, {0.1, 0.9}}},       // 5
	{{{0.8, 0}, {0.45, 0.2}, {0.2, 0.6}, {0.3, 0.95}, {0.7, 0.95}, {0.75, 0.7}, {0.45, 0.55}, {0.2, 0.75}}}, // 6
	{{{0.02, 0.22}, {0.1, 0}, {0.92, 0}, {0.45, 1}}, {{0.3, 0.5}, {0.9, 0.5}}},                              // 7
	{{{0.8, 0.05}, {0.5, 0}, {0.2, 0.15}, {0.8, 0.85}, {0.5, 1}, {0.2, 0.85}, {0.8, 0.15}, {0.8, 0.05}}},    // 8
	{ellipse(0.45, 0.25, 0.32, 0.25, 0), {{0.77, 0.25}, {0.75, 0.85}, {0.5, 1}, {0.2, 0.88}}},               // 9
}

// WriterDigit draws the digit d as one writer whose style MNIST lacks writes it
// (writerStyle), leaning back, narrow, with a fine pen, each time a little differently
// (size, lean, pen and the wobble of each point): a PenSide x PenSide ink image (1 ink).
func WriterDigit(d int, rng *rand.Rand) []float32 {
	width := 0.45 + 0.1*rng.Float64()
	slant := -0.45 + 0.1*rng.NormFloat64()
	pen := 1.0 + 0.8*rng.Float64()
	height := 34 + 10*rng.Float64()
	return penStroke(writerStyle[d], width, slant, pen, height, rng)
}

// WriterPicture is WriterDigit's ink as the draw page saves a drawing: dark ink on white.
func WriterPicture(d int, rng *rand.Rand) image.Image {
	return dataset.DarkOnLight(WriterDigit(d, rng), PenSide, 1)
}
