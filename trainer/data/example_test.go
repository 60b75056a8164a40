package data_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/sweep-ml/sweep/trainer/data"
)

// ExampleRead shows the column kinds and missing-value counts a load
// reports.
func ExampleRead() {
	csv := "id,height,weight,label\n1,1.80,NA,b\n2,?,61.5,a\n3,1.65,70,b\n"
	t, err := data.Read(context.Background(), strings.NewReader(csv), "people.csv",
		data.LoadOptions{Features: []string{"height", "weight"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range t.Columns {
		fmt.Printf("%s: %s, %d missing\n", c.Name, c.Kind, c.Missing)
	}
	fmt.Println("rows:", t.Len())
	// Output:
	// id: ignored, 0 missing
	// height: numeric, 1 missing
	// weight: numeric, 1 missing
	// label: label, 0 missing
	// rows: 3
}

// ExampleFitted_Resample splits and fits once, then resamples per trial:
// only the training rows change. Per class of wine.csv (59, 71, 48 rows):
// test round(0.2·n), validation round(0.2·rest), train the remainder.
func ExampleFitted_Resample() {
	ctx := context.Background()
	t, err := data.Load(ctx, "../../experiments/data/wine.csv", data.LoadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := data.Fit(ctx, t, data.Config{}, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("classes:", f.Classes)
	for _, strategy := range []string{"none", "undersample", "oversample", "smote"} {
		p, err := f.Resample(data.Sampling{Strategy: strategy}, 7)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-11s train %v, validation %v\n", strategy,
			data.ClassCounts(p.Train.Y, len(p.Classes)), data.ClassCounts(p.Val.Y, len(p.Classes)))
	}
	// Output:
	// classes: [class_0 class_1 class_2]
	// none        train [38 46 30], validation [9 11 8]
	// undersample train [30 30 30], validation [9 11 8]
	// oversample  train [46 46 46], validation [9 11 8]
	// smote       train [46 46 46], validation [9 11 8]
}

// ExampleTable_Summary prints what a load found, including a dropped row.
func ExampleTable_Summary() {
	csv := "a,b,label\n1,2,x\n3,oops,y\n5,NA,y\n"
	t, err := data.Read(context.Background(), strings.NewReader(csv), "small.csv", data.LoadOptions{DropMalformed: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(t.Summary())
	// Output:
	// small.csv: 2 rows, 2 classes in "label", 1 malformed rows dropped (first: small.csv:3:3: column "b": "oops" is not a number)
	//   a                    numeric  0 missing
	//   b                    numeric  1 missing
	//   label                label    0 missing
}
