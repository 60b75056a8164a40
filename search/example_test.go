package search_test

import (
	"context"
	"fmt"
	"math"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker/memory"
)

// A Go program drives its own objective with the same driver the CLI uses:
// here a grid over two parameters of a function with its maximum at
// x = 0.5, shape = "b".
func ExampleOptimize() {
	space, err := search.NewSpace(
		search.FloatRange("x", 0, 1).WithCount(5),
		search.Categorical("shape", search.String("a"), search.String("b")),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	objective := func(ctx context.Context, run *search.Run) (*search.Result, error) {
		x := run.Params["x"].Float
		v := 1 - math.Abs(x-0.5)
		if run.Params["shape"].Str == "a" {
			v -= 0.25
		}
		return &search.Result{Value: v}, nil
	}
	store := memory.New(nil)
	study := search.Study{Name: "example", Objective: "score", Direction: search.Maximize, Seed: 42}
	sum, err := search.Optimize(context.Background(), store, study, space, search.Grid{}, objective,
		search.Config{Parallel: 4})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("trials:", len(sum.Trials), "complete:", sum.Count(search.StatusComplete), "reason:", sum.Reason)
	fmt.Printf("best: #%d %s value=%.2f\n", sum.Best.Number, sum.Best.Params, sum.Best.Result.Value)
	// Output:
	// trials: 10 complete: 10 reason: done
	// best: #5 shape=b x=0.5 value=1.00
}

// An objective reports one value per epoch through Run.Report and stops when
// the pruner says so, returning an error that wraps ErrPruned. With Parallel
// 1 the outcome is deterministic; with more, which trials are pruned depends
// on which finished first.
func ExampleMedianPruner() {
	space, _ := search.NewSpace(search.Categorical("rate",
		search.Float(0.9), search.Float(0.8), search.Float(0.7), search.Float(0.2), search.Float(0.95)))
	objective := func(ctx context.Context, run *search.Run) (*search.Result, error) {
		rate := run.Params["rate"].Float
		acc := 0.0
		for epoch := 1; epoch <= 10; epoch++ {
			acc += (1 - acc) * rate / 4 // a learning curve that rises with rate
			if run.Report(epoch, acc) {
				return &search.Result{Value: acc, EpochsRun: epoch}, fmt.Errorf("epoch %d: %w", epoch, search.ErrPruned)
			}
		}
		return &search.Result{Value: acc, EpochsRun: 10}, nil
	}
	cfg := search.Config{Parallel: 1, Pruner: search.MedianPruner{WarmupTrials: 3, WarmupEpochs: 2}}
	sum, err := search.Optimize(context.Background(), memory.New(nil),
		search.Study{Name: "curves", Direction: search.Maximize}, space, search.Grid{}, objective, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range sum.Trials {
		fmt.Printf("#%d rate=%s %s after %d epochs: %.3f\n", t.Number, t.Params["rate"], t.Status, t.Result.EpochsRun, t.Result.Value)
	}
	// acc after n epochs is 1 − (1 − rate/4)ⁿ: at epoch 3 trial 3 has
	// 1 − 0.95³ = 0.143, below the median 1 − 0.8³ = 0.488 of trials 0–2.

	// Output:
	// #0 rate=0.9 complete after 10 epochs: 0.922
	// #1 rate=0.8 complete after 10 epochs: 0.893
	// #2 rate=0.7 complete after 10 epochs: 0.854
	// #3 rate=0.2 pruned after 3 epochs: 0.143
	// #4 rate=0.95 complete after 10 epochs: 0.934
}
