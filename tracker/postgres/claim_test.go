package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sweep-ml/sweep/search"
)

// claimSQL is the claim the distributed mode is to use, as documented in
// sql/postgres/0001_init.sql; markSQL is the update that follows it in the
// same transaction.
const (
	claimSQL = `SELECT id FROM trials
		WHERE study_id = $1 AND (status = 'queued'
		      OR (status = 'running' AND lease_expires_at < now()))
		ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED`
	markSQL = `UPDATE trials SET status = 'running', attempt = attempt + 1, worker = $2,
		heartbeat_at = now(), lease_expires_at = now() + $3 * interval '1 second'
		WHERE id = $1`
)

// claim runs the documented claim in tx and marks the trial it returns as
// held by worker. ok is false when no trial is claimable.
func claim(ctx context.Context, tx pgx.Tx, studyID int64, worker string) (id int64, ok bool, err error) {
	err = tx.QueryRow(ctx, claimSQL, studyID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("claim: %w", err)
	}
	if _, err := tx.Exec(ctx, markSQL, id, worker, time.Hour.Seconds()); err != nil {
		return 0, false, fmt.Errorf("mark trial %d: %w", id, err)
	}
	return id, true, nil
}

// claimRound is what one worker claimed in one round.
type claimRound struct {
	worker int
	id     int64
	ok     bool
	err    error
}

// Two workers on their own connections claim a study's trials in lock
// step: in each round both hold their claimed row, uncommitted, at the same
// time, then both commit and claim again while the other's commit lands.
// Every claimable trial (queued, or running on an expired lease) must be
// claimed exactly once; a live lease, a finished trial and another study's
// queue must be left alone. Without SKIP LOCKED (or without FOR UPDATE,
// when the UPDATE waits instead) the second worker waits for the first
// one's row and the test times out.
//
// The claims run at READ COMMITTED, PostgreSQL's default. At REPEATABLE
// READ, as the store's read transactions use, a claim that meets a row
// another worker claimed and committed since its snapshot fails with a
// serialization error (40001) instead of skipping it.
func TestConcurrentClaims(t *testing.T) {
	s := openTest(t, Options{MaxConns: 4})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool := s.Pool()
	st, err := s.CreateStudy(ctx, search.Study{Name: "claims", Objective: "val_macro_f1"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.CreateStudy(ctx, search.Study{Name: "other", Objective: "val_macro_f1"})
	if err != nil {
		t.Fatal(err)
	}
	const queued = 120
	if _, err := pool.Exec(ctx, `INSERT INTO trials (study_id, number, status, seed)
		SELECT $1, n, 'queued', n FROM generate_series(0, $2 - 1) AS n`, st.ID, queued); err != nil {
		t.Fatal(err)
	}
	// Trials the claim must take or leave, besides the queued ones.
	var dead, live, done, foreign int64
	for _, r := range []struct {
		id                          *int64
		study                       int64
		number                      int
		status, worker, leaseOffset string
	}{
		{&dead, st.ID, queued, "running", "crashed", "-1 minute"},
		{&live, st.ID, queued + 1, "running", "alive", "1 hour"},
		{&done, st.ID, queued + 2, "complete", "finished", "-1 minute"},
		{&foreign, other.ID, 0, "queued", "", "-1 minute"},
	} {
		attempt := 0
		if r.status != "queued" {
			attempt = 1
		}
		if err := pool.QueryRow(ctx, `INSERT INTO trials (study_id, number, status, seed, attempt, worker, heartbeat_at, lease_expires_at)
			VALUES ($1, $2, $3, 0, $4, $5, now(), now() + $6::interval) RETURNING id`,
			r.study, r.number, r.status, attempt, r.worker, r.leaseOffset).Scan(r.id); err != nil {
			t.Fatal(err)
		}
	}

	const workers = 2
	conns := make([]*pgxpool.Conn, workers)
	for w := range conns {
		if conns[w], err = pool.Acquire(ctx); err != nil {
			t.Fatal(err)
		}
		defer conns[w].Release()
	}
	rounds := make(chan claimRound)
	proceed := make([]chan bool, workers) // true: commit and stop
	for w := range proceed {
		proceed[w] = make(chan bool)
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for {
				var stop bool
				err := pgx.BeginTxFunc(ctx, conns[w], pgx.TxOptions{}, func(tx pgx.Tx) error {
					id, ok, err := claim(ctx, tx, st.ID, fmt.Sprint("w", w))
					select {
					case rounds <- claimRound{w, id, ok, err}:
					case <-ctx.Done():
						return ctx.Err()
					}
					if err != nil {
						return err
					}
					select {
					case stop = <-proceed[w]:
						return nil
					case <-ctx.Done():
						return ctx.Err()
					}
				})
				if err != nil || stop {
					return
				}
			}
		})
	}

	// claimedBy maps a trial to 1 + the worker that claimed it.
	claimedBy := map[int64]int{}
	failed := false
claiming:
	for round := 0; ; round++ {
		var got [workers]claimRound
		for range workers {
			select {
			case r := <-rounds:
				got[r.worker] = r
			case <-ctx.Done():
				t.Errorf("round %d: %v (a claim blocked on another worker's row?)", round, ctx.Err())
				failed = true
				break claiming
			}
		}
		for _, r := range got {
			switch {
			case r.err != nil:
				t.Errorf("round %d, worker %d: %v", round, r.worker, r.err)
				failed = true
			case !r.ok:
			case claimedBy[r.id] != 0:
				t.Errorf("round %d: trial %d claimed by worker %d and again by worker %d", round, r.id, claimedBy[r.id]-1, r.worker)
				failed = true
			default:
				claimedBy[r.id] = r.worker + 1
			}
		}
		if failed {
			break
		}
		stop := !got[0].ok && !got[1].ok
		for w := range workers {
			select {
			case proceed[w] <- stop:
			case <-ctx.Done():
				t.Errorf("round %d: %v", round, ctx.Err())
				failed = true
				break claiming
			}
		}
		if stop {
			break
		}
	}
	if failed {
		cancel()
	}
	wg.Wait()
	if failed {
		return
	}

	var ids []int64
	for id := range claimedBy {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if len(ids) != queued+1 || !slices.Contains(ids, dead) || slices.ContainsFunc(ids, func(id int64) bool { return id == live || id == done || id == foreign }) {
		t.Errorf("claimed %d trials %v; want the %d queued ones and the expired lease %d, not %d, %d or %d",
			len(ids), ids, queued, dead, live, done, foreign)
	}
	// The rows agree: each claimed trial is running once more, held by the
	// worker that claimed it; the others are as they were.
	rows, err := pool.Query(ctx, `SELECT id, status, attempt, worker, lease_expires_at > now() FROM trials ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	perWorker := make([]int, workers)
	for rows.Next() {
		var id int64
		var status, worker string
		var attempt int
		var leased bool
		if err := rows.Scan(&id, &status, &attempt, &worker, &leased); err != nil {
			t.Fatal(err)
		}
		var want string
		switch w := claimedBy[id] - 1; {
		case id == live:
			want = "running 1 alive true"
		case id == done:
			want = "complete 1 finished false"
		case id == foreign:
			want = "queued 0  false"
		case w < 0:
			want = "claimed by a worker"
		case id == dead:
			want = fmt.Sprintf("running 2 w%d true", w)
		default:
			want = fmt.Sprintf("running 1 w%d true", w)
			perWorker[w]++
		}
		if got := fmt.Sprint(status, " ", attempt, " ", worker, " ", leased); got != want {
			t.Errorf("trial %d: %s, want %s", id, got, want)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("queued trials claimed per worker: %v", perWorker)
}
