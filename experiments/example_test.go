package experiments_test

import (
	"fmt"

	"github.com/sweep-ml/sweep/experiments"
)

// ExampleParse parses a spec, reads its defaults and translates its space
// for the search driver.
func ExampleParse() {
	src := []byte(`name: demo
data:
  path: data/iris.csv
model:
  layers: [32]
search:
  sampler: grid
  space:
    units: {values: [16, 32]}
    dropout: {min: 0.0, max: 0.4, count: 3}
    optimizer: adam
`)
	spec, err := experiments.Parse("demo.yaml", ".", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	size, _ := spec.SpaceSize()
	fmt.Println("grid points:", size, "trials:", spec.TrialCount())
	fmt.Println("objective:", spec.Search.Objective, spec.Search.Direction)
	fmt.Println("epochs:", spec.Model.Epochs, "batch:", spec.Model.BatchSize, "patience:", spec.Model.EarlyStopping.Patience)
	space, _ := spec.SearchSpace()
	for _, p := range space.Params {
		fmt.Println(p.Name, p.Kind)
	}

	_, err = experiments.Parse("demo.yaml", ".", []byte("data: {path: x.csv}\nsearch:\n  space:\n    dropout: {min: 0, max: 1.5}\n"))
	fmt.Println(err)
	// Output:
	// grid points: 6 trials: 6
	// objective: val_macro_f1 maximize
	// epochs: 100 batch: 32 patience: 10
	// units categorical
	// dropout float
	// optimizer fixed
	// demo.yaml:4: search.space.dropout.max: must be below 1, got 1.5
}

// ExampleParseDuration reads durations as a spec's timeout fields do: Go
// duration syntax, or a bare number of seconds.
func ExampleParseDuration() {
	for _, s := range []string{"15m", "90", "2.5", "soon"} {
		d, err := experiments.ParseDuration(s)
		fmt.Println(d, err)
	}
	// Output:
	// 15m0s <nil>
	// 1m30s <nil>
	// 2.5s <nil>
	// 0s "soon" is not a duration such as 90s, 15m or 8h, or a number of seconds
}
