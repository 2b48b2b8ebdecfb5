package assembly

import (
	"context"
	"time"

	"kopit/internal/platform/db"
	"kopit/internal/privacy"
)

// PrivacySource is the general assembly's part in data subjects' requests.
// The minutes (§ 47 GenG) name the chair, the signatories, who attended for
// which member and who held proxies; the cooperative keeps them for good and
// every member may inspect them, so those names stay (Art. 17 Abs. 3 lit. b
// DSGVO). How someone voted in a secret poll is not personal data kopit has:
// the ballot box holds no voter.
type PrivacySource struct{}

// namedQuery selects the assemblies whose minutes name the subject.
const namedQuery = `SELECT title, starts_at FROM assemblies WHERE chair_user_id = ? OR signed_by = ?
	OR id IN (SELECT assembly_id FROM assembly_attendance WHERE user_id = ?)
	OR id IN (SELECT assembly_id FROM assembly_proxies WHERE holder_user_id = ?)
	ORDER BY starts_at`

func (PrivacySource) PersonalData(ctx context.Context, q db.Querier, s privacy.Subject) ([]privacy.Section, error) {
	attended, err := privacy.QuerySection(ctx, q, "assembly.attendance", `SELECT a.title AS assembly, t.org_name, t.user_name,
		t.mode, t.arrived_at, t.left_at FROM assembly_attendance t JOIN assemblies a ON a.id = t.assembly_id
		WHERE t.user_id = ? ORDER BY t.arrived_at`, s.UserID)
	if err != nil {
		return nil, err
	}
	proxies, err := privacy.QuerySection(ctx, q, "assembly.proxies", `SELECT a.title AS assembly, p.grantor_name, p.holder_name,
		p.recorded_at FROM assembly_proxies p JOIN assemblies a ON a.id = p.assembly_id WHERE p.holder_user_id = ?
		ORDER BY p.recorded_at`, s.UserID)
	if err != nil {
		return nil, err
	}
	minutes, err := privacy.QuerySection(ctx, q, "assembly.minutes", namedQuery, s.UserID, s.UserID, s.UserID, s.UserID)
	if err != nil {
		return nil, err
	}
	return []privacy.Section{attended, proxies, minutes}, nil
}

func (PrivacySource) RetentionHolds(ctx context.Context, q db.Querier, s privacy.Subject, _ time.Time) ([]privacy.Hold, error) {
	rows, err := q.QueryContext(ctx, namedQuery, s.UserID, s.UserID, s.UserID, s.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []privacy.Hold
	for rows.Next() {
		var title string
		var starts time.Time
		if err := rows.Scan(&title, &starts); err != nil {
			return nil, err
		}
		out = append(out, privacy.Hold{What: title, Basis: "privacy.basis.genG47"})
	}
	return out, rows.Err()
}

// Pseudonymise changes nothing: every record that names the subject belongs
// to the minutes.
func (PrivacySource) Pseudonymise(context.Context, *db.Tx, privacy.Subject, privacy.Pseudonym, time.Time) error {
	return nil
}
