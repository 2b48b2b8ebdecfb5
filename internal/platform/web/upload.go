package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
)

// Upload is a file from a multipart form, held in memory.
type Upload struct {
	Name string
	Data []byte
}

// maxFormField bounds a plain field of a multipart form.
const maxFormField = 4096

// ErrNotMultipart is returned by ReadMultipart for a request that is not a
// multipart form; the caller reports it at its file field.
var ErrNotMultipart = errors.New("web: not a multipart form")

// ReadMultipart reads a multipart form as a stream: plain fields (up to 4 KiB
// each) into a map, files into memory. A file is read up to maxFile+1 bytes,
// so that an oversized file is recognised without holding more of it; the
// route's body limit bounds the whole request.
func ReadMultipart(r *http.Request, maxFile int64) (map[string]string, []Upload, error) {
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
			return nil, nil, err // *http.MaxBytesError becomes 413
		}
		if err := readUploadPart(part, maxFile, fields, &files); err != nil {
			return nil, nil, err
		}
	}
}

func readUploadPart(part *multipart.Part, maxFile int64, fields map[string]string, files *[]Upload) error {
	defer part.Close()
	if part.FileName() == "" {
		b, err := io.ReadAll(io.LimitReader(part, maxFormField))
		if err != nil {
			return err
		}
		fields[part.FormName()] = string(b)
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(part, maxFile+1))
	if err != nil {
		return err
	}
	*files = append(*files, Upload{Name: part.FileName(), Data: data})
	return nil
}
