package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"kopit/internal/platform/db"
	"kopit/internal/seal"
)

// openSealMaster loads the master key that unwraps the tenders' bid keys. A
// new key is created only while no tender has sealed bids yet: starting with a
// fresh key over existing tenders (after a restore without the key, or a
// wrong KOPIT_SEAL_KEY_FILE) would make every sealed bid unreadable, so kopit
// refuses to start and says which key it needs.
func openSealMaster(ctx context.Context, d *db.DB, path string) (*seal.Master, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		var sealed int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM tender_keys").Scan(&sealed); err != nil {
			return nil, fmt.Errorf("seal key check: %w", err)
		}
		if sealed > 0 {
			return nil, fmt.Errorf("the seal master key %s is missing, but %d tenders have sealed keys that only it can open: "+
				"put the key back from its separate backup (docs/OPERATIONS.md) or set KOPIT_SEAL_KEY_FILE; kopit will not create a new one", path, sealed)
		}
	}
	return seal.LoadOrCreateMaster(path)
}
