package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

// Templates are parsed once at start-up; a missing or broken template stops
// the program instead of failing on the first request.
type Templates struct {
	pages         map[string]*template.Template
	staticVersion string
}

// ParseTemplates parses the layout and partials from base and every page file
// (*.html other than layout.html and partials.html) from base and the module
// file systems. Page names must be unique.
func ParseTemplates(base fs.FS, static fs.FS, modules ...fs.FS) (*Templates, error) {
	version, err := hashTree(static)
	if err != nil {
		return nil, err
	}
	t := &Templates{pages: map[string]*template.Template{}, staticVersion: version}
	root, err := template.New("layout.html").Funcs(funcs).ParseFS(base, "layout.html", "partials.html")
	if err != nil {
		return nil, fmt.Errorf("layout: %w", err)
	}
	// Files named _*.html hold a module's partials; every page may use them.
	for _, fsys := range modules {
		partials, err := fs.Glob(fsys, "_*.html")
		if err != nil {
			return nil, err
		}
		if len(partials) > 0 {
			if root, err = root.ParseFS(fsys, partials...); err != nil {
				return nil, fmt.Errorf("partials: %w", err)
			}
		}
	}
	for _, fsys := range append([]fs.FS{base}, modules...) {
		names, err := fs.Glob(fsys, "*.html")
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			if name == "layout.html" || name == "partials.html" || strings.HasPrefix(name, "_") {
				continue
			}
			page := strings.TrimSuffix(name, ".html")
			if _, dup := t.pages[page]; dup {
				return nil, fmt.Errorf("template %s defined twice", name)
			}
			clone, err := root.Clone()
			if err != nil {
				return nil, err
			}
			if t.pages[page], err = clone.ParseFS(fsys, name); err != nil {
				return nil, fmt.Errorf("template %s: %w", name, err)
			}
		}
	}
	return t, nil
}

// Has reports whether a page template exists.
func (t *Templates) Has(page string) bool { _, ok := t.pages[page]; return ok }

// StaticVersion is the content hash that versions /static URLs.
func (t *Templates) StaticVersion() string { return t.staticVersion }

// Render writes page name with data p and the status code. It renders into a
// buffer first so that a template error never leaves half a page.
func (s *Server) Render(w http.ResponseWriter, r *http.Request, code int, name string, p *Page) {
	tpl, ok := s.tpl.pages[name]
	if !ok {
		s.log.Error("missing template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := tpl.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.log.Error("render failed", "template", name, "request_id", RequestID(r), "err", err)
		http.Error(w, "internal error "+RequestID(r), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// StaticHandler serves the embedded assets under /static/<version>/ with an
// immutable cache lifetime; a stale version gives 404.
func (t *Templates) StaticHandler(static fs.FS) http.Handler {
	files := http.FileServerFS(static)
	prefix := "/static/" + t.staticVersion
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, prefix+"/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/static" + strings.TrimPrefix(r.URL.Path, prefix)
		files.ServeHTTP(w, r2)
	})
}

func hashTree(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path.Clean(p), len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:12], err
}

var funcs = template.FuncMap{
	"add":  func(a, b int) int { return a + b },
	"list": func(xs ...string) []string { return xs },
}

// Sub returns the directory dir of an embedded file system; modules use it
// for their templates. dir is a literal in the module, so an error is a
// programming mistake and panics at start-up.
func Sub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
