package tender

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"path"
	"strings"
	"time"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	ids "kopit/internal/platform/id"
	"kopit/internal/platform/web"
)

// TenderDocument is one version of a tender document.
type TenderDocument struct {
	ID, TenderID, Name, FileKey, Note string
	Version                           int
	Size                              int64
	UploadedAt                        time.Time
}

// AddDocument stores a document (the next version when the name exists).
// After publication every following supplier is told what changed.
func (s *Service) AddDocument(ctx context.Context, a *auth.Actor, tenderID string, d Document, note string) (TenderDocument, error) {
	now := s.clock.Now()
	t, err := s.store.Tender(ctx, s.db, tenderID)
	if err != nil {
		return TenderDocument{}, err
	}
	if t.Status != Draft && !t.Open(now) {
		return TenderDocument{}, errs.E(errs.Conflict, "error.documents_closed")
	}
	v := errs.Validation{}
	d.Name = path.Base(strings.TrimSpace(d.Name))
	if key := checkDocument(d); key != "" {
		v.Add("document", key)
	}
	note = strings.TrimSpace(note)
	text(&v, "note", note, false, 2000)
	if err := v.Err(); err != nil {
		return TenderDocument{}, err
	}
	ref, err := s.files.Put(ctx, bytes.NewReader(d.Data))
	if err != nil {
		return TenderDocument{}, err
	}
	doc := TenderDocument{ID: ids.New(), TenderID: t.ID, Name: d.Name, FileKey: ref.Key, Size: ref.Size, Note: note, UploadedAt: now}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) + 1 FROM tender_documents WHERE tender_id = ? AND name = ?",
			t.ID, doc.Name).Scan(&doc.Version); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tender_documents (id, tender_id, name, version, file_key, size_bytes, note,
			uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, doc.ID, doc.TenderID, doc.Name, doc.Version, doc.FileKey,
			doc.Size, doc.Note, a.UserID, now); err != nil {
			return err
		}
		if t.Status != Draft {
			if err := s.notifyChange(ctx, tx, t, doc); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, a, "", "tender.document_added", "tender", t.ID,
			map[string]any{"name": doc.Name, "version": doc.Version, "sha256": doc.FileKey, "note": note})
	})
	return doc, err
}

// notifyChange tells every following supplier about a changed document.
func (s *Service) notifyChange(ctx context.Context, tx *db.Tx, t Tender, doc TenderDocument) error {
	_, err := s.mailFollowers(ctx, tx, t, "mail.document.subject", "mail.document.body",
		t.Title, doc.Name, doc.Version, doc.Note, s.baseURL+"/ausschreibungen/"+t.ID)
	return err
}

// mailFollowers sends one mail to every supplier user of every organisation
// following the tender, each in their language; it returns how many
// organisations follow.
func (s *Service) mailFollowers(ctx context.Context, tx *db.Tx, t Tender, subjectKey, bodyKey string, args ...any) (int, error) {
	orgs, err := s.store.followers(ctx, tx, t.ID)
	if err != nil {
		return 0, err
	}
	for _, org := range orgs {
		contacts, err := s.dir.Contacts(ctx, org, auth.SupplierUser)
		if err != nil {
			return 0, err
		}
		for _, c := range contacts {
			if err := s.mailer.Enqueue(ctx, tx, c.Email, s.cat.T(c.Lang, subjectKey, t.Reference), s.cat.T(c.Lang, bodyKey, args...)); err != nil {
				return 0, err
			}
		}
	}
	return len(orgs), nil
}

// Documents lists every version of a tender's documents, newest first.
func (Store) Documents(ctx context.Context, q db.Querier, tenderID string) ([]TenderDocument, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, tender_id, name, version, file_key, size_bytes, note, uploaded_at
		FROM tender_documents WHERE tender_id = ? ORDER BY name, version DESC`, tenderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TenderDocument
	for rows.Next() {
		var d TenderDocument
		if err := rows.Scan(&d.ID, &d.TenderID, &d.Name, &d.Version, &d.FileKey, &d.Size, &d.Note, &d.UploadedAt); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func (Store) document(ctx context.Context, q db.Querier, tenderID, id string) (TenderDocument, error) {
	var d TenderDocument
	err := q.QueryRowContext(ctx, `SELECT id, tender_id, name, version, file_key, size_bytes, note, uploaded_at FROM tender_documents
		WHERE id = ? AND tender_id = ?`, id, tenderID).Scan(&d.ID, &d.TenderID, &d.Name, &d.Version, &d.FileKey, &d.Size, &d.Note, &d.UploadedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return d, errs.ErrNotFound
	}
	return d, err
}

func (h *Handlers) uploadDocument(w http.ResponseWriter, r *http.Request) error {
	fields, docs, err := readMultipart(r, "document")
	if err != nil {
		return err
	}
	if len(docs) != 1 {
		return h.formError(w, r, errs.Field("document", "error.required"), "document", true)
	}
	if _, err := h.svc.AddDocument(r.Context(), web.Actor(r), r.PathValue("id"), docs[0], fields["note"]); err != nil {
		return h.formError(w, r, err, "document", true)
	}
	return h.web.Redirect(w, r, "/tenders/"+r.PathValue("id")+"#documents", "flash.document_added")
}

// downloadDocument serves a document: to everyone once the tender is
// published (free, unrestricted access, § 41 VgV), to the office before.
func (h *Handlers) downloadDocument(w http.ResponseWriter, r *http.Request) error {
	t, err := h.svc.store.Tender(r.Context(), h.svc.db, r.PathValue("id"))
	if err != nil {
		return err
	}
	if t.Status == Draft && !web.Actor(r).Can(auth.ViewTenders) {
		return errs.ErrNotFound
	}
	d, err := h.svc.store.document(r.Context(), h.svc.db, t.ID, r.PathValue("doc"))
	if err != nil {
		return err
	}
	f, err := h.svc.files.Open(r.Context(), d.FileKey)
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(d.Name, `"`, "")+`"`)
	_, err = io.Copy(w, f)
	return err
}
