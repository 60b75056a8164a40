package tracker

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestRedactDSNFields(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, dsn, want string }{
		{"URL password", "postgres://sweep:hunter2@db.example:5432/sweep?sslmode=disable", "postgres://sweep:xxxxx@db.example:5432/sweep?sslmode=disable"},
		{"user equals password", "postgres://postgres:postgres@127.0.0.1:5432/sweep_test", "postgres://postgres:xxxxx@127.0.0.1:5432/sweep_test"},
		{"password is also the host and database", "postgresql://u:db@db/db?application_name=db", "postgresql://u:xxxxx@db/db?application_name=db"},
		{"password inside the user name", "postgres://admin:min@h/x", "postgres://admin:xxxxx@h/x"},
		{"query password, order kept", "postgres://u@h/db?sslmode=disable&password=s3cret&connect_timeout=2", "postgres://u@h/db?sslmode=disable&password=xxxxx&connect_timeout=2"},
		{"percent-encoded query key", "postgres://u@h/db?pass%77ord=s3cret&sslmode=disable", "postgres://u@h/db?pass%77ord=xxxxx&sslmode=disable"},
		{"sslpassword too", "postgres://u:a@h/db?sslpassword=b&sslmode=verify-full", "postgres://u:xxxxx@h/db?sslpassword=xxxxx&sslmode=verify-full"},
		{"percent-encoded password", "postgres://u:p%40ss@h/db", "postgres://u:xxxxx@h/db"},
		{"password holding @ and /", "postgres://u:a@b/c@h/db", "postgres://u:xxxxx@h/db"},
		{"empty password", "postgres://u:@h/db", "postgres://u:xxxxx@h/db"},
		{"no password", "postgres://u@h/db#frag", "postgres://u@h/db#frag"},
		{"keywords", "host=h user=u password=s3cret dbname=db", "host=h user=u password=xxxxx dbname=db"},
		{"keywords, user equals password", "host=localhost user=postgres password=postgres dbname=postgres", "host=localhost user=postgres password=xxxxx dbname=postgres"},
		{"keywords, quoted with an escape", `host=h password='it\'s here' user=u`, `host=h password='xxxxx' user=u`},
		{"keywords, spaces around =", "host = h password = pw user = pw", "host = h password = xxxxx user = pw"},
		// Bytes that are not UTF-8 before the password must not shift
		// where it is found.
		{"invalid UTF-8 before the password", "host=h user=\x86\x86 password=secret", "host=h user=\x86\x86 password=xxxxx"},
		{"SQLite path", "./sweep.db", "./sweep.db"},
		{"SQLite URI", "file:sweep.db?mode=ro", "file:sweep.db?mode=ro"},
		// Unreadable as either form: every occurrence of the secret goes.
		{"malformed keywords", "host=h password='unterminated user=u", "host=h password='xxxxx"},
	}
	for _, tc := range tests {
		if got := RedactDSN(tc.dsn); got != tc.want {
			t.Errorf("%s: RedactDSN(%q) = %q, want %q", tc.name, tc.dsn, got, tc.want)
		}
	}
}

// TestRedactErrorKeepsHiding checks that errors are still scrubbed of every
// occurrence of a password, even where RedactDSN keeps an equal user name.
func TestRedactErrorKeepsHiding(t *testing.T) {
	t.Parallel()
	tests := []struct{ dsn, password string }{
		{"postgres://postgres:postgres@127.0.0.1:5432/db", "postgres"},
		{"host=h user=\xff\xfe password=secret", "secret"},
	}
	for _, tc := range tests {
		err := RedactError(fmt.Errorf("connect %s: password %s rejected", RedactDSN(tc.dsn), tc.password), Secrets(tc.dsn))
		if strings.Contains(err.Error(), tc.password) {
			t.Errorf("RedactError = %q, still holds %q", err, tc.password)
		}
		if got := Secrets(tc.dsn); len(got) != 1 || got[0] != tc.password {
			t.Errorf("Secrets(%q) = %q, want [%q]", tc.dsn, got, tc.password)
		}
	}
}

// FuzzRedactDSNFields checks that only the password field changes: any
// password in the user info or a password keyword becomes "xxxxx", and the
// rest of the DSN is kept byte for byte, whatever else equals the password.
func FuzzRedactDSNFields(f *testing.F) {
	f.Add("user", "h:5432/db?sslmode=disable")
	f.Add("p@ss/w:rd?#", "host/db")
	f.Add("h", "h/h?application_name=h")
	f.Fuzz(func(t *testing.T, pw, rest string) {
		if strings.Contains(strings.ToLower(pw+rest), "password") {
			return
		}
		if !strings.Contains(rest, "@") {
			dsn := "postgres://user:" + pw + "@" + rest
			if got, want := RedactDSN(dsn), "postgres://user:xxxxx@"+rest; got != want {
				t.Errorf("RedactDSN(%q) = %q, want %q", dsn, got, want)
			}
		}
		if pw != "" && !strings.ContainsAny(pw, " \t\n\r\f\v'\\") {
			dsn := "host=h user=" + pw + " password=" + pw + " dbname=d"
			if got, want := RedactDSN(dsn), "host=h user="+pw+" password=xxxxx dbname=d"; got != want {
				t.Errorf("RedactDSN(%q) = %q, want %q", dsn, got, want)
			}
		}
	})
}

// TestSecretsAsPgxReadsThem checks that Secrets holds the password as pgx
// reads it where that differs from the text after "password=" or ":": a
// backslash escape, spaces that libpq's URI decoding drops, a URL whose
// user info ends at the first "@" for libpq.
func TestSecretsAsPgxReadsThem(t *testing.T) {
	t.Parallel()
	tests := []struct{ dsn, password string }{
		{`host=h user=u password='it\'s' dbname=d`, "it's"},
		{`host=h password=a\ b`, "a b"},
		{"host = h password = pw", "pw"},
		{"postgres://user: s3cret@h/db", "s3cret"},
		{"postgres://user:pw@ss@h/db", "pw"},
		{"postgres://u:p%20w@h/db", "p w"},
		{"postgres://u@h/db?pass%77ord=s3cret", "s3cret"},
	}
	for _, tc := range tests {
		cfg, err := pgconn.ParseConfig(tc.dsn)
		if err != nil || cfg.Password != tc.password {
			t.Fatalf("pgx reads the password of %q as %v, want %q", tc.dsn, passwordOf(cfg, err), tc.password)
		}
		if msg := RedactError(fmt.Errorf("password %s rejected", tc.password), Secrets(tc.dsn)).Error(); strings.Contains(msg, tc.password) {
			t.Errorf("Secrets(%q) = %q: the message keeps the password: %s", tc.dsn, Secrets(tc.dsn), msg)
		}
	}
}

// TestKeywordDSNCase checks that keyword/value DSNs are recognized by their
// lowercase keywords only, as libpq and pgx match them, and that a DSN that
// would be one but for the case of its keywords is an error naming the
// keyword, neither PostgreSQL nor a SQLite file.
func TestKeywordDSNCase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		dsn     string
		keyword bool
		backend Backend
		err     string // part of BackendOf's error; "" for none
	}{
		{"host=db user=x", true, BackendPostgres, ""},
		{"host = db user = x", true, BackendPostgres, ""},
		{"application_name=x HOST=h", true, "", `"HOST" is not a connection keyword: libpq keywords are lowercase; write host`},
		{"host=h PASSWORD=s3cret", true, "", `"PASSWORD" is not a connection keyword: libpq keywords are lowercase; write password`},
		{"host=h password=s3cret SSLMODE=disable", true, "", `"SSLMODE" is not a connection keyword`},
		{"host=h user=u Password = s3cret", true, "", `"Password" is not a connection keyword`},
		{"host=h TimeZone=UTC", true, BackendPostgres, ""}, // a server setting, not a libpq keyword
		{"host=h password='a B=c'", true, BackendPostgres, ""},
		// Words inside values are not keywords, whatever their case.
		{"host=h password='my User=secret'", true, BackendPostgres, ""},
		{`host=h user=u password=abc\ Host=x`, true, BackendPostgres, ""},
		{"host=h application_name='App Port=1'", true, BackendPostgres, ""},
		{`host=h password='it\'s PORT=1' SSLMODE=disable`, true, "", `"SSLMODE" is not a connection keyword`},
		{"dbname=d", true, BackendPostgres, ""},
		{"HOST=db USER=x", false, "", `"HOST" is not a connection keyword: libpq keywords are lowercase`},
		{"Host=db", false, "", `"Host" is not a connection keyword`},
		{"dbName=d", false, "", `"dbName" is not a connection keyword`},
		{"HOST = db", false, "", `"HOST" is not a connection keyword`},
		{"Foo=1 host=h", false, "", `"Foo" is not a connection keyword`},
		{"HOST=db PASSWORD=s3cret", false, "", `"HOST" is not a connection keyword`},
		{"./HOST=db", false, BackendSQLite, ""},
		{"sqlite:HOST=db", false, BackendSQLite, ""},
		{"Results=2026.db", false, BackendSQLite, ""},
		{"results=2026.db", false, BackendSQLite, ""},
	}
	for _, tc := range tests {
		if got := IsKeywordDSN(tc.dsn); got != tc.keyword {
			t.Errorf("IsKeywordDSN(%q) = %v, want %v", tc.dsn, got, tc.keyword)
		}
		b, err := BackendOf(tc.dsn)
		switch {
		case tc.err == "" && (err != nil || b != tc.backend):
			t.Errorf("BackendOf(%q) = %q, %v; want %q", tc.dsn, b, err, tc.backend)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("BackendOf(%q) = %q, %v; want an error containing %q", tc.dsn, b, err, tc.err)
		case err != nil && strings.Contains(err.Error(), "s3cret"):
			t.Errorf("BackendOf(%q): error %q shows the password", tc.dsn, err)
		}
	}
}

// TestKeywordDSNCaseAsPgx checks the rule against pgx: a DSN IsKeywordDSN
// rejects for its case is not read by pgx as naming that server.
func TestKeywordDSNCaseAsPgx(t *testing.T) {
	t.Setenv("PGHOST", "")
	t.Setenv("PGSERVICEFILE", "")
	for _, dsn := range []string{"HOST=db.example USER=x", "Host=db.example"} {
		cfg, err := pgconn.ParseConfig(dsn)
		if err == nil && cfg.Host == "db.example" {
			t.Errorf("pgx reads %q as host db.example; IsKeywordDSN = %v", dsn, IsKeywordDSN(dsn))
		}
	}
	cfg, err := pgconn.ParseConfig("host=db.example user=x")
	if err != nil || cfg.Host != "db.example" || !IsKeywordDSN("host=db.example user=x") {
		t.Errorf("pgx reads host=db.example as %+v, %v; IsKeywordDSN = %v", cfg, err, IsKeywordDSN("host=db.example user=x"))
	}
}
