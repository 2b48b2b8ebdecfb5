package advice

import (
	"html/template"

	"kopit/internal/platform/markdown"
)

// RenderMarkdown turns an article's Markdown into safe HTML (the shared
// renderer in platform/markdown: GFM, no raw HTML, bluemonday allow-list).
func RenderMarkdown(src string) (template.HTML, error) { return markdown.Render(src) }
