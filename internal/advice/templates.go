package advice

import (
	"bytes"
	"context"
	"path"
	"slices"
	"strings"
	"time"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	ids "kopit/internal/platform/id"
)

// TemplateInput is a contract template as uploaded.
type TemplateInput struct{ Kind, Title, Version, ValidFrom, ValidUntil string }

func parseDay(s string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), clock.Berlin)
	return t.UTC(), err == nil
}

// AddTemplate stores a version of a contract template.
func (s *Service) AddTemplate(ctx context.Context, a *auth.Actor, in TemplateInput, f File) (Template, error) {
	v := errs.Validation{}
	in.Title, in.Version = strings.TrimSpace(in.Title), strings.TrimSpace(in.Version)
	if !slices.Contains(TemplateKinds, in.Kind) {
		v.Add("kind", "error.required")
	}
	text(&v, "title", in.Title, true, 200)
	text(&v, "version", in.Version, true, 40)
	from, ok := parseDay(in.ValidFrom)
	if !ok {
		v.Add("valid_from", "advice.error.date")
	}
	var until *time.Time
	if strings.TrimSpace(in.ValidUntil) != "" {
		u, ok := parseDay(in.ValidUntil)
		switch {
		case !ok:
			v.Add("valid_until", "advice.error.date")
		case !u.After(from):
			v.Add("valid_until", "advice.error.validity")
		default:
			until = &u
		}
	}
	f.Name = path.Base(strings.TrimSpace(f.Name))
	if key := checkFile(f); key != "" {
		v.Add("file", key)
	}
	if err := v.Err(); err != nil {
		return Template{}, err
	}
	ref, err := s.files.Put(ctx, bytes.NewReader(f.Data))
	if err != nil {
		return Template{}, err
	}
	now := s.clock.Now()
	t := Template{ID: ids.New(), Kind: in.Kind, Title: in.Title, Version: in.Version, ValidFrom: from, ValidUntil: until,
		Name: f.Name, FileKey: ref.Key, Size: ref.Size, UploadedAt: now}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO contract_templates (id, kind, title, version, valid_from, valid_until, name, file_key,
			size_bytes, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.ID, t.Kind, t.Title, t.Version, t.ValidFrom,
			t.ValidUntil, t.Name, t.FileKey, t.Size, a.UserID, now)
		if db.IsUniqueViolation(err) {
			return errs.Field("version", "advice.error.version_exists")
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "template.added", "contract_template", t.ID,
			map[string]any{"title": t.Title, "version": t.Version, "sha256": t.FileKey})
	})
	return t, err
}
