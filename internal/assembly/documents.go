package assembly

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/files"
	"kopit/internal/platform/id"
	"kopit/internal/platform/web"
)

// Document is one version of a document of an assembly (invitation letter,
// annual accounts, motions). Its bytes are in the file store under FileKey,
// their SHA-256.
type Document struct {
	ID, AssemblyID, Name, FileKey, UploadedBy string
	Version                                   int
	Size                                      int64
	UploadedAt                                time.Time
}

// MaxDocumentBytes is the size limit of an assembly document, stated on the
// upload form.
const MaxDocumentBytes = 10 << 20

// documentRule accepts the formats the board sends members: PDF and the
// office formats ODT, DOCX and XLSX (the last three are ZIP containers).
var documentRule = files.Rule{
	Types: map[string]string{".pdf": "application/pdf", ".odt": "application/zip", ".docx": "application/zip",
		".xlsx": "application/zip"},
	MaxBytes: MaxDocumentBytes,
}

// documentTypes are the content types a download is served with.
var documentTypes = map[string]string{
	".pdf": "application/pdf", ".odt": "application/vnd.oasis.opendocument.text",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

// refusedKeys are the messages for files the rule refuses.
var refusedKeys = map[string]string{files.RefusedEmpty: "assembly.error.file_empty", files.RefusedType: "assembly.error.file_type",
	files.RefusedContent: "assembly.error.file_content"}

// uploadField is the name of the file field of the upload form.
const uploadField = "upload"

// AddDocument stores a document of an assembly; a name uploaded again
// becomes its next version. Refused uploads are audited with the reason.
func (s *Service) AddDocument(ctx context.Context, a audit.Actor, assemblyID, name string, data []byte) (Document, error) {
	asm, err := s.store.Assembly(ctx, s.db, assemblyID)
	if err != nil {
		return Document{}, err
	}
	name = path.Base(strings.TrimSpace(strings.ReplaceAll(name, `\`, "/")))
	switch reason := documentRule.Check(name, data); {
	case name == "." || name == "/" || name == "":
		err = errs.Field(uploadField, "error.required")
	case utf8.RuneCountInString(name) > 200:
		err = errs.Field(uploadField, "assembly.error.file_name")
	case reason == files.RefusedTooLarge:
		err = errs.FieldWith(uploadField, "assembly.error.file_too_large", MaxDocumentBytes>>20)
	case reason != "":
		err = errs.Field(uploadField, refusedKeys[reason])
	}
	if err != nil {
		return Document{}, s.refuse(ctx, a, "", "assembly.document_refused", "assembly", asm.ID, err,
			map[string]any{"name": name, "size": len(data)})
	}
	ref, err := s.files.Put(ctx, bytes.NewReader(data))
	if err != nil {
		return Document{}, err
	}
	now := s.clock.Now()
	doc := Document{ID: id.New(), AssemblyID: asm.ID, Name: name, FileKey: ref.Key, Size: ref.Size,
		UploadedBy: a.AuditUserID(), UploadedAt: now}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		// The version is counted and written in one statement; two uploads
		// of one name at once meet the unique key and the later one fails.
		if err := tx.QueryRowContext(ctx, `INSERT INTO assembly_documents (id, assembly_id, name, version, file_key, size_bytes,
			uploaded_by, uploaded_at) SELECT ?, ?, ?, COALESCE(MAX(version), 0) + 1, ?, ?, ?, ? FROM assembly_documents
			WHERE assembly_id = ? AND name = ? RETURNING version`, doc.ID, doc.AssemblyID, doc.Name, doc.FileKey, doc.Size,
			doc.UploadedBy, now, doc.AssemblyID, doc.Name).Scan(&doc.Version); err != nil {
			if db.IsUniqueViolation(err) {
				return errs.E(errs.Conflict, "assembly.error.document_busy")
			}
			return err
		}
		return audit.Record(ctx, tx, now, a, "", "assembly.document_added", "assembly", asm.ID,
			map[string]any{"document": doc.ID, "name": doc.Name, "version": doc.Version, "sha256": doc.FileKey, "size": doc.Size})
	})
	return doc, err
}

const documentColumns = "id, assembly_id, name, version, file_key, size_bytes, uploaded_by, uploaded_at"

func scanDocument(row interface{ Scan(...any) error }) (Document, error) {
	var d Document
	err := row.Scan(&d.ID, &d.AssemblyID, &d.Name, &d.Version, &d.FileKey, &d.Size, &d.UploadedBy, &d.UploadedAt)
	d.UploadedAt = d.UploadedAt.UTC()
	return d, err
}

// Documents lists every version of an assembly's documents, by name and
// newest version first.
func (Store) Documents(ctx context.Context, q db.Querier, assemblyID string) ([]Document, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+documentColumns+" FROM assembly_documents WHERE assembly_id = ? ORDER BY name, version DESC", assemblyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Document returns one document of an assembly; a document of another
// assembly is not found.
func (Store) Document(ctx context.Context, q db.Querier, assemblyID, id string) (Document, error) {
	d, err := scanDocument(q.QueryRowContext(ctx, "SELECT "+documentColumns+" FROM assembly_documents WHERE id = ? AND assembly_id = ?", id, assemblyID))
	if errors.Is(err, sql.ErrNoRows) {
		return d, errs.ErrNotFound
	}
	return d, err
}

func (h *Handlers) uploadDocument(w http.ResponseWriter, r *http.Request) error {
	_, uploads, err := web.ReadMultipart(r, MaxDocumentBytes)
	switch {
	case errors.Is(err, web.ErrNotMultipart):
		return h.formError(w, r, errs.Field(uploadField, "assembly.error.upload_form"), uploadField)
	case err != nil:
		return err
	case len(uploads) != 1:
		return h.formError(w, r, errs.Field(uploadField, "error.required"), uploadField)
	}
	if _, err := h.svc.AddDocument(r.Context(), web.Actor(r), r.PathValue("id"), uploads[0].Name, uploads[0].Data); err != nil {
		return h.formError(w, r, err, uploadField)
	}
	return h.back(w, r, "#documents", "assembly.flash.document")
}

// downloadDocument serves a document to everyone who may view the assembly
// (members, the board, the office's legal advisors). The route is open to
// every signed-in user so that anyone else gets 404, as for a record of
// another tenant, rather than 403: a supplier learns nothing of it.
func (h *Handlers) downloadDocument(w http.ResponseWriter, r *http.Request) error {
	if !web.Actor(r).Can(auth.ViewAssemblies) {
		return errs.ErrNotFound
	}
	d, err := h.svc.store.Document(r.Context(), h.svc.db, r.PathValue("id"), r.PathValue("doc"))
	if err != nil {
		return err
	}
	f, err := h.svc.files.Open(r.Context(), d.FileKey)
	if err != nil {
		return err
	}
	defer f.Close()
	ctype := documentTypes[strings.ToLower(path.Ext(d.Name))]
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": d.Name})
	if disposition == "" {
		disposition = "attachment"
	}
	w.Header().Set("Content-Disposition", disposition)
	_, err = io.Copy(w, f)
	return err
}
