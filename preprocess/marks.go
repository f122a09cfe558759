package preprocess

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

// keepMarks drops what is not writing: marks that do not stand out from the paper's
// noise (whose smoothed ink s stays under stands), the edges of the paper or of a desk
// (marks that touch two sides of the picture, when there is other ink), what is left of
// a line or a fold at the picture's edge (a mark that touches a side and is over 5
// times as long as it is wide), the edges of shadows (marks whose mean ink is under a
// third of the strongest mark's), then specks (marks under 4% of the largest one's
// area, or of 2 pixels or fewer). It fills in each mark's Mass from ink and labels.
func keepMarks(marks []Mark, labels []int32, ink, s []float64, stands float64, w, h int) []Mark {
	peak := make([]float64, len(marks))
	for i, l := range labels {
		if l != 0 {
			marks[l-1].Mass += ink[i]
			peak[l-1] = max(peak[l-1], s[i])
		}
	}
	var standing []Mark
	for i, m := range marks {
		if peak[i] >= stands {
			standing = append(standing, m)
		}
	}
	marks = standing
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
		mw, mh := m.X1-m.X0, m.Y1-m.Y0
		if edges(m) < 2 && (edges(m) == 0 || max(mw, mh) <= 5*min(mw, mh)) {
			inner = append(inner, m)
		}
	}
	if len(inner) > 0 {
		marks = inner
	}
	largest, strongest := 0, 0.0
	for _, m := range marks {
		largest = max(largest, m.Area)
		strongest = max(strongest, m.Mass/float64(m.Area))
	}
	var kept []Mark
	for _, m := range marks {
		if m.Area > 2 && m.Area*25 >= largest && 3*m.Mass/float64(m.Area) >= strongest {
			kept = append(kept, m)
		}
	}
	return kept
}

// Main is the writing of a picture of one digit: the mark with the most ink (one that
// touches the picture's edge counts a quarter: a shadow's corner, a line's end), and the
// marks near it (within a third of its height of the box they make together: a 5's
// flag, a stroke broken by a line or the light).
func (p *Page) Main() []Mark {
	weight := func(m Mark) float64 {
		if p.AtEdge(m.X0, m.Y0, m.X1, m.Y1) {
			return m.Mass / 4
		}
		return m.Mass
	}
	main := 0
	for i, m := range p.Marks {
		if weight(m) > weight(p.Marks[main]) {
			main = i
		}
	}
	chosen := []Mark{p.Marks[main]}
	in := make([]bool, len(p.Marks))
	in[main] = true
	x0, y0, x1, y1 := p.Marks[main].X0, p.Marks[main].Y0, p.Marks[main].X1, p.Marks[main].Y1
	for grown := true; grown; {
		grown = false
		gap := (y1 - y0) / 3
		for i, m := range p.Marks {
			if in[i] || m.X1 < x0-gap || m.X0 > x1+gap || m.Y1 < y0-gap || m.Y0 > y1+gap {
				continue
			}
			in[i], grown = true, true
			chosen = append(chosen, m)
			x0, y0, x1, y1 = min(x0, m.X0), min(y0, m.Y0), max(x1, m.X1), max(y1, m.Y1)
		}
	}
	return chosen
}
