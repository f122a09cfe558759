package preprocess

import (
	"image"
	"math"
	"slices"

	"github.com/lenet/lenet/dataset"
	"golang.org/x/image/draw"
)

// WorkSide is the longest side, in pixels, a picture is analysed at: larger pictures are
// box-averaged down first (a 4000x3000 photo by 10), which bounds time and memory and
// averages sensor noise away. A digit ends up 20 pixels high, so nothing is lost.
const WorkSide = 480

// Page is a picture analysed for ink: each pixel's ink strength in [0,1] after the paper
// (its tint, uneven light, shadows) is taken away, noise, specks and ruled lines dropped.
type Page struct {
	Ink   []float64 // W x H, row-major
	W, H  int
	Scale float64 // picture pixels per Page pixel (1 unless the picture was larger than WorkSide)
	// Marks are the connected pieces of ink found, left to right by their left edge.
	Marks  []Mark
	labels []int32 // W x H: the Mark.label of each pixel of kept ink, 0 elsewhere
}

// Mark is one connected piece of ink: its bounding box [X0,X1) x [Y0,Y1) in Page
// pixels, its area in pixels and the label its pixels carry in Page.labels.
type Mark struct {
	X0, Y0, X1, Y1 int
	Area           int
	label          int32
}

// Analyse finds the ink in img. It returns ErrBlank when there is none.
//
// Hand-written, not taken from an imaging library: the Go libraries at hand (x/image,
// disintegration/imaging, anthonynsimon/bild) offer blurs, thresholds and resampling on
// 8-bit images, but not a background estimate, an Otsu or local threshold on float maps,
// connected components or ruled-line removal; each step here is a few dozen lines.
func Analyse(img image.Image) (*Page, error) { return analyse(img, false) }

// analyse is Analyse; solid says the ink is a solid object (Fashion-MNIST's clothes),
// not strokes, so that only what is wider than half the picture counts as paper.
func analyse(img image.Image, solid bool) (*Page, error) {
	lum, w, h, scale := luminance(img)
	p := &Page{W: w, H: h, Scale: scale}
	d := darkness(lum, w, h)
	ink := flatten(d, w, h, solid)
	mask, ok := threshold(ink, w, h)
	if !ok {
		return nil, ErrBlank
	}
	near := dilate(mask, w, h, 2)
	lines := dilate(dropLines(mask, w, h), w, h, 1)
	labels, marks := components(mask, w, h)
	marks = keepMarks(marks, w, h)
	if len(marks) == 0 {
		return nil, ErrBlank
	}
	keep := make([]bool, w*h)
	for _, m := range marks {
		for y := m.Y0; y < m.Y1; y++ {
			for x := m.X0; x < m.X1; x++ {
				if labels[y*w+x] == m.label {
					keep[y*w+x] = true
				}
			}
		}
	}
	// Keep the strokes' anti-aliased rims too: the ink above the paper's noise connected
	// to a kept mark, up to 3 pixels from it (not along a faint ruled line).
	low := noiseFloor(ink, near)
	rim := dilate(keep, w, h, 3)
	stack := make([]int, 0, 1024)
	for i, k := range keep {
		if k {
			stack = append(stack, i)
		}
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := i%w, i/w
		for yy := max(0, y-1); yy <= min(h-1, y+1); yy++ {
			for xx := max(0, x-1); xx <= min(w-1, x+1); xx++ {
				if j := yy*w + xx; !keep[j] && rim[j] && !lines[j] && ink[j] > low {
					keep[j] = true
					labels[j] = labels[i]
					stack = append(stack, j)
				}
			}
		}
	}
	for i := range ink {
		if !keep[i] {
			ink[i], labels[i] = 0, 0
		}
	}
	p.Ink, p.Marks, p.labels = ink, marks, labels
	slices.SortFunc(p.Marks, func(a, b Mark) int { return a.X0 - b.X0 })
	return p, nil
}

// luminance reads img as grey levels (0 black, 1 white; transparent pixels composited
// over white), box-averaged down to at most WorkSide pixels a side. It reads the image
// types decoders return directly: image.At on every pixel of a 12-megapixel photo takes
// over a second.
func luminance(img image.Image) (lum []float64, w, h int, scale float64) {
	b := img.Bounds()
	f := max(1, (max(b.Dx(), b.Dy())+WorkSide-1)/WorkSide)
	w, h = (b.Dx()+f-1)/f, (b.Dy()+f-1)/f
	sum := make([]float64, w*h)
	cnt := make([]float64, w*h)
	row := make([]float64, b.Dx())
	for y := 0; y < b.Dy(); y++ {
		greyRow(img, b.Min.Y+y, row)
		o := (y / f) * w
		for x, v := range row {
			sum[o+x/f] += v
			cnt[o+x/f]++
		}
	}
	for i := range sum {
		sum[i] /= cnt[i]
	}
	return sum, w, h, float64(f)
}

// greyRow writes row y of img's grey levels into row.
func greyRow(img image.Image, y int, row []float64) {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.Gray:
		o := m.PixOffset(b.Min.X, y)
		for x := range row {
			row[x] = float64(m.Pix[o+x]) / 255
		}
	case *image.YCbCr: // JPEG: Y is the luma, 0.299 R + 0.587 G + 0.114 B
		o := m.YOffset(b.Min.X, y)
		for x := range row {
			row[x] = float64(m.Y[o+x]) / 255
		}
	case *image.RGBA:
		o := m.PixOffset(b.Min.X, y)
		for x := range row {
			p := m.Pix[o+4*x : o+4*x+4] // premultiplied
			row[x] = min(1, (0.299*float64(p[0])+0.587*float64(p[1])+0.114*float64(p[2])+float64(255-p[3]))/255)
		}
	case *image.NRGBA:
		o := m.PixOffset(b.Min.X, y)
		for x := range row {
			p := m.Pix[o+4*x : o+4*x+4]
			a := float64(p[3]) / 255
			row[x] = min(1, (0.299*float64(p[0])+0.587*float64(p[1])+0.114*float64(p[2]))/255*a+1-a)
		}
	default:
		for x := range row {
			r, g, bl, a := img.At(b.Min.X+x, y).RGBA() // premultiplied by alpha
			row[x] = min(1, (0.299*float64(r)+0.587*float64(g)+0.114*float64(bl)+float64(0xffff-a))/0xffff)
		}
	}
}

// darkness is how far each pixel is from the paper's end of the grey scale: 1 - lum on
// light paper, lum on a dark ground (chalk, or MNIST's own pictures). Which ground it is
// comes from the border's median grey.
func darkness(lum []float64, w, h int) []float64 {
	var border []float64
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if x == 0 || y == 0 || x == w-1 || y == h-1 {
				border = append(border, lum[y*w+x])
			}
		}
	}
	slices.Sort(border)
	d := make([]float64, len(lum))
	light := border[len(border)/2] > 0.5
	for i, v := range lum {
		if light {
			d[i] = 1 - v
		} else {
			d[i] = v
		}
	}
	return d
}

// flatten takes the paper away: it estimates the paper's darkness everywhere (light that
// changes across the page, shadows, tinted paper) and returns each pixel's ink strength
// relative to it, (d - paper) / (1 - paper), so that a stroke in shadow is as strong as
// one in full light.
//
// The paper is the grey opening of the darkness (smoothed over 3x3 pixels against
// noise) by a square a little over twice the strokes' width: the least darkness in each
// square, then the most of those. Strokes narrower than the square vanish from it,
// whatever their strength; light and shadows, wider than any stroke, stay, hard edges
// included. The strokes' width is the median length of the ink's runs along rows and
// columns (runs longer than a quarter of the picture are paper in shadow, not strokes),
// the ink found by Otsu's threshold on the darkness itself. A solid object's paper is
// the opening by half the picture: light that changes across it, no more.
func flatten(d []float64, w, h int, solid bool) []float64 {
	db := boxBlur(d, w, h)
	side := max(3, max(w, h)/2|1)
	if !solid {
		side = min((2*strokeWidth(db, w, h)+3)|1, side)
	}
	paper := slide(slide(db, w, h, side, false), w, h, side, true)
	return relative(d, paper)
}

// strokeWidth estimates the ink's stroke width in pixels (2 when there is no ink).
func strokeWidth(v []float64, w, h int) int {
	cut := otsu(v)
	longest := max(w, h) / 4
	var runs []int
	count := func(n, length int, at func(i, j int) float64) {
		for i := range n {
			run := 0
			for j := 0; j <= length; j++ {
				if j < length && at(i, j) >= cut {
					run++
					continue
				}
				if run > 0 && run <= longest {
					runs = append(runs, run)
				}
				run = 0
			}
		}
	}
	count(h, w, func(y, x int) float64 { return v[y*w+x] })
	count(w, h, func(x, y int) float64 { return v[y*w+x] })
	if len(runs) == 0 {
		return 2
	}
	slices.Sort(runs)
	return max(1, runs[len(runs)/2])
}

// slide is the least (or, with most, the greatest) value of v over each pixel's side x
// side square (the part inside the picture), by the monotone-queue sliding window along
// rows, then along columns: time proportional to the pixels, whatever the side.
func slide(v []float64, w, h, side int, most bool) []float64 {
	r := side / 2
	better := func(a, b float64) bool { return a < b }
	if most {
		better = func(a, b float64) bool { return a > b }
	}
	pass := func(src, dst []float64, n, length, stride, step int) {
		q := make([]int, 0, length)
		for i := range n {
			base := i * stride
			q = q[:0]
			next := 0 // the next index to enter the window
			for j := range length {
				for ; next < length && next <= j+r; next++ {
					x := src[base+next*step]
					for len(q) > 0 && !better(src[base+q[len(q)-1]*step], x) {
						q = q[:len(q)-1]
					}
					q = append(q, next)
				}
				for q[0] < j-r {
					q = q[1:]
				}
				dst[base+j*step] = src[base+q[0]*step]
			}
		}
	}
	tmp := make([]float64, len(v))
	out := make([]float64, len(v))
	pass(v, tmp, h, w, w, 1)
	pass(tmp, out, w, h, 1, w)
	return out
}

// relative is each pixel's darkness d above the paper's, relative to what the paper
// leaves: (d - paper) / (1 - paper), at least 0.
func relative(d, paper []float64) []float64 {
	out := make([]float64, len(d))
	for i := range d {
		out[i] = max(0, d[i]-paper[i]) / max(0.05, 1-paper[i])
	}
	return out
}

// threshold marks the ink: the ink map smoothed over 3x3 pixels (sensor noise and JPEG
// ringing average out, strokes do not) and cut at Otsu's level, the one that best
// separates two classes of grey, but never below inkLevel. It reports false when what
// it separates is not ink on paper: less than 4 standard deviations of the paper's
// noise between the two classes' means, or more ink than paper.
func threshold(ink []float64, w, h int) ([]bool, bool) {
	s := boxBlur(ink, w, h)
	cut := max(inkLevel, otsu(s))
	mask := make([]bool, len(s))
	var nInk, sumInk, sumPaper, sqPaper float64
	for i, v := range s {
		if v >= cut {
			mask[i] = true
			nInk++
			sumInk += v
		} else {
			sumPaper += v
			sqPaper += v * v
		}
	}
	total := float64(len(s))
	nPaper := total - nInk
	if nInk == 0 || nPaper == 0 || nInk > nPaper {
		return nil, false
	}
	mp := sumPaper / nPaper
	sd := math.Sqrt(max(0, sqPaper/nPaper-mp*mp))
	if sumInk/nInk-mp < 4*sd {
		return nil, false
	}
	return mask, true
}

// otsu is the level (values in [0,1], in 256 bins) that best separates s's values into
// two classes: the one of greatest variance between the classes (Otsu 1979).
func otsu(s []float64) float64 {
	const bins = 256
	var hist [bins]float64
	for _, v := range s {
		hist[min(bins-1, int(v*bins))]++
	}
	total := float64(len(s))
	var sumAll float64
	for i, n := range hist {
		sumAll += float64(i) * n
	}
	best, level := -1.0, 0
	var w0, sum0 float64
	for i := range bins - 1 {
		w0 += hist[i]
		sum0 += float64(i) * hist[i]
		w1 := total - w0
		if w0 == 0 || w1 == 0 {
			continue
		}
		m0, m1 := sum0/w0, (sumAll-sum0)/w1
		if between := w0 * w1 * (m1 - m0) * (m1 - m0); between > best {
			best, level = between, i
		}
	}
	return float64(level+1) / bins
}

// boxBlur is the mean over each pixel's 3x3 neighbourhood (the part inside the picture).
func boxBlur(v []float64, w, h int) []float64 {
	out := make([]float64, len(v))
	for y := range h {
		for x := range w {
			s, n := 0.0, 0
			for yy := max(0, y-1); yy <= min(h-1, y+1); yy++ {
				for xx := max(0, x-1); xx <= min(w-1, x+1); xx++ {
					s += v[yy*w+xx]
					n++
				}
			}
			out[y*w+x] = s / float64(n)
		}
	}
	return out
}

// dropLines erases ruled or squared paper's lines from mask and returns what it erased: rows (and columns) whose
// ink runs within 2% of both edges and covers three quarters of the width (height).
// Where a stroke crosses a line, the ink on the line is kept if there is ink just above
// or below it (left or right of it).
func dropLines(mask []bool, w, h int) (erased []bool) {
	erased = make([]bool, len(mask))
	lineRows := func(n, length int, at func(i, j int) bool) []bool {
		lines := make([]bool, n)
		edge := max(1, length/50)
		for i := range n {
			count, first, last := 0, -1, -1
			for j := range length {
				if at(i, j) {
					count++
					if first < 0 {
						first = j
					}
					last = j
				}
			}
			lines[i] = count*4 >= length*3 && first < edge && last >= length-edge
		}
		return lines
	}
	erase := func(lines []bool, length int, at func(i, j int) bool, clear func(i, j int)) {
		for i := 0; i < len(lines); {
			if !lines[i] {
				i++
				continue
			}
			lo := i
			for i < len(lines) && lines[i] {
				i++
			}
			hi := i // the band is [lo, hi)
			for j := range length {
				crossed := (lo > 0 && at(lo-1, j)) || (hi < len(lines) && at(hi, j))
				if !crossed {
					for k := lo; k < hi; k++ {
						clear(k, j)
					}
				}
			}
		}
	}
	rowAt := func(y, x int) bool { return mask[y*w+x] }
	rowClear := func(y, x int) { mask[y*w+x], erased[y*w+x] = false, true }
	erase(lineRows(h, w, rowAt), w, rowAt, rowClear)
	colAt := func(x, y int) bool { return mask[y*w+x] }
	colClear := func(x, y int) { mask[y*w+x], erased[y*w+x] = false, true }
	erase(lineRows(w, h, colAt), h, colAt, colClear)
	return erased
}

// components labels mask's 8-connected pieces (labels from 1; 0 is paper).
func components(mask []bool, w, h int) ([]int32, []Mark) {
	labels := make([]int32, w*h)
	var marks []Mark
	var stack []int
	for start, on := range mask {
		if !on || labels[start] != 0 {
			continue
		}
		m := Mark{X0: w, Y0: h, label: int32(len(marks) + 1)}
		labels[start] = m.label
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := i%w, i/w
			m.Area++
			m.X0, m.Y0, m.X1, m.Y1 = min(m.X0, x), min(m.Y0, y), max(m.X1, x+1), max(m.Y1, y+1)
			for yy := max(0, y-1); yy <= min(h-1, y+1); yy++ {
				for xx := max(0, x-1); xx <= min(w-1, x+1); xx++ {
					if j := yy*w + xx; mask[j] && labels[j] == 0 {
						labels[j] = m.label
						stack = append(stack, j)
					}
				}
			}
		}
		marks = append(marks, m)
	}
	return labels, marks
}

// keepMarks drops what is not writing: the edges of the paper or of a desk (marks that
// touch two sides of the picture, when there is other ink), then specks (marks under 4%
// of the largest one's area, or of 2 pixels or fewer).
func keepMarks(marks []Mark, w, h int) []Mark {
	edges := func(m Mark) int {
		n := 0
		for _, b := range []bool{m.X0 == 0, m.Y0 == 0, m.X1 == w, m.Y1 == h} {
			if b {
				n++
			}
		}
		return n
	}
	var inner []Mark
	for _, m := range marks {
		if edges(m) < 2 {
			inner = append(inner, m)
		}
	}
	if len(inner) > 0 {
		marks = inner
	}
	largest := 0
	for _, m := range marks {
		largest = max(largest, m.Area)
	}
	var kept []Mark
	for _, m := range marks {
		if m.Area > 2 && m.Area*25 >= largest {
			kept = append(kept, m)
		}
	}
	return kept
}

// noiseFloor is the ink level that the paper's own noise rarely reaches: its mean plus 3
// standard deviations over the pixels at least 2 pixels away from the ink mask, and at
// least 0.05.
func noiseFloor(ink []float64, mask []bool) float64 {
	var n, s, sq float64
	for i, v := range ink {
		if !mask[i] {
			n++
			s += v
			sq += v * v
		}
	}
	if n == 0 {
		return 0.05
	}
	m := s / n
	return max(0.05, m+3*math.Sqrt(max(0, sq/n-m*m)))
}

// Glyph is the 28x28 MNIST-like image (as Digit makes) of the ink of marks (some of
// p.Marks) in the columns [x0, x1) of the page.
func (p *Page) Glyph(marks []Mark, x0, x1 int) ([]float32, error) {
	bx0, by0, bx1, by1 := p.W, p.H, 0, 0
	for _, m := range marks {
		bx0, by0, bx1, by1 = min(bx0, m.X0), min(by0, m.Y0), max(bx1, m.X1), max(by1, m.Y1)
	}
	bx0, bx1 = max(bx0-1, x0, 0), min(bx1+1, x1, p.W) // the rims reach a pixel further
	by0, by1 = max(by0-1, 0), min(by1+1, p.H)
	if bx1 <= bx0 || by1 <= by0 {
		return nil, ErrBlank
	}
	w, h := bx1-bx0, by1-by0
	ink := make([]float64, w*h)
	for y := range h {
		for x := range w {
			i := (by0+y)*p.W + bx0 + x
			for _, m := range marks {
				if p.labels[i] == m.label {
					ink[y*w+x] = p.Ink[i]
					break
				}
			}
		}
	}
	return fitInk(ink, w, h, Box, true, true)
}

// dilate grows the true pixels of mask by r pixels (a square).
func dilate(mask []bool, w, h, r int) []bool {
	out := make([]bool, len(mask))
	for y := range h {
		for x := range w {
			if !mask[y*w+x] {
				continue
			}
			for yy := max(0, y-r); yy <= min(h-1, y+r); yy++ {
				for xx := max(0, x-r); xx <= min(w-1, x+r); xx++ {
					out[yy*w+xx] = true
				}
			}
		}
	}
	return out
}

// Window is the 28x28 view the reader's verifier judges a piece by: the ink of marks
// (some of p.Marks) in the columns [x0, x1) at full strength, and around it, at
// contextInk of its strength, the page's other ink (the rest of the digit a piece was
// cut from, or the digit it was cut away from), all at the scale that makes the rows
// [y0, y1) (the line's height) Box pixels high, centred on the piece. Unlike Glyph it
// keeps where the piece lies in the line and how much of it the piece fills.
func (p *Page) Window(marks []Mark, x0, y0, x1, y1 int) ([]float32, error) {
	if x1 <= x0 || y1 <= y0 {
		return nil, ErrBlank
	}
	const side = dataset.Side
	per := float64(y1-y0) / Box // page pixels per view pixel
	n := int(math.Ceil(side * per))
	cx, cy := float64(x0+x1)/2, float64(y0+y1)/2
	rx, ry := int(math.Round(cx-float64(n)/2)), int(math.Round(cy-float64(n)/2))
	ink := make([]float64, n*n)
	var strong []float64
	for y := range n {
		py := ry + y
		if py < 0 || py >= p.H {
			continue
		}
		for x := range n {
			px := rx + x
			if px < 0 || px >= p.W {
				continue
			}
			i := py*p.W + px
			if p.labels[i] == 0 {
				continue
			}
			v := p.Ink[i]
			inPiece := false
			if px >= x0 && px < x1 {
				for _, m := range marks {
					if p.labels[i] == m.label {
						inPiece = true
						break
					}
				}
			}
			if inPiece {
				if v > inkLevel {
					strong = append(strong, v)
				}
			} else {
				v *= contextInk
			}
			ink[y*n+x] = v
		}
	}
	if len(strong) == 0 {
		return nil, ErrBlank
	}
	full := fullInk(strong)
	crop := image.NewGray16(image.Rect(0, 0, n, n))
	for i, v := range ink {
		u := uint16(min(1, v/full)*0xffff + 0.5)
		crop.Pix[2*i], crop.Pix[2*i+1] = byte(u>>8), byte(u)
	}
	small := image.NewGray16(image.Rect(0, 0, side, side))
	draw.CatmullRom.Scale(small, small.Bounds(), crop, crop.Bounds(), draw.Src, nil)
	out := make([]float32, side*side)
	for i := range out {
		out[i] = float32(uint16(small.Pix[2*i])<<8|uint16(small.Pix[2*i+1])) / 0xffff
	}
	return out, nil
}

// contextInk is the strength, relative to the piece's, of the ink around a piece in
// Window's view.
const contextInk = 0.35
