package preprocess

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"

	"github.com/lenet/lenet/dataset"
)

// ring draws a thick ellipse, ink colour on background, in a w x h picture.
func ring(w, h int, cx, cy, rx, ry float64, ink, bg color.Color) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			d := math.Hypot((float64(x)-cx)/rx, (float64(y)-cy)/ry)
			if d > 0.7 && d < 1 {
				img.Set(x, y, ink)
			} else {
				img.Set(x, y, bg)
			}
		}
	}
	return img
}

func stats(px []float32) (bw, bh int, cx, cy float64) {
	x0, y0, x1, y1 := dataset.Side, dataset.Side, 0, 0
	var m float64
	for i, v := range px {
		x, y := i%dataset.Side, i/dataset.Side
		cx, cy, m = cx+float64(v)*float64(x), cy+float64(v)*float64(y), m+float64(v)
		if v > 0.1 {
			x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x+1), max(y1, y+1)
		}
	}
	return x1 - x0, y1 - y0, cx / m, cy / m
}

// TestDigitLikeMNIST: an off-centre, oversized, dark-on-light digit comes out light on
// dark, in a 20-pixel box, with its centre of mass within half a pixel of the centre.
func TestDigitLikeMNIST(t *testing.T) {
	const c = float64(dataset.Side-1) / 2
	for _, tc := range []struct {
		name string
		img  image.Image
		tall bool
	}{
		{"dark on light, off-centre, tall", ring(300, 200, 70, 80, 30, 60, color.Black, color.White), true},
		{"light on dark, wide", ring(90, 90, 60, 45, 25, 10, color.White, color.Black), false},
		{"dark on transparent", ring(120, 120, 40, 60, 20, 40, color.Black, color.Transparent), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			px, err := Digit(tc.img)
			if err != nil {
				t.Fatal(err)
			}
			bw, bh, cx, cy := stats(px)
			long, short := bh, bw
			if !tc.tall {
				long, short = bw, bh
			}
			if long < 19 || long > Box || short >= long {
				t.Errorf("ink box %dx%d, want the longer side %s at 19-20 pixels", bw, bh, map[bool]string{true: "(height)", false: "(width)"}[tc.tall])
			}
			if math.Abs(cx-c) > 0.5 || math.Abs(cy-c) > 0.5 {
				t.Errorf("centre of mass (%.2f,%.2f), want within 0.5 of (%.1f,%.1f)", cx, cy, c, c)
			}
			if px[0] != 0 || px[dataset.Side*dataset.Side-1] != 0 {
				t.Errorf("background not 0: corners %g %g", px[0], px[dataset.Side*dataset.Side-1])
			}
		})
	}
}

func TestBlankAndBadInput(t *testing.T) {
	white := image.NewGray(image.Rect(0, 0, 50, 50))
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	if _, err := Digit(white); !errors.Is(err, ErrBlank) {
		t.Fatalf("blank image: %v", err)
	}
	if _, err := Decode(bytes.NewReader([]byte("hello"))); !errors.Is(err, ErrFormat) {
		t.Fatalf("text: %v", err)
	}
	// A GIF header claiming 60000x60000 pixels is refused before any pixel is decoded.
	gif := []byte("GIF89a\x60\xea\x60\xea\x00\x00\x00;")
	if _, err := Decode(bytes.NewReader(gif)); !errors.Is(err, ErrSize) {
		t.Fatalf("huge GIF: %v", err)
	}
	var buf bytes.Buffer
	png.Encode(&buf, ring(40, 40, 20, 20, 10, 15, color.Black, color.White))
	img, err := Decode(&buf)
	if err != nil || img.Bounds().Dx() != 40 {
		t.Fatalf("good PNG: %v", err)
	}
}

// TestPictureLikeFashionMNIST: a wide dark-on-light object comes out light on dark, its
// longer side 27-28 pixels, its ink box centred to within a pixel.
func TestPictureLikeFashionMNIST(t *testing.T) {
	img := ring(300, 200, 120, 90, 80, 30, color.Black, color.White)
	px, err := Picture(img)
	if err != nil {
		t.Fatal(err)
	}
	x0, y0, x1, y1 := dataset.Side, dataset.Side, 0, 0
	for i, v := range px {
		if x, y := i%dataset.Side, i/dataset.Side; v > 0.1 {
			x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x+1), max(y1, y+1)
		}
	}
	if w := x1 - x0; w < 27 {
		t.Errorf("ink %d pixels wide, want the longer side scaled to 27-28", w)
	}
	if h := y1 - y0; h < 8 || h > 14 {
		t.Errorf("ink %d pixels tall, want about 28·60/160 = 10.5", h)
	}
	if top, bottom := y0, dataset.Side-y1; top-bottom > 1 || bottom-top > 1 {
		t.Errorf("ink rows %d..%d: not centred vertically", y0, y1)
	}
	if _, err := Picture(image.NewGray(image.Rect(0, 0, 10, 10))); !errors.Is(err, ErrBlank) {
		t.Errorf("blank picture: %v, want ErrBlank", err)
	}
}

// TestFaintInkReadsLikeBlack: a digit in 30% grey comes out as the same digit in black.
func TestFaintInkReadsLikeBlack(t *testing.T) {
	black, err := Digit(ring(120, 160, 60, 80, 30, 50, color.Black, color.White))
	if err != nil {
		t.Fatal(err)
	}
	faint, err := Digit(ring(120, 160, 60, 80, 30, 50, color.Gray{Y: 178}, color.White))
	if err != nil {
		t.Fatal(err)
	}
	for i := range black {
		if math.Abs(float64(black[i]-faint[i])) > 0.02 {
			t.Fatalf("pixel %d: %g in black ink, %g in faint ink", i, black[i], faint[i])
		}
	}
}

// TestDeskewStandsSlantUpright: a bar slanted like italics comes out upright (its ink's
// x and y uncorrelated), and DigitKeepSlant keeps it slanted.
func TestDeskewStandsSlantUpright(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 100, 140))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y := 20; y < 120; y++ {
		x := 50 - (y-70)*4/10 // top to the right
		for dx := -6; dx <= 6; dx++ {
			img.SetGray(x+dx, y, color.Gray{})
		}
	}
	slope := func(px []float32) float64 {
		var m, mx, my, mxy, myy float64
		for i, v := range px {
			x, y := float64(i%dataset.Side), float64(i/dataset.Side)
			m, mx, my, mxy, myy = m+float64(v), mx+float64(v)*x, my+float64(v)*y, mxy+float64(v)*x*y, myy+float64(v)*y*y
		}
		return (mxy/m - mx/m*my/m) / (myy/m - my/m*my/m)
	}
	up, err := Digit(img)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := DigitKeepSlant(img)
	if err != nil {
		t.Fatal(err)
	}
	if s, k := slope(up), slope(kept); math.Abs(s) > 0.03 || k > -0.3 {
		t.Fatalf("x against y: %.3f deskewed (want 0), %.3f kept (want about -0.4)", s, k)
	}
}
