package sweepcli

import (
	"context"

	"github.com/sweep-ml/sweep/tracker/postgres"
)

// openPostgres opens a PostgreSQL store, applying pending migrations.
func openPostgres(ctx context.Context, dsn string) (store, error) {
	s, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		return nil, err
	}
	return s, nil
}
