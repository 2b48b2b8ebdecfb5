// Package markdown renders what members write (knowledge-base articles,
// posts in working groups) as safe HTML.
package markdown

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// CommonMark with tables, strikethrough and autolinks (GFM). Raw HTML in the
// source is not passed through (goldmark's default), and the result is
// sanitised once more by an allow-list policy, so neither a script nor an
// event handler nor a javascript: URL reaches a page, whatever an author
// writes.
var (
	converter = goldmark.New(goldmark.WithExtensions(extension.GFM))
	policy    = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.RequireNoFollowOnLinks(true)
		p.AllowURLSchemes("https", "http", "mailto")
		return p
	}()
)

// Render turns Markdown into safe HTML.
func Render(src string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := converter.Convert([]byte(src), &buf); err != nil {
		return "", err
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())), nil // #nosec G203 -- sanitised by the allow-list policy above
}
