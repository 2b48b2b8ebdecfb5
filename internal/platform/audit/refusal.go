package audit

import (
	"context"
	"log/slog"
	"time"

	"kopit/internal/platform/db"
)

// RecordRefusal writes the audit entry of a refused attempt (a late bid, an
// early opening …) in its own transaction: the attempt changes nothing else,
// so there is no surrounding transaction to join. The user must still get
// the refusal when this write fails, so the failure is logged, not returned —
// a missing refusal entry is an operational fault the operator must see.
func RecordRefusal(ctx context.Context, d *db.DB, at time.Time, who Actor, orgID, action, entityType, entityID string, details any) {
	err := d.InTx(ctx, func(tx *db.Tx) error {
		return Record(ctx, tx, at, who, orgID, action, entityType, entityID, details)
	})
	if err != nil {
		slog.ErrorContext(ctx, "audit: recording a refused attempt failed", "action", action,
			"entity_type", entityType, "entity_id", entityID, "err", err)
	}
}
