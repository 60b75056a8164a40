package tracker

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/sweep-ml/sweep/search"
)

// WriteExport writes a study's trials (as search.Store.Trials returns them)
// to w in format f. Both formats carry, per trial: ID, number, status,
// attempt, seed, objective value, every metric in Result.Values, best epoch,
// epochs run, stop reason, error, host, start and finish times, pipeline
// fingerprint, code revision and params. CSV columns are the fixed ones,
// then the metrics by name, then "params.<name>" by name; absent values are
// empty, non-finite ones "NaN", "+Inf", "-Inf".
func WriteExport(w io.Writer, f Format, study search.Study, trials []search.Trial) error {
	switch f {
	case CSV:
		return writeCSV(w, trials)
	case JSON:
		return writeJSON(w, study, trials)
	}
	return fmt.Errorf("export: unknown format %q (want csv or json)", f)
}

func writeCSV(w io.Writer, trials []search.Trial) error {
	metricSet, paramSet := map[string]bool{}, map[string]bool{}
	for _, t := range trials {
		if t.Result != nil {
			for k := range t.Result.Values {
				metricSet[k] = true
			}
		}
		for k := range t.Params {
			paramSet[k] = true
		}
	}
	metrics := sortedKeys(metricSet)
	params := sortedKeys(paramSet)
	header := []string{"trial_id", "number", "status", "attempt", "seed", "value"}
	header = append(header, metrics...)
	header = append(header, "best_epoch", "epochs_run", "stop_reason", "error", "host",
		"started_at", "finished_at", "pipeline_fingerprint", "code_revision")
	for _, p := range params {
		header = append(header, "params."+p)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	rec := make([]string, 0, len(header))
	for _, t := range trials {
		rec = rec[:0]
		rec = append(rec, strconv.FormatInt(t.ID, 10), strconv.Itoa(t.Number), t.Status.String(),
			strconv.Itoa(t.Attempt), strconv.FormatUint(t.Seed, 10))
		r := t.Result
		if r == nil {
			r = &search.Result{}
			rec = append(rec, "")
		} else {
			rec = append(rec, formatFloat(r.Value))
		}
		for _, m := range metrics {
			if v, ok := r.Values[m]; ok {
				rec = append(rec, formatFloat(v))
			} else {
				rec = append(rec, "")
			}
		}
		bestEpoch, epochsRun := "", ""
		if t.Result != nil {
			bestEpoch, epochsRun = strconv.Itoa(r.BestEpoch), strconv.Itoa(r.EpochsRun)
		}
		rec = append(rec, bestEpoch, epochsRun, r.StopReason, t.Error, t.Host,
			formatTime(t.StartedAt), formatTime(t.FinishedAt), r.PipelineFingerprint, r.Code.Revision)
		for _, p := range params {
			if v, ok := t.Params[p]; ok {
				rec = append(rec, v.String())
			} else {
				rec = append(rec, "")
			}
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("export csv: trial %d: %w", t.ID, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	return nil
}

type exportStudy struct {
	ID                 int64     `json:"id"`
	Name               string    `json:"name"`
	Objective          string    `json:"objective"`
	Direction          string    `json:"direction"`
	Seed               uint64    `json:"seed"`
	DatasetFingerprint string    `json:"dataset_fingerprint"`
	CreatedAt          time.Time `json:"created_at"`
	Spec               string    `json:"spec"`
}

type exportTrial struct {
	ID                  int64            `json:"id"`
	Number              int              `json:"number"`
	Status              string           `json:"status"`
	Attempt             int              `json:"attempt"`
	Seed                uint64           `json:"seed"`
	Params              search.Params    `json:"params"`
	Value               *Float           `json:"value"`
	Values              map[string]Float `json:"values,omitempty"`
	Intermediate        []Float          `json:"intermediate,omitempty"`
	BestEpoch           *int             `json:"best_epoch"`
	EpochsRun           *int             `json:"epochs_run"`
	StopReason          string           `json:"stop_reason"`
	Error               string           `json:"error"`
	Host                string           `json:"host"`
	StartedAt           *time.Time       `json:"started_at"`
	FinishedAt          *time.Time       `json:"finished_at"`
	PipelineFingerprint string           `json:"pipeline_fingerprint"`
	Code                *exportCode      `json:"code,omitempty"`
}

type exportCode struct {
	Module    string `json:"module"`
	Revision  string `json:"revision"`
	Dirty     bool   `json:"dirty"`
	GoVersion string `json:"go_version"`
	Platform  string `json:"platform"`
}

func writeJSON(w io.Writer, study search.Study, trials []search.Trial) error {
	out := struct {
		Study  exportStudy   `json:"study"`
		Trials []exportTrial `json:"trials"`
	}{
		Study: exportStudy{ID: study.ID, Name: study.Name, Objective: study.Objective,
			Direction: study.Direction.String(), Seed: study.Seed,
			DatasetFingerprint: study.DatasetFingerprint, CreatedAt: study.CreatedAt.UTC(),
			Spec: string(study.Spec)},
		Trials: make([]exportTrial, 0, len(trials)),
	}
	for _, t := range trials {
		et := exportTrial{ID: t.ID, Number: t.Number, Status: t.Status.String(), Attempt: t.Attempt,
			Seed: t.Seed, Params: t.Params, Error: t.Error, Host: t.Host,
			StartedAt: timePtr(t.StartedAt), FinishedAt: timePtr(t.FinishedAt)}
		if et.Params == nil {
			et.Params = search.Params{}
		}
		for _, x := range t.Intermediate {
			et.Intermediate = append(et.Intermediate, Float(x))
		}
		if r := t.Result; r != nil {
			v := Float(r.Value)
			et.Value = &v
			et.Values = make(map[string]Float, len(r.Values))
			for k, x := range r.Values {
				et.Values[k] = Float(x)
			}
			et.BestEpoch, et.EpochsRun = &r.BestEpoch, &r.EpochsRun
			et.StopReason, et.PipelineFingerprint = r.StopReason, r.PipelineFingerprint
			et.Code = &exportCode{Module: r.Code.Module, Revision: r.Code.Revision, Dirty: r.Code.Dirty,
				GoVersion: r.Code.GoVersion, Platform: r.Code.Platform}
		}
		out.Trials = append(out.Trials, et)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("export json: %w", err)
	}
	return nil
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// formatFloat writes the shortest representation that round-trips; NaN and
// infinities as "NaN", "+Inf", "-Inf".
func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
