// Package bmecat reads BMEcat 1.2 and BMEcat 2005 catalogues (transactions
// T_NEW_CATALOG, T_UPDATE_PRODUCTS and T_UPDATE_PRICES) as a stream: the
// Reader pulls one XML token at a time from encoding/xml and hands out one
// product at a time, so memory stays bounded by the largest product, not by
// the file. The only structure that grows with the file is the set of
// article numbers seen, which finds duplicates (see catalog.Seen for its
// cost per product).
//
// What is read, per version:
//
//	                 BMEcat 1.2                        BMEcat 2005
//	product          ARTICLE (mode=)                   PRODUCT (mode=)
//	article number   SUPPLIER_AID                      SUPPLIER_PID
//	texts            ARTICLE_DETAILS/DESCRIPTION_SHORT PRODUCT_DETAILS/DESCRIPTION_SHORT (lang=)
//	                 …/DESCRIPTION_LONG                …/DESCRIPTION_LONG
//	GTIN             ARTICLE_DETAILS/EAN               PRODUCT_DETAILS/INTERNATIONAL_PID type="gtin"|"ean"
//	manufacturer     MANUFACTURER_AID, MANUFACTURER_NAME MANUFACTURER_PID, MANUFACTURER_NAME
//	CPV              ARTICLE_FEATURES                  PRODUCT_FEATURES
//	                   REFERENCE_FEATURE_SYSTEM_NAME "CPV…" + REFERENCE_FEATURE_GROUP_ID,
//	                 or …_DETAILS/SPECIAL_TREATMENT_CLASS type="CPV"
//	unit             ARTICLE_ORDER_DETAILS/ORDER_UNIT  PRODUCT_ORDER_DETAILS/ORDER_UNIT
//	prices           ARTICLE_PRICE_DETAILS             PRODUCT_PRICE_DETAILS
//	                   DATETIME type="valid_start_date"|"valid_end_date"/DATE
//	                   ARTICLE_PRICE / PRODUCT_PRICE price_type="net_list"|"net_customer"
//	                     PRICE_AMOUNT, PRICE_CURRENCY, TAX (2005 also TAX_DETAILS/TAX), LOWER_BOUND
//	images           MIME_INFO/MIME with MIME_TYPE image/*: MIME_SOURCE
//
// The namespace is checked on the root: its default namespace (or the
// namespace of its prefix, as in <bme:BMECAT xmlns:bme="…">) must be one
// of the BMEcat 1.2 or 2005 namespaces, or none as in DTD-based files.
// Elements with another prefix, such as user-defined extensions, are
// skipped.
//
// TAX is a fraction in both versions ("0.19"); a percentage ("19") is a
// per-product problem, not a guess (see catalog.ParseVATFraction).
//
// Fatal errors (*catalog.Error) stop the stream: input that is not XML, a
// DOCTYPE with an internal subset or any ENTITY declaration (refused when
// the directive is read, before the decoder could meet an entity reference;
// a plain <!DOCTYPE BMECAT SYSTEM "bmecat_new_catalog_1_2.dtd">, which many
// 1.2 files carry, is accepted because no DTD is ever fetched), a root
// other than BMECAT, an unknown namespace or version, nesting deeper than
// Options.MaxDepth, a token larger than Options.MaxTokenBytes, a file larger
// than Options.MaxBytes. Per-product problems (catalog.Item.Problems) reject
// one product and the stream goes on.
package bmecat

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/charmap"

	"kopit/internal/catalog"
)

// Default limits. BMEcat nests about ten levels deep; 32 leaves room for
// user-defined extensions. One token — a tag with its attributes or one
// text — above 1 MiB is not a product description but an attack or a
// broken export.
const (
	DefaultMaxDepth      = 32
	DefaultMaxTokenBytes = 1 << 20
)

// Options set the limits; zero values take the defaults.
type Options struct {
	MaxDepth      int   // deepest element nesting, the root counting as 1
	MaxTokenBytes int   // largest tag (with attributes), text or directive, in bytes as read
	MaxBytes      int64 // largest file in bytes; 0: no limit (memory grows with the file only by the ids seen)
	MaxItems      int   // most products in the file (catalog.DefaultMaxItems when 0)
}

// The namespaces BMEcat files use: none (DTD-based files), the BMEcat 1.2
// schema namespaces (two spellings circulate) and the BMEcat 2005 one (and
// its final-draft variant). https is accepted for http.
var namespaces = map[string]string{
	"": "",
	"http://www.bmecat.org/bmecat/1.2/bmecat_new_catalog":        "1.2",
	"http://www.bmecat.org/bmecat/1.2/bmecat_update_products":    "1.2",
	"http://www.bmecat.org/bmecat/1.2/bmecat_update_prices":      "1.2",
	"http://www.bmecat.org/XMLSchema/1.2/bmecat_new_catalog":     "1.2",
	"http://www.bmecat.org/XMLSchema/1.2/bmecat_update_products": "1.2",
	"http://www.bmecat.org/XMLSchema/1.2/bmecat_update_prices":   "1.2",
	"http://www.bmecat.org/bmecat/2005":                          "2005",
	"http://www.bmecat.org/bmecat/2005fd":                        "2005",
}

// names are the element names that differ between the versions.
type names struct {
	product, id, details, features, orderDetails, priceDetails, price, manufacturerPID string
}

var (
	names12   = names{"ARTICLE", "SUPPLIER_AID", "ARTICLE_DETAILS", "ARTICLE_FEATURES", "ARTICLE_ORDER_DETAILS", "ARTICLE_PRICE_DETAILS", "ARTICLE_PRICE", "MANUFACTURER_AID"}
	names2005 = names{"PRODUCT", "SUPPLIER_PID", "PRODUCT_DETAILS", "PRODUCT_FEATURES", "PRODUCT_ORDER_DETAILS", "PRODUCT_PRICE_DETAILS", "PRODUCT_PRICE", "MANUFACTURER_PID"}
)

// Reader reads one BMEcat file. It is not safe for concurrent use.
type Reader struct {
	raw  *guard // counts the bytes of the source; enforces MaxBytes (and MaxTokenBytes while no charset is switched)
	tok  *guard // the reader the decoder reads from; its mark is reset after every token
	dec  *xml.Decoder
	opts Options

	hdr     catalog.Header
	ns      string // the root's namespace
	prefix  string // the root's prefix: elements with another prefix are foreign
	version string
	n       names
	seen    *catalog.Seen

	stack      []frame
	text       []byte
	mixedDepth int // depth of an open DESCRIPTION_LONG whose child elements (<br/>) are kept as text
	inProduct  bool
	p          product
	rootClosed bool
	items      int   // products handed out
	err        error // sticky: the fatal error or io.EOF
}

type frame struct {
	prefix  string // the namespace prefix as written; RawToken does not resolve it
	name    string
	line    int
	attr    string // the one attribute that matters for this element (mode, type, price_type, lang, default)
	foreign bool   // in another namespace than the root: ignored
}

// product is the state of the product being read.
type product struct {
	item                  catalog.Item
	shortLang, longLang   bool // the description read is in the catalogue's language
	gtin, gtinField       string
	gtinLine              int
	cpv, cpvField         string
	cpvLine               int
	featSystem, featGroup string
	featLine              int
	periodStart           int
	from, to              time.Time
	fromText, toText      string
	price                 catalog.Price
	priceLine             int
	priceAmount, priceBad bool
	mimeType, mimeSource  string
	mimePurpose           string
}

// NewReader reads the XML declaration, the root element and the HEADER up
// to the start of the transaction, and returns a Reader positioned at the
// first product, or a *catalog.Error when the input is not a BMEcat
// catalogue this package reads.
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	if opts.MaxTokenBytes <= 0 {
		opts.MaxTokenBytes = DefaultMaxTokenBytes
	}
	if opts.MaxItems <= 0 {
		opts.MaxItems = catalog.DefaultMaxItems
	}
	g := &guard{br: bufio.NewReaderSize(r, 64<<10), maxToken: int64(opts.MaxTokenBytes), maxBytes: opts.MaxBytes}
	rd := &Reader{raw: g, tok: g, opts: opts, seen: catalog.NewSeen()}
	rd.hdr.Encoding = "UTF-8"
	rd.dec = xml.NewDecoder(g)
	rd.dec.Strict = true
	rd.dec.CharsetReader = rd.charsetReader
	if _, err := rd.run(true); err != nil {
		return nil, err
	}
	return rd, nil
}

// Header is the catalogue's header, complete once NewReader has returned.
func (r *Reader) Header() catalog.Header { return r.hdr }

// Offset is the number of bytes read from the source so far (a little
// ahead of the last product, by the read buffer), for a progress bar.
func (r *Reader) Offset() int64 { return r.raw.n }

// Line is the source line the reader has reached.
func (r *Reader) Line() int { line, _ := r.dec.InputPos(); return line }

// Next returns the next product. At the end of the file it returns io.EOF;
// a *catalog.Error ends the stream, and every later call returns it again.
// A product with problems is returned with a nil error and
// Item.Problems set.
func (r *Reader) Next() (catalog.Item, error) {
	if r.err != nil {
		return catalog.Item{}, r.err
	}
	it, err := r.run(false)
	if err == nil {
		if r.items++; r.items > r.opts.MaxItems {
			r.err = catalog.Fatal(it.Line, "", catalog.CodeTooManyItems, strconv.Itoa(r.opts.MaxItems))
			return catalog.Item{}, r.err
		}
	}
	return it, err
}

// All ranges over the products; a fatal error is yielded once, last.
func (r *Reader) All() iter.Seq2[catalog.Item, error] {
	return func(yield func(catalog.Item, error) bool) {
		for {
			it, err := r.Next()
			if err == io.EOF || !yield(it, err) || err != nil {
				return
			}
		}
	}
}

func (r *Reader) run(untilHeader bool) (catalog.Item, error) {
	for {
		// RawToken skips the namespace translation and the copy of every
		// token that Token makes (a third of the time); the reader checks
		// that end tags match and resolves the one namespace it needs.
		tok, err := r.dec.RawToken()
		r.tok.mark = r.tok.n
		if err != nil {
			return catalog.Item{}, r.fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if err := r.start(t); err != nil {
				return catalog.Item{}, r.fail(err)
			}
			if untilHeader && r.hdr.Transaction != "" {
				return catalog.Item{}, nil
			}
		case xml.EndElement:
			if top := r.top(); len(r.stack) == 0 || t.Name.Local != top.name || t.Name.Space != top.prefix {
				return catalog.Item{}, r.fail(catalog.Fatal(r.Line(), t.Name.Local, catalog.CodeMalformed, "element <"+top.name+"> closed by </"+t.Name.Local+">"))
			}
			if r.end() {
				return r.finish(), nil
			}
		case xml.CharData:
			if len(r.stack) == 0 && len(bytes.TrimSpace(t)) > 0 {
				return catalog.Item{}, r.fail(catalog.Fatal(r.Line(), "", catalog.CodeMalformed, "text outside the root element"))
			}
			if r.inProduct || r.inHeader() {
				if len(r.text)+len(t) > r.opts.MaxTokenBytes {
					return catalog.Item{}, r.fail(catalog.Fatal(r.Line(), r.top().name, catalog.CodeTokenTooLarge, strconv.Itoa(r.opts.MaxTokenBytes)))
				}
				r.text = append(r.text, t...)
			}
		case xml.Directive:
			if len(r.stack) > 0 || r.rootClosed || !plainDoctype(t) {
				return catalog.Item{}, r.fail(catalog.Fatal(r.Line(), "", catalog.CodeDoctype))
			}
		}
	}
}

// plainDoctype accepts <!DOCTYPE BMECAT SYSTEM "…dtd"> (or PUBLIC): an
// external reference, which encoding/xml never fetches. An internal subset
// ("[") is where entities are declared; it is refused.
func plainDoctype(d xml.Directive) bool {
	s := string(d)
	return strings.HasPrefix(s, "DOCTYPE") && !strings.ContainsAny(s, "[<%&")
}

// fail turns a decoder or reader error into the sticky fatal error.
func (r *Reader) fail(err error) error {
	var ce *catalog.Error
	var se *xml.SyntaxError
	line := r.Line()
	switch {
	case errors.As(err, &ce):
	case errors.Is(err, errTokenLimit):
		ce = catalog.Fatal(line, "", catalog.CodeTokenTooLarge, strconv.Itoa(r.opts.MaxTokenBytes))
	case errors.Is(err, errByteLimit):
		ce = catalog.Fatal(line, "", catalog.CodeTooLarge, strconv.FormatInt(r.opts.MaxBytes, 10))
	case err == io.EOF && r.rootClosed:
		if r.hdr.Transaction == "" {
			ce = catalog.Fatal(line, "", catalog.CodeNoTransaction)
			break
		}
		r.err = io.EOF
		return io.EOF
	case err == io.EOF && r.version == "":
		ce = catalog.Fatal(line, "", catalog.CodeEmpty)
	case err == io.EOF:
		ce = catalog.Fatal(line, r.top().name, catalog.CodeMalformed, "unexpected end of file")
	case errors.As(err, &se):
		ce = catalog.Fatal(se.Line, "", catalog.CodeMalformed, strings.TrimPrefix(se.Msg, "xml: "))
	default:
		ce = catalog.Fatal(line, "", catalog.CodeMalformed, strings.TrimPrefix(err.Error(), "xml: "))
	}
	if ce.Line == 0 {
		ce.Line = line
	}
	r.err = ce
	return ce
}

func (r *Reader) charsetReader(label string, input io.Reader) (io.Reader, error) {
	var cm *charmap.Charmap
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1":
		cm, r.hdr.Encoding = charmap.ISO8859_1, "ISO-8859-1"
	case "iso-8859-15", "iso8859-15", "iso_8859-15", "latin9", "latin-9":
		cm, r.hdr.Encoding = charmap.ISO8859_15, "ISO-8859-15"
	case "windows-1252", "cp1252", "x-cp1252":
		cm, r.hdr.Encoding = charmap.Windows1252, "Windows-1252"
	default:
		return nil, catalog.Fatal(r.Line(), "", catalog.CodeCharset, label)
	}
	// From here the decoder reads decoded text: the token limit moves to a
	// guard above the decoder, the source guard keeps counting bytes.
	t := &guard{br: bufio.NewReaderSize(cm.NewDecoder().Reader(input), 64<<10), maxToken: r.raw.maxToken}
	r.raw.maxToken = 0
	r.tok = t
	return t, nil
}

func (r *Reader) top() frame {
	if len(r.stack) == 0 {
		return frame{}
	}
	return r.stack[len(r.stack)-1]
}

func (r *Reader) inHeader() bool { return len(r.stack) >= 2 && r.stack[1].name == "HEADER" }

// attrOf names the attribute kept for an element.
func attrOf(name string) string {
	switch name {
	case "ARTICLE", "PRODUCT":
		return "mode"
	case "ARTICLE_PRICE", "PRODUCT_PRICE":
		return "price_type"
	case "DESCRIPTION_SHORT", "DESCRIPTION_LONG":
		return "lang"
	case "LANGUAGE":
		return "default"
	case "T_UPDATE_PRODUCTS", "T_UPDATE_PRICES":
		return "prev_version"
	case "DATETIME", "INTERNATIONAL_PID", "SPECIAL_TREATMENT_CLASS":
		return "type"
	}
	return ""
}

func (r *Reader) start(t xml.StartElement) error {
	line := r.Line()
	if len(r.stack) >= r.opts.MaxDepth {
		return catalog.Fatal(line, t.Name.Local, catalog.CodeTooDeep, strconv.Itoa(r.opts.MaxDepth))
	}
	if len(r.stack) == 0 {
		if r.rootClosed {
			return catalog.Fatal(line, t.Name.Local, catalog.CodeMalformed, "second root element")
		}
		if err := r.root(t, line); err != nil {
			return err
		}
	}
	f := frame{prefix: t.Name.Space, name: t.Name.Local, line: line, foreign: t.Name.Space != r.prefix}
	if a := attrOf(f.name); a != "" {
		for _, at := range t.Attr {
			if at.Name.Local == a && at.Name.Space == "" {
				f.attr = strings.TrimSpace(at.Value)
			}
		}
	}
	parent := r.top().name
	r.stack = append(r.stack, f)
	if r.mixedDepth == 0 {
		r.text = r.text[:0]
	} else if strings.EqualFold(f.name, "br") || strings.EqualFold(f.name, "p") {
		r.text = append(r.text, '\n') // a line break inside DESCRIPTION_LONG
	}
	if f.foreign || len(r.stack) == 1 {
		return nil
	}
	switch {
	case len(r.stack) == 2:
		return r.transaction(f)
	case len(r.stack) == 3 && r.hdr.Transaction != "" && parent == string(r.hdr.Transaction):
		switch f.name {
		case r.n.product:
			r.beginProduct(f)
		case names12.product, names2005.product:
			return catalog.Fatal(line, f.name, catalog.CodeVersionMixed, f.name, r.version)
		}
	case r.inProduct && r.mixedDepth == 0:
		r.productStart(f)
	}
	return nil
}

func (r *Reader) root(t xml.StartElement, line int) error {
	if t.Name.Local != "BMECAT" {
		return catalog.Fatal(line, "", catalog.CodeNotBMEcat, t.Name.Local)
	}
	r.prefix = t.Name.Space
	for _, a := range t.Attr {
		if (r.prefix == "" && a.Name.Space == "" && a.Name.Local == "xmlns") || (r.prefix != "" && a.Name.Space == "xmlns" && a.Name.Local == r.prefix) {
			r.ns = a.Value
		}
	}
	if r.prefix != "" && r.ns == "" {
		return catalog.Fatal(line, "BMECAT", catalog.CodeNamespace, r.prefix+":")
	}
	nsVersion, ok := namespaces[strings.Replace(r.ns, "https://", "http://", 1)]
	if !ok {
		return catalog.Fatal(line, "BMECAT", catalog.CodeNamespace, r.ns)
	}
	version := ""
	for _, a := range t.Attr {
		if a.Name.Local == "version" && a.Name.Space == "" {
			version = strings.TrimSpace(a.Value)
		}
	}
	switch {
	case version == "1.2" || version == "1.2.0":
		r.version, r.n = "1.2", names12
	case version == "2005" || strings.HasPrefix(version, "2005."):
		r.version, r.n = "2005", names2005
	case version == "" && nsVersion == "1.2":
		r.version, r.n = "1.2", names12
	case version == "" && nsVersion == "2005":
		r.version, r.n = "2005", names2005
	default:
		if version == "" {
			version = "–"
		}
		return catalog.Fatal(line, "BMECAT", catalog.CodeVersion, version)
	}
	if nsVersion != "" && nsVersion != r.version {
		return catalog.Fatal(line, "BMECAT", catalog.CodeNamespace, r.ns)
	}
	r.hdr.Format = "BMEcat " + r.version
	return nil
}

func (r *Reader) transaction(f frame) error {
	switch f.name {
	case "HEADER":
		return nil
	case string(catalog.NewCatalog), string(catalog.UpdateProducts), string(catalog.UpdatePrices):
		if r.hdr.Transaction != "" {
			return catalog.Fatal(f.line, f.name, catalog.CodeTransaction, f.name)
		}
		r.hdr.Transaction = catalog.Transaction(f.name)
		r.hdr.PrevVersion = f.attr
		return nil
	}
	if strings.HasPrefix(f.name, "T_") {
		return catalog.Fatal(f.line, f.name, catalog.CodeTransaction, f.name)
	}
	return nil
}

func (r *Reader) beginProduct(f frame) {
	r.inProduct = true
	r.p = product{item: catalog.Item{Line: f.line}}
	it := &r.p.item
	switch r.hdr.Transaction {
	case catalog.NewCatalog:
		it.Mode = catalog.ModeNew
	case catalog.UpdatePrices:
		it.Mode = catalog.ModeUpdate
	default:
		m, ok := catalog.ParseMode(f.attr)
		if !ok {
			it.Problemf(f.line, "mode", catalog.CodeMode, f.attr)
		}
		it.Mode = m
	}
}

func (r *Reader) productStart(f frame) {
	p := &r.p
	switch f.name {
	case r.n.priceDetails:
		p.periodStart = len(p.item.Prices)
		p.from, p.to, p.fromText, p.toText = time.Time{}, time.Time{}, "", ""
	case r.n.price:
		p.price = catalog.Price{Type: f.attr, VAT: catalog.VATUnknown, LowerBoundE4: 10000}
		p.priceLine, p.priceAmount, p.priceBad = f.line, false, false
	case r.n.features:
		p.featSystem, p.featGroup = "", ""
	case "MIME":
		p.mimeType, p.mimeSource, p.mimePurpose = "", "", ""
	case "DESCRIPTION_LONG":
		r.mixedDepth = len(r.stack)
	}
}

// end closes the top element and reports whether it completed a product.
func (r *Reader) end() bool {
	f := r.top()
	r.stack = r.stack[:len(r.stack)-1]
	depth := len(r.stack) // of the parent
	if r.mixedDepth > 0 && depth >= r.mixedDepth {
		return false // an element inside DESCRIPTION_LONG: its text stays part of the description
	}
	if depth == 0 {
		r.rootClosed = true
	}
	if f.foreign {
		return false
	}
	text := ""
	if leaves[f.name] {
		text = strings.TrimSpace(string(r.text))
	}
	r.text = r.text[:0]
	parent := r.top().name
	switch {
	case r.inProduct && depth == 2:
		r.inProduct = false
		return true
	case r.inProduct:
		if f.name == "DESCRIPTION_LONG" {
			r.mixedDepth = 0
		}
		r.productEnd(f, parent, text)
	case r.inHeader():
		r.headerEnd(f, parent, text)
	}
	return false
}

// leaves are the elements whose text the reader keeps; the text of all
// others is dropped without a copy.
var leaves = map[string]bool{}

func init() {
	for _, n := range []string{"LANGUAGE", "CATALOG_ID", "CATALOG_VERSION", "CATALOG_NAME", "CURRENCY", "MIME_ROOT",
		"SUPPLIER_ID", "SUPPLIER_IDREF", "SUPPLIER_NAME", "AGREEMENT_ID", "SUPPLIER_AID", "SUPPLIER_PID",
		"DESCRIPTION_SHORT", "DESCRIPTION_LONG", "EAN", "INTERNATIONAL_PID", "MANUFACTURER_AID", "MANUFACTURER_PID",
		"MANUFACTURER_NAME", "SPECIAL_TREATMENT_CLASS", "REFERENCE_FEATURE_SYSTEM_NAME", "REFERENCE_FEATURE_GROUP_ID",
		"ORDER_UNIT", "DATE", "PRICE_AMOUNT", "PRICE_CURRENCY", "TAX", "LOWER_BOUND", "MIME_TYPE", "MIME_SOURCE",
		"MIME_PURPOSE"} {
		leaves[n] = true
	}
}

func (r *Reader) headerEnd(f frame, parent, text string) {
	h := &r.hdr
	set := func(dst *string) {
		if *dst == "" {
			*dst = text
		}
	}
	switch parent + "/" + f.name {
	case "CATALOG/LANGUAGE":
		if h.Language == "" || strings.EqualFold(f.attr, "true") {
			h.Language = text
		}
	case "CATALOG/CATALOG_ID":
		set(&h.CatalogID)
	case "CATALOG/CATALOG_VERSION":
		set(&h.CatalogVersion)
	case "CATALOG/CATALOG_NAME":
		set(&h.CatalogName)
	case "CATALOG/CURRENCY":
		set(&h.Currency)
	case "CATALOG/MIME_ROOT":
		set(&h.MimeRoot)
	case "SUPPLIER/SUPPLIER_ID", "HEADER/SUPPLIER_IDREF":
		set(&h.SupplierID)
	case "SUPPLIER/SUPPLIER_NAME":
		set(&h.SupplierName)
	case "AGREEMENT/AGREEMENT_ID":
		set(&h.AgreementID)
	}
}

func (r *Reader) productEnd(f frame, parent, text string) {
	p := &r.p
	it := &p.item
	switch f.name {
	case r.n.id:
		if parent == r.n.product {
			it.SupplierPID = text
		}
	case "DESCRIPTION_SHORT":
		if parent == r.n.details {
			r.description(&it.ShortDescription, &p.shortLang, f.attr, text)
		}
	case "DESCRIPTION_LONG":
		if parent == r.n.details {
			r.description(&it.LongDescription, &p.longLang, f.attr, text)
		}
	case "EAN":
		if parent == names12.details && p.gtin == "" {
			p.gtin, p.gtinLine, p.gtinField = text, f.line, f.name
		}
	case "INTERNATIONAL_PID":
		if t := strings.ToLower(f.attr); parent == names2005.details && p.gtin == "" && (t == "gtin" || t == "ean") {
			p.gtin, p.gtinLine, p.gtinField = text, f.line, f.name
		}
	case r.n.manufacturerPID:
		if parent == r.n.details && it.ManufacturerPID == "" {
			it.ManufacturerPID = text
		}
	case "MANUFACTURER_NAME":
		if parent == r.n.details && it.ManufacturerName == "" {
			it.ManufacturerName = text
		}
	case "SPECIAL_TREATMENT_CLASS":
		if parent == r.n.details && strings.EqualFold(f.attr, "CPV") && p.cpv == "" {
			p.cpv, p.cpvLine, p.cpvField = text, f.line, f.name
		}
	case "REFERENCE_FEATURE_SYSTEM_NAME":
		if parent == r.n.features {
			p.featSystem = text
		}
	case "REFERENCE_FEATURE_GROUP_ID":
		if parent == r.n.features {
			p.featGroup, p.featLine = text, f.line
		}
	case r.n.features:
		if strings.HasPrefix(strings.ToUpper(p.featSystem), "CPV") && p.featGroup != "" && p.cpv == "" {
			p.cpv, p.cpvLine, p.cpvField = p.featGroup, p.featLine, "REFERENCE_FEATURE_GROUP_ID"
		}
	case "ORDER_UNIT":
		if parent == r.n.orderDetails && it.Unit == "" {
			it.Unit = text
		}
	case "DATE":
		if parent == "DATETIME" && len(r.stack) >= 2 && r.stack[len(r.stack)-2].name == r.n.priceDetails {
			r.validity(r.top().attr, f.line, text)
		}
	case "PRICE_AMOUNT":
		if parent == r.n.price {
			v, ok := catalog.ParseAmount(text)
			if !ok {
				it.Problemf(f.line, f.name, catalog.CodePriceFormat, text)
				p.priceBad = true
			}
			p.price.AmountE4, p.priceAmount = v, ok
		}
	case "PRICE_CURRENCY":
		if parent == r.n.price {
			p.price.Currency = strings.ToUpper(text)
		}
	case "TAX":
		if (parent == r.n.price || parent == "TAX_DETAILS") && p.price.VAT == catalog.VATUnknown {
			v, code := catalog.ParseVATFraction(text)
			if code != "" {
				it.Problemf(f.line, f.name, code, text)
				p.priceBad = true
			}
			p.price.VAT = v
		}
	case "LOWER_BOUND":
		if parent == r.n.price {
			v, ok := catalog.ParseAmount(text)
			if !ok {
				it.Problemf(f.line, f.name, catalog.CodeQuantityFormat, text)
				p.priceBad = true
			}
			p.price.LowerBoundE4 = v
		}
	case r.n.price:
		r.endPrice(f)
	case r.n.priceDetails:
		for i := p.periodStart; i < len(it.Prices); i++ {
			it.Prices[i].ValidFrom, it.Prices[i].ValidTo = p.from, p.to
		}
		if !p.from.IsZero() && !p.to.IsZero() && p.to.Before(p.from) {
			it.Problemf(f.line, "DATETIME", catalog.CodeValidity, p.fromText, p.toText)
		}
	case "MIME_TYPE", "MIME_SOURCE", "MIME_PURPOSE":
		if parent == "MIME" {
			switch f.name {
			case "MIME_TYPE":
				p.mimeType = strings.ToLower(text)
			case "MIME_SOURCE":
				p.mimeSource = text
			default:
				p.mimePurpose = strings.ToLower(text)
			}
		}
	case "MIME":
		if parent == "MIME_INFO" && p.mimeSource != "" && strings.HasPrefix(p.mimeType, "image/") && p.mimePurpose != "logo" {
			it.Images = append(it.Images, p.mimeSource)
		}
	}
}

// description keeps the first text, replaced once by the first text in the
// catalogue's language when the first was in another one.
func (r *Reader) description(dst *string, inLang *bool, lang, text string) {
	match := lang == "" || strings.EqualFold(lang, r.hdr.Language)
	if *dst == "" || (!*inLang && match) {
		*dst, *inLang = text, match
	}
}

func (r *Reader) validity(typ string, line int, text string) {
	p := &r.p
	if typ != "valid_start_date" && typ != "valid_end_date" {
		return
	}
	d, ok := catalog.ParseDate(text)
	if !ok {
		p.item.Problemf(line, "DATE", catalog.CodeDateFormat, text)
		return
	}
	if typ == "valid_start_date" {
		p.from, p.fromText = d, text
	} else {
		p.to, p.toText = d, text
	}
}

func (r *Reader) endPrice(f frame) {
	p := &r.p
	if p.price.Type != catalog.PriceNetCustomer && p.price.Type != catalog.PriceNetList {
		return
	}
	if p.priceBad {
		return
	}
	if !p.priceAmount {
		p.item.Problemf(f.line, "PRICE_AMOUNT", catalog.CodeMissing)
		return
	}
	if p.price.Currency == "" {
		p.price.Currency = strings.ToUpper(r.hdr.Currency)
	}
	if p.price.Currency == "" {
		p.price.Currency = "EUR"
	}
	if p.price.Currency != "EUR" {
		p.item.Problemf(p.priceLine, "PRICE_CURRENCY", catalog.CodeCurrency, p.price.Currency)
		return
	}
	p.item.Prices = append(p.item.Prices, p.price)
}

// finish checks the product just read and hands it out.
func (r *Reader) finish() catalog.Item {
	p := r.p
	it := p.item
	r.p = product{}
	if p.gtin != "" {
		g, code := catalog.CheckGTIN(p.gtin)
		if code != "" {
			it.Problemf(p.gtinLine, p.gtinField, code, p.gtin)
		} else {
			it.GTIN = g
		}
	}
	if p.cpv != "" {
		c, code := catalog.CheckCPV(p.cpv)
		if code != "" {
			it.Problemf(p.cpvLine, p.cpvField, code, p.cpv)
		} else {
			it.CPV = c
		}
	}
	catalog.Validate(&it, r.hdr.Transaction, catalog.Fields{
		ID: r.n.id, ShortDescription: "DESCRIPTION_SHORT", Unit: "ORDER_UNIT", Price: r.n.price,
	})
	if first := r.seen.Add(it.SupplierPID, it.Line); first != 0 {
		it.Problemf(it.Line, r.n.id, catalog.CodeDuplicate, it.SupplierPID, strconv.Itoa(first))
	}
	return it
}

var (
	errTokenLimit = errors.New("bmecat: token limit reached")
	errByteLimit  = errors.New("bmecat: size limit reached")
)

// guard is the byte source of the decoder. It counts bytes and refuses to
// deliver more than maxToken bytes since mark (reset after every token) and
// more than maxBytes in all, so neither one huge token nor a huge file can
// make the decoder buffer without bound. It is deliberately not an
// io.ByteReader: the decoder then reads through its own bufio.Reader, one
// call per 4 KiB instead of one per byte, and the token limit holds to
// within that read-ahead.
type guard struct {
	br       *bufio.Reader
	n, mark  int64
	maxToken int64 // 0: no limit
	maxBytes int64 // 0: no limit
}

// allowance is how many bytes may be read now, or an error.
func (g *guard) allowance(want int) (int, error) {
	if g.maxToken > 0 {
		left := g.maxToken - (g.n - g.mark)
		if left <= 0 {
			return 0, errTokenLimit
		}
		want = int(min(int64(want), left))
	}
	if g.maxBytes > 0 {
		left := g.maxBytes - g.n
		if left <= 0 {
			if _, err := g.br.Peek(1); err != nil {
				return 0, err
			}
			return 0, errByteLimit
		}
		want = int(min(int64(want), left))
	}
	return want, nil
}

func (g *guard) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := g.allowance(len(p))
	if err != nil {
		return 0, err
	}
	n, err = g.br.Read(p[:n])
	g.n += int64(n)
	return n, err
}
