package tracker

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Backend is the kind of store a DSN names.
type Backend string

const (
	// BackendSQLite is a SQLite file (tracker/sqlite).
	BackendSQLite Backend = "sqlite"
	// BackendPostgres is a PostgreSQL server (tracker/postgres).
	BackendPostgres Backend = "postgres"
)

// BackendOf tells which store a DSN names: postgres:// and postgresql://
// URLs are PostgreSQL; sqlite:PATH, sqlite://PATH, file:PATH and plain file
// paths are SQLite. Any other scheme:// is an error, as is an empty DSN.
func BackendOf(dsn string) (Backend, error) {
	if strings.TrimSpace(dsn) == "" {
		return "", errors.New("empty DSN: want a file path, sqlite:PATH or postgres://...")
	}
	scheme, _, ok := strings.Cut(dsn, ":")
	if ok {
		switch strings.ToLower(scheme) {
		case "postgres", "postgresql":
			return BackendPostgres, nil
		case "sqlite", "sqlite3", "file":
			return BackendSQLite, nil
		}
		if strings.HasPrefix(dsn[len(scheme):], "://") && validScheme(scheme) {
			return "", fmt.Errorf("unknown DSN scheme %q: want a file path, sqlite:PATH or postgres://...", scheme)
		}
	}
	return BackendSQLite, nil
}

func validScheme(s string) bool {
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')
		if !ok {
			return false
		}
	}
	return s != ""
}

// Secrets returns the passwords a DSN carries (URL user info and password=
// parameters, raw and percent-decoded), longest first, so that they can be
// removed from messages. It is lenient: it finds them in malformed DSNs too.
func Secrets(dsn string) []string {
	var out []string
	add := func(s string) {
		if s == "" {
			return
		}
		for _, o := range out {
			if o == s {
				return
			}
		}
		out = append(out, s)
		if d, err := url.PathUnescape(s); err == nil && d != s && d != "" {
			out = append(out, d)
		}
		if d, err := url.QueryUnescape(s); err == nil && d != s && d != "" {
			out = append(out, d)
		}
	}
	// user:password@ in URL form.
	if i := strings.Index(dsn, "://"); i >= 0 {
		rest := dsn[i+3:]
		if j := strings.IndexAny(rest, "/?#"); j >= 0 {
			// the password may itself contain / ? or #: take the last @ overall
			if k := strings.LastIndex(rest, "@"); k > j {
				j = k
			}
			rest = rest[:j+1]
		}
		if at := strings.LastIndex(rest, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(rest[:at], ":"); ok {
				add(pw)
			}
		}
	}
	// password=... as a URL query parameter or a keyword/value pair.
	for s := dsn; ; {
		i := strings.Index(strings.ToLower(s), "password=")
		if i < 0 {
			break
		}
		v := s[i+len("password="):]
		if strings.HasPrefix(v, "'") {
			if j := strings.Index(v[1:], "'"); j >= 0 {
				add(v[1 : 1+j])
			} else {
				add(v[1:])
			}
		} else if j := strings.IndexAny(v, "& \t\n"); j >= 0 {
			add(v[:j])
		} else {
			add(v)
		}
		s = v
	}
	// Longest first, so that a secret containing another is removed whole.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j]) > len(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Redact replaces every secret in s with "xxxxx".
func Redact(s string, secrets []string) string {
	for _, p := range secrets {
		s = strings.ReplaceAll(s, p, "xxxxx")
	}
	return s
}

// RedactDSN returns the DSN with its passwords replaced by "xxxxx", for
// messages and logs.
func RedactDSN(dsn string) string { return Redact(dsn, Secrets(dsn)) }

// RedactError returns err unchanged when its message contains none of the
// secrets, and otherwise an error with the secrets replaced by "xxxxx". The
// replacement does not unwrap to err, whose message would leak them.
func RedactError(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := Redact(msg, secrets)
	if clean == msg {
		return err
	}
	return errors.New(clean)
}
