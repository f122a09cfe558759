package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestSameOnAnyNumberOfCores trains the same short runs as child processes with
// GOMAXPROCS 1, 2, 4 and 8 (and --threads 3), at batch 32 (2 shares) and 64 (4 shares),
// distortions on, and requires every file of the run folders to be the same: the
// checkpoint's weights, Adam state and manifest (but for seconds and the command line),
// the metrics (but for seconds) and the chart.
func TestSameOnAnyNumberOfCores(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 10 short runs")
	}
	for _, batch := range []string{"32", "64"} {
		var first string
		for _, cores := range []string{"1", "2", "4", "8", "threads 3"} {
			dir := filepath.Join(t.TempDir(), "run")
			args := []string{"train", "--limit", "1280", "--epochs", "2", "--batch", batch, "--out", dir}
			cmd := exec.Command(os.Args[0], args...)
			cmd.Env = append(os.Environ(), "LENET_TEST_AS_COMMAND=1", "GOMAXPROCS="+cores)
			if cores == "threads 3" {
				cmd = exec.Command(os.Args[0], append(args, "--threads", "3")...)
				cmd.Env = append(os.Environ(), "LENET_TEST_AS_COMMAND=1")
			}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("batch %s, GOMAXPROCS %s: %v\n%s", batch, cores, err, out)
			}
			if first == "" {
				first = dir
				continue
			}
			t.Logf("batch %s: GOMAXPROCS %s against 1", batch, cores)
			sameRunFolder(t, first, dir)
		}
	}
}

// sameRunFolder requires two run folders to hold the same checkpoints (sameCheckpoint),
// metrics but for the seconds, and chart.
func sameRunFolder(t *testing.T, a, b string) {
	t.Helper()
	ea, err1 := os.ReadDir(a)
	eb, err2 := os.ReadDir(b)
	if err1 != nil || err2 != nil || len(ea) != len(eb) {
		t.Fatalf("run folders %s and %s: %d and %d entries (%v, %v)", a, b, len(ea), len(eb), err1, err2)
	}
	for i, e := range ea {
		x, y := filepath.Join(a, e.Name()), filepath.Join(b, eb[i].Name())
		switch {
		case e.Name() != eb[i].Name():
			t.Fatalf("run folders hold %s and %s", e.Name(), eb[i].Name())
		case e.IsDir():
			sameCheckpoint(t, x, y)
		case e.Type()&os.ModeSymlink != 0:
			lx, _ := os.Readlink(x)
			ly, _ := os.Readlink(y)
			if lx != ly {
				t.Fatalf("%s names %s and %s", e.Name(), lx, ly)
			}
		case e.Name() == "metrics.csv":
			mx, my := metricsBut(t, x, "seconds"), metricsBut(t, y, "seconds")
			if !slices.Equal(mx, my) {
				t.Fatalf("metrics differ:\n%v\n%v", mx, my)
			}
		default:
			dx, err1 := os.ReadFile(x)
			dy, err2 := os.ReadFile(y)
			if err1 != nil || err2 != nil || !bytes.Equal(dx, dy) {
				t.Fatalf("%s differs (%v, %v)", e.Name(), err1, err2)
			}
		}
	}
}

// metricsBut returns the rows of a metrics.csv without the named column, a row a string.
func metricsBut(t *testing.T, path, column string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("%s: %d rows (%v)", path, len(rows), err)
	}
	drop := slices.Index(rows[0], column)
	if drop < 0 {
		t.Fatalf("%s has no column %s", path, column)
	}
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprint(slices.Delete(r, drop, drop+1)))
	}
	return out
}
