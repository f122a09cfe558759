package preprocess

import (
	"image"
	"math"
	"slices"

	"github.com/lenet/lenet/dataset"
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
// pixels, its area in pixels, its ink (the sum of its pixels' strengths, rims not
// counted) and the label its pixels carry in Page.labels.
type Mark struct {
	X0, Y0, X1, Y1 int
	Area           int
	Mass           float64
	label          int32
}

// AtEdge reports whether the box [x0,x1) x [y0,y1), in Page pixels, touches the
// picture's edge: what the frame cuts (a shadow's corner, a line's end, the desk).
func (p *Page) AtEdge(x0, y0, x1, y1 int) bool {
	return x0 == 0 || y0 == 0 || x1 == p.W || y1 == p.H
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
	ink := flatten(lum, w, h, solid)
	s, mask, stands, ok := threshold(ink, w, h)
	if !ok {
		return nil, ErrBlank
	}
	near := dilate(mask, w, h, 2)
	// Lines are looked for in the ink above the paper's noise (smoothed over 3x3 pixels):
	// a faint ruled line falls in and out of the mask, not of this.
	floor := noiseFloor(s, near)
	faint := make([]bool, len(s))
	for i, v := range s {
		faint[i] = v > floor
	}
	lines := dilate(dropLines(mask, faint, s, w, h), w, h, 1)
	labels, marks := components(mask, w, h)
	marks = keepMarks(marks, labels, ink, s, stands, w, h)
	marks = offLines(marks, labels, dilate(lines, w, h, 1), w)
	marks = offGrid(marks)
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

// offLines drops what is left of ruled lines: marks three quarters of whose pixels lie
// within two pixels of a line dropLines erased (near), the slivers along its edges,
// unless they lie beside other ink, within a third of its height (the foot of a 2 written
// on the line). A digit written across a line has most of its ink away from it.
func offLines(marks []Mark, labels []int32, near []bool, w int) []Mark {
	hugs := make([]bool, len(marks))
	for k, m := range marks {
		on := 0
		for y := m.Y0; y < m.Y1; y++ {
			for x := m.X0; x < m.X1; x++ {
				if i := y*w + x; labels[i] == m.label && near[i] {
					on++
				}
			}
		}
		hugs[k] = 4*on >= 3*m.Area
	}
	var kept []Mark
	for k, m := range marks {
		beside := !hugs[k]
		for j, o := range marks {
			if gap := (o.Y1 - o.Y0) / 3; !beside && !hugs[j] && m.X0 < o.X1+gap && m.X1 > o.X0-gap && m.Y0 < o.Y1+gap && m.Y1 > o.Y0-gap {
				beside = true
			}
		}
		if beside {
			kept = append(kept, m)
		}
	}
	return kept
}

// offGrid drops what is left of the upright lines of a squared page that dropLines did
// not find: a faint line that falls in and out of the mask, over less of the page than
// a line must cover, leaves thin upright bars stacked one above another in its column.
// A bar is a mark at least barAspect times as high as wide (Mark.Bar); two bars one
// above the other (no row in common) whose centres are no further apart across than
// the tilt dropLines allows a line (maxTilt, and a pixel and a half for the bars' own
// wobble) are both dropped. Writing leaves no such column: a 1 has no twin straight
// under it but in two lines of 1s, and a hand slants each a little differently.
func offGrid(marks []Mark) []Mark {
	var bars []int
	for k, m := range marks {
		if m.Bar() {
			bars = append(bars, k)
		}
	}
	stacked := make([]bool, len(marks))
	for _, i := range bars {
		for _, j := range bars {
			a, b := marks[i], marks[j]
			if a.Y1 > b.Y0 { // b is not below a
				continue
			}
			dx := math.Abs(float64(a.X0+a.X1-b.X0-b.X1) / 2)
			dy := float64(b.Y0+b.Y1-a.Y0-a.Y1) / 2
			if dx <= 1.5+maxTilt*dy {
				stacked[i], stacked[j] = true, true
			}
		}
	}
	var kept []Mark
	for k, m := range marks {
		if !stacked[k] {
			kept = append(kept, m)
		}
	}
	return kept
}

// Bar reports whether m is a thin upright bar, at least barAspect times as high as
// wide: what a squared page's faint upright lines leave where the eraser missed them
// (offGrid; the reader's lines of bars).
func (m Mark) Bar() bool { return m.Y1-m.Y0 >= barAspect*(m.X1-m.X0) }

// barAspect is how many times higher than wide a bar is at least.
const barAspect = 5

// Ink is m's mean ink: its Mass over its Area.
func (m Mark) Ink() float64 { return m.Mass / float64(m.Area) }

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

// flatten finds the ink and takes the paper away. It estimates the paper's darkness
// everywhere (light that changes across the page, shadows, tinted paper) and returns
// each pixel's ink strength relative to it, (d - paper) / (1 - paper), so that a stroke
// in shadow is as strong as one in full light. The darkness d is how far each pixel is
// from the paper's end of the grey scale: 1 - lum on light paper, lum on a dark ground
// (chalk, or MNIST's own pictures).
//
// The paper is the grey opening of the darkness (smoothed over 3x3 pixels against
// noise) by a square wider than the strokes: the least darkness in each square, then
// the most of those. Strokes narrower than the square vanish from it, whatever their
// strength; light and shadows, wider than any stroke, stay, hard edges included. The
// square is a sixth of the picture's longer side (a soft, out-of-focus or bold stroke in
// a small frame is wide), and at least a little over twice the strokes' width, measured
// on what a first opening by that sixth leaves: the median length of the ink's runs
// along rows and columns, the ink found by Otsu's threshold.
//
// Which ground it is: light, unless both the picture's border is dark (its median grey
// under 0.5) and the few pixels of writing lie on the bright side of the rest (inkDark).
// Grey paper in a dim room is darker than mid-grey, but its ink darker still; a shadow
// over half the page is darker than the paper, but broader than the writing. A picture
// under minLine pixels a side (a crop, a scan a digit high, MNIST's own) is its
// border's.
//
// A solid object (Fashion-MNIST's clothes) is not narrower than any square: its ground is
// its border's, and its paper the opening by half the picture, light that changes
// across it, no more.
func flatten(lum []float64, w, h int, solid bool) []float64 {
	half := max(3, max(w, h)/2|1)
	if solid {
		d := darkness(lum, borderLight(lum, w, h))
		return relative(d, open(boxBlur(d, w, h), w, h, half))
	}
	side := min(max(3, max(w, h)/6|1), half)
	light := borderLight(lum, w, h) || (max(w, h) >= minLine && inkDark(lum, w, h))
	d := darkness(lum, light)
	db := boxBlur(d, w, h)
	paper := open(db, w, h, side)
	if wider := (2*strokeWidth(relative(db, paper), w, h) + 3) | 1; wider > side {
		paper = open(db, w, h, min(wider, half))
	}
	return relative(d, paper)
}

// darkness is 1 - lum on light paper, lum on a dark ground.
func darkness(lum []float64, light bool) []float64 {
	d := make([]float64, len(lum))
	for i, v := range lum {
		if light {
			d[i] = 1 - v
		} else {
			d[i] = v
		}
	}
	return d
}

// borderLight reports whether the picture's border is light: its median grey over 0.5.
func borderLight(lum []float64, w, h int) bool {
	var border []float64
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if x == 0 || y == 0 || x == w-1 || y == h-1 {
				border = append(border, lum[y*w+x])
			}
		}
	}
	slices.Sort(border)
	return border[len(border)/2] > 0.5
}

// inkDark reports whether the few pixels of writing lie on the dark side of the paper:
// whether the grey levels (smoothed over 3x3 pixels) reach at least as far below their
// median as above it.
func inkDark(lum []float64, w, h int) bool {
	sorted := boxBlur(lum, w, h)
	slices.Sort(sorted)
	n := len(sorted) - 1
	lo, mid, hi := sorted[n/200], sorted[n/2], sorted[n-n/200]
	return mid-lo >= hi-mid
}

// open is the grey opening of v by a side x side square.
func open(v []float64, w, h, side int) []float64 {
	return slide(slide(v, w, h, side, false), w, h, side, true)
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
// rows, then along columns: time proportional to the pixels, whatever the side. The
// greatest is the least of the values negated.
func slide(v []float64, w, h, side int, most bool) []float64 {
	src := v
	if most {
		src = make([]float64, len(v))
		for i, x := range v {
			src[i] = -x
		}
	}
	tmp := make([]float64, len(v))
	out := make([]float64, len(v))
	q := make([]int, max(w, h))
	slideMin(src, tmp, h, w, w, 1, side/2, q)
	slideMin(tmp, out, w, h, 1, w, side/2, q)
	if most {
		for i := range out {
			out[i] = -out[i]
		}
	}
	return out
}

// slideMin writes into dst the least of src over a window of r either side along n
// lines of length values, line i starting at i*stride, its values step apart; q is
// scratch of length values.
func slideMin(src, dst []float64, n, length, stride, step, r int, q []int) {
	for i := range n {
		base := i * stride
		head, tail := 0, 0 // the queue q[head:tail] holds indices of increasing values
		next := 0          // the next index to enter the window
		for j := range length {
			for ; next < length && next <= j+r; next++ {
				x := src[base+next*step]
				for tail > head && src[base+q[tail-1]*step] >= x {
					tail--
				}
				q[tail] = next
				tail++
			}
			for q[head] < j-r {
				head++
			}
			dst[base+j*step] = src[base+q[head]*step]
		}
	}
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
// ringing average out, strokes do not), returned as s, cut at Otsu's level, the one
// that best separates two classes of grey, but never below inkLevel nor within 4
// standard deviations of the paper's noise. The paper's level and noise are robust
// estimates: s's median and its median absolute deviation (1.4826 times it, a standard
// deviation for Gaussian noise), the paper being most of any picture of writing (not of
// one under minLine pixels a side, a crop: there the cut is Otsu's). stands is the level
// a mark must reach somewhere to stand out from that noise: 8 standard deviations above
// the paper, which noise alone does not reach in a picture of any size.
// It reports false when there is no ink, or more ink than paper.
func threshold(ink []float64, w, h int) (s []float64, mask []bool, stands float64, ok bool) {
	s = boxBlur(ink, w, h)
	sorted := slices.Clone(s)
	slices.Sort(sorted)
	med := sorted[len(sorted)/2]
	for i, v := range sorted {
		sorted[i] = math.Abs(v - med)
	}
	slices.Sort(sorted)
	sd := 1.4826 * sorted[len(sorted)/2]
	if max(w, h) < minLine { // a crop or a scan a digit high: mostly writing, little paper
		med, sd = 0, 0
	}
	cut := max(inkLevel, otsu(s), med+4*sd)
	mask = make([]bool, len(s))
	nInk := 0
	for i, v := range s {
		if v >= cut {
			mask[i] = true
			nInk++
		}
	}
	if nInk == 0 || 2*nInk > len(s) {
		return nil, nil, 0, false
	}
	return s, mask, med + 8*sd, true
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
	return p.glyph(marks, x0, x1, true)
}

// glyph is Glyph, deskewed or not.
func (p *Page) glyph(marks []Mark, x0, x1 int, deskew bool) ([]float32, error) {
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
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	sc.ink = grow(sc.ink, w*h)
	ink := sc.ink
	clear(ink)
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
	return fitInk(ink, w, h, Box, true, deskew)
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
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	sc.ink = grow(sc.ink, n*n)
	ink := sc.ink
	clear(ink)
	strong := sc.strong[:0]
	defer func() { sc.strong = strong[:0] }()
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
	sc.crop = grow(sc.crop, n*n)
	crop := sc.crop
	for i, v := range ink {
		crop[i] = uint16(min(1, v/full)*0xffff + 0.5)
	}
	sc.small = grow(sc.small, side*side)
	small := sc.small
	scaleGray16(small, side, side, crop, n, n)
	out := make([]float32, side*side)
	for i, v := range small {
		out[i] = float32(v) / 0xffff
	}
	return out, nil
}

// contextInk is the strength, relative to the piece's, of the ink around a piece in
// Window's view.
const contextInk = 0.35
