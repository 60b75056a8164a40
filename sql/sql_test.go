package sql

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
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

// exception is an object that only dialect creates, and why.
type exception struct {
	dialect Dialect
	why     string
}

// onlyIn lists the objects one dialect creates and the other does without.
// Anything else created in one dialect only is an error.
var onlyIn = map[string]exception{
	"FUNCTION sweep_trial_not_running": {Postgres, "FinishTrial's one-round-trip batch aborts through it; SQLite writes in a local transaction"},
	"FUNCTION sweep_delete_trial_rows": {Postgres, "trial_classes and trial_epochs have no foreign key in PostgreSQL; SQLite's cascade deletes them"},
	"TRIGGER trials_delete_rows":       {Postgres, "runs sweep_delete_trial_rows"},
}

// The objects each dialect's migrations leave behind (tables and their
// columns, views, indexes, functions, triggers) must be the same, but for
// the ones onlyIn lists.
func TestDialectsCreateSameObjects(t *testing.T) {
	objects := func(d Dialect) map[string]bool {
		ms, err := Migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, m := range ms {
			texts = append(texts, m.SQL)
		}
		got, err := schemaObjects(texts...)
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		return got
	}
	pg, lite := objects(Postgres), objects(SQLite)
	for _, p := range compareObjects(pg, lite, onlyIn) {
		t.Error(p)
	}
	for _, o := range []string{"TABLE trials", "COLUMN trials.lease_expires_at", "VIEW leaderboard", "INDEX trials_claim_idx"} {
		if !pg[o] {
			t.Errorf("expected %s among the PostgreSQL objects, found %v", o, slices.Sorted(maps.Keys(pg)))
		}
	}
}

// Each way of creating, changing or dropping an object in one dialect only
// is caught, and DDL the parser does not understand is refused rather than
// skipped.
func TestCompareObjectsCatchesDrift(t *testing.T) {
	const base = `CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, UNIQUE (name));
CREATE INDEX t_name_idx ON t (name);
`
	cases := []struct {
		name, pg, lite string
		allow          string   // an object allowed in PostgreSQL only
		want           []string // problems, in order; none when empty
	}{
		{"same", "", "", "", nil},
		{"comments, literals and bodies are not DDL",
			"-- CREATE TABLE ghost (x int);\n/* CREATE VIEW ghost2 AS SELECT 1; */ INSERT INTO t (name) VALUES ('CREATE INDEX ghost3 ON t (x); ');\n" +
				"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; CREATE TABLE ghost4 (x int); $body$;",
			"", "", []string{"FUNCTION f exists in PostgreSQL but not in SQLite"}},
		{"unique index against a plain one", "CREATE UNIQUE INDEX u ON t (name);", "CREATE INDEX u ON t (name);", "",
			[]string{"UNIQUE INDEX u exists in PostgreSQL but not in SQLite", "INDEX u exists in SQLite but not in PostgreSQL"}},
		{"index if not exists", "CREATE INDEX IF NOT EXISTS t_id_idx ON t (id);", "", "",
			[]string{"INDEX t_id_idx exists in PostgreSQL but not in SQLite"}},
		{"concurrent index, quoted name", `CREATE INDEX CONCURRENTLY IF NOT EXISTS "T_Id" ON t (id);`, "CREATE INDEX t_id ON t (id);", "",
			[]string{"INDEX T_Id exists in PostgreSQL but not in SQLite", "INDEX t_id exists in SQLite but not in PostgreSQL"}},
		{"view", "CREATE OR REPLACE VIEW v AS SELECT 1;", "", "", []string{"VIEW v exists in PostgreSQL but not in SQLite"}},
		{"sqlite trigger body", "",
			"CREATE TRIGGER IF NOT EXISTS t_del AFTER DELETE ON t BEGIN DELETE FROM t WHERE id = CASE WHEN old.id > 0 THEN old.id END; CREATE TABLE ghost (x int); END;\nCREATE TABLE after_trigger (x int);", "",
			[]string{"COLUMN after_trigger.x exists in SQLite but not in PostgreSQL", "TABLE after_trigger exists in SQLite but not in PostgreSQL",
				"TRIGGER t_del exists in SQLite but not in PostgreSQL"}},
		{"column in one table only", "CREATE TABLE x (a int, b int);", "CREATE TABLE x (a INTEGER);", "",
			[]string{"COLUMN x.b exists in PostgreSQL but not in SQLite"}},
		{"added column", "ALTER TABLE t ADD COLUMN IF NOT EXISTS extra text;", "", "",
			[]string{"COLUMN t.extra exists in PostgreSQL but not in SQLite"}},
		{"dropped column", "", "ALTER TABLE t DROP COLUMN name;", "", []string{"COLUMN t.name exists in PostgreSQL but not in SQLite"}},
		{"renamed column", "ALTER TABLE t RENAME COLUMN name TO label;", "ALTER TABLE t RENAME name TO label;", "", nil},
		{"dropped index", "DROP INDEX IF EXISTS t_name_idx;", "", "", []string{"INDEX t_name_idx exists in SQLite but not in PostgreSQL"}},
		{"dropped and recreated", "DROP INDEX t_name_idx; CREATE UNIQUE INDEX t_name_idx ON t (name);", "DROP INDEX t_name_idx; CREATE UNIQUE INDEX t_name_idx ON t (name);", "", nil},
		{"listed exception", "CREATE FUNCTION f() RETURNS bigint LANGUAGE sql AS $$ SELECT 1 $$;", "", "FUNCTION f", nil},
		{"listed exception in the wrong dialect", "", "CREATE FUNCTION f() RETURNS bigint AS 'x';", "FUNCTION f",
			[]string{"FUNCTION f exists in SQLite but not in PostgreSQL", "FUNCTION f is listed as postgres only but postgres lacks it"}},
		{"listed exception in both", "CREATE FUNCTION f() RETURNS int AS 'x';", "CREATE FUNCTION f() RETURNS int AS 'x';", "FUNCTION f",
			[]string{"FUNCTION f is listed as postgres only but both dialects have it"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			allowed := map[string]exception{}
			if c.allow != "" {
				allowed[c.allow] = exception{Postgres, "a test case"}
			}
			pg, err := schemaObjects(base, c.pg)
			if err != nil {
				t.Fatal(err)
			}
			lite, err := schemaObjects(base, c.lite)
			if err != nil {
				t.Fatal(err)
			}
			if got := compareObjects(pg, lite, allowed); !slices.Equal(got, c.want) {
				t.Errorf("problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
	for _, bad := range []string{
		"CREATE EXTENSION pgcrypto;",
		"ALTER TABLE t ALTER COLUMN name SET NOT NULL, ADD COLUMN extra text;",
		"CREATE TABLE unterminated (a int",
		"CREATE FUNCTION f() AS $$ never closed",
		"DROP TABLE t; DROP TABLE t;",
	} {
		if got, err := schemaObjects(base, bad); err == nil {
			t.Errorf("schemaObjects(%q) = %v, want an error", bad, got)
		}
	}
}

// compareObjects returns a problem for each object one dialect has and the
// other lacks, unless allowed lists it for that dialect, and for each
// allowed entry that no longer holds.
func compareObjects(pg, lite map[string]bool, allowed map[string]exception) []string {
	var problems []string
	for _, o := range slices.Sorted(maps.Keys(pg)) {
		if !lite[o] && allowed[o].dialect != Postgres {
			problems = append(problems, o+" exists in PostgreSQL but not in SQLite")
		}
	}
	for _, o := range slices.Sorted(maps.Keys(lite)) {
		if !pg[o] && allowed[o].dialect != SQLite {
			problems = append(problems, o+" exists in SQLite but not in PostgreSQL")
		}
	}
	for _, o := range slices.Sorted(maps.Keys(allowed)) {
		d := allowed[o].dialect
		switch {
		case pg[o] && lite[o]:
			problems = append(problems, o+" is listed as "+string(d)+" only but both dialects have it")
		case !map[Dialect]bool{Postgres: pg[o], SQLite: lite[o]}[d]:
			problems = append(problems, o+" is listed as "+string(d)+" only but "+string(d)+" lacks it")
		}
	}
	return problems
}

var (
	createRe = regexp.MustCompile(`(?i)^CREATE\s+(?:OR\s+REPLACE\s+)?(UNIQUE\s+)?(TABLE|VIEW|INDEX|FUNCTION|TRIGGER)\s+` +
		`(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?` + nameRe + `(.*)$`)
	dropRe  = regexp.MustCompile(`(?i)^DROP\s+(TABLE|VIEW|INDEX|FUNCTION|TRIGGER)\s+(?:CONCURRENTLY\s+)?(?:IF\s+EXISTS\s+)?` + nameRe)
	alterRe = regexp.MustCompile(`(?i)^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?` + nameRe + `\s+(.*)$`)
	addRe   = regexp.MustCompile(`(?i)^ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?` + nameRe)
	dropCol = regexp.MustCompile(`(?i)^DROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?` + nameRe)
	renCol  = regexp.MustCompile(`(?i)^RENAME\s+(?:COLUMN\s+)?` + nameRe + `\s+TO\s+` + nameRe + `$`)
	// ddlRe is a statement that schemaObjects must understand or refuse.
	ddlRe       = regexp.MustCompile(`(?i)^(CREATE|ALTER|DROP)\b`)
	ifNotExists = regexp.MustCompile(`(?i)\bIF\s+NOT\s+EXISTS\b|^CREATE\s+OR\s+REPLACE\b`)
	ifExists    = regexp.MustCompile(`(?i)^DROP\s+\w+\s+(?:CONCURRENTLY\s+)?IF\s+EXISTS\b`)
	addOther    = regexp.MustCompile(`(?i)^ADD\s+(CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN|EXCLUDE)\b`)
	dropOther   = regexp.MustCompile(`(?i)^DROP\s+CONSTRAINT\b`)
	triggerRe   = regexp.MustCompile(`(?i)^\s*CREATE\s+(?:TEMP(?:ORARY)?\s+)?TRIGGER\b`)
)

// nameRe matches an object name, optionally schema-qualified and quoted;
// the last part is the name.
const nameRe = `((?:(?:"[^"]+"|\w+)\.)?(?:"[^"]+"|\w+))`

// schemaObjects applies the migration texts in order and returns the
// objects left: "TABLE t", "COLUMN t.c", "VIEW v", "INDEX i" or "UNIQUE
// INDEX i", "FUNCTION f", "TRIGGER g". A CREATE, ALTER or DROP it does not
// understand is an error, so that a new kind of statement is taught to
// this test rather than skipped.
func schemaObjects(texts ...string) (map[string]bool, error) {
	objs := map[string]bool{}
	for _, text := range texts {
		stmts, err := splitStatements(text)
		if err != nil {
			return nil, err
		}
		for _, st := range stmts {
			if err := applyDDL(objs, st); err != nil {
				return nil, err
			}
		}
	}
	return objs, nil
}

func applyDDL(objs map[string]bool, st string) error {
	if m := createRe.FindStringSubmatch(st); m != nil {
		kind, name := strings.ToUpper(m[2]), objectName(m[3])
		if m[1] != "" {
			if kind != "INDEX" {
				return fmt.Errorf("UNIQUE %s: %.80s", kind, st)
			}
			kind = "UNIQUE INDEX"
		}
		key := kind + " " + name
		if objs[key] || kind == "INDEX" && objs["UNIQUE INDEX "+name] || kind == "UNIQUE INDEX" && objs["INDEX "+name] {
			if ifNotExists.MatchString(st) {
				return nil
			}
			return fmt.Errorf("%s created twice", key)
		}
		objs[key] = true
		if kind == "TABLE" {
			cols, err := tableColumns(m[4])
			if err != nil {
				return fmt.Errorf("table %s: %w", name, err)
			}
			for _, c := range cols {
				objs["COLUMN "+name+"."+c] = true
			}
		}
		return nil
	}
	if m := dropRe.FindStringSubmatch(st); m != nil {
		kind, name := strings.ToUpper(m[1]), objectName(m[2])
		keys := []string{kind + " " + name}
		if kind == "INDEX" {
			keys = append(keys, "UNIQUE INDEX "+name)
		}
		found := false
		for _, k := range keys {
			found = found || objs[k]
			delete(objs, k)
		}
		if kind == "TABLE" {
			for k := range objs {
				if strings.HasPrefix(k, "COLUMN "+name+".") {
					delete(objs, k)
				}
			}
		}
		if !found && !ifExists.MatchString(st) {
			return fmt.Errorf("drop of a missing %s %s", kind, name)
		}
		return nil
	}
	if m := alterRe.FindStringSubmatch(st); m != nil {
		table := objectName(m[1])
		if !objs["TABLE "+table] {
			return fmt.Errorf("alter of a missing table %s", table)
		}
		for _, action := range splitTopLevel(m[2]) {
			if err := alterColumns(objs, table, strings.TrimSpace(action)); err != nil {
				return err
			}
		}
		return nil
	}
	if ddlRe.MatchString(st) {
		return fmt.Errorf("DDL this test does not understand yet: %.80s", st)
	}
	return nil
}

// alterColumns applies one ALTER TABLE action to table's columns. Any other
// action (a constraint, a column's type or default) is refused: this test
// does not compare those, so a migration that needs one teaches it here.
func alterColumns(objs map[string]bool, table, action string) error {
	col := func(name string) string { return "COLUMN " + table + "." + objectName(name) }
	switch {
	case addOther.MatchString(action):
		// ADD CONSTRAINT and the like would match addRe as a column.
	case addRe.MatchString(action):
		objs[col(addRe.FindStringSubmatch(action)[1])] = true
		return nil
	case dropCol.MatchString(action) && !dropOther.MatchString(action):
		delete(objs, col(dropCol.FindStringSubmatch(action)[1]))
		return nil
	case renCol.MatchString(action):
		m := renCol.FindStringSubmatch(action)
		delete(objs, col(m[1]))
		objs[col(m[2])] = true
		return nil
	}
	return fmt.Errorf("ALTER TABLE %s action this test does not understand yet: %.80s", table, action)
}

// tableColumns returns the column names of a CREATE TABLE's definition
// "(col type ..., constraint ...) options".
func tableColumns(def string) ([]string, error) {
	def = strings.TrimSpace(def)
	if !strings.HasPrefix(def, "(") {
		return nil, fmt.Errorf("no column list in %.80q", def)
	}
	depth, end := 0, -1
	for i, r := range def {
		if r == '(' {
			depth++
		} else if r == ')' {
			depth--
			if depth == 0 {
				end = i
				break
			}
		}
	}
	if end < 0 {
		return nil, fmt.Errorf("unbalanced parentheses in %.80q", def)
	}
	var cols []string
	for _, item := range splitTopLevel(def[1:end]) {
		f := strings.Fields(item)
		if len(f) == 0 {
			return nil, fmt.Errorf("empty column in %.80q", def)
		}
		switch strings.ToUpper(f[0]) {
		case "CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "EXCLUDE":
			continue
		}
		cols = append(cols, objectName(f[0]))
	}
	return cols, nil
}

// splitTopLevel splits s at the commas outside parentheses. Literals are
// not looked into: column definitions and ALTER actions hold no commas in
// quotes in these migrations, and a miscount shows as a mismatch.
func splitTopLevel(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

// objectName is the last part of a name nameRe matched: unquoted names
// fold to lower case, quoted ones keep theirs.
func objectName(s string) string {
	if strings.HasSuffix(s, `"`) {
		return s[strings.LastIndex(s[:len(s)-1], `"`)+1 : len(s)-1]
	}
	return strings.ToLower(s[strings.LastIndex(s, ".")+1:])
}

// splitStatements returns the statements of a migration with comments
// removed and whitespace collapsed. String literals, quoted identifiers and
// dollar-quoted bodies are kept whole, and a CREATE TRIGGER's BEGIN ... END
// body (SQLite) stays in its statement.
func splitStatements(sql string) ([]string, error) {
	var stmts []string
	var cur strings.Builder
	depth := 0 // BEGIN or CASE ... END nesting within a trigger
	flush := func() {
		if st := strings.Join(strings.Fields(cur.String()), " "); st != "" {
			stmts = append(stmts, st)
		}
		cur.Reset()
		depth = 0
	}
	isWord := func(b byte) bool {
		return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
	}
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case strings.HasPrefix(sql[i:], "--"):
			n := strings.IndexByte(sql[i:], '\n')
			if n < 0 {
				n = len(sql) - i
			}
			i += n
			cur.WriteByte(' ')
		case strings.HasPrefix(sql[i:], "/*"):
			n := strings.Index(sql[i+2:], "*/")
			if n < 0 {
				return nil, fmt.Errorf("unterminated comment at byte %d", i)
			}
			i += n + 4
			cur.WriteByte(' ')
		case c == '\'' || c == '"':
			n := strings.IndexByte(sql[i+1:], c)
			if n < 0 {
				return nil, fmt.Errorf("unterminated quote at byte %d", i)
			}
			cur.WriteString(sql[i : i+n+2])
			i += n + 2
		case c == '$' && (i == 0 || !isWord(sql[i-1])):
			j := i + 1
			for j < len(sql) && isWord(sql[j]) && !(j == i+1 && sql[j] >= '0' && sql[j] <= '9') {
				j++
			}
			if j >= len(sql) || sql[j] != '$' {
				cur.WriteByte(c) // a parameter such as $1
				i++
				continue
			}
			tag := sql[i : j+1]
			n := strings.Index(sql[j+1:], tag)
			if n < 0 {
				return nil, fmt.Errorf("unterminated %s body at byte %d", tag, i)
			}
			end := j + 1 + n + len(tag)
			cur.WriteString(sql[i:end])
			i = end
		case isWord(c):
			j := i
			for j < len(sql) && isWord(sql[j]) {
				j++
			}
			word := strings.ToUpper(sql[i:j])
			if triggerRe.MatchString(cur.String()) {
				switch word {
				case "BEGIN", "CASE":
					depth++
				case "END":
					depth--
				}
			}
			cur.WriteString(sql[i:j])
			i = j
		case c == ';' && depth == 0:
			flush()
			i++
		default:
			cur.WriteByte(c)
			i++
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("trigger body without its END")
	}
	flush()
	return stmts, nil
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
