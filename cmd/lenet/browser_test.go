package main

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/lenet/lenet/checkpoints"
)

const chromium = "/usr/bin/chromium"

// browser starts headless Chromium (Debian's) with a fresh profile and these options.
func browser(t *testing.T, extra ...chromedp.ExecAllocatorOption) context.Context {
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
	opts = append(opts, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// strokeOn drags the mouse through points given in canvas pixels (560 x 280).
func strokeOn(ctx context.Context, pts [][2]float64) error {
	box, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.getElementById("pad").getBoundingClientRect(); return [r.left, r.top, r.height / 280]; })()`))
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

// waitGuess waits for the page's guess for the drawing as it now is: no request waiting
// to be sent and the guess shown answering the latest one. (Waiting for the guess to stay
// the same a while instead returned a guess for half a drawing on a busy machine.)
func waitGuess(ctx context.Context, t *testing.T) string {
	t.Helper()
	type state struct {
		Guess string `json:"guess"`
		Done  bool   `json:"done"`
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[state](`({ guess: document.getElementById("guess").textContent,
			done: timer === null && document.getElementById("guess").dataset.seq === String(seq) })`))
		if err != nil {
			t.Fatal(err)
		}
		if s.Done && s.Guess != "" {
			return s.Guess
		}
	}
	t.Fatal("the page showed no guess for the drawing within 20 s")
	return ""
}

// TestDrawPageInBrowser loads the page in Chromium, draws a 1 and a 0 with the mouse,
// and checks the guesses, the probability bars, the 28x28 view, saving (the page then
// shows the count of drawings and the command that learns them) and Clear.
func TestDrawPageInBrowser(t *testing.T) {
	srv, saveDir := drawServer(t)
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
	if shot := os.Getenv("LENET_SCREENSHOT"); shot != "" { // docs/draw.png
		if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(shot, png, 0o644)
		}
	}

	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("clear"))); err != nil {
		t.Fatal(err)
	}
	guess := text(ctx, t, "guess")
	inked, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.getElementById("pad").getContext("2d").getImageData(0, 0, 560, 280).data.filter((v, i) => i % 4 == 0 && v < 128).length`))
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
	if err := chromedp.Do(ctx, chromedp.Click(`#fix button:nth-of-type(1)`)); err != nil { // "That was a: 0"
		t.Fatal(err)
	}
	status := ""
	for deadline := time.Now().Add(10 * time.Second); !strings.HasPrefix(status, "Saved as 0-") && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		status = text(ctx, t, "status")
	}
	if files, _ := filepath.Glob(filepath.Join(saveDir, "0-*.png")); len(files) != 1 || !strings.HasSuffix(status, filepath.Base(files[0])) {
		t.Fatalf("saving the 0: the page says %q, the save folder holds %v", status, files)
	}
	if saves := text(ctx, t, "saves"); !strings.Contains(saves, "1 drawing saved in "+saveDir) || !strings.Contains(saves, "lenet train --from builtin --images "+saveDir) {
		t.Fatalf("after saving, the page says %q (want the count and the command that learns)", saves)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("c")); err != nil {
		t.Fatal(err)
	}
	if guess := text(ctx, t, "guess"); guess != "" {
		t.Fatalf("the C key did not clear: guess %q", guess)
	}
}

// TestDrawRefusesOtherSitesInBrowser attacks the draw server from Chromium as other web
// sites would: a page on another origin posts to the API (Chromium marks it cross-site),
// and a foreign name resolves to 127.0.0.1 (DNS rebinding, made here by Chromium's
// host resolver rules). Both are refused and nothing is saved.
func TestDrawRefusesOtherSitesInBrowser(t *testing.T) {
	srv, saveDir := drawServer(t)
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><title>evil</title><script>
fetch(%q, {method: "POST", mode: "no-cors", body: "drawing"})
  .then(() => document.title = "sent", e => document.title = "failed " + e);
</script>`, srv.URL+"/api/save?label=1")
	}))
	defer attacker.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	ctx := browser(t, chromedp.Flag("host-resolver-rules", "MAP evil.example 127.0.0.1"))

	before := len(requests(t, srv))
	if err := chromedp.Do(ctx, chromedp.Navigate(attacker.URL+"/")); err != nil {
		t.Fatal(err)
	}
	title, err := chromedp.Run(ctx, chromedp.Poll[string](`document.title !== "evil" && document.title`, chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil || title != "sent" {
		t.Fatalf("the attacking page's post: %q %v", title, err)
	}
	got := requests(t, srv)[before:]
	if len(got) != 1 || got[0] != "POST /api/save 403" {
		t.Fatalf("the cross-site post reached the server as %v, want one POST refused with 403", got)
	}

	if err := chromedp.Do(ctx, chromedp.Navigate("http://evil.example:"+port+"/")); err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil || !strings.Contains(body, `Host \"evil.example:`+port+`\" refused`) {
		t.Fatalf("the page under a rebound name: %q %v", body, err)
	}
	// The rebound page's own script posts a drawing as a same-origin request.
	code, err := chromedp.Run(ctx, chromedp.Evaluate[int](`fetch("/api/save?label=1", {method: "POST", headers: {"Content-Type": "image/png"}, body: new Uint8Array([137, 80, 78, 71])}).then(r => r.status)`, chromedp.EvalAwaitPromise))
	if err != nil || code != 403 {
		t.Fatalf("a post from the rebound page: %d %v", code, err)
	}
	if files, _ := filepath.Glob(filepath.Join(saveDir, "*")); len(files) != 0 {
		t.Fatalf("other sites saved %v", files)
	}
}

// waitNumber waits for the page's reading of the latest picture sent (from "canvas" or
// "photo") and returns its text.
func waitNumber(ctx context.Context, t *testing.T, from string) string {
	t.Helper()
	type state struct {
		Text string `json:"text"`
		Done bool   `json:"done"`
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[state](`(() => { const n = document.getElementById("number");
			return { text: n.textContent, done: n.dataset.seq === String(readSeq) && n.dataset.from === "`+from+`" }; })()`))
		if err != nil {
			t.Fatal(err)
		}
		if s.Done && s.Text != "" {
			return s.Text
		}
	}
	t.Fatalf("the page showed no number read from the %s within 20 s", from)
	return ""
}

// TestReadInBrowser writes three digits on the draw page's canvas (a 1, a 0 and a 7)
// and requires the page to read them back as 107; then it uploads a photo of a number
// (MNIST's test digits 2, 7, 4 on paper under uneven light) through the page's file
// input and requires 274, and one of 274 over 10, shown as two lines (the number two
// lines high, the second line's digits below the first's).
func TestReadInBrowser(t *testing.T) {
	p, err := checkpoints.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := drawServerWith(t, p)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.ID("pad"))); err != nil {
		t.Fatal(err)
	}
	var one, zero, sevenTop, sevenStem [][2]float64
	for y := 60.0; y <= 220; y += 10 {
		one = append(one, [2]float64{100, y})
		sevenStem = append(sevenStem, [2]float64{450 - (y-60)*0.35, y})
	}
	for a := 0.0; a <= 2*math.Pi+0.3; a += 0.2 {
		zero = append(zero, [2]float64{260 + 45*math.Sin(a), 140 - 80*math.Cos(a)})
	}
	for x := 380.0; x <= 450; x += 10 {
		sevenTop = append(sevenTop, [2]float64{x, 60})
	}
	for _, s := range [][][2]float64{one, zero, sevenTop, sevenStem} {
		if err := strokeOn(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if got := waitNumber(ctx, t, "canvas"); got != "107" {
		t.Fatalf("wrote 107 on the canvas, the page reads %q", got)
	}
	photo := filepath.Join(t.TempDir(), "number.png")
	writeNumberPNG(t, photo, 1, 0, 4)
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(`#photo`, []string{photo})); err != nil {
		t.Fatal(err)
	}
	if got := waitNumber(ctx, t, "photo"); got != "274" {
		t.Fatalf("uploaded a photo of 274, the page reads %q", got)
	}
	lines := filepath.Join(t.TempDir(), "lines.png")
	writeLinesPNG(t, lines, []int{1, 0, 4}, []int{2, 3})
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(`#photo`, []string{lines})); err != nil {
		t.Fatal(err)
	}
	if got := waitNumber(ctx, t, "photo"); got != "274\n10" {
		t.Fatalf("uploaded a photo of 274 over 10, the page reads %q", got)
	}
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const n = document.getElementById("number").getBoundingClientRect();
		const d = [...document.querySelectorAll("#digits span:not(.line)")].map(e => e.getBoundingClientRect().top);
		return [n.height, d[0], d[2], d[3]]; })()`))
	if err != nil || shown[0] < 50 || shown[1] != shown[2] || shown[3] <= shown[2] {
		t.Fatalf("the page shows two lines as %v (number's height; tops of digits 1, 3 and 4) %v", shown, err)
	}
}
