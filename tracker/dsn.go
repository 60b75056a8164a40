package tracker

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
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
// URLs and keyword/value DSNs ("host=h user=u password=p dbname=d", as
// libpq and pgx read them; see IsKeywordDSN) are PostgreSQL; sqlite:PATH,
// sqlite://PATH, file:PATH and plain file paths are SQLite. Any other
// scheme:// is an error, as is an empty DSN and one that would be a
// keyword/value DSN but for the case of its keywords ("HOST=db USER=x"),
// which libpq and pgx do not read as connection keywords, and a
// keyword/value DSN with a libpq keyword in upper case ("host=h
// PASSWORD=x"). The error names the keyword, never a value.
func BackendOf(dsn string) (Backend, error) {
	if strings.TrimSpace(dsn) == "" {
		return "", errors.New("empty DSN: want a file path, sqlite:PATH, postgres://URL or key=value pairs (host=H dbname=D)")
	}
	if IsKeywordDSN(dsn) {
		// pgx passes a keyword it does not know to the server as a
		// setting, which the server refuses with a FATAL naming neither
		// the DSN nor the case.
		if k, _ := keywordDSN(dsn, true); k != "" {
			return "", fmt.Errorf("%q is not a connection keyword: libpq keywords are lowercase; write %s", k, strings.ToLower(k))
		}
		return BackendPostgres, nil
	}
	if k, ok := upperKeyword(dsn); ok {
		return "", fmt.Errorf("%q is not a connection keyword: libpq keywords are lowercase, such as host, port, dbname, user and password; to name a SQLite file holding \"=\", write ./NAME or sqlite:NAME", k)
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
			return "", fmt.Errorf("unknown DSN scheme %q: want a file path, sqlite:PATH, postgres://URL or key=value pairs (host=H dbname=D)", scheme)
		}
	}
	return BackendSQLite, nil
}

// libpqKeywords are the connection keywords of libpq
// (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS)
// that name a server, a database or credentials: one of them makes a
// keyword/value DSN.
var libpqKeywords = []string{
	"host", "hostaddr", "port", "dbname", "user", "password", "passfile",
	"service", "sslmode", "sslpassword", "connect_timeout", "application_name",
	"target_session_attrs",
}

// IsKeywordDSN reports whether dsn is a PostgreSQL keyword/value
// connection string: its first word is KEY=VALUE (spaces around "=" allowed)
// with KEY a lowercase name of letters, digits and underscores, and one of
// its words is a libpq connection keyword such as host, port, dbname, user
// or password. Keywords are lowercase, as libpq and pgx match them:
// "HOST=db USER=x" is not a keyword/value DSN. A file path has a first word
// of that form only when it is a bare file name holding "="; to use such a
// file as SQLite, write it as ./NAME or sqlite:NAME.
func IsKeywordDSN(dsn string) bool {
	_, ok := keywordDSN(dsn, false)
	return ok
}

// upperKeyword reports whether dsn would be a keyword/value DSN if its
// keywords were lowercase, and returns the first keyword that is not.
func upperKeyword(dsn string) (string, bool) {
	if IsKeywordDSN(dsn) {
		return "", false
	}
	return keywordDSN(dsn, true)
}

// keywordDSN applies IsKeywordDSN's rule, with keywords in any case when
// foldCase is set, and returns the first keyword holding an upper-case
// letter, if any.
func keywordDSN(dsn string, foldCase bool) (upper string, ok bool) {
	s := strings.TrimLeft(dsn, " \t\n\r\f\v")
	isLetter := func(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || foldCase && c >= 'A' && c <= 'Z' }
	key := func(s string) (string, bool) {
		i := 0
		for i < len(s) && (isLetter(s[i]) || i > 0 && s[i] >= '0' && s[i] <= '9') {
			i++
		}
		k := s[:i]
		if k == "" || !strings.HasPrefix(strings.TrimLeft(s[i:], " \t"), "=") {
			return "", false
		}
		return k, true
	}
	isKeyword := func(k string) bool {
		if foldCase {
			k = strings.ToLower(k)
		}
		return slices.Contains(libpqKeywords, k)
	}
	first, ok := key(s)
	if !ok {
		return "", false
	}
	if first != strings.ToLower(first) {
		upper = first
	}
	found := false
	words := strings.Fields(maskValues(s))
	for i, w := range words {
		k, ok := key(w)
		if !ok && i+1 < len(words) && strings.HasPrefix(words[i+1], "=") {
			// "host = h": the keyword stands alone before its "=".
			k, ok = w, true
		}
		if !ok || !isKeyword(k) {
			continue
		}
		found = true
		if upper == "" && k != strings.ToLower(k) {
			upper = k
		}
	}
	return upper, found
}

// maskValues replaces each quoted value ('…', with backslash escapes) and
// each backslash-escaped character of a keyword/value DSN with "v", so that
// words inside values are not taken for keywords.
func maskValues(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
			b.WriteByte('v')
		case '\'':
			for i++; i < len(s) && s[i] != '\''; i++ {
				if s[i] == '\\' {
					i++
				}
			}
			b.WriteByte('v')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
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

// Secrets returns the passwords a DSN carries, longest first, so that they
// can be removed from messages: in a keyword/value DSN every password
// keyword's value, raw and unescaped as libpq reads it; otherwise the URL
// user info's password and password= parameters, in every reading of an
// ambiguous URL (libpq's and pgx's, net/url's, RedactDSN's), raw, trimmed
// and percent-decoded. It is lenient: it finds them in malformed DSNs too.
func Secrets(dsn string) []string {
	var out []string
	// Each secret as written and as a reader may decode it: without the
	// spaces around it (libpq's URI decoding), percent-decoded.
	add := func(s string) {
		for _, c := range []string{s, strings.Trim(s, " ")} {
			forms := []string{c}
			if d, err := url.PathUnescape(c); err == nil {
				forms = append(forms, d)
			}
			if d, err := url.QueryUnescape(c); err == nil {
				forms = append(forms, d)
			}
			for _, f := range forms {
				if f != "" && !slices.Contains(out, f) {
					out = append(out, f)
				}
			}
		}
	}
	sep := strings.Index(dsn, "://")
	isURL := sep > 0 && validScheme(dsn[:sep])
	// A keyword/value DSN: every password keyword's value as libpq reads
	// it (spaces around "=", quotes, backslash escapes).
	if _, masked, ok := redactKeywords(dsn); ok && !isURL {
		for _, m := range masked {
			add(m)
		}
		return longestFirst(out)
	}
	// user:password@ in URL form.
	if i := strings.Index(dsn, "://"); i >= 0 {
		rest := dsn[i+3:]
		// As libpq and pgx read it: the user info ends at the first "@"
		// before any "/".
		if j := strings.IndexAny(rest, "@/"); j >= 0 && rest[j] == '@' {
			if _, pw, ok := strings.Cut(rest[:j], ":"); ok {
				add(pw)
			}
		}
		// As net/url reads it: the authority ends at the first "#", "?" or
		// "/", and the user info at its last "@".
		auth := rest
		if j := strings.IndexAny(auth, "/?#"); j >= 0 {
			auth = auth[:j]
		}
		if at := strings.LastIndex(auth, "@"); at >= 0 {
			if _, pw, ok := strings.Cut(auth[:at], ":"); ok {
				add(pw)
			}
		}
		// As RedactDSN reads it: a password may hold "/", "?" or "#".
		if j := strings.IndexAny(rest, "/?#"); j >= 0 {
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
	// A URL query parameter whose decoded key names a password.
	if isURL {
		if q := strings.IndexByte(dsn, '?'); q >= 0 {
			query, _, _ := strings.Cut(dsn[q+1:], "#")
			for _, param := range strings.Split(query, "&") {
				if k, v, ok := strings.Cut(param, "="); ok && isPasswordKey(queryKey(k)) {
					add(v)
				}
			}
		}
	}
	// password=... as a URL query parameter or a keyword/value pair.
	for s := dsn; ; {
		i := strings.Index(asciiLower(s), "password=")
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
		// As libpq reads a keyword/value DSN: backslash escapes, quoted or
		// not.
		if !isURL {
			add(libpqValue(v))
		}
		s = v
	}
	return longestFirst(out)
}

// longestFirst sorts secrets longest first, so that a secret containing
// another is removed whole.
func longestFirst(out []string) []string {
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j]) > len(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// libpqValue returns the value at the start of v as libpq reads a
// keyword/value DSN: up to an unescaped space, or between single quotes,
// with a backslash taking the next byte literally.
func libpqValue(v string) string {
	var b strings.Builder
	quoted := strings.HasPrefix(v, "'")
	if quoted {
		v = v[1:]
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && i+1 < len(v):
			i++
			c = v[i]
		case quoted && c == '\'':
			return b.String()
		case !quoted && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'):
			return b.String()
		}
		b.WriteByte(c)
	}
	return b.String()
}

// asciiLower lowers ASCII letters only, so that indexes into the result are
// indexes into s (strings.ToLower changes the length of invalid UTF-8).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Redact replaces every secret in s with "xxxxx".
func Redact(s string, secrets []string) string {
	for _, p := range secrets {
		s = strings.ReplaceAll(s, p, "xxxxx")
	}
	return s
}

// RedactDSN returns the DSN with the value of its password fields replaced
// by "xxxxx", for messages and logs, and nothing else changed: in a URL
// (postgres://user:PASSWORD@host/db?sslpassword=PASSWORD) the user info's
// password and every query parameter whose name ends in "password"; in a
// keyword/value DSN (host=h password='PASSWORD') every such keyword's value.
// A user, host or database name equal to the password stays as it is. When
// the fields it finds do not hold every secret Secrets finds (a DSN too
// malformed to read), every occurrence of those secrets is replaced
// instead.
func RedactDSN(dsn string) string {
	out, masked, ok := redactURL(dsn)
	if !ok {
		out, masked, ok = redactKeywords(dsn)
	}
	secrets := Secrets(dsn)
	if !ok {
		return Redact(dsn, secrets)
	}
	for _, s := range secrets {
		if !slices.ContainsFunc(masked, func(m string) bool { return strings.Contains(m, s) || containsDecoded(m, s) }) {
			return Redact(dsn, secrets)
		}
	}
	return out
}

// containsDecoded reports whether m, percent-decoded as a path or a query
// value, contains s.
func containsDecoded(m, s string) bool {
	if d, err := url.PathUnescape(m); err == nil && strings.Contains(d, s) {
		return true
	}
	d, err := url.QueryUnescape(m)
	return err == nil && strings.Contains(d, s)
}

// queryKey decodes a URL query key as pgx does ("pass%77ord" is
// "password").
func queryKey(k string) string {
	if d, err := url.QueryUnescape(k); err == nil {
		return d
	}
	return k
}

// isPasswordKey reports whether a URL parameter or DSN keyword holds a
// password (password, sslpassword).
func isPasswordKey(k string) bool { return strings.HasSuffix(strings.ToLower(k), "password") }

// redactURL masks the password fields of a scheme://... DSN and returns the
// raw values it masked; ok is false when dsn is not of that form. The user
// info ends at the last "@" when one follows the first "/", "?" or "#" (a
// password holding those), as Secrets reads it.
func redactURL(dsn string) (out string, masked []string, ok bool) {
	i := strings.Index(dsn, "://")
	if i <= 0 || !validScheme(dsn[:i]) {
		return "", nil, false
	}
	var b strings.Builder
	b.WriteString(dsn[:i+3])
	rest := dsn[i+3:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndex(rest[:end], "@")
	if k := strings.LastIndex(rest, "@"); k >= end {
		at = k
	}
	if at >= 0 {
		user, pw, hasPW := strings.Cut(rest[:at], ":")
		b.WriteString(user)
		if hasPW {
			b.WriteString(":xxxxx")
			masked = append(masked, pw)
		}
		rest = rest[at:]
	}
	q := strings.IndexByte(rest, '?')
	if q < 0 {
		b.WriteString(rest)
		return b.String(), masked, true
	}
	b.WriteString(rest[:q+1])
	query, fragment := rest[q+1:], ""
	if h := strings.IndexByte(query, '#'); h >= 0 {
		query, fragment = query[:h], query[h:]
	}
	for j, param := range strings.Split(query, "&") {
		if j > 0 {
			b.WriteByte('&')
		}
		if k, v, ok := strings.Cut(param, "="); ok && isPasswordKey(queryKey(k)) && v != "" {
			b.WriteString(k + "=xxxxx")
			masked = append(masked, v)
			continue
		}
		b.WriteString(param)
	}
	b.WriteString(fragment)
	return b.String(), masked, true
}

// redactKeywords masks the password values of a keyword/value DSN
// ("host=h user=u password=secret", values optionally in single quotes with
// backslash escapes, as libpq reads them) and returns the raw values it
// masked; ok is false when dsn is not of that form.
func redactKeywords(dsn string) (out string, masked []string, ok bool) {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' }
	var b strings.Builder
	pairs := 0
	for i := 0; i < len(dsn); {
		start := i
		for i < len(dsn) && isSpace(dsn[i]) {
			i++
		}
		if i == len(dsn) {
			b.WriteString(dsn[start:])
			break
		}
		keyStart := i
		for i < len(dsn) && dsn[i] != '=' && !isSpace(dsn[i]) {
			i++
		}
		key := dsn[keyStart:i]
		for i < len(dsn) && isSpace(dsn[i]) {
			i++
		}
		if key == "" || i == len(dsn) || dsn[i] != '=' {
			return "", nil, false
		}
		i++
		for i < len(dsn) && isSpace(dsn[i]) {
			i++
		}
		b.WriteString(dsn[start:i])
		valStart, quoted := i, i < len(dsn) && dsn[i] == '\''
		if quoted {
			i++
			for i < len(dsn) && dsn[i] != '\'' {
				if dsn[i] == '\\' {
					i++
				}
				i++
			}
			if i >= len(dsn) {
				return "", nil, false
			}
			i++
		} else {
			for i < len(dsn) && !isSpace(dsn[i]) {
				if dsn[i] == '\\' {
					i++
				}
				i++
			}
			i = min(i, len(dsn))
		}
		val := dsn[valStart:i]
		pairs++
		switch {
		case !isPasswordKey(key) || val == "" || val == "''":
			b.WriteString(val)
		case quoted:
			b.WriteString("'xxxxx'")
			masked = append(masked, val[1:len(val)-1], libpqValue(val))
		default:
			b.WriteString("xxxxx")
			masked = append(masked, val, libpqValue(val))
		}
	}
	return b.String(), masked, pairs > 0
}

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
