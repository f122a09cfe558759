package serve

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lenet/lenet/internal/atomicfile"
	"github.com/lenet/lenet/preprocess"
)

// Defaults of --max-saves and --max-save-mib: a drawn canvas is a few KiB, so the
// count binds first for real drawings and the bytes for oversized ones.
const (
	DefaultMaxSaves   = 10000
	DefaultMaxSaveMiB = 100
)

// Errors of saveFolder.save that the handler turns into a status.
var (
	errSaveQuota = errors.New("save folder full")
	errDiskFull  = errors.New("no space left on the disk")
)

// saveFolder stores drawings in one folder under a cap on their number and total bytes,
// counting the drawings already there. Each is written whole or not at all (see
// writeAtomic); one lock orders the quota, the name and the write.
type saveFolder struct {
	dir      string
	maxCount int
	maxBytes int64

	mu    sync.Mutex
	count int    // drawings in dir
	bytes int64  // their total size
	stamp string // the second of the last name given
	n     int    // that name's number within its second
}

// openSaveFolder counts the drawings already in dir (a missing dir holds none) and
// removes the temporary files that a killed process may have left there.
func openSaveFolder(dir string, maxCount int, maxBytes int64) (*saveFolder, error) {
	s := &saveFolder{dir: dir, maxCount: maxCount, maxBytes: maxBytes}
	return s, s.recount(true)
}

// recount counts the drawings in the folder again (the user may have moved some away),
// removing interrupted writes' temporary files if asked.
func (s *saveFolder) recount(removeTemp bool) error {
	entries, err := os.ReadDir(s.dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("--save-dir: %w", err)
	}
	s.count, s.bytes = 0, 0
	for _, e := range entries {
		name := e.Name()
		switch {
		case removeTemp && e.Type().IsRegular() && strings.HasPrefix(name, atomicfile.TempPrefix):
			if err := os.Remove(filepath.Join(s.dir, name)); err != nil {
				return fmt.Errorf("--save-dir: remove an interrupted write: %w", err)
			}
		case e.Type().IsRegular() && isLabelled(name):
			info, err := e.Info()
			if err != nil {
				return fmt.Errorf("--save-dir: %w", err)
			}
			s.count++
			s.bytes += info.Size()
		}
	}
	return nil
}

// counted is how many drawings the folder holds, counted again first if asked.
func (s *saveFolder) counted(again bool) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if again {
		if err := s.recount(false); err != nil {
			return s.count, err
		}
	}
	return s.count, nil
}

// full reports whether a drawing of size bytes would pass a cap.
func (s *saveFolder) full(size int) bool {
	return s.count+1 > s.maxCount || s.bytes+int64(size) > s.maxBytes
}

// save writes a PNG drawing of a digit as LABEL-DATE-TIME-N.png and returns its name.
func (s *saveFolder) save(label int, png []byte) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.full(len(png)) {
		if err := s.recount(false); err != nil {
			return "", err
		}
	}
	if s.full(len(png)) {
		return "", fmt.Errorf("%w: %s holds %d drawings, %.1f MiB (at most %d and %d MiB: --max-saves, --max-save-mib); move them away to save more",
			errSaveQuota, s.dir, s.count, float64(s.bytes)/(1<<20), s.maxCount, s.maxBytes>>20)
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return "", fmt.Errorf("--save-dir: %w", err)
	}
	if stamp := time.Now().Format("20060102-150405"); stamp != s.stamp {
		s.stamp, s.n = stamp, 0
	}
	var name string
	for { // the next name not taken: the lock keeps it free until written
		s.n++
		name = fmt.Sprintf("%d-%s-%d.png", label, s.stamp, s.n)
		_, err := os.Lstat(filepath.Join(s.dir, name))
		if errors.Is(err, os.ErrNotExist) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("--save-dir: %w", err)
		}
	}
	err := atomicfile.WriteFile(filepath.Join(s.dir, name), func(w io.Writer) error {
		_, err := w.Write(png)
		return err
	})
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return "", fmt.Errorf("%w: %s not saved: %v", errDiskFull, name, err)
	}
	if err != nil {
		return "", err
	}
	s.count++
	s.bytes += int64(len(png))
	return name, nil
}

// isLabelled reports whether a file name gives its picture's label, as 'lenet test
// --images' reads them.
func isLabelled(name string) bool {
	_, ok := preprocess.LabelOf(name)
	return ok
}
