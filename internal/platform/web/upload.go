package web

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"

	"kopit/internal/platform/errs"
)

// Upload is a file from a multipart form, held in memory.
type Upload struct {
	Name string
	Data []byte
}

// DefaultMaxField bounds a plain field of a multipart form unless the caller
// sets another limit with MaxField.
const DefaultMaxField = 4096

// ErrNotMultipart is returned (wrapped) by ReadMultipart for a request that
// is not a well-formed multipart form; the caller reports it at its file
// field.
var ErrNotMultipart = errors.New("web: not a multipart form")

// MultipartOption changes a limit of ReadMultipart.
type MultipartOption func(*multipartLimits)

type multipartLimits struct {
	field int64
}

// MaxField sets the largest plain field in bytes (DefaultMaxField if not
// given): forms with long texts, such as a question or an article, need more.
func MaxField(n int64) MultipartOption {
	return func(l *multipartLimits) {
		if n > 0 {
			l.field = n
		}
	}
}

// ReadMultipart reads a multipart form as a stream: plain fields into a map,
// files into memory. A field name or value or a file name with a NUL byte or
// invalid UTF-8 — which PostgreSQL refuses in a text column, and which only a
// crafted request sends — is refused as invalid, as the form middleware
// refuses it in other forms. A plain field longer than its limit (DefaultMaxField or
// MaxField) is refused with a validation error at that field
// ("error.too_long") rather than cut short, so no text is ever stored
// truncated. A file is read up to maxFile+1 bytes, so that an oversized file
// is recognised without holding more of it; the route's body limit bounds
// the whole request.
func ReadMultipart(r *http.Request, maxFile int64, opts ...MultipartOption) (map[string]string, []Upload, error) {
	lim := multipartLimits{field: DefaultMaxField}
	for _, o := range opts {
		o(&lim)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, ErrNotMultipart
	}
	fields := map[string]string{}
	var files []Upload
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return fields, files, nil
		}
		if err != nil {
			return nil, nil, bodyError(err)
		}
		if err := readUploadPart(part, maxFile, lim, fields, &files); err != nil {
			return nil, nil, bodyError(err)
		}
	}
}

// bodyError passes on a *http.MaxBytesError (413) and a validation error;
// anything else the multipart reader finds — a missing boundary, a broken
// part header, a body that ends early — is the client's malformed form, not
// a server error, and is reported as ErrNotMultipart.
func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if _, ok := errs.As(err); ok || errors.As(err, &tooBig) {
		return err
	}
	return fmt.Errorf("%w (%w)", ErrNotMultipart, err)
}

func readUploadPart(part *multipart.Part, maxFile int64, lim multipartLimits, fields map[string]string, files *[]Upload) error {
	defer part.Close()
	if part.FileName() == "" {
		b, err := io.ReadAll(io.LimitReader(part, lim.field+1))
		if err != nil {
			return err
		}
		if int64(len(b)) > lim.field {
			return errs.Field(part.FormName(), "error.too_long")
		}
		if !storable(part.FormName()) || !storable(string(b)) {
			return errs.E(errs.Invalid, "error.invalid")
		}
		fields[part.FormName()] = string(b)
		return nil
	}
	if !storable(part.FormName()) || !storable(part.FileName()) {
		return errs.E(errs.Invalid, "error.invalid")
	}
	data, err := io.ReadAll(io.LimitReader(part, maxFile+1))
	if err != nil {
		return err
	}
	*files = append(*files, Upload{Name: part.FileName(), Data: data})
	return nil
}
