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
