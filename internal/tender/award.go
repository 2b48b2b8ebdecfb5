package tender

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"kopit/internal/law"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/i18n"
)

// Award is the decision for one lot and what followed it.
type Award struct {
	TenderID, LotID, BidID, WinnerOrg string
	ValueCents                        int64
	DecidedAt, InfoSentAt             time.Time
	StandstillDays                    int
	EarliestContract                  time.Time
	ContractAt                        *time.Time
}

// Award decides a lot for the winner of its complete evaluation, informs
// every unsuccessful bidder electronically (§ 134 GWB: the winner's name, the
// reasons, the earliest date of the contract) and starts the standstill.
func (s *Service) Award(ctx context.Context, a *auth.Actor, tenderID, lotID string) (Award, error) {
	now := s.clock.Now()
	t, lots, err := s.Evaluate(ctx, tenderID)
	if err != nil {
		return Award{}, err
	}
	if t.Status != Opened {
		return Award{}, errs.E(errs.Conflict, "error.not_evaluating")
	}
	var le *LotEvaluation
	for i := range lots {
		if lots[i].Lot.ID == lotID {
			le = &lots[i]
		}
	}
	if le == nil {
		return Award{}, errs.ErrNotFound
	}
	if le.Result == nil || !le.Result.Decided() {
		audit.RecordRefusal(ctx, s.db, now, a, "", "tender.award_refused_incomplete", "tender", t.ID, map[string]any{"lot": le.Lot.Number})
		return Award{}, errs.E(errs.Conflict, "error.award_incomplete")
	}
	pl, _, _, err := s.plans.PlanDetails(ctx, t.PlanID)
	if err != nil {
		return Award{}, err
	}
	// Information sent electronically (§ 134 Abs. 2 GWB). Below the
	// thresholds § 134 GWB does not apply; kopit still waits the same
	// period, taken from the law tables.
	days := pl.Law.StandstillDays
	if days == 0 {
		row, err := law.Default().StandstillDays(true, law.DateOf(now))
		if err != nil {
			return Award{}, err
		}
		days = row.Days
	}
	winner := le.Result.Winner
	var win OpeningRow
	for _, b := range le.Bids {
		if b.BidID == winner {
			win = b
		}
	}
	bidWinner, err := s.store.Bid(ctx, s.db, auth.AllScope(), winner)
	if err != nil {
		return Award{}, err
	}
	aw := Award{TenderID: t.ID, LotID: lotID, BidID: winner, WinnerOrg: bidWinner.OrgID, ValueCents: win.TotalCents,
		DecidedAt: now, InfoSentAt: now, StandstillDays: days, EarliestContract: law.EarliestContract(law.DateOf(now), days)}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO awards (tender_id, lot_id, bid_id, winner_org, value_cents, decided_by, decided_at,
			info_sent_at, standstill_days, earliest_contract) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, aw.TenderID, aw.LotID,
			aw.BidID, aw.WinnerOrg, aw.ValueCents, a.UserID, aw.DecidedAt, aw.InfoSentAt, aw.StandstillDays, aw.EarliestContract)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "error.award_exists")
		}
		if err != nil {
			return err
		}
		for _, r := range le.Result.Ranking {
			if r.BidID == winner {
				continue
			}
			if err := s.inform(ctx, tx, t, le.Lot, r.BidID, win.Bidder, aw.EarliestContract, "info.reason_rank", r.Rank); err != nil {
				return err
			}
		}
		for _, x := range le.Result.Excluded {
			var reasons []string
			for _, f := range x.Failures {
				reasons = append(reasons, f.Reason)
			}
			if err := s.inform(ctx, tx, t, le.Lot, x.BidID, win.Bidder, aw.EarliestContract, "info.reason_excluded", strings.Join(reasons, "; ")); err != nil {
				return err
			}
		}
		if err := s.maybeAdvance(ctx, tx, t, Opened, Awarded, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "tender.awarded", "tender", t.ID, map[string]any{"lot": le.Lot.Number,
			"bid": winner, "winner": win.Bidder, "value_cents": win.TotalCents, "earliest_contract": aw.EarliestContract})
	})
	return aw, err
}

// inform mails the § 134 GWB information to an unsuccessful bidder.
func (s *Service) inform(ctx context.Context, tx *db.Tx, t Tender, l Lot, bidID, winner string, earliest time.Time, reasonKey string, reasonArgs ...any) error {
	b, err := s.store.Bid(ctx, tx, auth.AllScope(), bidID)
	if err != nil {
		return err
	}
	contacts, err := s.dir.Contacts(ctx, b.OrgID, auth.SupplierUser)
	if err != nil {
		return err
	}
	for _, c := range contacts {
		reason := s.cat.T(c.Lang, reasonKey, reasonArgs...)
		body := s.cat.T(c.Lang, "mail.info.body", t.Reference, t.Title, l.Number, l.Title, winner, reason, i18n.DateTime(c.Lang, earliest))
		if err := s.mailer.Enqueue(ctx, tx, c.Email, s.cat.T(c.Lang, "mail.info.subject", t.Reference), body); err != nil {
			return err
		}
	}
	return audit.Record(ctx, tx, s.clock.Now(), audit.System{}, b.OrgID, "tender.information_sent", "tender", t.ID,
		map[string]any{"bid": bidID, "lot": l.Number, "earliest_contract": earliest})
}

// maybeAdvance moves the tender on when every lot that received bids has
// reached the stage (a lot without bids cannot be awarded).
func (s *Service) maybeAdvance(ctx context.Context, tx *db.Tx, t Tender, from, to Status, at time.Time) error {
	var done, lots int
	col := "1 = 1"
	if to == Concluded {
		col = "contract_at IS NOT NULL"
	}
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM awards WHERE tender_id = ? AND "+col, t.ID).Scan(&done); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(DISTINCT lot_id) FROM bids WHERE tender_id = ? AND status = 'submitted'", t.ID).Scan(&lots); err != nil {
		return err
	}
	if done < lots {
		return nil
	}
	_, err := s.store.setStatus(ctx, tx, t.ID, from, to, at)
	return err
}

// ConcludeContract concludes the contract of an awarded lot, never before the
// standstill has ended: a contract concluded earlier would be ineffective
// (§ 135 GWB). A refused attempt is audited.
func (s *Service) ConcludeContract(ctx context.Context, a *auth.Actor, tenderID, lotID string) error {
	now := s.clock.Now()
	aw, err := s.store.Award(ctx, s.db, tenderID, lotID)
	if err != nil {
		return err
	}
	if aw.ContractAt != nil {
		return errs.E(errs.Conflict, "error.contract_exists")
	}
	if now.Before(aw.EarliestContract) {
		audit.RecordRefusal(ctx, s.db, now, a, "", "tender.contract_refused_standstill", "tender", tenderID, map[string]any{"lot": lotID})
		return errs.E(errs.Conflict, "error.standstill", i18n.DateTime(a.Lang, aw.EarliestContract))
	}
	t, err := s.store.Tender(ctx, s.db, tenderID)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE awards SET contract_at = ?, contract_by = ? WHERE tender_id = ? AND lot_id = ? AND contract_at IS NULL",
			now, a.UserID, tenderID, lotID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "error.contract_exists")
		}
		if err := s.maybeAdvance(ctx, tx, t, Awarded, Concluded, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "tender.contract_concluded", "tender", tenderID,
			map[string]any{"lot": lotID, "bid": aw.BidID, "value_cents": aw.ValueCents})
	})
}

// Award loads a lot's award.
func (Store) Award(ctx context.Context, q db.Querier, tenderID, lotID string) (Award, error) {
	var aw Award
	var contract sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT tender_id, lot_id, bid_id, winner_org, value_cents, decided_at, info_sent_at, standstill_days,
		earliest_contract, contract_at FROM awards WHERE tender_id = ? AND lot_id = ?`, tenderID, lotID).Scan(&aw.TenderID, &aw.LotID,
		&aw.BidID, &aw.WinnerOrg, &aw.ValueCents, &aw.DecidedAt, &aw.InfoSentAt, &aw.StandstillDays, &aw.EarliestContract, &contract)
	if errors.Is(err, sql.ErrNoRows) {
		return aw, errs.ErrNotFound
	}
	if contract.Valid {
		c := contract.Time
		aw.ContractAt = &c
	}
	return aw, err
}

// Awards lists a tender's awards by lot id.
func (Store) Awards(ctx context.Context, q db.Querier, tenderID string) (map[string]Award, error) {
	rows, err := q.QueryContext(ctx, "SELECT lot_id FROM awards WHERE tender_id = ?", tenderID)
	if err != nil {
		return nil, err
	}
	var lotIDs []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		lotIDs = append(lotIDs, id)
	}
	rows.Close()
	out := map[string]Award{}
	for _, id := range lotIDs {
		aw, err := Store{}.Award(ctx, q, tenderID, id)
		if err != nil {
			return nil, fmt.Errorf("award %s: %w", id, err)
		}
		out[id] = aw
	}
	return out, nil
}
