package trainer

import (
	"bytes"
	"context"
	"fmt"

	"github.com/sweep-ml/sweep/trainer/data"
)

// Example trains the default model on a small synthetic problem and reports
// how training ended.
func ExampleFit() {
	set := blobs(300, 4, 3, 0.5, 1)
	train := data.Set{X: set.X.SelectRows(seq(0, 240)), Y: set.Y[:240]}
	val := data.Set{X: set.X.SelectRows(seq(240, 300)), Y: set.Y[240:]}
	cfg := DefaultConfig()
	cfg.Epochs = 30
	model, res, err := Fit(context.Background(), cfg, train, val, 3, 42, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	pred, _ := model.Predict(val.X)
	fmt.Println(res.StopReason, res.EpochsRun, len(pred))
	fmt.Println("val accuracy >= 0.95:", res.History[res.BestEpoch-1].ValAcc >= 0.95)
	// Output:
	// max_epochs 30 60
	// val accuracy >= 0.95: true
}

// ExampleLoad saves a fitted model and loads it back; the loaded model
// predicts exactly as the saved one.
func ExampleLoad() {
	set := blobs(200, 4, 3, 0.5, 2)
	cfg := DefaultConfig()
	cfg.Epochs = 5
	model, _, err := Fit(context.Background(), cfg, set, set, 3, 1, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	var file bytes.Buffer
	if err := model.Save(&file); err != nil {
		fmt.Println(err)
		return
	}
	header, _, _ := bytes.Cut(file.Bytes(), []byte(`,"activation"`))
	fmt.Println(string(header))
	loaded, err := Load(&file)
	if err != nil {
		fmt.Println(err)
		return
	}
	a, _ := model.PredictProba(set.X)
	b, _ := loaded.PredictProba(set.X)
	fmt.Println("identical:", fmt.Sprint(a) == fmt.Sprint(b))
	// Output:
	// {"format":"sweep-mlp","version":1,"precision":"float32","sizes":[4,128,3]
	// identical: true
}
