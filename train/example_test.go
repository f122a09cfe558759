package train_test

import (
	"context"
	"fmt"
	"os"

	"github.com/lenet/lenet/augment"
	"github.com/lenet/lenet/graph/kernels"
	"github.com/lenet/lenet/train"
)

// Train LeNet-5 from Go: the default recipe, shortened to two epochs of 12,000 images.
func Example() {
	kernels.UseBest() // the fastest matrix products for this CPU
	dir, _ := os.MkdirTemp("", "lenet-run-")
	defer os.RemoveAll(dir)

	recipe := train.DefaultRecipe() // the seed LeNet-5, Adam 5e-3 with cosine decay, distortions
	recipe.Epochs, recipe.Limit = 2, 12000
	recipe.Augment = augment.Params{Shift: 2, Zoom: 0.1, Rotate: 10} // milder, for so short a run
	recipe.Val, recipe.ValSeed = 2000, 1                             // 2,000 held out choose the best epoch
	run, err := train.New(recipe, train.Options{Out: dir})           // checkpoints go to dir
	if err != nil {
		fmt.Println(err)
		return
	}
	defer run.Close()
	if err := run.Train(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	best, _ := run.Best()
	fmt.Println("over 85% on the 10,000 test images:", best.TestAccuracy > 0.85)
	// Output: over 85% on the 10,000 test images: true
}
