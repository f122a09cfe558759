// Command pinprobe is a program that links package graph, built by TestGorgoniaPinned to
// read the gorgonia version a build of lenet records (test binaries record none).
package main

import (
	"fmt"

	"github.com/lenet/lenet/graph"
)

func main() { fmt.Println(graph.Shares(32)) }
