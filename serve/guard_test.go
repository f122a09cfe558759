package serve

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/graph"
	"gorgonia.org/tensor"
)

// TestDrawRefusesOtherSites sends the requests a foreign web page can make: through DNS
// rebinding (its own name in Host), or cross-site from another origin. Each must get a
// 403 with a JSON error and save nothing; the page's own requests still work.
func TestDrawRefusesOtherSites(t *testing.T) {
	p := &checkpoints.Model{Params: must(graph.NewParams(tensor.Float32, 1))}
	saveDir := t.TempDir()
	h, err := New(p, testOptions(saveDir))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	drawing := canvasPNG(t, false)
	for _, c := range []struct {
		name, method, target, host string
		header                     map[string]string
		want                       int
	}{
		{"rebound save", "POST", "/api/save?label=1", "evil.example:8080", nil, 403},
		{"rebound predict", "POST", "/api/predict", "evil.example:8080", nil, 403},
		{"rebound page", "GET", "/", "evil.example:8080", nil, 403},
		{"rebound with same origin", "POST", "/api/save?label=1", "evil.example:8080", map[string]string{"Origin": "http://evil.example:8080", "Sec-Fetch-Site": "same-origin"}, 403},
		{"loopback lookalike", "POST", "/api/save?label=1", "127.0.0.1.evil.example", nil, 403},
		{"localhost suffix lookalike", "POST", "/api/save?label=1", "evillocalhost:8080", nil, 403},
		{"no host", "POST", "/api/save?label=1", "", nil, 403},
		{"foreign origin", "POST", "/api/save?label=1", "127.0.0.1:8080", map[string]string{"Origin": "http://evil.example"}, 403},
		{"another port's origin", "POST", "/api/save?label=1", "127.0.0.1:8080", map[string]string{"Origin": "http://127.0.0.1:9999", "Sec-Fetch-Site": "same-site"}, 403},
		{"cross-site fetch", "POST", "/api/save?label=1", "localhost:8080", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"cross-site predict", "POST", "/api/predict", "localhost:8080", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"own page", "POST", "/api/save?label=1", "127.0.0.1:8080", map[string]string{"Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-origin"}, 200},
		{"own page by name", "POST", "/api/predict", "localhost:8080", map[string]string{"Origin": "http://localhost:8080", "Sec-Fetch-Site": "same-origin"}, 200},
		{"curl", "POST", "/api/predict", "127.0.0.1:8080", nil, 200},
		{"typed URL", "GET", "/", "LOCALHOST.:8080", map[string]string{"Sec-Fetch-Site": "none"}, 200},
		{"sub-domain of localhost", "GET", "/", "draw.localhost:8080", nil, 200},
		{"IPv6 loopback", "POST", "/api/predict", "[::1]:8080", nil, 200},
		{"other loopback address", "POST", "/api/predict", "127.0.0.2", nil, 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			before, _ := os.ReadDir(saveDir)
			req := httptest.NewRequest(c.method, "http://127.0.0.1:8080"+c.target, bytes.NewReader(drawing))
			req.Host = c.host
			req.Header.Set("Content-Type", "image/png")
			for k, v := range c.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.want, rec.Body.String())
			}
			after, _ := os.ReadDir(saveDir)
			if c.want == 403 {
				var out struct{ Error string }
				if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Error == "" || rec.Header().Get("Content-Type") != "application/json" {
					t.Fatalf("403 without a JSON error: %q", rec.Body.String())
				}
				if len(after) != len(before) {
					t.Fatalf("a refused request changed the save folder: %d files, then %d", len(before), len(after))
				}
			}
		})
	}
}

// TestDrawHostsOfAddr checks which Host headers name the server for each --addr and
// --allow-host.
func TestDrawHostsOfAddr(t *testing.T) {
	for _, c := range []struct {
		addr    string
		allow   []string
		yes, no []string
	}{
		{"127.0.0.1:8080", nil, []string{"127.0.0.1:8080", "localhost", "[::1]:1"}, []string{"192.168.1.5:8080", "mybox.lan:8080", "evil.example"}},
		{"192.168.1.5:8080", nil, []string{"192.168.1.5:8080", "localhost:8080"}, []string{"192.168.1.6:8080", "mybox.lan:8080"}},
		{"MyBox.lan:8080", nil, []string{"mybox.lan:8080", "MYBOX.LAN."}, []string{"evil.example:8080", "box.lan"}},
		{":8080", nil, []string{"192.168.1.5:8080", "[fe80::1]:8080", "localhost"}, []string{"mybox.lan:8080", "evil.example"}},
		{"0.0.0.0:8080", []string{"mybox.lan"}, []string{"10.0.0.3:8080", "mybox.lan:8080"}, []string{"evil.example:8080"}},
		{"[::]:8080", []string{"a.example", "b.example"}, []string{"a.example", "b.example:1", "[2001:db8::1]:8080"}, []string{"c.example"}},
	} {
		t.Run(c.addr, func(t *testing.T) {
			g := newHostGuard(c.addr, c.allow, nil)
			for _, h := range c.yes {
				if !g.allowed(h) {
					t.Errorf("Host %q refused", h)
				}
			}
			for _, h := range c.no {
				if g.allowed(h) {
					t.Errorf("Host %q allowed", h)
				}
			}
		})
	}
}

// TestDrawAllowHostFlag: --allow-host reaches the server's guard, and refusals name it.
func TestDrawAllowHostFlag(t *testing.T) {
	p := &checkpoints.Model{Params: must(graph.NewParams(tensor.Float32, 1))}
	o := testOptions(t.TempDir())
	o.AllowHosts = []string{"mybox.lan"}
	h, err := New(p, o)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for host, want := range map[string]int{"mybox.lan:8080": 200, "other.lan:8080": 403} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want || (want == 403 && !strings.Contains(rec.Body.String(), "--allow-host")) {
			t.Errorf("Host %s: %d %s, want %d", host, rec.Code, rec.Body.String(), want)
		}
	}
}

// must is v, for a test's setup that cannot fail.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
