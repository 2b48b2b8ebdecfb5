package files

import (
	"net/http"
	"path"
	"strings"
)

// Rule says which files a form accepts: the allowed extensions, each with
// the content type its first bytes must sniff as (http.DetectContentType),
// and a size limit. Modules state their own rule and share the check.
type Rule struct {
	Types    map[string]string // ".pdf" → "application/pdf"
	MaxBytes int64
}

// Reasons a file is refused; callers turn them into message keys.
const (
	RefusedEmpty    = "empty"
	RefusedTooLarge = "too_large"
	RefusedType     = "type"
	RefusedContent  = "content"
)

// Check returns why a file named name with content data is refused (one of
// the Refused… reasons), or "" when the rule accepts it.
func (r Rule) Check(name string, data []byte) string {
	want, ok := r.Types[strings.ToLower(path.Ext(name))]
	switch {
	case len(data) == 0:
		return RefusedEmpty
	case int64(len(data)) > r.MaxBytes:
		return RefusedTooLarge
	case !ok:
		return RefusedType
	case http.DetectContentType(data) != want:
		return RefusedContent
	}
	return ""
}
