package text_test

import (
	"context"
	"fmt"

	"github.com/sweep-ml/sweep/trainer/text"
)

func ExampleFit() {
	docs := []string{
		"Win a FREE prize now!!",
		"Meeting moved to Monday",
		"Free entry: win win win",
	}
	v, err := text.Fit(context.Background(), docs, text.Options{StopWords: "english", Stemmer: "snowball"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.Vocabulary)
	indptr, indices, values, err := v.Transform([]string{"free WIN"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for k := indptr[0]; k < indptr[1]; k++ {
		fmt.Printf("%s %.4f\n", v.Vocabulary[indices[k]], values[k])
	}
	// Output:
	// [entri free meet monday move prize win]
	// free 0.7071
	// win 0.7071
}

func ExampleSnowballEnglish() {
	for _, w := range []string{"running", "generously", "skies", "national"} {
		fmt.Print(text.SnowballEnglish(w), " ")
	}
	fmt.Println()
	// Output: run generous sky nation
}
