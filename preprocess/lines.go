package preprocess

import (
	"math"
	"slices"

	"github.com/lenet/lenet/internal/knobs"
)

// dropLines erases ruled or squared paper's lines from mask and returns what it erased:
// straight bands, level or upright give or take maxTilt, along which the faint ink runs
// within 3% of both edges of the picture (or into a level line erased there: an upright
// line's end is erased with the level one it crosses) and covers 60% of its width
// (height), with the shoulders the mask covers half of, and their rims. Where a stroke
// crosses a line, the ink on the line is kept if there is ink just above and below it
// (left and right of it); where one runs along it, the ink much darker than the line's
// own (knobs.StrongLine). Lines are looked for only along sides of minLine pixels or
// more, and the erasing is undone when it erased one upright line and left no ink: a
// picture cropped tight to a 1 is a digit, not a line (a grid with nothing written on
// it is paper).
func dropLines(mask, faint []bool, s []float64, w, h int) (erased []bool) {
	erased = make([]bool, len(mask))
	before := slices.Clone(mask)
	across, upright := 0, 0
	if w >= minLine {
		across = dropLinesAlong(mask, faint, s, erased, w, h, func(x, y int) int { return y*w + x })
	}
	if h >= minLine {
		upright = dropLinesAlong(mask, faint, s, erased, h, w, func(y, x int) int { return y*w + x })
	}
	if across == 0 && upright == 1 && !slices.Contains(mask, true) {
		copy(mask, before)
		clear(erased)
	}
	return erased
}

// minLine is the shortest side along which dropLines looks for lines.
const minLine = 64

// maxTilt is the steepest slope dropLines takes a line at: 4 degrees.
const maxTilt = 0.07

// maxLines bounds the lines dropLines erases in each direction.
const maxLines = 64

// dropLinesAlong is dropLines for lines along the first coordinate of at(along,
// across), length pixels long, across the other, n of them. It takes the straightest,
// fullest line first, at the slope that covers it best, erases it, and looks again. It
// returns how many lines it erased.
func dropLinesAlong(mask, faint []bool, s []float64, erased []bool, length, n int, at func(along, across int) int) (lines int) {
	edge := max(1, length*3/100)
	steps := int(math.Ceil(maxTilt * float64(length))) // slopes a pixel of drift apart
	// A line's pixels lie within steps/2 of one across index: only pixels in a window of
	// that many indices holding enough ink for a line can be on one.
	per := make([]int, n)
	for j := range length {
		for i := range n {
			if faint[at(j, i)] {
				per[i]++
			}
		}
	}
	r := steps/2 + 1
	near := make([]bool, n)
	for i := range n {
		sum := 0
		for a := max(0, i-r); a <= min(n-1, i+r); a++ {
			sum += per[a]
		}
		if sum*5 >= length*3 {
			for a := max(0, i-r); a <= min(n-1, i+r); a++ {
				near[a] = true
			}
		}
	}
	// The pixels erased as lines the other way before: a line that runs into one of them
	// reaches on through the crossing (an upright line of a squared page meeting a level
	// line by the picture's edge, whose erasing cut the upright line's end off).
	crossed := slices.Clone(erased)
	var on [][3]int // the mask's pixels that may be on a line: along, across, index
	for j := range length {
		for i := range n {
			if near[i] && faint[at(j, i)] {
				on = append(on, [3]int{j, i, at(j, i)})
			}
		}
	}
	if len(on) == 0 {
		return 0
	}
	// shifts[k+steps][j] is how far a line of slope k (k pixels of drift over the
	// length) lies from its across index at along j.
	shifts := make([][]int, 2*steps+1)
	for k := -steps; k <= steps; k++ {
		shifts[k+steps] = make([]int, length)
		for j := range length {
			shifts[k+steps][j] = int(math.Round(float64(k) * float64(j-length/2) / float64(length)))
		}
	}
	shift := func(k, j int) int { return shifts[k+steps][j] }
	count := make([]int, n)
	first := make([]int, n)
	last := make([]int, n)
	// tally counts the pixels still on along each line of slope k (k pixels of drift
	// over the length), and reports whether line i of it is one to erase.
	tally := func(k int) (isLine func(i int) bool) {
		for i := range n {
			count[i], first[i], last[i] = 0, length, -1
		}
		sk := shifts[k+steps]
		for _, p := range on {
			if i := p[1] - sk[p[0]]; i >= 0 && i < n && faint[p[2]] {
				count[i]++
				first[i], last[i] = min(first[i], p[0]), max(last[i], p[0])
			}
		}
		// crossing reports whether a line erased the other way lies on line i at along
		// j, or a pixel further on (dir): a line's end reaches on through it.
		crossing := func(i, j, dir int) bool {
			for _, jj := range []int{j, j + dir} {
				if jj < 0 || jj >= length {
					continue
				}
				if a := i + sk[jj]; a >= 0 && a < n && crossed[at(jj, a)] {
					return true
				}
			}
			return false
		}
		return func(i int) bool {
			if i < 0 || i >= n || count[i]*5 < length*3 {
				return false
			}
			lo, hi := first[i], last[i]
			for lo > 0 && crossing(i, lo-1, -1) {
				lo--
			}
			for hi < length-1 && crossing(i, hi+1, 1) {
				hi++
			}
			return lo < edge && hi >= length-edge
		}
	}
	for range maxLines {
		best, bk, bi := 0, 0, -1
		for t := range 2*steps + 1 { // slopes 0, -1, 1, -2, 2, ...: ties to the straightest
			k := (t + 1) / 2 * (1 - 2*(t%2))
			isLine := tally(k)
			for i := range n {
				if isLine(i) && count[i] > best {
					best, bk, bi = count[i], k, i
				}
			}
		}
		if bi < 0 {
			return lines
		}
		lines++
		isLine := tally(bk)
		lo, hi := bi, bi+1 // the band [lo, hi) of lines at this slope
		for isLine(lo - 1) {
			lo--
		}
		for isLine(hi) {
			hi++
		}
		inside := func(a int) bool { return a >= 0 && a < n }
		// A soft line is wider in the mask than the band that covers most of its length:
		// its shoulders are the lines beside the band the mask covers half of.
		half := func(a int) bool {
			on := 0
			for j := range length {
				if aa := a + shift(bk, j); inside(aa) && mask[at(j, aa)] {
					on++
				}
			}
			return 2*on >= length
		}
		for lo > 0 && half(lo-1) {
			lo--
		}
		for hi < n && half(hi) {
			hi++
		}
		// The line's own strength: the median ink along the band. Writing on the line
		// is darker than the line: a pixel over knobs.StrongLine times that is a stroke
		// drawn along the line (a 1 on a squared page's upright line, a 7's bar on a
		// ruled one), not the line, and is not erased.
		var along []float64
		for j := range length {
			for a := lo + shift(bk, j); a < hi+shift(bk, j); a++ {
				if inside(a) && faint[at(j, a)] {
					along = append(along, s[at(j, a)])
				}
			}
		}
		slices.Sort(along)
		strong := math.Inf(1)
		if len(along) > 0 {
			strong = knobs.StrongLine * along[len(along)/2]
		}
		for j := range length {
			d := shift(bk, j)
			if inside(lo-1+d) && inside(hi+d) && mask[at(j, lo-1+d)] && mask[at(j, hi+d)] {
				continue // a stroke crosses the line here
			}
			for a := lo - 1 + d; a <= hi+d; a++ { // and the line's rims
				if inside(a) && s[at(j, a)] <= strong {
					mask[at(j, a)], faint[at(j, a)], erased[at(j, a)] = false, false, true
				}
			}
		}
		dropFringe(mask, faint, erased, length, minFringe(length), at, func(j int) (int, int) {
			d := shift(bk, j)
			return lo - 1 + d, hi + d
		}, n)
	}
	return lines
}

// minFringe is the shortest run along a line of length pixels that dropFringe erases.
func minFringe(length int) int { return max(8, length/25) }

// dropFringe erases what a line leaves along its sides: the mask's pixels one or two
// beyond its rims (rims(j) gives the two rims' across index at along j), with no ink
// just beyond them, in runs of at least minRun along the line where the line itself was
// erased, rims and all. A soft or tilted line's fringe is a sliver of ink 1-2 pixels
// wide; left, it joins a digit written across the line to the picture's edge. A stroke
// crossing the line is thicker or short along it; one drawn along the line kept its band.
func dropFringe(mask, faint, erased []bool, length, minRun int, at func(along, across int) int, rims func(j int) (int, int), n int) {
	for _, side := range []int{-1, 1} {
		rimOf := func(lo, hi int) int { // the rim on this side of the two
			if side < 0 {
				return lo
			}
			return hi
		}
		thin := func(j int) bool {
			lo, hi := rims(j)
			rim := rimOf(lo, hi)
			if rim < 0 || rim >= n || !erased[at(j, rim)] {
				return false
			}
			for a := max(0, lo); a <= min(n-1, hi); a++ {
				if mask[at(j, a)] {
					return false // writing along the line kept here
				}
			}
			any := false
			for k := 1; k <= 2; k++ {
				if a := rim + k*side; a >= 0 && a < n && mask[at(j, a)] {
					any = true
				}
			}
			beyond := rim + 3*side
			return any && !(beyond >= 0 && beyond < n && mask[at(j, beyond)])
		}
		start := -1
		for j := 0; j <= length; j++ {
			if j < length && thin(j) {
				if start < 0 {
					start = j
				}
				continue
			}
			if start >= 0 && j-start >= minRun {
				for jj := start; jj < j; jj++ {
					rim := rimOf(rims(jj))
					for k := 1; k <= 2; k++ {
						if a := rim + k*side; a >= 0 && a < n {
							mask[at(jj, a)], faint[at(jj, a)], erased[at(jj, a)] = false, false, true
						}
					}
				}
			}
			start = -1
		}
	}
}
