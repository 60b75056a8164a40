package sweepcli

import (
	"context"
	"errors"
)

// openPostgres opens a PostgreSQL store.
func openPostgres(ctx context.Context, dsn string) (store, error) {
	return nil, errors.New("PostgreSQL support is not built into this binary yet")
}
