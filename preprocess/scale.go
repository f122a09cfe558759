package preprocess

import (
	"math"
	"sync"

	"golang.org/x/image/draw"
)

// scratch is the working memory of one glyph or window, reused through scratchPool: the
// reader makes dozens of either for each group of ink it cuts, and their garbage cost a
// third of its time at lenet's GOGC of 25.
type scratch struct {
	ink, strong []float64
	crop, small []uint16
	tmp         [][2]float64
	hor, ver    distrib
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// grow is s with length n, reallocated only when its capacity is short; its contents
// are not cleared.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// scaleGray16 scales the sw x sh grey levels src (0 to 0xffff, row-major) to dw x dh
// with the Catmull-Rom kernel, giving the bits draw.CatmullRom.Scale gives between
// *image.Gray16 images with draw.Src (TestScaleGray16MatchesDraw).
//
// Written by hand because x/image/draw has no fast path for 16-bit grey: it reads every
// source pixel through the RGBA64Image interface and computes four channels, and it was
// most of the time of the reader's pieces (each piece a glyph and a verifier's window).
// This is its arithmetic (newDistrib, scaleX_RGBA64Image, scaleY_RGBA64Image_Src, ftou)
// on one channel, an opaque grey's: red, green and blue are the grey and alpha is 0xffff,
// and Gray16.SetRGBA64 of equal channels stores that channel.
func scaleGray16(dst []uint16, dw, dh int, src []uint16, sw, sh int) {
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	sc.hor.make(dw, sw)
	sc.ver.make(dh, sh)
	hor, ver := &sc.hor, &sc.ver
	// Along the rows: tmp holds, for each source row and destination column, the grey
	// and alpha over 0xffff.
	sc.tmp = grow(sc.tmp, dw*sh)
	tmp := sc.tmp
	for y := range sh {
		row := src[y*sw : (y+1)*sw]
		for x, s := range hor.sources {
			var pg, pa float64
			for _, c := range hor.contribs[s.i:s.j] {
				pg += float64(float64(row[c.coord]) * c.weight)
				pa += float64(float64(0xffff) * c.weight)
			}
			tmp[y*dw+x] = [2]float64{pg * s.invTotalWeightFFFF, pa * s.invTotalWeightFFFF}
		}
	}
	// Along the columns.
	for x := range dw {
		for y, s := range ver.sources {
			var pg, pa float64
			for _, c := range ver.contribs[s.i:s.j] {
				p := &tmp[int(c.coord)*dw+x]
				pg += float64(p[0] * c.weight)
				pa += float64(p[1] * c.weight)
			}
			if pg > pa {
				pg = pa
			}
			dst[y*dw+x] = ftou(pg * s.invTotalWeight)
		}
	}
}

// source and contrib are x/image/draw's: the taps of one destination column (or row)
// and their inverse total weight, and one tap.
type source struct {
	i, j               int32
	invTotalWeight     float64
	invTotalWeightFFFF float64
}

type contrib struct {
	coord  int32
	weight float64
}

type distrib struct {
	sources  []source
	contribs []contrib
}

// make is x/image/draw's newDistrib for draw.CatmullRom, in d's memory: how sw source
// columns (or rows) are spread over dw destination ones.
func (d *distrib) make(dw, sw int) {
	q := draw.CatmullRom
	scale := float64(sw) / float64(dw)
	halfWidth, kernelArgScale := q.Support, 1.0
	if scale > 1 {
		halfWidth *= scale
		kernelArgScale = 1 / scale
	}
	n, sources := int32(0), grow(d.sources, dw)
	for x := range sources {
		center := float64((float64(x)+0.5)*scale) - 0.5
		i := max(int32(math.Floor(center-halfWidth)), 0)
		j := int32(math.Ceil(center + halfWidth))
		if j > int32(sw) {
			j = max(int32(sw), i)
		}
		sources[x] = source{i: i, j: j, invTotalWeight: center}
		n += j - i
	}
	contribs := grow(d.contribs, int(n))[:0]
	for k, b := range sources {
		total := 0.0
		l := int32(len(contribs))
		for coord := b.i; coord < b.j; coord++ {
			t := (b.invTotalWeight - float64(coord)) * kernelArgScale
			if t < 0 {
				t = -t
			}
			if t >= q.Support {
				continue
			}
			weight := q.At(t)
			if weight == 0 {
				continue
			}
			total += weight
			contribs = append(contribs, contrib{coord, weight})
		}
		total = 1 / total
		sources[k] = source{i: l, j: int32(len(contribs)), invTotalWeight: total, invTotalWeightFFFF: total / 0xffff}
	}
	d.sources, d.contribs = sources, contribs
}

// ftou is x/image/draw's: [0, 1] to [0, 0xffff], rounded and clamped.
func ftou(f float64) uint16 {
	i := int32(float64(0xffff*f) + 0.5)
	if i > 0xffff {
		return 0xffff
	}
	if i > 0 {
		return uint16(i)
	}
	return 0
}
