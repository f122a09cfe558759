package checkpoints

import (
	"embed"
	"fmt"
	"io/fs"
)

// The built-in model: a committee of 9 seed LeNet-5s trained by the default recipe for
// 30 epochs each, half their 1s given a flag (--flag 0.5, chosen on photos of the held-out
// images, docs/flag.sh), holding out 5,000 validation images (which chose the epochs and
// the size, docs/committee.sh), as `lenet export --format checkpoint` writes it (weights and
// manifests, about 2 MB). Commands
// use it when they are given no checkpoint, so a new user can try everything before
// training. Its manifest records the command that made it; TestDefaultModel checks its
// accuracy on the MNIST test set.
//
//go:embed default
var defaultModel embed.FS

// DefaultDir names the built-in model in messages.
const DefaultDir = "(built-in model)"

// LoadDefault loads the built-in model.
func LoadDefault() (*Model, error) {
	sub, err := fs.Sub(defaultModel, "default")
	if err != nil {
		return nil, fmt.Errorf("built-in model: %w", err)
	}
	return LoadModelFS(sub, DefaultDir)
}
