package agreement

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/money"
)

// reserve adds cents to the agreement's and the member's running totals in
// tx. Each is one conditional UPDATE that the database evaluates against the
// current row (PostgreSQL re-checks the WHERE clause after waiting for a
// concurrent writer's row lock; SQLite has one writer at a time), so no
// interleaving of call-offs can push either total past its maximum. When an
// UPDATE changes no row the call-off is refused and the caller rolls the
// transaction back, undoing the other UPDATE as well. The agreement row is
// always locked before the member row, so concurrent call-offs cannot
// deadlock. day is today in Europe/Berlin; the term is checked in the same
// statement. lang formats the amounts in the refusal.
func reserve(ctx context.Context, tx *db.Tx, agreementID, orgID string, cents int64, day, lang string) error {
	if cents <= 0 {
		return errs.E(errs.Conflict, "calloff.error.empty")
	}
	res, err := tx.ExecContext(ctx, `UPDATE agreements SET called_cents = called_cents + ?
		WHERE id = ? AND status = 'active' AND starts_on <= ? AND ends_on >= ? AND called_cents + ? <= max_cents`,
		cents, agreementID, day, day, cents)
	if err != nil {
		return fmt.Errorf("reserve agreement quota: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return agreementRefusal(ctx, tx, agreementID, day, lang)
	}
	res, err = tx.ExecContext(ctx, `UPDATE agreement_members SET called_cents = called_cents + ?
		WHERE agreement_id = ? AND org_id = ? AND called_cents + ? <= max_cents`, cents, agreementID, orgID, cents)
	if err != nil {
		return fmt.Errorf("reserve member quota: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		var maxC, called int64
		err := tx.QueryRowContext(ctx, "SELECT max_cents, called_cents FROM agreement_members WHERE agreement_id = ? AND org_id = ?",
			agreementID, orgID).Scan(&maxC, &called)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.Forbidden, "calloff.error.not_entitled")
		}
		if err != nil {
			return err
		}
		return errs.E(errs.Conflict, "calloff.error.member_quota", money.FormatCents(maxC-called, lang)+" €")
	}
	return nil
}

// agreementRefusal names why the agreement's UPDATE changed nothing.
func agreementRefusal(ctx context.Context, tx *db.Tx, agreementID, day, lang string) error {
	var status, starts, ends string
	var maxC, called int64
	err := tx.QueryRowContext(ctx, "SELECT status, starts_on, ends_on, max_cents, called_cents FROM agreements WHERE id = ?",
		agreementID).Scan(&status, &starts, &ends, &maxC, &called)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return errs.ErrNotFound
	case err != nil:
		return err
	case status != string(Active):
		return errs.E(errs.Conflict, "calloff.error.not_active")
	case day < starts || day > ends:
		return errs.E(errs.Conflict, "calloff.error.outside_term", starts, ends)
	}
	return errs.E(errs.Conflict, "calloff.error.agreement_quota", money.FormatCents(maxC-called, lang)+" €")
}

// release gives cents back to both running totals (a rejected call-off or a
// declined approval); the CHECK constraints keep the totals from going
// negative, and a release that finds nothing to release is an error.
func release(ctx context.Context, tx *db.Tx, agreementID, orgID string, cents int64) error {
	res, err := tx.ExecContext(ctx, "UPDATE agreements SET called_cents = called_cents - ? WHERE id = ? AND called_cents >= ?",
		cents, agreementID, cents)
	if err != nil {
		return fmt.Errorf("release agreement quota: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("release agreement quota: %d cents not reserved on %s", cents, agreementID)
	}
	res, err = tx.ExecContext(ctx, `UPDATE agreement_members SET called_cents = called_cents - ?
		WHERE agreement_id = ? AND org_id = ? AND called_cents >= ?`, cents, agreementID, orgID, cents)
	if err != nil {
		return fmt.Errorf("release member quota: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("release member quota: %d cents not reserved for %s", cents, orgID)
	}
	return nil
}
