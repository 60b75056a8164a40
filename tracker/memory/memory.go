// Package memory is an in-memory search.Store: concurrency-safe, with the
// same semantics as the SQL stores, for tests, benchmarks and programs that
// need no persistence. Trials are deep-copied on the way in and out, so
// callers never share memory with the store (StartTrial hands back the
// caller's own Params map, which the store has copied).
package memory

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/sweep-ml/sweep/search"
)

var _ search.Store = (*Store)(nil)

// Store keeps studies and trials in memory. The zero value is not usable;
// call New.
type Store struct {
	clock func() time.Time

	mu          sync.Mutex
	studies     []search.Study // by ID-1
	byName      map[string]int64
	trials      map[int64][]*search.Trial // study ID → trials by Number (nil: none)
	byID        map[int64]*search.Trial
	nextTrialID int64
}

// New returns an empty store. clock stamps CreatedAt of studies; nil means
// time.Now.
func New(clock func() time.Time) *Store {
	if clock == nil {
		clock = time.Now
	}
	return &Store{
		clock:       clock,
		byName:      make(map[string]int64),
		trials:      make(map[int64][]*search.Trial),
		byID:        make(map[int64]*search.Trial),
		nextTrialID: 1,
	}
}

// CreateStudy inserts a study; a name already taken gives
// search.ErrStudyExists.
func (s *Store) CreateStudy(ctx context.Context, st search.Study) (search.Study, error) {
	if err := ctx.Err(); err != nil {
		return search.Study{}, err
	}
	if st.Name == "" {
		return search.Study{}, fmt.Errorf("create study: empty name")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byName[st.Name]; ok {
		return search.Study{}, fmt.Errorf("create study %q: %w", st.Name, search.ErrStudyExists)
	}
	st.ID = int64(len(s.studies) + 1)
	st.CreatedAt = s.clock()
	st.Spec = slices.Clone(st.Spec)
	s.studies = append(s.studies, st)
	s.byName[st.Name] = st.ID
	return cloneStudy(st), nil
}

// StudyByName returns the study called name, or search.ErrNotFound.
func (s *Store) StudyByName(ctx context.Context, name string) (search.Study, error) {
	if err := ctx.Err(); err != nil {
		return search.Study{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byName[name]
	if !ok {
		return search.Study{}, fmt.Errorf("study %q: %w", name, search.ErrNotFound)
	}
	return cloneStudy(s.studies[id-1]), nil
}

// Studies returns every study in creation order.
func (s *Store) Studies(ctx context.Context) ([]search.Study, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]search.Study, len(s.studies))
	for i, st := range s.studies {
		out[i] = cloneStudy(st)
	}
	return out, nil
}

// Trials returns every trial of the study ordered by Number, or
// search.ErrNotFound for an unknown study.
func (s *Store) Trials(ctx context.Context, studyID int64) ([]search.Trial, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if studyID < 1 || studyID > int64(len(s.studies)) {
		return nil, fmt.Errorf("trials of study %d: %w", studyID, search.ErrNotFound)
	}
	var out []search.Trial
	for _, t := range s.trials[studyID] {
		if t != nil {
			out = append(out, cloneTrial(*t))
		}
	}
	return out, nil
}

// Trial returns the trial with that global ID, or search.ErrNotFound.
func (s *Store) Trial(ctx context.Context, id int64) (search.Trial, error) {
	if err := ctx.Err(); err != nil {
		return search.Trial{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.byID[id]
	if !ok {
		return search.Trial{}, fmt.Errorf("trial %d: %w", id, search.ErrNotFound)
	}
	return cloneTrial(*t), nil
}

// StartTrial marks trial t.Number of study t.StudyID as running, inserting it
// (Attempt 1) or reusing its ID with Attempt incremented; a complete or pruned
// trial gives search.ErrTrialFinished. Intermediate values, result and error
// of an earlier attempt are cleared.
func (s *Store) StartTrial(ctx context.Context, t search.Trial) (search.Trial, error) {
	if err := ctx.Err(); err != nil {
		return search.Trial{}, err
	}
	if t.Number < 0 {
		return search.Trial{}, fmt.Errorf("start trial: negative number %d", t.Number)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.StudyID < 1 || t.StudyID > int64(len(s.studies)) {
		return search.Trial{}, fmt.Errorf("start trial %d of study %d: %w", t.Number, t.StudyID, search.ErrNotFound)
	}
	list := s.trials[t.StudyID]
	for len(list) <= t.Number {
		list = append(list, nil)
	}
	s.trials[t.StudyID] = list
	cur := list[t.Number]
	if cur == nil {
		cur = &search.Trial{ID: s.nextTrialID, StudyID: t.StudyID, Number: t.Number}
		s.nextTrialID++
		list[t.Number] = cur
		s.byID[cur.ID] = cur
	} else if cur.Status.Finished() {
		return search.Trial{}, fmt.Errorf("start trial %d of study %d: %w", t.Number, t.StudyID, search.ErrTrialFinished)
	}
	attempt := cur.Attempt + 1
	if cur.Status == search.StatusRunning && cur.StartedAt.Equal(t.StartedAt) && !t.StartedAt.IsZero() {
		attempt = cur.Attempt // the same start again
	}
	*cur = search.Trial{
		ID:        cur.ID,
		StudyID:   cur.StudyID,
		Number:    cur.Number,
		Status:    search.StatusRunning,
		Params:    maps.Clone(t.Params),
		Seed:      t.Seed,
		Attempt:   attempt,
		Host:      t.Host,
		StartedAt: t.StartedAt,
	}
	out := *cur
	out.Params = t.Params // the caller's own map: the store keeps its copy
	return out, nil
}

// FinishTrial records the final state of a running trial, found by t.ID (or
// by study and number when t.ID is 0); a trial not running gives
// search.ErrTrialFinished. Status must be final (not queued or running).
func (s *Store) FinishTrial(ctx context.Context, t search.Trial) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t.Status == search.StatusQueued || t.Status == search.StatusRunning {
		return fmt.Errorf("finish trial %d: status %s is not final", t.Number, t.Status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var cur *search.Trial
	if t.ID != 0 {
		cur = s.byID[t.ID]
	} else if list := s.trials[t.StudyID]; t.Number >= 0 && t.Number < len(list) {
		cur = list[t.Number]
	}
	if cur == nil {
		return fmt.Errorf("finish trial %d (id %d): %w", t.Number, t.ID, search.ErrNotFound)
	}
	if cur.Status != search.StatusRunning {
		return fmt.Errorf("finish trial %d (id %d), which is %s: %w", cur.Number, cur.ID, cur.Status, search.ErrTrialFinished)
	}
	cur.Status = t.Status
	cur.Intermediate = slices.Clone(t.Intermediate)
	cur.Result = cloneResult(t.Result)
	cur.Error = t.Error
	cur.FinishedAt = t.FinishedAt
	return nil
}

func cloneStudy(st search.Study) search.Study {
	st.Spec = slices.Clone(st.Spec)
	return st
}

func cloneTrial(t search.Trial) search.Trial {
	t.Params = maps.Clone(t.Params)
	t.Intermediate = slices.Clone(t.Intermediate)
	t.Result = cloneResult(t.Result)
	return t
}

func cloneResult(r *search.Result) *search.Result {
	if r == nil {
		return nil
	}
	c := *r
	c.Values = maps.Clone(r.Values)
	c.History = slices.Clone(r.History)
	c.Evaluations = make([]search.Evaluation, len(r.Evaluations))
	for i, e := range r.Evaluations {
		e.Labels = slices.Clone(e.Labels)
		e.Classes = slices.Clone(e.Classes)
		conf := make([][]int, len(e.Confusion))
		for j, row := range e.Confusion {
			conf[j] = slices.Clone(row)
		}
		e.Confusion = conf
		c.Evaluations[i] = e
	}
	if r.Evaluations == nil {
		c.Evaluations = nil
	}
	return &c
}
