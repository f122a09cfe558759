package main

import (
	"context"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

const chromium = "/usr/bin/chromium"

// browser starts headless Chromium (Debian's) with a fresh profile.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := exec.LookPath(chromium); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs Chromium (apt-get install chromium): %v", err)
		}
		t.Skipf("browser test skipped: %s not installed (apt-get install chromium)", chromium)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(1000, 560),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// strokeOn drags the mouse through points given in canvas pixels (0-280).
func strokeOn(ctx context.Context, pts [][2]float64) error {
	box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.getElementById("pad").getBoundingClientRect(); return [r.left, r.top, r.width / 280]; })()`))
	if err != nil {
		return err
	}
	at := func(p [2]float64) (float64, float64) { return box[0] + p[0]*box[2], box[1] + p[1]*box[2] }
	x, y := at(pts[0])
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1))}
	for _, p := range pts[1:] {
		x, y = at(p)
		steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y, leftHeld))
	}
	steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	return chromedp.Do(ctx, steps...)
}

// leftHeld marks a mouse move made with the left button down.
func leftHeld(p *input.DispatchMouseEventParams) {
	p.Button, p.Buttons = input.MouseButtonLeft, 1
}

// text is the text of the element with this id.
func text(ctx context.Context, t *testing.T, id string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.ID(id)))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(s)
}

// waitGuess waits until the page shows a guess that holds for half a second (answers
// to requests sent while the stroke was drawn may come first) and returns it.
func waitGuess(ctx context.Context, t *testing.T) string {
	t.Helper()
	last, same := "", 0
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		guess := text(ctx, t, "guess")
		if guess != "" && guess == last {
			same++
		} else {
			same = 0
		}
		if last = guess; same == 5 {
			return guess
		}
	}
	t.Fatal("the page showed no guess within 20 s")
	return ""
}

// TestDrawPageInBrowser loads the page in Chromium, draws a 1 and a 0 with the mouse,
// and checks the guesses, the probability bars, the 28x28 view and Clear.
func TestDrawPageInBrowser(t *testing.T) {
	srv, _ := drawServer(t)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("pad"))); err != nil {
		t.Fatal(err)
	}
	one := [][2]float64{}
	for y := 50.0; y <= 230; y += 10 {
		one = append(one, [2]float64{140 + (230-y)*0.08, y})
	}
	if err := strokeOn(ctx, one); err != nil {
		t.Fatal(err)
	}
	if g := waitGuess(ctx, t); g != "1" {
		t.Fatalf("drew a 1, the page guesses %s", g)
	}
	type pageState struct {
		Top  string  `json:"top"`
		Bar  float64 `json:"bar"`
		Seen float64 `json:"seen"`
	}
	state, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](`({
		top: document.querySelector(".bar.top span").textContent,
		bar: document.querySelector(".bar.top .fill").getBoundingClientRect().width / document.querySelector(".bar.top .track").getBoundingClientRect().width,
		seen: document.getElementById("seen").getContext("2d").getImageData(0, 0, 28, 28).data.filter((v, i) => i % 4 == 0 && v > 128).length })`))
	if err != nil {
		t.Fatal(err)
	}
	if state.Top != "1" || state.Bar < 0.3 || state.Seen < 20 {
		t.Fatalf("after a 1: the highlighted bar is %q, filled to %.2f of its track; the 28x28 view has %g inked pixels", state.Top, state.Bar, state.Seen)
	}
	if shot := os.Getenv("LENET_SCREENSHOT"); shot != "" { // README picture
		if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(shot, png, 0o644)
		}
	}

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("clear"))); err != nil {
		t.Fatal(err)
	}
	guess := text(ctx, t, "guess")
	inked, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.getElementById("pad").getContext("2d").getImageData(0, 0, 280, 280).data.filter((v, i) => i % 4 == 0 && v < 128).length`))
	if err != nil {
		t.Fatal(err)
	}
	if guess != "" || inked != 0 {
		t.Fatalf("after Clear: guess %q, %g dark pixels", guess, inked)
	}

	zero := [][2]float64{}
	for a := 0.0; a <= 2*math.Pi+0.3; a += 0.2 {
		zero = append(zero, [2]float64{140 + 55*math.Sin(a), 140 - 85*math.Cos(a)})
	}
	if err := strokeOn(ctx, zero); err != nil {
		t.Fatal(err)
	}
	if g := waitGuess(ctx, t); g != "0" {
		t.Fatalf("drew a 0, the page guesses %s", g)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("c")); err != nil {
		t.Fatal(err)
	}
	if guess := text(ctx, t, "guess"); guess != "" {
		t.Fatalf("the C key did not clear: guess %q", guess)
	}
}
