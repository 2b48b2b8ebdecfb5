// Package web embeds the shared layout templates and the static assets (the
// vendored KERN UX design system with its licence, fonts, kopit's own CSS).
package web

import "embed"

// Templates holds layout.html, partials.html and the platform's own pages.
//
//go:embed templates/*.html
var Templates embed.FS

// Static holds the files served under /static/<version>/.
//
//go:embed static
var Static embed.FS
