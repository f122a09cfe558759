package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lenet/lenet/checkpoints"
	"github.com/lenet/lenet/robust"
)

// writerPictures writes n pictures by robust's writer, whose style MNIST lacks
// (picture i of the digit i mod 10), into a new folder, named as the draw page names
// what it saves.
func writerPictures(t *testing.T, n int, seed uint64) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(seed, 0))
	for i := range n {
		var b bytes.Buffer
		if err := png.Encode(&b, robust.WriterPicture(i%10, rng)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d-20261206-1200%02d-%d.png", i%10, i%60, i)), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// accuracyOf is what lenet test --json reports as the overall accuracy for args.
func accuracyOf(t *testing.T, args ...string) float64 {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), append([]string{"test", "--json"}, args...), &out, &out); err != nil {
		t.Fatalf("test %v: %v\n%s", args, err, out.String())
	}
	var r struct {
		Overall struct{ Accuracy float64 } `json:"overall"`
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	return r.Overall.Accuracy
}

// TestLearnHandwriting is the loop a user runs, on a writer whose style MNIST lacks
// (robust.WriterDigit: slashed 0s, flagged 1s, crossed 7s, closed 4s, leaning back):
// the built-in committee continued on 200 of their pictures (3 epochs here, to keep the
// test short; docs/tuning.sh measures the defaults) must read at least 98% of 300 others
// and more than before, and keep at least 99.5% of MNIST's test set.
func TestLearnHandwriting(t *testing.T) {
	pics, unseen := writerPictures(t, 200, 1), writerPictures(t, 300, 2)
	before := accuracyOf(t, "--images", unseen)
	out := filepath.Join(t.TempDir(), "mine")
	printed, err := runCmd("train", "--from", "builtin", "--images", pics, "--out", out, "--epochs", "3")
	if err != nil {
		t.Fatalf("%v\n%s", err, printed)
	}
	if !strings.Contains(printed, "your 40 held-out pictures: ") || !strings.Contains(printed, "use it: lenet draw --checkpoint "+out) || !strings.Contains(printed, "committee of 9") {
		t.Fatalf("the run does not report before and after, or how to use it:\n%s", printed)
	}
	after := accuracyOf(t, "--images", unseen, "--checkpoint", out)
	mnist := accuracyOf(t, "--checkpoint", out)
	t.Logf("300 unseen pictures of the writer: %.2f%% before, %.2f%% after; MNIST test after: %.2f%%", 100*before, 100*after, 100*mnist)
	if after < 0.98 || after <= before || mnist < 0.995 {
		t.Fatalf("after learning 160 pictures: %.2f%% of 300 unseen ones (%.2f%% before; want at least 98%%), MNIST test %.2f%% (want at least 99.5%%)", 100*after, 100*before, 100*mnist)
	}
	if val := accuracyOf(t, "--checkpoint", out, "--split", "val"); val < 0.95 {
		t.Fatalf("test --split val scores the 40 held-out pictures %.2f%%", 100*val)
	}
}

// TestLearnResumes: a run learning pictures, stopped and resumed, ends with the same
// checkpoint as one run straight through, bit for bit.
func TestLearnResumes(t *testing.T) {
	pics := writerPictures(t, 30, 3)
	args := []string{"--from", "../../checkpoints/default/member-1", "--images", pics, "--mix", "200", "--copies", "1", "--epochs", "2"}
	whole, parts := filepath.Join(t.TempDir(), "whole"), filepath.Join(t.TempDir(), "parts")
	var out bytes.Buffer
	if err := trainCommand(context.Background(), append(args, "--out", whole), &out, &out, nil); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	err := trainCommand(ctx, append(args, "--out", parts), &out, &out, func(epoch, batch int) {
		if epoch == 1 && batch == 3 {
			cancel()
		}
	})
	cancel()
	if err == nil || !strings.Contains(err.Error(), "--resume "+parts) {
		t.Fatalf("stopped run: %v", err)
	}
	if err := trainCommand(context.Background(), []string{"--resume", parts}, &out, &out, nil); err != nil {
		t.Fatalf("resume: %v\n%s", err, out.String())
	}
	sameCheckpoint(t, filepath.Join(whole, checkpoints.LatestLink), filepath.Join(parts, checkpoints.LatestLink))
}

// TestLearnFlagErrors: flags that cannot go with learning pictures, and folders it
// cannot learn from, are refused in one line naming them.
func TestLearnFlagErrors(t *testing.T) {
	pics := writerPictures(t, 20, 4)
	few := writerPictures(t, 5, 4)
	out := t.TempDir()
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"--from", "builtin"}, "--from MODEL and --images DIR go together"},
		{[]string{"--images", pics}, "--from MODEL and --images DIR go together"},
		{[]string{"--copies", "3"}, "--copies is for learning pictures"},
		{[]string{"--from", "builtin", "--images", pics, "--committee", "2"}, "--committee cannot be given with --from"},
		{[]string{"--from", "builtin", "--images", pics, "--activation", "relu"}, "--activation cannot be given with --from"},
		{[]string{"--from", "/nonexistent", "--images", pics}, "--from /nonexistent"},
		{[]string{"--from", "builtin", "--images", "/nonexistent", "--out", filepath.Join(out, "a")}, "--images /nonexistent"},
		{[]string{"--from", "builtin", "--images", few, "--out", filepath.Join(out, "b")}, "5 pictures that can be read; at least 10"},
		{[]string{"--from", "builtin", "--images", pics, "--hold", "0.9"}, "invalid --hold 0.9"},
		{[]string{"--from", "builtin", "--images", pics, "--mix", "-1"}, "invalid --mix -1"},
	} {
		err := trainCommand(context.Background(), c.args, &bytes.Buffer{}, &bytes.Buffer{}, nil)
		if err == nil || !strings.Contains(err.Error(), c.says) || strings.Contains(err.Error(), "\n") {
			t.Errorf("train %v: %v (want one line containing %q)", c.args, err, c.says)
		}
	}
	// A picture it cannot read is left out and named (here before a bad flag stops the run).
	os.WriteFile(filepath.Join(pics, "3-broken.png"), []byte("not a picture"), 0o644)
	var stderr bytes.Buffer
	err := trainCommand(context.Background(), []string{"--from", "builtin", "--images", pics, "--hold", "0.9"}, &bytes.Buffer{}, &stderr, nil)
	if err == nil || !strings.Contains(stderr.String(), "learning without the pictures in "+pics+" it cannot read (1 left out: "+filepath.Join(pics, "3-broken.png")) {
		t.Errorf("a broken picture: %v, the command said %q", err, stderr.String())
	}
}
