package experiments

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// maxSeconds bounds a bare number of seconds (about 31 years), well inside
// time.Duration's range.
const maxSeconds = 1e9

// ParseDuration reads a duration as a spec's duration fields
// (search.timeout, search.trial_timeout) accept it: Go duration syntax
// ("90s", "15m", "1h30m", "8h") or a bare number of seconds ("5", "2.5",
// "9e1"), from 0 up to 1e9 seconds. Negative durations are errors; 0 means
// no limit where the field allows it.
func ParseDuration(s string) (time.Duration, error) {
	if coreFloatSyntax.MatchString(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 0 || f > maxSeconds || math.IsNaN(f) {
			return 0, fmt.Errorf("%s seconds is outside 0 to 1e9 seconds", quote(s))
		}
		return time.Duration(math.Round(f * float64(time.Second))), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%s is not a duration such as 90s, 15m or 8h, or a number of seconds", quote(s))
	}
	if d < 0 {
		return 0, fmt.Errorf("%s is negative: want a duration of 0 or more", quote(s))
	}
	return d, nil
}
