// Command sweep runs hyperparameter sweeps over MLP classifiers, records
// every trial and reproduces any of them by ID. See README.md.
package main

import (
	"context"
	"os"
	"syscall"

	"golang.org/x/term"

	"github.com/sweep-ml/sweep/cmd/sweepcli"
)

func main() {
	width := 80
	if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 {
		width = w
	}
	os.Exit(sweepcli.Main(context.Background(), os.Args, sweepcli.Env{
		Stdout:   os.Stdout,
		Stderr:   os.Stderr,
		DB:       os.Getenv("SWEEP_DB"),
		Terminal: term.IsTerminal(int(os.Stdout.Fd())),
		Signals:  []os.Signal{os.Interrupt, syscall.SIGTERM},
		Width:    width,
	}))
}
