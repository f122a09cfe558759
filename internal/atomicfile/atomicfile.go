// Package atomicfile writes files whole or not at all: through a temporary file in the
// same folder, flushed and renamed into place. Checkpoints, metrics, charts and saved
// drawings all go through it.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// TempPrefix starts the name of a file WriteFile is writing; lenet test --images
// ignores it, as its name starts with no digit and ends in no picture extension.
const TempPrefix = ".lenet-tmp-"

// WriteFile writes a file through write into a temporary file in the same folder,
// flushes it to the disk and renames it into place: readers see the whole file or none,
// and a failed write leaves nothing behind (a killed process at most a hidden
// temporary file).
func WriteFile(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), TempPrefix+"*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name()) // fails harmlessly once renamed
	err = write(f)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if err := errors.Join(err, f.Close()); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
