package augment

import (
	"image"

	"github.com/lenet/lenet/dataset"
	"golang.org/x/image/draw"
)

// Preview layout: cells of 28x28 pixels enlarged 3 times, separated by 4-pixel gaps,
// with a wider gap after each row's original.
const (
	previewScale = 3
	previewGap   = 4
)

// Preview is a grid of rows training images of s picked by seed, dark ink on light and
// enlarged 3 times, each followed by cols distortions by p as training draws them.
func Preview(s *dataset.Set, p Params, seed uint64, rows, cols int) *image.Gray {
	cell := dataset.Side*previewScale + previewGap
	grid := image.NewGray(image.Rect(0, 0, (cols+1)*cell+previewGap, rows*cell))
	for i := range grid.Pix {
		grid.Pix[i] = 255
	}
	pick := dataset.Permutation(s.Count, seed, 0)[:rows]
	d := NewDistorter(p, dataset.Side)
	clean, warped := make([]float32, dataset.Pixels), make([]float32, dataset.Pixels)
	for r, i := range pick {
		dataset.Fill(s, []int{i}, clean)
		paste(grid, clean, 0, r*cell)
		for c := 1; c <= cols; c++ {
			copy(warped, clean)
			distortEach(d, warped, []int{i}, s.Labels[i:i+1], seed, c)
			paste(grid, warped, c*cell+previewGap, r*cell)
		}
	}
	return grid
}

// paste draws a 28x28 image, dark ink on light, enlarged, with its top left at (x, y).
func paste(dst *image.Gray, px []float32, x, y int) {
	small := dataset.DarkOnLight(px, dataset.Side, 1)
	r := image.Rect(x, y, x+dataset.Side*previewScale, y+dataset.Side*previewScale)
	draw.NearestNeighbor.Scale(dst, r, small, small.Bounds(), draw.Src, nil)
}
