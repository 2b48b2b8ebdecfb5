package ocds

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"
)

// Compile merges the releases of one contracting process into its compiled
// release, following the OCDS 1.1 merge rules
// (https://standard.open-contracting.org/1.1/en/schema/merging/) as the
// reference implementation (ocds-merge) applies them:
//
//   - releases are applied oldest first (sorted by date; equal dates keep
//     their order);
//   - the release's id, date and tag are omitted ("omitWhenMerged"); the
//     compiled release gets id "<ocid>-<date of the newest release>", that
//     date, and tag ["compiled"];
//   - objects merge field by field, a later value replacing an earlier one;
//     a null removes the field; empty objects and arrays change nothing;
//   - arrays of objects merge by "id" (identifier merge): an object with a
//     known id is merged into the earlier one, a new id is appended, an
//     object without id is appended;
//   - arrays of anything else (strings such as roles, tag or relatedLots),
//     and additionalIdentifiers and additionalClassifications (which the
//     schema marks "wholeListMerge"), are replaced as a whole.
//
// Numbers keep their exact text (amounts stay "1234.50"), and fields keep
// the order in which they first appear. All releases must have the same OCID.
func Compile(releases ...Release) (json.RawMessage, error) {
	if len(releases) == 0 {
		return nil, errors.New("ocds: compile: no releases")
	}
	docs := make([][]byte, len(releases))
	for i, r := range releases {
		b, err := r.MarshalJSON()
		if err != nil {
			return nil, err
		}
		docs[i] = b
	}
	return compile(docs)
}

// compile merges release documents into a compiled release.
func compile(docs [][]byte) (json.RawMessage, error) {
	type rel struct {
		obj  *object
		date time.Time
		raw  string
	}
	rels := make([]rel, 0, len(docs))
	var ocid any
	for i, d := range docs {
		v, err := decodeOrdered(d)
		if err != nil {
			return nil, fmt.Errorf("ocds: compile: release %d: %w", i, err)
		}
		o, ok := v.(*object)
		if !ok {
			return nil, fmt.Errorf("ocds: compile: release %d is not a JSON object", i)
		}
		id, _ := o.get("ocid")
		if _, ok := id.(string); !ok {
			return nil, fmt.Errorf("ocds: compile: release %d has no ocid", i)
		}
		if ocid == nil {
			ocid = id
		} else if id != ocid {
			return nil, fmt.Errorf("ocds: compile: release %d has ocid %v, release 0 has %v", i, id, ocid)
		}
		ds, _ := o.get("date")
		s, _ := ds.(string)
		date, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, fmt.Errorf("ocds: compile: release %d: date %q is not an RFC 3339 date-time", i, s)
		}
		rels = append(rels, rel{obj: o, date: date, raw: s})
	}
	sort.SliceStable(rels, func(i, j int) bool { return rels[i].date.Before(rels[j].date) })

	out := newObject()
	out.set("ocid", ocid)
	out.set("id", nil) // placeholders: fix the order ocid, id, date, tag
	out.set("date", nil)
	out.set("tag", nil)
	for _, r := range rels {
		for _, k := range []string{"id", "date", "tag"} {
			r.obj.del(k) // omitWhenMerged
		}
		mergeObject(out, r.obj)
	}
	last := rels[len(rels)-1].raw
	out.set("ocid", ocid)
	out.set("id", ocid.(string)+"-"+last)
	out.set("date", last)
	out.set("tag", []any{"compiled"})
	return marshalOrdered(out)
}

// wholeListMerge names the arrays the OCDS 1.1.5 release schema marks
// "wholeListMerge" (wherever they occur).
var wholeListMerge = map[string]bool{"additionalIdentifiers": true, "additionalClassifications": true}

// mergeObject merges src into dst.
func mergeObject(dst, src *object) {
	for _, k := range src.keys {
		v := src.vals[k]
		switch v := v.(type) {
		case nil:
			dst.del(k)
		case *object:
			if len(v.keys) == 0 {
				continue
			}
			d, ok := dst.vals[k].(*object)
			if !ok {
				d = newObject()
				dst.set(k, d)
			}
			mergeObject(d, v)
		case []any:
			if wholeListMerge[k] {
				dst.set(k, deepCopy(v))
				continue
			}
			if len(v) == 0 {
				continue
			}
			if !allObjects(v) {
				dst.set(k, deepCopy(v))
				continue
			}
			d, _ := dst.vals[k].([]any)
			if !allObjects(d) {
				d = nil
			}
			for _, it := range v {
				o := it.(*object)
				target := findByID(d, o)
				if target == nil {
					target = newObject()
					d = append(d, target)
				}
				mergeObject(target, o)
			}
			dst.set(k, d)
		default:
			dst.set(k, v)
		}
	}
}

func allObjects(list []any) bool {
	for _, v := range list {
		if _, ok := v.(*object); !ok {
			return false
		}
	}
	return true
}

// findByID returns the object in list with o's id, nil when o has no id or
// none matches. Ids match by type and value: "1" and 1 differ, as in
// ocds-merge.
func findByID(list []any, o *object) *object {
	id, ok := o.get("id")
	if !ok || id == nil {
		return nil
	}
	for _, it := range list {
		c := it.(*object)
		if cid, ok := c.get("id"); ok && cid == id {
			return c
		}
	}
	return nil
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case *object:
		c := newObject()
		for _, k := range v.keys {
			c.set(k, deepCopy(v.vals[k]))
		}
		return c
	case []any:
		c := make([]any, len(v))
		for i, x := range v {
			c[i] = deepCopy(x)
		}
		return c
	default:
		return v
	}
}

// object is a JSON object that keeps the order of its keys. Values are
// *object, []any, string, json.Number, bool or nil.
type object struct {
	keys []string
	vals map[string]any
}

func newObject() *object { return &object{vals: map[string]any{}} }

func (o *object) get(k string) (any, bool) { v, ok := o.vals[k]; return v, ok }

// set sets k, appending it to the keys when new, keeping its place otherwise.
func (o *object) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

func (o *object) del(k string) {
	if _, ok := o.vals[k]; !ok {
		return
	}
	delete(o.vals, k)
	for i, key := range o.keys {
		if key == k {
			o.keys = append(o.keys[:i], o.keys[i+1:]...)
			break
		}
	}
}

// decodeOrdered parses one JSON value, keeping key order and number text.
// A key given twice keeps its first place and its last value.
func decodeOrdered(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil // string, json.Number, bool or nil
	}
	switch d {
	case '{':
		o := newObject()
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			k, ok := kt.(string)
			if !ok {
				return nil, fmt.Errorf("object key %v is not a string", kt)
			}
			v, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			o.set(k, v)
		}
		_, err := dec.Token() // '}'
		return o, err
	case '[':
		list := []any{}
		for dec.More() {
			v, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err := dec.Token() // ']'
		return list, err
	}
	return nil, fmt.Errorf("unexpected %v", d)
}

// marshalOrdered writes a decoded value as compact JSON, without HTML
// escaping.
func marshalOrdered(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := writeOrdered(&buf, v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeOrdered(buf *bytes.Buffer, v any) error {
	switch v := v.(type) {
	case *object:
		buf.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			kb, err := marshal(k)
			if err != nil {
				return err
			}
			buf.Write(kb)
			buf.WriteByte(':')
			if err := writeOrdered(buf, v.vals[k]); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case []any:
		buf.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeOrdered(buf, x); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	default: // string, json.Number (written as its text), bool, nil
		b, err := marshal(v)
		if err != nil {
			return err
		}
		buf.Write(b)
	}
	return nil
}
