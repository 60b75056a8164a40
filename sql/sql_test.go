package sql

import (
	"strings"
	"testing"
)

// Both dialects must carry the same migrations, so that a database of
// either kind at version N has the same tables and columns.
func TestDialectsInStep(t *testing.T) {
	pg, err := Migrations(Postgres)
	if err != nil {
		t.Fatal(err)
	}
	lite, err := Migrations(SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if len(pg) == 0 {
		t.Fatal("no PostgreSQL migrations embedded")
	}
	if len(pg) != len(lite) {
		t.Fatalf("PostgreSQL has %d migrations, SQLite %d", len(pg), len(lite))
	}
	for i := range pg {
		if pg[i].Name != lite[i].Name {
			t.Errorf("migration %d: PostgreSQL %s, SQLite %s", i+1, pg[i].Name, lite[i].Name)
		}
		if strings.TrimSpace(pg[i].SQL) == "" || strings.TrimSpace(lite[i].SQL) == "" {
			t.Errorf("migration %s is empty in one dialect", pg[i].Name)
		}
	}
}

// The tables and views each dialect creates must have the same names.
func TestDialectsCreateSameObjects(t *testing.T) {
	objects := func(d Dialect) map[string]bool {
		ms, err := Migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, m := range ms {
			for _, line := range strings.Split(m.SQL, "\n") {
				f := strings.Fields(line)
				if len(f) >= 3 && f[0] == "CREATE" && (f[1] == "TABLE" || f[1] == "VIEW" || f[1] == "INDEX") {
					got[f[1]+" "+f[2]] = true
				}
			}
		}
		return got
	}
	pg, lite := objects(Postgres), objects(SQLite)
	for o := range pg {
		if !lite[o] {
			t.Errorf("%s exists in PostgreSQL but not in SQLite", o)
		}
	}
	for o := range lite {
		if !pg[o] {
			t.Errorf("%s exists in SQLite but not in PostgreSQL", o)
		}
	}
	if !pg["TABLE trials"] || !pg["VIEW leaderboard"] {
		t.Errorf("expected table trials and view leaderboard, found %v", pg)
	}
}

func TestUnknownDialect(t *testing.T) {
	if _, err := Migrations("oracle"); err == nil {
		t.Error("Migrations(oracle) gave no error")
	}
	if _, err := SeedBenchmark("oracle"); err == nil {
		t.Error("SeedBenchmark(oracle) gave no error")
	}
	for _, d := range []Dialect{Postgres, SQLite} {
		s, err := SeedBenchmark(d)
		if err != nil || !strings.Contains(s, "bench-1m") {
			t.Errorf("SeedBenchmark(%s) = %.40q, %v", d, s, err)
		}
	}
}
