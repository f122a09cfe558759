package serve

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
)

// TestDrawSaveDiskFull saves drawings into a 256 KiB tmpfs until the disk is full: the
// save that does not fit answers 507 saying so, and the folder holds whole PNGs only
// (no partial file), and saving works again once there is room. It needs root to mount
// the tmpfs, which CI has.
func TestDrawSaveDiskFull(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=256k"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI runs as root and must mount a tmpfs: %v", err)
		}
		t.Skipf("cannot mount a tmpfs (not root?): %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	srv := saveServer(t, testOptions(dir))
	big := noisePNG(t, 200, 2) // about 40 KB: the sixth or seventh does not fit
	var saved []string
	for {
		status, out := post(t, srv.URL+"/api/save?label=8", "image/png", big)
		if status == 507 {
			if !strings.Contains(fmt.Sprint(out["error"]), "no space left") {
				t.Fatalf("507 without saying the disk is full: %v", out)
			}
			break
		}
		if status != 200 || len(saved) > 10 {
			t.Fatalf("save %d: %d %v", len(saved)+1, status, out)
		}
		saved = append(saved, out["saved"].(string))
	}
	if names := savedFiles(t, dir); len(names) != len(saved) || len(saved) < 3 {
		t.Fatalf("saved %v, the folder holds %v", saved, names)
	}
	if err := os.Remove(dir + "/" + saved[0]); err != nil {
		t.Fatal(err)
	}
	if status, out := post(t, srv.URL+"/api/save?label=8", "image/png", canvasPNG(t, false)); status != 200 {
		t.Fatalf("save after making room: %d %v", status, out)
	}
}
