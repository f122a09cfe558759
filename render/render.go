// Package render draws digits and guesses for people: a 28x28 image in a terminal's
// characters, a captioned PNG montage, a guess and its runners-up in words.
package render

import (
	"fmt"
	"image"
	"image/color"
	"sort"
	"strings"

	"github.com/lenet/lenet/dataset"
	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Terminal draws 28x28 pixels in [0,1] as 14 lines of 28 characters, each character
// two pixels stacked (terminal cells are about twice as tall as wide): '█' both inked,
// '▀' or '▄' one, '░' faint ink, ' ' none. Framed, it is 30 columns wide.
func Terminal(px []float32) string {
	const ink, faint = 0.5, 0.2
	var b strings.Builder
	b.WriteString("┌" + strings.Repeat("─", dataset.Side) + "┐\n")
	for y := 0; y < dataset.Side; y += 2 {
		b.WriteString("│")
		for x := 0; x < dataset.Side; x++ {
			top, bottom := px[y*dataset.Side+x], px[(y+1)*dataset.Side+x]
			switch {
			case top >= ink && bottom >= ink:
				b.WriteString("█")
			case top >= ink:
				b.WriteString("▀")
			case bottom >= ink:
				b.WriteString("▄")
			case max(top, bottom) >= faint:
				b.WriteString("░")
			default:
				b.WriteString(" ")
			}
		}
		b.WriteString("│\n")
	}
	b.WriteString("└" + strings.Repeat("─", dataset.Side) + "┘\n")
	return b.String()
}

// Top returns the k most probable classes of probs, most probable first.
func Top(probs []float64, k int) []int {
	idx := make([]int, len(probs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return probs[idx[a]] > probs[idx[b]] })
	return idx[:k]
}

// Guess is "guess 7 (99.82%); top 3: 7 99.82%, 9 0.10%, 3 0.05%", with the
// class names of names (one a probability; the top 2 of two classes).
func Guess(probs []float64, names []string) string {
	top := Top(probs, min(3, len(probs)))
	parts := make([]string, len(top))
	for i, c := range top {
		parts[i] = fmt.Sprintf("%s %.2f%%", names[c], 100*probs[c])
	}
	return fmt.Sprintf("guess %s (%.2f%%); top %d: %s", names[top[0]], 100*probs[top[0]], len(top), strings.Join(parts, ", "))
}

// Probabilities is "0:0.000 1:0.002 ... 9:0.981", each class by its name in names.
func Probabilities(probs []float64, names []string) string {
	all := make([]string, len(probs))
	for c, p := range probs {
		all[c] = fmt.Sprintf("%s:%.3f", names[c], p)
	}
	return strings.Join(all, " ")
}

// Montage layout: each digit enlarged 3 times in a cell with a caption below.
const (
	MontageCols    = 10
	montageScale   = 3
	MontageCellW   = 112
	MontageCellH   = dataset.Side*montageScale + 20
	montageCaption = 13 // basicfont's line height
)

// Montage draws digits dark on light, captioned, MontageCols to a row.
func Montage(digits [][]float32, captions []string) *image.Gray {
	rows := (len(digits) + MontageCols - 1) / MontageCols
	img := image.NewGray(image.Rect(0, 0, MontageCols*MontageCellW, max(1, rows)*MontageCellH))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: basicfont.Face7x13}
	for i, px := range digits {
		x, y := (i%MontageCols)*MontageCellW, (i/MontageCols)*MontageCellH
		small := dataset.DarkOnLight(px, dataset.Side, 1)
		left := x + (MontageCellW-dataset.Side*montageScale)/2
		draw.NearestNeighbor.Scale(img, image.Rect(left, y+2, left+dataset.Side*montageScale, y+2+dataset.Side*montageScale), small, small.Bounds(), draw.Src, nil)
		d.Dot = fixed.P(x+(MontageCellW-7*len(captions[i]))/2, y+dataset.Side*montageScale+2+montageCaption)
		d.DrawString(captions[i])
	}
	return img
}
