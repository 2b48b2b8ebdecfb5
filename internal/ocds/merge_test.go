package ocds

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// head of a release for merge tests: ocid, id, date, tag.
func rel(id, date, rest string) string {
	s := `{"ocid":"ocds-kopit-x","id":"` + id + `","date":"` + date + `","tag":["tender"],"initiationType":"tender"`
	if rest != "" {
		s += "," + rest
	}
	return s + "}"
}

func TestCompileMergeRules(t *testing.T) {
	const d1, d2, d3 = "2026-03-02T10:00:00+01:00", "2026-05-15T12:00:00+02:00", "2026-05-19T09:30:00+02:00"
	compiledHead := func(date string) string {
		return `{"ocid":"ocds-kopit-x","id":"ocds-kopit-x-` + date + `","date":"` + date + `","tag":["compiled"],"initiationType":"tender"`
	}
	tests := []struct {
		name     string
		releases []string
		want     string
	}{
		{
			name:     "a later value replaces an earlier one",
			releases: []string{rel("r1", d1, `"tender":{"id":"t","status":"active"}`), rel("r2", d2, `"tender":{"id":"t","status":"complete"}`)},
			want:     compiledHead(d2) + `,"tender":{"id":"t","status":"complete"}}`,
		},
		{
			name:     "releases are applied in date order, not argument order",
			releases: []string{rel("r2", d2, `"tender":{"status":"complete"}`), rel("r1", d1, `"tender":{"status":"active"}`)},
			want:     compiledHead(d2) + `,"tender":{"status":"complete"}}`,
		},
		{
			name: "objects merge field by field",
			releases: []string{
				rel("r1", d1, `"tender":{"id":"t","title":"Notebooks","value":{"amount":1000.00,"currency":"EUR"}}`),
				rel("r2", d2, `"tender":{"id":"t","numberOfTenderers":3,"value":{"amount":999.50}}`),
			},
			want: compiledHead(d2) + `,"tender":{"id":"t","title":"Notebooks","value":{"amount":999.50,"currency":"EUR"},"numberOfTenderers":3}}`,
		},
		{
			name: "arrays of objects merge by id",
			releases: []string{
				rel("r1", d1, `"tender":{"lots":[{"id":"lot-1","title":"Notebooks","status":"active"},{"id":"lot-2","title":"Monitore","status":"active"}]}`),
				rel("r2", d2, `"tender":{"lots":[{"id":"lot-2","status":"complete"},{"id":"lot-3","title":"Drucker"}]}`),
			},
			want: compiledHead(d2) + `,"tender":{"lots":[{"id":"lot-1","title":"Notebooks","status":"active"},{"id":"lot-2","title":"Monitore","status":"complete"},{"id":"lot-3","title":"Drucker"}]}}`,
		},
		{
			name: "arrays of strings are replaced as a whole",
			releases: []string{
				rel("r1", d1, `"parties":[{"id":"o1","name":"Nordlicht","roles":["tenderer"]}]`),
				rel("r2", d2, `"parties":[{"id":"o1","roles":["supplier"]}],"awards":[{"id":"a1","relatedLots":["lot-1","lot-2"]}]`),
				rel("r3", d3, `"awards":[{"id":"a1","relatedLots":["lot-2"]}]`),
			},
			want: compiledHead(d3) + `,"parties":[{"id":"o1","name":"Nordlicht","roles":["supplier"]}],"awards":[{"id":"a1","relatedLots":["lot-2"]}]}`,
		},
		{
			name: "null removes a field",
			releases: []string{
				rel("r1", d1, `"tender":{"id":"t","description":"alt","enquiryPeriod":{"endDate":"x"}}`),
				rel("r2", d2, `"tender":{"description":null,"enquiryPeriod":null}`),
			},
			want: compiledHead(d2) + `,"tender":{"id":"t"}}`,
		},
		{
			name: "empty objects and arrays change nothing",
			releases: []string{
				rel("r1", d1, `"tender":{"id":"t","items":[{"id":"i1"}],"value":{"amount":1}}`),
				rel("r2", d2, `"tender":{"items":[],"value":{}},"awards":[]`),
			},
			want: compiledHead(d2) + `,"tender":{"id":"t","items":[{"id":"i1"}],"value":{"amount":1}}}`,
		},
		{
			name: "additionalClassifications is whole-list merged",
			releases: []string{
				rel("r1", d1, `"tender":{"items":[{"id":"i1","additionalClassifications":[{"scheme":"CPV","id":"30237000"},{"scheme":"CPV","id":"30213100"}]}]}`),
				rel("r2", d2, `"tender":{"items":[{"id":"i1","additionalClassifications":[{"scheme":"CPV","id":"30231310"}]}]}`),
			},
			want: compiledHead(d2) + `,"tender":{"items":[{"id":"i1","additionalClassifications":[{"scheme":"CPV","id":"30231310"}]}]}}`,
		},
		{
			name: "objects without id are appended",
			releases: []string{
				rel("r1", d1, `"tender":{"milestones":[{"title":"a"}]}`),
				rel("r2", d2, `"tender":{"milestones":[{"title":"b"}]}`),
			},
			want: compiledHead(d2) + `,"tender":{"milestones":[{"title":"a"},{"title":"b"}]}}`,
		},
		{
			name: "ids match by type and value",
			releases: []string{
				rel("r1", d1, `"awards":[{"id":"1","status":"pending"}]`),
				rel("r2", d2, `"awards":[{"id":1,"status":"active"},{"id":"1","status":"active"}]`),
			},
			want: compiledHead(d2) + `,"awards":[{"id":"1","status":"active"},{"id":1,"status":"active"}]}`,
		},
		{
			name:     "numbers keep their text and strings are not HTML-escaped",
			releases: []string{rel("r1", d1, `"tender":{"title":"Notebooks & Monitore <2026>","value":{"amount":90071992547409.93,"currency":"EUR"},"x":1e3}`)},
			want:     compiledHead(d1) + `,"tender":{"title":"Notebooks & Monitore <2026>","value":{"amount":90071992547409.93,"currency":"EUR"},"x":1e3}}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			docs := make([][]byte, len(tc.releases))
			for i, r := range tc.releases {
				docs[i] = []byte(r)
			}
			got, err := compile(docs)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("compiled\n got  %s\n want %s", got, tc.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	const d = "2026-03-02T10:00:00+01:00"
	for name, docs := range map[string][]string{
		"different ocids": {rel("r1", d, ""), strings.Replace(rel("r2", d, ""), "ocds-kopit-x", "ocds-kopit-y", 1)},
		"no ocid":         {`{"id":"r1","date":"` + d + `"}`},
		"no date":         {`{"ocid":"o","id":"r1"}`},
		"bad date":        {`{"ocid":"o","id":"r1","date":"02.03.2026"}`},
		"not an object":   {`["ocid"]`},
		"not JSON":        {`{"ocid":`},
		"trailing data":   {rel("r1", d, "") + "{}"},
	} {
		t.Run(name, func(t *testing.T) {
			b := make([][]byte, len(docs))
			for i, d := range docs {
				b[i] = []byte(d)
			}
			if got, err := compile(b); err == nil {
				t.Errorf("no error; got %s", got)
			}
		})
	}
	if _, err := Compile(); err == nil {
		t.Error("Compile() without releases: no error")
	}
	if _, err := Compile(Release{}); err == nil {
		t.Error("Compile(Release{}): no error")
	}
}

// The compiled release of the Hessian procedure equals the merge worked out
// by hand from its three releases.
func TestCompileHessianProcedure(t *testing.T) {
	p := hessianProcedure()
	rels, err := Releases(p)
	if err != nil {
		t.Fatal(err)
	}
	// Argument order does not matter: releases are sorted by date.
	got, err := Compile(rels[2], rels[0], rels[1])
	if err != nil {
		t.Fatal(err)
	}

	// By hand: the tender release, with the award release's tender fields,
	// lot statuses, suppliers and awards added, then the contracts.
	var tender, award, contract map[string]any
	for i, m := range []*map[string]any{&tender, &award, &contract} {
		b, _ := rels[i].MarshalJSON()
		*m = decode(t, b)
	}
	want := map[string]any{
		"ocid":           p.OCID(),
		"id":             p.OCID() + "-2026-05-19T09:30:00+02:00",
		"date":           "2026-05-19T09:30:00+02:00",
		"tag":            []any{"compiled"},
		"initiationType": "tender",
		"language":       "de",
		"parties":        award["parties"], // buyer as before, plus the suppliers
		"buyer":          tender["buyer"],
		"awards":         award["awards"],
		"contracts":      contract["contracts"],
	}
	wt := tender["tender"].(map[string]any)
	at := award["tender"].(map[string]any)
	wt["status"] = at["status"]
	wt["numberOfTenderers"] = at["numberOfTenderers"]
	for _, l := range wt["lots"].([]any) {
		l.(map[string]any)["status"] = "complete"
	}
	want["tender"] = wt

	if g := decode(t, got); !reflect.DeepEqual(g, want) {
		gb, _ := json.MarshalIndent(g, "", " ")
		wb, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("compiled release differs\n got  %s\n want %s", gb, wb)
	}
	// Fields come in release order: ocid, id, date, tag first.
	if !bytes.HasPrefix(got, []byte(`{"ocid":"ocds-kopit-kop-2026-017","id":"ocds-kopit-kop-2026-017-2026-05-19T09:30:00+02:00","date":"2026-05-19T09:30:00+02:00","tag":["compiled"],"initiationType":"tender","language":"de","parties":`)) {
		t.Errorf("compiled release starts %s", got[:200])
	}
}

// FuzzDecodeOrdered: the order-keeping decoder agrees with encoding/json on
// every valid document, and what it writes reads back the same.
func FuzzDecodeOrdered(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":[1,"x",null,true,{"c":1.50}],"a":2}`,
		`[]`, `"s"`, `1e3`, `{"amount":90071992547409.93}`, `{"":{"":[{}]}}`, `"\u003c&\u2028"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			if _, err := decodeOrdered(data); err == nil {
				t.Fatalf("decodeOrdered accepted invalid JSON %q", data)
			}
			return
		}
		v, err := decodeOrdered(data)
		if err != nil {
			t.Fatalf("decodeOrdered(%q): %v", data, err)
		}
		out, err := marshalOrdered(v)
		if err != nil {
			t.Fatalf("marshalOrdered: %v", err)
		}
		std := func(b []byte) any {
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			var x any
			if err := dec.Decode(&x); err != nil {
				t.Fatalf("encoding/json: %v on %q", err, b)
			}
			return x
		}
		if a, b := std(data), std(out); !reflect.DeepEqual(a, b) {
			t.Fatalf("round trip changed %q into %q", data, out)
		}
	})
}
