// Package sweepcli is the sweep command line: run a study from a spec file,
// query its leaderboard, show, reproduce and apply a recorded trial, list
// and export studies. cmd/sweep is a few lines over Main; everything the
// process gives (arguments, writers, environment, signals, terminal) comes in
// through Env, so the commands are testable in-process.
package sweepcli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sweep-ml/sweep/experiments"
	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker"
)

// Exit codes of Main.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// DefaultDB is the store used without --db or SWEEP_DB: a SQLite file in
// the working directory.
const DefaultDB = "./sweep.db"

// Env is what the process gives the command line.
type Env struct {
	Stdout, Stderr io.Writer
	// DB is the value of SWEEP_DB ("" when unset); --db overrides it.
	DB string
	// Terminal reports whether Stdout is a terminal: progress is then a
	// redrawn bar instead of timestamped lines.
	Terminal bool
	// Signals are the signals that interrupt a sweep (SIGINT, SIGTERM),
	// relayed by search.NotifyStop while sweep run runs: the first stops
	// scheduling new trials, the second cancels running ones. Nil: none.
	Signals []os.Signal
	// Now is the clock for timestamps and ETA [time.Now].
	Now func() time.Time
	// Width is the terminal width for the progress bar [80].
	Width int
	// Version is what --version prints [the running build as
	// experiments.DescribeCode gives it: module version or VCS revision,
	// Go version and platform].
	Version string
}

func (e Env) withDefaults() Env {
	if e.Stdout == nil {
		e.Stdout = io.Discard
	}
	if e.Stderr == nil {
		e.Stderr = io.Discard
	}
	if e.Now == nil {
		e.Now = time.Now
	}
	if e.Width <= 0 {
		e.Width = 80
	}
	if e.Version == "" {
		e.Version = experiments.DescribeCode(search.BuildCodeVersion())
	}
	return e
}

// usageError is a command-line mistake: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// notFoundError is a store's search.ErrNotFound as the command line words
// it: "show: trial 12 not found".
type notFoundError struct {
	msg string
	err error
}

func (e *notFoundError) Error() string { return e.msg }
func (e *notFoundError) Unwrap() error { return e.err }

// notFound words err, when it is search.ErrNotFound, as "CMD: WHAT not
// found", whatever the store's wording; other errors, and nil, pass
// through.
func notFound(cmd, what string, err error) error {
	if errors.Is(err, search.ErrNotFound) {
		return &notFoundError{msg: fmt.Sprintf("%s: %s not found", cmd, what), err: err}
	}
	return err
}

// Main runs the command line args (args[0] is the program name) and returns
// the exit code: 0 on success, 1 on failure, 2 on a usage error. Errors are
// printed to env.Stderr as one line.
func Main(ctx context.Context, args []string, env Env) int {
	env = env.withDefaults()
	app := NewApp(env)
	var err error
	if f := missingValue(app, args); f != "" {
		// Reordered, the flag would take "--" or an argument as its value.
		err = usagef("%s needs a value", f)
	} else if e := leadError(app, args); e != nil {
		err = e
	} else {
		err = app.RunContext(ctx, ReorderArgs(app, args))
	}
	if err == nil {
		return ExitOK
	}
	// One line: a multi-line error (a driver's detail) is joined.
	var parts []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	msg := strings.Join(parts, " ")
	fmt.Fprintf(env.Stderr, "sweep: %s\n", msg)
	var ue *usageError
	if errors.As(err, &ue) {
		help := "sweep --help"
		if name := commandOf(app, args); name != "" {
			help = "sweep " + name + " --help"
		}
		fmt.Fprintf(env.Stderr, "Run '%s' for usage.\n", help)
		return ExitUsage
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) && ec.ExitCode() != 0 {
		return ec.ExitCode()
	}
	return ExitFailure
}

// commandOf returns the name of the command args run, "" when none: the
// first argument after the program name and the flags before it, when it
// names a command.
func commandOf(app *cli.App, args []string) string {
	rest := args[min(1, len(args)):]
	_, lead := splitLead(app, rest)
	if lead < len(rest) {
		if cmd := app.Command(rest[lead]); cmd != nil {
			return cmd.Name
		}
	}
	return ""
}

// leadError reports command flags before a command name that is missing
// ("sweep --db x.db") or unknown ("sweep --db x.db stats"), which the app,
// having no such flags, would call unknown flags; nil otherwise, and for a
// flag no command has, which is an unknown flag.
func leadError(app *cli.App, args []string) error {
	rest := args[min(1, len(args)):]
	kinds, n := splitLead(app, rest)
	known := map[string]bool{}
	for _, c := range app.Commands {
		for _, f := range c.Flags {
			for _, name := range f.Names() {
				known[name] = true
			}
		}
	}
	var lead []string
	for i, k := range kinds {
		name, _, _ := strings.Cut(strings.TrimLeft(rest[i], "-"), "=")
		switch {
		case k == leadApp:
		case k == leadFlag && !known[name]:
			return nil
		default:
			lead = append(lead, rest[i])
		}
	}
	switch {
	case len(lead) == 0:
		return nil
	case n == len(rest):
		flags := strings.Join(lead, " ")
		return usagef("missing command for %s: sweep COMMAND %s", flags, flags)
	case app.Command(rest[n]) == nil:
		return usagef("unknown command %q", rest[n])
	}
	return nil
}

// leadKind is what an argument before the command name is.
type leadKind int

const (
	leadApp   leadKind = iota // a flag of the app itself: help, version
	leadFlag                  // a command's flag
	leadValue                 // the value of the command's flag before it
)

// splitLead tells what each argument before the command name is. n is the
// number of them: rest[n] is the command name when there is one. A flag
// before the command name takes a value when it does in any command.
func splitLead(app *cli.App, rest []string) (kinds []leadKind, n int) {
	own := map[string]bool{}
	for _, f := range []cli.Flag{cli.HelpFlag, cli.VersionFlag} {
		for _, name := range f.Names() {
			own[name] = true
		}
	}
	takesValue := map[string]bool{}
	for _, c := range app.Commands {
		for _, f := range c.Flags {
			if _, isBool := f.(*cli.BoolFlag); !isBool {
				for _, name := range f.Names() {
					takesValue[name] = true
				}
			}
		}
	}
	for n < len(rest) && len(rest[n]) > 1 && strings.HasPrefix(rest[n], "-") && rest[n] != "--" {
		name := strings.TrimLeft(rest[n], "-")
		if own[name] {
			kinds = append(kinds, leadApp)
			n++
			continue
		}
		kinds = append(kinds, leadFlag)
		n++
		if !strings.Contains(name, "=") && takesValue[name] && n < len(rest) {
			kinds = append(kinds, leadValue)
			n++
		}
	}
	return kinds, n
}

// missingValue returns the last argument when it is a flag of the command
// that takes a value (and so has none), "" otherwise.
func missingValue(app *cli.App, args []string) string {
	name := commandOf(app, args)
	if name == "" || len(args) < 2 || slices.Contains(args, "--") {
		return ""
	}
	last := args[len(args)-1]
	flag := strings.TrimLeft(last, "-")
	if !strings.HasPrefix(last, "-") || flag == "" || strings.Contains(flag, "=") {
		return ""
	}
	for _, f := range app.Command(name).Flags {
		if _, isBool := f.(*cli.BoolFlag); !isBool && slices.Contains(f.Names(), flag) {
			return last
		}
	}
	return ""
}

// flagError rewrites the flag package's parse errors for reading: flags
// with their double dash, and what a bad value should have been instead of
// "parse error".
func flagError(ctx *cli.Context, err error) error {
	msg := err.Error()
	dashes := func(name string) string {
		if len(name) == 1 {
			return "-" + name
		}
		return "--" + name
	}
	var value, name string
	if _, e := fmt.Sscanf(msg, "invalid value %q for flag -%s", &value, &name); e == nil {
		name = strings.TrimSuffix(name, ":")
		// The value's own reason, where the flag's Set gives one.
		_, reason, _ := strings.Cut(strings.TrimPrefix(msg, fmt.Sprintf("invalid value %q for flag -%s", value, name)), ": ")
		want := "a valid value"
		var flags []cli.Flag
		if ctx.Command != nil {
			flags = ctx.Command.Flags
		}
		for _, f := range flags {
			if !slices.Contains(f.Names(), name) {
				continue
			}
			switch f.(type) {
			case *cli.IntFlag, *cli.Int64Flag:
				want = "a whole number"
			case *cli.UintFlag, *cli.Uint64Flag:
				want = "a whole number, 0 or more"
			case *cli.Float64Flag:
				want = "a number"
			case *cli.DurationFlag:
				want = "a duration such as 90s, 15m or 8h"
			case *cli.GenericFlag:
				if reason != "" {
					return usagef("%s: %s", dashes(name), reason)
				}
			}
		}
		return usagef("%s: invalid value %q: want %s", dashes(name), value, want)
	}
	for _, prefix := range []string{"flag provided but not defined: -", "flag needs an argument: -"} {
		if rest, ok := strings.CutPrefix(msg, prefix); ok {
			if strings.HasPrefix(prefix, "flag needs") {
				return usagef("%s needs a value", dashes(rest))
			}
			return usagef("unknown flag %s", dashes(rest))
		}
	}
	return usagef("%v", err)
}

// NewApp builds the urfave/cli application writing to env's writers.
func NewApp(env Env) *cli.App {
	env = env.withDefaults()
	c := &commands{env: env}
	onUsage := func(ctx *cli.Context, err error, _ bool) error { return flagError(ctx, err) }
	cmds := []*cli.Command{
		c.runCommand(),
		c.leaderboardCommand(),
		c.showCommand(),
		c.reproduceCommand(),
		c.predictCommand(),
		c.studiesCommand(),
		c.exportCommand(),
	}
	for _, cmd := range cmds {
		cmd.OnUsageError = onUsage
	}
	return &cli.App{
		Name:  "sweep",
		Usage: "hyperparameter sweeps and experiment tracking for MLP classifiers",
		Description: "sweep runs a search over an MLP's hyperparameters described by a YAML spec,\n" +
			"records every trial in SQLite or PostgreSQL, and reproduces any trial by its ID.\n" +
			"The store is --db, else $SWEEP_DB, else " + DefaultDB + " (postgres:// URLs and\n" +
			"host=... dbname=... keyword strings use PostgreSQL).\n" +
			"Flags may come before or after arguments. sweep help COMMAND (or sweep COMMAND --help)\n" +
			"describes a command and its flags.",
		Version:         env.Version,
		Writer:          env.Stdout,
		ErrWriter:       env.Stderr,
		HideHelpCommand: true,
		Commands:        cmds,
		OnUsageError:    onUsage,
		// Errors are printed once, by Main; never exit from inside.
		ExitErrHandler: func(*cli.Context, error) {},
		CommandNotFound: func(ctx *cli.Context, name string) {
			// Reported by the Action below, which runs for an unknown
			// command name.
		},
		Action: func(ctx *cli.Context) error {
			args := ctx.Args().Slice()
			switch {
			case len(args) == 0 || len(args) == 1 && args[0] == "help":
				return cli.ShowAppHelp(ctx)
			case args[0] == "help" && len(args) == 2:
				// "sweep help run" is "sweep run --help".
				if ctx.App.Command(args[1]) == nil {
					return usagef("help: unknown command %q", args[1])
				}
				return cli.ShowCommandHelp(ctx, args[1])
			}
			return usagef("unknown command %q", args[0])
		},
	}
}

// commands holds what every command shares.
type commands struct {
	env Env
}

// dbFlag is the --db flag every store-using command has.
func dbFlag() cli.Flag {
	return &cli.StringFlag{Name: "db", Usage: "store `DSN`: a SQLite file path, postgres://user:pass@host/db or 'host=h user=u password=p dbname=db'", DefaultText: "$SWEEP_DB, else " + DefaultDB}
}

// dsn returns the store DSN: --db, SWEEP_DB, or the default file. An
// empty --db is a usage error rather than a fallback to the others, which
// would open a store the command line did not name, and so is a --db that
// names no store (see tracker.BackendOf); such a SWEEP_DB is an error
// naming SWEEP_DB. Neither error shows the DSN's password.
func (c *commands) dsn(ctx *cli.Context) (string, error) {
	if ctx.IsSet("db") {
		v := ctx.String("db")
		if strings.TrimSpace(v) == "" {
			return "", usagef("--db: empty DSN: leave --db out to use $SWEEP_DB, else %s", DefaultDB)
		}
		if _, err := tracker.BackendOf(v); err != nil {
			return "", usagef("--db: %v", tracker.RedactError(err, tracker.Secrets(v)))
		}
		return v, nil
	}
	if c.env.DB != "" {
		if _, err := tracker.BackendOf(c.env.DB); err != nil {
			return "", fmt.Errorf("SWEEP_DB: %w", tracker.RedactError(err, tracker.Secrets(c.env.DB)))
		}
		return c.env.DB, nil
	}
	return DefaultDB, nil
}

// openExisting opens the store --db names for a command that only reads
// it (see openExisting).
func (c *commands) openExisting(ctx *cli.Context) (store, error) {
	dsn, err := c.dsn(ctx)
	if err != nil {
		return nil, err
	}
	return openExisting(ctx.Context, dsn)
}

// ReorderArgs moves every flag of the command line before the positional
// arguments of its command, so that "sweep run spec.yaml --parallel 4"
// parses like "sweep run --parallel 4 spec.yaml" (urfave/cli v2 stops
// parsing flags at the first positional argument), and a command's flags
// given before the command name ("sweep --db x.db studies") join the
// command's. It knows which flags
// take a value from the command's flag definitions; everything after "--"
// stays positional.
func ReorderArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := []string{args[0]}
	rest := args[1:]
	// The app's flags (help, version) stay before the command name; the
	// commands' flags given there ("sweep --db x studies") join the
	// command's.
	kinds, i := splitLead(app, rest)
	if i == len(rest) {
		return args
	}
	var cmd *cli.Command
	for _, c := range app.Commands {
		if c.HasName(rest[i]) {
			cmd = c
		}
	}
	if cmd == nil {
		return args
	}
	var lead []string
	for j, k := range kinds {
		if k == leadApp {
			out = append(out, rest[j])
		} else {
			lead = append(lead, rest[j])
		}
	}
	out = append(out, rest[i])
	rest = append(lead, rest[i+1:]...)
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	var flags, positional []string
	dashes := false
	for j := 0; j < len(rest); j++ {
		a := rest[j]
		switch {
		case a == "--":
			dashes = true
			positional = append(positional, rest[j+1:]...)
			j = len(rest)
		case len(a) > 1 && strings.HasPrefix(a, "-"):
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if strings.Contains(name, "=") {
				continue
			}
			if takesValue[name] && j+1 < len(rest) {
				flags = append(flags, rest[j+1])
				j++
			}
		default:
			positional = append(positional, a)
		}
	}
	out = append(out, flags...)
	if len(positional) > 0 || dashes {
		out = append(out, "--")
		out = append(out, positional...)
	}
	return out
}

// oneArg returns the single positional argument a command takes.
func oneArg(ctx *cli.Context, what string) (string, error) {
	switch ctx.NArg() {
	case 0:
		return "", usagef("%s: missing %s", ctx.Command.Name, what)
	case 1:
		return ctx.Args().First(), nil
	}
	return "", usagef("%s: takes one %s, got %d arguments: %s", ctx.Command.Name, what, ctx.NArg(), strings.Join(ctx.Args().Slice(), " "))
}

// trialID parses a trial ID argument.
func trialID(ctx *cli.Context) (int64, error) {
	s, err := oneArg(ctx, "trial ID")
	if err != nil {
		return 0, err
	}
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil || id <= 0 || fmt.Sprint(id) != s {
		return 0, usagef("%s: trial ID must be a positive integer, got %q", ctx.Command.Name, s)
	}
	return id, nil
}
