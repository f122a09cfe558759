package serve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/graph"
	"github.com/lenet/lenet/internal/atomicfile"
	"gorgonia.org/tensor"
)

// saveServer serves a draw handler with these options over loopback.
func saveServer(t *testing.T, o Options) *httptest.Server {
	t.Helper()
	p := &checkpoints.Model{Params: must(graph.NewParams(tensor.Float32, 1))}
	h, err := New(p, o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); h.Close() })
	return srv
}

// noisePNG is an incompressible PNG of side x side random grey pixels.
func noisePNG(t testing.TB, side int, seed uint64) []byte {
	img := image.NewGray(image.Rect(0, 0, side, side))
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.Uint32())
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// savedFiles lists the save folder; each drawing must be a whole PNG and nothing else
// may be there (no temporary file).
func savedFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !isLabelled(e.Name()) {
			t.Fatalf("%s left in the save folder", e.Name())
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(data)); err != nil {
			t.Fatalf("%s is not a whole PNG: %v", e.Name(), err)
		}
		names = append(names, e.Name())
	}
	return names
}

// TestDrawSaveCaps fills the save folder to --max-saves, counting the drawings already
// there, then to --max-save-mib; past each cap saving answers 507 with an error naming
// the flag, and nothing is written.
func TestDrawSaveCaps(t *testing.T) {
	dir := t.TempDir()
	drawing := canvasPNG(t, false)
	for i := range 2 { // from an earlier session
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("3-earlier-%d.png", i)), drawing, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a drawing"), 0o644)
	os.WriteFile(filepath.Join(dir, atomicfile.TempPrefix+"12345"), drawing[:100], 0o644) // a killed write
	o := testOptions(dir)
	o.MaxSaves = 4
	srv := saveServer(t, o)
	if _, err := os.Stat(filepath.Join(dir, atomicfile.TempPrefix+"12345")); !os.IsNotExist(err) {
		t.Fatalf("the interrupted write's temporary file is still there: %v", err)
	}
	for i := range 3 {
		status, out := post(t, srv.URL+"/api/save?label=7", "image/png", drawing)
		want := 200
		if i == 2 {
			want = 507
		}
		if status != want {
			t.Fatalf("save %d: %d %v, want %d", i+1, status, out, want)
		}
		if want == 507 && !strings.Contains(fmt.Sprint(out["error"]), "--max-saves") {
			t.Fatalf("507 without naming --max-saves: %v", out)
		}
	}
	os.Remove(filepath.Join(dir, "notes.txt"))
	if n := len(savedFiles(t, dir)); n != 4 {
		t.Fatalf("%d drawings in the folder, want the cap of 4", n)
	}
	os.Remove(filepath.Join(dir, "3-earlier-0.png")) // moved away while the server runs
	if status, out := post(t, srv.URL+"/api/save?label=7", "image/png", drawing); status != 200 {
		t.Fatalf("save after moving a drawing away: %d %v", status, out)
	}

	dir = t.TempDir()
	o = testOptions(dir)
	o.MaxSaveBytes = 1 << 20
	srv = saveServer(t, o)
	big := noisePNG(t, 400, 1) // about 160 KB
	saved := 0
	for {
		status, out := post(t, srv.URL+"/api/save?label=2", "image/png", big)
		if status == 507 {
			if !strings.Contains(fmt.Sprint(out["error"]), "--max-save-mib") {
				t.Fatalf("507 without naming --max-save-mib: %v", out)
			}
			break
		}
		if status != 200 || saved > 10 {
			t.Fatalf("save %d: %d %v", saved+1, status, out)
		}
		saved++
	}
	var total int
	for _, name := range savedFiles(t, dir) {
		info, _ := os.Stat(filepath.Join(dir, name))
		total += int(info.Size())
	}
	if saved != 1<<20/len(big) || total > 1<<20 {
		t.Fatalf("%d drawings of %d bytes saved (%d bytes) under a 1 MiB cap", saved, len(big), total)
	}
}

// TestDrawSaveInterrupted: a client that sends half a drawing and hangs up saves nothing.
func TestDrawSaveInterrupted(t *testing.T) {
	dir := t.TempDir()
	srv := saveServer(t, testOptions(dir))
	drawing := canvasPNG(t, false)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/save?label=5 HTTP/1.1\r\nHost: %s\r\nContent-Type: image/png\r\nContent-Length: %d\r\n\r\n", srv.Listener.Addr(), len(drawing))
	conn.Write(drawing[:len(drawing)/2])
	conn.Close()
	time.Sleep(200 * time.Millisecond) // let the handler see the hang-up
	if names := savedFiles(t, dir); len(names) != 0 {
		t.Fatalf("half a drawing saved as %v", names)
	}
	if status, _ := post(t, srv.URL+"/api/save?label=5", "image/png", drawing); status != http.StatusOK {
		t.Fatalf("the next whole drawing: %d", status)
	}
}

// TestSavesCount: GET /api/saves says how many drawings the folder holds (those there
// before included, moved ones not), where, and the command that learns from them; each
// save answers the new count.
func TestSavesCount(t *testing.T) {
	dir := t.TempDir()
	drawing := canvasPNG(t, false)
	os.WriteFile(filepath.Join(dir, "4-earlier-1.png"), drawing, 0o644)
	o := testOptions(dir)
	o.Learn = "lenet train --from builtin --images " + dir
	srv := saveServer(t, o)
	saves := func() map[string]any {
		res, err := http.Get(srv.URL + "/api/saves")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != 200 {
			t.Fatalf("GET /api/saves: %d %v", res.StatusCode, err)
		}
		return out
	}
	if s := saves(); s["count"] != 1.0 || s["dir"] != dir || s["learn"] != o.Learn {
		t.Fatalf("before saving: %v", s)
	}
	for i := range 2 {
		status, out := post(t, srv.URL+"/api/save?label=7", "image/png", drawing)
		if status != 200 || out["count"] != float64(i+2) || out["learn"] != o.Learn {
			t.Fatalf("save %d: %d %v", i+1, status, out)
		}
	}
	os.Remove(filepath.Join(dir, "4-earlier-1.png"))
	if s := saves(); s["count"] != 2.0 {
		t.Fatalf("after moving one away: %v", s)
	}
	if status, _ := post(t, srv.URL+"/api/saves", "image/png", drawing); status != http.StatusMethodNotAllowed {
		t.Fatalf("POST /api/saves: %d, want 405", status)
	}
}
