package sweepcli

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/width"

	"github.com/sweep-ml/sweep/search"
)

// progress draws a sweep's progress from the driver's events: on a terminal
// a bar redrawn in place (done/total, ETA, best so far, one line per
// running trial with its epoch) above which finished trials scroll; else
// one timestamped line per finished trial. The driver never calls event
// concurrently.
type progress struct {
	w         io.Writer
	env       Env
	total     int
	dir       search.Direction
	objective string
	// hideParams leaves the params out of the lines: the spec's space is
	// empty (earlier builds gave such trials a placeholder parameter).
	hideParams bool

	start time.Time
	// done counts trial numbers with a final outcome; a failed trial that
	// is retried is counted once.
	done     int
	finished map[int]bool
	// resumed is the part of done recorded before this run started; the
	// ETA is estimated from the rest.
	resumed int
	// best ranks the best complete trial so far; its value is NaN until
	// one completes.
	best     rankKey
	running  map[int64]*runningTrial
	drawn    int // lines of the live block on screen
	lastDraw time.Time
}

type runningTrial struct {
	id     int64
	number int
	epoch  int
	value  float64
}

// redrawEvery throttles epoch redraws; finished trials always redraw.
const redrawEvery = 100 * time.Millisecond

func newProgress(w io.Writer, env Env, total int, dir search.Direction, objective string) *progress {
	return &progress{w: w, env: env, total: total, dir: dir, objective: objective,
		start: env.Now(), best: rankKey{value: math.NaN(), valLoss: math.NaN()}, running: map[int64]*runningTrial{}, finished: map[int]bool{}}
}

// resume counts the trials a study already recorded: those with a final
// outcome towards done, the best complete one as the best so far, so that
// a resumed sweep's progress is the whole study's.
func (p *progress) resume(trials []search.Trial) {
	for _, t := range trials {
		p.record(t)
	}
	p.resumed = p.done
}

// record counts a trial with an outcome (complete, pruned or failed) once
// per trial number and keeps the best complete one. Queued, running and
// interrupted trials are still to run.
func (p *progress) record(t search.Trial) {
	if (t.Status.Finished() || t.Status == search.StatusFailed) && !p.finished[t.Number] {
		p.finished[t.Number] = true
		p.done++
	}
	if k := rankKeyOf(t); t.Status == search.StatusComplete && !math.IsNaN(k.value) && compareRank(p.dir, k, p.best) < 0 {
		p.best = k
	}
}

func (p *progress) event(ev search.Event) {
	switch ev.Kind {
	case search.EventTrialStarted:
		p.running[ev.Trial.ID] = &runningTrial{id: ev.Trial.ID, number: ev.Trial.Number, value: math.NaN()}
		if p.env.Terminal {
			p.redraw(false)
		}
	case search.EventEpoch:
		if r := p.running[ev.Trial.ID]; r != nil {
			r.epoch, r.value = ev.Epoch, ev.Value
		}
		if p.env.Terminal {
			p.redraw(true)
		}
	case search.EventTrialFinished:
		delete(p.running, ev.Trial.ID)
		p.record(ev.Trial)
		p.clear()
		fmt.Fprintln(p.w, p.finishedLine(ev))
		if p.env.Terminal {
			p.redraw(false)
		}
	case search.EventStopping:
		p.clear()
		fmt.Fprintf(p.w, "%sstopping (%s): %d %s still running\n", p.stamp(ev.Time), describeStop(ev.Reason), ev.Running, plural(ev.Running, "trial", "trials"))
		if p.env.Terminal {
			p.redraw(false)
		}
	}
}

// stamp is the timestamp prefix of plain lines.
func (p *progress) stamp(t time.Time) string {
	if p.env.Terminal {
		return ""
	}
	if t.IsZero() {
		t = p.env.Now()
	}
	return t.UTC().Format(time.RFC3339) + " "
}

func (p *progress) finishedLine(ev search.Event) string {
	t := ev.Trial
	var sb strings.Builder
	fmt.Fprintf(&sb, "%strial %d (ID %d) %s", p.stamp(ev.Time), t.Number, t.ID, t.Status)
	if t.Attempt > 1 {
		fmt.Fprintf(&sb, " (attempt %d)", t.Attempt)
	}
	if r := t.Result; r != nil && t.Status == search.StatusComplete {
		fmt.Fprintf(&sb, " %s=%s test_macro_f1=%s epochs=%d", p.objective, fmtNumber(r.Value), fmtNumber(valueOr(r.Values, "test_macro_f1")), r.EpochsRun)
	} else if r != nil && t.Status == search.StatusPruned {
		fmt.Fprintf(&sb, " at epoch %d", r.EpochsRun)
	}
	if t.Error != "" && t.Status != search.StatusPruned {
		msg := firstLine(t.Error)
		if t.Status == search.StatusInterrupted {
			msg = interruptCause(msg)
		}
		fmt.Fprintf(&sb, ": %s", msg)
	}
	fmt.Fprintf(&sb, " [%d/%d", p.done, p.total)
	if !math.IsNaN(p.best.value) {
		fmt.Fprintf(&sb, ", best %s (ID %d)", fmtNumber(p.best.value), p.best.id)
	}
	sb.WriteString("]")
	if !p.hideParams && len(t.Params) > 0 {
		sb.WriteString(" ")
		sb.WriteString(fmtParams(t.Params))
	}
	return sb.String()
}

// interruptCause words an interrupted trial's recorded error: without the
// "interrupted: " its status says already, and with the driver's causes
// (context.Canceled, search.NotifyStop's "second signal: NAME") said once,
// plainly.
func interruptCause(msg string) string {
	msg = strings.TrimPrefix(msg, "interrupted: ")
	if sig, ok := strings.CutPrefix(msg, "second signal: "); ok {
		if sig == os.Interrupt.String() {
			return "cancelled by a second interrupt"
		}
		return "cancelled by a second signal (" + sig + ")"
	}
	return strings.Replace(msg, context.Canceled.Error(), "cancelled", 1)
}

// clear erases the live block from the terminal.
func (p *progress) clear() {
	if p.drawn > 0 {
		fmt.Fprintf(p.w, "\x1b[%dA\x1b[J", p.drawn)
		p.drawn = 0
	}
}

// redraw draws the live block; throttled redraws skip when the last one
// was recent.
func (p *progress) redraw(throttled bool) {
	now := p.env.Now()
	if throttled && now.Sub(p.lastDraw) < redrawEvery {
		return
	}
	p.lastDraw = now
	p.clear()
	var lines []string
	width := 24
	filled := 0
	if p.total > 0 {
		filled = min(width, width*p.done/p.total)
	}
	bar := fmt.Sprintf("[%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat(".", width-filled), p.done, p.total)
	elapsed := now.Sub(p.start)
	if ran := p.done - p.resumed; ran > 0 && p.done < p.total {
		eta := time.Duration(float64(elapsed) / float64(ran) * float64(p.total-p.done))
		bar += fmt.Sprintf("  ETA %s", eta.Round(time.Second))
	}
	bar += fmt.Sprintf("  elapsed %s", elapsed.Round(time.Second))
	if !math.IsNaN(p.best.value) {
		bar += fmt.Sprintf("  best %s (ID %d)", fmtNumber(p.best.value), p.best.id)
	}
	lines = append(lines, bar)
	ids := make([]int64, 0, len(p.running))
	for id := range p.running {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		r := p.running[id]
		l := fmt.Sprintf("  trial %d (ID %d)  epoch %d", r.number, r.id, r.epoch)
		if !math.IsNaN(r.value) {
			l += fmt.Sprintf("  %s %s", p.objective, fmtNumber(r.value))
		}
		lines = append(lines, l)
	}
	for _, l := range lines {
		if len(l) > p.env.Width-1 {
			l = l[:p.env.Width-1]
		}
		fmt.Fprintln(p.w, l)
	}
	p.drawn = len(lines)
}

// finish erases the live block at the end of the sweep.
func (p *progress) finish() { p.clear() }

// table writes aligned columns, two spaces apart, each as wide as its
// widest cell as a terminal displays it (see displayWidth); the last cell
// of a row is not padded. text/tabwriter counts runes, which misaligns
// wide (CJK) characters and combining accents.
type table struct {
	w    io.Writer
	rows [][]string
}

func newTable(w io.Writer, header ...string) *table {
	t := &table{w: w}
	t.row(header...)
	return t
}

func (t *table) row(cells ...string) { t.rows = append(t.rows, cells) }

// flush writes the rows and forgets them.
func (t *table) flush() {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r[:max(len(r)-1, 0)] {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var sb strings.Builder
	for _, r := range t.rows {
		sb.Reset()
		for i, c := range r {
			sb.WriteString(c)
			if i < len(r)-1 {
				sb.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		sb.WriteByte('\n')
		io.WriteString(t.w, sb.String())
	}
	t.rows = t.rows[:0]
}

// displayWidth returns the number of terminal columns s takes: East Asian
// wide and fullwidth characters take 2, combining marks and other
// zero-width characters (format characters such as U+200D) none, every
// other rune 1 (East Asian ambiguous ones included, as terminals default).
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		case width.LookupRune(r).Kind() == width.EastAsianWide, width.LookupRune(r).Kind() == width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
