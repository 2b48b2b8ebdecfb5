// Package web embeds the shared layout templates and the static assets (the
// vendored KERN UX design system with its licence, fonts, kopit's own CSS).
package web

import (
	"embed"
	"io/fs"
)

//go:embed templates/*.html
var templates embed.FS

// Static holds the files served under /static/<version>/ (paths start with
// "static/").
//
//go:embed static
var Static embed.FS

// Templates holds layout.html, partials.html and the platform's own pages.
func Templates() fs.FS {
	sub, err := fs.Sub(templates, "templates")
	if err != nil {
		panic(err)
	}
	return sub
}
