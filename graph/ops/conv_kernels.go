package ops

// im2col writes the 5x5 patches of one image x (C,H,W) as columns: col is (C*25, OH*OW),
// row c*25 + i*5 + j holding x[c, oh+i, ow+j] for every output position (oh, ow).
func im2col[T float32 | float64](x []T, c, h, w int, col []T) {
	oh, ow := h-convSide+1, w-convSide+1
	for ci := 0; ci < c; ci++ {
		plane := x[ci*h*w:]
		for i := 0; i < convSide; i++ {
			for j := 0; j < convSide; j++ {
				dst := col[((ci*convSide+i)*convSide+j)*oh*ow:]
				if ow == 8 { // C3: rows of 8 values move as arrays, without a call to memmove
					for y := 0; y < oh; y++ {
						*(*[8]T)(dst[y*8:]) = *(*[8]T)(plane[(y+i)*w+j:])
					}
					continue
				}
				for y := 0; y < oh; y++ {
					copy(dst[y*ow:(y+1)*ow], plane[(y+i)*w+j:(y+i)*w+j+ow])
				}
			}
		}
	}
}

// col2im adds the columns back onto the image positions they came from (im2col's adjoint).
func col2im[T float32 | float64](col []T, c, h, w int, x []T) {
	oh, ow := h-convSide+1, w-convSide+1
	clear(x[:c*h*w])
	for ci := 0; ci < c; ci++ {
		plane := x[ci*h*w:]
		for i := 0; i < convSide; i++ {
			for j := 0; j < convSide; j++ {
				src := col[((ci*convSide+i)*convSide+j)*oh*ow:]
				if ow == 8 { // C3: fixed-size rows, no bounds checks in the loop
					for y := 0; y < oh; y++ {
						row, s := (*[8]T)(plane[(y+i)*w+j:]), (*[8]T)(src[y*8:])
						for q := range row {
							row[q] += s[q]
						}
					}
					continue
				}
				for y := 0; y < oh; y++ {
					row, s := plane[(y+i)*w+j:(y+i)*w+j+ow], src[y*ow:(y+1)*ow]
					for q := range row {
						row[q] += s[q]
					}
				}
			}
		}
	}
}

// convForward: y[b] = k (O, C*25) · col(x[b]) (C*25, P), plus the bias of each map.
// cols holds one image's columns, reused, or every image's, kept for convKernelGrad.
func convForward[T float32 | float64](g convGeom, x, k, bias, y, cols []T, gemm gemmFunc[T]) {
	n, c, h, w := g.x[0], g.x[1], g.x[2], g.x[3]
	rows, p := g.rows(), g.pixels()
	keep := len(cols) >= n*rows*p
	for b := 0; b < n; b++ {
		col := cols[:rows*p]
		if keep {
			col = cols[b*rows*p : (b+1)*rows*p]
		}
		im2col(x[b*c*h*w:], c, h, w, col)
		yb := y[b*g.o*p : (b+1)*g.o*p]
		gemm(false, false, g.o, p, rows, k, col, yb, false)
		for o := 0; o < g.o; o++ {
			for q, v := 0, bias[o]; q < p; q++ {
				yb[o*p+q] += v
			}
		}
	}
}

// convKernelGrad: dk = Σ_b dy[b] (O, P) · col(x[b])ᵀ (P, C*25). With kept set, cols
// holds every image's columns from the forward pass; otherwise it is scratch for one.
func convKernelGrad[T float32 | float64](g convGeom, x, dy, dk, cols []T, kept bool, gemm gemmFunc[T]) {
	n, c, h, w := g.x[0], g.x[1], g.x[2], g.x[3]
	rows, p := g.rows(), g.pixels()
	for b := 0; b < n; b++ {
		col := cols[:rows*p]
		if kept {
			col = cols[b*rows*p : (b+1)*rows*p]
		} else {
			im2col(x[b*c*h*w:], c, h, w, col)
		}
		gemm(false, true, g.o, rows, p, dy[b*g.o*p:(b+1)*g.o*p], col, dk, b > 0)
	}
}

// convBiasGrad: db[o] = Σ over images and positions of dy[b, o].
// Each map's sum runs in order, one addition after another; four maps are summed side
// by side, so that four chains of additions overlap (the same bits as one at a time).
func convBiasGrad[T float32 | float64](g convGeom, dy, db []T) {
	p := g.pixels()
	clear(db)
	planes := g.x[0] * g.o
	sum := func(pl int) T {
		var s T
		for _, v := range dy[pl*p : (pl+1)*p] {
			s += v
		}
		return s
	}
	pl := 0
	for ; pl+4 <= planes; pl += 4 {
		p0, p1, p2, p3 := dy[pl*p:(pl+1)*p], dy[(pl+1)*p:(pl+2)*p], dy[(pl+2)*p:(pl+3)*p], dy[(pl+3)*p:(pl+4)*p]
		var s0, s1, s2, s3 T
		for q := range p0 {
			s0 += p0[q]
			s1 += p1[q]
			s2 += p2[q]
			s3 += p3[q]
		}
		db[pl%g.o] += s0
		db[(pl+1)%g.o] += s1
		db[(pl+2)%g.o] += s2
		db[(pl+3)%g.o] += s3
	}
	for ; pl < planes; pl++ {
		db[pl%g.o] += sum(pl)
	}
}

// convInputGrad: dx[b] = col2im(kᵀ (C*25, O) · dy[b] (O, P)). scratch holds one image's
// columns and kᵀ, transposed once for all images.
func convInputGrad[T float32 | float64](g convGeom, k, dy, dx, scratch []T, gemm gemmFunc[T]) {
	n, c, h, w := g.x[0], g.x[1], g.x[2], g.x[3]
	rows, p := g.rows(), g.pixels()
	col, kt := scratch[:rows*p], scratch[rows*p:rows*p+rows*g.o]
	for o := 0; o < g.o; o++ {
		for r, v := range k[o*rows : (o+1)*rows] {
			kt[r*g.o+o] = v
		}
	}
	for b := 0; b < n; b++ {
		gemm(false, false, rows, p, g.o, kt, dy[b*g.o*p:(b+1)*g.o*p], col, false)
		col2im(col, c, h, w, dx[b*c*h*w:])
	}
}
