package metrics_test

import (
	"fmt"

	"github.com/sweep-ml/sweep/trainer/metrics"
)

func ExampleEvaluate() {
	labels := []string{"ham", "spam"}
	yTrue := []int{0, 0, 0, 1, 1}
	yPred := []int{0, 0, 1, 1, 0}
	r, err := metrics.Evaluate(yTrue, yPred, labels)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("macro F1 %.4f, balanced accuracy %.4f\n", r.MacroF1, r.BalancedAccuracy)
	fmt.Print(r)
	// Output:
	// macro F1 0.5833, balanced accuracy 0.5833
	//               precision    recall  f1-score   support
	//
	//          ham       0.67      0.67      0.67         3
	//         spam       0.50      0.50      0.50         2
	//
	//     accuracy                           0.60         5
	//    macro avg       0.58      0.58      0.58         5
	// weighted avg       0.60      0.60      0.60         5
}

func ExampleMacroF1() {
	// Called once per epoch on validation predictions; no allocation for k <= 64.
	fmt.Printf("%.4f\n", metrics.MacroF1([]int{0, 1, 2, 2}, []int{0, 2, 2, 2}, 3))
	// Output: 0.6000
}
