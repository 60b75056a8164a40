package experiments

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		err  string // a part of the error; "" for none
	}{
		{"90s", 90 * time.Second, ""},
		{"15m", 15 * time.Minute, ""},
		{"8h", 8 * time.Hour, ""},
		{"1h30m", 90 * time.Minute, ""},
		{"250ms", 250 * time.Millisecond, ""},
		{"0s", 0, ""},
		{"5", 5 * time.Second, ""},
		{"0", 0, ""},
		{"2.5", 2500 * time.Millisecond, ""},
		// 0.3 s is 299999999.99999994 ns in float64: rounded, not cut.
		{"0.3", 300 * time.Millisecond, ""},
		{"9e1", 90 * time.Second, ""},
		{"+5", 5 * time.Second, ""},
		{"1e9", 1e9 * time.Second, ""},
		{"1e10", 0, `"1e10" seconds is outside 0 to 1e9 seconds`},
		{"-5", 0, `"-5" seconds is outside 0 to 1e9 seconds`},
		{"-5s", 0, `"-5s" is negative`},
		{"soon", 0, `"soon" is not a duration such as 90s, 15m or 8h, or a number of seconds`},
		{"", 0, `"" is not a duration`},
		{"5 s", 0, "is not a duration"},
		{"Inf", 0, "is not a duration"},
		{"NaN", 0, "is not a duration"},
		{"0x10", 0, "is not a duration"},
		{"1e400", 0, `"1e400" seconds is outside`},
		{"99999999h", 0, "is not a duration"},
	}
	for _, tc := range tests {
		got, err := ParseDuration(tc.in)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("ParseDuration(%q): %v", tc.in, err)
		case tc.err == "" && got != tc.want:
			t.Errorf("ParseDuration(%q) = %v, want %v", tc.in, got, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("ParseDuration(%q) = %v, %v; want an error containing %q", tc.in, got, err, tc.err)
		}
	}
}

// TestDurationFieldsFollowParseDuration: a spec's duration fields accept
// what ParseDuration accepts, written plain or quoted.
func TestDurationFieldsFollowParseDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value string
		want  time.Duration
	}{
		{"90s", 90 * time.Second},
		{"5", 5 * time.Second},
		{"'5'", 5 * time.Second},
		{"2.5", 2500 * time.Millisecond},
		{"9e1", 90 * time.Second},
		{"1h30m", 90 * time.Minute},
		{"0", 0},
	}
	for _, tc := range tests {
		for _, field := range []string{"timeout", "trial_timeout"} {
			s, err := Parse("d.yaml", ".", []byte("data: {path: x.csv}\nsearch: {"+field+": "+tc.value+"}\n"))
			if err != nil {
				t.Errorf("%s: %s: %v", field, tc.value, err)
				continue
			}
			got := s.Search.Timeout
			if field == "trial_timeout" {
				got = s.Search.TrialTimeout
			}
			if got != tc.want {
				t.Errorf("%s: %s = %v, want %v", field, tc.value, got, tc.want)
			}
		}
	}
}

// TestParseDurationShortensLongValues: the error for a pasted paragraph
// shows its start and length, not the whole of it.
func TestParseDurationShortensLongValues(t *testing.T) {
	t.Parallel()
	_, err := ParseDuration(strings.Repeat("z", 500))
	want := `"` + strings.Repeat("z", 60) + `"…(500 bytes) is not a duration`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want it to start with %q", err, want)
	}
}
