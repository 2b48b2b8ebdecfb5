package ocds

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// ReleasePackage writes an OCDS 1.1.5 release package with releases, e.g.
// the release of one stage of one procedure. uri identifies the package
// (ideally the URL it can be downloaded from); publishedDate is when its
// content last changed. The output is indented JSON ending in a newline.
func ReleasePackage(publisher Publisher, uri string, publishedDate time.Time, releases ...Release) ([]byte, error) {
	fields := validatePackage(publisher, uri, publishedDate)
	if len(releases) == 0 {
		fields = append(fields, FieldError{"releases", CodeRequired, "a release package needs at least one release"})
	}
	seen := map[string]bool{}
	raw := make([]json.RawMessage, len(releases))
	for i, r := range releases {
		b, err := r.MarshalJSON()
		if err != nil {
			fields = append(fields, FieldError{fmt.Sprintf("releases[%d]", i), CodeRequired, err.Error()})
			continue
		}
		if key := r.OCID + "\x00" + r.ID; seen[key] {
			fields = append(fields, FieldError{fmt.Sprintf("releases[%d]", i), CodeDuplicate, fmt.Sprintf("release %q of %q is given twice", r.ID, r.OCID)})
		} else {
			seen[key] = true
		}
		raw[i] = b
	}
	if len(fields) > 0 {
		return nil, &ValidationError{Subject: "release package", Fields: fields}
	}
	return indent(releasePackageJSON{
		packageHead: head(publisher, uri, publishedDate),
		Releases:    raw,
	})
}

// RecordPackage writes an OCDS 1.1.5 record package with one record per
// procedure, in the order given: its OCID, its stage releases embedded
// (oldest first, see Releases) and its compiled release (see Compile). Every
// procedure must have been published; OCIDs must be unique. The output is
// indented JSON ending in a newline.
func RecordPackage(publisher Publisher, uri string, publishedDate time.Time, procedures ...Procedure) ([]byte, error) {
	fields := validatePackage(publisher, uri, publishedDate)
	if len(procedures) == 0 {
		fields = append(fields, FieldError{"procedures", CodeRequired, "a record package needs at least one procedure"})
	}
	if len(fields) > 0 {
		return nil, &ValidationError{Subject: "record package", Fields: fields}
	}
	pkg := recordPackageJSON{packageHead: head(publisher, uri, publishedDate)}
	seen := map[string]int{}
	for i, p := range procedures {
		if j, ok := seen[p.OCID()]; ok {
			return nil, &ValidationError{Subject: "record package", Fields: []FieldError{{
				fmt.Sprintf("procedures[%d].ID", i), CodeDuplicate,
				fmt.Sprintf("OCID %q is also the OCID of procedures[%d]", p.OCID(), j)}}}
		}
		seen[p.OCID()] = i
		rec, err := record(p)
		if err != nil {
			return nil, fmt.Errorf("procedures[%d]: %w", i, err)
		}
		pkg.Records = append(pkg.Records, rec)
	}
	return indent(pkg)
}

// Record returns the record of one procedure as JSON: the same object
// RecordPackage writes for it.
func Record(p Procedure) (json.RawMessage, error) {
	rec, err := record(p)
	if err != nil {
		return nil, err
	}
	return marshal(rec)
}

func record(p Procedure) (recordJSON, error) {
	rels, err := Releases(p)
	if err != nil {
		return recordJSON{}, err
	}
	compiled, err := Compile(rels...)
	if err != nil {
		return recordJSON{}, err
	}
	rec := recordJSON{OCID: p.OCID(), CompiledRelease: compiled}
	for _, r := range rels {
		rec.Releases = append(rec.Releases, r.json)
	}
	return rec, nil
}

// packageHead is the metadata shared by release and record packages.
type packageHead struct {
	URI               string        `json:"uri"`
	Version           string        `json:"version"`
	Extensions        []string      `json:"extensions"`
	PublishedDate     string        `json:"publishedDate"`
	Publisher         publisherJSON `json:"publisher"`
	License           string        `json:"license,omitempty"`
	PublicationPolicy string        `json:"publicationPolicy,omitempty"`
}

type publisherJSON struct {
	Name   string `json:"name"`
	Scheme string `json:"scheme,omitempty"`
	UID    string `json:"uid,omitempty"`
	URI    string `json:"uri,omitempty"`
}

type releasePackageJSON struct {
	packageHead
	Releases []json.RawMessage `json:"releases"`
}

type recordPackageJSON struct {
	packageHead
	Records []recordJSON `json:"records"`
}

type recordJSON struct {
	OCID            string            `json:"ocid"`
	Releases        []json.RawMessage `json:"releases"` // embedded releases
	CompiledRelease json.RawMessage   `json:"compiledRelease"`
}

func head(pub Publisher, uri string, published time.Time) packageHead {
	return packageHead{
		URI:               uri,
		Version:           Version,
		Extensions:        []string{LotsExtension},
		PublishedDate:     stamp(published),
		Publisher:         publisherJSON{Name: pub.Name, Scheme: pub.Scheme, UID: pub.UID, URI: pub.URI},
		License:           pub.License,
		PublicationPolicy: pub.PublicationPolicy,
	}
}

// indent encodes a package as JSON indented by two spaces, without HTML
// escaping, ending in a newline.
func indent(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
